"""The file store: S3-compatible object storage in production, the file system otherwise.

What every app that keeps files needs lives here:

- `PortalS3Storage`, django-storages' S3 backend with one addition: presigned URLs can be
  signed for the endpoint browsers reach (`public_endpoint_url`) while the servers talk to
  an internal one. A presigned URL is computed locally from the key and the host it names, so
  it must be signed for the host the browser will ask.
- `file_response`, the answer to a permitted download. With object storage it is a redirect
  to a presigned URL that expires within minutes and makes the store itself send the file
  with our name (RFC 5987 for Chinese names), type and disposition: the web worker is free
  again in milliseconds, even for a 200 MB video. On the file system it streams as before.
  Callers check permission first; a refused request never reaches this function, so it never
  sees a URL.
- `read_chunks`, `measure`, `stored_names`: a stored file read in 1 MB parts (straight from the
  S3 GET body) and the names under a folder, for the storage check (core/integrity.py), the
  backup (core/backup.py) and the edition archive.
"""

import hashlib
import logging
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024

# What a failing file store raises: the file system (a full disk, a lost network mount) and
# django-storages' S3 backend (botocore: endpoint unreachable, request refused).
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


class PortalS3Storage(S3Storage):
    def get_default_settings(self):
        return {**super().get_default_settings(), "public_endpoint_url": None}

    def _public_client(self):
        client = getattr(self._connections, "public_client", None)
        if client is None:
            session = self._create_session()
            client = session.client(
                "s3",
                region_name=self.region_name,
                endpoint_url=self.public_endpoint_url,
                config=self.client_config,
            )
            self._connections.public_client = client
        return client

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not self.public_endpoint_url:
            return super().url(name, parameters=parameters, expire=expire, http_method=http_method)
        params = {
            **(parameters or {}),
            "Bucket": self.bucket_name,
            "Key": self._normalize_name(clean_name(name)),
        }
        return self._public_client().generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )


def is_object_store(storage=None) -> bool:
    """Whether files live in S3-compatible object storage (and downloads are redirects)."""
    storage = storage if storage is not None else default_storage
    # default_storage is a lazy proxy; its class is the wrapped backend's.
    return isinstance(storage, S3Storage)


def file_response(
    field_file, *, request, filename: str, content_type: str, inline: bool = False
) -> HttpResponse:
    """The response for a download the caller has already permitted.

    A file the store no longer has is a 404 (the storage check reports the loss); a store that
    cannot be reached is a 503 page saying so in the reader's language, never an error page
    or a URL that leads nowhere."""
    content_type = content_type or "application/octet-stream"
    try:
        if is_object_store(field_file.storage):
            # One HEAD request (milliseconds): a lost file or a store that is down is told
            # here, in the portal's words, not by the store's XML error in the browser.
            if not field_file.storage.exists(field_file.name):
                raise Http404
            url = field_file.storage.url(
                field_file.name,
                parameters={
                    "ResponseContentDisposition": content_disposition_header(
                        as_attachment=not inline, filename=filename
                    ),
                    "ResponseContentType": content_type,
                    # The signed URL is a bearer token for minutes; nothing on the way keeps it.
                    "ResponseCacheControl": "private, no-store",
                },
                expire=settings.FILE_URL_EXPIRE_SECONDS,
            )
            response = HttpResponseRedirect(url)
        else:
            response = FileResponse(
                field_file.open("rb"),
                as_attachment=not inline,
                filename=filename,
                content_type=content_type,
            )
    except FileNotFoundError as error:
        raise Http404 from error
    except STORAGE_ERRORS:
        logger.exception("the file store failed on a download of %s", field_file.name)
        response = render(request, "store_unavailable.html", status=503)
    response["X-Content-Type-Options"] = "nosniff"
    # Neither the redirect (it carries a signed URL) nor the file is kept by a cache.
    response["Cache-Control"] = "private, no-store"
    return response


@dataclass(frozen=True)
class Measured:
    size: int
    sha256: str


def read_chunks(storage, name: str):
    """The stored file's bytes in 1 MB parts, never the whole file at once.

    Raises FileNotFoundError when the store has no such file; errors of an unreachable store
    propagate (STORAGE_ERRORS) for the caller to report."""
    if is_object_store(storage):
        # Streamed straight from the GET body: django-storages' S3File would spool the
        # whole object into a temporary file first.
        try:
            body = storage.bucket.Object(storage._normalize_name(clean_name(name))).get()["Body"]
        except storage.connection.meta.client.exceptions.NoSuchKey as error:
            raise FileNotFoundError(name) from error
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()
        return
    if not storage.exists(name):
        raise FileNotFoundError(name)
    with storage.open(name, "rb") as handle:
        yield from iter(lambda: handle.read(CHUNK), b"")


def measure(storage, name: str, *, progress=None, sink=None) -> Measured:
    """Size and SHA-256 of a stored file, read in 1 MB parts (flat memory on any size);
    each part is also handed to `sink` (a backup writes it to its copy)."""
    digest = hashlib.sha256()
    size = 0
    for chunk in read_chunks(storage, name):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink(chunk)
        if progress is not None:
            progress(len(chunk))
    return Measured(size=size, sha256=digest.hexdigest())


def stored_names(storage, prefix: str = "") -> list[str]:
    """Every file name under `prefix` in the store (for finding orphans)."""
    if is_object_store(storage):
        location = storage.location.rstrip("/") + "/" if storage.location else ""
        return sorted(
            item.key[len(location) :]
            for item in storage.bucket.objects.filter(Prefix=location + prefix)
        )
    names = []

    def walk(path):
        try:
            folders, files = storage.listdir(path)
        except FileNotFoundError:
            return
        names.extend(f"{path}/{f}" if path else f for f in files)
        for folder in folders:
            walk(f"{path}/{folder}" if path else folder)

    walk(prefix.rstrip("/"))
    return sorted(names)


def measure_upload(upload) -> Measured:
    """Size and SHA-256 of an uploaded file, read in parts; the file is left at its start."""
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return Measured(size=size, sha256=digest.hexdigest())
