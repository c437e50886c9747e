"""Reads for the insight pages: the snapshot, and agreement coverage as the user may see it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from vinculo.web.insights.models import Snapshot
from vinculo.web.registry.models import Agreement


def snapshot_for(home: str | None = None) -> Snapshot | None:
    query = Snapshot.objects.all()
    if home:
        query = query.filter(home=home)
    return query.first()


def coverage(user: Any, snapshot: Snapshot, *, top: int = 10) -> dict[str, Any]:
    """Agreements per (partner country, priority) among the agreements ``user`` may see,
    for each priority's top recommended partners: an empty cell is a gap (a recommended
    partner with no agreement covering the priority)."""
    from vinculo.web.registry.selectors import agreements_visible_to

    payload = snapshot.payload
    counts: Counter[tuple[str, str]] = Counter()
    rows = agreements_visible_to(user).exclude(
        status__in=[Agreement.Status.EXPIRED, Agreement.Status.TERMINATED]
    )
    for country, priorities in rows.values_list("partner_country_id", "priorities"):
        for priority in priorities or []:
            counts[(country, priority)] += 1
    partners: list[str] = []
    for priority in payload["priorities"]:
        for row in payload["partners"][priority["id"]]["top"][:top]:
            if row["partner"] not in partners:
                partners.append(row["partner"])
    return {
        "partners": partners,
        "priorities": [p["id"] for p in payload["priorities"]],
        "cells": [
            [partner, priority["id"], counts.get((partner, priority["id"]), 0)]
            for partner in partners
            for priority in payload["priorities"]
        ],
    }
