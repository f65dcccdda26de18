"""Conflicts of interest: automatic, declared by experts, entered by the secretariat.

Conflicts are hard: recording one removes the pair's assignment at once. Every conflict is
written by `record_conflicts`, which removes the pair's assignment and review first (the
database refuses a conflict of an assigned pair) and tells the organisers."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from accounts.models import Organisation
from core.emails import queue_email
from core.services import record_event
from submissions.models import CompletingOrganisation, Edition, Nomination
from submissions.stages import Stage
from submissions.states import NominationState

from .. import conflicts as conflict_rules
from .. import queries
from ..models import Assignment, Bid, Conflict, CriterionScore, Expert, Review
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


def _pairs_filter(pairs) -> dict:
    """A filter that holds every pair (and possibly more, which the caller drops): one IN per
    column instead of an OR per pair, which SQLite refuses past a thousand terms."""
    return {
        "expert_id__in": sorted({expert_id for expert_id, _n in pairs}),
        "nomination_id__in": sorted({nomination_id for _e, nomination_id in pairs}),
    }


def _review_record(review: Review | None) -> dict | None:
    """What an expert had entered in a review that a conflict removes, kept in the audit trail."""
    if review is None:
        return None
    return {
        "state": review.state,
        "confidence": review.confidence,
        "comment": review.comment,
        "submitted_at": review.submitted_at.isoformat() if review.submitted_at else None,
        "version": review.version,
        "scores": {score.criterion.code: score.score for score in review.scores.all()},
    }


def _drop_conflicted_assignments(pairs: set[tuple[int, int]], *, actor) -> list[dict]:
    """A conflict is hard: remove the pairs' assignments, with any review begun on them.

    Each removal leaves an audit event carrying what the expert had entered (state, scores,
    comment), so a review lost to a late conflict can still be read by the secretariat.
    """
    if not pairs:
        return []
    dropped = [
        assignment
        for assignment in Assignment.objects.select_for_update(of=("self",))
        .filter(**_pairs_filter(pairs))
        .select_related("expert", "nomination")
        .order_by("nomination__code", "expert_id")
        if (assignment.expert_id, assignment.nomination_id) in pairs
    ]
    if not dropped:
        return []
    reviews = {
        review.assignment_id: review
        for review in Review.objects.filter(assignment__in=dropped).prefetch_related(
            Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion"))
        )
    }
    removed = []
    for assignment in dropped:
        review = _review_record(reviews.get(assignment.pk))
        record_event(
            actor=actor,
            action="review.assignment_removed_for_conflict",
            obj=assignment.nomination,
            details={
                "expert": assignment.expert_id,
                "nomination": assignment.nomination_id,
                "source": assignment.source,
                "review": review,
            },
        )
        removed.append(
            {"expert": assignment.expert, "nomination": assignment.nomination, "review": review}
        )
    CriterionScore.objects.filter(review__assignment__in=dropped).delete()
    Review.objects.filter(assignment__in=dropped).delete()
    Assignment.objects.filter(pk__in=[a.pk for a in dropped]).delete()
    return removed


def _organisers():
    from accounts import roles

    return get_user_model().objects.filter(groups__name=roles.ORGANISER, is_active=True).distinct()


def _tell_organisers(removed: list[dict], *, source: str) -> None:
    """E-mail each organiser, in their language, the assignments a new conflict removed."""
    if not removed:
        return
    for organiser in _organisers().order_by("pk"):
        queue_email(
            name="conflict_assignments_removed",
            to=[organiser.email],
            context={
                "recipient": organiser,
                "removed": removed,
                "source": Conflict.Source(source),
                "portal_url": getattr(settings, "PORTAL_URL", ""),
            },
            language=organiser.preferred_language,
        )


def record_conflicts(
    *,
    source: str,
    reasons: dict[tuple[int, int], str],
    actor,
    created_by=None,
) -> dict:
    """Record conflicts of one source: {(expert id, nomination id): reason}.

    The one function that writes a conflict, whatever the path (the secretariat's pages and
    the admin, the expert's declarations, the automatic refresh after a roster import or on
    the conflicts page). For a new pair it first removes the pair's assignment and any review
    begun on it, in the same transaction: the database refuses a conflict of an assigned pair
    (migration 0003), so the order is the rule. The organisers are told by e-mail of every
    assignment removed. A pair already recorded for the source only has its reason brought up
    to date.
    """
    source = Conflict.Source(source)
    with transaction.atomic():
        existing = {}
        if reasons:
            existing = {
                (c.expert_id, c.nomination_id): c
                for c in Conflict.objects.select_for_update(of=("self",)).filter(
                    source=source, **_pairs_filter(reasons)
                )
                if (c.expert_id, c.nomination_id) in reasons
            }
        new_pairs = set(reasons) - set(existing)
        removed = _drop_conflicted_assignments(new_pairs, actor=actor)
        # A preference on a pair that becomes conflicted goes with it (the database's trigger
        # of migration 0005 does the same for writers that bypass this service).
        if new_pairs:
            bids = Bid.objects.filter(**_pairs_filter(new_pairs)).values_list(
                "pk", "expert_id", "nomination_id"
            )
            Bid.objects.filter(pk__in=[pk for pk, e, n in bids if (e, n) in new_pairs]).delete()
        Conflict.objects.bulk_create(
            [
                Conflict(
                    expert_id=expert_id,
                    nomination_id=nomination_id,
                    source=source,
                    reason=reasons[(expert_id, nomination_id)],
                    created_by=created_by,
                )
                for expert_id, nomination_id in sorted(new_pairs)
            ]
        )
        changed = 0
        for pair, conflict in existing.items():
            if conflict.reason != reasons[pair]:
                conflict.reason = reasons[pair]
                conflict.save(update_fields=["reason"])
                changed += 1
        _tell_organisers(removed, source=source)
    return {
        "created": len(new_pairs),
        "changed": changed,
        "assignments_removed": len(removed),
        # The entries whose assignment went, with any review begun on it.
        "withdrawn": [r["nomination"].code for r in removed],
    }


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
            for c in Conflict.objects.select_for_update(of=("self",)).filter(
                nomination__edition=edition, source=Conflict.Source.AUTOMATIC
            )
        }
        stale = [c.pk for pair, c in existing.items() if pair not in wanted]
        Conflict.objects.filter(pk__in=stale).delete()
        recorded = record_conflicts(
            source=Conflict.Source.AUTOMATIC, reasons=wanted, actor=actor, created_by=None
        )
        result = {
            "created": recorded["created"],
            "removed": len(stale),
            "changed": recorded["changed"],
            "total": len(wanted),
            "assignments_removed": recorded["assignments_removed"],
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
        recorded = record_conflicts(
            source=Conflict.Source.ORGANISER,
            reasons={(expert.pk, nomination.pk): reason},
            actor=actor,
            created_by=actor,
        )
        conflict = Conflict.objects.get(
            expert=expert, nomination=nomination, source=Conflict.Source.ORGANISER
        )
        record_event(
            actor=actor,
            action="review.conflict_entered",
            obj=nomination,
            details={
                "expert": expert.pk,
                "reason": reason,
                "assignments_removed": recorded["assignments_removed"],
            },
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
    """Experts declare conflicts until the preliminary evaluation closes; an edition without
    a preliminary window takes no declarations (a missing window is closed)."""
    return edition.before_close(Stage.PRELIMINARY, now)


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
            for c in Conflict.objects.select_for_update(of=("self",)).filter(
                expert=expert, source=Conflict.Source.DECLARED
            )
        }
        removed = [c.pk for pk, c in current.items() if pk not in declared]
        Conflict.objects.filter(pk__in=removed).delete()
        recorded = record_conflicts(
            source=Conflict.Source.DECLARED,
            reasons={
                (expert.pk, nomination_id): reason.strip()
                for nomination_id, reason in declared.items()
            },
            actor=actor,
            created_by=actor,
        )
        added = recorded["created"]
        result = {
            "declared": len(declared),
            "added": added,
            "removed": len(removed),
            "withdrawn": recorded["withdrawn"],
        }
        record_event(actor=actor, action="review.conflicts_declared", obj=expert, details=result)
    return result
