"""What a nomination still lacks before it can be submitted, and whether its maturity fits.

Pure functions over a nomination and its related rows: no writes. Titles and summaries are
required in both languages; the four long texts in at least one (the other is encouraged).
"""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from .models import Attachment, Category, Declaration, Nomination

LANGUAGES = ("zh", "en")

# Required in Chinese and in English.
BOTH_LANGUAGES = ("title", "summary")
# Required in at least one language.
ONE_LANGUAGE = ("description", "innovations", "indicators", "application")
TEXT_FIELDS = BOTH_LANGUAGES + ONE_LANGUAGE

TEXT_LABELS = {
    "title": _("Title"),
    "summary": _("Summary"),
    "description": _("Description of the technology"),
    "innovations": _("Key innovations"),
    "indicators": _("Main technical indicators against the state of the art"),
    "application": _("Application and industrialisation"),
}
REQUIRED_ATTACHMENTS = (
    Attachment.Kind.RECOMMENDATION_FORM,
    Attachment.Kind.TECHNICAL_REPORT,
)


ANY_LANGUAGE = "any"
SECTIONS = ("attachments", "declarations", "category")


class MissingItem(NamedTuple):
    label: str
    # "zh" or "en"; "any" when one language of the two is enough; "" when not about language.
    language: str
    # The form field (or section: attachments, declarations, category) to link to.
    field: str

    @property
    def anchor(self) -> str:
        return self.field if self.field in SECTIONS else f"id_{self.field}"


def _filled(nomination: Nomination, field: str, language: str) -> bool:
    return bool((getattr(nomination, f"{field}_{language}", "") or "").strip())


def missing_items(nomination: Nomination) -> list[MissingItem]:
    """Everything that must be added before the nomination can be submitted, in form order."""
    missing: list[MissingItem] = []
    for field in BOTH_LANGUAGES:
        for language in LANGUAGES:
            if not _filled(nomination, field, language):
                missing.append(MissingItem(TEXT_LABELS[field], language, f"{field}_{language}"))
    if not nomination.category_id:
        missing.append(MissingItem(_("Category"), "", "category"))
    if not nomination.direction_id:
        missing.append(MissingItem(_("Technical direction"), "", "direction"))
    for field in ONE_LANGUAGE:
        if not any(_filled(nomination, field, language) for language in LANGUAGES):
            missing.append(MissingItem(TEXT_LABELS[field], ANY_LANGUAGE, f"{field}_zh"))
    if not nomination.trl:
        missing.append(MissingItem(_("Technology readiness level (TRL)"), "", "trl"))
    if not nomination.application_status:
        missing.append(MissingItem(_("Application status"), "", "application_status"))

    # Iterating .all() lets a caller's prefetch_related serve these without queries.
    current_kinds = {
        attachment.kind
        for attachment in nomination.attachments.all()
        if attachment.is_current and (attachment.file or attachment.video_url)
    }
    for kind in REQUIRED_ATTACHMENTS:
        if kind not in current_kinds:
            missing.append(MissingItem(Attachment.Kind(kind).label, "", "attachments"))

    declared = {declaration.kind for declaration in nomination.declarations.all()}
    for kind in Declaration.Kind:
        if kind.value not in declared:
            missing.append(MissingItem(kind.label, "", "declarations"))
    return missing


def language_completeness(nomination: Nomination) -> dict[str, dict[str, int]]:
    """Per language, how many of the six texts are filled: {"zh": {"done": 4, "total": 6}}.

    Reads only the row's own columns, so a list can show it without extra queries.
    """
    return {
        language: {
            "done": sum(1 for field in TEXT_FIELDS if _filled(nomination, field, language)),
            "total": len(TEXT_FIELDS),
        }
        for language in LANGUAGES
    }


# --- Maturity against the category (a warning, never an error) --------------------------------

EARLY_STATUSES = {Nomination.ApplicationStatus.RESEARCH, Nomination.ApplicationStatus.PROTOTYPE}
APPLIED_STATUSES = {
    Nomination.ApplicationStatus.PILOT,
    Nomination.ApplicationStatus.MASS_PRODUCTION,
}
CUTTING_EDGE_MAX_TRL = 4
INNOVATIVE_MIN_TRL = 6


def maturity_warnings(category_code: str | None, trl: int | None, status: str | None) -> list[str]:
    """Why the maturity looks at odds with the category's expectations, if it does.

    Cutting-edge technologies are mainly at the basic-research stage, productisation expected in
    5-10 years: TRL at most 4, research or prototype. Innovative technologies are typically
    already applied or in mass production: TRL 6 or more.
    """
    warnings: list[str] = []
    if category_code == Category.Code.CUTTING_EDGE:
        if trl and trl > CUTTING_EDGE_MAX_TRL:
            warnings.append(
                _(
                    "Cutting-edge technologies are mainly at the basic-research stage, with "
                    "productisation expected in 5-10 years; a TRL of 4 or less is expected."
                )
            )
        if status and status in APPLIED_STATUSES:
            warnings.append(
                _(
                    "A technology already in pilot application or mass production usually fits "
                    "the innovative category better."
                )
            )
    elif category_code == Category.Code.INNOVATIVE:
        if trl and trl < INNOVATIVE_MIN_TRL:
            warnings.append(
                _(
                    "Innovative technologies are typically already applied or in mass "
                    "production; a TRL of 6 or more is expected."
                )
            )
        if status and status in EARLY_STATUSES:
            warnings.append(
                _(
                    "A technology still in research or at the prototype stage usually fits the "
                    "cutting-edge category better."
                )
            )
    return [str(w) for w in warnings]


def maturity_messages() -> dict[str, list[str]]:
    """What the nomination form's script shows when maturity contradicts the category: the
    same warnings as the server's, for each contradiction the script can detect."""
    return {
        "cutting_edge_trl": maturity_warnings("cutting_edge", 9, None),
        "cutting_edge_status": maturity_warnings("cutting_edge", None, "mass_production"),
        "innovative_trl": maturity_warnings("innovative", 1, None),
        "innovative_status": maturity_warnings("innovative", None, "research"),
    }
