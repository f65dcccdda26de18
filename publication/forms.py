"""The objection form of the public notice and what keeps spam out of it.

- A honeypot field ("website") hidden from people (CSS class, aria-hidden, tabindex -1):
  bots that fill every field are refused.
- The time the form was shown, signed with the secret key: a form sent back sooner than
  `MIN_FILL_SECONDS` is refused (with a message: a person who really was that fast can just
  send it again), and a token older than a day has expired.
- A per-IP counter in the cache: at most `RATE_LIMIT` objections per IP per `RATE_WINDOW`
  seconds; beyond it the page answers 429.
- CSRF, as everywhere.
"""

import hashlib

from django import forms
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import localized
from submissions.uploads import EVIDENCE, validate_upload

MIN_FILL_SECONDS = 5
MAX_TOKEN_AGE = 24 * 60 * 60
RATE_LIMIT = 5
RATE_WINDOW = 60 * 60
_SALT = "voting.objection.started"


def started_token(now=None) -> str:
    moment = (now or timezone.now()).timestamp()
    return signing.dumps(moment, salt=_SALT)


def _client_key(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    # Hashed, so the cache never holds an objector's address.
    return "voting:objection-rate:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def rate_limited(request) -> bool:
    """Count one attempt from the request's IP; True once the limit is passed."""
    key = _client_key(request)
    if cache.add(key, 1, RATE_WINDOW):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RATE_WINDOW)
        return False
    return count > RATE_LIMIT


class SpamSuspected(Exception):
    """The honeypot was filled: refuse without telling a bot which check caught it."""


class ObjectionForm(forms.Form):
    nomination = forms.ChoiceField(label=_("Technology objected to"), required=False)
    name = forms.CharField(label=_("Your name"), max_length=150)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail address"))
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    reason = forms.CharField(
        label=_("Reason for the objection"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("State the facts and, where you can, the evidence. At most 5,000 characters."),
    )
    file = forms.FileField(
        label=_("Supporting file (optional)"),
        required=False,
        help_text=_("PDF, JPG or PNG, at most 20 MB."),
    )
    # The honeypot: people never see it.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, proposed=(), now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.proposed = {n.code: n for n in proposed}
        self.fields["nomination"].choices = [("", _("The notice as a whole"))] + [
            (n.code, f"{n.code} · {localized(n, 'title')}") for n in proposed
        ]
        if not self.is_bound:
            self.initial["started"] = started_token(self.now)
        self.checked_file = None

    def honeypot_filled(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def clean_started(self):
        try:
            started = signing.loads(self.cleaned_data["started"], salt=_SALT, max_age=MAX_TOKEN_AGE)
        except signing.SignatureExpired as error:
            raise ValidationError(
                _("This form was opened too long ago. Please check it and send it again."),
                code="expired",
            ) from error
        except signing.BadSignature as error:
            raise ValidationError(
                _("This form could not be checked. Please send it again."), code="bad_token"
            ) from error
        if self.now.timestamp() - float(started) < MIN_FILL_SECONDS:
            raise ValidationError(
                _(
                    "The form was sent back faster than a person can fill it in. "
                    "Please check it and send it again."
                ),
                code="too_fast",
            )
        return self.cleaned_data["started"]

    def clean_nomination(self):
        code = self.cleaned_data.get("nomination") or ""
        if code and code not in self.proposed:
            raise ValidationError(_("Choose a technology on the notice."), code="unknown")
        return self.proposed.get(code)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            self.checked_file = validate_upload(upload, name=upload.name, kind=EVIDENCE)
        return upload

    def fresh_token(self) -> str:
        """A new start time for the form shown again after an error (the text is kept)."""
        return started_token(self.now)


class ResolutionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision on the objection"),
        choices=[("upheld", _("Uphold")), ("dismissed", _("Dismiss"))],
        widget=forms.RadioSelect,
    )
    reasoning = forms.CharField(
        label=_("Reasoning"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )


class NoticeForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("The notice closes at (China Standard Time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_closes_at(self):
        value = self.cleaned_data["closes_at"]
        if value <= timezone.now():
            raise ValidationError(_("The notice must close in the future."), code="past")
        return value


class ConsequenceForm(forms.Form):
    """What an upheld objection against a proposed winner changes, with the written reasons."""

    consequence = forms.ChoiceField(
        label=_("Consequence for the proposed winner"),
        choices=[
            ("removed", _("Remove it from the proposed winners")),
            ("kept", _("It stays a winner")),
        ],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons (published with the results)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
