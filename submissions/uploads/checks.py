"""One upload checked for an attachment kind: size, real format, name, then the format's own
checks. Nothing here reads a whole file into memory."""

from dataclasses import dataclass
from pathlib import PurePath

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .images import check_image
from .limits import (
    ACCEPTED_FORMATS,
    CONTENT_TYPES,
    EXTENSIONS,
    FORMAT_LABELS,
    JPEG,
    KIND_LABELS,
    PDF,
    PNG,
    accepted_formats_text,
    refuse,
    upload_limits,
)
from .mp4 import check_mp4
from .pdf import check_pdf
from .sniffing import describe_refused, file_size, read_head, sha256_of, sniff_format


@dataclass(frozen=True)
class CheckedFile:
    """What the checks found out about an accepted file."""

    format: str
    content_type: str
    size: int
    sha256: str


def validate_upload(fileobj, *, name: str, kind: str, other_files_size: int = 0) -> CheckedFile:
    """Check one upload for an attachment kind; raise ValidationError or return what it is.

    other_files_size is what the nomination's current materials already take, so the total
    per nomination is kept.
    """
    if kind not in ACCEPTED_FORMATS:
        raise ValueError(f"unknown attachment kind {kind!r}")
    limits = upload_limits()
    size = file_size(fileobj)
    if size == 0:
        refuse(_("“%(name)s” is empty."), "empty", name=name)
    if size > limits[kind]:
        refuse(
            _("“%(name)s” is %(size)s; %(kind)s may be at most %(limit)s."),
            "too_large",
            name=name,
            size=filesizeformat(size),
            kind=KIND_LABELS[kind],
            limit=filesizeformat(limits[kind]),
        )
    if other_files_size + size > limits["total"]:
        refuse(
            _(
                "“%(name)s” (%(size)s) would bring this nomination's materials to %(total)s; "
                "at most %(limit)s are allowed in all. Replace or remove another file first."
            ),
            "total_exceeded",
            name=name,
            size=filesizeformat(size),
            total=filesizeformat(other_files_size + size),
            limit=filesizeformat(limits["total"]),
        )

    fmt = sniff_format(fileobj)
    if fmt is None:
        what = describe_refused(read_head(fileobj, 16))
        if what is not None:
            refuse(
                _(
                    "“%(name)s” is %(what)s, whatever its name says. Only %(accepted)s files "
                    "are accepted for %(kind)s."
                ),
                "refused_type",
                name=name,
                what=what,
                accepted=accepted_formats_text(kind),
                kind=KIND_LABELS[kind],
            )
        if PDF in ACCEPTED_FORMATS[kind] and b"%PDF-" in read_head(fileobj, 1024):
            refuse(
                _(
                    "“%(name)s” does not begin as a PDF: other data comes before the PDF "
                    "header. Please save or export it again as a plain PDF."
                ),
                "pdf_not_at_start",
                name=name,
            )
        refuse(
            _(
                "The content of “%(name)s” is not a file type we accept. Only %(accepted)s "
                "files are accepted for %(kind)s."
            ),
            "unknown_type",
            name=name,
            accepted=accepted_formats_text(kind),
            kind=KIND_LABELS[kind],
        )
    if fmt not in ACCEPTED_FORMATS[kind]:
        refuse(
            _("“%(name)s” is %(what)s; only %(accepted)s files are accepted for %(kind)s."),
            "wrong_type",
            name=name,
            what=FORMAT_LABELS[fmt],
            accepted=accepted_formats_text(kind),
            kind=KIND_LABELS[kind],
        )
    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS[fmt]:
        refuse(
            _(
                "“%(name)s” is %(what)s but its name does not end in %(extensions)s. Please "
                "check that you chose the right file, and rename it if it is."
            ),
            "extension_mismatch",
            name=name,
            what=FORMAT_LABELS[fmt],
            extensions=" / ".join(sorted(EXTENSIONS[fmt])),
        )

    if fmt == PDF:
        check_pdf(fileobj, name=name)
    elif fmt in (JPEG, PNG):
        check_image(fileobj, name=name, expected=fmt)
    else:
        check_mp4(fileobj, name=name, size=size)
    return CheckedFile(
        format=fmt, content_type=CONTENT_TYPES[fmt], size=size, sha256=sha256_of(fileobj)
    )
