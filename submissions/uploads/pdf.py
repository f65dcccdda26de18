"""PDF checks: the header at the start, nothing after the last %%EOF, readable by pypdf, not
encrypted, no active content (scripts, launches, embedded files). A PDF's end is read from the
end, and a PDF is only parsed once it is within the document limit (20 MB by default)."""

import warnings

from django.utils.translation import gettext_lazy as _

from .limits import refuse
from .sniffing import PDF_WHITESPACE, file_size

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

PDF_EOF = b"%%EOF"
# How far back from the end of a PDF a last %%EOF followed by other data is still recognised
# as such (for a kinder message); the end itself is found however much white space follows.
_PDF_TAIL = 64 * 1024


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
        refuse(
            _("“%(name)s” is not a readable PDF: the file is damaged or incomplete."),
            "corrupt_pdf",
            name=name,
        )
    finally:
        fileobj.seek(0)
    if encrypted:
        refuse(
            _(
                "“%(name)s” is protected by a password (encrypted). Please upload a copy "
                "without password protection."
            ),
            "encrypted_pdf",
            name=name,
        )
    if page_count == 0:
        refuse(
            _("“%(name)s” is not a readable PDF: the file is damaged or incomplete."),
            "corrupt_pdf",
            name=name,
        )
    if active:
        refuse(
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


def check_pdf_ending(fileobj, *, name: str) -> None:
    """Nothing but white space may follow the last %%EOF (an incremental update adds a section
    and a %%EOF of its own; the last one counts). Data after it is invisible in a reader and
    can be anything: a ZIP, a web page, another document."""
    problem = pdf_ending_problem(fileobj)
    if problem == "trailing_data":
        refuse(
            _(
                "“%(name)s” has other data after the end of the PDF, which is not accepted. "
                "Please save or export it again as a plain PDF."
            ),
            "pdf_trailing_data",
            name=name,
        )
    if problem == "no_end":
        refuse(
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
