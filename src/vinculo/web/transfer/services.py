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
    """Version 1 of every (country, dimension) that has no version yet, from the files;
    returns how many were created. Never overwrites what was edited in the web app."""
    created = 0
    existing = set(TransferDimensionVersion.objects.values_list("country", "dimension"))
    for country, model in sorted(models.items()):
        for dimension in DIMENSIONS:
            if (country, dimension) in existing:
                continue
            version = TransferDimensionVersion.objects.create(
                country=country,
                dimension=dimension,
                number=1,
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
