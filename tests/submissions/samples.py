"""Small sample files, good and bad, made in memory for the upload tests."""

import io
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject


def pdf_bytes(*, pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def javascript_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    # Document-level JavaScript, as Acrobat writes it: /Names /JavaScript -> a JS action.
    action = writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hello');"),
            }
        )
    )
    scripts = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("greeting"), action])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(scripts)}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def launch_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("calc.exe"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def embedded_file_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not really")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def corrupt_pdf_bytes() -> bytes:
    # A PDF header and then half of a real file: what an interrupted download looks like.
    good = pdf_bytes()
    return good[: len(good) // 3]


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 30, 200)).save(out, "JPEG")
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb_bytes(width: int = 20000, height: int = 20000) -> bytes:
    """A valid 1-bit PNG of width x height, all white: a few dozen KB that decode to 400 MP.

    Compressed row by row, so making it never holds the decoded image either.
    """
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _full_box(kind: bytes, payload: bytes = b"", *, flags: int = 0) -> bytes:
    """A box that starts with a version byte and three bytes of flags."""
    return _box(kind, struct.pack(">I", flags) + payload)


def _video_track(*, samples: int = 1) -> bytes:
    """trak as an encoder writes it: header, media header, handler, and an (almost empty)
    sample table; the sample description and tables are leaves the check does not open."""
    count = struct.pack(">I", samples)
    stbl = _box(
        b"stbl",
        _full_box(b"stsd", struct.pack(">I", 0))
        + _full_box(b"stts", count + (struct.pack(">II", 1, 512) if samples else b""))
        + _full_box(b"stsc", count + (struct.pack(">III", 1, 1, 1) if samples else b""))
        + _full_box(b"stsz", struct.pack(">I", 0) + count + b"\x00\x00\x04\x00" * samples)
        + _full_box(b"stco", count + struct.pack(">I", 48) * samples),
    )
    dinf = _box(b"dinf", _full_box(b"dref", struct.pack(">I", 1) + _full_box(b"url ", flags=1)))
    minf = _box(b"minf", _full_box(b"vmhd", b"\x00" * 8, flags=1) + dinf + stbl)
    hdlr = _full_box(b"hdlr", b"\x00" * 4 + b"vide" + b"\x00" * 12 + b"VideoHandler\x00")
    mdia = _box(b"mdia", _full_box(b"mdhd", b"\x00" * 20) + hdlr + minf)
    return _box(b"trak", _full_box(b"tkhd", b"\x00" * 80, flags=3) + mdia)


def _ftyp(brand: bytes = b"isom") -> bytes:
    return _box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + b"mp41")


def _movie(*extra: bytes, samples: int = 1) -> bytes:
    return _box(
        b"moov", _full_box(b"mvhd", b"\x00" * 96) + _video_track(samples=samples) + b"".join(extra)
    )


def mp4_bytes(media_size: int = 1024, brand: bytes = b"isom") -> bytes:
    """ftyp + mdat + moov with one video track: the shape of a real MP4 (the media is zeros)."""
    return _ftyp(brand) + _box(b"mdat", b"\x00" * media_size) + _movie()


def fragmented_mp4_bytes(fragments: int = 2, media_size: int = 512) -> bytes:
    """A fragmented MP4 (as streaming encoders and browsers' MediaRecorder write): the moov
    declares the track and mvex with an empty sample table, the media follows in moof + mdat."""
    movie = _movie(_box(b"mvex", _full_box(b"trex", b"\x00" * 20)), samples=0)
    out = _box(b"ftyp", b"iso5\x00\x00\x02\x00iso5iso6mp41") + movie
    for number in range(1, fragments + 1):
        traf = _box(
            b"traf",
            _full_box(b"tfhd", struct.pack(">I", 1), flags=0x020000)
            + _full_box(b"trun", struct.pack(">II", 1, media_size), flags=0x000201),
        )
        out += _box(b"moof", _full_box(b"mfhd", struct.pack(">I", number)) + traf)
        out += _box(b"mdat", b"\x00" * media_size)
    return out


def write_sparse_mp4(path, size: int) -> None:
    """An MP4 of `size` bytes on disk without writing its media: a sparse 64-bit mdat box."""
    ftyp = _ftyp()
    moov = _movie()
    mdat_size = size - len(ftyp) - len(moov)
    with open(path, "wb") as out:
        out.write(ftyp)
        out.write(struct.pack(">I", 1) + b"mdat" + struct.pack(">Q", mdat_size))
        out.seek(len(ftyp) + mdat_size)
        out.write(moov)


# --- files that claim to be what they are not (issue 9, part 7) -------------------------------

SCRIPT_PAGE = b"<html><body><script>alert(document.cookie)</script></body></html>\n"


def zip_with_pdf_bytes() -> bytes:
    """A ZIP archive whose first entry, stored uncompressed, is a PDF: the PDF header sits
    within the first kilobyte, where a lenient reader looks for it."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("report.pdf", pdf_bytes())
    return out.getvalue()


def script_page_then_pdf_bytes() -> bytes:
    """A web page with a script, then a whole PDF."""
    return SCRIPT_PAGE + pdf_bytes()


def html_in_moov_mp4_bytes() -> bytes:
    """70 bytes that start like an MP4 (ftyp) and whose moov box holds a web page."""
    page = b"<html><script>alert('x')</script></html>\r\n"
    data = _box(b"ftyp", b"isom\x00\x00\x00\x00isom") + _box(b"moov", page)
    assert len(data) == 70
    return data


def incrementally_updated_pdf_bytes() -> bytes:
    """A PDF saved again with an incremental update: a second section and a second %%EOF."""
    writer = PdfWriter(io.BytesIO(pdf_bytes()), incremental=True)
    writer.add_metadata({"/Title": "Technical report, revised"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
ELF_BINARY = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
