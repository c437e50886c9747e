"""GDP and population offline: the WDI cache bundled in the Growth Lab's ``atlas-common-data``.

The PyPI package ``atlas-common-data`` (Harvard Growth Lab, Apache-2.0; a dependency of
Vínculo) ships ``atlas_common_data/data/cache/wdi_data.parquet``: World Bank WDI series
for 210 economies, 1960–2024 in version 1.1.1, with the columns ``iso3_code, year,
country_id`` and one column per series under the package's own short names. Which WDI
series each short name is comes from the package's ``atlas_common_data/sources/wdi.py``
(``WDIData.WDI_INDICATORS``, version 1.1.1, read 2026), which fetches those codes from the
World Bank's API and falls back to this very file when the API fails:

=====================  =====================  ==========================================
column                 WDI code               the package's description
=====================  =====================  ==========================================
``gdp``                ``NY.GDP.MKTP.CD``     GDP, current USD
``gdppc``              ``NY.GDP.PCAP.CD``     GDP per capita, current USD
``gdp_ppp``            ``NY.GDP.MKTP.PP.CD``  GDP, PPP
``gdppc_ppp``          ``NY.GDP.PCAP.PP.CD``  GDP per capita, PPP
``gdp_const``          ``NY.GDP.MKTP.KD``     GDP, constant USD
``gdppc_const``        ``NY.GDP.PCAP.KD``     GDP per capita, constant USD
``gdp_ppp_const``      ``NY.GDP.MKTP.PP.KD``  GDP, PPP constant
``gdppc_ppp_const``    ``NY.GDP.PCAP.PP.KD``  GDP per capita, PPP constant
``population``         ``SP.POP.TOTL``        (comment: Population)
``current_account``    ``BN.CAB.XOKA.CD``     Current account balance
``exports_goods_bop``  ``BX.GSR.MRCH.CD``     Goods exports (BOP)
``imports_goods_bop``  ``BM.GSR.MRCH.CD``     Goods imports (BOP)
=====================  =====================  ==========================================

(descriptions from the docstrings of ``get_gdp_data`` and ``get_bop_data`` in the same
file.) The World Bank's own series titles and units were not checked here. Every column is
stored in ``country_indicators`` with ``indicator`` = its WDI code (as :mod:`.wdi` stores
the same series from the API, so both can be compared), source ``atlas-common-data``, one
dataset named ``wdi-cache``, vintage ``atlas-common-data-<installed version>``. The file
carries no WDI release date; the package version is the one marker of which copy it is
(the distribution's, from its metadata: the module's own ``__version__`` says ``0.3.0`` in
1.1.1).
Empty cells (a series not reported for a country and year) are skipped and counted; an ISO3
code the store does not know, a non-numeric value or a repeated (economy, year) is an error
naming the file, the row and the column.

The file is read where the package installed it (``pull`` imports it with the same offline
step in mirror and network modes): nothing is downloaded and nothing is copied.
"""

from __future__ import annotations

import logging
from importlib import metadata
from pathlib import Path

import pandas as pd

from vinculo.evidence.sources._checks import country_codes, numbers, present, store_rows
from vinculo.evidence.sources._checks import row_error as _fail
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, read_table

__all__ = [
    "BUNDLED",
    "COLUMNS",
    "DISTRIBUTION",
    "PACKAGE",
    "WDI_CACHE",
    "import_wdi_cache",
    "version",
]

logger = logging.getLogger(__name__)

PACKAGE = "atlas_common_data"  # the import name
DISTRIBUTION = "atlas-common-data"  # the name on PyPI
WDI_CACHE = "data/cache/wdi_data.parquet"  # below the package folder

# column -> WDI code, from atlas_common_data/sources/wdi.py (WDIData.WDI_INDICATORS, 1.1.1)
COLUMNS: dict[str, str] = {
    "gdp": "NY.GDP.MKTP.CD",
    "gdppc": "NY.GDP.PCAP.CD",
    "gdp_ppp": "NY.GDP.MKTP.PP.CD",
    "gdppc_ppp": "NY.GDP.PCAP.PP.CD",
    "gdp_const": "NY.GDP.MKTP.KD",
    "gdppc_const": "NY.GDP.PCAP.KD",
    "gdp_ppp_const": "NY.GDP.MKTP.PP.KD",
    "gdppc_ppp_const": "NY.GDP.PCAP.PP.KD",
    "population": "SP.POP.TOTL",
    "current_account": "BN.CAB.XOKA.CD",
    "exports_goods_bop": "BX.GSR.MRCH.CD",
    "imports_goods_bop": "BM.GSR.MRCH.CD",
}


def version() -> str:
    """The installed version of ``atlas-common-data``, or an error saying to install it."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise EvidenceError(
            f"the Python package {DISTRIBUTION} is not installed (pip install {DISTRIBUTION})"
        ) from None


def import_wdi_cache(
    store: EvidenceStore, path: str | Path, *, vintage: str | None = None
) -> ImportResult:
    """Import ``wdi_data.parquet`` into ``country_indicators``, one row per economy, year
    and series (module docstring). ``vintage`` defaults to
    ``atlas-common-data-<installed version>``. The whole file is checked before anything
    is written; a second import of the same file changes nothing.
    """
    try:
        frame, source = read_table(path, text_columns=("iso3_code",))
    except TableError as error:
        raise EvidenceError(str(error)) from None
    absent = [c for c in ("iso3_code", "year", *COLUMNS) if c not in frame.columns]
    if absent:
        raise EvidenceError(
            f"{path}: column(s) {absent} not found; the file has {list(frame.columns)}"
        )
    if frame.empty:
        raise EvidenceError(f"{path}: no rows")
    years = numbers(present(frame["year"], source, "year"), source, "year", whole=True)
    codes = present(frame["iso3_code"], source, "iso3_code")
    countries = country_codes(codes, source, "iso3_code", "iso3")
    twice = frame.index[
        pd.DataFrame({"c": countries, "y": years}).duplicated(keep=False).to_numpy()
    ]
    if len(twice):
        raise _fail(source, twice, "iso3_code", "the same economy and year appear twice")
    parts, empty = [], 0
    for column, code in COLUMNS.items():
        values = numbers(frame[column], source, column, negative=True)
        filled = values.notna().to_numpy()
        empty += int((~filled).sum())
        parts.append(
            pd.DataFrame(
                {
                    "year": years[filled].astype("int64"),
                    "country": countries[filled],
                    "indicator": code,
                    "value": values[filled],
                }
            )
        )
    rows = pd.concat(parts, ignore_index=True)
    logger.info("%s: %d empty cell(s) skipped (series not reported)", path, empty)
    return store_rows(
        store,
        "country_indicators",
        rows,
        source,
        source=DISTRIBUTION,
        vintage=vintage or f"{DISTRIBUTION}-{version()}",
        name="wdi-cache",
    )


BUNDLED = [(PACKAGE, WDI_CACHE, import_wdi_cache)]
"""(import package, path below it, importer): what ``pull`` reads from the installed
package."""
