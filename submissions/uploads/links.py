"""A link to the video instead of a file."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext


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
