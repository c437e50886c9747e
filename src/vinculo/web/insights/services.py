"""Computing the insight snapshot from the evidence store with the strategy engine."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from django.db import transaction

from vinculo.evidence.countries import locations_table
from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.capability import COMPONENTS, CapabilityModel
from vinculo.strategy.chain import stage_table, value_chain
from vinculo.strategy.i18n import country_name
from vinculo.strategy.partners import FACTORS, co_authorship_with, recommend
from vinculo.strategy.priorities import Priorities, default_priorities
from vinculo.web.insights.models import Snapshot

_TOP_PARTNERS = 30
_NETWORK = 25
_HEAT_PARTNERS = 9  # the heat map of a priority: the home country and its top partners


def store_fingerprint(store: EvidenceStore) -> str:
    """A hash of the datasets in the store: a new import means a new snapshot."""
    datasets = store.datasets()[["dataset_id", "file_sha256", "vintage"]]
    text = json.dumps(datasets.astype(str).values.tolist())
    return hashlib.sha256(text.encode()).hexdigest()


def _cache(store_path: Path) -> Path:
    """The strategy engine's cache beside the evidence store (as the CLI keeps it)."""
    return store_path.parent / "cache" / "strategy"


def _names(code: str) -> dict[str, str]:
    return {language: country_name(code, language) for language in ("es", "en")}


def _payload(model: CapabilityModel, priorities: Priorities) -> dict[str, Any]:
    home = priorities.home
    gaps = model.gaps()
    heat = (
        gaps.groupby(["priority", "component"])[["score", "gap"]].mean().reset_index()
        if not gaps.empty
        else gaps
    )
    locations = set(
        locations_table().query("kind == 'country'")["code"]
    )  # aggregates (WLD) are not partners
    numeric = {
        str(code): str(int(n))
        for code, n in zip(locations_table()["code"], locations_table()["numeric"], strict=True)
        if isinstance(n, str) and n.isdigit()
    }
    partners: dict[str, Any] = {}
    chains: dict[str, Any] = {}
    for priority in priorities.priorities:
        chain = stage_table(model, priority.id)
        try:
            found = recommend(model, priority.id, chain=chain)
        except LookupError:
            found = []
        partners[priority.id] = {
            "scores": {r.partner: round(r.score, 4) for r in found},
            "candidates": len(found),
            "ranked": [
                {
                    "partner": r.partner,
                    "names": _names(r.partner),
                    "rank": r.rank,
                    "score": r.score,
                    "contributions": r.contributions,
                    "rank_range": list(r.rank_range),
                    "stable": r.stable,
                    "reasons": {lang: r.reasons_text(lang) for lang in ("es", "en")},
                    "offers": {lang: r.offers_text(lang) for lang in ("es", "en")},
                    "reasons_structured": r.structured(),
                    "offers_structured": r.structured_offers(),
                }
                for r in found
            ],
        }
        partners[priority.id]["top"] = partners[priority.id]["ranked"][:_TOP_PARTNERS]
        if priority.chain and not chain.empty:
            view = value_chain(model, priority.id)
            chains[priority.id] = {
                "gap_stage": view.gap_stage,
                "next_step": view.next_step,
                "stages": [
                    {
                        "id": s.stage.id,
                        "names": s.stage.name,
                        "rca": s.rca,
                        "world_share": s.world_share,
                        "score": s.score,
                        "leaders": s.leaders["country"].tolist(),
                        "year": s.year,
                        "classification": s.classification,
                        "vintage": s.vintage,
                        "resources": json.loads(s.resources.to_json(orient="records")),
                    }
                    for s in view.stages
                ],
            }
    scores = model.scores()
    heat_countries: dict[str, Any] = {}
    for priority in priorities.priorities:
        countries = [home] + [
            row["partner"] for row in partners[priority.id]["ranked"][:_HEAT_PARTNERS]
        ]
        rows = scores[(scores["priority"] == priority.id) & scores["country"].isin(countries)]
        heat_countries[priority.id] = {
            "countries": countries,
            "cells": [
                [str(row.country), str(row.component), round(float(row.score), 1)]
                for row in rows.itertuples()
                if row.score == row.score  # not NaN
            ],
        }
    series = co_authorship_with(model, home)
    coauthorship = {
        str(partner): [[int(y), float(w)] for y, w in zip(g["year"], g["works"], strict=True)]
        for partner, g in series.groupby("partner")
    }
    last = series.sort_values("year").groupby("partner").tail(1)
    network = [
        {
            "partner": str(row.partner),
            "names": _names(str(row.partner)),
            "works": float(row.works),
            "year": int(row.year),
            "vintage": f"{row.source} {row.vintage}",
        }
        for row in last.itertuples()
        if str(row.partner) in locations
    ]
    network.sort(key=lambda row: (-row["works"], row["partner"]))
    return {
        "home": home,
        "home_names": _names(home),
        "title": priorities.title,
        "priorities": [
            {"id": p.id, "names": p.name, "chain": bool(p.chain)} for p in priorities.priorities
        ],
        "components": list(COMPONENTS),
        "factors": list(FACTORS),
        "gaps": json.loads(gaps.to_json(orient="records")),
        "absent": {p.id: model.absent(p.id) for p in priorities.priorities},
        "heat": json.loads(heat.to_json(orient="records")),
        # per priority: its components' scores for the home country and its top partners
        "heat_countries": heat_countries,
        "partners": partners,
        "chains": chains,
        "network": network[:_NETWORK],
        "coauthorship": coauthorship,
        "coauthorship_vintage": network[0]["vintage"] if network else "",
        "iso_numeric": numeric,
        "datasets": json.loads(
            model.store.datasets()[["canonical_table", "source", "name", "vintage", "row_count"]]
            .astype(str)
            .to_json(orient="records")
        ),
    }


def insights_refresh(
    *, store_path: Path, priorities: Priorities | None = None, force: bool = False
) -> Snapshot:
    """The snapshot of the evidence in ``store_path`` (computed unless it exists)."""
    priorities = priorities or default_priorities()
    with EvidenceStore(store_path, read_only=True) as store:
        fingerprint = store_fingerprint(store)
        existing = Snapshot.objects.filter(home=priorities.home, fingerprint=fingerprint).first()
        if existing is not None and not force:
            return existing
        start = time.perf_counter()
        model = CapabilityModel(store, priorities, cache_folder=_cache(store_path))
        model.require()
        payload = _payload(model, priorities)
        seconds = time.perf_counter() - start
    from vinculo.web.insights.briefs import queue_every_post
    from vinculo.web.insights.briefs import store_path as brief_store

    with transaction.atomic():
        Snapshot.objects.filter(home=priorities.home, fingerprint=fingerprint).delete()
        snapshot = Snapshot.objects.create(
            home=priorities.home, fingerprint=fingerprint, payload=payload, seconds=seconds
        )
        if store_path.resolve() == brief_store().resolve():
            queue_every_post()  # new evidence: every post's brief is to be prepared again
    return snapshot
