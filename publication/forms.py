"""The objection form of the public notice and what keeps spam out of it, without ever
refusing a person for being quick or for using autofill (common in WeChat).

- A honeypot field hidden from people: an unusual name (`nectar`) that no autofill or password
  manager maps to anything, `autocomplete="off"`, `tabindex="-1"`, the managers' own "ignore"
  attributes, inside an `aria-hidden` box hidden by a CSS class (the CSP forbids inline styles).
  A bot that fills every field is refused; the form comes back with the text and the file kept
  and a message, so a person whose browser filled it anyway loses nothing.
- The time the form was shown, signed with the secret key: only a signal (the seconds it took
  are recorded with the filing for the secretariat), never a reason to refuse.
- A per-IP counter in the cache: at most `RATE_LIMIT` objections per IP per `RATE_WINDOW`
  seconds; beyond it the page answers 429.
- CSRF, as everywhere.

A file attached to a form that comes back with an error is held on the server
(publication/held_uploads.py); the form carries its token in `held_file`.
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

MAX_TOKEN_AGE = 24 * 60 * 60
RATE_LIMIT = 5
RATE_WINDOW = 60 * 60
_SALT = "voting.objection.started"
HONEYPOT = "nectar"


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


# What password managers and autofill read as "leave me alone" (LastPass, 1Password, Bitwarden,
# Dashlane), besides the standard autocomplete="off".
_IGNORED_BY_AUTOFILL = {
    "autocomplete": "off",
    "tabindex": "-1",
    "data-lpignore": "true",
    "data-1p-ignore": "true",
    "data-bwignore": "true",
    "data-form-type": "other",
}


class ObjectionForm(forms.Form):
    nomination = forms.ChoiceField(label=_("Technology objected to"), required=False)
    name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
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
    # The token of a file held from an earlier attempt (publication/held_uploads.py).
    held_file = forms.CharField(required=False, widget=forms.HiddenInput)
    drop_held_file = forms.BooleanField(label=_("Remove the attached file"), required=False)
    # The honeypot: people never see it (see the module's docstring).
    nectar = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs=_IGNORED_BY_AUTOFILL),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

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
        return bool(self.data.get(HONEYPOT, "").strip())

    def fill_seconds(self) -> float | None:
        """How long the form took, from its signed start time; None when that is unknown.
        A signal recorded with the objection, never a reason to refuse it."""
        try:
            started = signing.loads(self.data.get("started", ""), salt=_SALT, max_age=MAX_TOKEN_AGE)
        except signing.BadSignature:
            return None
        return round(self.now.timestamp() - float(started), 1)

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

    def shown_again(self, *, held_token: str) -> None:
        """Prepare the bound form to be shown again: everything typed is kept, the honeypot is
        emptied, the held file's token is carried and the start time is new."""
        self.data = self.data.copy()
        self.data[HONEYPOT] = ""
        self.data["held_file"] = held_token
        self.data["drop_held_file"] = ""
        self.data["started"] = started_token(self.now)


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
        label=_("The notice closes at (Beijing time)"),
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
