"""Partner recommendation: every candidate country ranked for a home country and a
priority by five named factors, each with its contribution and its reasons.

Each factor is a value in [0, 1]; the score is the weighted sum (weights from the
priorities file), so the contributions ``weight × value`` add up to the score exactly:

* **strength** — the partner's capability in the priority: the mean over components of
  its component score (the mean of its specialization and world-share percentiles) / 100;
* **complementarity** — how strong the partner is where the home country is weak: the mean
  over components of max(0, partner score − home score) / 100, averaged with the same over
  the stages of the priority's value chain (trade RCA percentiles) when it has one;
* **ties** — existing co-authorship: the mean of the percentile, among the candidates, of
  the pair's association strength in the latest year and of the growth of its co-authored
  works over five years (0 when they never co-authored);
* **capacity** — the mean of the percentiles of R&D expenditure (% of GDP) and of the share
  of internationally co-authored articles, where known (0.5, neutral, when neither is);
* **proximity** — half 1 − distance / 20,000 km (between the mean coordinates of the
  countries' research institutions, from ROR; 0.5 when unknown), half a shared official
  language (CLDR).

Candidates are the countries with a component score in at least two of the three
components and at least 0.1 % of the world (publications, patent families or exports) in
one of them. The sensitivity check moves each weight by ±20 % (the others rescaled so the
weights still sum to 1) and records the best and worst rank each partner takes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from babel.languages import get_official_languages

from vinculo.evidence.countries import locations_table
from vinculo.indicators.bibliometrics import collaboration_strength_frame
from vinculo.strategy.capability import COMPONENTS, CapabilityModel, MissingEvidenceError
from vinculo.strategy.capability import percentile as _percentile
from vinculo.strategy.i18n import Country, Languages, Message, Named, Num, Pct
from vinculo.strategy.priorities import Weights

__all__ = [
    "FACTORS",
    "Recommendation",
    "as_frame",
    "co_authorship_series",
    "co_authorship_with",
    "haversine_km",
    "leading_institutions",
    "recommend",
    "sensitivity",
]

FACTORS = ("strength", "complementarity", "ties", "capacity", "proximity")
_HALF_EARTH_KM = 20_000.0
_TREND_YEARS = 5
_MIN_COMPONENTS = 2
_MIN_SHARE = 0.001  # a candidate holds at least 0.1 % of the world in one component
_METRIC = {"science": "metric.activity_index", "technology": "metric.rca", "trade": "metric.rca"}


@dataclass
class Recommendation:
    """One candidate partner: rank, score, factor values and contributions, reasons."""

    partner: str
    name: str
    score: float
    values: dict[str, float]
    contributions: dict[str, float]
    reasons: dict[str, list[Message]]
    facts: dict[str, Any] = field(default_factory=dict)
    rank: int = 0
    rank_range: tuple[int, int] = (0, 0)

    @property
    def stable(self) -> bool:
        """The rank holds under every ±20 % weight change."""
        return self.rank_range == (self.rank, self.rank)

    def reasons_text(self, language: str) -> list[str]:
        return [m.render(language) for factor in FACTORS for m in self.reasons.get(factor, [])]


@dataclass
class _Context:
    model: CapabilityModel
    priority: str

    @property
    def home(self) -> str:
        return self.model.priorities.home

    @cached_property
    def scores(self) -> pd.DataFrame:
        """(country, component) -> score, averaged over bases (e.g. HS92 and HS07)."""
        table = self.model.scores()
        table = table[table["priority"] == self.priority]
        return table.groupby(["country", "component"])["score"].mean().unstack("component")

    @cached_property
    def names(self) -> dict[str, str]:
        frame = locations_table()
        return dict(zip(frame["code"], frame["name"], strict=True))


def _strength(ctx: _Context, candidates: list[str]) -> tuple[pd.Series, dict[str, list[Message]]]:
    scores = ctx.scores.reindex(candidates)
    value = scores.mean(axis=1) / 100.0
    latest = ctx.model.scores()
    latest = latest[latest["priority"] == ctx.priority]
    reasons: dict[str, list[Message]] = {}
    for country in candidates:
        mine = latest[latest["country"] == country]
        best = mine.sort_values("score", ascending=False).head(1)
        reasons[country] = [
            Message(
                "reason.strength",
                {
                    "component": Message(f"component.{row.component}"),
                    "percentile": Num(row.specialization_percentile, 0),
                    "metric": Message(_METRIC[str(row.component)]),
                    "value": Num(row.specialization),
                },
            )
            for row in best.itertuples()
        ]
    return value, reasons


def _complementarity(
    ctx: _Context, candidates: list[str], chain: pd.DataFrame | None
) -> tuple[pd.Series, dict[str, list[Message]]]:
    scores = ctx.scores
    home = scores.loc[ctx.home] if ctx.home in scores.index else pd.Series(dtype=float)
    reasons: dict[str, list[Message]] = {c: [] for c in candidates}
    parts = []
    for component in COMPONENTS:
        if component not in scores or pd.isna(home.get(component, np.nan)):
            continue
        theirs = scores[component].reindex(candidates)
        lead = (theirs - home[component]).clip(lower=0) / 100.0
        parts.append(lead)
        for country in candidates:
            if lead[country] >= 0.25:
                reasons[country].append(
                    Message(
                        "reason.complements",
                        {
                            "home": Country(ctx.home),
                            "component": Message(f"component.{component}"),
                            "partner": Num(theirs[country], 0),
                            "mine": Num(home[component], 0),
                        },
                    )
                )
    component_part = pd.concat(parts, axis=1).mean(axis=1) if parts else None
    stage_part = None
    stage_names = {
        stage.id: Named.of(stage.name, stage.id)
        for stage in ctx.model.priorities.priority(ctx.priority).chain
    }
    if chain is not None and not chain.empty:
        pct = chain.pivot_table(index="country", columns="stage", values="percentile")
        rca = chain.pivot_table(index="country", columns="stage", values="rca")
        if ctx.home in pct.index:
            gaps: pd.DataFrame = (pct.reindex(candidates) - pct.loc[ctx.home]).clip(lower=0)
            lead_table = gaps / 100.0
            stage_part = lead_table.mean(axis=1)
            for country in candidates:
                row = lead_table.loc[country]
                best = row.idxmax() if row.notna().any() else None
                if best is not None and row[best] >= 0.25:
                    reasons[country].append(
                        Message(
                            "reason.complements_stage",
                            {
                                "home": Country(ctx.home),
                                "stage": stage_names.get(str(best), Named.of({}, str(best))),
                                "partner": Num(rca[best][country]),
                                "mine": Num(rca[best][ctx.home]),
                            },
                        )
                    )
    if component_part is None and stage_part is None:
        return pd.Series(0.0, index=candidates), reasons
    both = pd.concat([p for p in (component_part, stage_part) if p is not None], axis=1)
    return both.mean(axis=1).reindex(candidates).fillna(0.0), reasons


def _pairs(model: CapabilityModel) -> pd.DataFrame:
    """Country-pair co-authorship (all fields), from the source reaching the latest year."""
    rows = model.store.rows("coauthorship")
    rows = rows[rows["field"].isna() & (rows["country_a"] != rows["country_b"])]
    if rows.empty:
        return rows
    reach = rows.groupby("source")["year"].max().sort_values(ascending=False)
    chosen: pd.DataFrame = rows[rows["source"] == reach.index[0]]
    return chosen


def _ties(ctx: _Context, candidates: list[str]) -> tuple[pd.Series, dict[str, list[Message]]]:
    pairs = _pairs(ctx.model)
    reasons: dict[str, list[Message]] = {c: [] for c in candidates}
    if pairs.empty:
        for country in candidates:
            reasons[country].append(Message("reason.no_ties", {"home": Country(ctx.home)}))
        return pd.Series(0.0, index=candidates), reasons
    year = int(pairs["year"].max())
    span = pairs[pairs["year"].isin([year, year - _TREND_YEARS])]
    strength = collaboration_strength_frame(
        span, a="country_a", b="country_b", value="works", time="year"
    )
    mine = strength[(strength["country_a"] == ctx.home) | (strength["country_b"] == ctx.home)]
    other = np.where(mine["country_a"] == ctx.home, mine["country_b"], mine["country_a"])
    mine = mine.assign(partner=other)
    now = mine[mine["year"] == year].set_index("partner")
    before = mine[mine["year"] == year - _TREND_YEARS].set_index("partner")
    association = now["strength"].reindex(candidates)
    works = now["works"].reindex(candidates)
    growth = (works / before["works"].reindex(candidates)) - 1
    value = (
        pd.concat(
            [_percentile(association.fillna(0.0)), _percentile(growth).fillna(0.0)], axis=1
        ).mean(axis=1)
        / 100.0
    )
    value[works.isna() | (works == 0)] = 0.0
    for country in candidates:
        if pd.isna(works[country]) or works[country] == 0:
            reasons[country].append(Message("reason.no_ties", {"home": Country(ctx.home)}))
            continue
        reasons[country].append(
            Message(
                "reason.ties",
                {
                    "works": Num(works[country], 0),
                    "home": Country(ctx.home),
                    "year": year,
                    "strength": Num(association[country]),
                },
            )
        )
        if pd.notna(growth[country]):
            reasons[country].append(
                Message(
                    "reason.ties_trend",
                    {
                        "home": Country(ctx.home),
                        "change": Pct(growth[country], signed=True),
                        "years": _TREND_YEARS,
                    },
                )
            )
    return value, reasons


def _indicator(model: CapabilityModel, names: tuple[str, ...]) -> pd.DataFrame:
    """The latest value and year per country of the first indicator present."""
    rows = model.store.rows("country_indicators")
    for name in names:
        found = rows[rows["indicator"] == name]
        if not found.empty:
            last = found.sort_values("year").groupby("country").tail(1)
            return last.set_index("country")[["value", "year"]]
    return pd.DataFrame(columns=["value", "year"])


def _capacity(ctx: _Context, candidates: list[str]) -> tuple[pd.Series, dict[str, list[Message]]]:
    rd = _indicator(ctx.model, ("GB.XPD.RSDV.GD.ZS", "gerd_gdp_pct"))
    total = _indicator(ctx.model, ("articles_total",))
    international = _indicator(ctx.model, ("articles_international",))
    share = (international["value"] / total["value"]).dropna()
    parts = pd.concat(
        [
            _percentile(rd["value"].reindex(candidates).astype(float)),
            _percentile(share.reindex(candidates).astype(float)),
        ],
        axis=1,
    )
    value = (parts.mean(axis=1) / 100.0).fillna(0.5)
    reasons: dict[str, list[Message]] = {c: [] for c in candidates}
    for country in candidates:
        if country in rd.index:
            reasons[country].append(
                Message(
                    "reason.rd",
                    {
                        "value": Pct(rd["value"].astype(float)[country] / 100, 2),
                        "year": int(rd["year"].astype(int)[country]),
                    },
                )
            )
        if country in share.index:
            reasons[country].append(
                Message(
                    "reason.international",
                    {
                        "value": Pct(share[country]),
                        "year": int(international["year"].astype(int)[country]),
                    },
                )
            )
        if not reasons[country]:
            reasons[country].append(Message("reason.no_capacity"))
    return value, reasons


def _centroids(model: CapabilityModel) -> pd.DataFrame:
    rows = model.store.rows("institutions")
    rows = rows.dropna(subset=["latitude", "longitude"])
    if "status" in rows:
        rows = rows[rows["status"].isna() | (rows["status"] == "active")]
    return rows.groupby("country")[["latitude", "longitude"]].mean()


def _languages(country: str) -> set[str]:
    iso2 = locations_table().set_index("code")["iso2"].get(country)
    if not isinstance(iso2, str):
        return set()
    return set(get_official_languages(iso2, de_facto=True))


def _proximity(ctx: _Context, candidates: list[str]) -> tuple[pd.Series, dict[str, list[Message]]]:
    centroids = _centroids(ctx.model)
    home_languages = set(ctx.model.priorities.languages) or _languages(ctx.home)
    reasons: dict[str, list[Message]] = {c: [] for c in candidates}
    values = {}
    for country in candidates:
        distance_part = 0.5
        if ctx.home in centroids.index and country in centroids.index:
            lat, lon = centroids["latitude"], centroids["longitude"]
            km = haversine_km(
                float(lat[ctx.home]), float(lon[ctx.home]), float(lat[country]), float(lon[country])
            )
            distance_part = max(0.0, 1.0 - km / _HALF_EARTH_KM)
            reasons[country].append(
                Message("reason.distance", {"km": Num(km, 0), "home": Country(ctx.home)})
            )
        shared = sorted(home_languages & _languages(country))
        if shared:
            reasons[country].append(
                Message(
                    "reason.language",
                    {"home": Country(ctx.home), "languages": Languages(tuple(shared))},
                )
            )
        values[country] = 0.5 * distance_part + 0.5 * (1.0 if shared else 0.0)
    return pd.Series(values, dtype=float), reasons


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (mean Earth radius 6,371 km).

    Mexico City to Paris:

    >>> round(haversine_km(19.43, -99.13, 48.86, 2.35))
    9196
    """
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _ranks(values: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    score = sum(values[f] * weights[f] for f in FACTORS)
    assert isinstance(score, pd.Series)
    return score.rank(ascending=False, method="min").astype(int)


def sensitivity(values: pd.DataFrame, weights: Weights, change: float = 0.2) -> pd.DataFrame:
    """Best and worst rank of every candidate when each weight moves by ±``change``
    (the other weights rescaled so they still sum to 1)."""
    base = weights.as_dict()
    ranks = [_ranks(values, base)]
    for factor in FACTORS:
        for sign in (-1, 1):
            moved = dict(base)
            moved[factor] = base[factor] * (1 + sign * change)
            rest = sum(v for f, v in base.items() if f != factor)
            for other in FACTORS:
                if other != factor and rest > 0:
                    moved[other] = base[other] * (1 - moved[factor]) / rest
            ranks.append(_ranks(values, moved))
    table = pd.concat(ranks, axis=1)
    return pd.DataFrame({"best": table.min(axis=1), "worst": table.max(axis=1)})


def recommend(
    model: CapabilityModel, priority: str, *, chain: pd.DataFrame | None = None
) -> list[Recommendation]:
    """Every candidate partner of the home country for ``priority``, best first.

    ``chain`` (from :func:`vinculo.strategy.chain.stage_table`) adds the value chain's
    stages to complementarity. Raises :class:`MissingEvidenceError` when the store has no
    evidence for the priority.
    """
    model.priorities.priority(priority)
    model.require()
    ctx = _Context(model, priority)
    scores = ctx.scores
    if scores.empty:
        raise MissingEvidenceError(
            f"no evidence for priority {priority!r}: none of its fields, technology fields "
            "or products is in the evidence store (vinculo data pull)"
        )
    enough = scores.notna().sum(axis=1) >= min(_MIN_COMPONENTS, scores.shape[1])
    latest = model.scores()
    latest = latest[latest["priority"] == priority]
    sizable = set(latest.loc[latest["world_share"] >= _MIN_SHARE, "country"])
    candidates = sorted(c for c in scores.index[enough] if c != ctx.home and c in sizable)
    factors = {
        "strength": _strength(ctx, candidates),
        "complementarity": _complementarity(ctx, candidates, chain),
        "ties": _ties(ctx, candidates),
        "capacity": _capacity(ctx, candidates),
        "proximity": _proximity(ctx, candidates),
    }
    values = pd.DataFrame({f: factors[f][0].reindex(candidates) for f in FACTORS}).fillna(0.0)
    weights = model.priorities.weights.as_dict()
    ranges = sensitivity(values, model.priorities.weights)
    ranks = _ranks(values, weights)
    out = []
    for country in candidates:
        contributions = {f: float(values.loc[country, f] * weights[f]) for f in FACTORS}
        out.append(
            Recommendation(
                partner=country,
                name=ctx.names.get(country, country),
                score=float(sum(contributions.values())),
                values={f: float(values.loc[country, f]) for f in FACTORS},
                contributions=contributions,
                reasons={f: factors[f][1].get(country, []) for f in FACTORS},
                rank=int(ranks[country]),
                rank_range=(int(ranges.loc[country, "best"]), int(ranges.loc[country, "worst"])),
            )
        )
    return sorted(out, key=lambda r: (r.rank, r.partner))


def as_frame(recommendations: list[Recommendation], language: str = "en") -> pd.DataFrame:
    """The recommendations as a table: rank, partner, score, each factor's contribution,
    the rank range of the sensitivity check, and the reasons as text."""
    return pd.DataFrame(
        [
            {
                "rank": r.rank,
                "partner": r.partner,
                "name": r.name,
                "score": r.score,
                **{f"{f}": r.contributions[f] for f in FACTORS},
                "rank_best": r.rank_range[0],
                "rank_worst": r.rank_range[1],
                "stable": r.stable,
                "reasons": "; ".join(r.reasons_text(language)),
            }
            for r in recommendations
        ]
    )


def co_authorship_with(model: CapabilityModel, home: str) -> pd.DataFrame:
    """Works co-authored by ``home`` with every partner per year (all fields):
    ``partner, year, works, source, vintage``, sorted."""
    pairs = _pairs(model)
    mine = pairs[(pairs["country_a"] == home) | (pairs["country_b"] == home)]
    partner = np.where(mine["country_a"] == home, mine["country_b"], mine["country_a"])
    out: pd.DataFrame = mine.assign(partner=partner)[
        ["partner", "year", "works", "source", "vintage"]
    ]
    return out.sort_values(["partner", "year"]).reset_index(drop=True)


def co_authorship_series(model: CapabilityModel, home: str, partner: str) -> pd.DataFrame:
    """Works co-authored by ``home`` and ``partner`` per year (all fields), with the source
    and vintage: ``year, works, source, vintage``."""
    pairs = _pairs(model)
    a, b = sorted((home, partner))
    rows = pairs[(pairs["country_a"] == a) & (pairs["country_b"] == b)]
    series: pd.DataFrame = rows[["year", "works", "source", "vintage"]].sort_values("year")
    return series.reset_index(drop=True)


_INSTITUTION_TYPES = {"education": 0, "facility": 1, "government": 2, "healthcare": 3}


def leading_institutions(
    model: CapabilityModel, country: str, priority: str, limit: int = 5
) -> pd.DataFrame:
    """The country's research institutions (ROR, active) whose names or aliases contain the
    priority's keywords (Spanish or English) as whole words (a plural "s"/"es" allowed:
    "litio" does not match "Coalition"), most matches first, then universities,
    facilities, government and health bodies: ``ror_id, name, city, types, matched``.

    ROR carries no research fields, so this is a name match, said as such in the brief.
    """
    chosen = model.priorities.priority(priority)
    words = sorted({w.lower() for words in chosen.keywords.values() for w in words if w})
    rows = model.institutions
    rows = rows[rows["country"] == country]
    if "status" in rows:
        rows = rows[rows["status"].isna() | (rows["status"] == "active")]
    if rows.empty or not words:
        return pd.DataFrame(columns=["ror_id", "name", "city", "types", "matched"])
    text = (
        rows["name"].str.lower()
        + " | "
        + rows["aliases"].map(lambda a: " | ".join(a) if a is not None else "").str.lower()
    )
    patterns = {w: re.compile(rf"(?<!\w){re.escape(w)}(?:e?s)?(?!\w)") for w in words}
    matched = text.map(lambda t: [w for w, p in patterns.items() if p.search(t)])
    kind = rows["types"].map(
        lambda types: min(
            (_INSTITUTION_TYPES.get(t, 9) for t in (types if types is not None else [])), default=9
        )
    )
    found = rows.assign(matched=matched, hits=matched.map(len), kind=kind)
    found = found[found["hits"] > 0].sort_values(
        ["hits", "kind", "name"], ascending=[False, True, True]
    )
    result: pd.DataFrame = found.head(limit)[["ror_id", "name", "city", "types", "matched"]]
    return result.reset_index(drop=True)
