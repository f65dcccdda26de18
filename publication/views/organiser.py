"""The secretariat's side of the notice and the publication: open the notice, read and resolve
objections (with the file, permission-checked), remove a proposed winner after an upheld
objection, and publish.

Organisers only: anyone else signed in gets 404, anyone signed out is sent to sign in.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import permission_required_or_404
from core.errors import Refused
from core.filenames import clean_file_name
from core.storage import file_response
from submissions.models import Category
from submissions.queries import current_edition_or_404
from voting import runoffs
from voting.forms import PlaceDecisionForm
from voting.models import Objection, PlaceDecision

from .. import services as publication
from ..forms import ConsequenceForm, NoticeForm, ResolutionForm


@permission_required_or_404("publication.publish")
@require_http_methods(["GET", "POST"])
def dashboard(request):
    return _dashboard(request, handle_post=True)


def _dashboard(
    request, *, handle_post=False, place_form=None, place_form_category=None, status=200
):
    edition = current_edition_or_404()
    pub = publication.publication_of(edition)
    now = timezone.now()
    decisions = list(
        PlaceDecision.objects.filter(round__edition=edition).select_related("round", "runoff")
    )
    if handle_post and request.method == "POST" and pub is None:
        form = NoticeForm(request.POST)
        if form.is_valid():
            try:
                publication.open_notice(
                    edition=edition, actor=request.user, closes_at=form.cleaned_data["closes_at"]
                )
            except Refused as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The public notice is open."))
                return redirect("publication:dashboard")
    else:
        form = NoticeForm(
            initial={
                "closes_at": timezone.localtime(publication.default_notice_close(edition, now))
            }
        )
    readiness = publication.readiness(edition)
    results = publication.proposed_results(edition, pub)
    for entry in results:
        entry.problem = readiness.get(entry.category.pk)
    objections = list(
        Objection.objects.filter(edition=edition)
        .select_related("nomination")
        .order_by("-created_at")
    )
    pending = sum(o.state == Objection.State.PENDING for o in objections)
    blockers = publication.publication_blockers(edition, pub, now) if pub else []
    freed = runoffs.freed_places_by_category(edition, pub)
    for entry in results:
        entry.freed = freed.get(entry.category.pk, 0)
        entry.decisions = [d for d in decisions if d.round.category_id == entry.category.pk]
        entry.place_form = (
            place_form
            if place_form is not None and place_form_category == entry.category.code
            else PlaceDecisionForm(prefix=entry.category.code)
        )
    return render(
        request,
        "publication/notice_dashboard.html",
        {
            "edition": edition,
            "publication": pub,
            "results": results,
            "ready": all(p is None for p in readiness.values()) and bool(readiness),
            "form": form,
            "objections": objections,
            "pending": pending,
            "notice_open": publication.notice_is_open(pub, now),
            "blockers": blockers,
            "can_publish": pub is not None and not pub.is_published and not blockers,
        },
        status=status,
    )


def _objection(pk: int) -> Objection:
    return get_object_or_404(
        Objection.objects.select_related("nomination", "resolved_by", "edition"),
        pk=pk,
        edition=current_edition_or_404(),
    )


@permission_required_or_404("publication.handle_objections")
@require_http_methods(["GET", "POST"])
def objection_detail(request, pk: int):
    return _objection_page(request, pk, handle_post=True)


def _objection_page(request, pk: int, *, handle_post=False, consequence_form=None, status=200):
    objection = _objection(pk)
    pub = publication.publication_of(objection.edition)
    posted = handle_post and request.method == "POST"
    if posted:
        form = ResolutionForm(request.POST)
        if form.is_valid():
            try:
                publication.resolve_objection(
                    objection=objection,
                    actor=request.user,
                    upheld=form.cleaned_data["decision"] == "upheld",
                    reasoning=form.cleaned_data["reasoning"],
                )
            except Refused as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The resolution is recorded."))
                return redirect("publication:objection_detail", pk=objection.pk)
    else:
        form = ResolutionForm(
            initial={"decision": objection.state, "reasoning": objection.resolution}
            if objection.state != Objection.State.PENDING
            else None
        )
    proposed_codes = {
        n.code
        for entry in publication.proposed_results(objection.edition, pub)
        for n in entry.winners
    }
    return render(
        request,
        "publication/notice_objection.html",
        {
            "objection": objection,
            "publication": pub,
            "form": form,
            "consequence_form": consequence_form or ConsequenceForm(),
            # An upheld objection against a proposed winner binds: the page asks for its
            # consequence (removed, or kept with reasons) until one is recorded.
            "can_remove": objection.state == Objection.State.UPHELD
            and not objection.consequence
            and objection.nomination is not None
            and objection.nomination.code in proposed_codes
            and pub is not None
            and not pub.is_published,
        },
        status=status,
    )


@permission_required_or_404("publication.handle_objections")
@require_GET
def objection_file(request, pk: int):
    objection = _objection(pk)
    if not objection.file:
        raise Http404
    return file_response(
        objection.file,
        request=request,
        filename=clean_file_name(objection.file_name or objection.file.name),
        content_type=objection.file_content_type,
    )


@permission_required_or_404("publication.handle_objections")
@require_POST
def remove_winner(request, pk: int):
    objection = _objection(pk)
    try:
        publication.remove_proposed_winner(objection=objection, actor=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The technology is no longer a proposed winner."))
    return redirect("publication:objection_detail", pk=objection.pk)


@permission_required_or_404("publication.handle_objections")
@require_POST
def record_consequence(request, pk: int):
    """Remove the proposed winner an upheld objection is about, or keep it with reasons."""
    objection = _objection(pk)
    form = ConsequenceForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["consequence"] == "removed":
                publication.remove_proposed_winner(
                    objection=objection, actor=request.user, reasons=form.cleaned_data["reasons"]
                )
                messages.success(request, _("The technology is no longer a proposed winner."))
            else:
                publication.keep_proposed_winner(
                    objection=objection, actor=request.user, reasons=form.cleaned_data["reasons"]
                )
                messages.success(
                    request, _("The technology stays a winner; the reasons are recorded.")
                )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            return redirect("publication:objection_detail", pk=objection.pk)
    # The page again, with what was entered and why it was refused.
    return _objection_page(request, pk, consequence_form=form, status=400)


@permission_required_or_404("publication.publish")
@require_POST
def decide_freed(request, code: str):
    """The committee's decision on places freed by removals in a category."""
    edition = current_edition_or_404()
    category = get_object_or_404(Category, edition=edition, code=code)
    form = PlaceDecisionForm(request.POST, prefix=category.code)
    if form.is_valid():
        try:
            runoffs.decide_freed_places(
                category=category,
                actor=request.user,
                decision=form.cleaned_data["unfilled"],
                reason=form.cleaned_data["reason"],
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The decision on the freed places is recorded."))
            return redirect("publication:dashboard")
    return _dashboard(request, place_form=form, place_form_category=category.code, status=400)


@permission_required_or_404("publication.publish")
@require_POST
def publish(request):
    edition = current_edition_or_404()
    try:
        publication.publish(edition=edition, actor=request.user)
    except Refused as error:
        messages.error(request, error.message)
        return redirect("publication:dashboard")
    messages.success(request, _("The results are published."))
    return redirect("publication:results", year=edition.year)
