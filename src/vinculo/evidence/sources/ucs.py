"""UCS Satellite Database: operational satellites per operating country.

Publisher
---------
Union of Concerned Scientists (UCS), "UCS Satellite Database". One row per
actively-operating satellite, UCS's own columns (``Name of Satellite, Alternate Names``,
``Current Official Name of Satellite``, ``Country/Org of UN Registry``, ``Country of
Operator/Owner``, ``Operator/Owner``, ``Users``, ``Purpose``, ``Class of Orbit``, launch,
contractor, COSPAR and NORAD numbers...). The edition of 1 May 2023 is the last: UCS's blog
post "Our Satellite Database Reaches a Milestone. We've Learned Much Along the Way" (Laura
Grego, blog.ucsusa.org, 29 January 2024) calls it "the last UCS Satellite Database to be
produced by [...] Teri Grimwood", "current with launches through May 1, 2023, [...] 7,560
actively-operating satellites". The staged README adds that UCS announced it no longer
updates the database.

Licence as stated: none (staged README: no licence text in the re-hosting repository; UCS
distributes the file freely; "cite UCS"). UCS's own terms were not verified.

Address: no stable one was found. Third-party code (indexed GitHub repositories) fetches
``https://www.ucsusa.org/sites/default/files/2024-01/UCS-Satellite-Database%205-1-2023.xlsx``,
the same path under ``www.ucs.org``, a tab-separated ``...%205-1-2023%20%28text%29.txt``
beside it, or ``https://www.ucs.org/media/11492`` — none checked here (not verified), and UCS
has moved domains. The original is therefore mirror-only (:data:`ORIGINAL_FOLDER`): put the
workbook (``UCS-Satellite-Database 5-1-2023.xlsx``) or a CSV of it in ``<mirror>/ucs/``.

What is stored
--------------
Dataset ``ucs-satellite-database``, vintage ``ucs-YYYY-MM-DD`` (the edition, read from the
file name: ``2023-05-01`` or UCS's ``5-1-2023``; or passed as ``edition``), year = the
edition's year, in ``country_indicators``:

- ``satellites_operated``: satellites by ``Country of Operator/Owner``, fractionally: an
  entry naming k operators (``USA/Japan``) gives 1/k to each (an operator named twice in one
  entry counts once);
- ``satellites_operated_excl_megaconstellations``: the same without the satellites whose
  name (``Name of Satellite, Alternate Names``) starts with ``Starlink`` or ``OneWeb``
  (3,996 and 589 in the 2023 edition, per the staged README) — a better signal of breadth,
  Starlink alone being 53% of the rows;

and both under ``WLD``: every satellite of the file (7,560; 2,975 without the two
constellations), operators that are no country included.

Read as documented vs assumed
-----------------------------
Operators that are no country (:data:`NOT_COUNTRIES`: ``ESA``, ``Multinational``) count in
the ``WLD`` total only; the satellites they hold are logged (INFO), never stored as a
country. Typos listed by the staged README are mapped explicitly (``Sinapore`` → SGP,
``UK`` → GBR); the other names by :data:`NAMES` and exact ISO 3166 names
(:func:`~vinculo.evidence.sources.top500.iso3_by_name`). An unknown name is an error naming
the file, line and column, as is a missing column or an empty cell. The workbook is read from
its first sheet, header on the first row (the staged README: "Sheet 1 is 'UCS-Satellite-
Database 5-1-2023'"; the staged CSV is that sheet with its empty columns dropped). The count
is of operating satellites on the edition's date, by operator country (not launch or
manufacturing country).
"""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

import pandas as pd

from vinculo.evidence.sources._checks import present, row_error, store_rows
from vinculo.evidence.sources.top500 import iso3_by_name
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, read_table

__all__ = [
    "MEGACONSTELLATIONS",
    "NAME",
    "NAMES",
    "NOT_COUNTRIES",
    "OPERATOR_COUNTRY",
    "ORIGINAL_FOLDER",
    "SOURCE",
    "STAGED",
    "edition_of",
    "import_database",
]

logger = logging.getLogger(__name__)

SOURCE = "ucs"
DATASET = "ucs-satellite-database"
NAME = "Name of Satellite, Alternate Names"
OPERATOR_COUNTRY = "Country of Operator/Owner"
MEGACONSTELLATIONS = ("Starlink", "OneWeb")
ORIGINAL_FOLDER = "ucs"

#: Operators that are no country: counted in the world total only.
NOT_COUNTRIES: dict[str, str] = {
    "ESA": "European Space Agency",
    "Multinational": "operators of several countries, undivided by UCS",
}

#: UCS operator names that are not an exact ISO 3166 name, with their alpha-3 code,
#: including the typos the staged README lists.
NAMES: dict[str, str] = {
    "USA": "USA",
    "United Kingdom": "GBR",
    "UK": "GBR",  # typo (staged README)
    "Sinapore": "SGP",  # typo (staged README)
    "Russia": "RUS",
    "South Korea": "KOR",
    "Taiwan": "TWN",
    "Turkey": "TUR",
    "Czech Republic": "CZE",
    "Iran": "IRN",
    "Vietnam": "VNM",
    "Laos": "LAO",
    "Bolivia": "BOL",
    "Venezuela": "VEN",
    "United Arab Emirates": "ARE",
    "Netherlands": "NLD",
}

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_US_DATE = re.compile(r"(?<!\d)(\d{1,2})-(\d{1,2})-(\d{4})(?!\d)")  # UCS's "5-1-2023"


def edition_of(path: str | Path) -> date:
    """The edition date in a file name: ``..._2023-05-01.csv`` or UCS's ``... 5-1-2023.xlsx``.

    >>> edition_of("UCS-Satellite-Database 5-1-2023.xlsx")
    datetime.date(2023, 5, 1)
    """
    name = Path(path).name
    try:
        if found := _ISO_DATE.search(name):
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        if found := _US_DATE.search(name):
            return date(int(found.group(3)), int(found.group(1)), int(found.group(2)))
    except ValueError:
        pass
    raise EvidenceError(
        f"{path}: cannot tell the edition from the file name (expected a date such as "
        "2023-05-01 or 5-1-2023); pass edition="
    )


def import_database(
    store: EvidenceStore, path: str | Path, *, edition: date | None = None
) -> ImportResult:
    """Import one edition of the UCS Satellite Database (its ``.xlsx`` or a CSV of it):
    fractional counts of satellites per operating country, with and without Starlink and
    OneWeb, and the world totals (``WLD``)."""
    edition = edition or edition_of(path)
    try:
        frame, source = read_table(path, text_columns=(NAME, OPERATOR_COUNTRY))
    except TableError as error:
        raise EvidenceError(str(error)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    absent = [c for c in (NAME, OPERATOR_COUNTRY) if c not in frame.columns]
    if absent:
        raise EvidenceError(
            f"{path}: column(s) {absent} not found; the file has {list(frame.columns)}"
        )
    if frame.empty:
        raise EvidenceError(f"{path}: no rows")
    names = present(frame[NAME], source, NAME).astype(str).str.strip()
    mega = names.str.startswith(MEGACONSTELLATIONS).to_numpy()
    owners = present(frame[OPERATOR_COUNTRY], source, OPERATOR_COUNTRY).astype(str)

    # one row per (satellite, operator named in its entry)
    parts = owners.str.split("/").explode().str.strip()
    empty = parts.index[(parts == "").to_numpy()].unique()
    if len(empty):
        raise row_error(source, empty, OPERATOR_COUNTRY, "an empty name in a joint entry")
    found = {name: iso3_by_name(name, NAMES) for name in parts.unique()}
    keys = parts.map(lambda name: name if name in NOT_COUNTRIES else found[name])
    missing = keys.isna().to_numpy()
    if missing.any():
        raise row_error(
            source,
            parts.index[missing].unique(),
            OPERATOR_COUNTRY,
            f"unknown country name(s) {sorted(set(parts[missing]))[:5]} (add them to "
            "ucs.NAMES or ucs.NOT_COUNTRIES)",
        )
    shares = pd.DataFrame({"satellite": keys.index, "operator": keys.to_numpy()})
    shares = shares.drop_duplicates()
    shares["share"] = 1.0 / shares.groupby("satellite")["operator"].transform("size")
    shares["mega"] = mega[shares["satellite"].to_numpy()]

    totals = {
        "satellites_operated": shares.groupby("operator")["share"].sum(),
        "satellites_operated_excl_megaconstellations": shares.loc[~shares["mega"]]
        .groupby("operator")["share"]
        .sum(),
    }
    world = {
        "satellites_operated": float(len(frame)),
        "satellites_operated_excl_megaconstellations": float((~mega).sum()),
    }
    held = totals["satellites_operated"].reindex(list(NOT_COUNTRIES)).dropna()
    logger.info(
        "%s: %d satellites (%d named %s), %s held by operators that are no country "
        "(counted in WLD only)",
        path,
        len(frame),
        int(mega.sum()),
        "/".join(f"{m}*" for m in MEGACONSTELLATIONS),
        ", ".join(f"{name} {value:g}" for name, value in held.items()) or "none",
    )
    rows = pd.concat(
        [
            pd.DataFrame(
                {
                    "year": edition.year,
                    "country": [*countries.index, "WLD"],
                    "indicator": indicator,
                    "value": [*countries.to_numpy(dtype="float64"), world[indicator]],
                }
            )
            for indicator, counts in totals.items()
            for countries in [counts.drop(list(NOT_COUNTRIES), errors="ignore")]
        ],
        ignore_index=True,
    )
    return store_rows(
        store,
        "country_indicators",
        rows,
        source,
        source=SOURCE,
        vintage=f"ucs-{edition:%Y-%m-%d}",
        name=DATASET,
    )


STAGED = [
    ("ucs_satellite_database_2023/UCS-Satellite-Database_2023-05-01.csv", import_database),
]
