"""What each kind of attachment accepts: its formats, its size limit, and the limits in all.

The limits are settings (WNEVC_UPLOAD_LIMITS, WNEVC_UPLOAD_MAX_PIXELS), so an edition can
change them and tests can lower them. Every refusal in this package goes through `refuse`: a
ValidationError whose message names the file and the reason in the active language, with a
`code` for tests and callers.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
CHUNK_SIZE = 1 * MB

# Attachment kinds; the same values as submissions.models.Attachment.Kind (kept as plain
# strings so this module stays a leaf).
RECOMMENDATION_FORM = "recommendation_form"
TECHNICAL_REPORT = "technical_report"
EVIDENCE = "evidence"
VIDEO = "video"

DEFAULT_LIMITS = {
    RECOMMENDATION_FORM: 20 * MB,
    TECHNICAL_REPORT: 20 * MB,
    EVIDENCE: 20 * MB,
    VIDEO: 200 * MB,
    "total": 300 * MB,
}
DEFAULT_MAX_PIXELS = 50_000_000

# Real formats we can recognise and accept somewhere.
PDF, JPEG, PNG, MP4 = "pdf", "jpeg", "png", "mp4"

FORMAT_LABELS = {
    PDF: _("a PDF document"),
    JPEG: _("a JPG image"),
    PNG: _("a PNG image"),
    MP4: _("an MP4 video"),
}
FORMAT_SHORT = {PDF: "PDF", JPEG: "JPG", PNG: "PNG", MP4: "MP4"}
CONTENT_TYPES = {PDF: "application/pdf", JPEG: "image/jpeg", PNG: "image/png", MP4: "video/mp4"}
EXTENSIONS = {PDF: {".pdf"}, JPEG: {".jpg", ".jpeg"}, PNG: {".png"}, MP4: {".mp4"}}

ACCEPTED_FORMATS = {
    RECOMMENDATION_FORM: (PDF, JPEG, PNG),
    TECHNICAL_REPORT: (PDF,),
    EVIDENCE: (PDF, JPEG, PNG),
    VIDEO: (MP4,),
}
KIND_LABELS = {
    RECOMMENDATION_FORM: _("the stamped recommendation form"),
    TECHNICAL_REPORT: _("the technical report"),
    EVIDENCE: _("supporting evidence"),
    VIDEO: _("the video"),
}


def upload_limits() -> dict[str, int]:
    return {**DEFAULT_LIMITS, **getattr(settings, "WNEVC_UPLOAD_LIMITS", {})}


def max_pixels() -> int:
    return int(getattr(settings, "WNEVC_UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def accepted_formats_text(kind: str) -> str:
    """'PDF, JPG, PNG' for the kind: used in messages and in the file input's hint."""
    return ", ".join(FORMAT_SHORT[fmt] for fmt in ACCEPTED_FORMATS[kind])


def accept_attribute(kind: str) -> str:
    """The <input accept=...> value: a hint for the browser only; the server decides."""
    return ",".join(sorted(ext for fmt in ACCEPTED_FORMATS[kind] for ext in EXTENSIONS[fmt]))


def kind_label(kind: str) -> str:
    return str(KIND_LABELS[kind])


def refuse(message, code: str, **params):
    raise ValidationError(str(message) % params, code=code)
