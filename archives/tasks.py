"""Background work of edition archives: thin, idempotent."""

from celery import shared_task


@shared_task(acks_late=True)
def build_edition_archive(archive_id: int) -> str:
    from .services import build_archive

    archive = build_archive(archive_id=archive_id)
    return archive.state if archive is not None else "missing"


@shared_task
def expire_edition_archives() -> int:
    from .services import expire_archives

    return expire_archives()
