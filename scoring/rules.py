"""Who may score, read and rank entries (django-rules), built from the predicates of accounts
and review. Views ask the named permissions through `core.access.permission_required_or_404`;
a refused entry answers 404.
"""

import rules

from accounts.rules import is_organiser
from review.rules import may_review


@rules.predicate
def holds_assignment(user, assignment) -> bool:
    """The assignment (found in the user's unconflicted assignments) is the user's own."""
    return assignment is not None and assignment.expert.user_id == user.pk


# Score an assigned entry (the object: the assignment, from scoring.queries.assignment_for_entry,
# which never holds a conflicted pair).
rules.add_perm("scoring.score_entry", holds_assignment)
# Read an entry's files (the object: the nomination): its assigned, unconflicted experts, and
# the secretariat, which holds every entry's materials anyway.
rules.add_perm("scoring.read_entry_files", is_organiser | may_review)
# The secretariat's ranking, shortlist, finalists, weights, reminders and export.
rules.add_perm("scoring.rank_entries", is_organiser)
