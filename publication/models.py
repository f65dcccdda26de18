"""What the publication app keeps of its own (the notice's and the results' models stay in
voting, where their migrations are):

- `PublicDocument`: the public results book and each winner's certificate, rendered once at
  publication and served from the file store (ReportLab takes a second per book; the public
  reads them hard in the hour after publication). Size and SHA-256 are taken when stored, for
  the storage scrub (core/integrity.py). `manage.py render_public_pdfs` renders them again when
  a template or the font changes.
- `HeldUpload`: a file attached to an objection form that was sent back with an error, kept
  under a random token for the visitor's session so that they need not choose it again.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from submissions.models import Edition


def public_document_upload_to(instance, filename: str) -> str:
    # A new name at each rendering: a store or a browser never mixes two versions of one name.
    code = f"-{instance.code}" if instance.code else ""
    name = f"{instance.kind}{code}-{uuid.uuid4().hex[:12]}.pdf"
    return f"public-documents/{instance.edition.year}/{name}"


class PublicDocument(TimeStampedModel):
    class Kind(models.TextChoices):
        RESULTS_BOOK = "results-book", _("Results book")
        CERTIFICATE = "certificate", _("Certificate")

    edition = models.ForeignKey(
        Edition,
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        related_name="public_documents",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The winner's code for a certificate; empty for the results book. The documents are
    # bilingual (both languages on every page), so there is no language column.
    code = models.CharField(_("code"), max_length=40, blank=True)
    file = models.FileField(_("file"), upload_to=public_document_upload_to, max_length=255)
    size = models.BigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rendered_at = models.DateTimeField(_("rendered at"))

    class Meta:
        verbose_name = _("public document")
        verbose_name_plural = _("public documents")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "kind", "code"], name="publication_one_document_per_kind_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.kind} {self.code}".strip()


def held_upload_to(instance, filename: str) -> str:
    # The token is the name: the visitor's file name is kept in its own column, never in a key.
    return f"held-uploads/{instance.token}"


class HeldUpload(models.Model):
    # Random (secrets.token_urlsafe); the visitor's session lists the tokens it was given, and
    # a token that another session sends back is refused.
    token = models.CharField(_("token"), max_length=64, unique=True)
    file = models.FileField(_("file"), upload_to=held_upload_to, max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    # Taken when the file is held: the objection filed from it must be what was checked, and
    # the storage scrub (core/integrity.py) compares the stored file with them.
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("held upload")
        verbose_name_plural = _("held uploads")

    def __str__(self) -> str:
        return self.file_name
