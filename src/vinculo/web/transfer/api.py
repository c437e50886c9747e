"""The transfer records in the API, ``/api/v1/transfer/…`` (read-only; every role)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from vinculo.web.transfer.selectors import transfer_country, transfer_latest

router = Router(tags=["transfer"])


class SourceOut(Schema):
    publisher: str
    title: str
    url: str
    date: str
    date_kind: str
    quote: str


class FactOut(Schema):
    text: dict[str, str]
    source: SourceOut


class DimensionOut(Schema):
    dimension: str
    version: int
    origin: str
    facts: list[FactOut]


class CountryOut(Schema):
    country: str
    dimensions: list[DimensionOut]


def _country_out(country: str, dims: dict[str, Any]) -> dict[str, Any]:
    return {
        "country": country,
        "dimensions": [
            {"dimension": d, "version": v.number, "origin": v.origin, "facts": v.facts}
            for d, v in sorted(dims.items())
        ],
    }


@router.get(
    "/",
    response=list[CountryOut],
    operation_id="transfer_list",
    summary="Every country's transfer model",
)
def transfer_list(request: HttpRequest) -> list[dict[str, Any]]:
    table = transfer_latest(request.user)
    return [_country_out(country, dims) for country, dims in sorted(table.items())]


@router.get(
    "/{country}",
    response=CountryOut,
    operation_id="transfer_detail",
    summary="One country's transfer model",
)
def transfer_detail(request: HttpRequest, country: str) -> dict[str, Any]:
    return _country_out(country, transfer_country(request.user, country))
