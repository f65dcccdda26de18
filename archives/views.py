"""The organisers' page of edition archives: request one, follow its build, download it.

Downloading asks for the second factor again (a TOTP code entered within the last five
minutes), because the archive holds an edition's personal data, reviews and ballots at once;
every download is audited. Anyone but an organiser gets 404.
"""

import time

from allauth.account.internal.flows.login import get_authentication_records
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.access import permission_required_or_404
from core.errors import Refused
from core.filenames import clean_file_name
from core.storage import file_response
from submissions.models import Edition

from . import services
from .models import EditionArchive

# How recent the second factor must be for a download.
SECOND_FACTOR_SECONDS = 300


def _second_factor_confirmed(request) -> bool:
    records = get_authentication_records(request, request.user)
    confirmed = [
        record["at"]
        for record in records
        if record.get("method") == "mfa" and record.get("reauthenticated")
    ]
    return bool(confirmed) and time.time() - confirmed[-1] < SECOND_FACTOR_SECONDS


@permission_required_or_404("archives.keep_archives")
@require_GET
def archive_list(request):
    archives = EditionArchive.objects.select_related("edition", "requested_by").order_by(
        "-created_at"
    )
    return render(
        request,
        "archives/archive_list.html",
        {
            "archives": archives,
            "editions": Edition.objects.order_by("-year"),
            "now": timezone.now(),
            "retention_days": services.retention().days,
        },
    )


@permission_required_or_404("archives.keep_archives")
@require_POST
def archive_request(request):
    edition = get_object_or_404(Edition, year=request.POST.get("year") or 0)
    try:
        services.request_archive(edition=edition, actor=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The archive of %(year)s is being built; this page shows its progress.")
            % {"year": edition.year},
        )
    return redirect("archives:archive_list")


@permission_required_or_404("archives.keep_archives")
@require_GET
def archive_download(request, pk: int):
    archive = get_object_or_404(
        EditionArchive.objects.select_related("edition"),
        pk=pk,
        state=EditionArchive.State.READY,
        expires_at__gt=timezone.now(),
    )
    if not archive.file:
        raise Http404
    if not _second_factor_confirmed(request):
        messages.info(
            request, _("Enter a code from your authenticator app to download the archive.")
        )
        return HttpResponseRedirect(
            reverse("mfa_reauthenticate") + "?" + urlencode({"next": request.get_full_path()})
        )
    services.record_download(archive=archive, actor=request.user)
    return file_response(
        archive.file,
        request=request,
        filename=clean_file_name(f"wnevc-{archive.edition.year}-archive.zip"),
        content_type="application/zip",
    )
