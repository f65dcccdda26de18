"""E-mail in the recipient's language: templates/emails/<name>.subject, .txt and .html."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def render_email(name: str, context: dict, language: str) -> tuple[str, str, str]:
    """Render subject, text and html of an e-mail template in one language."""
    with translation.override(language):
        context = {**context, "LANGUAGE_CODE": language}
        subject = render_to_string(f"emails/{name}.subject", context).strip()
        text = render_to_string(f"emails/{name}.txt", context)
        html = render_to_string(f"emails/{name}.html", context)
    return " ".join(subject.split()), text, html


def send_email(*, name: str, to: list[str], context: dict, language: str) -> None:
    subject, text, html = render_email(name, context, language)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    message.send()
