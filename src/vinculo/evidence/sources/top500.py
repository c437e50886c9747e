"""TOP500 supercomputer lists: installed HPC capacity (Rmax) and systems per country.

Publisher
---------
The TOP500 project (top500.org; E. Strohmaier, J. Dongarra, H. Simon, M. Meuer, as the staged
README ``top500_lists_2022_2025/README.md`` names them). Twice a year (June, November) it
publishes the 500 most powerful computer systems by the HPL (Linpack) benchmark. Each list is
one file, ``TOP500_YYYYMM.xlsx`` (older lists ``.xls``), one row per system, 38 columns
(``Rank, Previous Rank, First Appearance, ..., Country, ..., Rmax [TFlop/s], Rpeak [TFlop/s],
..., System ID``). Only ``Country`` and ``Rmax [TFlop/s]`` are read here.

Licence as stated: none. The staged README found no licence text in the repositories that
re-host the lists and says top500.org offers them as free downloads ("cite TOP500"); the
site's own terms were not verified.

Address: ``https://www.top500.org/lists/top500/YYYY/MM/download/TOP500_YYYYMM.xlsx``, as
used by third-party download scripts (indexed GitHub code, e.g. an R script of 2025 and a
Python script of 2019) and matching the glennklockwood/top500-data README ("downloaded from
top500.org/lists/top500/YYYY/MM", quoted in the staged README). Whether a download needs a
top500.org account is **not verified**: the 2019 script logs in first, the 2025 one does not
(and waits between attempts). The originals are therefore mirror-only (:data:`ORIGINALS`):
put the lists in ``<mirror>/top500/``.

What is stored
--------------
One dataset per list (name and vintage ``top500-YYYY-MM``, from the file name
``TOP500_YYYYMM``), in ``country_indicators``, year = the list's year:

- ``top500_rmax_tflops``: the sum of Rmax (TFlop/s, as published) of the country's systems;
- ``top500_systems``: the number of the country's systems on the list;

and the same two under ``WLD`` for the whole list (its Rmax total and its number of rows,
500), so shares are taken against the list itself.

Read as documented vs assumed
-----------------------------
Documented (staged README): the country is the system's site ("EuroHPC machines count for
the host country"; cloud systems such as Microsoft Azure's count for the USA); Rmax is in
TFlop/s. Assumed: the publisher's CSV export writes thousands separators (``"1,102,000.00"``,
as in the staged 2022-11 and 2025-06 files) and the xlsx plain numbers (the 2023-11 and
2024-11 files, converted with pandas): both are read. An ``.xlsx`` list is read from its first
sheet with the header on the sheet's first row — as the staged conversions suggest, **not
verified** against a publisher's workbook (older ``.xls`` lists are not read).

Countries are TOP500's English names (``United States``, ``South Korea``, ``Russia``...),
mapped by :data:`NAMES` (explicit entries) and otherwise by the exact ISO 3166 name, common
name or official name (pycountry); an unknown name is an error naming the file, line and
column, as are a missing column, an empty cell and a non-numeric Rmax.

Caveats (staged README): China has largely stopped submitting new systems since about 2019,
so its share is understated; sums over 500 systems are dominated by the top few; a list
covers only systems whose owners submit them.

:func:`iso3_by_name` and :func:`country_names` (ISO 3166 names plus a source's own table) are
shared by the other name-keyed sources (``ucs``, ``usgs``, ``iea``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pandas as pd
import pycountry

from vinculo.evidence.sources._checks import numbers, present, row_error, store_rows
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, TableSource, read_table

__all__ = [
    "COUNTRY",
    "NAMES",
    "RMAX",
    "SOURCE",
    "STAGED",
    "country_names",
    "import_list",
    "iso3_by_name",
    "list_of",
    "plain_numbers",
]

logger = logging.getLogger(__name__)

SOURCE = "top500"
COUNTRY = "Country"
RMAX = "Rmax [TFlop/s]"

#: TOP500 country names that are not an exact ISO 3166 name (pycountry's name, common name
#: or official name), with their alpha-3 code. Names found in the lists of 2022-11 to
#: 2025-06, plus spellings of older lists ("Korea, South", "Czech Republic", "Slovak
#: Republic").
NAMES: dict[str, str] = {
    "United States": "USA",
    "South Korea": "KOR",
    "Korea, South": "KOR",
    "Russia": "RUS",
    "Taiwan": "TWN",
    "Turkey": "TUR",
    "Vietnam": "VNM",
    "Czech Republic": "CZE",
    "Slovak Republic": "SVK",
    "Iran": "IRN",
    "Hong Kong": "HKG",
    "United Kingdom": "GBR",
    "Netherlands": "NLD",
}

_LIST_NAME = re.compile(r"TOP500_(\d{4})(\d{2})", re.IGNORECASE)
# "1,102,000.00": thousands separators as the publisher's CSV export writes them
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_SHOWN = 5


# ------------------------------------------------------------------ country names (shared)
@cache
def _iso_names() -> dict[str, str]:
    """ISO 3166 names as pycountry spells them (name, common name, official name),
    case-folded, to alpha-3."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names.setdefault(str(value).casefold(), str(country.alpha_3))
    return names


def iso3_by_name(name: str, table: Mapping[str, str]) -> str | None:
    """The alpha-3 code of a country name: ``table`` first (exact, spaces collapsed), then the
    exact ISO 3166 name, common name or official name (case-insensitive); None if unknown.

    >>> iso3_by_name("Korea, South", NAMES), iso3_by_name("germany", NAMES)
    ('KOR', 'DEU')
    >>> iso3_by_name("Atlantis", NAMES) is None
    True
    """
    key = " ".join(str(name).split())
    if key in table:
        return table[key]
    return _iso_names().get(key.casefold())


def country_names(
    values: pd.Series, source: TableSource, column: str, table: Mapping[str, str], where: str
) -> pd.Series:
    """Alpha-3 codes of the (non-empty) names in ``values``, or an error naming the rows
    whose name is unknown; ``where`` says which table to extend."""
    text = values.astype(str).str.strip()
    found = {name: iso3_by_name(name, table) for name in text.unique()}
    codes = text.map(found)
    unknown = values.index[codes.isna().to_numpy()]
    if len(unknown):
        examples = sorted({text.loc[r] for r in unknown})[:_SHOWN]
        raise row_error(
            source, unknown, column, f"unknown country name(s) {examples} (add them to {where})"
        )
    return codes.astype(object)


def plain_numbers(values: pd.Series) -> pd.Series:
    """Text with thousands separators (``"1,102,000.00"``) without them; other values (numbers,
    text to be reported as such) unchanged."""
    text = values.astype("string").str.strip()
    separated = text.str.match(_THOUSANDS).fillna(False).to_numpy(dtype=bool)
    cleaned = values.astype(object).copy()
    cleaned[separated] = text[separated].str.replace(",", "", regex=False)
    return cleaned


# ------------------------------------------------------------------ the importer
def list_of(path: str | Path) -> tuple[int, int]:
    """The (year, month) of a list from its file name ``TOP500_YYYYMM``.

    >>> list_of("raw/TOP500_202411.csv")
    (2024, 11)
    """
    found = _LIST_NAME.search(Path(path).name)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise EvidenceError(
            f"{path}: cannot tell the list from the file name; expected the publisher's "
            "TOP500_YYYYMM.xlsx (or .csv)"
        )
    return int(found.group(1)), int(found.group(2))


def import_list(store: EvidenceStore, path: str | Path) -> ImportResult:
    """Import one TOP500 list (``TOP500_YYYYMM.csv`` or ``.xlsx``) into
    ``country_indicators``: Rmax and systems per country and for the whole list (``WLD``)."""
    year, month = list_of(path)
    try:
        frame, source = read_table(path, text_columns=(COUNTRY, RMAX))
    except TableError as error:
        raise EvidenceError(str(error)) from None
    absent = [c for c in (COUNTRY, RMAX) if c not in frame.columns]
    if absent:
        raise EvidenceError(
            f"{path}: column(s) {absent} not found; the file has {list(frame.columns)}"
        )
    if frame.empty:
        raise EvidenceError(f"{path}: no rows")
    countries = country_names(
        present(frame[COUNTRY], source, COUNTRY), source, COUNTRY, NAMES, "top500.NAMES"
    )
    rmax = numbers(plain_numbers(present(frame[RMAX], source, RMAX)), source, RMAX)
    per_country = (
        pd.DataFrame({"country": countries, "rmax": rmax})
        .groupby("country")
        .agg(rmax=("rmax", "sum"), systems=("rmax", "size"))
    )
    per_country.loc["WLD"] = [float(rmax.sum()), len(frame)]
    rows = pd.concat(
        [
            pd.DataFrame(
                {
                    "year": year,
                    "country": per_country.index,
                    "indicator": indicator,
                    "value": per_country[column].astype("float64").to_numpy(),
                }
            )
            for indicator, column in (
                ("top500_rmax_tflops", "rmax"),
                ("top500_systems", "systems"),
            )
        ],
        ignore_index=True,
    )
    logger.info(
        "%s: list %d-%02d, %d systems in %d countries, %.0f TFlop/s in all",
        path,
        year,
        month,
        len(frame),
        len(per_country) - 1,
        float(rmax.sum()),
    )
    tag = f"top500-{year}-{month:02d}"
    return store_rows(
        store, "country_indicators", rows, source, source=SOURCE, vintage=tag, name=tag
    )


_FOLDER = "top500_lists_2022_2025/raw"
STAGED = [
    (f"{_FOLDER}/TOP500_{edition}.csv", import_list)
    for edition in ("202211", "202311", "202411", "202506")
]
