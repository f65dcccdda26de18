"""Materials of a nomination: upload (per kind), video link, removal, download, and the
printable recommendation form.

Uploads are requests of their own, separate from the text form, so a refused file never costs
anything typed on the page. static/js/upload.js sends them with XMLHttpRequest (progress bar)
and asks for JSON: the refusal is shown next to the upload control and the page stays as it
is; on success the materials section is replaced in place. Without JavaScript the forms post
normally and come back to the page with a message.

Downloads pass the permission check (owner organisation or organiser; anyone else 404) and are
always sent as attachments with nosniff: MEDIA_URL is None, no file has a public address. With
object storage the permitted download is a redirect to a presigned URL (core/storage.py).
"""

import io

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from core.access import permission_required_or_404
from core.errors import Refused
from core.filenames import clean_file_name
from core.storage import file_response

from ..materials import (
    MaterialRefused,
    StorageUnavailable,
    add_attachment,
    remove_attachment,
    set_video_link,
    with_files_size_besides,
)
from ..models import Attachment, Nomination
from ..pdf import recommendation_form_pdf
from ..queries import nominations_visible_to
from ..rules import can_edit_nomination, remember_collection_window, with_collection_window
from ..uploads import KIND_LABELS, upload_limits


def _visible_nomination(request, code: str, **_kwargs) -> Nomination:
    """The nomination if this user may see it (owner organisation or organiser), else 404."""
    return get_object_or_404(nominations_visible_to(request.user), code=code)


def _nomination_to_upload_to(request, code: str, kind: str, **_kwargs) -> Nomination:
    """The same, read with what an upload checks before storing the file: the collection
    window, and the size of the materials the upload leaves in place (one query for all)."""
    nomination = get_object_or_404(
        with_files_size_besides(with_collection_window(nominations_visible_to(request.user)), kind),
        code=code,
    )
    remember_collection_window(nomination.edition, nomination)
    return nomination


def _visible_nomination_with_parts(request, code: str, **_kwargs) -> Nomination:
    """The same, with what the recommendation form prints."""
    return get_object_or_404(
        nominations_visible_to(request.user).prefetch_related(
            "completing_organisations", "key_people", "patents", "declarations__made_by"
        ),
        code=code,
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request, nomination: Nomination) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("submissions:nomination_detail", kwargs={"code": nomination.code})


def _section_html(request, nomination: Nomination, materials=None) -> str:
    return render_to_string(
        "submissions/includes/attachments.html",
        {
            "nomination": nomination,
            # An upload's materials as read under its lock (else the section reads them).
            "materials_after_upload": materials,
            "can_edit": can_edit_nomination(request.user, nomination),
            "next_url": _back(request, nomination),
            "fragment": True,
        },
        request=request,
    )


def _refused(request, nomination: Nomination, message: str, *, kind: str = "", status=400):
    if _wants_json(request):
        return JsonResponse({"ok": False, "kind": kind, "error": message}, status=status)
    messages.error(request, message)
    return HttpResponseRedirect(_back(request, nomination) + "#attachments")


def _done(request, nomination: Nomination, message: str, *, kind: str = "", materials=None):
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "kind": kind,
                "message": message,
                "html": _section_html(request, nomination, materials),
            }
        )
    messages.success(request, message)
    return HttpResponseRedirect(_back(request, nomination) + "#attachments")


def _editable_nomination(request) -> Nomination:
    """The nomination the gate let through (`submissions.see_nomination`), if it may be changed."""
    nomination = request.permitted_object
    if not can_edit_nomination(request.user, nomination):
        # The owner sees it but may not change it now (window closed, already in review).
        raise _NotEditable(nomination)
    return nomination


class _NotEditable(Exception):
    def __init__(self, nomination: Nomination):
        super().__init__(nomination.code)
        self.nomination = nomination


def _not_editable(request, error: _NotEditable):
    return _refused(
        request,
        error.nomination,
        _("This nomination can no longer be changed, so its materials cannot be either."),
        status=409,
    )


class _SizeLimitHandler(FileUploadHandler):
    """Stops receiving a file as soon as it passes the kind's limit: an upload far over it is
    neither held in memory nor written to a temporary file (the rest of the body is read and
    dropped, so the browser still gets our answer)."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded_name = None

    def new_file(self, field_name, file_name, *args, **kwargs):
        self.received = 0
        self.current_name = file_name
        super().new_file(field_name, file_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded_name = self.current_name
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt  # checked by csrf_protect below, once the upload handler is in place
@require_POST
def upload(request, code, kind):
    if kind not in Attachment.Kind.values:
        raise Http404
    # Upload handlers can only be changed before the body is read, which the CSRF check does;
    # hence the documented exempt-then-protect pattern.
    limiter = _SizeLimitHandler(request, upload_limits()[kind])
    request.upload_handlers.insert(0, limiter)
    return _upload(request, code=code, kind=kind, limiter=limiter)


# The token first, as on every other page; then who may upload to this nomination.
@csrf_protect
@permission_required_or_404("submissions.see_nomination", fn=_nomination_to_upload_to)
def _upload(request, *, code, kind, limiter):
    try:
        nomination = _editable_nomination(request)
    except _NotEditable as error:
        return _not_editable(request, error)
    uploaded = request.FILES.get("file")
    if limiter.exceeded_name is not None:
        return _refused(
            request,
            nomination,
            _("“%(name)s” is larger than %(limit)s, the most %(kind)s may be.")
            % {
                "name": limiter.exceeded_name,
                "kind": KIND_LABELS[kind],
                "limit": filesizeformat(limiter.limit),
            },
            kind=kind,
            status=413,
        )
    if uploaded is None:
        return _refused(request, nomination, _("Choose a file to upload first."), kind=kind)
    try:
        stored = add_attachment(
            nomination=nomination, kind=kind, upload=uploaded, actor=request.user
        )
    except StorageUnavailable as error:
        # The file store failed (503: worth retrying); nothing was kept, the page stays as is.
        return _refused(request, nomination, error.message, kind=kind, status=503)
    except MaterialRefused as error:
        return _refused(request, nomination, error.message, kind=kind)
    except Refused as error:
        return _refused(request, nomination, error.message, kind=kind, status=409)
    attachment = stored.attachment
    return _done(
        request,
        nomination,
        _("“%(name)s” is uploaded as %(kind)s (version %(version)s).")
        % {
            "name": attachment.original_name,
            "kind": attachment.get_kind_display(),
            "version": attachment.version,
        },
        kind=kind,
        materials=stored.materials,
    )


@permission_required_or_404("submissions.see_nomination", fn=_visible_nomination)
@require_POST
def video_link(request, code):
    try:
        nomination = _editable_nomination(request)
    except _NotEditable as error:
        return _not_editable(request, error)
    try:
        set_video_link(
            nomination=nomination, url=request.POST.get("video_url", ""), actor=request.user
        )
    except Refused as error:
        return _refused(request, nomination, error.message, kind=Attachment.Kind.VIDEO)
    return _done(request, nomination, _("The video link is saved."), kind=Attachment.Kind.VIDEO)


@permission_required_or_404("submissions.see_nomination", fn=_visible_nomination)
@require_POST
def remove(request, code, pk):
    try:
        nomination = _editable_nomination(request)
    except _NotEditable as error:
        return _not_editable(request, error)
    attachment = get_object_or_404(Attachment, pk=pk, nomination=nomination, is_current=True)
    try:
        remove_attachment(attachment=attachment, actor=request.user)
    except Refused as error:
        return _refused(request, nomination, error.message, kind=attachment.kind, status=409)
    return _done(
        request,
        nomination,
        _("“%(name)s” is removed from the nomination.")
        % {"name": attachment.original_name or attachment.video_url},
        kind=attachment.kind,
    )


@permission_required_or_404("submissions.see_nomination", fn=_visible_nomination)
@require_GET
def download(request, code, pk):
    nomination = request.permitted_object
    attachment = get_object_or_404(Attachment, pk=pk, nomination=nomination)
    if not attachment.file:
        raise Http404
    # Streamed here, or with object storage a redirect to a short-lived signed URL.
    return file_response(
        attachment.file,
        request=request,
        # Names stored before they were cleaned are cleaned on the way out (core/filenames.py).
        filename=clean_file_name(attachment.original_name or attachment.file.name),
        content_type=attachment.content_type,
    )


@permission_required_or_404("submissions.see_nomination", fn=_visible_nomination_with_parts)
@require_GET
def recommendation_form(request, code):
    nomination = request.permitted_object
    response = FileResponse(
        io.BytesIO(recommendation_form_pdf(nomination)),
        as_attachment=True,
        filename=f"{nomination.code}-recommendation-form.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
