"""The organiser's decisions about single expert–entry pairs: pins, forbids, changes by hand.

No function here assigns a conflicted pair, whoever calls it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.services import record_event
from submissions.models import Nomination
from submissions.services import transition
from submissions.states import NominationState

from ..integrity import is_conflict_refusal
from ..models import Assignment, Conflict, Expert, PairRule, Review
from .errors import ReviewError


def _is_conflicted(expert: Expert, nomination: Nomination) -> bool:
    return Conflict.objects.filter(expert=expert, nomination=nomination).exists()


def _conflict_refusal(expert: Expert, nomination: Nomination) -> ReviewError:
    from core.i18n import localized

    return ReviewError(
        _(
            "%(expert)s has a conflict of interest with %(code)s “%(title)s”: a conflicted "
            "expert is never assigned to the entry."
        )
        % {
            "expert": localized(expert, "name"),
            "code": nomination.code,
            "title": localized(nomination, "title"),
        }
    )


def set_pair_rule(*, expert: Expert, nomination: Nomination, kind: str, actor) -> PairRule:
    kind = PairRule.Kind(kind)
    if nomination.edition_id != expert.edition_id:
        raise ReviewError(_("The expert and the entry belong to different editions."))
    if kind == PairRule.Kind.PIN and _is_conflicted(expert, nomination):
        raise _conflict_refusal(expert, nomination)
    with transaction.atomic():
        rule, _created = PairRule.objects.update_or_create(
            expert=expert, nomination=nomination, defaults={"kind": kind, "created_by": actor}
        )
        record_event(
            actor=actor,
            action="review.pair_rule_set",
            obj=nomination,
            details={"expert": expert.pk, "kind": str(kind)},
        )
    return rule


def clear_pair_rule(*, expert: Expert, nomination: Nomination, actor) -> None:
    with transaction.atomic():
        deleted, _rows = PairRule.objects.filter(expert=expert, nomination=nomination).delete()
        if deleted:
            record_event(
                actor=actor,
                action="review.pair_rule_cleared",
                obj=nomination,
                details={"expert": expert.pk},
            )


def _check_assignable(expert: Expert, nomination: Nomination) -> None:
    if nomination.edition_id != expert.edition_id:
        raise ReviewError(_("The expert and the entry belong to different editions."))
    if _is_conflicted(expert, nomination):
        raise _conflict_refusal(expert, nomination)
    if PairRule.objects.filter(
        expert=expert, nomination=nomination, kind=PairRule.Kind.FORBID
    ).exists():
        raise ReviewError(_("This pair is forbidden; clear the rule first."))
    if Assignment.objects.filter(expert=expert, nomination=nomination).exists():
        raise ReviewError(_("The expert is already assigned to this entry."))


def _check_removable(assignment: Assignment) -> None:
    if Review.objects.filter(assignment=assignment).exists():
        raise ReviewError(_("The expert has begun the review of this entry; the assignment stays."))


def _create_assignment(expert: Expert, nomination: Nomination) -> Assignment:
    """A manual assignment; a conflict recorded since the check is refused by the database,
    and the refusal is said to the organiser (the caller's transaction rolls back whole)."""
    try:
        with transaction.atomic():
            return Assignment.objects.create(
                expert=expert, nomination=nomination, source=Assignment.Source.MANUAL
            )
    except IntegrityError as error:
        if is_conflict_refusal(error):
            raise _conflict_refusal(expert, nomination) from error
        raise


def move_to_review(nomination: Nomination, actor) -> None:
    if nomination.state == NominationState.ELIGIBLE:
        transition(nomination=nomination, to_state=NominationState.IN_REVIEW, actor=actor)


def assign_by_hand(*, expert: Expert, nomination: Nomination, actor) -> Assignment:
    with transaction.atomic():
        Expert.objects.select_for_update(of=("self",)).filter(pk=expert.pk).first()
        _check_assignable(expert, nomination)
        assignment = _create_assignment(expert, nomination)
        move_to_review(nomination, actor)
        record_event(
            actor=actor,
            action="review.assigned_by_hand",
            obj=nomination,
            details={"expert": expert.pk},
        )
    return assignment


def unassign(*, assignment: Assignment, actor) -> None:
    with transaction.atomic():
        _check_removable(assignment)
        record_event(
            actor=actor,
            action="review.unassigned",
            obj=assignment.nomination,
            details={"expert": assignment.expert_id},
        )
        assignment.delete()


def swap_assignment(*, assignment: Assignment, new_expert: Expert, actor) -> Assignment:
    """Give an assigned entry to another expert instead; a conflicted expert is refused."""
    nomination = assignment.nomination
    with transaction.atomic():
        _check_removable(assignment)
        _check_assignable(new_expert, nomination)
        old_expert_id = assignment.expert_id
        assignment.delete()
        swapped = _create_assignment(new_expert, nomination)
        record_event(
            actor=actor,
            action="review.assignment_swapped",
            obj=nomination,
            details={"from_expert": old_expert_id, "to_expert": new_expert.pk},
        )
    return swapped
