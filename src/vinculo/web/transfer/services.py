"""Writes to the transfer records, each in a transaction with its audit event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from vinculo.strategy.transfer import (
    DIMENSIONS,
    TransferError,
    TransferModel,
    fact_as_dict,
    parse_facts,
)
from vinculo.web.accounts.permissions import LEGAL_ROLES, require_role
from vinculo.web.audit.services import audit_record
from vinculo.web.transfer.models import TransferDimensionVersion


@transaction.atomic
def transfer_seed(*, models: Mapping[str, TransferModel], actor: Any = None) -> int:
    """A version of every (country, dimension) from the files where it has none yet, or
    where its latest version came from an older file (a newer file's facts arrive as a new
    version, the old one kept in the history); returns how many were created. Never
    overwrites what was edited in the web app: a dimension whose latest version was
    written there keeps it."""
    created = 0
    latest: dict[tuple[str, str], TransferDimensionVersion] = {}
    for version in TransferDimensionVersion.objects.order_by("country", "dimension", "-number"):
        latest.setdefault((version.country, version.dimension), version)
    for country, model in sorted(models.items()):
        for dimension in DIMENSIONS:
            current = latest.get((country, dimension))
            if current is not None and (
                current.origin != TransferDimensionVersion.Origin.FILE
                or (current.file_version or 0) >= model.version
            ):
                continue
            version = TransferDimensionVersion.objects.create(
                country=country,
                dimension=dimension,
                number=1 if current is None else current.number + 1,
                facts=[fact_as_dict(f) for f in model.dimension(dimension)],
                origin=TransferDimensionVersion.Origin.FILE,
                file_version=model.version,
                author=None,
            )
            audit_record(actor=actor, action="transfer.seed", obj=version)
            created += 1
    return created


@transaction.atomic
def transfer_dimension_save(
    *, user: Any, country: str, dimension: str, text: str
) -> TransferDimensionVersion:
    """A new version of a country's dimension from the YAML an editor wrote; planners,
    legal officers and administrators only. Invalid facts raise ValidationError naming
    the line and key; nothing is written."""
    require_role(user, LEGAL_ROLES)
    if dimension not in DIMENSIONS:
        raise ValidationError(f"unknown dimension {dimension!r}")
    try:
        facts = parse_facts(text, f"{country}/{dimension}", dimension)
    except TransferError as error:
        raise ValidationError(str(error)) from None
    latest = (
        TransferDimensionVersion.objects.select_for_update()
        .filter(country=country, dimension=dimension)
        .aggregate(top=Max("number"))["top"]
    )
    if latest is None:
        raise ValidationError(f"no record for {country}")
    previous = TransferDimensionVersion.objects.get(
        country=country, dimension=dimension, number=latest
    )
    version = TransferDimensionVersion.objects.create(
        country=country,
        dimension=dimension,
        number=latest + 1,
        facts=[fact_as_dict(f) for f in facts],
        origin=TransferDimensionVersion.Origin.WEB,
        file_version=None,
        author=user,
    )
    audit_record(
        actor=user,
        action="transfer.edit",
        obj=version,
        changes={"facts": (len(previous.facts), len(version.facts))},
    )
    return version
