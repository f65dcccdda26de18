"""Recognising a file by its first bytes, never by its name or the browser's content type,
and the small helpers on file objects (size without reading, chunks, SHA-256)."""

import hashlib

from django.utils.translation import gettext_lazy as _

from .limits import CHUNK_SIZE, JPEG, MP4, PDF, PNG

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

# PDF white space (ISO 32000-1, 7.2.2): all that may stand before the header (after a UTF-8
# byte-order mark) and after the last end-of-file marker.
PDF_WHITESPACE = b"\x00\t\n\x0c\r "
UTF8_BOM = b"\xef\xbb\xbf"


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


def read_head(fileobj, length: int = 64) -> bytes:
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


def sniff_format(fileobj) -> str | None:
    """The real format from the first bytes: 'pdf', 'jpeg', 'png', 'mp4', or None."""
    head = read_head(fileobj, 1024)
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


def describe_refused(head: bytes):
    for signature, label in _REFUSED_SIGNATURES:
        if head.startswith(signature):
            return label
    return None
