"""Writes of the preliminary evaluation's scoring: criteria, reviews, reminders, the shortlist.

Every function is one transaction and leaves an audit event. Scores are written only while the
edition's preliminary-evaluation window is open, whoever calls; a nomination changes state only
through `submissions.services.transition`. E-mails go after commit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.rules import is_organiser
from core.emails import queue_email, queued_among
from core.errors import Refused
from core.i18n import is_chinese, join_items, localized
from core.services import record_event
from review.criteria_defaults import BY_CATEGORY
from review.models import Assignment, Conflict, Criterion, CriterionScore, Expert, Review
from submissions.models import Category, Edition, Nomination, StageWindow
from submissions.services import transition
from submissions.stages import Stage
from submissions.states import Channel, NominationState

from .queries import finalist_candidates


class ScoringError(Refused):
    """A refused scoring action (core.errors.Refused: a translated message for the person)."""


class ReviewClosed(ScoringError):
    pass


class StaleReview(ScoringError):
    """The review was saved elsewhere (another tab) since the form was opened."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message)
        self.current_version = current_version


class IncompleteReview(ScoringError):
    def __init__(self, message: str, *, missing: list[Criterion]):
        super().__init__(message)
        self.missing = missing


class ShortlistError(ScoringError):
    pass


# --- Criteria -------------------------------------------------------------------------------


def ensure_default_criteria(*, edition: Edition, actor=None) -> int:
    """Give each category of the edition the standard criteria it lacks. Returns how many.

    Criteria already there (by code) are left as they are, weights included, so organisers can
    press the button again without losing their changes.
    """
    created = []
    with transaction.atomic():
        categories = list(edition.categories.prefetch_related("criteria"))
        for category in categories:
            existing = {criterion.code for criterion in category.criteria.all()}
            for position, defaults in enumerate(BY_CATEGORY.get(category.code, ()), start=1):
                if defaults.code in existing:
                    continue
                created.append(
                    Criterion(
                        category=category,
                        code=defaults.code,
                        name_zh=defaults.name_zh,
                        name_en=defaults.name_en,
                        description_zh=defaults.description_zh,
                        description_en=defaults.description_en,
                        anchors=defaults.anchors_json(),
                        position=position,
                    )
                )
        Criterion.objects.bulk_create(created)
        if created:
            record_event(
                actor=actor,
                action="review.criteria_added",
                obj=edition,
                details={"codes": [c.code for c in created]},
            )
    return len(created)


def set_criterion_weights(*, edition: Edition, weights: Mapping[int, float], actor) -> None:
    """Change the weights of the edition's criteria (by criterion id). Each category needs at
    least one positive weight, or no review of it could be totalled."""
    with transaction.atomic():
        criteria = list(
            Criterion.objects.select_for_update(of=("self",))
            .filter(category__edition=edition, pk__in=list(weights))
            .select_related("category")
        )
        before = {c.pk: str(c.weight) for c in criteria}
        for criterion in criteria:
            criterion.weight = weights[criterion.pk]
        Criterion.objects.bulk_update(criteria, ["weight"])
        for category in edition.categories.all():
            if not Criterion.objects.filter(category=category, weight__gt=0).exists() and (
                Criterion.objects.filter(category=category).exists()
            ):
                raise ScoringError(
                    _("At least one criterion of “%(category)s” needs a weight above zero.")
                    % {"category": localized(category, "name")}
                )
        record_event(
            actor=actor,
            action="review.criteria_weights_changed",
            obj=edition,
            details={
                "before": before,
                "after": {str(c.pk): str(c.weight) for c in criteria},
            },
        )


# --- Windows --------------------------------------------------------------------------------


def preliminary_window(edition: Edition) -> StageWindow | None:
    return edition.window(Stage.PRELIMINARY)


def review_window_open(edition: Edition, now: datetime | None = None) -> bool:
    return edition.is_open(Stage.PRELIMINARY, now)


# --- Reviews --------------------------------------------------------------------------------


def has_conflict(expert: Expert, nomination: Nomination) -> bool:
    return Conflict.objects.filter(expert=expert, nomination=nomination).exists()


def category_criteria(category: Category) -> list[Criterion]:
    return list(Criterion.objects.filter(category=category).order_by("position", "code"))


def save_review(
    *,
    assignment: Assignment,
    actor,
    scores: Mapping[int, int | None],
    comment: str,
    confidence: int | None,
    expected_version: int,
    submit: bool = False,
    now: datetime | None = None,
) -> Review:
    """Save the expert's review of an assigned entry: a draft, or submitted when `submit`.

    Only the assigned expert, not conflicted, while the preliminary window is open. A
    submitted review can still be changed until the window closes, and stays submitted, so it
    must stay complete. `expected_version` is the version the form was opened with (1 for a
    review not yet started: its first save finds version 1); an older one is refused instead
    of overwriting.
    """
    now = now or timezone.now()
    nomination = assignment.nomination
    if actor is None or assignment.expert.user_id != actor.pk:
        raise ScoringError(_("Only the assigned expert may score this entry."))
    if has_conflict(assignment.expert, nomination):
        raise ScoringError(_("You have a conflict of interest with this entry."))
    if not review_window_open(nomination.edition, now):
        raise ReviewClosed(
            _("The preliminary evaluation is closed; scores can no longer be changed.")
        )
    criteria = category_criteria(nomination.category)
    by_id = {criterion.pk: criterion for criterion in criteria}
    for criterion_id, score in scores.items():
        if criterion_id not in by_id:
            raise ScoringError(_("A score was given for a criterion of another category."))
        if score is not None and not 1 <= int(score) <= 10:
            raise ScoringError(_("Scores run from 1 to 10."))
    if confidence is not None and confidence not in Review.Confidence.values:
        raise ScoringError(_("Choose a confidence level."))

    with transaction.atomic():
        review, _created = Review.objects.get_or_create(assignment=assignment)
        review = Review.objects.select_for_update().get(pk=review.pk)
        if expected_version != review.version:
            raise StaleReview(
                _(
                    "This review was saved in another window since you opened it. Reload the "
                    "page to see the latest version before changing it."
                ),
                current_version=review.version,
            )
        current = {s.criterion_id: s for s in review.scores.all()}
        merged: dict[int, int | None] = {cid: s.score for cid, s in current.items()}
        merged.update({cid: (int(v) if v is not None else None) for cid, v in scores.items()})
        missing = [c for c in criteria if merged.get(c.pk) is None]
        submitting = submit or review.state == Review.State.SUBMITTED
        if submitting and (missing or confidence is None):
            names = join_items(localized(c, "name") for c in missing)
            # Everything still missing in one message, not one round trip each.
            parts = []
            if missing:
                parts.append(
                    _("Give a score for every criterion before submitting: %(names)s.")
                    % {"names": names}
                )
            if confidence is None:
                parts.append(_("Choose your confidence before submitting."))
            message = ("" if is_chinese() else " ").join(parts)
            if review.state == Review.State.SUBMITTED and not submit:
                message = _(
                    "This review is submitted: every criterion needs a score and a confidence "
                    "level. Not saved."
                )
            raise IncompleteReview(message, missing=missing)

        to_delete = [cid for cid, value in merged.items() if value is None and cid in current]
        CriterionScore.objects.filter(review=review, criterion_id__in=to_delete).delete()
        for cid, value in merged.items():
            if value is None:
                continue
            if cid in current:
                if current[cid].score != value:
                    CriterionScore.objects.filter(pk=current[cid].pk).update(score=value)
            else:
                CriterionScore.objects.create(review=review, criterion_id=cid, score=value)
        was_submitted = review.state == Review.State.SUBMITTED
        review.comment = comment
        review.confidence = confidence
        if submit:
            review.state = Review.State.SUBMITTED
            review.submitted_at = now
        review.version = F("version") + 1
        review.save()
        review.refresh_from_db()
        if submit or not was_submitted:
            action = "review.submitted" if submit else "review.draft_saved"
        else:
            action = "review.changed_after_submission"
        # Drafts autosave often: only the first save and every submission go to the trail.
        if action != "review.draft_saved" or review.version == 2:
            record_event(
                actor=actor,
                action=action,
                obj=review,
                details={
                    "nomination": nomination.code,
                    "scores": {str(k): v for k, v in merged.items() if v is not None},
                    "confidence": confidence,
                },
            )
    return review


# --- Reminders ------------------------------------------------------------------------------

# Days before the preliminary window closes at which experts with unfinished reviews hear from
# us. Each goes once per expert and window: its e-mail's key (`reminder_key`) is the record.
REMINDER_DAYS = (7, 2)
REMINDER_ACTION = "review.reminder_sent"


def unfinished_assignments(edition: Edition) -> dict[Expert, list[Assignment]]:
    """Per expert, the assigned entries (not conflicted) without a submitted review."""
    conflicted = set(
        Conflict.objects.filter(expert__edition=edition).values_list("expert_id", "nomination_id")
    )
    assignments = (
        Assignment.objects.filter(expert__edition=edition)
        .exclude(review__state=Review.State.SUBMITTED)
        .select_related("expert__user", "nomination")
        .order_by("expert__name_en", "nomination__code")
    )
    result: dict[Expert, list[Assignment]] = {}
    for assignment in assignments:
        if (assignment.expert_id, assignment.nomination_id) in conflicted:
            continue
        result.setdefault(assignment.expert, []).append(assignment)
    return result


REMINDER_KEY_PREFIX = "review-reminder"


def reminder_key(
    *, edition: Edition, expert: Expert, kind: str, window: StageWindow, at: datetime
) -> str:
    """The key of a reminder's e-mail: once per expert, kind and closing time of the window for
    the scheduled ones (a window moved later earns its reminders again); each organiser's
    reminder is its own. `scoring.queries.expert_progress` reads the expert back from it."""
    if kind == "on_demand":
        return f"{reminder_key_prefix(edition)}{expert.pk}:on_demand:{at.isoformat()}"
    closes_at = window.closes_at.isoformat()
    return f"{reminder_key_prefix(edition)}{expert.pk}:{kind}:{closes_at}"


def reminder_key_prefix(edition: Edition) -> str:
    return f"{REMINDER_KEY_PREFIX}:{edition.year}:"


def _send_reminder(
    *,
    expert: Expert,
    assignments: list[Assignment],
    window: StageWindow,
    kind: str,
    key: str,
    actor,
) -> None:
    user = expert.user
    record_event(
        actor=actor,
        action=REMINDER_ACTION,
        obj=expert,
        details={
            "kind": kind,
            "closes_at": window.closes_at.isoformat(),
            "unfinished": [a.nomination.code for a in assignments],
        },
    )
    context = {
        "expert": expert,
        "recipient": user,
        "nominations": [a.nomination for a in assignments],
        "closes_at": window.closes_at,
        "edition": expert.edition,
        "portal_url": getattr(settings, "PORTAL_URL", ""),
    }
    queue_email(
        name="review_reminder",
        to=[user.email],
        context=context,
        language=user.preferred_language or settings.LANGUAGE_CODE,
        key=key,
    )


def send_scheduled_reminders(*, edition: Edition, now: datetime | None = None) -> int:
    """Remind experts with unfinished reviews 7 and 2 days before the window closes.

    Run daily. A reminder that is due and was not sent (this run, or a missed run) goes once;
    running again sends nothing more. Returns how many e-mails were queued.
    """
    now = now or timezone.now()
    window = preliminary_window(edition)
    if window is None or not window.is_open(now):
        return 0
    days_left = math.ceil((window.closes_at - now) / timedelta(days=1))
    due = [days for days in REMINDER_DAYS if days_left <= days]
    if not due:
        return 0
    # Only the nearest reminder: after a missed run, nobody gets the 7-day one on day 2 as well.
    kind = f"{min(due)}_days"
    sent = 0
    with transaction.atomic():
        unfinished = unfinished_assignments(edition)
        keys = {
            expert: reminder_key(edition=edition, expert=expert, kind=kind, window=window, at=now)
            for expert in unfinished
        }
        queued = queued_among(keys.values())
        for expert, assignments in unfinished.items():
            key = keys[expert]
            if key in queued:
                continue
            _send_reminder(
                expert=expert,
                assignments=assignments,
                window=window,
                kind=kind,
                key=key,
                actor=None,
            )
            sent += 1
    return sent


def send_reminder_now(*, edition: Edition, actor, experts: Iterable[Expert] | None = None) -> int:
    """An organiser reminds experts with unfinished reviews now (all of them, or those given)."""
    if not is_organiser(actor):
        raise ScoringError(_("Only the secretariat may send reminders."))
    window = preliminary_window(edition)
    if window is None:
        raise ScoringError(_("The edition has no preliminary-evaluation window."))
    wanted = None if experts is None else {expert.pk for expert in experts}
    now = timezone.now()
    sent = 0
    with transaction.atomic():
        for expert, assignments in unfinished_assignments(edition).items():
            if wanted is not None and expert.pk not in wanted:
                continue
            _send_reminder(
                expert=expert,
                assignments=assignments,
                window=window,
                kind="on_demand",
                key=reminder_key(
                    edition=edition, expert=expert, kind="on_demand", window=window, at=now
                ),
                actor=actor,
            )
            sent += 1
    return sent


# --- Shortlist and finalists ----------------------------------------------------------------


@dataclass(frozen=True)
class ShortlistOutcome:
    shortlisted: list[str]
    not_shortlisted: list[str]


@dataclass(frozen=True)
class ShortlistGaps:
    """What a shortlist decided now would leave open: reviews not submitted, an open window."""

    missing_reviews: dict[str, tuple[int, int]]  # code -> (submitted, assigned)
    window_open: bool

    def __bool__(self) -> bool:
        return bool(self.missing_reviews) or self.window_open

    def as_dict(self) -> dict:
        return {
            "window_open": self.window_open,
            "missing_reviews": {
                code: {"submitted": sub, "assigned": assigned}
                for code, (sub, assigned) in sorted(self.missing_reviews.items())
            },
        }


def shortlist_gaps(category: Category, now: datetime | None = None) -> ShortlistGaps:
    """Entries of the category still to be decided with fewer submitted reviews than
    assigned ones, and whether the review window is still open (two queries)."""
    counts: dict[str, list[int]] = {}
    for code, state in (
        Assignment.objects.filter(
            nomination__category=category,
            nomination__state__in=[NominationState.IN_REVIEW, NominationState.ELIGIBLE],
        )
        .exclude(nomination__channel=Channel.EXPERT)
        .values_list("nomination__code", "review__state")
    ):
        entry = counts.setdefault(code, [0, 0])
        entry[1] += 1
        entry[0] += state == Review.State.SUBMITTED
    missing = {code: (sub, assigned) for code, (sub, assigned) in counts.items() if sub < assigned}
    return ShortlistGaps(missing, review_window_open(category.edition, now))


def confirm_shortlist(
    *,
    category: Category,
    shortlisted_ids: Iterable[int],
    actor,
    acknowledged: bool = False,
    acknowledgement: str = "",
) -> ShortlistOutcome:
    """Decide the preliminary evaluation of a category: the chosen entries in review are
    shortlisted, the others not. At most the category's shortlist size may be chosen.

    A shortlist decided while reviews are missing or the review window is still open (reviews
    can still change) needs an explicit acknowledgement with its reason; both the gaps and the
    reason go into the audit trail."""
    chosen = set(shortlisted_ids)
    acknowledgement = (acknowledgement or "").strip()
    gaps = shortlist_gaps(category)
    if gaps and not (acknowledged and acknowledgement):
        parts = []
        if gaps.missing_reviews:
            parts.append(
                ngettext(
                    "%(count)s entry has fewer submitted reviews than assigned (%(examples)s).",
                    "%(count)s entries have fewer submitted reviews than assigned (%(examples)s).",
                    len(gaps.missing_reviews),
                )
                % {
                    "count": len(gaps.missing_reviews),
                    "examples": ", ".join(
                        f"{code} {sub}/{assigned}"
                        for code, (sub, assigned) in sorted(gaps.missing_reviews.items())[:5]
                    ),
                }
            )
        if gaps.window_open:
            parts.append(_("The review window is still open: reviews can still change."))
        parts.append(_("To confirm the shortlist anyway, acknowledge this and give the reason."))
        raise ShortlistError(" ".join(parts))
    if len(chosen) > category.shortlist_size:
        raise ShortlistError(
            _("At most %(size)s entries can be shortlisted in this category; %(count)s chosen.")
            % {"size": category.shortlist_size, "count": len(chosen)}
        )
    # Entries under review; an eligible entry that was assigned but never moved to "in review"
    # (the assignment does not change states) is moved there first, through the same path.
    candidates = list(
        Nomination.objects.filter(category=category)
        .filter(
            Q(state=NominationState.IN_REVIEW)
            | Q(state=NominationState.ELIGIBLE, assignments__isnull=False)
        )
        .exclude(channel=Channel.EXPERT)
        .distinct()
        .order_by("code")
    )
    unknown = chosen - {n.pk for n in candidates}
    if unknown:
        raise ShortlistError(_("Only entries in review can be shortlisted."))
    outcome = ShortlistOutcome([], [])
    with transaction.atomic():
        for nomination in candidates:
            if nomination.state == NominationState.ELIGIBLE:
                nomination = transition(
                    nomination=nomination, to_state=NominationState.IN_REVIEW, actor=actor
                )
            if nomination.pk in chosen:
                transition(nomination=nomination, to_state=NominationState.SHORTLISTED, actor=actor)
                outcome.shortlisted.append(nomination.code)
            else:
                transition(
                    nomination=nomination,
                    to_state=NominationState.NOT_SHORTLISTED,
                    actor=actor,
                )
                outcome.not_shortlisted.append(nomination.code)
        record_event(
            actor=actor,
            action="review.shortlist_confirmed",
            obj=category,
            details={
                "shortlisted": outcome.shortlisted,
                "not_shortlisted": outcome.not_shortlisted,
                # What the decision left open, and why the organiser went ahead.
                **gaps.as_dict(),
                "acknowledgement": acknowledgement if gaps else "",
            },
        )
    return outcome


def confirm_finalists(*, category: Category, actor) -> list[str]:
    """The shortlisted entries and the eligible expert recommendations become finalists."""
    candidates = list(finalist_candidates(category))
    if not candidates:
        raise ShortlistError(_("There is nothing to confirm: no shortlisted entries yet."))
    with transaction.atomic():
        for nomination in candidates:
            transition(nomination=nomination, to_state=NominationState.FINALIST, actor=actor)
        codes = [n.code for n in candidates]
        record_event(
            actor=actor,
            action="review.finalists_confirmed",
            obj=category,
            details={"finalists": codes},
        )
    return codes
