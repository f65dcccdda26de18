"""The expert's pages of the preliminary evaluation: assigned entries, an entry with its
materials and the score form, and the entry's files.

Only the assigned expert without a conflict reaches an entry (organisers reach its files too);
anyone else gets 404, so an entry's existence does not leak. Scores are kept as drafts
(autosaved by htmx) until submitted, and stay editable until the preliminary window closes.
"""

from csp.decorators import csp_replace
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import permission_required_or_404
from core.errors import Refused
from core.filenames import clean_file_name
from core.storage import file_response
from review.models import Review
from review.queries import expert_for
from review.scoring import weighted_total
from submissions.models import Attachment, Nomination
from submissions.queries import current_edition

from ..forms import ScoreForm
from ..queries import (
    assignment_for_entry,
    assignments_for_expert,
    criteria_with_scores,
    others_totals,
)
from ..services import (
    IncompleteReview,
    StaleReview,
    preliminary_window,
    review_window_open,
    save_review,
)

# The parts of an entry shown side by side, Chinese left and English right (after the title).
MATERIAL_PARTS = (
    ("summary", gettext_lazy("Summary")),
    ("description", gettext_lazy("Description of the technology")),
    ("innovations", gettext_lazy("Key innovations")),
    ("indicators", gettext_lazy("Main technical indicators against the state of the art")),
    ("application", gettext_lazy("Application and industrialisation")),
)


def _assignment_or_404(request, code, **_kwargs):
    """The user's assignment to the entry, among their unconflicted ones; 404 otherwise."""
    assignment = assignment_for_entry(request.user, code)
    if assignment is None:
        raise Http404
    return assignment


@permission_required_or_404("review.serve_on_committee", fn=current_edition)
@require_GET
def dashboard(request):
    """The expert's assigned entries in the current edition, with each review's progress."""
    edition = request.permitted_object
    expert = expert_for(request.user, edition)
    assignments = list(assignments_for_expert(expert))
    rows = []
    counts = {"not_started": 0, "draft": 0, "submitted": 0}
    for assignment in assignments:
        review = getattr(assignment, "review", None)
        status = review.state if review is not None else "not_started"
        counts[status] += 1
        rows.append((assignment, status))
    window = preliminary_window(edition)
    return render(
        request,
        "scoring/expert_dashboard.html",
        {
            "edition": edition,
            "expert": expert,
            "rows": rows,
            "counts": counts,
            "window": window,
            "window_open": window is not None and window.is_open(),
        },
    )


def _materials(nomination: Nomination):
    return [
        (part, label, getattr(nomination, f"{part}_zh"), getattr(nomination, f"{part}_en"))
        for part, label in MATERIAL_PARTS
    ]


def _attachments(nomination: Nomination):
    return list(
        Attachment.objects.filter(nomination=nomination, is_current=True)
        .exclude(file="")
        .order_by("kind", "-version")
    )


def _entry_context(request, assignment, form, criteria, scores):
    review = getattr(assignment, "review", None)
    submitted = review is not None and review.state == Review.State.SUBMITTED
    weights = {c.pk: float(c.weight) for c in criteria}
    own_total = (
        weighted_total(scores, weights)
        if submitted and weights and set(scores) == set(weights)
        else None
    )
    attachments = _attachments(assignment.nomination)
    # The technical report first: it is what the expert reads; the stamped form is a formality.
    pdfs = sorted(
        (a for a in attachments if a.content_type == "application/pdf"),
        key=lambda a: a.kind != Attachment.Kind.TECHNICAL_REPORT,
    )
    shown = pdfs[0] if pdfs else None
    requested = request.GET.get("file")
    if requested:
        shown = next((a for a in pdfs if str(a.pk) == requested), shown)
    return {
        "assignment": assignment,
        "nomination": assignment.nomination,
        "review": review,
        "submitted": submitted,
        "form": form,
        "criteria": criteria,
        "materials": _materials(assignment.nomination),
        "attachments": attachments,
        "shown_pdf": shown,
        "window": preliminary_window(assignment.nomination.edition),
        "window_open": review_window_open(assignment.nomination.edition),
        # Others' totals only after one's own submission, and without names.
        "others_totals": others_totals(assignment) if submitted else None,
        "own_total": own_total,
    }


def _initial(review, scores, criteria):
    initial = {"version": review.version if review is not None else 1}
    if review is not None:
        initial.update(comment=review.comment, confidence=review.confidence)
    for criterion in criteria:
        if criterion.pk in scores:
            initial[f"score_{criterion.pk}"] = scores[criterion.pk]
    return initial


@permission_required_or_404("scoring.score_entry", fn=_assignment_or_404)
@require_http_methods(["GET", "POST"])
def entry(request, code):
    """An assigned entry: its materials in both languages, its files, and the score form."""
    assignment = request.permitted_object
    criteria, scores = criteria_with_scores(assignment)
    review = getattr(assignment, "review", None)
    if request.method == "POST":
        form = ScoreForm(request.POST, criteria=criteria)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                save_review(
                    assignment=assignment,
                    actor=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    confidence=form.cleaned_data["confidence"],
                    expected_version=form.cleaned_data["version"],
                    submit=submit,
                )
            except Refused as error:
                # The form keeps what was entered; the message says what to do.
                messages.error(request, error.message)
                if isinstance(error, StaleReview):
                    return redirect("scoring:entry", code=code)
            else:
                if submit:
                    messages.success(
                        request,
                        _(
                            "Your review of %(code)s is submitted. You can still change it "
                            "until the preliminary evaluation closes."
                        )
                        % {"code": assignment.nomination.code},
                    )
                else:
                    messages.success(request, _("Your draft is saved."))
                return redirect("scoring:entry", code=code)
        else:
            messages.error(request, _("Please correct the marked fields."))
    else:
        form = ScoreForm(initial=_initial(review, scores, criteria), criteria=criteria)
    return render(
        request,
        "scoring/expert_entry.html",
        _entry_context(request, assignment, form, criteria, scores),
    )


@permission_required_or_404("scoring.score_entry", fn=_assignment_or_404)
@require_POST
def autosave(request, code):
    """Save the score form as it is (htmx, on change and every 30 s with unsaved changes).

    Answers a status line, and the new version for the form's hidden field (out of band), so the
    next save is checked against it. A submitted review is autosaved only when complete.
    """
    assignment = request.permitted_object
    criteria, _scores = criteria_with_scores(assignment)
    form = ScoreForm(request.POST, criteria=criteria)
    context = {"saved": False, "now": timezone.now(), "version": None}
    if not form.is_valid():
        context["message"] = _("Not saved automatically: correct the marked fields.")
        return render(request, "scoring/includes/autosave_status.html", context)
    try:
        review = save_review(
            assignment=assignment,
            actor=request.user,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            confidence=form.cleaned_data["confidence"],
            expected_version=form.cleaned_data["version"],
        )
    except IncompleteReview as error:
        context["message"] = error.message
    except StaleReview as error:
        context.update(message=error.message, stale=True)
    except Refused as error:
        context["message"] = error.message
    else:
        context.update(saved=True, version=review.version, review=review)
    return render(request, "scoring/includes/autosave_status.html", context)


# --- Files ----------------------------------------------------------------------------------


def _entry(request, code, **_kwargs) -> Nomination:
    return get_object_or_404(Nomination, code=code)


def _attachment_or_404(request, pk) -> Attachment:
    """A current file of the entry the gate let through (`scoring.read_entry_files`)."""
    attachment = get_object_or_404(Attachment, pk=pk, nomination=request.permitted_object)
    if not attachment.file:
        raise Http404
    return attachment


def _file_response(request, attachment: Attachment, *, inline: bool):
    return file_response(
        attachment.file,
        request=request,
        filename=clean_file_name(attachment.original_name or attachment.file.name),
        content_type=attachment.content_type,
        inline=inline,
    )


@permission_required_or_404("scoring.read_entry_files", fn=_entry)
@require_GET
def attachment_download(request, code, pk):
    return _file_response(request, _attachment_or_404(request, pk), inline=False)


@permission_required_or_404("scoring.read_entry_files", fn=_entry)
@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def attachment_inline(request, code, pk):
    """A PDF shown inside the entry page (framed by this site only). Other kinds download."""
    attachment = _attachment_or_404(request, pk)
    return _file_response(request, attachment, inline=attachment.content_type == "application/pdf")
