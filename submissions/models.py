"""Editions of the selection and what a nomination is made of."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .stages import Stage


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
        return f"{self.edition} {self.name_en}"


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
        return self.name_en
