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

The Growth Lab's own files, 1995–2024
-------------------------------------
The staged folder ``atlas_growth_lab_eci_pci_1995_2024`` holds two files of the Growth Lab's
Harvard Dataverse datasets (byte-identical copies found in public repositories; the folder's
README gives them):

* ``growth_proj_eci_rankings.csv`` ("Growth Projections and Complexity Rankings",
  doi:10.7910/DVN/XTAQMC): ``country_iso3_code, year, in_rankings, eci_hs92, eci_hs12,
  eci_sitc`` (and ranks, growth projections, not imported). :func:`import_growth_lab_eci`
  stores each ECI column in ``country_indicators`` as ``atlas_eci_hs92``,
  ``atlas_eci_hs12`` and ``atlas_eci_sitc``, source ``atlas``, in the **same datasets** as
  the complexitydata files (``atlas-eci-hs92``, ``atlas-eci-sitc``; new ``atlas-eci-hs12``),
  so they are those datasets' latest vintage.
* ``hs92_product_year_4.csv`` ("International Trade Data (HS92)", doi:10.7910/DVN/T4CHWJ):
  world totals per HS92 4-digit product and year, ``product_hs92_code, year,
  export_value, pci``. :func:`import_growth_lab_products` stores ``pci`` as ``atlas_pci``
  (dataset ``atlas-pci``, its latest vintage) and ``export_value`` (current US dollars) as
  ``world_export_value_usd`` (dataset ``world-export-value-usd``), classification
  ``hs92``, product codes as 4-character text (``0101``; a code that lost its leading zero,
  ``101``, is read as ``0101``). ``XXXX`` ("Trade data discrepancies", not a good: the
  Atlas's exports import skips it too, :data:`vinculo.evidence.sources.atlas.NON_PRODUCTS`)
  is skipped and counted: 30 rows, one per year.

What the columns mean is as the Growth Lab's column dictionary says
(``atlas_common_data/data/downloads/column_metadata.csv`` in the PyPI package
``atlas-common-data`` 1.1.1, Harvard Growth Lab, Apache-2.0, read 2026): ``in_rankings``
"Flags if a country meets trade volume, population, and data quality requirements to be
included in current Growth Lab rankings analysis"; ECI and PCI are given to 3 decimals;
``export_value`` is "Export value in current USD".

**in_rankings.** Only rows with ``in_rankings`` true are stored; false rows are skipped and
counted. The indicators mean "the Atlas's published ECI", and the Atlas publishes rankings
for the countries passing its filters (145 in this release; the complexitydata current
release held the same 145): a value computed for a country outside the ranking would enter
a country comparison the Growth Lab itself leaves it out of. Every row of the staged file
is true, so nothing is skipped there. A value other than true/false is an error. A ``0``
here is a value (rounded to 3 decimals; DOM's 2007 SITC ECI is ``0.000``, rank 74), not
"not ranked"; empty values (``eci_hs12`` before 2012) are skipped and counted.

**Vintage.** ``growth-lab-dataverse-<last year>``: the last year the file covers (2024 for
both staged files, so ``growth-lab-dataverse-2024``). The Dataverse version the copies were
taken from is not recorded by the repositories they come from; the last data year is the
one release marker the files themselves carry (the README calls it "the newest Atlas
release (2025/2026 update)"). A re-download covering 2025 would be a new vintage.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from vinculo.evidence.sources._checks import (
    country_codes,
    numbers,
    present,
    row_error,
    store_rows,
)
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, TableSource, read_table

__all__ = [
    "DOWNLOADS",
    "STAGED",
    "import_eci",
    "import_growth_lab_eci",
    "import_growth_lab_products",
    "import_pci",
]

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


# ---------------------------------------------------------------- the Growth Lab's files
_TRUE, _FALSE = {"true", "1"}, {"false", "0"}
_NOT_GOODS = {"XXXX": "Trade data discrepancies"}  # as atlas.NON_PRODUCTS names it


def _vintage(years: pd.Series) -> str:
    return f"growth-lab-dataverse-{int(years.max())}"


def import_growth_lab_eci(
    store: EvidenceStore, path: str | Path, *, column: str, indicator: str
) -> ImportResult:
    """Import one ECI column of ``growth_proj_eci_rankings.csv`` into
    ``country_indicators`` (module docstring: rows with ``in_rankings`` true, empty values
    skipped, vintage ``growth-lab-dataverse-<last year>``, dataset name = ``indicator`` with
    dashes). Errors name the file, the line and the column; the store is left unchanged.
    """
    columns = ("country_iso3_code", "year", "in_rankings", column)
    frame, source = _read(path, columns, ("country_iso3_code", "in_rankings"))
    years = _years(frame, source)
    flag = present(frame["in_rankings"], source, "in_rankings").str.strip().str.lower()
    odd = frame.index[~flag.isin(_TRUE | _FALSE).to_numpy()]
    if len(odd):
        shown = frame["in_rankings"].loc[odd[0]]
        raise row_error(source, odd, "in_rankings", f"not true or false ({shown!r})")
    ranked = flag.isin(_TRUE).to_numpy()
    codes = present(frame["country_iso3_code"], source, "country_iso3_code").str.strip()
    undeclared = codes.isin(list(NOT_LOCATIONS)).to_numpy()
    values = numbers(frame[column], source, column, negative=True)
    empty = values.isna().to_numpy()
    keep = ranked & ~undeclared & ~empty
    if (~keep).any():
        logger.info(
            "%s: %s: skipped %d row(s) outside the rankings (in_rankings false), %d "
            "undeclared-location row(s), %d empty value(s)",
            path,
            column,
            int((~ranked).sum()),
            int((undeclared & ranked).sum()),
            int((empty & ranked & ~undeclared).sum()),
        )
    iso3 = country_codes(codes[~undeclared], source, "country_iso3_code", "iso3")
    rows = pd.DataFrame(
        {
            "year": years[keep].astype("int64"),
            "country": iso3.reindex(frame.index)[keep],
            "indicator": indicator,
            "value": values[keep],
        }
    )
    twice = rows.index[rows.duplicated(["year", "country"], keep=False).to_numpy()]
    if len(twice):
        raise row_error(source, twice, "country_iso3_code", "a country appears twice in a year")
    if rows.empty:
        raise EvidenceError(f"{path}: column {column!r}: no ranked country has a value")
    return store_rows(
        store,
        "country_indicators",
        rows,
        source,
        source="atlas",
        vintage=_vintage(years),
        name=indicator.replace("_", "-"),
    )


def import_growth_lab_products(
    store: EvidenceStore, path: str | Path, *, column: str, indicator: str
) -> ImportResult:
    """Import one column of ``hs92_product_year_4.csv`` (world totals per HS92 4-digit
    product and year) into ``product_indicators`` (module docstring: ``XXXX`` skipped,
    vintage ``growth-lab-dataverse-<last year>``, dataset name = ``indicator`` with
    dashes). Errors name the file, the line and the column; the store is left unchanged.
    """
    columns = ("product_hs92_code", "year", column)
    frame, source = _read(path, columns, ("product_hs92_code",))
    years = _years(frame, source)
    products = present(frame["product_hs92_code"], source, "product_hs92_code").str.strip()
    products = products.where(~products.str.fullmatch(r"\d{3}"), "0" + products)
    not_goods = products.isin(list(_NOT_GOODS)).to_numpy()
    bad = frame.index[(~products.str.fullmatch(r"\d{4}") & ~not_goods).to_numpy()]
    if len(bad):
        shown = sorted({str(products.loc[r]) for r in bad[:5]})
        raise row_error(
            source, bad, "product_hs92_code", f"not an HS92 4-digit product code {shown}"
        )
    values = numbers(
        present(frame[column], source, column), source, column, negative=column == "pci"
    )
    if not_goods.any():
        logger.info(
            "%s: %s: skipped %d row(s) of codes that are no HS good %s",
            path,
            column,
            int(not_goods.sum()),
            sorted(set(products[not_goods])),
        )
    keep = ~not_goods
    rows = pd.DataFrame(
        {
            "year": years[keep].astype("int64"),
            "product": products[keep],
            "classification": "hs92",
            "indicator": indicator,
            "value": values[keep],
        }
    )
    twice = rows.index[rows.duplicated(["year", "product"], keep=False).to_numpy()]
    if len(twice):
        raise row_error(source, twice, "product_hs92_code", "a product appears twice in a year")
    return store_rows(
        store,
        "product_indicators",
        rows,
        source,
        source="atlas",
        vintage=_vintage(years),
        name=indicator.replace("_", "-"),
    )


def _growth_lab_eci(column: str, indicator: str) -> Callable[[EvidenceStore, Path], ImportResult]:
    def importer(store: EvidenceStore, path: Path) -> ImportResult:
        return import_growth_lab_eci(store, path, column=column, indicator=indicator)

    return importer


def _growth_lab_products(
    column: str, indicator: str
) -> Callable[[EvidenceStore, Path], ImportResult]:
    def importer(store: EvidenceStore, path: Path) -> ImportResult:
        return import_growth_lab_products(store, path, column=column, indicator=indicator)

    return importer


_FOLDER = "atlas_complexity_rankings"
_GROWTH_LAB = "atlas_growth_lab_eci_pci_1995_2024"
_ECI_FILE = "growth_proj_eci_rankings.csv"
_PRODUCT_FILE = "hs92_product_year_4.csv"
_ECI_COLUMNS = (
    ("eci_hs92", "atlas_eci_hs92"),
    ("eci_hs12", "atlas_eci_hs12"),
    ("eci_sitc", "atlas_eci_sitc"),
)
_PRODUCT_COLUMNS = (("pci", "atlas_pci"), ("export_value", "world_export_value_usd"))
_GROWTH_LAB_ECI = [_growth_lab_eci(c, i) for c, i in _ECI_COLUMNS]
_GROWTH_LAB_PRODUCTS = [_growth_lab_products(c, i) for c, i in _PRODUCT_COLUMNS]
# Oldest first: the latest import of a dataset is what rows() returns, so the previous
# complexitydata release, then the current one, then the Growth Lab's 1995-2024 files. Each
# Growth Lab file is listed once per column it holds (one dataset per indicator).
STAGED = [
    (f"{_FOLDER}/eci_hs92_1994_2021_prev_release.csv", _previous_eci),
    (f"{_FOLDER}/eci_hs92_1995_2022.csv", _current_eci),
    (f"{_FOLDER}/eci_sitc_1962_2021.csv", _sitc_eci),
    (f"{_FOLDER}/pci_hs92_4digit_1995_2022.csv.gz", import_pci),
    *((f"{_GROWTH_LAB}/{_ECI_FILE}", importer) for importer in _GROWTH_LAB_ECI),
    *((f"{_GROWTH_LAB}/{_PRODUCT_FILE}", importer) for importer in _GROWTH_LAB_PRODUCTS),
]

# (public address, path below a mirror or the download cache, importer): the two Growth
# Lab files as Harvard Dataverse serves them. The file ids are those two public download
# scripts use (found with a code search, 2026: 13685116 for hs92_product_year_4.csv of
# doi:10.7910/DVN/T4CHWJ, described there as "v18", 1995-2024; 13439575 for
# growth_proj_eci_rankings.csv of doi:10.7910/DVN/XTAQMC; repositories not named by the index);
# not checked against Dataverse itself, and a file id changes when a dataset version
# replaces the file: check them on the dataset pages.
_DATAVERSE = "https://dataverse.harvard.edu/api/access/datafile"
DOWNLOADS: list[tuple[str, str, Callable[[EvidenceStore, Path], ImportResult]]] = [
    *((f"{_DATAVERSE}/13439575", f"atlas_rankings/{_ECI_FILE}", i) for i in _GROWTH_LAB_ECI),
    *((f"{_DATAVERSE}/13685116", f"atlas_hs92/{_PRODUCT_FILE}", i) for i in _GROWTH_LAB_PRODUCTS),
]
