"""Reads for the insight pages: the snapshot, what derives from it alone (computed once per
process), and agreement coverage as the user may see it."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db.models import Count

from vinculo.web.insights.models import Snapshot
from vinculo.web.insights.naming import policy_version, shown_partners
from vinculo.web.registry.models import Agreement

__all__ = ["coverage", "snapshot_derived", "snapshot_for"]

T = TypeVar("T")

_PARSED: dict[tuple[int, Any], Snapshot] = {}
#: (snapshot id, computed at, builder, arguments) -> what the builder made of the snapshot
_DERIVED: dict[tuple[Hashable, ...], Any] = {}
#: a bound on _DERIVED (languages × priorities or partner countries × sections: far fewer)
_DERIVED_MAX = 4096


def snapshot_for(home: str | None = None) -> Snapshot | None:
    """The latest snapshot. Its payload (a megabyte of JSON) is parsed once per process:
    a request asks the database only for the latest snapshot's id."""
    query = Snapshot.objects.all()
    if home:
        query = query.filter(home=home)
    latest = query.values_list("pk", "computed_at").first()
    if latest is None:
        return None
    if latest not in _PARSED:
        found = Snapshot.objects.filter(pk=latest[0]).first()
        if found is None:
            return None
        _PARSED.clear()  # keep only the current one, and what derives from it
        _DERIVED.clear()
        _PARSED[latest] = found
    return _PARSED[latest]


def snapshot_derived(snapshot: Snapshot, build: Callable[..., T], *args: Hashable) -> T:
    """``build(snapshot, *args)``, computed once per process, snapshot and naming policy (a
    snapshot never changes: a new vintage is a new row; a changed policy file is a new
    version). Only for what derives from the snapshot, the policy and the arguments (a
    language, a priority, a country) and never from the user: the result is shared by
    every user."""
    key = (snapshot.pk, snapshot.computed_at, policy_version(), build, *args)
    try:
        return _DERIVED[key]  # type: ignore[no-any-return]
    except KeyError:
        pass
    value = build(snapshot, *args)
    if len(_DERIVED) >= _DERIVED_MAX:
        _DERIVED.clear()
    _DERIVED[key] = value
    return value


def _recommended(snapshot: Snapshot, top: int) -> list[str]:
    """The partners among each priority's ``top`` recommended, in order of appearance
    (those the naming policy excludes left out)."""
    payload = snapshot.payload
    partners: dict[str, None] = {}
    for priority in payload["priorities"]:
        for row in shown_partners(payload["partners"][priority["id"]]["top"])[:top]:
            partners.setdefault(row["partner"], None)
    return list(partners)


def coverage(user: Any, snapshot: Snapshot, *, top: int = 10) -> dict[str, Any]:
    """Agreements per (partner country, priority) among the agreements ``user`` may see,
    for each priority's top recommended partners: an empty cell is a gap (a recommended
    partner with no agreement covering the priority). Counted by the database: one row per
    partner country, one count per priority."""
    from vinculo.web.registry.selectors import agreements_visible_to, covers_priority

    partners = snapshot_derived(snapshot, _recommended, top)
    priorities = [p["id"] for p in snapshot.payload["priorities"]]
    columns = {f"priority_{i}": priority for i, priority in enumerate(priorities)}
    rows = (
        agreements_visible_to(user)
        .filter(partner_country_id__in=partners)
        .exclude(status__in=[Agreement.Status.EXPIRED, Agreement.Status.TERMINATED])
        .order_by()
        .values("partner_country")
        .annotate(
            **{
                column: Count("pk", filter=covers_priority(priority))
                for column, priority in columns.items()
            }
        )
    )
    counts = {
        (row["partner_country"], priority): row[column]
        for row in rows
        for column, priority in columns.items()
    }
    return {
        "partners": list(partners),
        "priorities": priorities,
        "cells": [
            [partner, priority, counts.get((partner, priority), 0)]
            for partner in partners
            for priority in priorities
        ],
    }
