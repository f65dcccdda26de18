"""MP4 checks: a well-formed ISO base media file, walked by box headers only (the media is
sought over, never loaded)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .limits import refuse

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

# ISO BMFF boxes that hold only other boxes (ISO/IEC 14496-12): walked to check that their
# children fill them exactly. Boxes with a header of their own before any children (stsd,
# meta) and the fragments' moof are left whole.
_MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"mvex"}
_MP4_BOX_LIMIT = 100_000
# A real movie nests moov/trak/mdia/minf/stbl: five levels. Deeper is a hostile file, refused
# before it can exhaust the recursion.
_MP4_DEPTH_LIMIT = 12


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
        refuse(
            _("“%(name)s” is not a readable MP4 video: the file is damaged or incomplete."),
            "corrupt_video",
            name=name,
        )
    if problem == "no_track":
        refuse(
            _(
                "“%(name)s” is not a playable MP4 video: it has no track (no picture or sound). "
                "Please export the video again."
            ),
            "video_without_track",
            name=name,
        )
    if problem == "no_media":
        refuse(
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
