"""Writes of a nomination's materials (attachments): the service layer for uploads.

Kept beside services.py (which owns the nomination itself) and following its rules: keyword-only,
`actor=`, one transaction, an audit event, the same editability checks. Each kind keeps its
history: a new upload is a new version and the older ones stay with is_current off; supporting
evidence has several current files.

Files are checked by content (the uploads package) BEFORE anything is stored, so a refused file
leaves neither a stored object nor a row. They are stored through Django's storage API under
generated names (Attachment.file's upload_to); a temporary upload is moved, not copied, by the
file-system storage, and streamed in parts to S3 by django-storages.
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.filenames import clean_file_name
from core.services import record_event
from core.storage import STORAGE_ERRORS

from .models import Attachment, Nomination
from .services import NominationError, _check_editable
from .uploads import (
    EVIDENCE,
    VIDEO,
    CheckedFile,
    upload_limits,
    validate_upload,
    validate_video_url,
)

logger = logging.getLogger(__name__)


class MaterialRefused(NominationError):
    """An upload or link that was refused; the message names the file and the reason."""

    def __init__(self, message: str, *, code: str = "refused"):
        super().__init__(message)
        self.code = code


class StorageUnavailable(MaterialRefused):
    """The file store failed, not the file: nothing was stored or changed; try again later."""


def _replaces(kind: str) -> str | None:
    # Evidence accumulates; every other kind has one current version that a new one replaces.
    return None if kind == EVIDENCE else kind


def _files_size(excluding_kind: str | None):
    """Bytes the current materials of the nomination in the outer query take (leaving out one
    kind that an upload is about to replace), as a subquery."""
    current = Attachment.objects.filter(nomination=OuterRef("pk"), is_current=True)
    if excluding_kind is not None:
        current = current.exclude(kind=excluding_kind)
    total = current.order_by().values("nomination").annotate(total=Sum("size")).values("total")
    return Coalesce(Subquery(total), 0)


def with_files_size_besides(queryset, kind: str):
    """Nominations with `files_size_besides_upload`: what their materials that an upload of
    `kind` leaves in place take. The upload page reads it with the nomination, so that the
    first check of the total (before the file is stored) costs no query of its own."""
    return queryset.annotate(files_size_besides_upload=_files_size(_replaces(kind)))


def current_files_size(nomination: Nomination, *, excluding_kind: str | None = None) -> int:
    """Bytes the nomination's current materials take (optionally leaving out one kind that an
    upload is about to replace)."""
    return (
        Nomination.objects.filter(pk=nomination.pk)
        .annotate(total=_files_size(excluding_kind))
        .values_list("total", flat=True)
        .get()
    )


def _lock_and_read(nomination: Nomination) -> list[Attachment]:
    """Lock the nomination (serialising uploads to it: versions stay consecutive and the total
    holds for two uploads at once), then read all its materials, every version.

    Two statements, not one: a statement's reads see the database as it was when it began, so
    reading in the statement that waits for the lock would miss what the upload holding the
    lock is about to commit.
    """
    Nomination.objects.select_for_update(of=("self",)).filter(pk=nomination.pk).values("pk").get()
    return list(Attachment.objects.filter(nomination=nomination))


@dataclass(frozen=True)
class Uploaded:
    attachment: Attachment
    # All the nomination's materials after the upload, every version, as read under its lock:
    # the page shows them without reading them again.
    materials: list[Attachment]


def _next_version(materials: list[Attachment], kind: str) -> int:
    """The version a new material of `kind` takes, from all the nomination's materials."""
    return max((m.version for m in materials if m.kind == kind), default=0) + 1


def _supersede(materials: list[Attachment], kind: str) -> int:
    """Take the current material of `kind` out of the current ones, in the database and in
    `materials` (read under the lock); answer how many were."""
    superseded = [m for m in materials if m.kind == kind and m.is_current]
    if superseded:
        Attachment.objects.filter(pk__in=[m.pk for m in superseded]).update(is_current=False)
        for material in superseded:
            material.is_current = False
    return len(superseded)


def _files_size_besides(nomination: Nomination, kind: str) -> int:
    read = getattr(nomination, "files_size_besides_upload", None)
    if read is not None:  # fetched `with_files_size_besides(…, kind)`
        return read
    return current_files_size(nomination, excluding_kind=_replaces(kind))


def add_attachment(*, nomination: Nomination, kind: str, upload, actor) -> Uploaded:
    """Check and store one uploaded file as the new current version of its kind."""
    kind = Attachment.Kind(kind).value
    now = timezone.now()
    _check_editable(nomination, actor, now)
    name = getattr(upload, "name", "") or "upload"
    try:
        checked: CheckedFile = validate_upload(
            upload,
            name=name,
            kind=kind,
            other_files_size=_files_size_besides(nomination, kind),
        )
    except ValidationError as error:
        raise MaterialRefused(error.messages[0], code=error.code or "refused") from error

    attachment = Attachment(
        nomination=nomination,
        kind=kind,
        # Kept for display and the download's name: no folders, controls or bidi overrides.
        original_name=clean_file_name(name, fallback="upload"),
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        uploaded_at=now,
    )
    # Stored before the transaction (a file cannot be rolled back) and removed again if the
    # transaction fails, so a failure leaves nothing behind either.
    upload.seek(0)
    try:
        attachment.file.save(name, upload, save=False)
    except STORAGE_ERRORS as error:
        # Nothing is written to the database yet, so the nomination is as it was; the
        # nominator is told to retry instead of getting an error page.
        logger.exception("storing %s of nomination %s failed", kind, nomination.code)
        raise StorageUnavailable(
            _(
                "“%(name)s” could not be stored just now, so nothing was changed. "
                "Please try again in a few minutes."
            )
            % {"name": name},
            code="storage_unavailable",
        ) from error
    try:
        with transaction.atomic():
            materials = _lock_and_read(nomination)
            replaces = _replaces(kind)
            others = sum(
                m.size for m in materials if m.is_current and not (replaces and m.kind == kind)
            )
            if others + checked.size > upload_limits()["total"]:
                raise MaterialRefused(
                    _(
                        "“%(name)s” would bring this nomination's materials over the limit of "
                        "the total size. Replace or remove another file first."
                    )
                    % {"name": name},
                    code="total_exceeded",
                )
            attachment.version = _next_version(materials, kind)
            replaced = _supersede(materials, kind) if replaces else 0
            attachment.save()
            record_event(
                actor=actor,
                action="attachment.uploaded",
                obj=nomination,
                details={
                    "attachment": attachment.pk,
                    "kind": kind,
                    "version": attachment.version,
                    "name": attachment.original_name,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                    "replaced": replaced,
                },
            )
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return Uploaded(attachment=attachment, materials=[*materials, attachment])


def set_video_link(*, nomination: Nomination, url: str, actor) -> Attachment:
    """A link to the video instead of (and replacing) an uploaded one."""
    now = timezone.now()
    _check_editable(nomination, actor, now)
    try:
        url = validate_video_url(url)
    except ValidationError as error:
        raise MaterialRefused(error.messages[0], code="invalid_url") from error
    with transaction.atomic():
        materials = _lock_and_read(nomination)
        replaced = _supersede(materials, VIDEO)
        attachment = Attachment.objects.create(
            nomination=nomination,
            kind=VIDEO,
            video_url=url,
            version=_next_version(materials, VIDEO),
            uploaded_by=actor,
            uploaded_at=now,
        )
        record_event(
            actor=actor,
            action="attachment.linked",
            obj=nomination,
            details={"attachment": attachment.pk, "url": url, "replaced": replaced},
        )
    return attachment


def remove_attachment(*, attachment: Attachment, actor) -> Attachment:
    """Take a material out of the nomination. The file stays as history (is_current off)."""
    nomination = attachment.nomination
    _check_editable(nomination, actor, timezone.now())
    with transaction.atomic():
        Nomination.objects.select_for_update(of=("self",)).filter(pk=nomination.pk).first()
        Attachment.objects.filter(pk=attachment.pk).update(is_current=False)
        attachment.is_current = False
        record_event(
            actor=actor,
            action="attachment.removed",
            obj=nomination,
            details={"attachment": attachment.pk, "kind": attachment.kind},
        )
    return attachment
