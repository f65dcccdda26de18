"""Files attached to an objection form that came back with an error, held on the server.

A person whose form is refused (a field missing, the spam field filled) keeps their text; this
keeps their file too. The checked upload is stored under a random token, the token is written
into the visitor's session and into the form shown again ("attached: x.pdf, keep or replace"),
and a resubmission without a new file files the held one. A token is honoured only from the
session it was given to and for `HOLD_HOURS`; it is deleted when used, replaced or discarded,
and beat deletes the expired ones (`tasks.purge_held_uploads`). The size and SHA-256 taken when
the file is held are checked when it is used: what is filed is what passed the checks.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.storage import measure_upload

from .models import HeldUpload

HOLD_HOURS = 24
SESSION_KEY = "objection-held-uploads"
MAX_PER_SESSION = 5


def hold(request, upload, *, content_type: str) -> HeldUpload:
    """Keep a checked upload for this visitor's session; answer the row (its token)."""
    measured = measure_upload(upload)
    held = HeldUpload(
        token=secrets.token_urlsafe(24),
        file_name=upload.name,
        content_type=content_type,
        size=measured.size,
        sha256=measured.sha256,
        expires_at=timezone.now() + timedelta(hours=HOLD_HOURS),
    )
    held.file.save(held.token, upload, save=False)
    held.save()
    tokens = [*request.session.get(SESSION_KEY, []), held.token]
    # A session keeps a few at most; the older ones go at once.
    for token in tokens[:-MAX_PER_SESSION]:
        discard(request, token)
    request.session[SESSION_KEY] = tokens[-MAX_PER_SESSION:]
    return held


def find(request, token: str) -> HeldUpload | None:
    """The held file of `token` if this session was given it and it has not expired."""
    if not token or token not in request.session.get(SESSION_KEY, []):
        return None
    return HeldUpload.objects.filter(token=token, expires_at__gt=timezone.now()).first()


class HeldFileChanged(FileNotFoundError):
    """The held copy is no longer the file that was checked: it counts as gone."""


def open_intact(held: HeldUpload):
    """The held file, open at its start, if it is still the file that was held; raises
    FileNotFoundError (or the store's error) when it is gone or changed."""
    file = held.file.open("rb")
    measured = measure_upload(file)
    if (measured.size, measured.sha256) != (held.size, held.sha256):
        file.close()
        raise HeldFileChanged(held.file.name)
    return file


def _delete(held: HeldUpload) -> None:
    name, storage = held.file.name, held.file.storage
    held.delete()
    transaction.on_commit(lambda: storage.delete(name))


def discard(request, token: str) -> None:
    """Forget a token of this session and delete its file (used, replaced, or let go)."""
    tokens = request.session.get(SESSION_KEY, [])
    if token not in tokens:
        return
    request.session[SESSION_KEY] = [t for t in tokens if t != token]
    held = HeldUpload.objects.filter(token=token).first()
    if held is not None:
        _delete(held)


def purge_expired(now=None) -> int:
    expired = list(HeldUpload.objects.filter(expires_at__lte=now or timezone.now()))
    for held in expired:
        _delete(held)
    return len(expired)
