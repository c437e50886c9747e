"""Recording audit events, inside the transaction of the write they describe."""

from __future__ import annotations

from typing import Any

from django.db import models

from vinculo.web.audit.models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def audit_record(
    *, actor: Any, action: str, obj: models.Model, changes: dict[str, Any] | None = None
) -> AuditEvent:
    """One audit event: ``changes`` maps field -> (before, after)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        changes={k: [_plain(b), _plain(a)] for k, (b, a) in (changes or {}).items()},
    )


def diff(obj: models.Model, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields of ``values`` that differ from ``obj``'s, as (before, after)."""
    return {
        name: (getattr(obj, name), value)
        for name, value in values.items()
        if getattr(obj, name) != value
    }
