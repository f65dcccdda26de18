"""A write to one nomination locks that nomination's row and nothing else: not its edition
(which every nomination shares, so the deadline's saves would queue behind each other and
behind the organisers' edits of the calendar)."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from submissions import materials, services
from tests.factories import AttachmentFactory
from tests.row_locks import (
    locked_by_another,
    other_session,
    wait_until_a_session_waits_for_a_lock,
)

from .conftest import complete
from .samples import pdf_bytes

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are PostgreSQL's (CI's database)"
    ),
]


def _save(nomination, nominator):
    services.save_nomination(
        nomination=nomination,
        actor=nominator,
        data={"version": nomination.version, "title_en": "A corrected title"},
    )


def _declare(nomination, nominator):
    services.make_declarations(nomination=nomination, actor=nominator, kinds=["voluntary"])


def _submit(nomination, nominator):
    complete(nomination, nominator)
    services.submit_nomination(nomination=nomination, actor=nominator)


def _upload(nomination, nominator):
    materials.add_attachment(
        nomination=nomination,
        kind="technical_report",
        upload=SimpleUploadedFile("report.pdf", pdf_bytes(), content_type="application/pdf"),
        actor=nominator,
    )


def _link_video(nomination, nominator):
    materials.set_video_link(
        nomination=nomination, url="https://v.qq.com/x/page/a0001.html", actor=nominator
    )


def _remove(nomination, nominator):
    attachment = AttachmentFactory(nomination=nomination, kind="evidence", uploaded_by=nominator)
    materials.remove_attachment(attachment=attachment, actor=nominator)


@pytest.mark.parametrize("write", [_save, _declare, _submit, _upload, _link_video, _remove])
def test_a_write_to_a_nomination_locks_its_row_and_not_its_edition(write, nomination, nominator):
    # The service's own transaction is a savepoint of this one, so its locks are still held
    # when the service returns.
    with transaction.atomic():
        write(nomination, nominator)

        assert locked_by_another("submissions_nomination", nomination.pk)
        assert not locked_by_another("submissions_edition", nomination.edition_id)


def test_an_upload_that_waited_for_another_reads_what_the_other_committed(nomination, nominator):
    # Another upload of the same kind holds the nomination; it commits version 1 while ours
    # waits. Ours must then be version 2, and the only current one: reading in the statement
    # that waited would have seen no version yet.
    template = AttachmentFactory(nomination=nomination, kind="evidence", uploaded_by=nominator)
    other = other_session()
    cursor = other.cursor()
    cursor.execute(
        "SELECT id FROM submissions_nomination WHERE id = %s FOR UPDATE", [nomination.pk]
    )
    done = {}

    def upload():
        try:
            done["attachment"] = materials.add_attachment(
                nomination=nomination,
                kind="technical_report",
                upload=SimpleUploadedFile("v2.pdf", pdf_bytes(), content_type="application/pdf"),
                actor=nominator,
            ).attachment
        finally:
            connection.close()

    ours = threading.Thread(target=upload)
    ours.start()
    try:
        wait_until_a_session_waits_for_a_lock()
        cursor.execute(
            "INSERT INTO submissions_attachment (nomination_id, kind, file, original_name,"
            " content_type, size, sha256, version, is_current, video_url, uploaded_by_id,"
            " uploaded_at) SELECT nomination_id, 'technical_report', file, original_name,"
            " content_type, size, sha256, 1, true, video_url, uploaded_by_id, uploaded_at"
            " FROM submissions_attachment WHERE id = %s",
            [template.pk],
        )
        other.commit()
    finally:
        ours.join(timeout=30)
        other.close()

    reports = nomination.attachments.filter(kind="technical_report")
    assert done["attachment"].version == 2
    assert sorted(reports.values_list("version", "is_current")) == [(1, False), (2, True)]
