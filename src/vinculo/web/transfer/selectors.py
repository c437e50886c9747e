"""Reads of the transfer records: the latest version of each country's dimensions."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy

from vinculo.strategy.transfer import DIMENSIONS, TransferModel, facts_from_dicts
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


#: What a negotiator needs from a partner's regime, and the dimensions that answer it.
REGIME_QUESTIONS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("ownership", gettext_lazy("Who will own the results"), ("ownership",)),
    (
        "licence",
        gettext_lazy("What a licence back to Mexico needs"),
        ("licence_terms", "inventor_remuneration", "spin_offs"),
    ),
    ("cofund", gettext_lazy("Which instrument could co-fund"), ("instruments", "funding")),
)


def regime_points(user: Any, country: str | None, language: str) -> dict[str, Any] | None:
    """The partner regime's points that matter for an agreement or opportunity with
    ``country``: per question, the sourced facts of its dimensions (a question no fact
    answers says so); None when the country has no record."""
    if not country:
        return None
    require_role(user, READ_ROLES)
    dims: dict[str, TransferDimensionVersion] = {}
    for version in TransferDimensionVersion.objects.filter(country=country).order_by(
        "dimension", "-number"
    ):  # one query, the partner's records only
        dims.setdefault(version.dimension, version)
    if not dims:
        return None
    lang = "en" if language.startswith("en") else "es"
    questions = []
    for key, title, dimensions in REGIME_QUESTIONS:
        facts = [
            {"text": f["text"][lang], "source": f["source"]}
            for d in dimensions
            if d in dims
            for f in dims[d].facts
        ]
        questions.append({"key": key, "title": title, "facts": facts})
    return {"country": country, "questions": questions}


def transfer_record(country: str) -> TransferModel | bool:
    """The host's record as the brief shows it: the latest version of each dimension in
    the database (edits included), or ``True`` (the repository's file) when the database
    holds none for the country. System use (the brief job): no user."""
    latest: dict[str, TransferDimensionVersion] = {}
    for version in TransferDimensionVersion.objects.filter(country=country).order_by(
        "dimension", "-number"
    ):
        latest.setdefault(version.dimension, version)
    if not latest:
        return True
    facts = {d: facts_from_dicts(d, v.facts) for d, v in latest.items() if v.facts}
    newest = max(latest.values(), key=lambda v: v.created_at)
    return TransferModel(
        country=country,
        version=sum(v.number for v in latest.values()) - len(latest) + 1,
        reviewed=newest.created_at.date(),
        coverage="complete" if len(facts) == len(DIMENSIONS) else "partial",
        facts=facts,
    )


def transfer_stamp(country: str) -> str:
    """What changes when the country's records change (for the brief's data version)."""
    newest = (
        TransferDimensionVersion.objects.filter(country=country)
        .order_by("-pk")
        .values("pk")
        .first()
    )
    return str(newest["pk"]) if newest else ""
