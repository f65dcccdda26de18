"""Checks of uploaded materials, by content and never by name or the browser's content type.

A leaf module: pure functions on a file-like object (Django's UploadedFile, an open file, a
BytesIO), no models. Every refusal is a ValidationError whose message names the file and the
reason in the active language, with a `code` for tests and callers.

Nothing here reads a whole file into memory: sizes come from the file object (or a seek to its
end), hashes go in chunks, the MP4 box walk reads box headers and seeks over their content, a
PDF's end is read from the end, and a PDF is only parsed once it is within the document limit
(20 MB by default).

The limits are settings (WNEVC_UPLOAD_LIMITS, WNEVC_UPLOAD_MAX_PIXELS), so an edition can
change them and tests can lower them.
"""

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
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

# Formats we recognise only to refuse them with a clear reason.
_REFUSED_SIGNATURES = (
    (b"MZ", _("a Windows program")),
    (b"\x7fELF", _("a Linux program")),
    (b"\xcf\xfa\xed\xfe", _("a macOS program")),
    (b"\xce\xfa\xed\xfe", _("a macOS program")),
    (b"\xca\xfe\xba\xbe", _("a macOS program or Java class")),
    (b"#!", _("a script")),
    (b"PK\x03\x04", _("a ZIP archive or Office document")),
    (b"Rar!", _("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", _("a 7-Zip archive")),
    (b"\x1f\x8b", _("a compressed (gzip) file")),
    (b"\xd0\xcf\x11\xe0", _("an old Office document")),
    (b"GIF8", _("a GIF image")),
    (b"<", _("a web page or XML file")),
)

# ISO base media brands that make a file an MP4 we accept.
MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso3",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
}

# PDF action types that run code, open other files or send data: refused wherever they occur.
_DANGEROUS_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "Launch",
    "/ImportData": "ImportData",
    "/SubmitForm": "SubmitForm",
    "/GoToE": "GoToE",
    "/RichMediaExecute": "RichMediaExecute",
}
_PDF_WALK_LIMIT = 200_000

# PDF white space (ISO 32000-1, 7.2.2): all that may stand before the header (after a UTF-8
# byte-order mark) and after the last end-of-file marker.
PDF_WHITESPACE = b"\x00\t\n\x0c\r "
UTF8_BOM = b"\xef\xbb\xbf"
PDF_EOF = b"%%EOF"
# How far back from the end of a PDF a last %%EOF followed by other data is still recognised
# as such (for a kinder message); the end itself is found however much white space follows.
_PDF_TAIL = 64 * 1024

# ISO BMFF boxes that hold only other boxes (ISO/IEC 14496-12): walked to check that their
# children fill them exactly. Boxes with a header of their own before any children (stsd,
# meta) and the fragments' moof are left whole.
_MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"mvex"}
_MP4_BOX_LIMIT = 100_000
# A real movie nests moov/trak/mdia/minf/stbl: five levels. Deeper is a hostile file, refused
# before it can exhaust the recursion.
_MP4_DEPTH_LIMIT = 12


@dataclass(frozen=True)
class CheckedFile:
    """What the checks found out about an accepted file."""

    format: str
    content_type: str
    size: int
    sha256: str


# --- limits -----------------------------------------------------------------------------------


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


# --- small helpers on file objects --------------------------------------------------------------


def file_size(fileobj) -> int:
    """The size without reading the content: UploadedFile.size, or a seek to the end."""
    size = getattr(fileobj, "size", None)
    if size is not None:
        return int(size)
    position = fileobj.tell()
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(position)
    return size


def _read_head(fileobj, length: int = 64) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(length)
    fileobj.seek(0)
    return head


def iter_chunks(fileobj, chunk_size: int = CHUNK_SIZE):
    fileobj.seek(0)
    while True:
        chunk = fileobj.read(chunk_size)
        if not chunk:
            break
        yield chunk
    fileobj.seek(0)


def sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    for chunk in iter_chunks(fileobj):
        digest.update(chunk)
    return digest.hexdigest()


def _refuse(message, code: str, **params):
    raise ValidationError(str(message) % params, code=code)


# --- recognising the format -----------------------------------------------------------------


def sniff_format(fileobj) -> str | None:
    """The real format from the first bytes: 'pdf', 'jpeg', 'png', 'mp4', or None."""
    head = _read_head(fileobj, 1024)
    # A PDF starts with its header: only a byte-order mark and white space may come first. A
    # header further in (readers look for it in the first kilobyte) is how a ZIP or a web page
    # passes for a PDF, so it is not one here.
    if pdf_header_offset(head) is not None:
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return MP4
    return None


def pdf_header_offset(head: bytes) -> int | None:
    """Where `%PDF-` starts in the head, if only a UTF-8 byte-order mark and PDF white space
    come before it; None otherwise."""
    body = head[len(UTF8_BOM) :] if head.startswith(UTF8_BOM) else head
    rest = body.lstrip(PDF_WHITESPACE)
    if rest.startswith(b"%PDF-"):
        return len(head) - len(rest)
    return None


def _describe_refused(head: bytes):
    for signature, label in _REFUSED_SIGNATURES:
        if head.startswith(signature):
            return label
    return None


# --- the checks -------------------------------------------------------------------------------


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
        _refuse(_("“%(name)s” is empty."), "empty", name=name)
    if size > limits[kind]:
        _refuse(
            _("“%(name)s” is %(size)s; %(kind)s may be at most %(limit)s."),
            "too_large",
            name=name,
            size=filesizeformat(size),
            kind=KIND_LABELS[kind],
            limit=filesizeformat(limits[kind]),
        )
    if other_files_size + size > limits["total"]:
        _refuse(
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
        what = _describe_refused(_read_head(fileobj, 16))
        if what is not None:
            _refuse(
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
        if PDF in ACCEPTED_FORMATS[kind] and b"%PDF-" in _read_head(fileobj, 1024):
            _refuse(
                _(
                    "“%(name)s” does not begin as a PDF: other data comes before the PDF "
                    "header. Please save or export it again as a plain PDF."
                ),
                "pdf_not_at_start",
                name=name,
            )
        _refuse(
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
        _refuse(
            _("“%(name)s” is %(what)s; only %(accepted)s files are accepted for %(kind)s."),
            "wrong_type",
            name=name,
            what=FORMAT_LABELS[fmt],
            accepted=accepted_formats_text(kind),
            kind=KIND_LABELS[kind],
        )
    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS[fmt]:
        _refuse(
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


def check_pdf(fileobj, *, name: str) -> None:
    """Parse with pypdf; refuse corrupt, encrypted, or active (scripts, launches, files) PDFs,
    and any data after the document's end."""
    from pypdf import PdfReader  # imported here: only uploads need it

    check_pdf_ending(fileobj, name=name)
    page_count, active = 0, set()
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns on recoverable damage; we judge below
            reader = PdfReader(fileobj, strict=False)
            encrypted = reader.is_encrypted
            if not encrypted:
                page_count = len(reader.pages)
                active = _pdf_active_content(reader)
    except Exception:  # noqa: BLE001 - hostile input: whatever the parser trips on is "damaged"
        _refuse(
            _("“%(name)s” is not a readable PDF: the file is damaged or incomplete."),
            "corrupt_pdf",
            name=name,
        )
    finally:
        fileobj.seek(0)
    if encrypted:
        _refuse(
            _(
                "“%(name)s” is protected by a password (encrypted). Please upload a copy "
                "without password protection."
            ),
            "encrypted_pdf",
            name=name,
        )
    if page_count == 0:
        _refuse(
            _("“%(name)s” is not a readable PDF: the file is damaged or incomplete."),
            "corrupt_pdf",
            name=name,
        )
    if active:
        _refuse(
            _(
                "“%(name)s” contains active content (%(what)s), which is not accepted. Please "
                "print or export it again as a plain PDF."
            ),
            "active_pdf",
            name=name,
            what=", ".join(sorted(active)),
        )


def _pdf_active_content(reader) -> set[str]:
    """Names of the active features found by walking every object reachable from the trailer."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        visited += 1
        if visited > _PDF_WALK_LIMIT:
            # A document this tangled is not a report anyone needs to send; treat as damaged.
            raise ValueError("PDF object graph too large")
        if isinstance(obj, DictionaryObject):
            if "/JS" in obj or obj.get("/S") == "/JavaScript":
                found.add("JavaScript")
            action = obj.get("/S")
            if action in _DANGEROUS_ACTIONS:
                found.add(_DANGEROUS_ACTIONS[action])
            if "/EmbeddedFiles" in obj or obj.get("/Type") == "/EmbeddedFile":
                found.add("EmbeddedFile")
            if obj.get("/Subtype") in ("/FileAttachment", "/RichMedia"):
                found.add("EmbeddedFile")
            if "/XFA" in obj:
                found.add("XFA")
            if "/AA" in obj:
                found.add("AA")
            if "/OpenAction" in obj:
                open_action = obj["/OpenAction"]
                open_action = (
                    open_action.get_object()
                    if isinstance(open_action, IndirectObject)
                    else open_action
                )
                # An OpenAction that is only a destination ("open at page 1, fit width") or a
                # GoTo is what office suites write; any other action at opening is refused.
                if isinstance(open_action, DictionaryObject) and open_action.get("/S") != "/GoTo":
                    found.add("OpenAction")
            stack.extend(value for key, value in obj.items() if key != "/Parent")
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return found


def check_image(fileobj, *, name: str, expected: str) -> None:
    """Open with Pillow, refuse image bombs before decoding, then verify the data."""
    from PIL import Image, UnidentifiedImageError

    limit = max_pixels()
    real = None
    damaged = _("“%(name)s” is not a readable image: the file is damaged or incomplete.")
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fileobj) as image:
                width, height = image.size
                real = {"JPEG": JPEG, "PNG": PNG}.get(image.format)
                if width * height > limit:
                    raise _ImageTooLarge(width, height)
                if real == JPEG:
                    # verify() does not decode a JPEG: decode at 1/8 scale instead, cheap and
                    # enough to find a truncated or broken file.
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                    image.load()
                else:
                    image.verify()
    except _ImageTooLarge as error:
        _refuse_bomb(name, error.width, error.height, limit)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse_bomb(name, None, None, limit)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        _refuse(damaged, "corrupt_image", name=name)
    finally:
        fileobj.seek(0)
    if real != expected:
        _refuse(damaged, "corrupt_image", name=name)


class _ImageTooLarge(Exception):
    def __init__(self, width: int, height: int):
        super().__init__(width, height)
        self.width, self.height = width, height


def _refuse_bomb(name: str, width: int | None, height: int | None, limit: int) -> None:
    megapixels = limit // 1_000_000
    if width is not None:
        _refuse(
            _(
                "“%(name)s” is an image of %(width)s × %(height)s pixels; images may have at "
                "most %(limit)s megapixels. Please scan or export it at a lower resolution."
            ),
            "image_bomb",
            name=name,
            width=width,
            height=height,
            limit=megapixels,
        )
    _refuse(
        _(
            "“%(name)s” declares an image larger than %(limit)s megapixels, which is not "
            "accepted. Please scan or export it at a lower resolution."
        ),
        "image_bomb",
        name=name,
        limit=megapixels,
    )


def check_pdf_ending(fileobj, *, name: str) -> None:
    """Nothing but white space may follow the last %%EOF (an incremental update adds a section
    and a %%EOF of its own; the last one counts). Data after it is invisible in a reader and
    can be anything: a ZIP, a web page, another document."""
    problem = pdf_ending_problem(fileobj)
    if problem == "trailing_data":
        _refuse(
            _(
                "“%(name)s” has other data after the end of the PDF, which is not accepted. "
                "Please save or export it again as a plain PDF."
            ),
            "pdf_trailing_data",
            name=name,
        )
    if problem == "no_end":
        _refuse(
            _("“%(name)s” is not a readable PDF: the file is damaged or incomplete."),
            "corrupt_pdf",
            name=name,
        )


def pdf_ending_problem(fileobj) -> str | None:
    """None when the file ends with %%EOF and white space; 'trailing_data' when a %%EOF near the
    end is followed by something else; 'no_end' when there is none (a file cut short).

    Reads from the end only: the white space at the end, then at most _PDF_TAIL bytes."""
    try:
        tail = _pdf_tail(fileobj, file_size(fileobj))
    finally:
        fileobj.seek(0)
    if tail.endswith(PDF_EOF):
        return None
    if PDF_EOF in tail:
        return "trailing_data"
    return "no_end"


def _pdf_tail(fileobj, size: int) -> bytes:
    """The last _PDF_TAIL bytes (or fewer, in a small file) before the white space at the end."""
    end = size
    while end > 0:
        start = max(0, end - _PDF_TAIL)
        fileobj.seek(start)
        kept = fileobj.read(end - start).rstrip(PDF_WHITESPACE)
        if kept:
            if start > 0 and len(kept) < _PDF_TAIL:
                # The white space ended near the start of this read: take the bytes before it
                # too, so a marker across the boundary is seen whole.
                before = max(0, start - (_PDF_TAIL - len(kept)))
                fileobj.seek(before)
                kept = fileobj.read(start - before) + kept
            return kept
        end = start
    return b""


@dataclass(frozen=True)
class _Box:
    type: bytes
    body: int  # where its content starts (after the size, type, largesize, uuid)
    end: int


def check_mp4(fileobj, *, name: str, size: int) -> None:
    """An MP4 is a well-formed ISO base media file: ftyp first with an MP4 brand, top-level box
    sizes that add up to the file's size exactly, one moov whose containers are filled exactly
    by their children, at least one track (trak with tkhd and mdia), and media data (an mdat
    that is not empty; for a fragmented MP4 the fragments' mdat). Only box headers are read:
    the media is sought over, never loaded."""
    try:
        problem = mp4_problem(fileobj, size)
    finally:
        fileobj.seek(0)
    if problem == "damaged":
        _refuse(
            _("“%(name)s” is not a readable MP4 video: the file is damaged or incomplete."),
            "corrupt_video",
            name=name,
        )
    if problem == "no_track":
        _refuse(
            _(
                "“%(name)s” is not a playable MP4 video: it has no track (no picture or sound). "
                "Please export the video again."
            ),
            "video_without_track",
            name=name,
        )
    if problem == "no_media":
        _refuse(
            _(
                "“%(name)s” is not a playable MP4 video: it holds no media data. Please export "
                "the video again."
            ),
            "video_without_media",
            name=name,
        )


def mp4_problem(fileobj, size: int) -> str | None:
    """None for a well-formed MP4, else 'damaged', 'no_track' or 'no_media'."""
    budget = [_MP4_BOX_LIMIT]
    try:
        top = _mp4_boxes(fileobj, 0, size, budget)
    except ValueError:
        return "damaged"
    if not top or top[0].type != b"ftyp" or not _mp4_brand_ok(fileobj, top[0]):
        return "damaged"
    movies = [box for box in top if box.type == b"moov"]
    if len(movies) != 1:  # exactly one movie box (ISO/IEC 14496-12, 8.2.1)
        return "damaged"
    try:
        movie = _mp4_tree(fileobj, movies[0], budget)
    except ValueError:
        return "damaged"
    tracks = [children for kind, children in movie if kind == b"trak"]
    if not any(kind == b"mvhd" for kind, _children in movie):
        return "damaged"
    if not tracks:
        return "no_track"
    for track in tracks:
        kinds = {kind for kind, _children in track}
        if not {b"tkhd", b"mdia"} <= kinds:
            return "damaged"
    if not any(box.type == b"mdat" and box.end > box.body for box in top):
        return "no_media"
    return None


def _mp4_brand_ok(fileobj, ftyp: _Box) -> bool:
    fileobj.seek(ftyp.body)
    content = fileobj.read(min(ftyp.end - ftyp.body, 256))
    brands = {content[0:4]} | {content[i : i + 4] for i in range(8, len(content) - 3, 4)}
    return bool(brands & MP4_BRANDS)


def _mp4_tree(fileobj, box: _Box, budget: list[int], depth: int = 1) -> list:
    """[(type, children)] of a container box, walking nested containers; ValueError when a
    container is not filled exactly by its children."""
    if depth > _MP4_DEPTH_LIMIT:
        raise ValueError("boxes nested too deep")
    return [
        (
            child.type,
            _mp4_tree(fileobj, child, budget, depth + 1) if child.type in _MP4_CONTAINERS else [],
        )
        for child in _mp4_boxes(fileobj, box.body, box.end, budget)
    ]


def _mp4_boxes(fileobj, start: int, end: int, budget: list[int]) -> list[_Box]:
    """The boxes from start to end, which they must fill exactly (ValueError otherwise).

    size 1: a 64-bit size follows the type; size 0: the box runs to the end (of the file, or of
    its container); type uuid: 16 bytes of extended type follow."""
    boxes = []
    position = start
    while position < end:
        budget[0] -= 1
        if budget[0] < 0:
            raise ValueError("too many boxes")
        fileobj.seek(position)
        header = fileobj.read(min(16, end - position))
        if len(header) < 8:
            raise ValueError("truncated box header")
        box_size = int.from_bytes(header[0:4], "big")
        box_type = header[4:8]
        header_size = 8
        if box_size == 1:
            if len(header) < 16:
                raise ValueError("truncated large box header")
            box_size = int.from_bytes(header[8:16], "big")
            header_size = 16
        elif box_size == 0:
            box_size = end - position
        if box_type == b"uuid":
            header_size += 16
        if box_size < header_size or position + box_size > end:
            raise ValueError("box outside its container")
        boxes.append(_Box(box_type, position + header_size, position + box_size))
        position += box_size
    return boxes


def validate_video_url(url: str) -> str:
    """A link to the video: an https (or http) address on a public host."""
    url = (url or "").strip()
    message = gettext("“%(url)s” is not a link to a web page (it should start with https://).")
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        raise ValidationError(message % {"url": url}, code="invalid_url") from None
    host = (urlsplit(url).hostname or "").lower()
    if host in {"localhost", "127.0.0.1", "::1"} or host.endswith(".local"):
        raise ValidationError(message % {"url": url}, code="invalid_url")
    return url


def kind_label(kind: str) -> str:
    return str(KIND_LABELS[kind])
