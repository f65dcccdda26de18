"""Checks of uploaded materials, by content and never by name or the browser's content type.

Pure functions on a file-like object (Django's UploadedFile, an open file, a BytesIO), no
models: a leaf package. Split by job:

- `limits`: what each kind of attachment accepts, its size limit, the total, `refuse`;
- `sniffing`: the real format from the first bytes, sizes and hashes without loading a file;
- `pdf`, `images`, `mp4`: each format's own checks;
- `links`: a link to the video instead of a file;
- `checks`: `validate_upload`, which runs them in order for one upload.

Callers import from the package: `from submissions.uploads import validate_upload`.
"""

from .checks import CheckedFile, validate_upload
from .limits import (
    ACCEPTED_FORMATS,
    EVIDENCE,
    KIND_LABELS,
    RECOMMENDATION_FORM,
    TECHNICAL_REPORT,
    VIDEO,
    accept_attribute,
    accepted_formats_text,
    kind_label,
    max_pixels,
    upload_limits,
)
from .links import validate_video_url
from .mp4 import mp4_problem
from .pdf import pdf_ending_problem
from .sniffing import file_size, sha256_of, sniff_format

__all__ = [
    "ACCEPTED_FORMATS",
    "EVIDENCE",
    "KIND_LABELS",
    "RECOMMENDATION_FORM",
    "TECHNICAL_REPORT",
    "VIDEO",
    "CheckedFile",
    "accept_attribute",
    "accepted_formats_text",
    "file_size",
    "kind_label",
    "max_pixels",
    "mp4_problem",
    "pdf_ending_problem",
    "sha256_of",
    "sniff_format",
    "upload_limits",
    "validate_upload",
    "validate_video_url",
]
