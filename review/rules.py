"""Who may see and do what in the evaluation (django-rules predicates).

Conflicts are hard: a conflicted expert is never assigned and never sees the entry, so views
in review/ answer 404 whenever `has_conflict` holds, whatever else is true.
"""

import rules

from accounts.rules import is_expert, is_organiser

from .models import Assignment, Conflict
from .queries import expert_for

__all__ = [
    "has_conflict",
    "is_assigned_expert",
    "is_committee_member",
    "is_expert",
    "is_organiser",
    "may_review",
]


@rules.predicate
def has_conflict(user, nomination) -> bool:
    """The user, as a committee expert, has a conflict of any source with the nomination."""
    if nomination is None or not getattr(user, "is_authenticated", False):
        return False
    return Conflict.objects.filter(expert__user=user, nomination=nomination).exists()


@rules.predicate
def is_assigned_expert(user, nomination) -> bool:
    """The user is assigned to review the nomination (and has no conflict with it)."""
    if nomination is None or not getattr(user, "is_authenticated", False):
        return False
    return Assignment.objects.filter(expert__user=user, nomination=nomination).exists()


may_review = is_assigned_expert & ~has_conflict

rules.add_rule("review.may_review", may_review)


@rules.predicate
def is_committee_member(user, edition) -> bool:
    """The user sits on the edition's committee (an `Expert` row; `expert_for` looks it up once
    per request)."""
    return expert_for(user, edition) is not None


# Bidding widens what an expert sees, and no more: every committee expert without a conflict
# may read an entry to review's code, titles, summary and direction, and say how much they
# would like to review it. The rule's one home is the queryset the bidding pages read,
# `review.queries.biddable_nominations`. Bids are seen by their expert and the secretariat only.


# --- Named permissions (views ask these through core.access.permission_required_or_404) -------

# The secretariat's pages of the evaluation: committee, conflicts, bidding, assignment.
rules.add_perm("review.manage_evaluation", is_organiser)
# A committee member's own pages of the edition (the object): expertise, bids, declarations.
rules.add_perm("review.serve_on_committee", is_committee_member)
# Recommend technologies (up to the quota) and edit one's own recommendations (the object: the
# current edition): the committee's channel of entry.
rules.add_perm("review.recommend_technology", is_committee_member)
