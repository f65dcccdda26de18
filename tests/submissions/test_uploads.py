"""Uploads are checked by content: each bad input and the message it gets, no database."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from submissions import uploads as v

from . import samples


def refusal(data: bytes, *, name: str, kind: str, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        v.validate_upload(io.BytesIO(data), name=name, kind=kind, **kwargs)
    return caught.value


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- accepted files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "kind", "fmt", "content_type"),
    [
        (samples.pdf_bytes(), "report.pdf", v.TECHNICAL_REPORT, "pdf", "application/pdf"),
        (samples.pdf_bytes(), "Form.PDF", v.RECOMMENDATION_FORM, "pdf", "application/pdf"),
        (samples.png_bytes(), "stamp.png", v.RECOMMENDATION_FORM, "png", "image/png"),
        (samples.jpeg_bytes(), "scan.jpeg", v.EVIDENCE, "jpeg", "image/jpeg"),
        (samples.jpeg_bytes(), "scan.jpg", v.EVIDENCE, "jpeg", "image/jpeg"),
        (samples.mp4_bytes(), "demo.mp4", v.VIDEO, "mp4", "video/mp4"),
    ],
)
def test_accepted_files_report_their_real_format_size_and_hash(data, name, kind, fmt, content_type):
    import hashlib

    checked = v.validate_upload(io.BytesIO(data), name=name, kind=kind)

    assert checked == v.CheckedFile(
        format=fmt,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def test_a_pdf_that_opens_at_a_page_is_not_active_content():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    writer.open_destination = writer.pages[1]  # what office suites write: /OpenAction [page /Fit]
    out = io.BytesIO()
    writer.write(out)

    checked = v.validate_upload(io.BytesIO(out.getvalue()), name="r.pdf", kind=v.TECHNICAL_REPORT)

    assert checked.format == "pdf"


# --- refused files ----------------------------------------------------------------------------


def test_a_renamed_windows_program_is_refused_as_a_program():
    error = refusal(samples.WINDOWS_EXE, name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert error.code == "refused_type"
    assert error.messages == [
        "“report.pdf” is a Windows program, whatever its name says. Only PDF files are "
        "accepted for the technical report."
    ]


def test_a_renamed_windows_program_is_refused_in_chinese():
    with translation.override("zh-hans"):
        error = refusal(samples.WINDOWS_EXE, name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert error.messages == [
        "“report.pdf”实际上是Windows 程序，与文件名无关。技术报告仅接受 PDF 格式的文件。"
    ]


def test_a_renamed_linux_program_and_zip_are_refused_by_content():
    elf = refusal(samples.ELF_BINARY, name="evidence.png", kind=v.EVIDENCE)
    zipped = refusal(b"PK\x03\x04" + b"\x00" * 100, name="scan.jpg", kind=v.EVIDENCE)

    assert (elf.code, zipped.code) == ("refused_type", "refused_type")
    assert "“evidence.png” is a Linux program" in elf.messages[0]
    assert "“scan.jpg” is a ZIP archive or Office document" in zipped.messages[0]


def test_unknown_content_is_refused():
    error = refusal(b"just some text\n" * 10, name="notes.pdf", kind=v.EVIDENCE)

    assert error.code == "unknown_type"
    assert error.messages == [
        "The content of “notes.pdf” is not a file type we accept. Only PDF, JPG, PNG files "
        "are accepted for supporting evidence."
    ]


def test_a_corrupt_pdf_is_refused():
    error = refusal(samples.corrupt_pdf_bytes(), name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert error.code == "corrupt_pdf"
    assert error.messages == [
        "“report.pdf” is not a readable PDF: the file is damaged or incomplete."
    ]


def test_an_encrypted_pdf_is_refused_in_both_languages():
    data = samples.encrypted_pdf_bytes()

    english = refusal(data, name="report.pdf", kind=v.TECHNICAL_REPORT)
    with translation.override("zh-hans"):
        chinese = refusal(data, name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert english.code == chinese.code == "encrypted_pdf"
    assert english.messages == [
        "“report.pdf” is protected by a password (encrypted). Please upload a copy without "
        "password protection."
    ]
    assert chinese.messages == ["“report.pdf”设有密码保护（已加密），请上传未加密的文件。"]


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (samples.javascript_pdf_bytes, "JavaScript"),
        (samples.launch_pdf_bytes, "Launch, OpenAction"),
        (samples.embedded_file_pdf_bytes, "EmbeddedFile"),
    ],
)
def test_a_pdf_with_active_content_is_refused(make, what):
    error = refusal(make(), name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert error.code == "active_pdf"
    assert error.messages == [
        f"“report.pdf” contains active content ({what}), which is not accepted. Please print "
        "or export it again as a plain PDF."
    ]


def test_an_image_bomb_is_refused_before_it_is_decoded():
    bomb = samples.png_bomb_bytes(20000, 20000)
    assert len(bomb) < 200_000  # a small file that would decode to 400 megapixels

    error = refusal(bomb, name="stamp.png", kind=v.RECOMMENDATION_FORM)

    assert error.code == "image_bomb"
    assert error.messages == [
        "“stamp.png” declares an image larger than 50 megapixels, which is not accepted. "
        "Please scan or export it at a lower resolution."
    ]


def test_an_image_over_the_pixel_limit_names_its_dimensions():
    error = refusal(samples.png_bomb_bytes(8000, 8000), name="scan.png", kind=v.EVIDENCE)

    assert error.code == "image_bomb"
    assert error.messages[0].startswith("“scan.png” is an image of 8000 × 8000 pixels")


@override_settings(WNEVC_UPLOAD_MAX_PIXELS=1000)
def test_the_pixel_limit_is_a_setting():
    error = refusal(samples.png_bytes(40, 30), name="scan.png", kind=v.EVIDENCE)

    assert error.code == "image_bomb"


def test_a_truncated_jpeg_is_refused():
    data = samples.jpeg_bytes(400, 300)

    error = refusal(data[: len(data) // 2], name="scan.jpg", kind=v.EVIDENCE)

    assert error.code == "corrupt_image"
    assert error.messages == [
        "“scan.jpg” is not a readable image: the file is damaged or incomplete."
    ]


def test_an_extension_that_contradicts_the_content_is_refused():
    error = refusal(samples.jpeg_bytes(), name="stamp.png", kind=v.RECOMMENDATION_FORM)

    assert error.code == "extension_mismatch"
    assert error.messages[0].startswith(
        "“stamp.png” is a JPG image but its name does not end in .jpeg / .jpg."
    )


def test_a_video_is_the_wrong_type_for_the_technical_report():
    error = refusal(samples.mp4_bytes(), name="report.mp4", kind=v.TECHNICAL_REPORT)

    assert error.code == "wrong_type"
    assert error.messages == [
        "“report.mp4” is an MP4 video; only PDF files are accepted for the technical report."
    ]


def test_an_image_is_the_wrong_type_for_the_video():
    error = refusal(samples.png_bytes(), name="still.png", kind=v.VIDEO)

    assert error.code == "wrong_type"


@pytest.mark.parametrize(
    "data",
    [
        samples.mp4_bytes()[:-20],  # the moov box cut short
        samples.mp4_bytes(brand=b"qt  ").replace(b"mp41", b"qt  "),  # QuickTime, not MP4
        samples.mp4_bytes()[:40] + b"\x00" * 10,  # ftyp + the start of mdat
    ],
)
def test_a_broken_or_foreign_mp4_is_refused(data):
    error = refusal(data, name="demo.mp4", kind=v.VIDEO)

    assert error.code == "corrupt_video"


def test_an_empty_file_is_refused():
    error = refusal(b"", name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert error.code == "empty"


@override_settings(WNEVC_UPLOAD_LIMITS={"technical_report": 300})
def test_an_oversized_file_is_refused_before_its_content_is_read():
    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the size check must not read the file")

    fileobj = Unreadable(samples.pdf_bytes())

    with pytest.raises(ValidationError) as caught:
        v.validate_upload(fileobj, name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert caught.value.code == "too_large"
    assert caught.value.messages == [
        "“report.pdf” is 431\xa0bytes; the technical report may be at most 300\xa0bytes."
    ]


def test_a_real_oversized_sparse_video_is_refused(tmp_path):
    path = tmp_path / "big.mp4"
    samples.write_sparse_mp4(path, 200 * 1024 * 1024 + 1)

    with open(path, "rb") as fileobj, pytest.raises(ValidationError) as caught:
        v.validate_upload(fileobj, name="big.mp4", kind=v.VIDEO)

    assert caught.value.code == "too_large"
    assert caught.value.messages == [
        "“big.mp4” is 200.0\xa0MB; the video may be at most 200.0\xa0MB."
    ]


def test_a_sparse_video_at_the_limit_is_accepted(tmp_path):
    path = tmp_path / "big.mp4"
    samples.write_sparse_mp4(path, 200 * 1024 * 1024)

    with open(path, "rb") as fileobj:
        checked = v.validate_upload(fileobj, name="big.mp4", kind=v.VIDEO)

    assert (checked.format, checked.size) == ("mp4", 200 * 1024 * 1024)


@override_settings(WNEVC_UPLOAD_LIMITS={"total": 1000})
def test_the_total_per_nomination_is_kept_in_both_languages():
    data = samples.pdf_bytes()  # 431 bytes

    english = refusal(data, name="report.pdf", kind=v.TECHNICAL_REPORT, other_files_size=700)
    with translation.override("zh-hans"):
        chinese = refusal(data, name="report.pdf", kind=v.TECHNICAL_REPORT, other_files_size=700)

    assert english.code == "total_exceeded"
    assert english.messages == [
        "“report.pdf” (431\xa0bytes) would bring this nomination's materials to 1.1\xa0KB; at "
        "most 1000\xa0bytes are allowed in all. Replace or remove another file first."
    ]
    assert chinese.messages[0].startswith("上传“report.pdf”（431")


def test_within_the_total_is_accepted():
    data = samples.pdf_bytes()

    checked = v.validate_upload(
        io.BytesIO(data), name="report.pdf", kind=v.TECHNICAL_REPORT, other_files_size=1000
    )

    assert checked.size == len(data)


# --- video links -------------------------------------------------------------------------------


def test_a_video_link_must_be_a_public_web_address():
    assert v.validate_video_url(" https://v.example.com/watch?id=1 ") == (
        "https://v.example.com/watch?id=1"
    )
    for bad in ["javascript:alert(1)", "ftp://example.com/x.mp4", "http://localhost/x", "x"]:
        with pytest.raises(ValidationError) as caught:
            v.validate_video_url(bad)
        assert caught.value.code == "invalid_url"


def test_accept_attribute_lists_the_extensions_of_the_kind():
    assert v.accept_attribute(v.RECOMMENDATION_FORM) == ".jpeg,.jpg,.pdf,.png"
    assert v.accept_attribute(v.VIDEO) == ".mp4"


# --- files that are exactly what they claim (issue 9, part 7) ----------------------------------


class CountingReads:
    """A file that counts the bytes read from it: the checks must not read a file whole."""

    def __init__(self, fileobj):
        self.fileobj = fileobj
        self.bytes_read = 0

    def read(self, *args):
        chunk = self.fileobj.read(*args)
        self.bytes_read += len(chunk)
        return chunk

    def seek(self, *args):
        return self.fileobj.seek(*args)

    def tell(self):
        return self.fileobj.tell()


def test_a_zip_archive_with_a_pdf_in_its_first_kilobyte_is_refused_as_a_zip():
    data = samples.zip_with_pdf_bytes()
    assert data.startswith(b"PK\x03\x04") and data.index(b"%PDF-") < 1024

    error = refusal(data, name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert error.code == "refused_type"
    assert error.messages == [
        "“report.pdf” is a ZIP archive or Office document, whatever its name says. Only PDF "
        "files are accepted for the technical report."
    ]


def test_a_web_page_with_a_script_and_then_a_pdf_is_refused_as_a_web_page():
    data = samples.script_page_then_pdf_bytes()
    assert data.startswith(b"<html><body><script>")

    error = refusal(data, name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert error.code == "refused_type"
    assert error.messages == [
        "“report.pdf” is a web page or XML file, whatever its name says. Only PDF files are "
        "accepted for the technical report."
    ]


def test_other_data_before_the_pdf_header_is_refused_in_both_languages():
    data = b"Prepended by a mail gateway\n" + samples.pdf_bytes()

    english = refusal(data, name="report.pdf", kind=v.TECHNICAL_REPORT)
    with translation.override("zh-hans"):
        chinese = refusal(data, name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert english.code == chinese.code == "pdf_not_at_start"
    assert english.messages == [
        "“report.pdf” does not begin as a PDF: other data comes before the PDF header. Please "
        "save or export it again as a plain PDF."
    ]
    assert chinese.messages == [
        "“report.pdf”的开头不是 PDF：PDF 文件头之前还有其他数据。请重新保存或导出为普通 PDF "
        "文件后上传。"
    ]


def test_a_byte_order_mark_and_white_space_before_the_header_are_accepted():
    data = b"\xef\xbb\xbf\r\n  " + samples.pdf_bytes()

    checked = v.validate_upload(io.BytesIO(data), name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert (checked.format, checked.size) == ("pdf", len(data))


def test_a_byte_order_mark_alone_does_not_let_other_data_through():
    data = b"\xef\xbb\xbfx" + samples.pdf_bytes()

    error = refusal(data, name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert error.code == "pdf_not_at_start"


def test_a_pdf_with_an_incremental_update_is_accepted_its_last_eof_counts():
    data = samples.incrementally_updated_pdf_bytes()
    assert data.count(b"%%EOF") == 2

    checked = v.validate_upload(io.BytesIO(data), name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert (checked.format, checked.size) == ("pdf", len(data))


@pytest.mark.parametrize(
    "white_space",
    [
        b"\r\n\x00\x00 \t\n" * 20_000,  # 140 KB: more than one read from the end
        b" " * (64 * 1024 - 3),  # the first read from the end starts inside "%%EOF"
    ],
    ids=["long", "marker-across-reads"],
)
def test_white_space_after_the_last_eof_is_accepted(white_space):
    data = samples.pdf_bytes() + white_space

    checked = v.validate_upload(io.BytesIO(data), name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert checked.size == len(data)


@pytest.mark.parametrize(
    "trailer",
    [
        samples.SCRIPT_PAGE,
        b"PK\x03\x04\x14\x00\x00\x00 an archive appended after the document",
        b"%",  # a single byte is enough to carry a payload's start
    ],
    ids=["web-page", "zip", "one-byte"],
)
def test_a_pdf_with_data_after_its_end_is_refused(trailer):
    error = refusal(samples.pdf_bytes() + trailer, name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert error.code == "pdf_trailing_data"
    assert error.messages == [
        "“report.pdf” has other data after the end of the PDF, which is not accepted. Please "
        "save or export it again as a plain PDF."
    ]


def test_data_after_an_incremental_update_is_refused_in_chinese():
    data = samples.incrementally_updated_pdf_bytes() + b"\n<script>alert(1)</script>\n"

    with translation.override("zh-hans"):
        error = refusal(data, name="报告.pdf", kind=v.EVIDENCE)

    assert error.code == "pdf_trailing_data"
    assert error.messages == [
        "“报告.pdf”在 PDF 结束之后还附有其他数据，不予接受。请重新保存或导出为普通 PDF 文件后上传。"
    ]


def test_a_pdf_without_an_end_marker_is_damaged():
    data = samples.pdf_bytes().rstrip().removesuffix(b"%%EOF")

    error = refusal(data, name="report.pdf", kind=v.TECHNICAL_REPORT)

    assert error.code == "corrupt_pdf"


def test_the_end_of_a_large_pdf_is_read_from_the_end_only():
    data = samples.pdf_bytes()
    padded = data[:9] + b"%" + b"x" * (8 * 1024 * 1024) + b"\n" + data[9:]  # an 8 MB comment
    fileobj = CountingReads(io.BytesIO(padded))

    problem = v.pdf_ending_problem(fileobj)

    assert problem is None
    assert fileobj.bytes_read <= 2 * 64 * 1024  # of 8 MB
    assert fileobj.tell() == 0


def test_a_70_byte_mp4_whose_movie_box_holds_a_web_page_is_refused_in_both_languages():
    data = samples.html_in_moov_mp4_bytes()
    assert (len(data), data[4:8], data[28:34]) == (70, b"ftyp", b"<html>")

    english = refusal(data, name="demo.mp4", kind=v.VIDEO)
    with translation.override("zh-hans"):
        chinese = refusal(data, name="demo.mp4", kind=v.VIDEO)

    assert english.code == chinese.code == "corrupt_video"
    assert english.messages == [
        "“demo.mp4” is not a readable MP4 video: the file is damaged or incomplete."
    ]
    assert chinese.messages == ["“demo.mp4”不是可读取的 MP4 视频：文件已损坏或不完整。"]


def test_a_fragmented_mp4_is_accepted():
    data = samples.fragmented_mp4_bytes(fragments=3)

    checked = v.validate_upload(io.BytesIO(data), name="live.mp4", kind=v.VIDEO)

    assert (checked.format, checked.content_type, checked.size) == ("mp4", "video/mp4", len(data))


def test_an_mp4_without_a_track_is_refused_in_both_languages():
    movie = samples._box(b"moov", samples._full_box(b"mvhd", b"\x00" * 96))
    data = samples._ftyp() + samples._box(b"mdat", b"\x00" * 64) + movie

    english = refusal(data, name="demo.mp4", kind=v.VIDEO)
    with translation.override("zh-hans"):
        chinese = refusal(data, name="demo.mp4", kind=v.VIDEO)

    assert english.code == chinese.code == "video_without_track"
    assert english.messages == [
        "“demo.mp4” is not a playable MP4 video: it has no track (no picture or sound). Please "
        "export the video again."
    ]
    assert chinese.messages == [
        "“demo.mp4”不是可播放的 MP4 视频：其中没有任何轨道（既无画面也无声音）。"
        "请重新导出视频后上传。"
    ]


@pytest.mark.parametrize(
    "data",
    [
        samples._ftyp() + samples._movie(),  # no mdat at all
        samples._ftyp() + samples._box(b"mdat", b"") + samples._movie(),  # an empty mdat
        # fragments announced, none sent
        samples._ftyp() + samples._movie(samples._box(b"mvex", b""), samples=0),
    ],
    ids=["no-mdat", "empty-mdat", "fragmented-without-fragments"],
)
def test_an_mp4_without_media_data_is_refused(data):
    error = refusal(data, name="demo.mp4", kind=v.VIDEO)

    assert error.code == "video_without_media"
    assert error.messages == [
        "“demo.mp4” is not a playable MP4 video: it holds no media data. Please export the "
        "video again."
    ]


def _inconsistent_track() -> bytes:
    """A moov whose trak claims 4 bytes more than it holds: moov's children overrun it."""
    movie = bytearray(samples._movie())
    trak = movie.index(b"trak") - 4
    size = int.from_bytes(movie[trak : trak + 4], "big")
    movie[trak : trak + 4] = (size + 4).to_bytes(4, "big")
    return samples._ftyp() + samples._box(b"mdat", b"\x00" * 64) + bytes(movie)


@pytest.mark.parametrize(
    "data",
    [
        samples.mp4_bytes() + b"<html>",  # bytes after the last box
        samples.mp4_bytes() + samples._movie(),  # two movie boxes
        _inconsistent_track(),
        # a track without its media box
        samples._ftyp()
        + samples._box(b"mdat", b"\x00" * 64)
        + samples._box(
            b"moov",
            samples._full_box(b"mvhd", b"\x00" * 96)
            + samples._box(b"trak", samples._full_box(b"tkhd", b"\x00" * 80)),
        ),
    ],
    ids=["trailing-bytes", "two-moov", "trak-overruns-moov", "trak-without-mdia"],
)
def test_an_mp4_that_is_not_well_formed_is_refused(data):
    error = refusal(data, name="demo.mp4", kind=v.VIDEO)

    assert error.code == "corrupt_video"


def test_tracks_nested_without_end_are_refused_not_a_server_error():
    nested = samples._full_box(b"tkhd", b"\x00" * 80)
    for _level in range(5000):  # deeper than Python's recursion limit
        nested = samples._box(b"trak", nested)
    movie = samples._box(b"moov", samples._full_box(b"mvhd", b"\x00" * 96) + nested)
    data = samples._ftyp() + samples._box(b"mdat", b"\x00" * 64) + movie

    error = refusal(data, name="demo.mp4", kind=v.VIDEO)

    assert error.code == "corrupt_video"


def test_the_mp4_walk_reads_box_headers_and_seeks_over_the_media(tmp_path):
    path = tmp_path / "big.mp4"
    samples.write_sparse_mp4(path, 150 * 1024 * 1024)

    with open(path, "rb") as raw:
        fileobj = CountingReads(raw)
        problem = v.mp4_problem(fileobj, 150 * 1024 * 1024)

    assert problem is None
    assert fileobj.bytes_read < 4096
