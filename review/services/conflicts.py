"""Conflicts of interest: automatic, declared by experts, entered by the secretariat.

Conflicts are hard: recording one removes the pair's assignment at once."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from core.services import record_event
from submissions.models import CompletingOrganisation, Edition, Nomination
from submissions.states import NominationState

from .. import conflicts as conflict_rules
from .. import queries
from ..models import Assignment, Conflict, CriterionScore, Expert, Review
from .errors import ReviewError


def _organisation_facts(
    organisation: Organisation | None, names=()
) -> conflict_rules.OrganisationFacts:
    if organisation is None:
        return conflict_rules.OrganisationFacts(id=None, names=tuple(n for n in names if n))
    return conflict_rules.OrganisationFacts(
        id=organisation.pk,
        names=tuple(n for n in (organisation.name_zh, organisation.name_en, *names) if n),
        email_domain=organisation.email_domain,
    )


def _drop_conflicted_assignments(pairs: set[tuple[int, int]], *, actor) -> int:
    """A conflict is hard: remove the pairs' assignments, with any review begun on them."""
    if not pairs:
        return 0
    query = Q()
    for expert_id, nomination_id in pairs:
        query |= Q(expert_id=expert_id, nomination_id=nomination_id)
    dropped = list(Assignment.objects.filter(query))
    if not dropped:
        return 0
    CriterionScore.objects.filter(review__assignment__in=dropped).delete()
    Review.objects.filter(assignment__in=dropped).delete()
    for assignment in dropped:
        record_event(
            actor=actor,
            action="review.assignment_removed_for_conflict",
            obj=None,
            details={"expert": assignment.expert_id, "nomination": assignment.nomination_id},
        )
    Assignment.objects.filter(pk__in=[a.pk for a in dropped]).delete()
    return len(dropped)


def refresh_automatic_conflicts(*, edition: Edition, actor) -> dict:
    """Recompute the edition's automatic conflicts from organisations, domains and recommendations.

    Idempotent: running it twice changes nothing the second time.
    """
    experts = list(Expert.objects.filter(edition=edition).select_related("user", "organisation"))
    nominations = list(
        Nomination.objects.filter(edition=edition)
        .exclude(state__in=[NominationState.DRAFT, NominationState.WITHDRAWN])
        .select_related("organisation", "recommendation")
    )
    completing: dict[int, list[CompletingOrganisation]] = {}
    for item in CompletingOrganisation.objects.filter(
        nomination__in=[n.pk for n in nominations]
    ).select_related("organisation"):
        completing.setdefault(item.nomination_id, []).append(item)

    expert_facts = [
        conflict_rules.ExpertFacts(
            id=expert.pk,
            user_id=expert.user_id,
            email=expert.user.email,
            organisation=_organisation_facts(expert.organisation)
            if expert.organisation_id
            else None,
            affiliation_names=tuple(n for n in (expert.affiliation_zh, expert.affiliation_en) if n),
        )
        for expert in experts
    ]
    nomination_facts = []
    for nomination in nominations:
        recommendation = getattr(nomination, "recommendation", None)
        nomination_facts.append(
            conflict_rules.NominationFacts(
                id=nomination.pk,
                nominating=_organisation_facts(nomination.organisation),
                completing=tuple(
                    _organisation_facts(item.organisation, (item.name_zh, item.name_en))
                    for item in completing.get(nomination.pk, [])
                ),
                recommender_user_id=recommendation.recommender_id if recommendation else None,
            )
        )
    wanted = {
        pair: conflict_rules.combined_reason(found)
        for pair, found in conflict_rules.automatic_conflicts(
            expert_facts, nomination_facts
        ).items()
    }
    with transaction.atomic():
        existing = {
            (c.expert_id, c.nomination_id): c
            for c in Conflict.objects.select_for_update().filter(
                nomination__edition=edition, source=Conflict.Source.AUTOMATIC
            )
        }
        stale = [c.pk for pair, c in existing.items() if pair not in wanted]
        Conflict.objects.filter(pk__in=stale).delete()
        new_pairs = set()
        changed = 0
        for pair, reason in wanted.items():
            conflict = existing.get(pair)
            if conflict is None:
                Conflict.objects.create(
                    expert_id=pair[0],
                    nomination_id=pair[1],
                    source=Conflict.Source.AUTOMATIC,
                    reason=reason,
                    created_by=None,
                )
                new_pairs.add(pair)
            elif conflict.reason != reason:
                conflict.reason = reason
                conflict.save(update_fields=["reason"])
                changed += 1
        dropped = _drop_conflicted_assignments(new_pairs, actor=actor)
        result = {
            "created": len(new_pairs),
            "removed": len(stale),
            "changed": changed,
            "total": len(wanted),
            "assignments_removed": dropped,
        }
        record_event(
            actor=actor, action="review.automatic_conflicts_refreshed", obj=edition, details=result
        )
    return result


def add_conflict(*, expert: Expert, nomination: Nomination, reason: str, actor) -> Conflict:
    """The secretariat records a conflict it knows of."""
    if nomination.edition_id != expert.edition_id:
        raise ReviewError(_("The expert and the entry belong to different editions."))
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Give the reason for the conflict."))
    with transaction.atomic():
        conflict, _created = Conflict.objects.update_or_create(
            expert=expert,
            nomination=nomination,
            source=Conflict.Source.ORGANISER,
            defaults={"reason": reason, "created_by": actor},
        )
        _drop_conflicted_assignments({(expert.pk, nomination.pk)}, actor=actor)
        record_event(
            actor=actor,
            action="review.conflict_entered",
            obj=nomination,
            details={"expert": expert.pk, "reason": reason},
        )
    return conflict


def remove_conflict(*, conflict: Conflict, actor) -> None:
    """Remove a declared or entered conflict; automatic ones follow the data, not a click."""
    if conflict.source == Conflict.Source.AUTOMATIC:
        raise ReviewError(
            _(
                "An automatic conflict comes from the organisations, e-mail domains and "
                "recommendations; correct those and refresh the automatic conflicts."
            )
        )
    with transaction.atomic():
        record_event(
            actor=actor,
            action="review.conflict_removed",
            obj=conflict.nomination,
            details={"expert": conflict.expert_id, "source": conflict.source},
        )
        conflict.delete()


def declaration_window_open(edition: Edition, now=None) -> bool:
    """Experts declare conflicts until the preliminary evaluation closes."""
    from submissions.models import StageWindow
    from submissions.stages import Stage

    now = now or timezone.now()
    window = StageWindow.objects.filter(edition=edition, stage=Stage.PRELIMINARY).first()
    return window is None or now < window.closes_at


def declare_conflicts(*, expert: Expert, declared: dict[int, str], actor) -> dict:
    """The expert's own declarations: exactly the nominations in `declared` (id → reason)."""
    if not declaration_window_open(expert.edition):
        raise ReviewError(_("The preliminary evaluation has closed; declarations are closed too."))
    allowed = set(queries.declarable_nominations(expert.edition).values_list("pk", flat=True))
    unknown = set(declared) - allowed
    if unknown:
        raise ReviewError(_("Some of the entries ticked cannot be declared."))
    missing_reason = [pk for pk, reason in declared.items() if not (reason or "").strip()]
    if missing_reason:
        raise ReviewError(_("Give a reason for each conflict you declare."))
    with transaction.atomic():
        current = {
            c.nomination_id: c
            for c in Conflict.objects.select_for_update().filter(
                expert=expert, source=Conflict.Source.DECLARED
            )
        }
        removed = [c.pk for pk, c in current.items() if pk not in declared]
        Conflict.objects.filter(pk__in=removed).delete()
        added = set()
        for nomination_id, reason in declared.items():
            reason = reason.strip()
            conflict = current.get(nomination_id)
            if conflict is None:
                Conflict.objects.create(
                    expert=expert,
                    nomination_id=nomination_id,
                    source=Conflict.Source.DECLARED,
                    reason=reason,
                    created_by=actor,
                )
                added.add((expert.pk, nomination_id))
            elif conflict.reason != reason:
                conflict.reason = reason
                conflict.save(update_fields=["reason"])
        _drop_conflicted_assignments(added, actor=actor)
        result = {"declared": len(declared), "added": len(added), "removed": len(removed)}
        record_event(actor=actor, action="review.conflicts_declared", obj=expert, details=result)
    return result
