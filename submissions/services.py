"""Every write to nominations. Each function is one transaction and leaves an audit event.

`transition` is the only code that assigns `Nomination.state`. Notifications are queued with
`transaction.on_commit`, so nobody is told about a change that was rolled back.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.rules import is_organiser
from core.emails import enqueue_notice
from core.errors import Refused
from core.services import record_event

from . import snapshots, tasks
from .completeness import MissingItem, missing_items
from .models import (
    CONTENT_FIELD_NAMES,
    Category,
    CompletingOrganisation,
    Declaration,
    Edition,
    KeyPerson,
    Nomination,
    NominationSnapshot,
    Patent,
    Recommendation,
    StateChange,
)
from .rules import collection_open, window_allows_change
from .states import EDITABLE_STATES, Actor, Channel, NominationState, get_transition
from .validators import validate_statement_en, validate_statement_zh


class NominationError(Refused):
    """A refused nomination action (core.errors.Refused: a translated message for the person)."""


class TransitionNotAllowed(NominationError):
    pass


class WindowClosed(NominationError):
    pass


class NotEditable(NominationError):
    pass


class StaleEdit(NominationError):
    """The nomination was saved by someone else (or another tab) since the form was opened."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message)
        self.current_version = current_version


class IncompleteNomination(NominationError):
    def __init__(self, message: str, *, missing: list[MissingItem]):
        super().__init__(message)
        self.missing = missing


CONTENT_FIELDS = frozenset(CONTENT_FIELD_NAMES)
# A nomination's lists of parts (completing organisations, key people, patents).
_Part = TypeVar("_Part", bound=Model)

CODE_PREFIXES: dict[str, str] = {Category.Code.CUTTING_EDGE: "CE", Category.Code.INNOVATIVE: "IN"}


# --- Who is acting --------------------------------------------------------------------------


def _actor_kinds(actor, nomination: Nomination) -> set[str]:
    """The roles in which actor may act on this nomination (see states.Actor)."""
    if actor is None:
        return {Actor.SYSTEM}
    kinds: set[str] = set()
    if getattr(actor, "organisation_id", None) and actor.organisation_id == (
        nomination.organisation_id
    ):
        kinds.add(Actor.NOMINATOR)
    # An expert who recommended it (expert channel) acts as its nominator.
    if nomination.channel == Channel.EXPERT and actor.pk == nomination.created_by_id:
        kinds.add(Actor.NOMINATOR)
    if is_organiser(actor):
        kinds.add(Actor.ORGANISER)
        # The secretariat acts for the organisation in its own channel.
        if nomination.channel == Channel.SECRETARIAT:
            kinds.add(Actor.NOMINATOR)
    return kinds


def _check_window(nomination: Nomination, actor, now: datetime) -> None:
    # Organisers are not bound by the nominators' calendar (corrections, seeding a demo). The
    # calendar is asked first: the role is looked up only when the calendar refuses.
    if not window_allows_change(nomination, now):
        if actor is not None and is_organiser(actor):
            return
        if nomination.state == NominationState.RETURNED:
            raise WindowClosed(
                _("The correction deadline has passed; the nomination can no longer be changed.")
            )
        raise WindowClosed(
            _("The collection window is closed; nominations can no longer be created or changed.")
        )


def _check_editable(nomination: Nomination, actor, now: datetime) -> None:
    if Actor.NOMINATOR not in _actor_kinds(actor, nomination) and not (
        actor is not None and is_organiser(actor)
    ):
        raise NotEditable(_("You may not change this nomination."))
    if nomination.state not in EDITABLE_STATES:
        raise NotEditable(
            _("A nomination in the state “%(state)s” can no longer be changed.")
            % {"state": nomination.get_state_display()}
        )
    _check_window(nomination, actor, now)


# --- The one write path for state -----------------------------------------------------------


def transition(
    *,
    nomination: Nomination,
    to_state: str,
    actor,
    reason: str = "",
    correction_deadline: datetime | None = None,
    notify: bool = True,
) -> Nomination:
    """Move a nomination to another state, if the table allows it for this actor.

    Locks the row, checks the table, stamps the time, writes the timeline and the audit trail,
    and tells the nominator after commit. `actor=None` means the system. `notify=False` for a
    caller that tells the nominator in its own e-mail (publication's outcome notice).
    """
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        return _transition_locked(
            locked,
            to_state=to_state,
            actor=actor,
            reason=reason,
            correction_deadline=correction_deadline,
            notify=notify,
        )


def _transition_locked(
    locked: Nomination,
    *,
    to_state: str,
    actor,
    reason: str = "",
    correction_deadline: datetime | None = None,
    notify: bool = True,
) -> Nomination:
    """`transition` for a caller that has locked the row in its open transaction already."""
    to_state = NominationState(to_state)
    from_state = locked.state
    allowed = get_transition(from_state, to_state)
    if allowed is None or (allowed.channels and locked.channel not in allowed.channels):
        raise TransitionNotAllowed(
            _("A nomination cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": NominationState(from_state).label,
                "to": to_state.label,
            }
        )
    if not (_actor_kinds(actor, locked) & allowed.actors):
        raise TransitionNotAllowed(
            _("You may not move this nomination to “%(to)s”.") % {"to": to_state.label}
        )
    if to_state == NominationState.RETURNED and correction_deadline is None:
        raise TransitionNotAllowed(
            _("A nomination returned for correction needs a correction deadline.")
        )

    now = timezone.now()
    locked.state = to_state
    locked.state_changed_at = now
    update_fields = ["state", "state_changed_at", "version", "updated_at"]
    if to_state == NominationState.SUBMITTED:
        locked.submitted_at = now
        update_fields.append("submitted_at")
    if to_state == NominationState.RETURNED:
        locked.return_reasons = reason
        locked.correction_deadline = correction_deadline
        update_fields += ["return_reasons", "correction_deadline"]
    # A state change is a change: a form opened before it is stale. The row is locked, so the
    # version read with the lock is the one to increment.
    locked.version = locked.version + 1
    locked.save(update_fields=update_fields)

    change = StateChange.objects.create(
        nomination=locked,
        from_state=from_state,
        to_state=to_state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        at=now,
        reason=reason,
    )
    if to_state == NominationState.RETURNED:
        # What the nominator returns to correct, kept so the re-check can show the changes.
        NominationSnapshot.objects.create(
            nomination=locked,
            state_change=change,
            taken_at=now,
            payload=snapshots.capture(locked),
        )
    record_event(
        actor=actor,
        action="nomination.state_changed",
        obj=locked,
        details={
            "from": from_state,
            "to": str(to_state),
            "reason": reason,
            "correction_deadline": correction_deadline.isoformat() if correction_deadline else None,
        },
    )
    if notify:
        enqueue_notice(tasks.send_state_change_notice, change.pk)
    return locked


# --- Creating and changing ------------------------------------------------------------------


def _next_code(edition: Edition, category: Category) -> str:
    # The category row is locked by the caller, so two nominations never get the same number.
    prefix = f"{edition.year}-{CODE_PREFIXES.get(category.code, 'XX')}-"
    taken = set(Nomination.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    number = len(taken) + 1
    while f"{prefix}{number:03d}" in taken:
        number += 1
    return f"{prefix}{number:03d}"


def _clean_content(fields: dict[str, Any], *, edition: Edition) -> dict[str, Any]:
    unknown = set(fields) - CONTENT_FIELDS
    if unknown:
        raise TypeError(f"Not nomination content: {sorted(unknown)}")
    category = fields.get("category")
    if category is not None and category.edition_id != edition.pk:
        raise ValueError("The category belongs to another edition.")
    direction = fields.get("direction")
    if direction is not None and direction.edition_id != edition.pk:
        raise ValueError("The direction belongs to another edition.")
    return fields


def _replace_parts(
    nomination: Nomination,
    *,
    completing_organisations: Sequence[dict] | None,
    key_people: Sequence[dict] | None,
    patents: Sequence[dict] | None,
    new: bool = False,
) -> None:
    """Replace a list of parts wholesale: the form always sends the whole list, in order.

    A `new` nomination has no parts yet: nothing to delete.
    """
    _replace_rows(CompletingOrganisation, nomination, completing_organisations, new=new)
    _replace_rows(KeyPerson, nomination, key_people, new=new)
    _replace_rows(Patent, nomination, patents, new=new)


def _replace_rows(
    model: type[_Part], nomination: Nomination, rows: Sequence[dict] | None, *, new: bool
) -> None:
    if rows is None:
        return
    if not new:
        model._default_manager.filter(nomination=nomination).delete()
    if rows:
        model._default_manager.bulk_create(
            model(nomination=nomination, position=index, **row) for index, row in enumerate(rows)
        )


def _sync_declarations(
    nomination: Nomination, actor, kinds: Iterable[str], now, *, new: bool = False
) -> dict:
    """Make the declarations exactly `kinds`. A `new` nomination has none yet."""
    wanted = {Declaration.Kind(kind).value for kind in kinds}
    existing = set() if new else set(nomination.declarations.values_list("kind", flat=True))
    added = sorted(wanted - existing)
    removed = sorted(existing - wanted)
    if removed:
        nomination.declarations.filter(kind__in=removed).delete()
    Declaration.objects.bulk_create(
        Declaration(nomination=nomination, kind=kind, made_by=actor, made_at=now) for kind in added
    )
    return {"added": added, "removed": removed}


def create_nomination(
    *,
    edition: Edition,
    organisation: Organisation,
    actor,
    channel: str = Channel.OPEN,
    category: Category,
    completing_organisations: Sequence[dict] | None = None,
    key_people: Sequence[dict] | None = None,
    patents: Sequence[dict] | None = None,
    declarations: Iterable[str] | None = None,
    **fields,
) -> Nomination:
    """A new draft with a stable number (e.g. 2026-CE-007), during the collection window."""
    now = timezone.now()
    if not (collection_open(edition, now) or is_organiser(actor)):
        raise WindowClosed(
            _("The collection window is closed; nominations can no longer be created or changed.")
        )
    fields = _clean_content({**fields, "category": category}, edition=edition)
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        fields["category"] = category
        nomination = Nomination.objects.create(
            edition=edition,
            organisation=organisation,
            created_by=actor,
            channel=Channel(channel),
            code=_next_code(edition, category),
            state=NominationState.DRAFT,
            state_changed_at=now,
            **fields,
        )
        _replace_parts(
            nomination,
            completing_organisations=completing_organisations,
            key_people=key_people,
            patents=patents,
            new=True,
        )
        if declarations:
            _sync_declarations(nomination, actor, declarations, now, new=True)
        # The timeline starts with the draft.
        StateChange.objects.create(
            nomination=nomination,
            from_state="",
            to_state=NominationState.DRAFT,
            actor=actor,
            at=now,
        )
        record_event(
            actor=actor,
            action="nomination.created",
            obj=nomination,
            details={"channel": str(channel), "category": category.code},
        )
    return nomination


PART_NAMES = ("completing_organisations", "key_people", "patents")


def check_statement(statement_zh: str, statement_en: str) -> None:
    """An expert's recommendation statement: both languages, within the word limits."""
    pairs = ((validate_statement_zh, statement_zh), (validate_statement_en, statement_en))
    for validate, value in pairs:
        if not (value or "").strip():
            raise NominationError(_("The recommendation statement is required in both languages."))
        try:
            validate(value)
        except ValidationError as error:
            raise NominationError(" ".join(error.messages)) from error


def _save_statement(nomination: Nomination, actor, *, statement_zh: str, statement_en: str) -> bool:
    """Rewrite the recommending expert's statement (the caller holds the nomination's lock);
    True when it changed."""
    recommendation = Recommendation.objects.select_for_update().get(nomination=nomination)
    if recommendation.recommender_id != actor.pk:
        raise NominationError(_("Only the recommending expert can change the statement."))
    changed = (
        recommendation.statement_zh != statement_zh.strip()
        or recommendation.statement_en != statement_en.strip()
    )
    recommendation.statement_zh = statement_zh.strip()
    recommendation.statement_en = statement_en.strip()
    recommendation.save(update_fields=["statement_zh", "statement_en"])
    return changed


def save_nomination(*, nomination: Nomination, actor, data: Mapping[str, Any]) -> Nomination:
    """One save of the nomination edit page, whoever edits it (nominator, expert, secretariat)
    and whether the page or its autosave sends it: one transaction, one version, one audit event.

    `data` holds `version` (the version the form was opened at), any content fields, the parts
    lists (`completing_organisations`, `key_people`, `patents`: replaced wholesale when given),
    `declarations` (when given, exactly the kinds listed) and, on an expert's recommendation,
    `statement` ({"statement_zh": …, "statement_en": …}).

    Raises StaleEdit when somebody saved since `version` was read, so two tabs never silently
    overwrite each other; nothing is written then, nor on any other refusal.
    """
    changes = dict(data)
    expected_version = int(changes.pop("version", 0) or 0)
    parts = {name: changes.pop(name, None) for name in PART_NAMES}
    declarations = changes.pop("declarations", None)
    statement = changes.pop("statement", None)
    if statement is not None:
        check_statement(statement["statement_zh"], statement["statement_en"])
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("edition")
            .get(pk=nomination.pk)
        )
        if locked.version != expected_version:
            raise StaleEdit(
                _(
                    "This nomination was saved elsewhere (perhaps in another tab) after you "
                    "opened it. Your changes are not saved yet: copy what you need, reload the "
                    "page, and enter them again."
                ),
                current_version=locked.version,
            )
        _check_editable(locked, actor, now)
        fields = _clean_content(changes, edition=locked.edition)
        changed = sorted(name for name, value in fields.items() if getattr(locked, name) != value)
        for name, value in fields.items():
            setattr(locked, name, value)
        _replace_parts(locked, **parts)
        declaration_changes = (
            _sync_declarations(locked, actor, declarations, now)
            if declarations is not None
            else None
        )
        statement_changed = (
            _save_statement(locked, actor, **statement) if statement is not None else False
        )
        locked.version = locked.version + 1
        locked.save()
        record_event(
            actor=actor,
            action="nomination.updated",
            obj=locked,
            details={
                "fields": changed,
                "version": locked.version,
                **({"declarations": declaration_changes} if declaration_changes else {}),
            },
        )
        if statement_changed:
            record_event(actor=actor, action="recommendation.statement_changed", obj=locked)
    return locked


def make_declarations(*, nomination: Nomination, actor, kinds: Iterable[str]) -> Nomination:
    """Record the declarations the nominator makes (with account and time); unticked ones go."""
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("edition")
            .get(pk=nomination.pk)
        )
        _check_editable(locked, actor, now)
        changes = _sync_declarations(locked, actor, kinds, now)
        locked.version = locked.version + 1
        locked.save(update_fields=["version", "updated_at"])
        record_event(actor=actor, action="nomination.declarations", obj=locked, details=changes)
    return locked


def submit_nomination(*, nomination: Nomination, actor) -> Nomination:
    """Submit a complete draft (or a corrected returned nomination). Idempotent.

    The row is locked first, so a double-clicked submit makes one submission: the second
    request finds it submitted and returns it unchanged.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("edition")
            .get(pk=nomination.pk)
        )
        if locked.state == NominationState.SUBMITTED:
            return locked
        if locked.state not in (NominationState.DRAFT, NominationState.RETURNED):
            raise TransitionNotAllowed(
                _("A nomination in the state “%(state)s” cannot be submitted.")
                % {"state": locked.get_state_display()}
            )
        if Actor.NOMINATOR not in _actor_kinds(actor, locked):
            raise TransitionNotAllowed(_("You may not submit this nomination."))
        _check_window(locked, actor, now)
        missing = missing_items(locked)
        if missing:
            raise IncompleteNomination(
                _("The nomination is not complete yet; add what is listed first."),
                missing=missing,
            )
        # Locked above: the transition goes on in this transaction without locking again.
        return _transition_locked(locked, to_state=NominationState.SUBMITTED, actor=actor)


def withdraw_nomination(*, nomination: Nomination, actor, reason: str = "") -> Nomination:
    """The nominator withdraws the nomination (until the review begins). Final."""
    return transition(
        nomination=nomination, to_state=NominationState.WITHDRAWN, actor=actor, reason=reason
    )
