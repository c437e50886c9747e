"""Partner recommendation: every candidate country ranked for a home country and a
priority by five named factors, each with its contribution and its reasons, and what the
home country offers each partner in return.

Each factor is a value in [0, 1]; the score is the weighted sum (weights from the
priorities file), so the contributions ``weight × value`` add up to the score exactly:

* **strength** — the partner's capability in the priority: the mean over components of
  its component score (mass on a log scale below the frontier, discounted by up to half
  when it is not specialised; :func:`vinculo.strategy.capability.score_from`) / 100;
* **complementarity** — how much stronger the partner is where the home country is weak:
  the mean over components of max(0, partner score − home score) / 100, averaged with the
  same over the stages of the priority's value chain when it has one;
* **ties** — existing co-authorship, without rewarding tiny bases or sudden surges: half
  the partner's share of the home country's internationally co-authored works (on a log
  scale below the largest partner's share, over two decades), a quarter the association
  strength (capped at 2; counted from 100 co-authored works), a quarter the growth over
  five years (−50 % to +100 % mapped onto 0–1, counted from a base of 100 works; neutral
  otherwise); 0 when they never co-authored;
* **capacity** — absolute research capacity: the mean of the partner's R&D expenditure
  (PPP dollars: R&D as % of GDP × GDP at PPP, or NCSES's GERD) and its researchers
  (per million people × population), each on a log scale over three decades below the
  largest among the candidates, in each country's latest year; 0.5 (neutral) with neither;
* **proximity** — half 1 − distance / 20,000 km (between the mean coordinates of the
  countries' research institutions, from ROR; 0.5 when unknown), half a shared official
  language (CLDR).

Every reason is a :class:`~vinculo.strategy.i18n.Message` (a code and the values it
quotes) and true by construction: "strong" only for a ratio ≥ 1 with at least 1 % of the
world, "frontier" only for the component's leader.

Candidates are the countries with a score in at least two components and at least 0.5 %
of the world in one of them. The sensitivity check moves each weight by ±20 % (the others
rescaled so the weights still sum to 1) and records the best and worst rank each partner
takes.
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
from vinculo.evidence.store import EvidenceError
from vinculo.indicators.bibliometrics import collaboration_strength_frame
from vinculo.strategy.capability import (
    COMPONENTS,
    LEADER_MIN_SHARE,
    SPECIALIZATION,
    CapabilityModel,
    MissingEvidenceError,
    _field_keys,
    row_of,
)
from vinculo.strategy.i18n import Country, Languages, Message, Named, Num, Pct, Share, country_name
from vinculo.strategy.naming import naming_policy
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
_MIN_SHARE = 0.005  # a candidate holds at least 0.5 % of the world in one component
_MIN_WORKS = 100  # association strength and growth are read from this many works on
_TIES_DECADES = 2.0
_CAPACITY_DECADES = 3.0
_LEAD = 25.0  # a complementarity reason needs a lead of this many score points
_RD_SHARE = ("GB.XPD.RSDV.GD.ZS", "gerd_gdp_pct")
_GDP_PPP = ("NY.GDP.MKTP.PP.CD",)
_RESEARCHERS = ("SP.POP.SCIE.RD.P6",)
_POPULATION = ("SP.POP.TOTL",)
_NCSES_GERD = ("gerd_usd_ppp_current_bn",)


def _metric(component: str) -> Message:
    return Message(f"metric.{SPECIALIZATION[component]}")


@dataclass
class Recommendation:
    """One candidate partner: rank, score, factor values and contributions, reasons, and
    what the home country offers it."""

    partner: str
    name: str
    score: float
    values: dict[str, float]
    contributions: dict[str, float]
    reasons: dict[str, list[Message]]
    offers: list[Message] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    rank: int = 0
    rank_range: tuple[int, int] = (0, 0)

    @property
    def stable(self) -> bool:
        """The rank holds under every ±20 % weight change."""
        return self.rank_range == (self.rank, self.rank)

    def reasons_text(self, language: str) -> list[str]:
        return [m.render(language) for factor in FACTORS for m in self.reasons.get(factor, [])]

    def offers_text(self, language: str) -> list[str]:
        return [m.render(language) for m in self.offers]

    def structured(self) -> list[dict[str, Any]]:
        """The reasons as objects: factor, code, the values they quote, the text in each
        language (what the JSON exports and the API carry)."""
        return [
            {"factor": factor, **message.as_dict()}
            for factor in FACTORS
            for message in self.reasons.get(factor, [])
        ]

    def structured_offers(self) -> list[dict[str, Any]]:
        return [message.as_dict() for message in self.offers]


@dataclass
class _Context:
    model: CapabilityModel
    priority: str

    @property
    def home(self) -> str:
        return self.model.priorities.home

    @cached_property
    def positions(self) -> pd.DataFrame:
        scores = self.model.scores()
        return scores[scores["priority"] == self.priority].set_index(["component", "country"])

    @cached_property
    def scores(self) -> pd.DataFrame:
        """(country, component) -> score."""
        return self.positions["score"].unstack("component")

    @cached_property
    def leaders(self) -> dict[str, str | None]:
        table = self.model.leaders()
        table = table[(table["priority"] == self.priority) & table["primary"]]
        return dict(zip(table["component"], table["leader"], strict=True))

    def figure(self, component: str, country: str) -> pd.Series | None:
        try:
            return row_of(self.positions, (component, country))
        except KeyError:
            return None


def _standing(ctx: _Context, component: str, country: str) -> Message | None:
    """What a country's figures in one component say, in the words they allow."""
    row = ctx.figure(component, country)
    if row is None or not np.isfinite(row["world_share"]):
        return None
    params = {
        "component": Message(f"component.{component}"),
        "share": Share(row["world_share"]),
        "rank": int(row["mass_rank"]) if np.isfinite(row["mass_rank"]) else "—",
        "countries": int(row["countries"]),
        "metric": _metric(component),
        "value": Num(row["specialization"]),
        "year": int(row["year"]),
    }
    share, special = float(row["world_share"]), float(row["specialization"])
    if not np.isfinite(special):  # no measure of specialization (e.g. no GDP for it)
        del params["metric"], params["value"]
        return Message("reason.share", params)
    if ctx.leaders.get(component) == country:
        return Message("reason.leader", params)
    if share >= LEADER_MIN_SHARE and special >= 1:
        return Message("reason.strength", params)
    if share >= LEADER_MIN_SHARE:
        return Message("reason.mass", params)
    if special >= 1:
        return Message("reason.specialised_small", params)
    return Message("reason.weak", params)


def _strength(ctx: _Context, candidates: list[str]) -> tuple[pd.Series, dict[str, list[Message]]]:
    scores = ctx.scores.reindex(candidates)
    value = scores.mean(axis=1) / 100.0
    reasons: dict[str, list[Message]] = {}
    for country in candidates:
        row = row_of(scores, country).dropna().sort_values(ascending=False)
        said = [_standing(ctx, str(component), country) for component in row.index[:2]]
        reasons[country] = [m for m in said if m is not None]
    return value.fillna(0.0), reasons


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
        mine = ctx.figure(component, ctx.home)
        for country in candidates:
            other = ctx.figure(component, country)
            if other is None or mine is None or not lead[country] * 100 >= _LEAD:
                continue
            reasons[country].append(
                Message(
                    "reason.complements",
                    {
                        "home": Country(ctx.home),
                        "component": Message(f"component.{component}"),
                        "partner": Num(other["score"], 0),
                        "mine": Num(mine["score"], 0),
                        "partner_share": Share(other["world_share"]),
                        "home_share": Share(mine["world_share"]),
                        "metric": _metric(component),
                        "partner_value": Num(other["specialization"]),
                        "home_value": Num(mine["specialization"]),
                        "year": int(other["year"]),
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
        score = chain.pivot_table(index="country", columns="stage", values="score")
        if ctx.home in score.index:
            table = (score.reindex(candidates) - score.loc[ctx.home]).clip(lower=0) / 100.0
            stage_part = table.mean(axis=1)
            keyed = chain.set_index(["stage", "country"])
            for country in candidates:
                row = table.loc[country]
                best = row.idxmax() if row.notna().any() else None
                if best is None or row[best] * 100 < _LEAD:
                    continue
                theirs, mine = row_of(keyed, (best, country)), row_of(keyed, (best, ctx.home))
                reasons[country].append(
                    Message(
                        "reason.complements_stage",
                        {
                            "home": Country(ctx.home),
                            "stage": stage_names.get(str(best), Named.of({}, str(best))),
                            "partner_share": Share(theirs["world_share"]),
                            "home_share": Share(mine["world_share"]),
                            "partner": Num(theirs["rca"]),
                            "mine": Num(mine["rca"]),
                            "partner_score": Num(theirs["score"], 0),
                            "home_score": Num(mine["score"], 0),
                            "year": int(theirs["year"]),
                        },
                    )
                )
    if component_part is None and stage_part is None:
        return pd.Series(0.0, index=candidates), reasons
    both = pd.concat([p for p in (component_part, stage_part) if p is not None], axis=1)
    return both.mean(axis=1).reindex(candidates).fillna(0.0), reasons


def _pairs(model: CapabilityModel) -> pd.DataFrame:
    """Country-pair co-authorship (all fields), from the source reaching the latest year;
    the diagonal (a country with itself) is its internationally co-authored works."""
    pairs: pd.DataFrame = _memo(model, "pairs", lambda: _read_pairs(model))
    return pairs


def _read_pairs(model: CapabilityModel) -> pd.DataFrame:
    rows = model.store.rows("coauthorship")
    rows = rows[rows["field"].isna()]
    if rows.empty:
        return rows
    reach = rows[rows["country_a"] != rows["country_b"]].groupby("source")["year"].max()
    if reach.empty:
        return rows.iloc[0:0]
    chosen: pd.DataFrame = rows[rows["source"] == reach.sort_values(ascending=False).index[0]]
    return chosen


def _ties_table(model: CapabilityModel) -> pd.DataFrame:
    """The home country's co-authorship with every partner: ``partner, year, works,
    strength`` (association strength), ``before`` (works five years earlier) and
    ``international`` (the home country's internationally co-authored works that year)."""
    home = model.priorities.home
    everything = _pairs(model)
    pairs = everything[everything["country_a"] != everything["country_b"]]
    columns = ["partner", "year", "works", "strength", "before", "international"]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    year = int(pairs["year"].max())
    span = pairs[pairs["year"].isin([year, year - _TREND_YEARS])]
    strength = collaboration_strength_frame(
        span, a="country_a", b="country_b", value="works", time="year"
    )
    mine = strength[(strength["country_a"] == home) | (strength["country_b"] == home)]
    other = np.where(mine["country_a"] == home, mine["country_b"], mine["country_a"])
    mine = mine.assign(partner=other)
    now = mine[mine["year"] == year].groupby("partner")[["works", "strength"]].max()
    before = mine[mine["year"] == year - _TREND_YEARS].groupby("partner")["works"].max()
    diagonal = everything[
        (everything["country_a"] == home)
        & (everything["country_b"] == home)
        & (everything["year"] == year)
    ]["works"]
    international = float(diagonal.iloc[0]) if not diagonal.empty else float(now["works"].sum())
    table = now.assign(before=before.reindex(now.index), year=year, international=international)
    table.index.name = "partner"
    return table.reset_index()[columns]


def _ties(ctx: _Context, candidates: list[str]) -> tuple[pd.Series, dict[str, list[Message]]]:
    table = ctx.model.cached_frame("ties", lambda: _ties_table(ctx.model))
    reasons: dict[str, list[Message]] = {c: [] for c in candidates}
    if table.empty:
        for country in candidates:
            reasons[country].append(Message("reason.no_ties", {"home": Country(ctx.home)}))
        return pd.Series(0.0, index=candidates), reasons
    year = int(table["year"].iloc[0])
    international = float(table["international"].iloc[0])
    now = table.set_index("partner")
    works = now["works"].reindex(candidates)
    association = now["strength"].reindex(candidates)
    share = works / international if international > 0 else works * np.nan
    top = float(now["works"].max() / international) if international > 0 else np.nan
    base = now["before"].reindex(candidates)
    growth = (works / base - 1).where(base >= _MIN_WORKS)
    shares = share.fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_part = (1 + np.log10(shares / top) / _TIES_DECADES).clip(0, 1).where(shares > 0, 0.0)
    strength_part = (association.clip(upper=2.0) / 2.0).where(works >= _MIN_WORKS, 0.0)
    growth_part = ((growth + 0.5) / 1.5).clip(0, 1).where(growth.notna(), 0.5)
    growth_part = growth_part.where(works >= _MIN_WORKS, 0.0)
    value = (0.5 * share_part + 0.25 * strength_part.fillna(0.0) + 0.25 * growth_part).fillna(0.0)
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
                    "share": Pct(share[country], 1),
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
                        "before": Num(base[country], 0),
                    },
                )
            )
    for country, said in _talent_reasons(ctx, candidates).items():
        reasons[country].extend(said)
    return value.reindex(candidates).fillna(0.0), reasons


def _talent_table(model: CapabilityModel, home: str) -> pd.DataFrame:
    """Per partner: the home country's scholarships there (``strategy.talent``'s sources:
    sum over the years, first and last year) and the scholars' migration of the latest
    period (outflow from home, inflow to home). Empty where the store has neither."""
    store = model.store
    columns = ["partner", "scholarships", "new_starts", "first", "last",
               "period_start", "period_end", "outflow", "inflow"]  # fmt: skip
    try:
        sql, parameters = store.rows_sql("scholarships")
        grants = store.execute(
            f"SELECT country AS partner, sum(scholarships) AS scholarships, "
            f"sum(new_starts) AS new_starts, min(year) AS first, max(year) AS last "
            f"FROM ({sql}) WHERE home = ? AND country IS NOT NULL GROUP BY country",
            [*parameters, home],
        )
        sql, parameters = store.rows_sql("scholar_migration")
        flows = store.execute(
            f"SELECT country_from, country_to, period_start, period_end, sum(scholars) AS n "
            f"FROM ({sql}) WHERE country_from = ? OR country_to = ? "
            f"GROUP BY country_from, country_to, period_start, period_end",
            [*parameters, home, home],
        )
    except EvidenceError:  # a store of an older layout, without these tables
        return pd.DataFrame(columns=columns)
    if not flows.empty:
        latest = flows[flows["period_start"] == flows["period_start"].max()]
        out = latest[latest["country_from"] == home].groupby("country_to")["n"].sum()
        into = latest[latest["country_to"] == home].groupby("country_from")["n"].sum()
        migration = pd.DataFrame({"outflow": out, "inflow": into}).fillna(0.0)
        migration["period_start"] = int(latest["period_start"].iloc[0])
        migration["period_end"] = int(latest["period_end"].iloc[0])
        migration.index.name = "partner"
        migration = migration.reset_index()
    else:
        migration = pd.DataFrame(columns=["partner", "outflow", "inflow", "period_start",
                                          "period_end"])  # fmt: skip
    table = grants.merge(migration, on="partner", how="outer")
    return table[columns]


def _talent_reasons(ctx: _Context, candidates: list[str]) -> dict[str, list[Message]]:
    """Talent flows with each candidate, as reasons of the ties factor (they do not change
    its score): the scholarships the home country paid there and the scholars' migration
    of the latest period (``vinculo talent`` gives the detail)."""
    table = ctx.model.cached_frame(f"talent-{ctx.home}", lambda: _talent_table(ctx.model, ctx.home))
    said: dict[str, list[Message]] = {}
    if table.empty:
        return said
    rows = table.set_index("partner")
    for country in candidates:
        if country not in rows.index:
            continue
        row = rows.loc[country]
        found = []
        if pd.notna(row["scholarships"]) and row["scholarships"] > 0:
            found.append(Message("reason.talent_scholarships", {
                "home": Country(ctx.home), "scholarships": Num(row["scholarships"], 0),
                "new": Num(row["new_starts"], 0), "first": int(row["first"]),
                "last": int(row["last"]),
            }))  # fmt: skip
        if pd.notna(row["period_start"]):
            found.append(Message("reason.talent_migration", {
                "home": Country(ctx.home), "outflow": Num(row["outflow"], 0),
                "inflow": Num(row["inflow"], 0), "net": Num(row["inflow"] - row["outflow"], 0),
                "period": f"{int(row['period_start'])}–{int(row['period_end'])}",
            }))  # fmt: skip
        if found:
            said[country] = found
    return said


def _memo(model: CapabilityModel, name: str, compute: Any) -> Any:
    """A value computed once per model (the evidence does not change under it)."""
    if name not in model.memo:
        model.memo[name] = compute()
    return model.memo[name]


def capacity_table(model: CapabilityModel) -> pd.DataFrame:
    """Every country's absolute research capacity in its latest year: R&D expenditure in
    PPP dollars (``rd_ppp``, with ``rd_year``, ``rd_share`` of GDP) and researchers in R&D
    (``researchers``, ``researchers_year``, ``per_million``), indexed by country."""
    table = model.cached_frame("capacity", lambda: _capacity_table(model).reset_index())
    return table.set_index("country")


def _capacity_table(model: CapabilityModel) -> pd.DataFrame:
    rows = model.indicators
    countries = set(
        model.store.execute("SELECT code FROM locations WHERE kind = 'country'")["code"]
    )
    rows = rows[rows["country"].isin(countries)]

    def series(names: tuple[str, ...], column: str) -> pd.DataFrame:
        for name in names:
            found = rows[rows["indicator"] == name]
            if not found.empty:
                found = found.sort_values("source", key=lambda s: s != "wdi")
                found = found.drop_duplicates(["country", "year"])
                return found[["country", "year", "value"]].rename(columns={"value": column})
        return pd.DataFrame(columns=["country", "year", column])

    def latest(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.dropna()
        return frame.sort_values("year").groupby("country").tail(1).set_index("country")

    share = series(_RD_SHARE, "share")
    rd = latest(share.merge(series(_GDP_PPP, "gdp"), on=["country", "year"]))
    rd = pd.DataFrame(
        {
            "rd_ppp": rd["share"] / 100 * rd["gdp"],
            "rd_year": rd["year"],
            "rd_share": rd["share"] / 100,
        }
    )
    ncses = latest(series(_NCSES_GERD, "gerd"))
    newer = ncses.index[
        ~ncses.index.isin(rd.index) | (ncses["year"] > rd["rd_year"].reindex(ncses.index))
    ]
    if len(newer):
        known = share.set_index(["country", "year"])["share"]
        extra = pd.DataFrame(
            {
                "rd_ppp": ncses.loc[newer, "gerd"] * 1e9,
                "rd_year": ncses.loc[newer, "year"],
                "rd_share": [
                    known.get((c, y), np.nan) / 100
                    for c, y in zip(newer, ncses.loc[newer, "year"], strict=True)
                ],
            }
        )
        kept = rd.drop(index=newer, errors="ignore")
        rd = pd.concat([kept, extra]) if not kept.empty else extra
    people = latest(
        series(_RESEARCHERS, "per_million").merge(
            series(_POPULATION, "population"), on=["country", "year"]
        )
    )
    researchers = pd.DataFrame(
        {
            "researchers": people["per_million"] * people["population"] / 1e6,
            "researchers_year": people["year"],
            "per_million": people["per_million"],
        }
    )
    table = rd.join(researchers, how="outer").astype(float)
    table.index.name = "country"
    return table


def _log_position(values: pd.Series, decades: float) -> pd.Series:
    top = values.max()
    if not np.isfinite(top) or top <= 0:
        return values * np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        position = 1 + np.log10(values / top) / decades
    result: pd.Series = position.clip(0, 1).where(values > 0, 0.0).where(values.notna())
    return result


def _capacity(ctx: _Context, candidates: list[str]) -> tuple[pd.Series, dict[str, list[Message]]]:
    table = capacity_table(ctx.model).reindex(candidates)
    parts = pd.concat(
        [
            _log_position(table["rd_ppp"].astype(float), _CAPACITY_DECADES),
            _log_position(table["researchers"].astype(float), _CAPACITY_DECADES),
        ],
        axis=1,
    )
    value = parts.mean(axis=1).fillna(0.5)
    reasons: dict[str, list[Message]] = {c: [] for c in candidates}
    for country in candidates:
        row = table.loc[country]
        if pd.notna(row["rd_ppp"]):
            reasons[country].append(
                Message(
                    "reason.rd_absolute",
                    {
                        "amount": Num(row["rd_ppp"] / 1e9, 1),
                        "year": int(row["rd_year"]),
                        "share": Pct(row["rd_share"], 2) if pd.notna(row["rd_share"]) else "—",
                    },
                )
            )
        if pd.notna(row["researchers"]):
            reasons[country].append(
                Message(
                    "reason.researchers",
                    {
                        "researchers": Num(row["researchers"], 0),
                        "year": int(row["researchers_year"]),
                        "per_million": Num(row["per_million"], 0),
                    },
                )
            )
        if not reasons[country]:
            reasons[country].append(Message("reason.no_capacity"))
    return value, reasons


def _centroids(model: CapabilityModel) -> pd.DataFrame:
    return model.cached_frame("centroids", lambda: _read_centroids(model)).set_index("country")


def _read_centroids(model: CapabilityModel) -> pd.DataFrame:
    rows = model.institutions
    rows = rows.dropna(subset=["latitude", "longitude"])
    if "status" in rows:
        rows = rows[rows["status"].isna() | (rows["status"] == "active")]
    return rows.groupby("country")[["latitude", "longitude"]].mean().reset_index()


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


def candidates_of(model: CapabilityModel, priority: str) -> list[str]:
    """The countries considered as partners for ``priority``: a score in at least two
    components and at least 0.5 % of the world in one of them (the home country aside)."""
    scores = model.scores()
    scores = scores[scores["priority"] == priority]
    wide = scores.pivot_table(index="country", columns="component", values="score")
    enough = wide.notna().sum(axis=1) >= min(_MIN_COMPONENTS, wide.shape[1])
    sizable = set(scores.loc[scores["world_share"] >= _MIN_SHARE, "country"])
    home = model.priorities.home
    return sorted(c for c in wide.index[enough] if c != home and c in sizable)


def recommend(
    model: CapabilityModel, priority: str, *, chain: pd.DataFrame | None = None
) -> list[Recommendation]:
    """Every candidate partner of the home country for ``priority``, best first, each with
    what the home country offers it (:func:`vinculo.strategy.reciprocity.offers`).

    ``chain`` (from :func:`vinculo.strategy.chain.stage_table`) adds the value chain's
    stages to complementarity. Raises :class:`MissingEvidenceError` when the store has no
    evidence for the priority.
    """
    from vinculo.strategy.reciprocity import Reciprocity

    model.priorities.priority(priority)
    model.require()
    ctx = _Context(model, priority)
    if ctx.scores.empty:
        raise MissingEvidenceError(
            f"no evidence for priority {priority!r}: none of its fields, technology fields, "
            "products or indicators is in the evidence store (vinculo data pull)"
        )
    candidates = candidates_of(model, priority)
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
    giving = Reciprocity.of(model)
    out = []
    for country in candidates:
        mine = row_of(values, country)
        contributions = {f: float(mine[f]) * weights[f] for f in FACTORS}
        out.append(
            Recommendation(
                partner=country,
                name=country_name(country, "en"),
                score=float(sum(contributions.values())),
                values={f: float(mine[f]) for f in FACTORS},
                contributions=contributions,
                reasons={f: factors[f][1].get(country, []) for f in FACTORS},
                offers=giving.offers(country, priority, chain=chain),
                rank=int(ranks[country]),
                rank_range=(int(ranges["best"][country]), int(ranges["worst"][country])),
            )
        )
    return sorted(out, key=lambda r: (r.rank, r.partner))


def as_frame(recommendations: list[Recommendation], language: str = "en") -> pd.DataFrame:
    """The recommendations as a table: rank, partner, its name and the caveat the
    diplomatic naming policy says beside it, score, each factor's contribution, the rank
    range of the sensitivity check, the reasons and what the home country offers as text.
    A presentation: the partners the policy excludes are left out, the others keep the
    model's ranks (:mod:`vinculo.strategy.naming`)."""
    policy = naming_policy()
    return pd.DataFrame(
        [
            {
                "rank": r.rank,
                "partner": r.partner,
                "name": country_name(r.partner, language),
                "caveat": policy.caveat(r.partner, language),
                "score": r.score,
                **{f"{f}": r.contributions[f] for f in FACTORS},
                "rank_best": r.rank_range[0],
                "rank_worst": r.rank_range[1],
                "stable": r.stable,
                "reasons": "; ".join(r.reasons_text(language)),
                "offers": "; ".join(r.offers_text(language)),
            }
            for r in policy.shown(recommendations)
        ]
    )


def co_authorship_with(model: CapabilityModel, home: str) -> pd.DataFrame:
    """Works co-authored by ``home`` with every partner per year (all fields):
    ``partner, year, works, source, vintage``, sorted."""
    pairs = _pairs(model)
    pairs = pairs[pairs["country_a"] != pairs["country_b"]]
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


#: Years of institution output summed to rank a country's institutions (the latest ones).
INSTITUTION_YEARS = 5
_INSTITUTION_COLUMNS = [
    "ror_id",
    "name",
    "city",
    "types",
    "matched",
    "output",
    "years",
    "basis",
    "vintage",
]


def leading_institutions(
    model: CapabilityModel, country: str, priority: str, limit: int = 5
) -> pd.DataFrame:
    """The country's leading research institutions in a priority: ``ror_id, name, city,
    types, matched, output, years, basis, vintage``.

    **By output** (``basis`` ``"output"``) when the store holds ``institution_output``
    built from the OpenAlex works snapshot (vinculo.evidence.snapshot): the institutions
    with the most fractionally counted works in the priority's OpenAlex topics, else
    subfields, else fields (the finest taxonomy the priority lists and the table holds) over
    the latest :data:`INSTITUTION_YEARS` years; ``output`` is that sum, ``years`` the span.

    **By name** (``basis`` ``"name"``) otherwise: the active ROR institutions whose names or
    aliases contain the priority's keywords (Spanish or English) as whole words (a plural
    "s"/"es" allowed: "litio" does not match "Coalition"), most matches first, then
    universities, facilities, government and health bodies. ROR carries no research
    fields, so this is a name match, said as such wherever it is shown.

    Either way every country's list is found once per priority and kept in the model's cache.
    """
    model.priorities.priority(priority)
    by_output = model.cached_frame(
        f"institutions-output-{priority}", lambda: _institutions_by_output(model, priority)
    )
    if not by_output.empty:
        mine = by_output[by_output["country"] == country]
    else:
        found = model.cached_frame(
            f"institutions-name-{priority}",
            lambda: _matching_institutions(model, priority).assign(
                output=float("nan"), years="", basis="name", vintage=_ror_vintage(model)
            ),
        )
        mine = found[found["country"] == country]
    result: pd.DataFrame = mine.head(limit)[_INSTITUTION_COLUMNS]
    return result.reset_index(drop=True)


def _ror_vintage(model: CapabilityModel) -> str:
    datasets = model.store.datasets()
    rows = datasets[datasets["canonical_table"] == "institutions"]
    return ", ".join(sorted(set(rows["source"] + " " + rows["vintage"])))


def _institutions_by_output(model: CapabilityModel, priority: str) -> pd.DataFrame:
    """Every country's institutions ranked by snapshot output in the priority (empty when
    the store has no snapshot institution output for the priority's codes)."""
    empty = pd.DataFrame(columns=[*_INSTITUTION_COLUMNS, "country"])
    datasets = model.store.datasets()
    if not (datasets["canonical_table"] == "institution_output").any():
        return empty
    fields = model.priorities.priority(priority).fields
    for taxonomy in ("openalex-topic", "openalex-subfield", "openalex-field"):
        codes = fields.get(taxonomy)
        if not codes:
            continue
        keys = _field_keys(taxonomy, codes)
        marks = ", ".join("?" for _ in keys)
        base, parameters = model.store.rows_sql("institution_output")
        found = model.store.execute(
            f"WITH r AS ({base}) "
            "SELECT institution, max(ror_id) AS ror_id, max(country) AS country, "
            "sum(count) AS output, min(year) AS first, max(year) AS last, "
            "string_agg(DISTINCT vintage, ', ') AS vintage FROM r "
            f"WHERE taxonomy = ? AND count_type = 'fractional' AND field IN ({marks}) "
            "AND year > (SELECT max(year) FROM r WHERE taxonomy = ?) - ? "
            "AND country IS NOT NULL GROUP BY institution",
            [*parameters, taxonomy, *keys, taxonomy, INSTITUTION_YEARS],
        )
        if found.empty:
            continue
        ror = model.institutions
        names = ror.set_index("ror_id")[["name", "city", "types"]] if not ror.empty else None
        if names is not None:
            names = names[~names.index.duplicated()]
            found = found.join(names, on="ror_id")
        else:
            found = found.assign(name=None, city=None, types=None)
        found["name"] = found["name"].fillna(found["institution"])
        found["matched"] = [[] for _ in range(len(found))]
        found["years"] = [
            f"{int(a)}" if a == b else f"{int(a)}–{int(b)}"
            for a, b in zip(found["first"], found["last"], strict=True)
        ]
        found["basis"] = "output"
        found = found.sort_values(["country", "output", "name"], ascending=[True, False, True])
        result: pd.DataFrame = found[[*_INSTITUTION_COLUMNS, "country"]]
        return result.reset_index(drop=True)
    return empty


def _matching_institutions(model: CapabilityModel, priority: str) -> pd.DataFrame:
    """Every active ROR institution matching a keyword of ``priority``, in display order."""
    columns = ["ror_id", "name", "city", "types", "matched", "country"]
    keywords = model.priorities.priority(priority).keywords
    words = sorted({w.lower() for words in keywords.values() for w in words if w})
    rows = model.institutions
    if "status" in rows:
        rows = rows[rows["status"].isna() | (rows["status"] == "active")]
    if rows.empty or not words:
        return pd.DataFrame(columns=columns)
    text = (
        rows["name"].str.lower()
        + " | "
        + rows["aliases"].map(lambda a: " | ".join(a) if a is not None else "").str.lower()
    )
    # one alternation, longest words first: only rows matching a keyword are looked at
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternation})(?:e?s)?(?!\w)")
    patterns = {w: re.compile(rf"(?<!\w){re.escape(w)}(?:e?s)?(?!\w)") for w in words}
    candidates = text[text.str.contains(pattern)]
    matched = pd.Series(
        [[w for w, p in patterns.items() if p.search(value)] for value in candidates],
        index=candidates.index,
        dtype=object,
    )
    chosen = rows.loc[candidates.index]
    kind = chosen["types"].map(
        lambda types: min(
            (_INSTITUTION_TYPES.get(t, 9) for t in (types if types is not None else [])), default=9
        )
    )
    chosen = chosen.assign(matched=matched, hits=matched.map(len), kind=kind)
    chosen = chosen[chosen["hits"] > 0].sort_values(
        ["country", "hits", "kind", "name"], ascending=[True, False, True, True]
    )
    result: pd.DataFrame = chosen[columns]
    return result.reset_index(drop=True)
