"""Writes about users, each with its audit record."""

from __future__ import annotations

from typing import Any

from django.db import transaction

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
