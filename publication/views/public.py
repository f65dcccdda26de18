"""Pages anyone can read: the public notice (公示) with its objection form, the published results,
their PDFs, and the open data (JSON, CSV, the ballot bulletin).

Results exist publicly only once published: before that every results URL answers 404. The
results data are cached (they are read hard right after publication) and the cache is cleared
when the results are published; the HTML is not cached, as it carries the visitor's own header.
"""

import csv
import io
import json

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import Refused
from core.filenames import clean_file_name
from core.i18n import localized
from core.page_cache import cache_public_page
from core.spreadsheets import csv_safe_rows
from submissions.models import Edition, Nomination
from submissions.states import NominationState
from voting import runoffs

from .. import pdf
from .. import services as publication
from ..forms import ObjectionForm, rate_limited

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
        if form.honeypot_filled():
            return render(request, "publication/public_objection_refused.html", context, status=400)
        if form.is_valid():
            data = form.cleaned_data
            upload = data.get("file")
            try:
                filed = publication.file_objection(
                    edition=edition,
                    nomination=data["nomination"],
                    name=data["name"],
                    organisation=data["organisation"],
                    email=data["email"],
                    phone=data["phone"],
                    reason=data["reason"],
                    file=upload or None,
                    # The name is kept for the secretariat: no folders, controls or bidi tricks.
                    file_name=clean_file_name(upload.name) if upload else "",
                    file_content_type=form.checked_file.content_type if upload else "",
                    language=get_language(),
                    now=now,
                )
            except Refused as error:
                form.add_error(None, error.message)
            else:
                request.session[RECEIVED_KEY] = filed.reference
                return redirect("publication:objection_received")
        # Shown again with everything typed kept, and a new start time.
        form.data = form.data.copy()
        form.data["started"] = form.fresh_token()
    else:
        form = ObjectionForm(proposed=proposed, now=now)
    context.update(form=form, publication=pub)
    return render(request, "publication/public_objection.html", context)


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
    """What the results page shows, in the active language (cached per language)."""
    language = get_language()
    key = publication.cache_key(edition.year, f"page-{language}")
    rows = cache.get(key)
    if rows is not None:
        return rows
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

    rows = [
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
    cache.set(key, rows, publication.CACHE_SECONDS)
    return rows


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


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def results_book(request, year: int):
    edition, pub = _published(year)
    content = pdf.results_book_pdf(
        edition,
        publication.proposed_results(edition, pub),
        pub,
        place_decisions=publication.place_decisions_data(edition),
    )
    return _pdf_response(content, f"wnevc-results-{year}.pdf")


@require_GET
def certificate(request, year: int, code: str):
    edition, _pub = _published(year)
    nomination = (
        Nomination.objects.select_related("organisation", "category", "direction", "edition")
        .filter(edition=edition, code=code, state=NominationState.WINNER)
        .first()
    )
    if nomination is None:
        raise Http404
    return _pdf_response(pdf.certificate_pdf(nomination, _pub), f"wnevc-certificate-{code}.pdf")
