"""Image checks (JPG, PNG): opened with Pillow, bombs refused before decoding, data verified."""

import warnings

from django.utils.translation import gettext_lazy as _

from .limits import JPEG, PNG, max_pixels, refuse


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
        refuse(damaged, "corrupt_image", name=name)
    finally:
        fileobj.seek(0)
    if real != expected:
        refuse(damaged, "corrupt_image", name=name)


class _ImageTooLarge(Exception):
    def __init__(self, width: int, height: int):
        super().__init__(width, height)
        self.width, self.height = width, height


def _refuse_bomb(name: str, width: int | None, height: int | None, limit: int) -> None:
    megapixels = limit // 1_000_000
    if width is not None:
        refuse(
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
    refuse(
        _(
            "“%(name)s” declares an image larger than %(limit)s megapixels, which is not "
            "accepted. Please scan or export it at a lower resolution."
        ),
        "image_bomb",
        name=name,
        limit=megapixels,
    )
