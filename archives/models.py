"""The archive of an edition for the record: one ZIP file that organisers download when the
edition ends (archives/builder.py says what is in it)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel
from submissions.models import Edition


def archive_upload_to(instance, filename: str) -> str:
    # A generated name: the archive holds personal data, its key says nothing about it.
    return f"archives/{uuid.uuid4().hex}.zip"


class EditionArchive(TimeStampedModel):
    class State(models.TextChoices):
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", pgettext_lazy("archive", "Failed")
        EXPIRED = "expired", _("Expired")

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="archives"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        pgettext_lazy("archive", "state"),
        max_length=10,
        choices=State.choices,
        default=State.BUILDING,
    )
    # Progress of the build, for the page: entries written of those planned.
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    file = models.FileField(_("file"), upload_to=archive_upload_to, max_length=255, blank=True)
    size = models.BigIntegerField(_("size"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # Why a build failed, for the organisers' page (a code, shown translated).
    failure = models.CharField(_("failure"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("edition archive")
        verbose_name_plural = _("edition archives")
        ordering = ["-created_at"]
        constraints = [
            # A ready archive always has its file, size, hash and expiry: the download and the
            # storage scrub rely on them.
            models.CheckConstraint(
                name="ready_archive_is_complete",
                condition=~Q(state="ready")
                | (
                    ~Q(file="")
                    & Q(size__isnull=False)
                    & Q(expires_at__isnull=False)
                    & Q(sha256__regex=r"^[0-9a-f]{64}$")
                ),
            ),
            # At most one build at a time per edition.
            models.UniqueConstraint(
                fields=["edition"],
                condition=Q(state="building"),
                name="one_archive_building_per_edition",
            ),
        ]

    def __str__(self):
        return f"{self.edition.year} archive {self.created_at:%Y-%m-%d %H:%M}"
