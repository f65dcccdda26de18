"""Writes that belong to no single app: the audit trail."""

from typing import Any

from django.db import models

from .models import AuditEvent


def record_event(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit trail. Call it inside the transaction of the change."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        details=details or {},
    )
