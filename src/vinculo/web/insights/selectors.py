"""Reads for the insight pages: the snapshot, and agreement coverage as the user may see it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from vinculo.web.insights.models import Snapshot
from vinculo.web.registry.models import Agreement

_PARSED: dict[tuple[int, Any], Snapshot] = {}


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
        _PARSED.clear()  # keep only the current one
        found = Snapshot.objects.filter(pk=latest[0]).first()
        if found is None:
            return None
        _PARSED[latest] = found
    return _PARSED[latest]


def coverage(user: Any, snapshot: Snapshot, *, top: int = 10) -> dict[str, Any]:
    """Agreements per (partner country, priority) among the agreements ``user`` may see,
    for each priority's top recommended partners: an empty cell is a gap (a recommended
    partner with no agreement covering the priority)."""
    from vinculo.web.registry.selectors import agreements_visible_to

    payload = snapshot.payload
    counts: Counter[tuple[str, str]] = Counter()
    partners: list[str] = []
    for priority in payload["priorities"]:
        for row in payload["partners"][priority["id"]]["top"][:top]:
            if row["partner"] not in partners:
                partners.append(row["partner"])
    rows = (
        agreements_visible_to(user)
        .filter(partner_country_id__in=partners)
        .exclude(status__in=[Agreement.Status.EXPIRED, Agreement.Status.TERMINATED])
    )
    for country, priorities in rows.values_list("partner_country_id", "priorities"):
        for priority in priorities or []:
            counts[(country, priority)] += 1
    return {
        "partners": partners,
        "priorities": [p["id"] for p in payload["priorities"]],
        "cells": [
            [partner, priority["id"], counts.get((partner, priority["id"]), 0)]
            for partner in partners
            for priority in payload["priorities"]
        ],
    }
