"""The experts' profiles and preferences (bids), and the secretariat's bidding window.

A bid is a preference, never a conflict: an unwilling expert may still be assigned. A bid on a
pair that becomes conflicted is deleted by `record_conflicts` (and by the database, migration
0005), so a bid never stands next to a conflict.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core.services import record_event
from submissions.models import Edition, Nomination, StageWindow
from submissions.stages import Stage

from .. import queries
from ..models import AssignmentSettings, Bid, Conflict, Expert
from .conflicts import declaration_window_open, record_conflicts, refresh_automatic_conflicts
from .errors import ReviewError

PROFILE_FIELDS = ("statement_zh", "statement_en", "keywords_zh", "keywords_en")


def bidding_window(edition: Edition) -> StageWindow | None:
    return edition.window(Stage.BIDDING)


def bidding_window_open(edition: Edition, now: datetime | None = None) -> bool:
    return edition.is_open(Stage.BIDDING, now)


def update_expert_profile(*, expert: Expert, actor, **fields: str) -> Expert:
    """The expert's statement of expertise and keywords, in either language or both."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not profile fields: {sorted(unknown)}")
    with transaction.atomic():
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        changed = []
        for name, value in fields.items():
            value = (value or "").strip()
            if getattr(expert, name) != value:
                setattr(expert, name, value)
                changed.append(name)
        if changed:
            expert.save(update_fields=[*changed, "updated_at"])
            record_event(
                actor=actor,
                action="review.expert_profile_updated",
                obj=expert,
                details={"fields": changed},
            )
    return expert


def set_bid(*, expert: Expert, nomination: Nomination, preference: int, actor) -> Bid | None:
    """Record the expert's preference for one entry; neutral removes it. Returns the bid row."""
    preference = Bid.Preference(int(preference))
    if not bidding_window_open(expert.edition):
        raise ReviewError(_("Bidding is closed; your preferences can no longer be changed."))
    if not queries.biddable_nominations(expert).filter(pk=nomination.pk).exists():
        raise ReviewError(_("This entry cannot take a preference from you."))
    with transaction.atomic():
        if preference == Bid.Preference.NEUTRAL:
            Bid.objects.filter(expert=expert, nomination=nomination).delete()
            bid = None
        else:
            bid, _created = Bid.objects.update_or_create(
                expert=expert, nomination=nomination, defaults={"preference": preference}
            )
        record_event(
            actor=actor,
            action="review.bid_set",
            obj=expert,
            details={"nomination": nomination.pk, "preference": int(preference)},
        )
    return bid


def declare_conflict_with(*, expert: Expert, nomination: Nomination, reason: str, actor) -> dict:
    """One declared conflict from the bidding list: recorded like every other conflict."""
    reason = (reason or "").strip()
    if not declaration_window_open(expert.edition):
        raise ReviewError(_("The preliminary evaluation has closed; declarations are closed too."))
    if not reason:
        raise ReviewError(_("Give the reason for this conflict."))
    if not queries.declarable_nominations(expert.edition).filter(pk=nomination.pk).exists():
        raise ReviewError(_("Some of the entries ticked cannot be declared."))
    with transaction.atomic():
        result = record_conflicts(
            source=Conflict.Source.DECLARED,
            reasons={(expert.pk, nomination.pk): reason[:2000]},
            actor=actor,
            created_by=actor,
        )
        record_event(
            actor=actor,
            action="review.conflicts_declared",
            obj=expert,
            details={"nomination": nomination.pk, **result},
        )
    return result


def set_bidding_window(
    *, edition: Edition, opens_at: datetime, closes_at: datetime, actor
) -> StageWindow:
    """Open (or move) the bidding window of the edition's calendar.

    The automatic conflicts are brought up to date first, so that the entries an expert sees
    while bidding are exactly those they have no conflict with."""
    if closes_at <= opens_at:
        raise ReviewError(_("The window must close after it opens."))
    with transaction.atomic():
        refresh_automatic_conflicts(edition=edition, actor=actor)
        window, _created = StageWindow.objects.update_or_create(
            edition=edition,
            stage=Stage.BIDDING,
            defaults={"opens_at": opens_at, "closes_at": closes_at},
        )
        edition.forget_windows()
        record_event(
            actor=actor,
            action="review.bidding_window_set",
            obj=edition,
            details={"opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()},
        )
    return window


def assignment_settings(edition: Edition) -> AssignmentSettings:
    """The edition's weights; until an organiser saves them, an unsaved row of the defaults."""
    return AssignmentSettings.objects.filter(edition=edition).first() or AssignmentSettings(
        edition=edition
    )


def update_assignment_settings(*, edition: Edition, actor, **values) -> AssignmentSettings:
    with transaction.atomic():
        settings, _created = AssignmentSettings.objects.select_for_update().get_or_create(
            edition=edition
        )
        for name, value in values.items():
            setattr(settings, name, value)
        settings.full_clean()
        settings.save()
        record_event(
            actor=actor,
            action="review.assignment_settings_updated",
            obj=edition,
            details={name: str(value) for name, value in values.items()},
        )
    return settings
