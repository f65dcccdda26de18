"""Pages anyone can read: the public notice (公示) with its objection form, the published results,
their PDFs, and the open data (JSON, CSV, the ballot bulletin).

Results exist publicly only once published: before that every results URL answers 404. What is
cached, and how (docs/caching.md): the results page whole for anonymous visitors
(core/page_cache.py); the open data as text (cleared when the results are published); the PDFs
are files rendered once at publication (publication/documents.py).
"""

import csv
import io
import json
import logging

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import Refused
from core.filenames import clean_file_name
from core.i18n import localized
from core.page_cache import cache_public_page
from core.spreadsheets import csv_safe_rows
from core.storage import STORAGE_ERRORS, file_response
from submissions.models import Edition, Nomination
from submissions.states import NominationState
from voting import runoffs

from .. import documents, held_uploads
from .. import services as publication
from ..forms import ObjectionForm, rate_limited

logger = logging.getLogger(__name__)

RECEIVED_KEY = "voting-objection-received"


# --- The notice -----------------------------------------------------------------------------


def _notice_context(now):
    edition = Edition.objects.current()
    pub = publication.publication_of(edition)
    context = {"edition": edition, "publication": pub, "now": now}
    if pub is not None and not pub.is_published:
        context["results"] = publication.proposed_results(edition, pub)
        context["main_open"] = publication.notice_is_open(pub, now)
        # Technologies that won a vacancy run-off after the notice opened: their own notice.
        context["late_notices"] = runoffs.open_late_notices(edition, now)
        context["is_open"] = context["main_open"] or bool(context["late_notices"])
    return context


@require_GET
def notice(request):
    context = _notice_context(timezone.now())
    return render(request, "publication/public_notice.html", context)


@require_http_methods(["GET", "POST"])
def objection(request):
    now = timezone.now()
    context = _notice_context(now)
    if not context.get("is_open"):
        # Outside the notice there is no form: the notice page says why.
        return redirect("publication:notice")
    edition, pub = context["edition"], context["publication"]
    proposed = [
        n
        for entry in context["results"]
        for n in entry.winners
        if context["main_open"] or n.code in context["late_notices"]
    ]
    if request.method == "POST":
        if rate_limited(request):
            return render(request, "publication/public_objection_429.html", context, status=429)
        form = ObjectionForm(request.POST, request.FILES, proposed=proposed, now=now)
        filed, held, status = _file_from_form(request, form, edition=edition, now=now)
        if filed is not None:
            request.session[RECEIVED_KEY] = filed.reference
            return redirect("publication:objection_received")
        # Shown again with everything typed kept, the file held, and a new start time.
        form.shown_again(held_token=held.token if held else "")
    else:
        form, held, status = ObjectionForm(proposed=proposed, now=now), None, 200
    context.update(form=form, publication=pub, held=held)
    return render(request, "publication/public_objection.html", context, status=status)


HELD_FILE_GONE = gettext_lazy(
    "The file you attached earlier is no longer kept (it expired, or the form was "
    "sent from another browser session). Please attach it again."
)


def _file_from_form(request, form, *, edition, now):
    """Validate and file the objection; answer (objection or None, the held file, status).

    Whatever refuses the form (a field, the honeypot, the service), a file that passed its
    checks is held under a token for this session, so that the person need not attach it
    again; a held file is used when no new one is chosen."""
    status = 200
    token = request.POST.get("held_file", "")
    held = held_uploads.find(request, token)
    valid = form.is_valid()
    # Taken before any error is added: add_error drops the field from cleaned_data.
    upload = form.cleaned_data.get("file") if form.checked_file is not None else None
    if token and held is None:
        form.add_error("file", HELD_FILE_GONE)
        valid = False
    if form.honeypot_filled():
        form.add_error(
            None,
            _(
                "The objection was not accepted: a field that must stay empty was filled in "
                "(perhaps by your browser's autofill). Your text and file are kept: please "
                "check the form and send it again."
            ),
        )
        valid, status = False, 400
    # A new file replaces the held one; "remove" lets it go.
    if held is not None and (upload is not None or form.cleaned_data.get("drop_held_file")):
        held_uploads.discard(request, held.token)
        held = None
    if not valid:
        if upload is not None:
            held = _hold(request, form, upload)
        return None, held, status
    data = form.cleaned_data
    if upload is not None:
        file, file_name, content_type = upload, upload.name, form.checked_file.content_type
    elif held is not None:
        try:
            file = held_uploads.open_intact(held)
        except (FileNotFoundError, *STORAGE_ERRORS):
            # The held copy is gone (purged, changed, or the store failed): ask for the file
            # again.
            form.add_error("file", HELD_FILE_GONE)
            return None, None, status
        file_name, content_type = held.file_name, held.content_type
    else:
        file, file_name, content_type = None, "", ""
    try:
        filed = publication.file_objection(
            edition=edition,
            nomination=data["nomination"],
            name=data["name"],
            organisation=data["organisation"],
            email=data["email"],
            phone=data["phone"],
            reason=data["reason"],
            file=file,
            # The name is kept for the secretariat: no folders, controls or bidi tricks.
            file_name=clean_file_name(file_name) if file_name else "",
            file_content_type=content_type,
            language=get_language(),
            fill_seconds=form.fill_seconds(),
            now=now,
        )
    except Refused as error:
        form.add_error(None, error.message)
        if upload is not None:
            held = _hold(request, form, upload)
        return None, held, status
    finally:
        if held is not None and file is held.file:
            file.close()
    if held is not None:
        held_uploads.discard(request, held.token)
    return filed, None, status


def _hold(request, form, upload):
    try:
        return held_uploads.hold(request, upload, content_type=form.checked_file.content_type)
    except STORAGE_ERRORS:
        # The store is down: the person is told to attach it again, nothing worse.
        logger.warning("could not hold an objection's file", exc_info=True)
        return None


@require_GET
def objection_received(request):
    reference = request.session.get(RECEIVED_KEY)
    if not reference:
        return redirect("publication:notice")
    return render(
        request,
        "publication/public_objection_received.html",
        {"reference": reference, **_notice_context(timezone.now())},
    )


# --- Results --------------------------------------------------------------------------------


def _published(year: int):
    found = publication.published_edition(year)
    if found is None:
        raise Http404
    return found


def _page_rows(edition, pub) -> list[dict]:
    """What the results page shows, in the active language. Not cached as data: anonymous
    visitors get the whole page from the page cache (docs/caching.md)."""
    scores = publication.approvals(edition)

    def row(n: Nomination) -> dict:
        return {
            "code": n.code,
            "title": localized(n, "title"),
            "summary": localized(n, "summary"),
            "organisation": localized(n.organisation, "name") if n.organisation else "",
            "direction": localized(n.direction, "name") if n.direction else "",
            "approvals": scores.get(n.code, 0),
            "is_winner": n.state == NominationState.WINNER,
        }

    return [
        {
            "code": entry.category.code,
            "name": localized(entry.category, "name"),
            "quota": entry.category.winners_quota,
            "winners": [row(n) for n in entry.winners],
            # A removed winner is listed with its reasons, not again as an ordinary finalist.
            "finalists": [row(n) for n in entry.finalists if n not in entry.removed],
            "removed": [{**row(n), "reasons": reasons} for n, reasons in entry.removals],
            "kept": [{**row(n), "reasons": reasons} for n, reasons in entry.kept],
            "vacant": entry.vacant,
        }
        for entry in publication.proposed_results(edition, pub)
    ]


@require_GET
@cache_public_page(300)
def results(request, year: int):
    edition, pub = _published(year)
    return render(
        request,
        "publication/public_results.html",
        {"edition": edition, "publication": pub, "categories": _page_rows(edition, pub)},
    )


def _cached_json(year: int, kind: str, build) -> str:
    key = publication.cache_key(year, kind)
    text = cache.get(key)
    if text is None:
        text = json.dumps(build(), ensure_ascii=False, indent=1)
        cache.set(key, text, publication.CACHE_SECONDS)
    return text


def _json_response(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def results_json(request, year: int):
    edition, pub = _published(year)
    return _json_response(
        _cached_json(year, "results-json", lambda: publication.results_data(edition, pub))
    )


@require_GET
def results_csv(request, year: int):
    edition, pub = _published(year)
    data = json.loads(
        _cached_json(year, "results-json", lambda: publication.results_data(edition, pub))
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(publication.CSV_COLUMNS)
    # Titles and organisation names are kept from being read as formulas (core/spreadsheets.py).
    writer.writerows(csv_safe_rows(publication.results_rows(data)))
    # A BOM, so that spreadsheet programs read the Chinese as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="wnevc-results-{year}.csv"'
    return response


@require_GET
def bulletin_json(request, year: int):
    edition, _pub = _published(year)
    return _json_response(
        _cached_json(year, "bulletin", lambda: publication.bulletin_data(edition))
    )


def _document_response(request, document, filename: str):
    if document is None:
        raise Http404
    return file_response(
        document.file,
        request=request,
        filename=filename,
        content_type="application/pdf",
        inline=True,
    )


@require_GET
def results_book(request, year: int):
    """The results book as stored at publication (rendered once, here, if it is missing)."""
    edition, pub = _published(year)
    document = documents.stored_document(edition, pub, documents.RESULTS_BOOK)
    return _document_response(request, document, f"wnevc-results-{year}.pdf")


@require_GET
def certificate(request, year: int, code: str):
    edition, pub = _published(year)
    document = documents.stored_document(edition, pub, documents.CERTIFICATE, code)
    return _document_response(request, document, f"wnevc-certificate-{code}.pdf")
