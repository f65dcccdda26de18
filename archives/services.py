"""Writes of edition archives: request, build (in a Celery task), download, expiry."""

import logging
import os
import tempfile
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.errors import Refused
from core.services import record_event
from core.storage import STORAGE_ERRORS, measure_upload
from submissions.models import Edition

from .models import EditionArchive

logger = logging.getLogger(__name__)


class ArchiveError(Refused):
    """A refused archive action (core.errors.Refused: a translated message for the person)."""


def retention() -> timedelta:
    return timedelta(days=int(getattr(settings, "EDITION_ARCHIVE_DAYS", 7)))


def request_archive(*, edition: Edition, actor) -> EditionArchive:
    """Start building an archive of the edition (one build at a time per edition)."""
    from . import tasks

    try:
        with transaction.atomic():
            archive = EditionArchive.objects.create(edition=edition, requested_by=actor)
            record_event(
                actor=actor,
                action="archive.requested",
                obj=archive,
                details={"edition": edition.year},
            )
            outbox.enqueue(tasks.build_edition_archive, archive.pk)
    except IntegrityError as error:
        raise ArchiveError(
            _("An archive of this edition is being built already; wait for it to finish.")
        ) from error
    return archive


def _published(edition: Edition):
    from publication import services as publication

    found = publication.published_edition(edition.year)
    if found is None:
        return None
    edition, pub = found
    return publication.bulletin_data(edition), publication.results_data(edition, pub)


def build_archive(*, archive_id: int) -> EditionArchive | None:
    """Build the archive: idempotent (an archive no longer being built is left alone)."""
    from .builder import write_archive

    archive = EditionArchive.objects.select_related("edition").filter(pk=archive_id).first()
    if archive is None or archive.state != EditionArchive.State.BUILDING:
        return archive

    archive_pk = archive.pk

    def progress(done: int, total: int) -> None:
        # Seen by the organisers' page while the build runs; a row update, not the archive.
        EditionArchive.objects.filter(pk=archive_pk).update(done=done, total=total)

    handle, path = tempfile.mkstemp(prefix="wnevc-archive-", suffix=".zip")
    try:
        with os.fdopen(handle, "w+b") as out:
            try:
                write_archive(
                    edition=archive.edition,
                    out=out,
                    published=_published(archive.edition),
                    progress=progress,
                )
                out.flush()
                out.seek(0)
                measured = measure_upload(File(out))
                name = archive.file.field.generate_filename(archive, "archive.zip")
                stored = archive.file.storage.save(name, File(out, name=name))
            except STORAGE_ERRORS:
                logger.exception("building the archive of %s failed", archive.edition.year)
                # Nothing half-written is recorded as stored: the row says failed, no file.
                with transaction.atomic():
                    EditionArchive.objects.filter(pk=archive.pk).update(
                        state=EditionArchive.State.FAILED, failure="store_unreachable"
                    )
                    record_event(
                        actor=None,
                        action="archive.failed",
                        obj=archive,
                        details={"edition": archive.edition.year, "reason": "store_unreachable"},
                    )
                archive.refresh_from_db()
                return archive
    finally:
        os.unlink(path)
    with transaction.atomic():
        archive = EditionArchive.objects.select_for_update().get(pk=archive.pk)
        archive.file.name = stored
        archive.size, archive.sha256 = measured.size, measured.sha256
        archive.state = EditionArchive.State.READY
        archive.expires_at = timezone.now() + retention()
        archive.save()
        record_event(
            actor=None,
            action="archive.built",
            obj=archive,
            details={
                "edition": archive.edition.year,
                "size": archive.size,
                "sha256": archive.sha256,
                "expires_at": archive.expires_at.isoformat(),
            },
        )
    return archive


def record_download(*, archive: EditionArchive, actor) -> None:
    with transaction.atomic():
        record_event(
            actor=actor,
            action="archive.downloaded",
            obj=archive,
            details={"edition": archive.edition.year, "sha256": archive.sha256},
        )


def expire_archives(*, now=None) -> int:
    """Delete the files of archives past their expiry (beat, daily). Idempotent."""
    now = now or timezone.now()
    expired = 0
    due = EditionArchive.objects.filter(state=EditionArchive.State.READY, expires_at__lte=now)
    for archive in due.select_related("edition"):
        with transaction.atomic():
            locked = EditionArchive.objects.select_for_update().get(pk=archive.pk)
            if locked.state != EditionArchive.State.READY:
                continue
            name, storage = locked.file.name, locked.file.storage
            locked.state = EditionArchive.State.EXPIRED
            locked.file = ""
            locked.save(update_fields=["state", "file", "updated_at"])
            record_event(
                actor=None,
                action="archive.expired",
                obj=locked,
                details={"edition": archive.edition.year},
            )
            # The row says expired before the file goes: a failure of the store leaves an
            # orphan for the scrub to report, never a row naming a missing file.
            transaction.on_commit(partial(storage.delete, name))
        expired += 1
    return expired
