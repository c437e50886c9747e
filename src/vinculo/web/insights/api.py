"""The insights' REST endpoints, ``/api/v1/insights/…``: what the dashboard, the priority
pages and the country pages show, from the strategy engine's snapshot (read-only; every
role with a login reads them; agreement coverage counts only the agreements the caller may
see)."""

# No ``from __future__ import annotations``: Ninja resolves annotations at runtime.
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from vinculo.strategy.naming import naming_policy
from vinculo.web.accounts.permissions import READ_ROLES, require_role
from vinculo.web.insights.models import Snapshot
from vinculo.web.insights.naming import country_label, present_partner, shown_partners
from vinculo.web.insights.selectors import coverage, snapshot_for
from vinculo.web.registry.api.schemas import ERRORS

router = Router(tags=["insights"])


class PriorityRef(Schema):
    id: str
    names: dict[str, str]
    chain: bool


class SnapshotOut(Schema):
    home: str
    computed_at: str
    seconds: float
    priorities: list[PriorityRef]
    datasets: list[dict[str, str]]


class GapOut(Schema):
    """The home country's position in one component of a priority: mass (value, world
    share, rank among the ranked countries), specialization (shrunk, and raw), the gap to
    the frontier (0-100, log scale), the frontier and the most specialised country."""

    priority: str
    component: str
    basis: str
    year: int
    value: float | None = None
    world_share: float | None = None
    mass_rank: float | None = None
    countries: int
    world_position: bool
    metric: str
    specialization: float | None = None
    specialization_raw: float | None = None
    share_percentile: float | None = None
    specialization_percentile: float | None = None
    peer_percentile: float | None = None
    score: float | None = None
    gap: float | None = None
    leader: str | None = None
    leader_share: float | None = None
    leader_value: float | None = None
    leader_specialization: float | None = None
    most_specialised: str | None = None
    most_specialised_value: float | None = None
    most_specialised_share: float | None = None
    vintage: str


class ReasonOut(Schema):
    """One reason (or offer): its message code, the values it quotes (numbers as numbers,
    a percentage as its fraction, countries as ISO3 codes) and its text per language."""

    factor: str | None = None
    code: str
    values: dict[str, Any]
    text: dict[str, str]


class NamingOut(Schema):
    """What the diplomatic naming policy says of a country (docs/brief.md): its category
    (no_diplomatic_relations, special_region, disputed_territory), whether it may appear
    as a candidate partner (allowed, allowed_with_caveat; excluded ones are not listed)
    and the caveat to say beside its name, per language ("" for none)."""

    category: str
    candidate: str
    caveat: dict[str, str]


class PartnerOut(Schema):
    partner: str
    names: dict[str, str]
    naming: NamingOut | None = None
    rank: int
    score: float
    contributions: dict[str, float]
    rank_range: list[int]
    stable: bool
    reasons: list[ReasonOut]
    offers: list[ReasonOut]


class PriorityOut(Schema):
    priority: PriorityRef
    candidates: int
    withheld: int = 0  # candidates the naming policy excludes (ranked, not listed)
    gaps: list[GapOut]
    absent: dict[str, dict[str, str]]
    partners: list[PartnerOut]
    chain: dict[str, Any] | None = None


class CountryRankOut(Schema):
    priority: str
    candidates: int
    standing: PartnerOut | None = None


class CountryOut(Schema):
    code: str
    names: dict[str, str]
    naming: NamingOut | None = None
    priorities: list[CountryRankOut]
    coauthorship: list[list[float]]


class CoverageOut(Schema):
    partners: list[str]
    priorities: list[str]
    cells: list[list[Any]]


def _snapshot(request: HttpRequest) -> Snapshot:
    require_role(request.user, READ_ROLES)
    snapshot = snapshot_for()
    if snapshot is None:
        raise Http404("No insights yet: run vinculo demo or manage.py refresh_insights")
    return snapshot


@router.get(
    "/snapshot",
    response={200: SnapshotOut, **ERRORS},
    operation_id="insights_snapshot",
    summary="When the insights were computed, for which priorities, from which data",
)
def snapshot_get(request: HttpRequest) -> Any:
    snapshot = _snapshot(request)
    payload = snapshot.payload
    return {
        "home": snapshot.home,
        "computed_at": snapshot.computed_at.isoformat(),
        "seconds": snapshot.seconds,
        "priorities": payload["priorities"],
        "datasets": payload["datasets"],
    }


@router.get(
    "/priorities/{priority_id}",
    response={200: PriorityOut, **ERRORS},
    operation_id="insights_priority",
    summary="A priority: the home country's gaps, ranked partners with reasons, chain",
)
def priority_get(request: HttpRequest, priority_id: str, top: int = 20) -> Any:
    payload = _snapshot(request).payload
    priority = next((p for p in payload["priorities"] if p["id"] == priority_id), None)
    if priority is None:
        raise Http404("No such priority")
    ranked = payload["partners"][priority_id]["ranked"]
    shown = shown_partners(ranked)  # the naming policy's excluded left out, ranks kept
    return {
        "priority": priority,
        "candidates": len(ranked),
        "withheld": len(ranked) - len(shown),
        "gaps": [g for g in payload["gaps"] if g["priority"] == priority_id],
        "absent": payload.get("absent", {}).get(priority_id, {}),
        "partners": [_partner(r) for r in shown[: max(1, min(top, 200))]],
        "chain": payload["chains"].get(priority_id),
    }


def _partner(entry: dict[str, Any]) -> dict[str, Any]:
    """A ranked partner of the snapshot as the API shows it: named and flagged by the
    naming policy in force, reasons and offers as structured objects (code, values, text
    per language)."""
    return {
        **present_partner(entry),
        "reasons": entry.get("reasons_structured", []),
        "offers": entry.get("offers_structured", []),
    }


@router.get(
    "/countries/{code}",
    response={200: CountryOut, **ERRORS},
    operation_id="insights_country",
    summary="A country as a partner: its standing in every priority, co-authorship",
)
def country_get(request: HttpRequest, code: str) -> Any:
    payload = _snapshot(request).payload
    code = code.upper()
    if code not in payload["iso_numeric"] or code == payload["home"]:
        raise Http404("No such partner country")
    priorities = []
    for priority in payload["priorities"]:
        ranked = payload["partners"][priority["id"]]["ranked"]
        found = next((r for r in shown_partners(ranked) if r["partner"] == code), None)
        priorities.append(
            {
                "priority": priority["id"],
                "candidates": len(ranked),
                "standing": _partner(found) if found is not None else None,
            }
        )
    return {
        "code": code,
        "names": {language: country_label(code, language) for language in ("es", "en")},
        "naming": naming_policy().flag(code),
        "priorities": priorities,
        "coauthorship": payload["coauthorship"].get(code, []),
    }


@router.get(
    "/coverage",
    response={200: CoverageOut, **ERRORS},
    operation_id="insights_coverage",
    summary="Agreements per recommended partner and priority (the caller's scope)",
)
def coverage_get(request: HttpRequest) -> Any:
    return coverage(request.user, _snapshot(request))
