"""The capability model: every country's position in every priority, in science,
technology and trade, on one scale, with the vintage of the data behind each figure.

For a priority *p* (its crosswalk of research fields *F*, technology fields *T* and products
*P*) and a country *c* in a year:

* science (publications in the fields of *F*): ``count`` (fractional where the source has
  it, else whole), ``world_share`` = count / world count, ``activity_index`` = (count /
  all the country's publications) / (world count / all publications), ``growth`` =
  compound annual growth of the count over the last five years;
* technology (patent families in *T*): ``count``, ``world_share``, ``rca`` = (families in
  *T* / all the country's families) / (world families in *T* / all families);
* trade (exports of *P*): ``value_usd``, ``world_share``, ``rca`` = (exports of *P* / all
  exports) / (world exports of *P* / world exports), ``products_rca`` = products of *P*
  with RCA ≥ 1, ``density`` = mean relatedness density of the products of *P* the country
  does not export with RCA ≥ 1 (how close it is to them), ``mean_pci`` = export-weighted
  product complexity of its exports of *P*, ``cog`` = mean complexity outlook gain of the
  products of *P* it does not export yet.

"The world" is the countries in the evidence (aggregates never count). Each (priority,
component, metric, year) is ranked across countries: ``percentile`` (0 to 100, the share
of countries with a lower value, ties counted half) against all countries and
``peer_percentile`` against the home country's peer group — among the countries above a
minimum size (:data:`MIN_TOTAL`: 1,000 publications, 100 patent families, USD 1 billion of
exports a year in all fields or products); smaller ones are shown, not ranked. The *gap* of
a component is
100 − the home country's percentile in its headline metric. Formulas and references:
docs/methods.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from vinculo.evidence.store import EvidenceStore
from vinculo.indicators import complexity
from vinculo.strategy.priorities import Code, Priorities, Priority

__all__ = [
    "COMPONENTS",
    "HEADLINE",
    "MIN_TOTAL",
    "CapabilityModel",
    "MissingEvidenceError",
    "percentile",
]

COMPONENTS = ("science", "technology", "trade")
# The metric that stands for a component in gaps, strength and complementarity: its
# specialization (activity index / RCA), read as a percentile.
HEADLINE = {"science": "activity_index", "technology": "rca", "trade": "rca"}
# The size metric beside it (a big, unspecialized producer is still a strong partner).
SIZE = {"science": "world_share", "technology": "world_share", "trade": "world_share"}

_GROWTH_YEARS = 5
# Below these yearly totals a country is shown but not ranked: ratios of tiny totals
# (a territory's few articles or exports) swing wildly and would lead every ranking.
MIN_TOTAL = {"science": 1_000.0, "technology": 100.0, "trade": 1e9}


class MissingEvidenceError(LookupError):
    """The evidence a computation needs is not in the store; the message names the
    dataset and the command that loads it."""


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


def _codes(entries: Iterable[Code]) -> list[str]:
    return [entry.code for entry in entries]


def _field_keys(taxonomy: str, entries: Iterable[Code]) -> list[str]:
    """Fields as the store spells them: OpenAlex ids without their ``fields/`` or
    ``subfields/`` prefix (the API's group keys are stored as bare numbers)."""
    if taxonomy.startswith("openalex"):
        return [entry.code.rsplit("/", 1)[-1] for entry in entries]
    return _codes(entries)


def _vintage(frame: pd.DataFrame) -> str:
    pairs = sorted(set(zip(frame["source"], frame["vintage"], strict=True)))
    return "; ".join(f"{source} {vintage}" for source, vintage in pairs)


@dataclass
class _Trade:
    """One classification's exports and its complexity results (all years)."""

    classification: str
    frame: pd.DataFrame  # year, country, product, value_usd
    cells: pd.DataFrame  # complexity cells: year, country, product, rca, mcp, density, cog, pci
    vintage: str


@dataclass
class CapabilityModel:
    """The capability of every country in every priority, computed from the store.

    >>> # model = CapabilityModel(store, default_priorities()); model.table()
    """

    store: EvidenceStore
    priorities: Priorities
    _trade: dict[str, _Trade | None] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ evidence
    @cached_property
    def _countries(self) -> set[str]:
        kinds = self.store.execute("SELECT code FROM locations WHERE kind = 'country'")
        return set(kinds["code"])

    @cached_property
    def publications(self) -> pd.DataFrame:
        return self.store.rows("publications")

    @cached_property
    def patents(self) -> pd.DataFrame:
        return self.store.rows("patents")

    @cached_property
    def exports(self) -> pd.DataFrame:
        return self.store.rows("exports")

    @cached_property
    def institutions(self) -> pd.DataFrame:
        return self.store.rows("institutions")

    def trade_data(self, classification: str) -> _Trade | None:
        """Exports in one classification (products cut to 4 digits) with their
        complexity indicators per year; None when the store has none."""
        if classification in self._trade:
            return self._trade[classification]
        rows = self.exports[self.exports["classification"] == classification]
        if rows.empty:
            self._trade[classification] = None
            return None
        # one source per classification: the one reaching the latest year (then the largest)
        reach = rows.groupby("source")["year"].agg(["max", "size"])
        chosen = reach.sort_values(["max", "size"], ascending=False).index[0]
        rows = rows[rows["source"] == chosen]
        vintage = _vintage(rows)
        frame = (
            rows.assign(product=rows["product"].str[:4])
            .groupby(["year", "country", "product"], as_index=False)["value_usd"]
            .sum()
        )
        frame = frame[frame["country"].isin(self._countries)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zero rows/columns dropped, per year: expected
            result = complexity(
                frame, time="year", location="country", item="product", value="value_usd"
            )
        cells = result.frame[["year", "country", "product", "rca", "mcp", "density", "cog", "pci"]]
        cells = cells.astype({"country": str, "product": str})
        trade = _Trade(classification, frame, cells, vintage)
        self._trade[classification] = trade
        return trade

    # ------------------------------------------------------------------ components
    def _science(self, priority: Priority) -> list[pd.DataFrame]:
        parts = []
        for taxonomy, codes in priority.fields.items():
            rows = self.publications[self.publications["taxonomy"] == taxonomy]
            if rows.empty:
                continue
            kind = "fractional" if (rows["count_type"] == "fractional").any() else "whole"
            rows = rows[(rows["count_type"] == kind) & rows["country"].isin(self._countries)]
            fields = rows[rows["field"] != "all"]
            mapped = fields[fields["field"].isin(_field_keys(taxonomy, codes))]
            if mapped.empty:
                continue
            totals = rows[rows["field"] == "all"]
            total = (
                totals.groupby(["year", "country"])["count"].sum()
                if not totals.empty
                else fields.groupby(["year", "country"])["count"].sum()
            )
            count = mapped.groupby(["year", "country"])["count"].sum()
            frame = pd.DataFrame({"count": count, "total": total}).dropna().reset_index()
            frame = frame[frame["total"] > 0]
            world = frame.groupby("year")[["count", "total"]].transform("sum")
            frame["world_share"] = frame["count"] / world["count"]
            frame["activity_index"] = (frame["count"] / frame["total"]) / (
                world["count"] / world["total"]
            )
            frame["growth"] = _growth(frame, "count")
            parts.append(
                _long(frame, priority.id, "science", ["count", "world_share", "activity_index",
                                                      "growth"], _vintage(mapped), taxonomy)
            )  # fmt: skip
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
            totals = rows[rows["tech_field"] == "all"]
            total = (
                totals.groupby(["year", "country"])["families"].sum()
                if not totals.empty
                else fields.groupby(["year", "country"])["families"].sum()
            )
            count = mapped.groupby(["year", "country"])["families"].sum()
            frame = pd.DataFrame({"count": count, "total": total}).dropna().reset_index()
            frame = frame[frame["total"] > 0]
            world = frame.groupby("year")[["count", "total"]].transform("sum")
            frame["world_share"] = frame["count"] / world["count"]
            frame["rca"] = (frame["count"] / frame["total"]) / (world["count"] / world["total"])
            parts.append(
                _long(frame, priority.id, "technology", ["count", "world_share", "rca"],
                      _vintage(mapped), taxonomy)
            )  # fmt: skip
        return parts

    def trade_basket(self, trade: _Trade, products: Sequence[str]) -> pd.DataFrame:
        """Per (year, country): exports, world share, RCA, products with RCA ≥ 1, density and
        COG of the missing ones, export-weighted PCI, of a basket of products."""
        basket = {p[:4] for p in products}
        frame = trade.frame
        total = frame.groupby(["year", "country"])["value_usd"].sum()
        inside = frame[frame["product"].isin(basket)]
        value = inside.groupby(["year", "country"])["value_usd"].sum()
        out = pd.DataFrame({"value_usd": value, "total": total}).fillna(0.0).reset_index()
        out = out[out["total"] > 0]
        world = out.groupby("year")[["value_usd", "total"]].transform("sum")
        out["world_share"] = out["value_usd"] / world["value_usd"]
        out["rca"] = (out["value_usd"] / out["total"]) / (world["value_usd"] / world["total"])
        cells = trade.cells[trade.cells["product"].isin(basket)]
        grouped = cells.groupby(["year", "country"])
        missing = cells[cells["mcp"] == 0].groupby(["year", "country"])
        weighted = cells.merge(inside, on=["year", "country", "product"], how="inner")
        weighted["pci_usd"] = weighted["pci"] * weighted["value_usd"]
        sums = weighted.groupby(["year", "country"])[["pci_usd", "value_usd"]].sum()
        pci = (sums["pci_usd"] / sums["value_usd"]).where(sums["value_usd"] > 0)
        extra = pd.DataFrame(
            {
                "products_rca": grouped["mcp"].sum(),
                "density": missing["density"].mean(),
                "cog": missing["cog"].mean(),
                "mean_pci": pci,
            }
        ).reset_index()
        return out.merge(extra, on=["year", "country"], how="left")

    def _trade_component(self, priority: Priority) -> list[pd.DataFrame]:
        parts = []
        for classification, codes in priority.products.items():
            trade = self.trade_data(classification)
            if trade is None:
                continue
            frame = self.trade_basket(trade, _codes(codes))
            metrics = ["value_usd", "world_share", "rca", "products_rca", "density", "mean_pci",
                       "cog"]  # fmt: skip
            parts.append(_long(frame, priority.id, "trade", metrics, trade.vintage, classification))
        return parts

    # ------------------------------------------------------------------ the table
    @cached_property
    def _table(self) -> pd.DataFrame:
        parts: list[pd.DataFrame] = []
        for priority in self.priorities.priorities:
            parts += self._science(priority)
            parts += self._technology(priority)
            parts += self._trade_component(priority)
        columns = ["priority", "component", "basis", "metric", "year", "country", "value",
                   "vintage", "ranked"]  # fmt: skip
        if not parts:
            return pd.DataFrame(columns=[*columns, "percentile", "peer_percentile"])
        table = pd.concat(parts, ignore_index=True)[columns]
        keys = ["priority", "component", "basis", "metric", "year"]
        ranked = table["ranked"].astype(bool)
        table["percentile"] = np.nan
        table.loc[ranked, "percentile"] = table[ranked].groupby(keys)["value"].transform(percentile)
        peers = set(self.priorities.peers) | {self.priorities.home}
        in_group = table["country"].isin(peers) & ranked
        table["peer_percentile"] = np.nan
        table.loc[in_group, "peer_percentile"] = _group_percentile(table[in_group], keys)
        return table

    def table(self) -> pd.DataFrame:
        """Every figure: priority, component, basis (taxonomy or classification), metric,
        year, country, value, vintage, ranked (large enough to rank), percentile,
        peer_percentile."""
        return self._table.copy()

    def latest(self, country: str | None = None) -> pd.DataFrame:
        """The figures of each (priority, component, basis) at its latest year with data
        for the home country (or ``country``)."""
        country = country or self.priorities.home
        table = self._table
        home = table[table["country"] == country]
        last = home.groupby(["priority", "component", "basis"])["year"].max().rename("last")
        merged = table.merge(last.reset_index(), on=["priority", "component", "basis"])
        return merged[merged["year"] == merged["last"]].drop(columns="last")

    def scores(self) -> pd.DataFrame:
        """Per (priority, component, country) at the home country's latest year of each
        basis: the component score, the mean of the headline (specialization) and size
        percentiles, with both values and the vintage."""
        return self._scores.copy()

    @cached_property
    def _scores(self) -> pd.DataFrame:
        latest = self.latest()
        rows = []
        for (priority, component, basis), group in latest.groupby(
            ["priority", "component", "basis"], sort=False
        ):
            wide = group.pivot_table(index="country", columns="metric", values="percentile")
            values = group.pivot_table(index="country", columns="metric", values="value")
            head, size = HEADLINE[str(component)], SIZE[str(component)]
            if head not in wide or size not in wide:
                continue
            score = wide[[head, size]].mean(axis=1)
            rows.append(
                pd.DataFrame(
                    {
                        "priority": priority,
                        "component": component,
                        "basis": basis,
                        "year": int(group["year"].iloc[0]),
                        "country": score.index,
                        "score": score.to_numpy(),
                        "specialization": values[head].reindex(score.index).to_numpy(),
                        "specialization_percentile": wide[head].to_numpy(),
                        "world_share": values[size].reindex(score.index).to_numpy(),
                        "vintage": group["vintage"].iloc[0],
                    }
                )
            )
        if not rows:
            return pd.DataFrame(
                columns=["priority", "component", "basis", "year", "country", "score",
                         "specialization", "specialization_percentile", "world_share", "vintage"]
            )  # fmt: skip
        return pd.concat(rows, ignore_index=True)

    def gaps(self, country: str | None = None, priority: str | None = None) -> pd.DataFrame:
        """The home country's (or ``country``'s) gap per priority and component: its
        headline metric, percentiles against all countries and the peer group, the gap
        (100 − percentile), the world leader and its value, the year and the vintage."""
        country = country or self.priorities.home
        self.require()
        latest = self.latest(country)
        if priority is not None:
            self.priorities.priority(priority)
            latest = latest[latest["priority"] == priority]
        rows = []
        for (prio, component, basis), group in latest.groupby(
            ["priority", "component", "basis"], sort=False
        ):
            metric = HEADLINE[str(component)]
            values = group[group["metric"] == metric].set_index("country")
            if country not in values.index:
                continue
            mine = values.loc[country]
            ranked = values[values["ranked"].astype(bool)]
            if ranked.empty:
                continue
            leader = ranked["value"].idxmax()
            shares = group[group["metric"] == SIZE[str(component)]].set_index("country")["value"]
            rows.append(
                {
                    "priority": prio,
                    "component": component,
                    "basis": basis,
                    "year": int(mine["year"]),
                    "metric": metric,
                    "value": float(mine["value"]),
                    "world_share": float(shares.get(country, np.nan)),
                    "percentile": float(mine["percentile"]),
                    "peer_percentile": float(mine["peer_percentile"]),
                    "gap": 100.0 - float(mine["percentile"]),
                    "leader": leader,
                    "leader_value": float(ranked["value"].max()),
                    "countries": len(ranked),
                    "vintage": mine["vintage"],
                }
            )
        return pd.DataFrame(rows)

    def require(self) -> None:
        """Raise :class:`MissingEvidenceError` naming what to load when the store holds no
        evidence for any component."""
        if self._table.empty:
            raise MissingEvidenceError(
                "the evidence store has no publications, patents or exports matching the "
                "priorities' fields, technology fields and products; load them with "
                "`vinculo data pull` (e.g. VINCULO_MIRROR=../shared/data vinculo data pull)"
            )


def _group_percentile(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """:func:`percentile` of ``value`` within each group of ``keys``, vectorized."""
    grouped = frame.groupby(keys)["value"]
    ranks = grouped.rank(method="average")
    n = grouped.transform("count")
    result = (ranks - 1) / (n - 1) * 100.0
    return result.where(n > 1, 50.0)


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


def _long(
    frame: pd.DataFrame,
    priority: str,
    component: str,
    metrics: list[str],
    vintage: str,
    basis: str,
) -> pd.DataFrame:
    frame = frame.assign(ranked=frame["total"] >= MIN_TOTAL[component])
    long = frame.melt(id_vars=["year", "country", "ranked"], value_vars=metrics, var_name="metric")
    long = long.dropna(subset=["value"])
    long = long[np.isfinite(long["value"].astype(float))]
    return long.assign(priority=priority, component=component, basis=basis, vintage=vintage)
