"""Every write of the committee, its conflicts and the assignment. One transaction each, with
an audit event; e-mail and background work are queued with `transaction.on_commit`.

Conflicts are hard: no service assigns a conflicted pair, whoever calls it, and declaring or
entering a conflict removes the pair's assignment at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import Organisation
from core.services import record_event
from submissions.models import CompletingOrganisation, Edition, Nomination
from submissions.services import transition
from submissions.states import NominationState

from . import conflicts as conflict_rules
from . import queries
from .assignment import AssignmentInfeasible, solve
from .assignment_data import (
    EntryRow,
    ExpertRow,
    build_problem,
    describe_reasons,
    pairs_to_ids,
    reason_message,
)
from .models import Assignment, AssignmentRun, Conflict, CriterionScore, Expert, PairRule, Review
from .roster import RosterRow


class ReviewError(Exception):
    """A refused change, with a message for the person who tried it (already translated)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AssignmentNotPossible(ReviewError):
    """The assignment settings cannot be met; `reasons` are described (codes, titles, names)."""

    def __init__(self, reasons: list[dict]):
        self.reasons = reasons
        super().__init__(" ".join(reason_message(reason) for reason in reasons))


# --- The committee --------------------------------------------------------------------------


def _organisation_for_affiliation(values: dict[str, str]) -> Organisation | None:
    """The registered organisation named like the affiliation, if exactly one is."""
    query = Q()
    if values.get("affiliation_zh"):
        query |= Q(name_zh__iexact=values["affiliation_zh"])
    if values.get("affiliation_en"):
        query |= Q(name_en__iexact=values["affiliation_en"])
    if not query:
        return None
    matches = list(Organisation.objects.filter(query)[:2])
    return matches[0] if len(matches) == 1 else None


def import_committee(*, edition: Edition, rows: list[RosterRow], actor) -> dict:
    """Create or update (by e-mail) the experts of the rows without errors."""
    User = get_user_model()
    expert_group, _created = Group.objects.get_or_create(name=roles.EXPERT)
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            if not row.ok:
                continue
            values = row.values
            email = values["email"].strip().lower()
            user = User.objects.filter(email__iexact=email).first()
            full_name = values["name_zh"] or values["name_en"]
            if user is None:
                user = User(email=email, full_name=full_name, preferred_language=row.language)
                # No password until the expert accepts the invitation.
                user.set_unusable_password()
                user.save()
            else:
                user.full_name = user.full_name or full_name
                user.preferred_language = row.language
                user.save(update_fields=["full_name", "preferred_language"])
            user.groups.add(expert_group)
            fields = {
                key: values[key]
                for key in (
                    "name_zh",
                    "name_en",
                    "affiliation_zh",
                    "affiliation_en",
                    "title_zh",
                    "title_en",
                )
            }
            expert, was_created = Expert.objects.get_or_create(
                edition=edition, user=user, defaults=fields
            )
            if not was_created:
                for key, value in fields.items():
                    setattr(expert, key, value)
            if expert.organisation_id is None:
                expert.organisation = _organisation_for_affiliation(values)
            expert.save()
            expert.directions.set(row.direction_ids)
            created += was_created
            updated += not was_created
        record_event(
            actor=actor,
            action="review.committee_imported",
            obj=edition,
            details={"created": created, "updated": updated},
        )
    return {"created": created, "updated": updated}


def invite_experts(*, experts: Iterable[Expert], actor, base_url: str = "") -> int:
    """E-mail each expert a one-time link to set a password (then TOTP), in their language."""
    from . import tasks

    experts = [expert for expert in experts if expert.accepted_at is None]
    now = timezone.now()
    with transaction.atomic():
        for expert in experts:
            expert.invited_at = now
            expert.save(update_fields=["invited_at", "updated_at"])
            record_event(actor=actor, action="review.expert_invited", obj=expert)
            expert_id = expert.pk
            transaction.on_commit(
                lambda expert_id=expert_id: tasks.send_expert_invitation.delay(expert_id, base_url)
            )
    return len(experts)


def accept_invitation(*, user, password: str) -> None:
    """The expert sets a password from the invitation: that accepts it (and verifies the e-mail)."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        now = timezone.now()
        for expert in Expert.objects.filter(user=user, accepted_at__isnull=True):
            expert.accepted_at = now
            expert.save(update_fields=["accepted_at", "updated_at"])
            record_event(actor=user, action="review.invitation_accepted", obj=expert)


# --- Conflicts ------------------------------------------------------------------------------


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


# --- Pairs: pins, forbids, and changes by hand -----------------------------------------------


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


def _move_to_review(nomination: Nomination, actor) -> None:
    if nomination.state == NominationState.ELIGIBLE:
        transition(nomination=nomination, to_state=NominationState.IN_REVIEW, actor=actor)


def assign_by_hand(*, expert: Expert, nomination: Nomination, actor) -> Assignment:
    with transaction.atomic():
        Expert.objects.select_for_update().filter(pk=expert.pk).first()
        _check_assignable(expert, nomination)
        assignment = Assignment.objects.create(
            expert=expert, nomination=nomination, source=Assignment.Source.MANUAL
        )
        _move_to_review(nomination, actor)
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
        swapped = Assignment.objects.create(
            expert=new_expert, nomination=nomination, source=Assignment.Source.MANUAL
        )
        record_event(
            actor=actor,
            action="review.assignment_swapped",
            obj=nomination,
            details={"from_expert": old_expert_id, "to_expert": new_expert.pk},
        )
    return swapped


# --- The assignment -------------------------------------------------------------------------


def _entry_rows(edition: Edition) -> tuple[list[Nomination], list[EntryRow]]:
    nominations = list(queries.entries_to_review(edition))
    rows = [
        EntryRow(
            id=n.pk,
            code=n.code,
            title_zh=n.title_zh,
            title_en=n.title_en,
            direction_id=n.direction_id,
        )
        for n in nominations
    ]
    return nominations, rows


def _expert_rows(edition: Edition) -> list[ExpertRow]:
    experts = list(
        Expert.objects.filter(edition=edition).prefetch_related("directions").order_by("pk")
    )
    return [
        ExpertRow(
            id=e.pk,
            name_zh=e.name_zh,
            name_en=e.name_en,
            direction_ids=frozenset(d.pk for d in e.directions.all()),
        )
        for e in experts
    ]


def assign_reviewers(
    *,
    edition: Edition,
    per_entry: int,
    actor,
    min_load: int | None = None,
    max_load: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Assign `per_entry` experts to each entry to review, optimally; return the summary.

    Keeps the assignments whose review has begun (they are pinned), honours the organiser's
    pins and forbids, and never uses a conflicted pair. Raises AssignmentNotPossible with the
    entries and numbers that stand in the way.
    """
    started = time.perf_counter()
    report = progress or (lambda percent: None)
    nominations, entries = _entry_rows(edition)
    experts = _expert_rows(edition)
    conflicted = queries.conflicted_pairs(edition)
    rules = list(queries.pair_rules(edition).values_list("expert_id", "nomination_id", "kind"))
    forbidden = conflicted | {(x, n) for x, n, kind in rules if kind == PairRule.Kind.FORBID}
    started_pairs = set(
        queries.started_assignments(edition).values_list("expert_id", "nomination_id")
    )
    pinned_by_rule = {(x, n) for x, n, kind in rules if kind == PairRule.Kind.PIN}
    pinned = pinned_by_rule | started_pairs
    report(20)

    if not entries:
        summary = _summary(edition, per_entry, entries, experts, [], 0.0, 0.0, started, 0, 0)
        report(100)
        return summary
    problem = build_problem(
        entries,
        experts,
        per_entry=per_entry,
        min_load=min_load,
        max_load=max_load,
        forbidden=forbidden,
        pinned=pinned,
    )
    if not experts:
        raise AssignmentNotPossible(
            [
                {
                    "kind": "too_few_experts",
                    "entry_code": entry.code,
                    "entry_title_zh": entry.title_zh,
                    "entry_title_en": entry.title_en,
                    "available": 0,
                    "needed": per_entry,
                }
                for entry in entries
            ]
        )
    report(30)
    try:
        result = solve(problem)
    except AssignmentInfeasible as infeasible:
        raise AssignmentNotPossible(
            describe_reasons(infeasible.reasons, entries, experts)
        ) from infeasible
    report(80)
    chosen = set(pairs_to_ids(result.pairs, entries, experts))
    # Belt and braces: the solver was told, but a conflict is never written, whatever happens.
    if chosen & conflicted:
        raise RuntimeError("The solver proposed a conflicted pair; nothing was written.")

    with transaction.atomic():
        current = {
            (a.expert_id, a.nomination_id): a
            for a in Assignment.objects.select_for_update().filter(nomination__edition=edition)
        }
        obsolete = [a.pk for pair, a in current.items() if pair not in chosen]
        Assignment.objects.filter(pk__in=obsolete).delete()
        created = []
        for pair in sorted(chosen):
            source = Assignment.Source.PINNED if pair in pinned else Assignment.Source.SOLVER
            existing = current.get(pair)
            if existing is None:
                created.append(Assignment(expert_id=pair[0], nomination_id=pair[1], source=source))
            elif existing.source != source and existing.source != Assignment.Source.MANUAL:
                existing.source = source
                existing.save(update_fields=["source"])
        Assignment.objects.bulk_create(created)
        for nomination in nominations:
            _move_to_review(nomination, actor)
        summary = _summary(
            edition,
            per_entry,
            entries,
            experts,
            sorted(chosen),
            result.objective,
            result.bound,
            started,
            len(created),
            len(obsolete),
        )
        record_event(actor=actor, action="review.assignment_run", obj=edition, details=summary)
    report(100)
    return summary


def _summary(
    edition, per_entry, entries, experts, pairs, objective, bound, started, created, removed
) -> dict:
    per_entry_count: dict[int, int] = {}
    loads = dict.fromkeys((e.id for e in experts), 0)
    for expert_id, nomination_id in pairs:
        per_entry_count[nomination_id] = per_entry_count.get(nomination_id, 0) + 1
        loads[expert_id] = loads.get(expert_id, 0) + 1
    covered = sum(1 for entry in entries if per_entry_count.get(entry.id, 0) == per_entry)
    conflicts_assigned = (
        Assignment.objects.filter(nomination__edition=edition)
        .filter(
            Exists(
                Conflict.objects.filter(
                    expert_id=OuterRef("expert_id"), nomination_id=OuterRef("nomination_id")
                )
            )
        )
        .count()
    )
    load_values = list(loads.values()) or [0]
    return {
        "year": edition.year,
        "entries": len(entries),
        "experts": len(experts),
        "per_entry": per_entry,
        "coverage": round(covered / len(entries), 4) if entries else 1.0,
        "load_min": min(load_values),
        "load_max": max(load_values),
        "mean_affinity": round(objective / len(pairs), 4) if pairs else 0.0,
        "objective": round(objective, 6),
        "bound": round(bound, 6),
        "conflicts_assigned": conflicts_assigned,
        "created": created,
        "removed": removed,
        "seconds": round(time.perf_counter() - started, 3),
    }


def start_assignment_run(
    *,
    edition: Edition,
    per_entry: int,
    actor,
    min_load: int | None = None,
    max_load: int | None = None,
) -> AssignmentRun:
    """Queue a run of the solver as a background task the organiser can follow."""
    from . import tasks

    if AssignmentRun.objects.filter(
        edition=edition, state__in=[AssignmentRun.State.QUEUED, AssignmentRun.State.RUNNING]
    ).exists():
        raise ReviewError(_("An assignment run is already under way; wait for it to finish."))
    with transaction.atomic():
        run = AssignmentRun.objects.create(
            edition=edition,
            started_by=actor,
            per_entry=per_entry,
            min_load=min_load,
            max_load=max_load,
        )
        record_event(
            actor=actor,
            action="review.assignment_run_started",
            obj=edition,
            details={"run": run.pk, "per_entry": per_entry},
        )
        transaction.on_commit(lambda: tasks.run_assignment.delay(run.pk))
    return run


def execute_assignment_run(*, run: AssignmentRun) -> AssignmentRun:
    """Do one queued run: progress on the row, then the summary or the reasons it failed."""

    def report(percent: int) -> None:
        AssignmentRun.objects.filter(pk=run.pk).update(progress=percent)

    AssignmentRun.objects.filter(pk=run.pk).update(state=AssignmentRun.State.RUNNING, progress=5)
    try:
        summary = assign_reviewers(
            edition=run.edition,
            per_entry=run.per_entry,
            actor=run.started_by,
            min_load=run.min_load,
            max_load=run.max_load,
            progress=report,
        )
    except AssignmentNotPossible as refused:
        # Settings that cannot be met: the reasons are stored, described, for the page to
        # explain in the reader's language.
        AssignmentRun.objects.filter(pk=run.pk).update(
            state=AssignmentRun.State.FAILED,
            progress=100,
            summary={"reasons": refused.reasons},
            error=refused.message,
            finished_at=timezone.now(),
        )
    except Exception as error:
        AssignmentRun.objects.filter(pk=run.pk).update(
            state=AssignmentRun.State.FAILED,
            progress=100,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    else:
        AssignmentRun.objects.filter(pk=run.pk).update(
            state=AssignmentRun.State.DONE,
            progress=100,
            summary=summary,
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run
