"""The Atlas of Economic Complexity's published rankings: country ECI and product PCI.

The staged folder ``atlas_complexity_rankings`` holds the Growth Lab's published values as
packaged by the R package ``complexitydata`` (``aiti-flinders/complexitydata``):

* ``eci_hs92_1995_2022.csv`` (current release, package commit of 2025-02-10) and
  ``eci_hs92_1994_2021_prev_release.csv`` (previous release, 2024-06-26): the HS92 ECI of
  each country and year, stored in ``country_indicators`` as indicator ``atlas_eci_hs92``,
  the two releases as **two vintages of one dataset** (``atlas-eci-hs92``), both queryable;
* ``eci_sitc_1962_2021.csv``: the SITC ECI, indicator ``atlas_eci_sitc``;
* ``pci_hs92_4digit_1995_2022.csv.gz``: the PCI of each HS92 4-digit product and year, in
  ``product_indicators`` as indicator ``atlas_pci`` (classification ``hs92``).

These are the reference the indicator engine is compared with, and the published figures a
brief may quote beside Vínculo's own. Per the package's notes, ``0`` in 1995–1999 marks a
country "not yet ranked" in the current release: those rows are skipped (31 rows), as are
empty values and the Atlas's ``ANS`` ("undeclared", not a location). Every skip is counted
in the log (logger ``vinculo.evidence.sources.atlas_rankings``, INFO).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from vinculo.evidence.sources._checks import country_codes, numbers, present, store_rows
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, TableSource, read_table

__all__ = ["STAGED", "import_eci", "import_pci"]

logger = logging.getLogger(__name__)

# Atlas location codes that are not places: skipped, never stored as countries.
NOT_LOCATIONS = {"ANS": "undeclared"}

_CURRENT = "complexitydata-2025-02-10"
_PREVIOUS = "complexitydata-2024-06-26"


def _read(
    path: str | Path, columns: tuple[str, ...], text: tuple[str, ...]
) -> tuple[pd.DataFrame, TableSource]:
    try:
        frame, source = read_table(path, text_columns=text)
    except TableError as error:
        raise EvidenceError(str(error)) from None
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise EvidenceError(
            f"{path}: column(s) {absent} not found; the file has {list(frame.columns)}"
        )
    if frame.empty:
        raise EvidenceError(f"{path}: no rows")
    return frame, source


def _years(frame: pd.DataFrame, source: TableSource) -> pd.Series:
    return numbers(present(frame["year"], source, "year"), source, "year", whole=True)


def import_eci(
    store: EvidenceStore,
    path: str | Path,
    *,
    column: str,
    indicator: str,
    vintage: str,
    zero_is_missing: bool = False,
) -> ImportResult:
    """Import one published ECI file (``year, country_code, <column>``) into
    ``country_indicators``; errors name the file, line and column."""
    frame, source = _read(path, ("year", "country_code", column), ("country_code",))
    codes = present(frame["country_code"], source, "country_code").str.strip()
    undeclared = codes.isin(list(NOT_LOCATIONS)).to_numpy()
    values = numbers(frame[column], source, column, negative=True)
    empty = values.isna().to_numpy()
    zero = (values == 0).to_numpy() if zero_is_missing else np.zeros(len(frame), dtype=bool)
    keep = ~(undeclared | empty | zero)
    if (~keep).any():
        logger.info(
            "%s: skipped %d undeclared-location row(s), %d empty value(s), %d zero(s) "
            "meaning 'not ranked'",
            path,
            int(undeclared.sum()),
            int((empty & ~undeclared).sum()),
            int((zero & ~undeclared).sum()),
        )
    kept = frame.loc[keep]
    rows = pd.DataFrame(
        {
            "year": _years(kept, source).astype("int64"),
            "country": country_codes(codes[keep], source, "country_code", "iso3"),
            "indicator": indicator,
            "value": values[keep],
        }
    )
    if rows.duplicated(["year", "country"]).any():
        raise EvidenceError(f"{path}: a country appears twice in a year")
    name = indicator.replace("_", "-")
    return store_rows(
        store, "country_indicators", rows, source, source="atlas", vintage=vintage, name=name
    )


def import_pci(store: EvidenceStore, path: str | Path) -> ImportResult:
    """Import the published HS92 4-digit PCI into ``product_indicators``."""
    columns = ("year", "hs_product_code", "product_complexity_index")
    frame, source = _read(path, columns, ("hs_product_code",))
    products = present(frame["hs_product_code"], source, "hs_product_code").str.strip()
    rows = pd.DataFrame(
        {
            "year": _years(frame, source).astype("int64"),
            "product": products,
            "classification": "hs92",
            "indicator": "atlas_pci",
            "value": numbers(
                present(frame[columns[2]], source, columns[2]), source, columns[2], negative=True
            ),
        }
    )
    if rows.duplicated(["year", "product"]).any():
        raise EvidenceError(f"{path}: a product appears twice in a year")
    return store_rows(
        store,
        "product_indicators",
        rows,
        source,
        source="atlas",
        vintage=_CURRENT,
        name="atlas-pci",
    )


def _previous_eci(store: EvidenceStore, path: str | Path) -> ImportResult:
    return import_eci(store, path, column="hs_eci", indicator="atlas_eci_hs92", vintage=_PREVIOUS)


def _current_eci(store: EvidenceStore, path: str | Path) -> ImportResult:
    return import_eci(
        store,
        path,
        column="hs_eci",
        indicator="atlas_eci_hs92",
        vintage=_CURRENT,
        zero_is_missing=True,
    )


def _sitc_eci(store: EvidenceStore, path: str | Path) -> ImportResult:
    return import_eci(store, path, column="sitc_eci", indicator="atlas_eci_sitc", vintage=_CURRENT)


_FOLDER = "atlas_complexity_rankings"
# The previous release first: the latest import of a dataset is what rows() returns.
STAGED = [
    (f"{_FOLDER}/eci_hs92_1994_2021_prev_release.csv", _previous_eci),
    (f"{_FOLDER}/eci_hs92_1995_2022.csv", _current_eci),
    (f"{_FOLDER}/eci_sitc_1962_2021.csv", _sitc_eci),
    (f"{_FOLDER}/pci_hs92_4digit_1995_2022.csv.gz", import_pci),
]
