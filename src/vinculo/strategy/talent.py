"""Talent, mobility and the diaspora with one partner (issue #13, first step): the
scholarships the home country funds there and the scholars moving between the two, with
the vintages they come from. Aggregates only: the store holds no person.

:func:`talent_with` reads the canonical ``scholarships`` table (CONACYT's scholarships
abroad, :mod:`vinculo.evidence.sources.conacyt_becas`) and ``scholar_migration`` (MPIDR's
flows from Scopus affiliations, :mod:`vinculo.evidence.sources.scholar_migration`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from vinculo.evidence.store import EvidenceStore

__all__ = ["Talent", "talent_with"]

_TOP = 10


@dataclass(frozen=True)
class Talent:
    """What the evidence says of talent flows between ``home`` and ``host``.

    ``by_year``: year, scholarships (paid in the year: a stock), new_starts, amount_mxn,
    partial (True for a year the source covers in part: 2023 is January-June).
    ``by_level`` and ``by_area``: the same counts summed over the years, per level / area.
    ``institutions``: the top destination institutions by scholarships (name as
    published, ROR id where matched). ``migration``: per period, outflow (home → host),
    inflow (host → home) and net (inflow − outflow); a direction the source does not list
    is read as zero. ``vintages``: source → vintage(s) of the rows used.
    """

    home: str
    host: str
    by_year: pd.DataFrame
    by_level: pd.DataFrame
    by_area: pd.DataFrame
    institutions: pd.DataFrame
    migration: pd.DataFrame
    vintages: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.by_year.empty and self.migration.empty

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for JSON)."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            clean = frame.astype(object)
            clean = clean.where(frame.notna(), None)  # type: ignore[call-overload]
            return [dict(r) for r in clean.to_dict(orient="records")]

        return {
            "home": self.home,
            "host": self.host,
            "vintages": self.vintages,
            "scholarships_by_year": records(self.by_year),
            "scholarships_by_level": records(self.by_level),
            "scholarships_by_area": records(self.by_area),
            "top_institutions": records(self.institutions),
            "migration": records(self.migration),
        }


def _store(model_or_store: Any) -> EvidenceStore:
    store = getattr(model_or_store, "store", model_or_store)
    if not isinstance(store, EvidenceStore):
        raise TypeError(f"expected an EvidenceStore or a model holding one, not {store!r}")
    return store


def _vintages(frame: pd.DataFrame) -> dict[str, str]:
    if frame.empty:
        return {}
    grouped = frame.groupby("source")["vintage"].unique()
    return {str(s): ", ".join(sorted(map(str, v))) for s, v in grouped.items()}


_COUNTS = ["scholarships", "new_starts", "amount_mxn"]


def talent_with(model_or_store: Any, home: str, host: str, *, top: int = _TOP) -> Talent:
    """Scholarships ``home`` funds in ``host`` (per year, level, area and institution) and
    scholars' migration between them per period, from the latest datasets in the store.

    ``model_or_store``: an :class:`~vinculo.evidence.store.EvidenceStore` or anything with
    a ``store`` attribute holding one (the capability model). Tables without rows give
    empty frames (the store may not hold these sources yet).
    """
    store = _store(model_or_store)
    home, host = home.upper(), host.upper()
    sql, parameters = store.rows_sql("scholarships")
    grants = store.execute(
        f"SELECT * FROM ({sql}) WHERE home = ? AND country = ?", [*parameters, home, host]
    )
    by_year = grants.groupby("year", as_index=False)[_COUNTS].sum(min_count=1)
    by_year["year"] = by_year["year"].astype("int64")
    # the CONACYT lists cover 2023 from January to June only
    by_year["partial"] = by_year["year"] >= 2023
    by_level = grants.groupby("level", as_index=False)[_COUNTS[:2]].sum()
    by_level = by_level.sort_values("scholarships", ascending=False, ignore_index=True)
    by_area = grants.groupby("area", as_index=False)[_COUNTS[:2]].sum()
    by_area = by_area.sort_values("scholarships", ascending=False, ignore_index=True)
    named = grants.dropna(subset=["institution"])
    institutions = (
        named.groupby(["institution"], as_index=False)
        .agg(
            ror_id=("ror_id", "first"),
            scholarships=("scholarships", "sum"),
            new_starts=("new_starts", "sum"),
        )
        .sort_values(["scholarships", "institution"], ascending=[False, True])
        .head(top)
        .reset_index(drop=True)
    )

    sql, parameters = store.rows_sql("scholar_migration")
    flows = store.execute(
        f"SELECT * FROM ({sql}) WHERE (country_from = ? AND country_to = ?) "
        "OR (country_from = ? AND country_to = ?)",
        [*parameters, home, host, host, home],
    )
    migration = _migration(flows, home)
    vintages = _vintages(pd.concat([grants[["source", "vintage"]], flows[["source", "vintage"]]]))
    return Talent(home, host, by_year, by_level, by_area, institutions, migration, vintages)


def _migration(flows: pd.DataFrame, home: str) -> pd.DataFrame:
    columns = ["period_start", "period_end", "outflow", "inflow", "net"]
    if flows.empty:
        return pd.DataFrame(columns=columns)
    outgoing = flows["country_from"].eq(home)
    flows = flows.assign(direction=outgoing.map({True: "outflow", False: "inflow"}))
    table = flows.pivot_table(
        index=["period_start", "period_end"],
        columns="direction",
        values="scholars",
        aggfunc="sum",
        fill_value=0.0,
    )
    table = table.reindex(columns=["outflow", "inflow"], fill_value=0.0).reset_index()
    table.columns.name = None
    table["net"] = table["inflow"] - table["outflow"]
    return table[columns].sort_values("period_start", ignore_index=True)
