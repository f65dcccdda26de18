"""The public PDFs (results book, certificates): rendered once, stored, served from the store.

`render_published(edition)` renders every public PDF of a published edition and stores each
with its size and SHA-256 (a `PublicDocument` row per document). It runs after publication
(`tasks.render_public_documents`, queued through the outbox by `services.publish`) and from
`manage.py render_public_pdfs` when a template or the font changes. The public pages call
`stored_document(...)`, which answers the stored row, or renders and stores the document once
if it is missing (an edition published before this existed, a lost file).
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.storage import STORAGE_ERRORS
from submissions.models import Edition, Nomination
from submissions.states import NominationState
from voting.models import Publication

from . import pdf
from .models import PublicDocument

RESULTS_BOOK = PublicDocument.Kind.RESULTS_BOOK
CERTIFICATE = PublicDocument.Kind.CERTIFICATE


def winners(edition: Edition):
    return (
        Nomination.objects.select_related("organisation", "category", "direction", "edition")
        .filter(edition=edition, state=NominationState.WINNER)
        .order_by("code")
    )


def _render(edition: Edition, publication: Publication, kind: str, code: str) -> bytes | None:
    from . import services  # services imports documents' caller (tasks): kept out of import time

    if kind == RESULTS_BOOK:
        return pdf.results_book_pdf(
            edition,
            services.proposed_results(edition, publication),
            publication,
            place_decisions=services.place_decisions_data(edition),
        )
    nomination = winners(edition).filter(code=code).first()
    if nomination is None:
        return None
    return pdf.certificate_pdf(nomination, publication)


def _store(edition: Edition, kind: str, code: str, content: bytes) -> PublicDocument:
    """Store freshly rendered bytes as the document of (edition, kind, code), replacing any
    earlier file once the new one is committed."""
    with transaction.atomic():
        document = (
            PublicDocument.objects.select_for_update()
            .filter(edition=edition, kind=kind, code=code)
            .first()
        ) or PublicDocument(edition=edition, kind=kind, code=code)
        old_name = document.file.name if document.pk else ""
        document.size = len(content)
        document.sha256 = hashlib.sha256(content).hexdigest()
        document.rendered_at = timezone.now()
        document.file.save(f"{kind}.pdf", ContentFile(content), save=False)
        try:
            document.save()
        except IntegrityError:
            # Another request stored the same document first: drop the file just written.
            document.file.storage.delete(document.file.name)
            raise
        if old_name and old_name != document.file.name:
            storage = document.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return document


def render_document(edition: Edition, publication: Publication, kind: str, code: str = ""):
    """Render one document and store it; None for a certificate of no winner."""
    content = _render(edition, publication, kind, code)
    if content is None:
        return None
    return _store(edition, kind, code, content)


def render_published(edition: Edition) -> list[PublicDocument]:
    """Render and store every public PDF of a published edition (none if it is not published)."""
    publication = Publication.objects.filter(edition=edition, published_at__isnull=False).first()
    if publication is None:
        return []
    documents = [render_document(edition, publication, RESULTS_BOOK)]
    codes = list(winners(edition).values_list("code", flat=True))
    documents += [render_document(edition, publication, CERTIFICATE, code) for code in codes]
    # Certificates of nominations that are no longer winners are not public any more.
    stale = PublicDocument.objects.filter(edition=edition, kind=CERTIFICATE).exclude(code__in=codes)
    for document in stale:
        name, storage = document.file.name, document.file.storage
        document.delete()
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    return [d for d in documents if d is not None]


def stored_document(edition: Edition, publication: Publication, kind: str, code: str = ""):
    """The stored document, rendered and stored first if the row or its file is missing.
    None when there is no such document (a certificate of a nomination that did not win)."""
    document = PublicDocument.objects.filter(edition=edition, kind=kind, code=code).first()
    if document is not None:
        # Only a file in the edition's own folder is served: a row pointed elsewhere (from a
        # shell) is treated as missing and rendered again, never a path to another file.
        owned = document.file.name.startswith(f"public-documents/{edition.year}/")
        try:
            if owned and document.file.storage.exists(document.file.name):
                return document
        except STORAGE_ERRORS:
            return document  # the store is down: serving it answers the 503 page
    try:
        return render_document(edition, publication, kind, code)
    except IntegrityError:
        # Another request stored it first: serve theirs.
        return PublicDocument.objects.get(edition=edition, kind=kind, code=code)
