"""The capability model: every country's position in every priority, in science,
technology, trade and infrastructure, read on two axes — mass and specialization — with
the vintage of the data behind each figure.

For a priority *p* and a country *c* in a year, each component gives a **value** (the
absolute figure: publications, patent families, exports in USD, or the priority's
infrastructure and resource indicators), its **world share** (mass) and a
**specialization** ratio, shrunk towards 1 where the counts behind it are small
(:func:`vinculo.indicators.shrinkage.shrunk_ratio`):

* science (publications in the priority's research fields; the finest taxonomy the store
  holds for the world: OpenAlex topics, then subfields, then fields, then the 14 NCSES
  fields): ``activity_index``, and ``growth`` over five years;
* technology (international patent families in the priority's WIPO fields): ``rca`` (the
  revealed technological advantage);
* trade (exports of the priority's HS products, in the latest year of each
  classification): ``rca``, the products with RCA ≥ 1, the relatedness ``density`` and
  ``cog`` of the missing ones, and the export-weighted ``mean_pci`` (the Growth Lab's
  published PCI of its latest year where the store has it);
* infrastructure (the indicators the priorities file names: TOP500 computing power,
  satellites, mine production and reserves, the EV market): each indicator's world share
  and ``intensity`` (the world share over the share of world GDP, or the ratio the file
  names, e.g. the EV share of car sales against the world's), and their mean as the
  component (basis ``resources``).

The **leader** (frontier) of a component is the country with the largest world share
among those that are specialised (ratio ≥ 1) and hold at least 1 % of the world; the
**most specialised** country among those holding 1 % is shown beside it, named as such.
The **gap** is measured against the frontier, on a log scale of world shares: 0 at the
frontier, 100 at a thousandth of it or less. Percentiles say among how many countries they
were taken; fewer than :data:`WORLD_POSITION_MIN` is not a world position. The component
**score** (0–100) is the mass position (the world share on a log scale below the
frontier's) discounted by up to half when the country is not specialised. Formulas,
thresholds and why: docs/methods.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vinculo.evidence.store import EvidenceStore
from vinculo.indicators import complexity
from vinculo.indicators.shrinkage import shrunk_ratio
from vinculo.strategy.priorities import (
    COMPONENT_NAMES,
    Code,
    Indicator,
    Priorities,
    Priority,
)

__all__ = [
    "COMPONENTS",
    "LEADER_MIN_SHARE",
    "MASS_DECADES",
    "MIN_TOTAL",
    "MODEL_VERSION",
    "SCIENCE_BASES",
    "SPECIALIZATION",
    "WORLD_POSITION_MIN",
    "CapabilityModel",
    "MissingEvidenceError",
    "evidence_fingerprint",
    "gap_from_shares",
    "mass_position",
    "percentile",
    "row_of",
    "score_from",
    "specialization_position",
]

COMPONENTS = COMPONENT_NAMES
# The specialization metric of each component, as the tables name it.
SPECIALIZATION = {
    "science": "activity_index",
    "technology": "rca",
    "trade": "rca",
    "infrastructure": "intensity",
}
# Below these yearly totals a country is shown but not ranked: ratios of tiny totals (a
# territory's few articles or exports) swing wildly. Infrastructure ranks every holder.
MIN_TOTAL = {"science": 1_000.0, "technology": 100.0, "trade": 1e9, "infrastructure": 0.0}
#: No country leads a component, or is called most specialised, under this world share.
LEADER_MIN_SHARE = 0.01
#: A percentile taken among fewer countries is not a world position.
WORLD_POSITION_MIN = 30
#: The mass position and the gap span this many decades of world share below the frontier.
MASS_DECADES = 3.0
#: Science taxonomies, finest first: the first one the store holds for enough countries is
#: the science basis of a priority.
SCIENCE_BASES = ("openalex-topic", "openalex-subfield", "openalex-field", "ncses15")
#: Export values are shrunk as if each USD 1 million were one independent draw.
TRADE_UNIT_USD = 1e6
#: A last year whose world total is under this share of the year before is incomplete
#: (indexing lag of bibliographic databases) and dropped.
COMPLETE_SHARE = 0.9
#: Bumped whenever the model's results change, so cached results are recomputed.
MODEL_VERSION = "2026-12-04.1"

_GROWTH_YEARS = 5
npt_like = Sequence[float] | np.ndarray | pd.Series | float
_INFRASTRUCTURE_BASIS = "resources"
_GDP = ("NY.GDP.MKTP.CD",)
_FIGURE_COLUMNS = [
    "priority", "component", "basis", "year", "country", "value", "total", "world_share",
    "specialization_raw", "specialization", "ranked", "vintage",
]  # fmt: skip
_EXTRA_COLUMNS = ["growth", "censored", "products_rca", "density", "mean_pci", "cog"]
_COUNTRY = "country IN (SELECT code FROM locations WHERE kind = 'country')"


class MissingEvidenceError(LookupError):
    """The evidence a computation needs is not in the store; the message names the
    dataset and the command that loads it."""


# ---------------------------------------------------------------------- scales


def percentile(values: pd.Series) -> pd.Series:
    """Percentile rank in 0–100: the share of the other values below, ties counted half.

    >>> percentile(pd.Series([1.0, 2.0, 2.0, 5.0], index=list("abcd"))).tolist()
    [0.0, 50.0, 50.0, 100.0]
    """
    n = values.notna().sum()
    if n <= 1:
        return pd.Series(np.where(values.notna(), 50.0, np.nan), index=values.index)
    ranks = values.rank(method="average")
    return (ranks - 1) / (n - 1) * 100.0


def mass_position(share: npt_like, frontier: float) -> np.ndarray:
    """The world share on a log scale below the frontier's: 1 at (or above) the frontier,
    0 at a thousandth of it or less (:data:`MASS_DECADES` decades).

    >>> mass_position([0.30, 0.03, 0.003, 0.0003, 0.0], 0.30).round(3).tolist()
    [1.0, 0.667, 0.333, 0.0, 0.0]
    """
    values = np.asarray(share, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        position = 1.0 + np.log10(values / frontier) / MASS_DECADES
    position = np.where(values == 0, 0.0, position)
    return np.clip(position, 0.0, 1.0)


def specialization_position(ratio: npt_like) -> np.ndarray:
    """A specialization ratio on a log scale: 0.5 at 1 (the world's profile), 1 at 4 or
    more, 0 at a quarter or less; unknown ratios are neutral (0.5).

    >>> specialization_position([1.0, 2.0, 4.0, 0.5, 8.0, 0.0, np.nan]).tolist()
    [0.5, 0.75, 1.0, 0.25, 1.0, 0.0, 0.5]
    """
    values = np.asarray(ratio, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        position = 0.5 + np.log2(values) / 4.0
    position = np.where(np.isnan(values), 0.5, position)
    return np.clip(np.where(values == 0, 0.0, position), 0.0, 1.0)


def score_from(mass: npt_like, specialization: npt_like) -> np.ndarray:
    """The component score (0–100): the mass position, discounted by up to half when the
    country is not specialised: ``100 × mass × (0.5 + 0.5 × specialization position)``.

    >>> score_from([1.0, 1.0, 0.5], [1.0, 0.25, 4.0]).round(1).tolist()
    [75.0, 50.0, 50.0]
    """
    return (
        100.0
        * np.asarray(mass, dtype=np.float64)
        * (0.5 + 0.5 * specialization_position(specialization))
    )


def gap_from_shares(share: float, frontier: float) -> float:
    """The gap to the frontier (0–100): decades of world share below the frontier's, over
    :data:`MASS_DECADES` (0 at the frontier, 100 at a thousandth of it or with nothing).

    >>> gap_from_shares(0.3, 0.3), round(gap_from_shares(0.003, 0.3), 1), gap_from_shares(0.0, 0.3)
    (0.0, 66.7, 100.0)
    """
    if not np.isfinite(share) or not np.isfinite(frontier) or frontier <= 0:
        return float("nan")
    if share >= frontier:
        return 0.0
    if share <= 0:
        return 100.0
    return float(min(1.0, np.log10(frontier / share) / MASS_DECADES) * 100.0)


# ---------------------------------------------------------------------- helpers


def _codes(entries: Iterable[Code]) -> list[str]:
    return [entry.code for entry in entries]


def _field_keys(taxonomy: str, entries: Iterable[Code]) -> list[str]:
    """Fields as the store spells them: OpenAlex ids without their ``fields/`` or
    ``subfields/`` prefix (the API's group keys are stored as bare numbers)."""
    if taxonomy in ("openalex-field", "openalex-subfield"):
        return [entry.code.rsplit("/", 1)[-1] for entry in entries]
    return _codes(entries)


def _vintage(frame: pd.DataFrame) -> str:
    pairs = sorted(set(zip(frame["source"], frame["vintage"], strict=True)))
    return "; ".join(f"{source} {vintage}" for source, vintage in pairs)


def _complete_years(world: pd.Series) -> pd.Series:
    """Drop trailing years whose world total falls under :data:`COMPLETE_SHARE` of the
    year before (a database still indexing the latest year)."""
    world = world.sort_index()
    while len(world) > 1 and world.iloc[-1] < COMPLETE_SHARE * world.iloc[-2]:
        world = world.iloc[:-1]
    return world


def evidence_fingerprint(store: EvidenceStore) -> str:
    """A hash of the datasets in the store: any import changes it."""
    datasets = store.datasets()[["dataset_id", "file_sha256", "vintage"]]
    text = json.dumps(datasets.astype(str).values.tolist())
    return hashlib.sha256(text.encode()).hexdigest()


def _growth(frame: pd.DataFrame, column: str) -> pd.Series:
    """Compound annual growth of ``column`` over the last five years, per country."""
    keyed = frame.set_index(["country", "year"])[column]
    earlier = keyed.copy()
    earlier.index = pd.MultiIndex.from_arrays(
        [keyed.index.get_level_values(0), keyed.index.get_level_values(1) + _GROWTH_YEARS]
    )
    before = earlier.reindex(keyed.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (keyed / before) ** (1 / _GROWTH_YEARS) - 1
    rate[(before <= 0) | before.isna()] = np.nan
    return pd.Series(rate.to_numpy(), index=frame.index)


def _shrink(frame: pd.DataFrame, count: str, total: str, unit: float = 1.0) -> pd.DataFrame:
    """``specialization_raw`` and ``specialization`` (shrunk) per year, from counts: the
    estimator of :func:`vinculo.indicators.shrinkage.shrunk_ratio`, every year at once
    (tests/strategy check that both give the same numbers)."""
    x = (frame[count] / unit).clip(lower=0)
    n = np.maximum(frame[total] / unit, x)
    usable = (frame[total] > 0) & x.notna()
    x, n = pd.Series(x).where(usable), pd.Series(n, index=frame.index).where(usable)
    years = frame["year"]
    sigma = x.groupby(years).transform("sum") / n.groupby(years).transform("sum")
    share = x / n
    spread = (n * (share - sigma) ** 2).groupby(years).transform("sum") / n.groupby(
        years
    ).transform("sum")
    noise = sigma * (1 - sigma)
    tau2 = (spread - noise / n.groupby(years).transform("mean")).clip(lower=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = (tau2 / (tau2 + noise / n)).where(noise > 0, 1.0)
        raw = share / sigma
        shrunk = (sigma + weight * (share - sigma)) / sigma
    valid = usable & (sigma > 0)
    return frame.assign(specialization_raw=raw.where(valid), specialization=shrunk.where(valid))


@dataclass
class _Trade:
    """One classification's exports in its latest year and their complexity results."""

    classification: str
    year: int
    frame: pd.DataFrame  # year, country, product, value_usd
    cells: pd.DataFrame  # year, country, product, rca, mcp, density, cog, pci
    vintage: str


@dataclass(frozen=True)
class _Taxonomy:
    """One science taxonomy's publications, prepared once for every priority."""

    fields: pd.DataFrame  # year, country, field, count: the priorities' fields (complete years)
    totals: pd.Series  # (year, country) -> total over every field
    floor: pd.Series  # (year, country) -> half the smallest listed count where censored
    censored: pd.Series  # (year, country) -> True when the source lists only the largest
    vintage: str
    where: str  # the SQL condition selecting its rows (source, count type, countries)
    parameters: list[Any]


# ---------------------------------------------------------------------- the model


@dataclass
class CapabilityModel:
    """The capability of every country in every priority, computed from the store.

    ``cache_folder``: where results are kept per evidence fingerprint, priorities and
    model version (``vinculo`` uses ``VINCULO_HOME/cache/strategy``); None computes them
    every time.

    >>> # model = CapabilityModel(store, default_priorities()); model.gaps()
    """

    store: EvidenceStore
    priorities: Priorities
    cache_folder: Path | None = None
    _trade: dict[str, _Trade | None] = field(default_factory=dict, repr=False)
    _taxonomies: dict[str, _Taxonomy | None] = field(default_factory=dict, repr=False)
    # helpers built once per model (e.g. the reciprocity matrices), by name
    memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------ evidence
    @cached_property
    def _countries(self) -> set[str]:
        kinds = self.store.execute("SELECT code FROM locations WHERE kind = 'country'")
        return set(kinds["code"])

    @cached_property
    def fingerprint(self) -> str:
        """The evidence fingerprint, the priorities and the model version, hashed."""
        text = evidence_fingerprint(self.store) + repr(self.priorities) + MODEL_VERSION
        return hashlib.sha256(text.encode()).hexdigest()

    @cached_property
    def publications(self) -> pd.DataFrame:
        return self.store.rows("publications")

    @cached_property
    def patents(self) -> pd.DataFrame:
        return self.store.rows("patents")

    @cached_property
    def exports(self) -> pd.DataFrame:
        return self.store.rows("exports")

    @property
    def institutions(self) -> pd.DataFrame:
        """The research institutions (ROR), kept in the cache with the figures."""
        return self.cached_frame("institutions", lambda: self.store.rows("institutions"))

    @cached_property
    def indicators(self) -> pd.DataFrame:
        """``country_indicators`` with the aggregates (World totals are needed for shares)."""
        return self.store.rows("country_indicators", include_aggregates=True)

    def indicator_latest(self, names: Sequence[str]) -> pd.DataFrame:
        """The latest value and year per country of the first of ``names`` present:
        ``value, year, source, vintage`` indexed by country (countries only)."""
        rows = self.indicators
        for name in names:
            found = rows[(rows["indicator"] == name) & rows["country"].isin(self._countries)]
            if not found.empty:
                last = found.sort_values(["year", "source"]).groupby("country").tail(1)
                return last.set_index("country")[["value", "year", "source", "vintage"]]
        return pd.DataFrame(columns=["value", "year", "source", "vintage"])

    @property
    def pci(self) -> pd.DataFrame:
        """The Growth Lab's published PCI of its latest year (HS92 4-digit): product ->
        value, with ``year`` and ``vintage``; empty when the store has none."""
        return self.cached_frame("pci", self._read_pci)

    def _read_pci(self) -> pd.DataFrame:
        rows = self.store.rows("product_indicators")
        rows = rows[(rows["indicator"] == "atlas_pci") & (rows["classification"] == "hs92")]
        if rows.empty:
            return pd.DataFrame(columns=["product", "value", "year", "vintage"])
        year = int(rows["year"].max())
        last = rows[rows["year"] == year]
        return pd.DataFrame(
            {
                "product": last["product"].str[:4].to_numpy(),
                "value": last["value"].to_numpy(),
                "year": year,
                "vintage": _vintage(last),
            }
        ).drop_duplicates("product")

    def _query(self, table: str, body: str, parameters: Sequence[Any] = ()) -> pd.DataFrame:
        """``body`` run inside the store on the latest rows of ``table`` (named ``r``): the
        model filters and aggregates there rather than reading every row."""
        base, base_parameters = self.store.rows_sql(table)
        return self.store.execute(f"WITH r AS ({base}) {body}", [*base_parameters, *parameters])

    def trade_data(self, classification: str) -> _Trade | None:
        """Exports in one classification (products cut to 4 digits) in its latest year,
        with their complexity indicators; None when the store has none."""
        if classification in self._trade:
            return self._trade[classification]
        cached = self._load_trade(classification)
        if cached is not None:
            self._trade[classification] = cached
            return cached
        # one source per classification: the one reaching the latest year (then the largest)
        reach = self._query(
            "exports",
            "SELECT source, max(year) AS last, count(*) AS size FROM r "
            "WHERE classification = ? GROUP BY source ORDER BY last DESC, size DESC LIMIT 1",
            [classification],
        )
        if reach.empty:
            self._trade[classification] = None
            return None
        chosen, year = str(reach["source"].iloc[0]), int(reach["last"].iloc[0])
        where = f"classification = ? AND source = ? AND year = ? AND {_COUNTRY}"
        parameters = [classification, chosen, year]
        frame = self._query(
            "exports",
            "SELECT year, country, left(product, 4) AS product, sum(value_usd) AS value_usd "
            f"FROM r WHERE {where} GROUP BY year, country, left(product, 4) "
            "ORDER BY country, product",
            parameters,
        )
        frame = frame.astype({"year": "int64", "value_usd": "float64"})
        vintage = _vintage(
            self._query(
                "exports", f"SELECT DISTINCT source, vintage FROM r WHERE {where}", parameters
            )
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zero rows/columns dropped: expected
            result = complexity(
                frame, time="year", location="country", item="product", value="value_usd"
            )
        cells = result.frame[["year", "country", "product", "rca", "mcp", "density", "cog", "pci"]]
        cells = cells.astype({"country": str, "product": str}).reset_index(drop=True)
        trade = _Trade(classification, year, frame, cells, vintage)
        self._trade[classification] = trade
        return trade

    def _needed_fields(self, taxonomy: str) -> list[str]:
        """Every research field any priority (or stage) names in ``taxonomy``."""
        needed: set[str] = set()
        for priority in self.priorities.priorities:
            needed.update(_field_keys(taxonomy, priority.fields.get(taxonomy, ())))
            for stage in priority.chain:
                needed.update(_field_keys(taxonomy, stage.fields.get(taxonomy, ())))
        return sorted(needed)

    def _taxonomy(self, taxonomy: str) -> _Taxonomy | None:
        if taxonomy in self._taxonomies:
            return self._taxonomies[taxonomy]
        # one source per taxonomy (a staged copy and the API may both hold it): the tables
        # built from the OpenAlex works snapshot when present (complete, uncensored,
        # fractional; docs/scale.md), else the one reaching the latest year, then the one
        # with the most rows. The vintage names the source chosen.
        reach = self._query(
            "publications",
            "SELECT source, max(year) AS last, count(*) AS size, "
            "count(*) FILTER (WHERE count_type = 'fractional') AS fractional FROM r "
            "WHERE taxonomy = ? GROUP BY source "
            "ORDER BY source = 'openalex-snapshot' DESC, last DESC, size DESC LIMIT 1",
            [taxonomy],
        )
        if reach.empty:
            self._taxonomies[taxonomy] = None
            return None
        chosen = str(reach["source"].iloc[0])
        kind = "fractional" if int(reach["fractional"].iloc[0]) > 0 else "whole"
        where = f"taxonomy = ? AND source = ? AND count_type = ? AND {_COUNTRY}"
        parameters: list[Any] = [taxonomy, chosen, kind]
        per = self._query(
            "publications",
            "SELECT year, country, count(*) FILTER (WHERE field <> 'all') AS listed, "
            "min(count) FILTER (WHERE field <> 'all') AS smallest, "
            "sum(count) FILTER (WHERE field = 'all') AS declared, "
            "sum(count) FILTER (WHERE field <> 'all') AS summed "
            f"FROM r WHERE {where} GROUP BY year, country",
            parameters,
        ).set_index(["year", "country"])
        distinct = self._query(
            "publications",
            f"SELECT count(DISTINCT field) AS n FROM r WHERE {where} AND field <> 'all'",
            parameters,
        )
        totals = (per["declared"] if per["declared"].notna().any() else per["summed"]).dropna()
        totals = totals.astype("float64")
        years = _complete_years(totals.groupby(level="year").sum()).index
        totals = totals[totals.index.get_level_values("year").isin(years)]
        # A source that lists at most N fields per country-year (OpenAlex group_by pages of
        # 200, uncursored) leaves out the smallest ones: they are below the Nth, not zero.
        listed = per["listed"].fillna(0)
        cap = int(listed.max()) if not listed.empty else 0
        censored = (listed == cap) & (int(distinct["n"].iloc[0]) > cap) & (cap >= 100)
        floor = (per["smallest"].astype("float64") / 2).where(censored, 0.0)
        fields = self._query(
            "publications",
            "SELECT year, country, field, count FROM r "
            f"WHERE {where} AND field <> 'all' AND list_contains(?, field)",
            [*parameters, self._needed_fields(taxonomy)],
        )
        fields = fields[fields["year"].isin(years)].reset_index(drop=True)
        fields = fields.astype({"year": "int64", "count": "float64"})
        vintage = _vintage(
            self._query(
                "publications", f"SELECT DISTINCT source, vintage FROM r WHERE {where}", parameters
            )
        )
        prepared = _Taxonomy(fields, totals, floor, censored, vintage, where, parameters)
        self._taxonomies[taxonomy] = prepared
        return prepared

    # ------------------------------------------------------------------ components
    def _science(self, priority: Priority) -> list[pd.DataFrame]:
        parts = []
        for taxonomy, codes in priority.fields.items():
            prepared = self._taxonomy(taxonomy)
            if prepared is None:
                continue
            keys = _field_keys(taxonomy, codes)
            mapped = prepared.fields[prepared.fields["field"].isin(keys)]
            if mapped.empty:
                continue
            observed = mapped.groupby(["year", "country"])["count"].sum()
            listed = mapped.groupby(["year", "country"])["field"].nunique()
            frame = pd.DataFrame({"total": prepared.totals})
            frame["observed"] = observed.reindex(frame.index).fillna(0.0)
            frame["listed"] = listed.reindex(frame.index).fillna(0).astype(int)
            # a field missing from a censored country-year: half its smallest listed count
            missing = (len(set(keys)) - frame["listed"]).clip(lower=0)
            censored = prepared.censored.reindex(frame.index).fillna(False).astype(bool)
            floor = prepared.floor.reindex(frame.index).fillna(0.0)
            frame["censored"] = np.where(censored, missing, 0)
            frame["value"] = frame["observed"] + frame["censored"] * floor
            frame = frame[frame["total"] > 0].reset_index()
            world = frame.groupby("year")["value"].transform("sum")
            frame["world_share"] = frame["value"] / world
            frame = _shrink(frame, "value", "total")
            frame["growth"] = _growth(frame, "value")
            frame["ranked"] = frame["total"] >= MIN_TOTAL["science"]
            parts.append(
                frame.assign(
                    priority=priority.id,
                    component="science",
                    basis=taxonomy,
                    vintage=prepared.vintage,
                )
            )
        return parts

    def _technology(self, priority: Priority) -> list[pd.DataFrame]:
        parts = []
        for taxonomy, codes in priority.tech_fields.items():
            rows = self.patents[
                (self.patents["taxonomy"] == taxonomy)
                & self.patents["country"].isin(self._countries)
            ]
            fields = rows[~rows["tech_field"].isin(["all", "unassigned"])]
            mapped = fields[fields["tech_field"].isin(_codes(codes))]
            if mapped.empty:
                continue
            listed = rows[rows["tech_field"] == "all"]
            total = (
                listed.groupby(["year", "country"])["families"].sum()
                if not listed.empty
                else fields.groupby(["year", "country"])["families"].sum()
            )
            count = mapped.groupby(["year", "country"])["families"].sum()
            frame = pd.DataFrame({"value": count, "total": total}).dropna().reset_index()
            frame = frame[frame["total"] > 0]
            years = _complete_years(frame.groupby("year")["value"].sum()).index
            frame = frame[frame["year"].isin(years)].reset_index(drop=True)
            world = frame.groupby("year")["value"].transform("sum")
            frame["world_share"] = frame["value"] / world
            frame = _shrink(frame, "value", "total")
            frame["ranked"] = frame["total"] >= MIN_TOTAL["technology"]
            parts.append(
                frame.assign(
                    priority=priority.id,
                    component="technology",
                    basis=taxonomy,
                    vintage=_vintage(mapped),
                )
            )
        return parts

    def trade_basket(self, trade: _Trade, products: Sequence[str]) -> pd.DataFrame:
        """Per country, in the classification's latest year: exports of a basket of
        products, world share, RCA (raw and shrunk), products with RCA ≥ 1, density and
        COG of the missing ones, export-weighted PCI."""
        basket = {p[:4] for p in products}
        frame = trade.frame
        total = frame.groupby(["year", "country"])["value_usd"].sum()
        inside = frame[frame["product"].isin(basket)]
        value = inside.groupby(["year", "country"])["value_usd"].sum()
        out = pd.DataFrame({"value": value, "total": total}).fillna(0.0).reset_index()
        out = out[out["total"] > 0].reset_index(drop=True)
        world = out.groupby("year")["value"].transform("sum")
        out["world_share"] = out["value"] / world
        out = _shrink(out, "value", "total", unit=TRADE_UNIT_USD)
        cells = trade.cells[trade.cells["product"].isin(basket)]
        grouped = cells.groupby(["year", "country"])
        missing = cells[cells["mcp"] == 0].groupby(["year", "country"])
        pci = self.pci
        weighted = inside.merge(
            pci[["product", "value"]].rename(columns={"value": "pci"})
            if not pci.empty
            else cells[["year", "country", "product", "pci"]],
            on=["product"] if not pci.empty else ["year", "country", "product"],
            how="inner",
        )
        weighted["pci_usd"] = weighted["pci"] * weighted["value_usd"]
        sums = weighted.groupby(["year", "country"])[["pci_usd", "value_usd"]].sum()
        mean_pci = (sums["pci_usd"] / sums["value_usd"]).where(sums["value_usd"] > 0)
        extra = pd.DataFrame(
            {
                "products_rca": grouped["mcp"].sum(),
                "density": missing["density"].mean(),
                "cog": missing["cog"].mean(),
                "mean_pci": mean_pci,
            }
        ).reset_index()
        out = out.merge(extra, on=["year", "country"], how="left")
        out["ranked"] = out["total"] >= MIN_TOTAL["trade"]
        return out

    def _trade_component(self, priority: Priority) -> list[pd.DataFrame]:
        parts = []
        for classification, codes in priority.products.items():
            trade = self.trade_data(classification)
            if trade is None:
                continue
            frame = self.trade_basket(trade, _codes(codes))
            vintage = trade.vintage
            if not self.pci.empty:
                vintage += f"; PCI {self.pci['vintage'].iloc[0]} ({int(self.pci['year'].iloc[0])})"
            parts.append(
                frame.assign(
                    priority=priority.id,
                    component="trade",
                    basis=classification,
                    vintage=vintage,
                )
            )
        return parts

    @cached_property
    def _gdp(self) -> pd.DataFrame:
        rows = self.indicators
        rows = rows[rows["indicator"].isin(_GDP) & rows["country"].isin(self._countries)]
        # one value per (country, year): the WDI's own over a bundled copy
        rows = rows.sort_values("source", key=lambda s: s != "wdi")
        return rows.drop_duplicates(["country", "year"])[["country", "year", "value"]]

    def _gdp_share(self, year: int) -> pd.Series:
        """Each country's share of world GDP (current USD): its GDP in ``year``, or in its
        latest year before it (at most three years before)."""
        gdp = self._gdp
        usable = gdp[(gdp["year"] <= year) & (gdp["year"] >= year - 3)]
        if usable.empty:
            return pd.Series(dtype=float)
        values = usable.sort_values("year").groupby("country")["value"].last()
        shares: pd.Series = values / values.sum()
        return shares

    def _indicator_frame(self, indicator: Indicator, universe: set[str]) -> pd.DataFrame | None:
        """One infrastructure indicator in its latest year: value, world share and
        intensity per country (countries it does not list: 0 or unknown, as declared)."""
        rows = self.indicators[self.indicators["indicator"] == indicator.indicator]
        if rows.empty:
            return None
        countries = rows[rows["country"].isin(self._countries)]
        if countries.empty:
            return None
        year = int(countries["year"].max())
        now = rows[rows["year"] == year]
        values = now[now["country"].isin(self._countries)].groupby("country")["value"].sum()
        world_rows = now[now["country"] == "WLD"]["value"]
        world = float(world_rows.iloc[0]) if not world_rows.empty else float(values.sum())
        if indicator.missing == "zero":
            values = values.reindex(sorted(set(values.index) | universe), fill_value=0.0)
        frame = pd.DataFrame({"country": values.index, "value": values.to_numpy()})
        frame["world_share"] = frame["value"] / world if world > 0 else np.nan
        if indicator.specialization:
            ratio = self.indicators[self.indicators["indicator"] == indicator.specialization]
            ratio = ratio[ratio["year"] == ratio["year"].max()] if not ratio.empty else ratio
            mine = ratio[ratio["country"].isin(self._countries)].set_index("country")["value"]
            base = ratio[ratio["country"] == "WLD"]["value"]
            if not base.empty and float(base.iloc[0]) > 0:
                frame["specialization"] = frame["country"].map(mine) / float(base.iloc[0])
            else:
                frame["specialization"] = np.nan
        else:
            gdp = self._gdp_share(year)
            frame["specialization"] = frame["world_share"] / frame["country"].map(gdp)
        frame["specialization_raw"] = frame["specialization"]
        frame["total"] = np.nan
        frame["year"] = year
        frame["ranked"] = frame["value"] > 0
        frame["vintage"] = _vintage(now)
        return frame

    def _infrastructure(self, priority: Priority, universe: set[str]) -> list[pd.DataFrame]:
        parts = []
        for indicator in priority.infrastructure:
            frame = self._indicator_frame(indicator, universe)
            if frame is None:
                continue
            parts.append(
                frame.assign(
                    priority=priority.id, component="infrastructure", basis=indicator.indicator
                )
            )
        if not parts:
            return []
        both = pd.concat(parts, ignore_index=True)
        combined = both.groupby("country").agg(
            world_share=("world_share", "mean"),
            specialization=("specialization", "mean"),
            year=("year", "max"),
        )
        combined["specialization_raw"] = combined["specialization"]
        combined = combined.reset_index()
        combined["value"] = np.nan
        combined["total"] = np.nan
        combined["ranked"] = combined["world_share"] > 0
        vintages = sorted({v for p in parts for v in str(p["vintage"].iloc[0]).split("; ")})
        combined = combined.assign(
            priority=priority.id,
            component="infrastructure",
            basis=_INFRASTRUCTURE_BASIS,
            vintage="; ".join(vintages),
        )
        return [*parts, combined]

    # ------------------------------------------------------------------ the figures
    @cached_property
    def _figures(self) -> pd.DataFrame:
        cached = self._load_cache()
        if cached is not None:
            return cached
        parts: list[pd.DataFrame] = []
        for priority in self.priorities.priorities:
            mine = self._science(priority) + self._technology(priority)
            mine += self._trade_component(priority)
            universe = {self.priorities.home}
            for part in mine:
                universe |= set(part.loc[part["ranked"].astype(bool), "country"])
            mine += self._infrastructure(priority, universe)
            parts += mine
        columns = _FIGURE_COLUMNS + _EXTRA_COLUMNS
        if not parts:
            figures = pd.DataFrame(columns=columns)
        else:
            figures = pd.concat([p.reindex(columns=columns) for p in parts], ignore_index=True)
        figures = figures.astype({"year": int, "ranked": bool})
        self._save_cache(figures)
        return figures

    def figures(self) -> pd.DataFrame:
        """Every figure, wide: priority, component, basis, year, country, value, total,
        world_share, specialization_raw, specialization (shrunk), ranked, vintage and the
        component's extras (growth, censored, products_rca, density, mean_pci, cog)."""
        return self._figures.copy()

    def table(self) -> pd.DataFrame:
        """Every figure, long: priority, component, basis, metric, year, country, value,
        vintage, ranked."""
        figures = self._figures
        metrics = ["value", "world_share", "specialization_raw", "specialization", *_EXTRA_COLUMNS]
        long = figures.melt(
            id_vars=["priority", "component", "basis", "year", "country", "ranked", "vintage"],
            value_vars=metrics,
            var_name="metric",
            value_name="figure",
        ).rename(columns={"figure": "value"})
        long = long[long["value"].notna()]
        return long[
            ["priority", "component", "basis", "metric", "year", "country", "value", "vintage",
             "ranked"]
        ].reset_index(drop=True)  # fmt: skip

    # ------------------------------------------------------------------ positions
    @property
    def _positions(self) -> pd.DataFrame:
        return self.cached_frame("positions", self._compute_positions)

    def _compute_positions(self) -> pd.DataFrame:
        figures = self._figures
        if figures.empty:
            return figures.assign(
                share_percentile=np.nan, specialization_percentile=np.nan, peer_percentile=np.nan,
                mass_rank=np.nan, countries=0, score=np.nan, primary=False,
            )  # fmt: skip
        keys = ["priority", "component", "basis"]
        last = figures.groupby(keys)["year"].transform("max")
        now = figures[figures["year"] == last].reset_index(drop=True)
        peers = set(self.priorities.peers) | {self.priorities.home}
        groups = [now[k] for k in keys]
        ranked = now["ranked"].astype(bool)
        now["share_percentile"] = _grouped_percentile(now["world_share"], ranked, groups)
        now["specialization_percentile"] = _grouped_percentile(
            now["specialization"], ranked, groups
        )
        now["peer_percentile"] = _grouped_percentile(
            now["world_share"], ranked & now["country"].isin(peers), groups
        )
        now["mass_rank"] = (
            now["world_share"].where(ranked).groupby(groups).rank(ascending=False, method="min")
        )
        now["countries"] = ranked.groupby(groups).transform("sum").astype(int)
        # the frontier of each group: the largest share among the ranked holders of 1 %,
        # the specialised ones first (as _leader)
        big = ranked & (now["world_share"] >= LEADER_MIN_SHARE)
        order = (
            now[big]
            .assign(specialised=now["specialization"] >= 1)
            .sort_values(["specialised", "world_share"], ascending=[False, False])
        )
        frontier = order.drop_duplicates(keys).set_index(keys)["world_share"]
        shares = pd.Series(
            frontier.reindex(pd.MultiIndex.from_frame(now[keys])).to_numpy(), index=now.index
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            mass = np.clip(1.0 + np.log10(now["world_share"] / shares) / MASS_DECADES, 0, 1)
        mass = mass.where(now["world_share"] > 0, 0.0).where(shares.notna(), 0.0)
        now["score"] = score_from(mass.to_numpy(), now["specialization"].to_numpy())
        positions = now
        positions["primary"] = False
        for (priority, component), group in positions.groupby(["priority", "component"]):
            basis = _primary_basis(str(component), group)
            chosen = (
                (positions["priority"] == priority)
                & (positions["component"] == component)
                & (positions["basis"] == basis)
            )
            positions.loc[chosen, "primary"] = True
        return positions

    def positions(self) -> pd.DataFrame:
        """Every country in the latest year of every (priority, component, basis): the
        figures with share_percentile, specialization_percentile, peer_percentile (share,
        among the peer group), mass_rank and countries (among the ranked), score (0–100)
        and ``primary`` (the basis that stands for the component)."""
        return self._positions.copy()

    @property
    def _leaders(self) -> pd.DataFrame:
        return self.cached_frame("leaders", self._compute_leaders)

    def _compute_leaders(self) -> pd.DataFrame:
        rows = []
        positions = self._positions
        for (priority, component, basis), group in positions.groupby(
            ["priority", "component", "basis"], sort=False
        ):
            leader = _leader(group)
            special = _most_specialised(group)
            rows.append(
                {
                    "priority": priority,
                    "component": component,
                    "basis": basis,
                    "year": int(group["year"].iloc[0]),
                    "primary": bool(group["primary"].iloc[0]),
                    "countries": int(group["countries"].iloc[0]),
                    "world_position": int(group["countries"].iloc[0]) >= WORLD_POSITION_MIN,
                    "leader": None if leader is None else str(leader["country"]),
                    "leader_share": np.nan if leader is None else float(leader["world_share"]),
                    "leader_value": np.nan if leader is None else float(leader["value"]),
                    "leader_specialization": (
                        np.nan if leader is None else float(leader["specialization"])
                    ),
                    "leader_specialised": bool(
                        leader is not None and float(leader["specialization"]) >= 1
                    ),
                    "most_specialised": None if special is None else str(special["country"]),
                    "most_specialised_value": (
                        np.nan if special is None else float(special["specialization"])
                    ),
                    "most_specialised_share": (
                        np.nan if special is None else float(special["world_share"])
                    ),
                    "vintage": str(group["vintage"].iloc[0]),
                }
            )
        return pd.DataFrame(rows)

    def leaders(self) -> pd.DataFrame:
        """Per (priority, component, basis): the year, how many countries are ranked and
        whether that is a world position, the leader (frontier by mass among specialised
        countries with ≥ 1 % of the world) with its share, value and specialization, and
        the most specialised country (among those with ≥ 1 %), with the vintage."""
        return self._leaders.copy()

    def scores(self) -> pd.DataFrame:
        """The primary basis of every (priority, component): one row per country with its
        score (0–100), value, world share, specialization (raw and shrunk), percentiles,
        mass rank, countries ranked, year and vintage."""
        positions = self._positions
        primary = positions[positions["primary"]]
        return primary.drop(columns=["primary"]).reset_index(drop=True)

    def gaps(self, country: str | None = None, priority: str | None = None) -> pd.DataFrame:
        """The home country's (or ``country``'s) position per priority and component, on
        the component's primary basis: value, world share, mass rank among the ranked
        countries, specialization (shrunk, and raw), percentiles (with the number of
        countries and whether that is a world position), the gap to the frontier, the
        frontier (leader) and the most specialised country, the year and the vintage."""
        country = country or self.priorities.home
        self.require()
        if priority is not None:
            self.priorities.priority(priority)
        scores = self.scores()
        leaders = self._leaders.set_index(["priority", "component", "basis"])
        rows = []
        for prio in self.priorities.priorities:
            if priority is not None and prio.id != priority:
                continue
            for component in COMPONENTS:
                group = scores[(scores["priority"] == prio.id) & (scores["component"] == component)]
                if group.empty:
                    continue
                basis = str(group["basis"].iloc[0])
                lead = row_of(leaders, (prio.id, component, basis))
                mine = group[group["country"] == country]
                if mine.empty:
                    continue
                me = mine.iloc[0]
                share = float(me["world_share"])
                is_leader = lead["leader"] == country
                rows.append(
                    {
                        "priority": prio.id,
                        "component": component,
                        "basis": basis,
                        "year": int(me["year"]),
                        "value": float(me["value"]),
                        "world_share": share,
                        "mass_rank": float(me["mass_rank"]),
                        "countries": int(lead["countries"]),
                        "world_position": bool(lead["world_position"]),
                        "metric": SPECIALIZATION[component],
                        "specialization": float(me["specialization"]),
                        "specialization_raw": float(me["specialization_raw"]),
                        "share_percentile": float(me["share_percentile"]),
                        "specialization_percentile": float(me["specialization_percentile"]),
                        "peer_percentile": float(me["peer_percentile"]),
                        "score": float(me["score"]),
                        "gap": 0.0 if is_leader else gap_from_shares(share, lead["leader_share"]),
                        "leader": lead["leader"],
                        "leader_share": float(lead["leader_share"]),
                        "leader_value": float(lead["leader_value"]),
                        "leader_specialization": float(lead["leader_specialization"]),
                        "most_specialised": lead["most_specialised"],
                        "most_specialised_value": float(lead["most_specialised_value"]),
                        "most_specialised_share": float(lead["most_specialised_share"]),
                        "vintage": str(me["vintage"]),
                    }
                )
        return pd.DataFrame(rows)

    def absent(self, priority: str) -> dict[str, dict[str, str]]:
        """The components the priority has no evidence of, with the reason per language:
        those the priorities file declares absent, and those with no data in the store
        (reason empty)."""
        chosen = self.priorities.priority(priority)
        present = set(self.scores().query("priority == @priority")["component"])
        result = {c: dict(reason) for c, reason in chosen.absent.items()}
        for component in COMPONENTS:
            if component not in present and component not in result:
                result[component] = {}
        return result

    def require(self) -> None:
        """Raise :class:`MissingEvidenceError` naming what to load when the store holds no
        evidence for any component."""
        if self._positions.empty:
            raise MissingEvidenceError(
                "the evidence store has no publications, patents, exports or infrastructure "
                "indicators matching the priorities; load them with `vinculo data pull` "
                "(e.g. VINCULO_MIRROR=../shared/data vinculo data pull)"
            )

    # ------------------------------------------------------------------ all fields
    def science_fields(self) -> pd.DataFrame:
        """Every research field of the science basis (the finest taxonomy the store holds
        for at least :data:`WORLD_POSITION_MIN` ranked countries) in its latest complete
        year: ``taxonomy, year, country, field, works, total, activity_index`` (shrunk),
        ``activity_index_raw``, ``vintage``. Censored fields (below a country's listed
        ones) are left out, not imputed: this table says where a country is strong."""
        return self.cached_frame("science-fields", self._compute_science_fields)

    def _compute_science_fields(self) -> pd.DataFrame:
        columns = ["taxonomy", "year", "country", "field", "works", "total", "activity_index",
                   "activity_index_raw", "vintage"]  # fmt: skip
        for taxonomy in SCIENCE_BASES:
            prepared = self._taxonomy(taxonomy)
            if prepared is None or prepared.totals.empty:
                continue
            year = int(prepared.totals.index.get_level_values("year").max())
            totals = prepared.totals.xs(year, level="year")
            if int((totals >= MIN_TOTAL["science"]).sum()) < WORLD_POSITION_MIN:
                continue
            now = self._query(
                "publications",
                "SELECT country, field, count FROM r "
                f"WHERE {prepared.where} AND field <> 'all' AND year = ?",
                [*prepared.parameters, year],
            )
            now = now.assign(year=year, total=now["country"].map(totals))
            # a field a country has no work in says nothing of it (offers read it as 0)
            now = now[(now["total"] > 0) & (now["count"] > 0)]
            parts = []
            for _, rows in now.groupby("field"):
                result = shrunk_ratio(
                    rows["count"].to_numpy(dtype="float64"),
                    np.maximum(rows["total"].to_numpy(), rows["count"].to_numpy(dtype="float64")),
                    world_share=float(rows["count"].sum() / totals.sum()),
                )
                parts.append(
                    rows.assign(activity_index=result.ratio, activity_index_raw=result.raw)
                )
            found = pd.concat(parts, ignore_index=True).rename(columns={"count": "works"})
            return found.assign(taxonomy=taxonomy, vintage=prepared.vintage)[columns]
        return pd.DataFrame(columns=columns)

    # ------------------------------------------------------------------ the cache
    def trade_classifications(self) -> list[str]:
        """The classifications the priorities' trade baskets were computed in."""
        listed = self.memo.get("trade-classifications")
        if isinstance(listed, list):
            return list(listed)
        path = self._cache_path()
        if path is not None and (path / "trade.json").exists():
            try:
                found = [str(c) for c in json.loads((path / "trade.json").read_text())]
            except (OSError, ValueError):
                found = None
            if found is not None:
                self.memo["trade-classifications"] = found
                return list(found)
        _ = self._figures
        return sorted(c for c, trade in self._trade.items() if trade is not None)

    def cached_frame(self, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A frame computed once per model and kept in the cache folder beside the figures
        (same key: the evidence, the priorities and the model version)."""
        if name in self.memo:
            return self.memo[name]  # type: ignore[return-value]
        path = self._cache_path()
        file = path / f"{name}.parquet" if path is not None else None
        frame: pd.DataFrame | None = None
        if file is not None and file.exists():
            try:
                frame = pd.read_parquet(file)
            except (OSError, ValueError):
                frame = None
        if frame is None:
            frame = compute()
            if file is not None and path is not None and path.is_dir():
                handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=path)
                os.close(handle)
                try:
                    frame.to_parquet(temporary, index=False)
                    os.replace(temporary, file)
                except OSError:
                    Path(temporary).unlink(missing_ok=True)
        self.memo[name] = frame
        return frame

    def _cache_path(self) -> Path | None:
        if self.cache_folder is None:
            return None
        return Path(self.cache_folder) / self.fingerprint[:24]

    def _load_cache(self) -> pd.DataFrame | None:
        path = self._cache_path()
        if path is None or not (path / "figures.parquet").exists():
            return None
        try:
            figures = pd.read_parquet(path / "figures.parquet")
            listed = json.loads((path / "trade.json").read_text())
        except (OSError, ValueError, KeyError):
            return None  # a damaged cache is recomputed
        self.memo["trade-classifications"] = list(listed)
        return figures

    def _load_trade(self, classification: str) -> _Trade | None:
        """One classification's trade from the cache, or None."""
        path = self._cache_path()
        if path is None or not (path / f"trade-{classification}.json").exists():
            return None
        try:
            frame = pd.read_parquet(path / f"trade-{classification}.parquet")
            cells = pd.read_parquet(path / f"cells-{classification}.parquet")
            meta = json.loads((path / f"trade-{classification}.json").read_text())
        except (OSError, ValueError, KeyError):
            return None
        return _Trade(classification, int(meta["year"]), frame, cells, str(meta["vintage"]))

    def _save_cache(self, figures: pd.DataFrame) -> None:
        path = self._cache_path()
        if path is None or path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        try:
            figures.to_parquet(staging / "figures.parquet", index=False)
            computed = sorted(c for c, trade in self._trade.items() if trade is not None)
            (staging / "trade.json").write_text(json.dumps(computed))
            for classification, trade in self._trade.items():
                if trade is None:
                    continue
                trade.frame.to_parquet(staging / f"trade-{classification}.parquet", index=False)
                trade.cells.to_parquet(staging / f"cells-{classification}.parquet", index=False)
                (staging / f"trade-{classification}.json").write_text(
                    json.dumps({"year": trade.year, "vintage": trade.vintage})
                )
            os.replace(staging, path)  # atomic: a reader sees all of it or none
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)


def row_of(frame: pd.DataFrame, key: Any) -> pd.Series:
    """The row of ``frame`` at ``key`` (a label, or a tuple of a MultiIndex), as a Series:
    the first when the key repeats."""
    found = frame.loc[key]
    if isinstance(found, pd.DataFrame):
        return found.iloc[0]
    assert isinstance(found, pd.Series)
    return found


def _grouped_percentile(values: pd.Series, mask: pd.Series, groups: list[pd.Series]) -> pd.Series:
    """:func:`percentile` of ``values`` where ``mask`` holds, within each group."""
    chosen = values.where(mask)
    grouped = chosen.groupby(groups)
    ranks = grouped.rank(method="average")
    count = grouped.transform("count")
    result = ((ranks - 1) / (count - 1) * 100.0).where(count > 1, 50.0)
    return result.where(mask & values.notna())


def _leader(group: pd.DataFrame) -> pd.Series | None:
    """The frontier: the largest world share among ranked countries that hold at least
    :data:`LEADER_MIN_SHARE` and are specialised (ratio ≥ 1); among those holding the
    share when none is specialised; None when no country holds it."""
    big = group[group["ranked"].astype(bool) & (group["world_share"] >= LEADER_MIN_SHARE)]
    if big.empty:
        return None
    specialised = big[big["specialization"] >= 1]
    pool = specialised if not specialised.empty else big
    return row_of(pool, pool["world_share"].idxmax())


def _most_specialised(group: pd.DataFrame) -> pd.Series | None:
    big = group[
        group["ranked"].astype(bool)
        & (group["world_share"] >= LEADER_MIN_SHARE)
        & group["specialization"].notna()
    ]
    if big.empty:
        return None
    return row_of(big, big["specialization"].idxmax())


def _primary_basis(component: str, group: pd.DataFrame) -> str:
    """The basis that stands for a component: the finest science taxonomy with enough
    ranked countries; the trade classification reaching the latest year; the combined
    infrastructure indicators."""
    ranked = group.groupby("basis").agg(countries=("countries", "max"), year=("year", "max"))
    if component == "science":
        for basis in SCIENCE_BASES:
            if basis in ranked.index and int(ranked["countries"][basis]) >= WORLD_POSITION_MIN:
                return basis
        return str(ranked["countries"].idxmax())
    if component == "trade":
        best = ranked.sort_values(["year", "countries"], ascending=False)
        return str(best.index[0])
    if component == "infrastructure" and _INFRASTRUCTURE_BASIS in ranked.index:
        return _INFRASTRUCTURE_BASIS
    return str(ranked["countries"].idxmax())
