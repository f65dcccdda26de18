"""Editions of the selection and what a nomination is made of."""

import secrets
import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import localized
from core.models import TimeStampedModel

from .stages import Stage
from .states import Channel, NominationState
from .validators import SUMMARY_MAX_CHARACTERS, validate_statement_en, validate_statement_zh


class EditionQuerySet(models.QuerySet):
    def current(self):
        """The one current edition, or None."""
        return self.filter(is_current=True).first()


class Edition(TimeStampedModel):
    """One year's selection. Committee size, quotas and dates differ by year: all data here."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    is_current = models.BooleanField(
        _("current edition"),
        default=False,
        help_text=_("Exactly one edition is current: the one the public pages show."),
    )
    committee_size = models.PositiveSmallIntegerField(_("committee size"), default=31)
    quorum = models.DecimalField(
        _("quorum"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.6667"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Share of the committee that must cast a ballot for a round to count."),
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_(
            "An item needs more than this share of the ballots cast by members not recused from it."
        ),
    )
    reviewers_per_entry = models.PositiveSmallIntegerField(
        _("experts per entry"), default=5, validators=[MinValueValidator(1)]
    )

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year"]
        constraints = [
            # At most one current edition; the admin keeps exactly one by switching it.
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_edition",
            )
        ]

    def __str__(self):
        return str(self.year)

    def window(self, stage):
        """The edition's StageWindow for `stage`, or None; looked up once per edition object
        (from prefetched `stage_windows` when they are)."""
        windows = self.__dict__.setdefault("_windows_by_stage", {})
        if stage not in windows:
            prefetched = getattr(self, "_prefetched_objects_cache", {}).get("stage_windows")
            if prefetched is not None:
                windows[stage] = next((w for w in prefetched if w.stage == stage), None)
            else:
                windows[stage] = self.stage_windows.filter(stage=stage).first()
        return windows[stage]

    def forget_windows(self) -> None:
        """Drop the windows looked up on this object (after a window is written)."""
        self.__dict__.pop("_windows_by_stage", None)

    def is_open(self, stage, at=None) -> bool:
        """Whether the stage's window is open at `at` (now by default). The one home of the
        rule: a stage without a window is CLOSED."""
        window = self.window(stage)
        return window is not None and window.is_open(at)

    def before_close(self, stage, at=None) -> bool:
        """Whether the stage's window has not closed yet at `at` (open, or still to open);
        a stage without a window is closed."""
        window = self.window(stage)
        return window is not None and (at or timezone.now()) < window.closes_at

    def current_stage(self, windows=None, now=None):
        """The stage whose window contains now, or None between stages."""
        now = now or timezone.now()
        windows = windows if windows is not None else self.stage_windows.all()
        for window in windows:
            if window.opens_at <= now < window.closes_at:
                return window
        return None


class StageWindow(models.Model):
    """When one stage of an edition is open. Times are stored in UTC, shown in Asia/Shanghai."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="stage_windows"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))

    class Meta:
        verbose_name = _("stage window")
        verbose_name_plural = _("stage calendar")
        ordering = ["edition", "opens_at"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "stage"], name="one_window_per_stage"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="window_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return f"{self.edition} {self.get_stage_display()}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_upcoming(self, now=None) -> bool:
        """Whether the window is still to open (a page says when, not that it is closed)."""
        return (now or timezone.now()) < self.opens_at


class Category(models.Model):
    """Cutting-edge or innovative: each with its own criteria and winners quota."""

    class Code(models.TextChoices):
        CUTTING_EDGE = "cutting_edge", _("Cutting-edge technology")
        INNOVATIVE = "innovative", _("Innovative technology")

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="categories"
    )
    code = models.CharField(_("code"), max_length=20, choices=Code.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    criteria_zh = models.TextField(_("criteria (Chinese)"), blank=True)
    criteria_en = models.TextField(_("criteria (English)"), blank=True)
    winners_quota = models.PositiveSmallIntegerField(_("winners quota"), default=8)
    shortlist_size = models.PositiveSmallIntegerField(_("shortlist size"), default=16)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["edition", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="one_category_per_code")
        ]

    def __str__(self):
        return f"{self.edition} {localized(self, 'name')}"


class Direction(models.Model):
    """A technical direction (vehicle integration, power battery, fuel cell, ...)."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="directions"
    )
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("technical direction")
        verbose_name_plural = _("technical directions")
        ordering = ["edition", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="one_direction_per_code")
        ]

    def __str__(self):
        return localized(self, "name")


# --- Nominations ----------------------------------------------------------------------------


class Nomination(TimeStampedModel):
    """One technology put forward for the selection, with its bilingual materials."""

    class ApplicationStatus(models.TextChoices):
        RESEARCH = "research", _("Research")
        PROTOTYPE = "prototype", _("Prototype")
        PILOT = "pilot", _("Pilot application")
        MASS_PRODUCTION = "mass_production", _("Mass production")

    # A random, stable identifier used in file paths, so a path never reveals the code or order.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="nominations"
    )
    code = models.CharField(
        _("nomination number"),
        max_length=20,
        unique=True,
        editable=False,
        help_text=_("Assigned at creation and never changed, e.g. 2026-CE-007."),
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.OPEN
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="nominations"
    )
    direction = models.ForeignKey(
        Direction,
        verbose_name=_("technical direction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("nominating organisation"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_zh = models.TextField(
        _("summary (Chinese)"),
        max_length=SUMMARY_MAX_CHARACTERS,
        blank=True,
        validators=[MaxLengthValidator(SUMMARY_MAX_CHARACTERS)],
    )
    summary_en = models.TextField(
        _("summary (English)"),
        max_length=SUMMARY_MAX_CHARACTERS,
        blank=True,
        validators=[MaxLengthValidator(SUMMARY_MAX_CHARACTERS)],
    )
    description_zh = models.TextField(_("description of the technology (Chinese)"), blank=True)
    description_en = models.TextField(_("description of the technology (English)"), blank=True)
    innovations_zh = models.TextField(_("key innovations (Chinese)"), blank=True)
    innovations_en = models.TextField(_("key innovations (English)"), blank=True)
    indicators_zh = models.TextField(
        _("main technical indicators against the state of the art (Chinese)"), blank=True
    )
    indicators_en = models.TextField(
        _("main technical indicators against the state of the art (English)"), blank=True
    )
    application_zh = models.TextField(_("application and industrialisation (Chinese)"), blank=True)
    application_en = models.TextField(_("application and industrialisation (English)"), blank=True)
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level (TRL)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    application_status = models.CharField(
        _("application status"), max_length=20, choices=ApplicationStatus.choices, blank=True
    )

    # Written only by submissions.services.transition.
    state = models.CharField(
        pgettext_lazy("nomination state", "state"),
        max_length=20,
        choices=NominationState.choices,
        default=NominationState.DRAFT,
        editable=False,
    )
    state_changed_at = models.DateTimeField(_("state changed"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    return_reasons = models.TextField(_("reasons for return"), blank=True)
    correction_deadline = models.DateTimeField(_("correction deadline"), null=True, blank=True)
    # Optimistic concurrency: every save increments it; an edit based on an older version is
    # refused, so two tabs never silently overwrite each other.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["edition", "code"]
        indexes = [
            # The organiser's queues filter an edition by state.
            models.Index(fields=["edition", "state"], name="nomination_edition_state"),
            # The nominator's list: one organisation's nominations in an edition.
            models.Index(fields=["organisation", "edition"], name="nomination_org_edition"),
        ]

    def __str__(self):
        return f"{self.code} {self.title_en or self.title_zh}".strip()

    @property
    def declarations_in_order(self) -> list["Declaration"]:
        """The declarations made, in the order the form asks for them (the rows sort by their
        code, which reads backwards); from the prefetch when there is one."""
        order = {kind: position for position, kind in enumerate(Declaration.Kind.values)}
        return sorted(self.declarations.all(), key=lambda declaration: order[declaration.kind])


# Content a nominator may set through create_nomination / save_nomination, in the order the
# form shows it (submissions.forms.NominationForm and the snapshot at a return use this list).
CONTENT_FIELD_NAMES = (
    "category",
    "direction",
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "description_zh",
    "description_en",
    "innovations_zh",
    "innovations_en",
    "indicators_zh",
    "indicators_en",
    "application_zh",
    "application_en",
    "trl",
    "application_status",
)

# The labels the form gives the paired texts ("Title in English"), also those of the re-check's
# list of changes: each says what it is in the page's language.
CONTENT_FIELD_LABELS = {
    "title_zh": _("Title in Chinese"),
    "title_en": _("Title in English"),
    "summary_zh": _("Summary in Chinese"),
    "summary_en": _("Summary in English"),
    "description_zh": _("Description in Chinese"),
    "description_en": _("Description in English"),
    "innovations_zh": _("Key innovations in Chinese"),
    "innovations_en": _("Key innovations in English"),
    "indicators_zh": _("Technical indicators in Chinese"),
    "indicators_en": _("Technical indicators in English"),
    "application_zh": _("Application in Chinese"),
    "application_en": _("Application in English"),
}


class CompletingOrganisation(models.Model):
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="completing_organisations",
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("registered organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("completing organisation")
        verbose_name_plural = _("completing organisations")
        ordering = ["nomination", "position", "id"]

    def __str__(self):
        return self.name_en or self.name_zh


class KeyPerson(models.Model):
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="key_people",
    )
    name = models.CharField(_("name"), max_length=150)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role in the work"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("key person")
        verbose_name_plural = _("key people")
        ordering = ["nomination", "position", "id"]

    def __str__(self):
        return self.name


class Patent(models.Model):
    class Status(models.TextChoices):
        GRANTED = "granted", _("Granted")
        PENDING = "pending", _("Pending")
        OTHER = "other", pgettext_lazy("patent status", "Other")

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="patents"
    )
    number = models.CharField(_("patent number"), max_length=60)
    title = models.CharField(_("title"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.GRANTED
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("patent")
        verbose_name_plural = _("patents")
        ordering = ["nomination", "position", "id"]

    def __str__(self):
        return self.number


class Declaration(models.Model):
    """A declaration the nominator made, with the account and the time, as the rules require."""

    class Kind(models.TextChoices):
        VOLUNTARY = (
            "voluntary",
            _("We take part voluntarily and accept the rules of the selection."),
        )
        NO_IP_DISPUTE = (
            "no_ip_dispute",
            _("The technology and the materials are free of intellectual-property disputes."),
        )
        INFORMATION_TRUE = (
            "information_true",
            _("All information given is true, accurate and complete."),
        )

    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="declarations",
    )
    kind = models.CharField(_("declaration"), max_length=20, choices=Kind.choices)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    made_at = models.DateTimeField(_("made at"))

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["nomination", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "kind"], name="one_declaration_per_kind")
        ]

    def __str__(self):
        return f"{self.nomination.code} {self.kind}"


def attachment_upload_to(instance, filename: str) -> str:
    """A generated path: never the uploader's file name, which is kept in original_name."""
    suffix = PurePosixPath(filename or "").suffix.lower().lstrip(".")
    suffix = "".join(ch for ch in suffix if ch.isascii() and ch.isalnum())[:10]
    name = uuid.uuid4().hex + (f".{suffix}" if suffix else "")
    return f"nominations/{instance.nomination.uuid.hex}/{name}"


class Attachment(models.Model):
    """One version of one typed material. Older versions stay, with is_current off."""

    class Kind(models.TextChoices):
        RECOMMENDATION_FORM = "recommendation_form", _("Stamped recommendation form")
        TECHNICAL_REPORT = "technical_report", _("Technical report")
        EVIDENCE = "evidence", _("Supporting evidence")
        VIDEO = "video", _("Video")

    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField(_("kind of material"), max_length=30, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.BigIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    video_url = models.URLField(_("video link"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["nomination", "kind", "-version"]
        indexes = [
            models.Index(fields=["nomination", "kind", "is_current"], name="attachment_current")
        ]

    def __str__(self):
        return f"{self.nomination_id} {self.kind} v{self.version}"


class Recommendation(models.Model):
    """An expert's statement recommending a nomination of the expert channel."""

    nomination = models.OneToOneField(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="recommendation",
    )
    recommender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recommending expert"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    statement_zh = models.TextField(
        _("recommendation statement (Chinese)"), validators=[validate_statement_zh]
    )
    statement_en = models.TextField(
        _("recommendation statement (English)"), validators=[validate_statement_en]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self):
        return f"{self.nomination_id} {self.recommender_id}"


class StateChange(models.Model):
    """One step of a nomination's timeline, written by the transition service."""

    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="state_changes",
    )
    from_state = models.CharField(
        _("from"), max_length=20, choices=NominationState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=20, choices=NominationState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["nomination", "at", "id"]

    def __str__(self):
        return f"{self.nomination_id} {self.from_state}→{self.to_state}"


class NominationSnapshot(models.Model):
    """The nomination as it was when the secretariat returned it for correction.

    Written once, by `submissions.services.transition`, in the transaction of the return; the
    re-check compares the resubmitted nomination with the latest one. Never changed afterwards
    (a trigger refuses an UPDATE on PostgreSQL). The payload's shape is `submissions.snapshots`.
    """

    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="snapshots",
    )
    state_change = models.OneToOneField(
        StateChange,
        verbose_name=_("return"),
        on_delete=models.CASCADE,
        related_name="snapshot",
    )
    taken_at = models.DateTimeField(_("taken"))
    payload = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("snapshot at return")
        verbose_name_plural = _("snapshots at return")
        ordering = ["nomination", "-taken_at", "-id"]

    def __str__(self):
        return f"{self.nomination_id} {self.taken_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        # Kept as taken: a trigger refuses an UPDATE on PostgreSQL; this holds on SQLite too.
        if not self._state.adding:
            raise ValueError("A snapshot at return is never changed.")
        super().save(*args, **kwargs)


class FormalCheck(models.Model):
    """The organiser's formal check of a submitted nomination: checklist and decision."""

    class Decision(models.TextChoices):
        ELIGIBLE = "eligible", pgettext_lazy("formal check decision", "Eligible")
        INELIGIBLE = "ineligible", pgettext_lazy("formal check decision", "Ineligible")
        RETURNED = "returned", pgettext_lazy("formal check decision", "Returned for correction")

    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="formal_checks",
    )
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    correction_deadline = models.DateTimeField(_("correction deadline"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("formal check")
        verbose_name_plural = _("formal checks")
        ordering = ["nomination", "-decided_at", "-id"]

    def __str__(self):
        return f"{self.nomination_id} {self.decision}"


def generate_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """The secretariat invites an organisation by a link that opens a secretariat nomination."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail address"))
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=generate_invitation_token, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.edition} {self.email}"
