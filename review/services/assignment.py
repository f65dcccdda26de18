"""The optimal assignment of entries to experts, run directly or as a background task."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import record_event
from submissions.models import Edition, Nomination

from .. import queries
from ..assignment import AssignmentInfeasible, solve
from ..assignment_data import (
    EntryRow,
    ExpertRow,
    build_problem,
    describe_reasons,
    diagnose,
    pairs_to_ids,
)
from ..assignment_quality import direction_only, figures, measure
from ..integrity import is_conflict_refusal
from ..models import (
    Assignment,
    AssignmentRun,
    Conflict,
    Expert,
    PairRule,
)
from .conflicts import refresh_automatic_conflicts
from .errors import AssignmentNotPossible, ReviewError
from .pairs import move_to_review

# The largest editions solve in seconds; a run this old without an end has lost its worker.
RUN_STALE_AFTER_MINUTES = 15


@dataclass
class AssignmentOutcome:
    """What a run decided, for `_write_assignment` to store and `_summary` to report."""

    edition: Edition
    nominations: list[Nomination]
    entries: list[EntryRow]
    experts: list[ExpertRow]
    per_entry: int
    started: float  # time.perf_counter() at the start of the run
    chosen: set[tuple[int, int]] = field(default_factory=set)  # (expert id, nomination id)
    pinned: set[tuple[int, int]] = field(default_factory=set)
    objective: float = 0.0
    bound: float = 0.0
    extra: dict = field(default_factory=dict)  # weights, quality, fairness figures


def _entry_rows(edition: Edition) -> tuple[list[Nomination], list[EntryRow]]:
    nominations = list(queries.entries_to_review(edition))
    return nominations, [queries.entry_row(n) for n in nominations]


def _expert_rows(edition: Edition) -> list[ExpertRow]:
    return queries.expert_rows(edition)


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
    # Conflicts are hard: the automatic ones are brought up to date with the data first.
    refresh_automatic_conflicts(edition=edition, actor=actor)
    report(10)
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
        nothing = AssignmentOutcome(edition, nominations, entries, experts, per_entry, started)
        summary = _summary(nothing, created=0, removed=0)
        report(100)
        return summary
    weights = queries.edition_weights(edition)
    # Computed once for the run and kept for the assignment pages (queries.edition_affinity).
    parts = queries.edition_affinity(entries, experts)
    problem = build_problem(
        entries,
        experts,
        per_entry=per_entry,
        min_load=min_load,
        max_load=max_load,
        forbidden=forbidden,
        pinned=pinned,
        weights=weights,
        parts=parts,
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
        reasons = infeasible.reasons
        if [r["kind"] for r in reasons] == ["no_feasible_assignment"]:
            # No simple count explains it: name the experts and entries that stand in the way.
            reasons = reasons + diagnose(problem)
        raise AssignmentNotPossible(describe_reasons(reasons, entries, experts)) from infeasible
    report(70)
    quality = _quality(problem, parts, weights, result.pairs)
    report(80)
    chosen = set(pairs_to_ids(result.pairs, entries, experts))
    # Belt and braces: the solver was told, but a conflict is never written, whatever happens.
    if chosen & conflicted:
        raise RuntimeError("The solver proposed a conflicted pair; nothing was written.")

    try:
        outcome = AssignmentOutcome(
            edition=edition,
            nominations=nominations,
            entries=entries,
            experts=experts,
            per_entry=per_entry,
            started=started,
            chosen=chosen,
            pinned=pinned,
            objective=result.objective,
            bound=result.bound,
            extra={
                "weights": asdict(weights),
                "quality": quality,
                **{
                    key: value
                    for key, value in result.summary().items()
                    if key in ("strong_places", "strong_places_bound", "entries_short_of_strong")
                },
            },
        )
        summary = _write_assignment(outcome, actor=actor)
    except IntegrityError as error:
        if not is_conflict_refusal(error):
            raise
        # A conflict recorded since the conflicts were read: the database refused the pair and
        # the transaction rolled back whole, so the previous assignment stands as it was.
        raise AssignmentNotPossible([{"kind": "conflict_recorded_during_run"}]) from error
    report(100)
    return summary


# Above this many pairs the comparison with the direction-only assignment is skipped (it is a
# second solve of the same size).
QUALITY_BASELINE_MAX_PAIRS = 4_000_000


def _quality(problem, parts, weights, pairs) -> dict:
    """The figures of the quality report, for this assignment and the direction-only one."""
    allowed = np.ones(problem.shape, dtype=bool)
    for e, x in problem.forbidden:
        allowed[e, x] = False
    quality = {"chosen": figures(measure(parts, weights, pairs, allowed=allowed))}
    if problem.shape[0] * problem.shape[1] <= QUALITY_BASELINE_MAX_PAIRS:
        baseline = direction_only(problem, parts)
        quality["direction_only"] = figures(measure(parts, weights, baseline, allowed=allowed))
    return quality


def _write_assignment(outcome: AssignmentOutcome, *, actor) -> dict:
    """Replace the edition's assignment by `outcome.chosen` in one transaction; all or nothing."""
    edition, chosen, pinned = outcome.edition, outcome.chosen, outcome.pinned
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
        for nomination in outcome.nominations:
            move_to_review(nomination, actor)
        summary = _summary(outcome, created=len(created), removed=len(obsolete))
        summary.update(outcome.extra)
        record_event(actor=actor, action="review.assignment_run", obj=edition, details=summary)
    return summary


def _summary(outcome: AssignmentOutcome, *, created: int, removed: int) -> dict:
    edition, per_entry, entries, experts = (
        outcome.edition,
        outcome.per_entry,
        outcome.entries,
        outcome.experts,
    )
    pairs, objective, bound = sorted(outcome.chosen), outcome.objective, outcome.bound
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
        "seconds": round(time.perf_counter() - outcome.started, 3),
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
    from .. import tasks

    # A run left unfinished by a lost worker stops blocking new runs after a while.
    recent = timezone.now() - timedelta(minutes=RUN_STALE_AFTER_MINUTES)
    if AssignmentRun.objects.filter(
        edition=edition,
        state__in=[AssignmentRun.State.QUEUED, AssignmentRun.State.RUNNING],
        created_at__gte=recent,
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


def current_quality(edition: Edition):
    """The entries, affinity parts, weights and current pairs (as indices) of the edition,
    for the quality report (a fixed number of queries)."""
    nominations = list(queries.entries_to_review(edition).select_related("direction"))
    experts = list(
        Expert.objects.filter(edition=edition).prefetch_related("directions").order_by("pk")
    )
    parts = queries.edition_affinity(
        [queries.entry_row(n) for n in nominations], queries.expert_rows(edition, experts)
    )
    entry_index = {n.pk: i for i, n in enumerate(nominations)}
    expert_index = {e.pk: j for j, e in enumerate(experts)}
    pairs = [
        (entry_index[n], expert_index[x])
        for x, n in Assignment.objects.filter(nomination__edition=edition).values_list(
            "expert_id", "nomination_id"
        )
        if n in entry_index and x in expert_index
    ]
    return nominations, parts, queries.edition_weights(edition), pairs


def compare_with_direction_only(*, edition: Edition, per_entry: int) -> dict:
    """Solve the edition's assignment as it stands, by expertise and by direction alone, and
    measure both (nothing is written). Pins, forbids, begun reviews and conflicts hold as in a
    run; the conflicts are read as recorded (no refresh)."""
    _nominations, entries = _entry_rows(edition)
    experts = _expert_rows(edition)
    conflicted = queries.conflicted_pairs(edition)
    rules = list(queries.pair_rules(edition).values_list("expert_id", "nomination_id", "kind"))
    forbidden = conflicted | {(x, n) for x, n, kind in rules if kind == PairRule.Kind.FORBID}
    pinned = {(x, n) for x, n, kind in rules if kind == PairRule.Kind.PIN} | set(
        queries.started_assignments(edition).values_list("expert_id", "nomination_id")
    )
    weights = queries.edition_weights(edition)
    parts = queries.edition_affinity(entries, experts)
    problem = build_problem(
        entries,
        experts,
        per_entry=per_entry,
        forbidden=forbidden,
        pinned=pinned,
        weights=weights,
        parts=parts,
    )
    result = solve(problem)
    allowed = np.ones(problem.shape, dtype=bool)
    for e, x in problem.forbidden:
        allowed[e, x] = False
    after = figures(measure(parts, weights, result.pairs, allowed=allowed))
    before = figures(measure(parts, weights, direction_only(problem, parts), allowed=allowed))
    return {
        "year": edition.year,
        "entries": len(entries),
        "experts": len(experts),
        "per_entry": per_entry,
        "strong_minimum": weights.strong_minimum,
        "before": before,
        "after": after,
        "strong_places": result.strong_places,
        "strong_places_bound": result.strong_places_bound,
        "objective": round(result.objective, 6),
        "bound": round(result.bound, 6),
    }
