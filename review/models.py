"""The committee and its evaluation of nominations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from submissions.models import Direction, Edition


class Expert(TimeStampedModel):
    """A member of an edition's Science and Technology Committee."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="experts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="expert_memberships",
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    affiliation_zh = models.CharField(_("affiliation (Chinese)"), max_length=200)
    affiliation_en = models.CharField(_("affiliation (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=100, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=100, blank=True)
    directions = models.ManyToManyField(
        Direction, verbose_name=_("directions of expertise"), blank=True, related_name="experts"
    )

    class Meta:
        verbose_name = _("committee expert")
        verbose_name_plural = _("committee experts")
        ordering = ["edition", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="one_membership_per_edition")
        ]

    def __str__(self):
        return self.name_en or self.name_zh
