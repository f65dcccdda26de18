"""Who may see and do what in the evaluation (django-rules predicates).

Conflicts are hard: a conflicted expert is never assigned and never sees the entry, so views
in review/ answer 404 whenever `has_conflict` holds, whatever else is true.
"""

import rules

from accounts.rules import is_expert, is_organiser

from .models import Assignment, Conflict, Expert

__all__ = [
    "has_conflict",
    "is_assigned_expert",
    "is_committee_expert_for",
    "is_expert",
    "is_organiser",
    "may_bid",
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
def is_committee_expert_for(user, nomination) -> bool:
    """The user sits on the committee of the nomination's edition."""
    if nomination is None or not getattr(user, "is_authenticated", False):
        return False
    return Expert.objects.filter(user=user, edition_id=nomination.edition_id).exists()


# Bidding widens what an expert sees, and no more: every committee expert without a conflict
# may read an entry to review's code, titles, summary and direction, and say how much they
# would like to review it (review.queries.biddable_nominations holds the same rule as a
# queryset, which the bidding pages use). Bids are seen by their expert and the secretariat only.
may_bid = is_committee_expert_for & ~has_conflict

rules.add_rule("review.may_bid", may_bid)
