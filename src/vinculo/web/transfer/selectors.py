"""Reads of the transfer records: the latest version of each country's dimensions."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from vinculo.strategy.transfer import DIMENSIONS
from vinculo.web.accounts.permissions import READ_ROLES, require_role
from vinculo.web.transfer.models import TransferDimensionVersion


def transfer_latest(user: Any) -> dict[str, dict[str, TransferDimensionVersion]]:
    """country -> dimension -> latest version (every role may read: public-source facts)."""
    require_role(user, READ_ROLES)
    table: dict[str, dict[str, TransferDimensionVersion]] = {}
    for version in TransferDimensionVersion.objects.order_by("country", "dimension", "-number"):
        table.setdefault(version.country, {}).setdefault(version.dimension, version)
    return table


def transfer_country(user: Any, country: str) -> dict[str, TransferDimensionVersion]:
    table = transfer_latest(user)
    if country not in table:
        raise Http404
    return table[country]


def transfer_history(user: Any, country: str, dimension: str) -> list[TransferDimensionVersion]:
    require_role(user, READ_ROLES)
    if dimension not in DIMENSIONS:
        raise Http404
    versions = list(
        TransferDimensionVersion.objects.filter(country=country, dimension=dimension)
        .select_related("author")
        .order_by("-number")
    )
    if not versions:
        raise Http404
    return versions
