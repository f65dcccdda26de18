"""Vacancy run-offs: places a certified round left unfilled, or freed by an upheld objection.

The rules (docs/decisions.md, shown on the round and notice pages):
- Who takes part: every item of the round the places come from that is not among the
  category's certified winners, was not removed after an objection and is still a finalist,
  listed by its approvals in that round. All of them, not the next few: the committee chooses
  again among the same field rather than the secretariat narrowing it.
- Threshold, quorum and method: those of the round the places come from.
- Attempts: one vacancy run-off per decision (a void one, without quorum, may be held again as
  any void round). Places it leaves unfilled stay vacant; no second run-off is offered.
- A technology that wins a vacancy run-off certified after the public notice opened has its own
  notice, as long as the notice, with objections; the results wait for its end.

Each write is one transaction with an AuditEvent; ballot rounds are opened by
`voting.services.open_round`, the one path that freezes a voter list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import record_event
from submissions.models import Category, Nomination
from submissions.states import NominationState

from . import queries, services
from .models import BallotRound, PlaceDecision, Publication, RoundKind, RoundState, Teller
from .services import RoundStateError


def _taken_codes(category: Category) -> set[str]:
    """Codes that cannot take part in a vacancy run-off: certified winners and removed ones."""
    taken = set(
        queries.certified_codes(category.edition_id, category_id=category.pk).get(category.pk, [])
    )
    publication = Publication.objects.filter(edition_id=category.edition_id).first()
    if publication is not None:
        taken.update(publication.removed)
    return taken


def vacancy_runoff_items(round: BallotRound) -> list[Nomination]:
    """The items that take part in a vacancy run-off for places of `round`, by its approvals."""
    result = round.result or {}
    scores = {c["code"]: c["score"] for c in result.get("counts", [])}
    # A round not yet certified has winners (and tied items) of its own that _taken_codes,
    # which reads certified rounds, does not know yet: they do not run for the vacancy either.
    taken = (
        set(_taken_codes(round.category))
        | set(result.get("winners", []))
        | set((result.get("runoff") or {}).get("items", []))
    )
    # Taken codes are left out after the query, so that the page makes the same queries
    # whether or not any item is left (an empty IN makes none).
    items = [
        n
        for n in Nomination.objects.filter(
            category=round.category,
            code__in=result.get("items", []),
            state=NominationState.FINALIST,
        )
        if n.code not in taken
    ]
    items.sort(key=lambda n: (-scores.get(n.code, 0), n.code))
    return items


def open_vacancy_runoff(
    *, decision: PlaceDecision, actor, closes_at: datetime, tellers: Sequence[Teller] | None = None
) -> BallotRound:
    """Open the one vacancy run-off a decision asked for, with its own three tellers (every
    round is sealed to its own key: docs/ballot-secrecy.md)."""
    with transaction.atomic():
        locked = (
            PlaceDecision.objects.select_for_update().select_related("round").get(pk=decision.pk)
        )
        if locked.decision != PlaceDecision.Decision.RUNOFF:
            raise RoundStateError(_("These places were left vacant: no run-off is held."))
        if locked.runoff_id is not None:
            raise RoundStateError(
                _("The vacancy run-off for these places has already been opened.")
            )
        parent = locked.round
        items = vacancy_runoff_items(parent)
        if not items:
            raise RoundStateError(
                _("No technology can take part in a vacancy run-off: the places stay vacant.")
            )
        runoff = services.open_round(
            edition=parent.edition,
            category=parent.category,
            actor=actor,
            method=parent.method,
            quota=min(locked.places, len(items)),
            items=items,
            closes_at=closes_at,
            quorum=parent.quorum,
            threshold=parent.threshold,
            parent=parent,
            kind=RoundKind.VACANCY_RUNOFF,
            tellers=tellers,
        )
        locked.runoff = runoff
        locked.save(update_fields=["runoff", "updated_at"])
        record_event(
            actor=actor,
            action="voting.vacancy_runoff_opened",
            obj=runoff,
            details={
                "decision": locked.pk,
                "cause": locked.cause,
                "places": locked.places,
                "parent": parent.pk,
                "items": [n.code for n in items],
            },
        )
    return runoff


def freed_places_by_category(edition, publication: Publication | None) -> dict[int, int]:
    """Per category id: places freed by removals that no decision has yet covered (two
    queries, whatever the number of categories)."""
    if publication is None:
        return {}
    removed = set(publication.removed)
    freed = {
        category_id: len(removed & set(codes))
        for category_id, codes in queries.certified_codes(edition.pk).items()
    }
    for category_id, places in PlaceDecision.objects.filter(
        round__edition=edition, cause=PlaceDecision.Cause.FREED
    ).values_list("round__category_id", "places"):
        freed[category_id] = freed.get(category_id, 0) - places
    return {pk: count for pk, count in freed.items() if count > 0}


def freed_places(category: Category, publication: Publication | None) -> int:
    """Places freed by removals in the category that no decision has yet covered."""
    return freed_places_by_category(category.edition, publication).get(category.pk, 0)


def decide_freed_places(*, category: Category, actor, decision: str, reason: str) -> PlaceDecision:
    """Record the committee's decision on places freed by removals: vacant, or a run-off."""
    reason = (reason or "").strip()
    if decision not in services.UNFILLED_CHOICES:
        raise RoundStateError(_("Choose to leave the places vacant or to hold a vacancy run-off."))
    if not reason:
        raise RoundStateError(_("Give the reason for the decision on the freed places."))
    with transaction.atomic():
        publication = (
            Publication.objects.select_for_update().filter(edition_id=category.edition_id).first()
        )
        if publication is None or publication.is_published:
            raise RoundStateError(_("Places are freed only during the public notice."))
        places = freed_places(category, publication)
        if not places:
            raise RoundStateError(_("No place of this category is freed and undecided."))
        main = (
            BallotRound.objects.filter(
                category=category, kind=RoundKind.MAIN, state=RoundState.CERTIFIED
            )
            .order_by("-number")
            .first()
        )
        if main is None:
            raise RoundStateError(_("No certified ballot round yet."))
        record = PlaceDecision.objects.create(
            round=main,
            cause=PlaceDecision.Cause.FREED,
            places=places,
            decision=decision,
            reason=reason,
            decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record_event(
            actor=actor,
            action="voting.freed_places_decided",
            obj=record,
            details={
                "category": category.code,
                "places": places,
                "decision": decision,
                "reason": reason,
            },
        )
    return record


def late_notices(edition, now: datetime | None = None) -> dict[str, datetime]:
    """Per code of a technology that won after the notice opened: the end of its own notice."""
    out: dict[str, datetime] = {}
    decisions = PlaceDecision.objects.filter(
        round__edition=edition, own_notice_closes_at__isnull=False
    ).select_related("runoff")
    for decision in decisions:
        for code in (decision.runoff.result or {}).get("winners", []):
            out[code] = decision.own_notice_closes_at
    return out


def open_late_notices(edition, now: datetime | None = None) -> dict[str, datetime]:
    now = now or timezone.now()
    return {code: end for code, end in late_notices(edition).items() if now < end}
