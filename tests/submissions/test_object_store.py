"""Materials kept in S3-compatible object storage, over HTTP (moto's server, tests/s3server.py):
upload (multipart for large files), download by presigned redirect, replace, and the deletion of
a file whose row could not be kept.

What moto does not enforce (signatures, the URL's expiry) is asserted here as what the portal
signs (X-Amz-Expires, the signed response headers); docs/deploy.md has the smoke test that
checks the store enforces them.
"""

import hashlib
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from submissions.models import Attachment
from tests.factories import AttachmentFactory

from . import samples
from .conftest import url

MB = 1024 * 1024


def upload(client, nomination, *, kind, name, data, content_type):
    return client.post(
        url("submissions:attachment_upload", code=nomination.code, kind=kind),
        {"file": SimpleUploadedFile(name, data, content_type)},
        headers={"Accept": "application/json"},
    )


def fetch(location: str):
    with urllib.request.urlopen(location, timeout=30) as response:  # noqa: S310 - test server
        return response.read(), response.headers


def query(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


@pytest.fixture
def owner_client(client, nominator):
    client.force_login(nominator)
    return client


def test_an_upload_is_stored_in_the_bucket_under_a_generated_name(
    owner_client, nomination, s3_server, s3_bucket
):
    data = samples.pdf_bytes()

    response = upload(
        owner_client,
        nomination,
        kind="technical_report",
        name="技术报告.pdf",
        data=data,
        content_type="application/pdf",
    )

    assert response.status_code == 200, response.content
    attachment = Attachment.objects.get(nomination=nomination)
    assert s3_server.keys(s3_bucket) == [attachment.file.name]
    stored = s3_server.client().get_object(Bucket=s3_bucket, Key=attachment.file.name)
    assert stored["Body"].read() == data
    assert (attachment.size, attachment.sha256) == (len(data), hashlib.sha256(data).hexdigest())


def test_a_large_video_goes_up_in_parts(owner_client, nomination, s3_server, s3_bucket, tmp_path):
    path = tmp_path / "demo.mp4"
    samples.write_sparse_mp4(path, 20 * MB)
    data = path.read_bytes()

    response = upload(
        owner_client, nomination, kind="video", name="demo.mp4", data=data, content_type="video/mp4"
    )

    assert response.status_code == 200, response.content
    attachment = Attachment.objects.get(nomination=nomination)
    head = s3_server.client().head_object(Bucket=s3_bucket, Key=attachment.file.name)
    # A multipart object's ETag is the hash of its parts' hashes, "-" and the number of parts:
    # 20 MB in 5 MB parts is four.
    assert (head["ContentLength"], head["ETag"].strip('"').split("-")[1]) == (20 * MB, "4")
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()


def test_a_permitted_download_redirects_to_a_short_lived_signed_url(
    owner_client, nomination, s3_bucket
):
    data = samples.pdf_bytes()
    attachment = AttachmentFactory(
        nomination=nomination,
        kind="technical_report",
        file=SimpleUploadedFile("x.pdf", data),
        original_name="技术报告 final.pdf",
        size=len(data),
    )

    response = owner_client.get(
        url("submissions:attachment_download", code=nomination.code, pk=attachment.pk)
    )

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    signed = query(location)
    assert signed["X-Amz-Expires"] == "300"
    assert signed["response-content-disposition"] == (
        "attachment; filename*=utf-8''%E6%8A%80%E6%9C%AF%E6%8A%A5%E5%91%8A%20final.pdf"
    )
    assert signed["response-content-type"] == "application/pdf"
    assert f"/{s3_bucket}/{attachment.file.name}" == urlsplit(location).path
    body, headers = fetch(location)
    assert body == data
    assert headers["Content-Disposition"] == signed["response-content-disposition"]
    assert headers["Content-Type"] == "application/pdf"


def test_the_signed_url_names_the_public_endpoint_when_one_is_set(
    owner_client, nomination, s3_server, s3_bucket, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_server.storages(s3_bucket, public_endpoint_url="https://files.wnevc.example"),
    }
    attachment = AttachmentFactory(
        nomination=nomination,
        kind="technical_report",
        file=SimpleUploadedFile("x.pdf", samples.pdf_bytes()),
        original_name="report.pdf",
    )

    response = owner_client.get(
        url("submissions:attachment_download", code=nomination.code, pk=attachment.pk)
    )

    parts = urlsplit(response["Location"])
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "files.wnevc.example",
        f"/{s3_bucket}/{attachment.file.name}",
    )
    assert query(response["Location"])["X-Amz-Expires"] == "300"


def test_the_expiry_follows_the_setting(owner_client, nomination, s3_bucket, settings):
    settings.FILE_URL_EXPIRE_SECONDS = 120
    attachment = AttachmentFactory(
        nomination=nomination,
        kind="technical_report",
        file=SimpleUploadedFile("x.pdf", samples.pdf_bytes()),
    )

    response = owner_client.get(
        url("submissions:attachment_download", code=nomination.code, pk=attachment.pk)
    )

    assert query(response["Location"])["X-Amz-Expires"] == "120"


@pytest.mark.parametrize("persona", ["stranger", "expert", "anonymous"])
def test_a_refused_download_never_sees_a_url(
    client, nomination, s3_bucket, persona, stranger, expert
):
    attachment = AttachmentFactory(
        nomination=nomination,
        kind="technical_report",
        file=SimpleUploadedFile("x.pdf", samples.pdf_bytes()),
    )
    if persona == "expert":
        TOTP.activate(expert, generate_totp_secret())
    if persona != "anonymous":
        client.force_login({"stranger": stranger, "expert": expert}[persona])

    response = client.get(
        url("submissions:attachment_download", code=nomination.code, pk=attachment.pk)
    )

    assert s3_bucket not in response.get("Location", "")
    assert "X-Amz-Signature" not in response.get("Location", "")
    assert s3_bucket.encode() not in response.content
    if persona == "anonymous":
        assert response["Location"].startswith(url("account_login"))
    else:
        assert response.status_code == 404


def test_a_replaced_report_keeps_the_older_version_in_the_store(
    owner_client, nomination, s3_server, s3_bucket
):
    first, second = samples.pdf_bytes(pages=1), samples.pdf_bytes(pages=2)
    for data in (first, second):
        response = upload(
            owner_client,
            nomination,
            kind="technical_report",
            name="report.pdf",
            data=data,
            content_type="application/pdf",
        )
        assert response.status_code == 200, response.content

    older, current = Attachment.objects.filter(nomination=nomination).order_by("version")
    assert (older.is_current, current.is_current, current.version) == (False, True, 2)
    assert s3_server.keys(s3_bucket) == sorted([older.file.name, current.file.name])
    assert (
        fetch(
            owner_client.get(
                url("submissions:attachment_download", code=nomination.code, pk=current.pk)
            )["Location"]
        )[0]
        == second
    )


def test_a_refused_file_leaves_no_object_in_the_bucket(
    owner_client, nomination, s3_server, s3_bucket
):
    before = AuditEvent.objects.count()

    response = upload(
        owner_client,
        nomination,
        kind="technical_report",
        name="report.pdf",
        data=samples.zip_with_pdf_bytes(),
        content_type="application/pdf",
    )

    assert response.status_code == 400
    assert list(Attachment.objects.filter(nomination=nomination)) == []
    assert s3_server.keys(s3_bucket) == []
    assert AuditEvent.objects.count() == before


# --- two web processes sharing the database and the store ------------------------------------


def _multipart(field: str, name: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = "----wnevc-two-servers"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{name}"\r\nContent-Type: {content_type}\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db(transaction=True)
def test_a_file_uploaded_through_one_web_process_downloads_through_another(
    client, nomination, nominator, s3_server, tmp_path
):
    from tests.faults.processes import Gunicorn, shared_database_url

    bucket = s3_server.new_bucket()
    variables = s3_server.environment(bucket, DATABASE_URL=shared_database_url())
    first = Gunicorn(tmp_path, **variables).start()
    try:
        second = Gunicorn(tmp_path, **variables).start()
        try:
            client.force_login(nominator)  # the session row lives in the shared database
            session = client.cookies["sessionid"].value
            csrf = "a" * 32  # an unmasked secret, sent as cookie and header alike
            cookies = f"sessionid={session}; csrftoken={csrf}"
            data = samples.pdf_bytes(pages=3)
            body, content_type = _multipart("file", "报告.pdf", data, "application/pdf")
            request = urllib.request.Request(  # noqa: S310 - our own server
                first.base_url
                + url(
                    "submissions:attachment_upload", code=nomination.code, kind="technical_report"
                ),
                data=body,
                method="POST",
                headers={
                    "Content-Type": content_type,
                    "Accept": "application/json",
                    "Cookie": cookies,
                    "X-CSRFToken": csrf,
                },
            )
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                assert response.status == 200
            attachment = Attachment.objects.get(nomination=nomination)

            opener = urllib.request.build_opener(_NoRedirect)
            download = urllib.request.Request(  # noqa: S310 - our own server
                second.base_url
                + url("submissions:attachment_download", code=nomination.code, pk=attachment.pk),
                headers={"Cookie": cookies},
            )
            with pytest.raises(urllib.error.HTTPError) as redirect:
                opener.open(download, timeout=30)
        finally:
            second.stop()
    finally:
        first.stop()

    assert redirect.value.code == 302
    body, headers = fetch(redirect.value.headers["Location"])
    assert body == data
    assert headers["Content-Disposition"] == "attachment; filename*=utf-8''%E6%8A%A5%E5%91%8A.pdf"
    assert s3_server.keys(bucket) == [attachment.file.name]


def test_a_file_lost_from_the_store_is_a_404_not_a_dead_link(
    owner_client, nomination, s3_server, s3_bucket
):
    attachment = AttachmentFactory(
        nomination=nomination,
        kind="technical_report",
        file=SimpleUploadedFile("x.pdf", samples.pdf_bytes()),
    )
    s3_server.client().delete_object(Bucket=s3_bucket, Key=attachment.file.name)

    response = owner_client.get(
        url("submissions:attachment_download", code=nomination.code, pk=attachment.pk)
    )

    assert response.status_code == 404
    assert "Location" not in response
