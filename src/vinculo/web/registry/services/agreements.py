"""Writes of agreements: register, change, move along the workflow, IP terms, outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vinculo.web.accounts.models import Role
from vinculo.web.accounts.permissions import require_role
from vinculo.web.audit.services import audit_record, diff
from vinculo.web.registry.models import Agreement, Country, Institution, IPTerms, Outcome, Post
from vinculo.web.registry.selectors import (
    AGREEMENT_CREATE_ROLES,
    IP_TERMS_ROLES,
    can_write_agreement,
    priority_ids,
    user_post_ids,
)
from vinculo.web.registry.services._common import ids as _ids

__all__ = [
    "STATUS_TRANSITIONS",
    "agreement_create",
    "agreement_set_status",
    "agreement_update",
    "ip_terms_set",
    "outcome_add",
]

Status = Agreement.Status
#: The agreement workflow. An expired agreement can be renewed (back in force); a
#: terminated one is final.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.NEGOTIATION, Status.TERMINATED}),
    Status.NEGOTIATION: frozenset({Status.DRAFT, Status.SIGNED, Status.TERMINATED}),
    Status.SIGNED: frozenset({Status.IN_FORCE, Status.TERMINATED}),
    Status.IN_FORCE: frozenset({Status.EXPIRED, Status.TERMINATED}),
    Status.EXPIRED: frozenset({Status.IN_FORCE, Status.TERMINATED}),
    Status.TERMINATED: frozenset(),
}

_AGREEMENT_FIELDS = frozenset(
    {
        "title",
        "kind",
        "post",
        "partner_country",
        "institutions",
        "priorities",
        "signed_on",
        "effective_on",
        "expires_on",
        "renewal_notice_days",
        "shared",
        "summary",
    }
)


def _check_agreement(actor: Any, agreement: Agreement) -> None:
    """Field checks (the model's, then the registry's rules), as one ValidationError."""
    errors: dict[str, list[Any]] = {}
    try:
        agreement.full_clean(validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if actor.role == Role.OFFICER and agreement.post_id not in user_post_ids(actor):
        errors.setdefault("post", []).append(_("Choose one of your posts."))
    start = agreement.effective_on or agreement.signed_on
    if agreement.expires_on and start and agreement.expires_on < start:
        errors.setdefault("expires_on", []).append(
            _("An agreement cannot expire before it is signed or takes effect.")
        )
    unknown = sorted(set(agreement.priorities) - set(priority_ids()))
    if unknown:
        errors.setdefault("priorities", []).append(
            _("Unknown priorities: %(keys)s.") % {"keys": ", ".join(unknown)}
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    title: str,
    kind: str,
    partner_country: Country,
    post: Post | None = None,
    status: str = Agreement.Status.DRAFT,
    institutions: Sequence[Institution] = (),
    priorities: Sequence[str] = (),
    signed_on: date | None = None,
    effective_on: date | None = None,
    expires_on: date | None = None,
    renewal_notice_days: int = 90,
    shared: bool = False,
    summary: str = "",
    ip_terms: dict[str, Any] | None = None,
) -> Agreement:
    """Register an agreement (any status: agreements already in force are registered too),
    with its IP terms when given (``ip_terms``: the arguments of :func:`ip_terms_set`),
    in the same transaction: both are saved, or neither.

    Raises PermissionDenied for viewers (and for IP terms from a role that may not set
    them), ValidationError naming the fields otherwise (an officer may register agreements
    of their own posts only).
    """
    require_role(actor, AGREEMENT_CREATE_ROLES)
    agreement = Agreement(
        title=title,
        kind=kind,
        status=status,
        post=post,
        partner_country=partner_country,
        priorities=list(priorities),
        signed_on=signed_on,
        effective_on=effective_on,
        expires_on=expires_on,
        renewal_notice_days=renewal_notice_days,
        shared=shared,
        summary=summary,
        created_by=actor,
    )
    _check_agreement(actor, agreement)
    agreement.save()
    agreement.institutions.set(institutions)
    values = {
        "title": title,
        "kind": kind,
        "status": status,
        "post": post,
        "partner_country": partner_country,
        "institutions": _ids(institutions),
        "priorities": list(priorities),
        "signed_on": signed_on,
        "effective_on": effective_on,
        "expires_on": expires_on,
        "renewal_notice_days": renewal_notice_days,
        "shared": shared,
        "summary": summary,
    }
    audit_record(
        actor=actor,
        action="agreement.create",
        obj=agreement,
        changes={name: (None, value) for name, value in values.items()},
    )
    if ip_terms is not None:
        ip_terms_set(actor=actor, agreement=agreement, **ip_terms)
    return agreement


@transaction.atomic
def agreement_update(*, actor: Any, agreement: Agreement, **changes: Any) -> Agreement:
    """Change some fields of an agreement (not its status: :func:`agreement_set_status`).

    ``changes`` are field names of the agreement (``title=...``, ``institutions=[...]``);
    only those that differ are saved and audited.
    """
    unknown = set(changes) - _AGREEMENT_FIELDS
    if unknown:
        raise TypeError(f"agreement_update: unknown field(s) {sorted(unknown)}")
    if not can_write_agreement(actor, agreement):
        raise PermissionDenied
    values = dict(changes)
    institutions = values.pop("institutions", None)
    if "priorities" in values:
        values["priorities"] = list(values["priorities"])
    changed: dict[str, tuple[Any, Any]] = dict(diff(agreement, values))
    for name, value in values.items():
        setattr(agreement, name, value)
    _check_agreement(actor, agreement)
    if institutions is not None:
        before, after = _ids(agreement.institutions.all()), _ids(institutions)
        if before != after:
            agreement.institutions.set(institutions)
            changed["institutions"] = (before, after)
    if changed:
        agreement.save()  # also when only the parties changed: updated_at moves
        audit_record(actor=actor, action="agreement.update", obj=agreement, changes=changed)
    return agreement


@transaction.atomic
def agreement_set_status(*, actor: Any, agreement: Agreement, status: str) -> Agreement:
    """Move an agreement along its workflow (:data:`STATUS_TRANSITIONS`)."""
    if not can_write_agreement(actor, agreement):
        raise PermissionDenied
    if status not in STATUS_TRANSITIONS:
        raise ValidationError({"status": [_("Unknown status.")]})
    if status not in STATUS_TRANSITIONS[agreement.status]:
        raise ValidationError(
            {
                "status": [
                    _("An agreement cannot go from “%(before)s” to “%(after)s”.")
                    % {
                        "before": Status(agreement.status).label,
                        "after": Status(status).label,
                    }
                ]
            }
        )
    before = agreement.status
    agreement.status = status
    agreement.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action="agreement.status", obj=agreement, changes={"status": (before, status)}
    )
    return agreement


@transaction.atomic
def ip_terms_set(
    *,
    actor: Any,
    agreement: Agreement,
    background_ip: str,
    foreground_ip: str,
    licensing: str,
    royalty_home_percent: Decimal | None = None,
    publication_rights: str = "",
    confidentiality_years: int | None = None,
    jurisdiction: str = "",
) -> IPTerms:
    """Set (create or replace) the IP and technology-transfer terms of an agreement.
    Legal officers, planners and administrators only."""
    require_role(actor, IP_TERMS_ROLES)
    values = {
        "background_ip": background_ip,
        "foreground_ip": foreground_ip,
        "licensing": licensing,
        "royalty_home_percent": royalty_home_percent,
        "publication_rights": publication_rights,
        "confidentiality_years": confidentiality_years,
        "jurisdiction": jurisdiction,
    }
    try:
        terms = agreement.ip_terms
        changes = diff(terms, values)
    except IPTerms.DoesNotExist:
        terms = IPTerms(agreement=agreement)
        changes = {name: (None, value) for name, value in values.items()}
    for name, value in values.items():
        setattr(terms, name, value)
    errors: dict[str, list[Any]] = {}
    try:
        terms.full_clean(exclude=["agreement"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if royalty_home_percent is not None and not 0 <= royalty_home_percent <= 100:
        errors.setdefault("royalty_home_percent", []).append(
            _("A royalty share is a percentage between 0 and 100.")
        )
    if errors:
        raise ValidationError(errors)
    if changes:
        terms.save()
        audit_record(actor=actor, action="ip_terms.set", obj=terms, changes=changes)
    return terms


@transaction.atomic
def outcome_add(
    *,
    actor: Any,
    agreement: Agreement,
    kind: str,
    description: str,
    reference: str = "",
    occurred_on: date | None = None,
) -> Outcome:
    """Record what followed an agreement (a co-publication, a patent, a mobility...)."""
    if not can_write_agreement(actor, agreement):
        raise PermissionDenied
    outcome = Outcome(
        agreement=agreement,
        kind=kind,
        description=description,
        reference=reference,
        occurred_on=occurred_on,
    )
    outcome.full_clean()
    outcome.save()
    audit_record(
        actor=actor,
        action="outcome.add",
        obj=outcome,
        changes={
            "agreement": (None, agreement.pk),
            "kind": (None, kind),
            "description": (None, description),
            "reference": (None, reference),
            "occurred_on": (None, occurred_on),
        },
    )
    return outcome
