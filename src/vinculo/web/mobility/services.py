"""Writes of the mobility app, in transactions, audited (the person's name is not put in
the audit trail)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from vinculo.web.accounts.permissions import WRITE_ROLES, require_role
from vinculo.web.audit.services import audit_record
from vinculo.web.mobility.models import MobilityRecord
from vinculo.web.mobility.selectors import programmes_visible_to
from vinculo.web.registry.selectors import posts_visible_to

__all__ = ["record_create"]


def record_create(*, actor: Any, **values: Any) -> MobilityRecord:
    """A mobility record. Officers, planners and administrators write; an officer only
    for a programme or a post they see."""
    require_role(actor, WRITE_ROLES)
    programme, post = values.get("programme"), values.get("post")
    if programme is not None and not programmes_visible_to(actor).filter(pk=programme.pk).exists():
        raise PermissionDenied
    if post is not None and not posts_visible_to(actor).filter(pk=post.pk).exists():
        raise PermissionDenied
    record = MobilityRecord(created_by=actor, **values)
    record.full_clean(exclude=["created_by"])
    with transaction.atomic():
        record.save()
        audit_record(
            actor=actor, action="mobility.create", obj=record,
            changes={"direction": (None, record.direction),
                     "partner_country": (None, record.partner_country_id)},
        )  # fmt: skip
    return record
