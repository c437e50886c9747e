"""Writes about users, each with its audit record: language, password, API tokens; and
the password-reset throttle."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from vinculo.web.accounts.models import ApiToken, PasswordResetRequest
from vinculo.web.audit.services import audit_record


@transaction.atomic
def user_set_language(*, user: Any, language: str) -> None:
    if user.language == language:
        return
    before = user.language
    user.language = language
    user.save(update_fields=["language"])
    audit_record(actor=user, action="user.language", obj=user,
                 changes={"language": (before, language)})  # fmt: skip


@transaction.atomic
def api_token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token of ``user``; its key is returned once (only its hash is kept)."""
    token, key = ApiToken.issue(user=user, name=name.strip())
    audit_record(actor=user, action="api_token.create", obj=token,
                 changes={"name": (None, token.name)})  # fmt: skip
    return token, key


@transaction.atomic
def api_token_revoke(*, user: Any, token: ApiToken) -> None:
    """Revoke (delete) one of ``user``'s tokens: scripts using it get 401 from now on."""
    audit_record(actor=user, action="api_token.revoke", obj=token,
                 changes={"name": (token.name, None)})  # fmt: skip
    token.delete()


def user_password_changed(*, user: Any, actor: Any, how: str) -> None:
    """The audit record of a password change (``how``: "change" or "reset"); the
    password itself is never recorded."""
    audit_record(actor=actor, action=f"user.password_{how}", obj=user)


# ------------------------------------------------------------- the password-reset throttle
RESET_WINDOW = dt.timedelta(hours=1)
RESET_PER_ADDRESS = 3  # e-mails requested for one address (existing or not) per window
RESET_PER_CLIENT = 10  # requests from one client address per window


def reset_allowed(*, address: str, client: str) -> bool:
    """Whether one more reset e-mail may be requested for ``address`` from ``client``;
    the request is counted either way. The answer depends on the requests, never on
    whether an account has the address (no enumeration)."""
    since = timezone.now() - RESET_WINDOW
    recent = PasswordResetRequest.objects.filter(requested_at__gte=since)
    address_hash = PasswordResetRequest.hash(address)
    allowed = (
        recent.filter(address_hash=address_hash).count() < RESET_PER_ADDRESS
        and recent.filter(client=client).count() < RESET_PER_CLIENT
    )
    PasswordResetRequest.objects.create(address_hash=address_hash, client=client[:45])
    PasswordResetRequest.objects.filter(requested_at__lt=since - RESET_WINDOW).delete()
    return allowed
