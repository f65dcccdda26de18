"""The public PDFs (publication/documents.py): rendered once at publication and stored with
their size and SHA-256, served from the store, rendered once more only when missing, and
rendered again by `manage.py render_public_pdfs`."""

import hashlib
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command

from publication.models import PublicDocument

from .conftest import url
from .publication_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def stored_bytes(document: PublicDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def snapshot() -> list[tuple]:
    return list(
        PublicDocument.objects.order_by("kind", "code").values_list(
            "pk", "kind", "code", "file", "sha256", "rendered_at"
        )
    )


def served(client, name: str, **kwargs) -> bytes:
    response = client.get(url(name, "en", year=2031, **kwargs))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    return b"".join(response.streaming_content)


def test_publishing_stores_the_book_and_each_winners_certificate_with_size_and_hash(published):
    documents = list(PublicDocument.objects.order_by("kind", "code"))

    assert [(d.kind, d.code) for d in documents] == [
        ("certificate", "2031-CE-001"),
        ("certificate", "2031-CE-002"),
        ("certificate", "2031-IN-001"),
        ("results-book", ""),
    ]
    for document in documents:
        content = stored_bytes(document)
        assert content.startswith(b"%PDF")
        assert (document.size, document.sha256) == (
            len(content),
            hashlib.sha256(content).hexdigest(),
        )


def test_the_pages_serve_the_stored_bytes_without_rendering_them_again(client, published):
    before = snapshot()
    book = PublicDocument.objects.get(kind="results-book")
    certificate = PublicDocument.objects.get(code="2031-IN-001")

    book_bytes = [served(client, "publication:results_book") for _ in range(2)]
    certificate_bytes = served(client, "publication:certificate", code="2031-IN-001")

    # A rendering would store a new file under a new name with a new time: nothing changed.
    assert snapshot() == before
    assert book_bytes == [stored_bytes(book)] * 2
    assert certificate_bytes == stored_bytes(certificate)


def test_a_lost_file_is_rendered_once_on_request_and_stored_again(client, published):
    book = PublicDocument.objects.get(kind="results-book")
    book.file.storage.delete(book.file.name)

    first = served(client, "publication:results_book")
    after_first = snapshot()
    second = served(client, "publication:results_book")

    again = PublicDocument.objects.get(kind="results-book")
    assert (again.pk, again.rendered_at > book.rendered_at) == (book.pk, True)
    assert first == second == stored_bytes(again)
    assert again.sha256 == hashlib.sha256(first).hexdigest()
    assert snapshot() == after_first  # the second request rendered nothing


def test_an_edition_published_without_stored_documents_gets_them_on_first_request(
    client, published
):
    PublicDocument.objects.all().delete()

    content = served(client, "publication:certificate", code="2031-CE-002")

    (document,) = PublicDocument.objects.all()
    assert (document.kind, document.code, document.sha256) == (
        "certificate",
        "2031-CE-002",
        hashlib.sha256(content).hexdigest(),
    )


def test_no_document_is_made_for_a_nomination_that_did_not_win(client, published):
    before = snapshot()

    response = client.get(url("publication:certificate", "en", year=2031, code="2031-CE-003"))

    assert response.status_code == 404
    assert snapshot() == before


def test_the_command_renders_again_and_records_the_new_hash(
    published, django_capture_on_commit_callbacks
):
    book = PublicDocument.objects.get(kind="results-book")
    old_name = book.file.name
    # As if the layout or the font had changed since: the recorded hash is not the new one.
    PublicDocument.objects.filter(pk=book.pk).update(sha256="0" * 64, size=1)

    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("render_public_pdfs", "--year", "2031", stdout=output)

    book.refresh_from_db()
    content = stored_bytes(book)
    assert (book.size, book.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert book.file.name != old_name
    assert not book.file.storage.exists(old_name)
    assert PublicDocument.objects.count() == 4
    assert output.getvalue().startswith("2031: 4 documents, ")


def test_the_command_refuses_a_year_without_published_results(published):
    with pytest.raises(CommandError, match="No published edition of 2030"):
        call_command("render_public_pdfs", "--year", "2030")


def test_with_object_storage_the_pdf_is_a_signed_redirect_to_the_stored_file(
    client, edition, organiser, notice_over, s3_bucket, django_capture_on_commit_callbacks
):
    publish(edition, organiser, django_capture_on_commit_callbacks)  # noqa: F405
    book = PublicDocument.objects.get(kind="results-book")

    response = client.get(url("publication:results_book", "en", year=2031))

    location = urlsplit(response["Location"])
    signed = parse_qs(location.query)
    assert response.status_code == 302
    assert location.path == f"/{s3_bucket}/{book.file.name}"
    assert signed["response-content-disposition"] == ['inline; filename="wnevc-results-2031.pdf"']
    assert signed["response-content-type"] == ["application/pdf"]
    assert hashlib.sha256(stored_bytes(book)).hexdigest() == book.sha256


def test_the_storage_scrub_checks_the_stored_pdfs(published):
    from core.integrity import scrub_storage

    book = PublicDocument.objects.get(kind="results-book")
    with open(book.file.path, "wb") as handle:  # altered behind the portal's back
        handle.write(b"%PDF-1.4 altered\n%%EOF\n")

    report = scrub_storage(year=2031)

    assert report.checked == 4
    assert [(a["model"], a["name"]) for a in report.altered] == [
        ("publication.PublicDocument", book.file.name)
    ]
