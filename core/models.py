"""What every app stands on: timestamps and the append-only audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One thing that happened: who did what to which object, when, with details.

    Append-only: rows are written by `core.services.record_event` and never updated or deleted,
    so the trail can be trusted after the fact. The database holds it too: a trigger
    (migration 0004) refuses UPDATE and DELETE, letting through only the SET NULL of `actor`
    when an account is deleted. It is a record for people, never state for code: nothing reads
    it to decide what to do (once-only e-mails ask `core.emails.already_queued`).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        # Looking up the history of one object is the common read.
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")


class OutboxMessage(models.Model):
    """A task to hand to Celery, written in the same transaction as the change that needs it.

    If the broker (Redis) is down when the change commits, the row stays pending and
    `core.tasks.relay_outbox` hands it over once the broker is back: no confirmation e-mail is
    lost, and none is sent for a change that was rolled back.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["created_at", "id"]
        # The relay reads only pending rows, oldest first.
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self):
        return f"{self.task_name} {self.args}"


class OutboundEmail(models.Model):
    """An e-mail rendered in its recipient's language, waiting to be delivered or delivered.

    Rendering happens in the transaction of the change it tells about; delivery happens in a
    Celery task that locks the row and sends only while `sent_at` is empty, so a retried or
    repeated task never sends the same message twice.
    """

    template = models.CharField(max_length=100)
    to = models.JSONField(default=list)
    language = models.CharField(max_length=10)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    # Optional: callers that may queue the same notice twice name it, and it is kept once.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.template} → {', '.join(self.to)}"
