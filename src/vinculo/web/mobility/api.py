"""The mobility endpoints, ``/api/v1/mobility/…``: the flows per partner and priority and
the records (person fields empty below planner), through the pages' selectors."""

# No ``from __future__ import annotations``: Ninja reads the annotations (see registry.api).
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from vinculo.web.accounts.permissions import READ_ROLES, WRITE_ROLES, require_role
from vinculo.web.mobility.imports import parse_row
from vinculo.web.mobility.selectors import flows, record_row, records_visible_to
from vinculo.web.mobility.services import record_create
from vinculo.web.registry.api.schemas import ERRORS

router = Router(tags=["mobility"])


class FlowOut(Schema):
    partner: str
    priority: str
    incoming: int
    outgoing: int
    balance: int
    years: dict[str, list[int]]


class RecordOut(Schema):
    id: int
    person_name: str
    person_reference: str
    direction: str
    partner_country: str
    from_institution: str
    to_institution: str
    programme: int | None
    post: int | None
    starts_on: date
    ends_on: str
    field: str
    priority: str
    funding: str


@router.get(
    "/flows",
    response=list[FlowOut],
    operation_id="mobility_flows",
    summary="Mobility flows per partner and priority",
)
def mobility_flows(request: HttpRequest, country: str = "") -> list[dict[str, Any]]:
    require_role(request.user, READ_ROLES)
    records = records_visible_to(request.user)
    if country:
        records = records.filter(partner_country_id=country.upper())
    return [
        {"partner": f.partner, "priority": f.priority, "incoming": f.incoming,
         "outgoing": f.outgoing, "balance": f.balance,
         "years": {str(year): counts for year, counts in f.years.items()}}
        for f in flows(records)
    ]  # fmt: skip


@router.get(
    "/records",
    response=list[RecordOut],
    operation_id="mobility_records",
    summary="Mobility records (at most 5,000)",
)
def mobility_records(request: HttpRequest, country: str = "") -> list[dict[str, Any]]:
    require_role(request.user, READ_ROLES)
    records = records_visible_to(request.user)
    if country:
        records = records.filter(partner_country_id=country.upper())
    return [record_row(request.user, r) for r in records[:5000]]


class FieldError(Schema):
    field: str
    message: str


class RecordErrorsOut(Schema):
    detail: list[FieldError]


class RecordIn(Schema):
    direction: str
    partner_country: str
    starts_on: str
    ends_on: str = ""
    person_name: str = ""
    person_reference: str = ""
    from_institution: str = ""
    to_institution: str = ""
    programme: str = ""
    post: str = ""
    field: str = ""
    priority: str = ""
    funding: str = ""


@router.post(
    "/records",
    response={201: RecordOut, 400: RecordErrorsOut, **ERRORS},
    operation_id="mobility_record_create",
    summary="Create a mobility record (the import's checks on one row; officers, planners, "
    "administrators)",
)
def mobility_record_create(request: HttpRequest, payload: RecordIn) -> Any:
    require_role(request.user, WRITE_ROLES)
    values, errors = parse_row(request.user, 1, {k: str(v) for k, v in payload.dict().items()})
    if errors:
        return Status(
            400,
            {"detail": [{"field": e.field, "message": e.message} for e in errors]},
        )
    record = record_create(actor=request.user, **values)
    return Status(201, record_row(request.user, record))
