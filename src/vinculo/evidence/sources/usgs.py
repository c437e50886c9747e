"""USGS Mineral Commodity Summaries: world mine production and reserves of battery minerals.

Publisher
---------
U.S. Geological Survey, National Minerals Information Center, "Mineral Commodity Summaries
2025 Data Release" (doi:10.5066/P13XCP3R — the DOI given by USGS's own metadata records of the
release's commodity files on data.usgs.gov, e.g.
``https://data.usgs.gov/datacatalog/metadata/USGS.67980035d34ea8c18376e1ec.xml``, "Mineral
Commodity Summaries 2025 - MOLYBDENUM Data Release", published 2025-04-08). Its world table
``MCS2025_World_Data.csv``: one row per commodity × country (or "Other Countries", "World
total (rounded)") × TYPE (the measure: "Mine production, lithium content", "Refinery
production", ...), columns ``SOURCE, COMMODITY, COUNTRY, TYPE, UNIT_MEAS, PROD_2023, PROD_EST_
2024, PROD_NOTES, CAP_2023, CAP_EST_ 2024, CAP_NOTES, RESERVES_2024, RESERVE_NOTES``.

Licence as stated: none in the file or the re-hosting repository; the staged README says
USGS products are U.S. Government works, generally public domain in the US (USGS policy, not
verified here). Cite USGS MCS 2025.

Address: the ScienceBase item ``6798fd34d34ea8c18376e8ee`` ("Mineral Commodity Summaries 2025
- World Production, Capacity, and Reserves"). That item id, and that its JSON
(``https://www.sciencebase.gov/catalog/item/<id>?format=json``) lists the file under
``files`` with ``name`` and ``url``, come from third-party code (several independent GitHub
repositories that download the file) and a third-party BibTeX entry pairing the DOI with the
item: **not verified** against ScienceBase. :func:`sciencebase_world_data` resolves the
file's address from the item at pull time.

What is stored
--------------
Dataset ``usgs-mcs-world-data``, vintage ``usgs-mcs2025`` (from the ``SOURCE`` column), in
``country_indicators``, for c in lithium, cobalt, graphite, nickel, rare_earths:

- ``<c>_mine_production_t``: mine production in metric tons, years 2023 (``PROD_2023``) and
  2024 (``PROD_EST_ 2024``, USGS's estimate) — the years are read from the headers;
- ``<c>_reserves_t``: reserves in metric tons, year 2024 (``RESERVES_2024``).

Units as the staged README gives them: lithium, cobalt and nickel content; natural graphite;
rare earths as rare-earth-oxide equivalent. ``thousand metric tons`` (other commodities use
it) would be multiplied by 1,000; any other unit is an error.

Read as documented vs assumed
-----------------------------
Rows kept: the five commodities (``COMMODITY`` stripped: the file writes ``Lithium ``), TYPE
beginning with "Mine production" (the file has several TYPE rows per country for other
commodities; any other TYPE of these five is skipped and counted). Countries are stripped
(``Canada ``, ``Russia ``) and mapped by :data:`NAMES` (USGS's ``Congo (Kinshasa)``,
``Korea, Republic of``, ``Burma``...) or exact ISO 3166 names; "World total..." → ``WLD``;
"Other Countries" is skipped and counted in the log. A country twice for one commodity, an
unknown name, a missing column or an unknown marker is an error naming the file, line and
column.

Values: numbers, with or without thousands separators and trailing spaces. Not numbers, and
never read as 0, each skipped and counted in the INFO log with the cells it concerns:

- empty cells, and those whose ``PROD_NOTES`` says withheld (``W for 23-24``: US lithium);
- ``W`` (withheld), ``NA`` (not available), ``XX`` (not applicable), ``--``/``-`` (the
  markers of the MCS tables);
- lower bounds (``>130000000``: world reserves of nickel and rare earths): not a total, so
  those two ``WLD`` reserves are absent.

Caveats (staged README): production is mine output, not refining (China's processing is not
seen); US lithium is withheld and left out of USGS's world total; the world totals are
rounded; country rows sum to them within rounding. The staged file is a hand transcription of
the five commodities' rows of the publisher's file (read page by page from an index), with
the publisher's columns and quirks. The publisher's encoding is not known (third-party
readers decode it as cp1252): a file that is not UTF-8 is read as cp1252.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

from vinculo.evidence.http import get_json
from vinculo.evidence.sources._checks import numbers, present, row_error, store_rows
from vinculo.evidence.sources.top500 import country_names, plain_numbers
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, TableSource, read_header, read_table

__all__ = [
    "COMMODITIES",
    "FILE_NAME",
    "MARKERS",
    "NAMES",
    "SCIENCEBASE_ITEM",
    "SOURCE",
    "STAGED",
    "import_world_data",
    "sciencebase_world_data",
]

logger = logging.getLogger(__name__)

SOURCE = "usgs"
DATASET = "usgs-mcs-world-data"
FILE_NAME = "MCS2025_World_Data.csv"
SCIENCEBASE_ITEM = "6798fd34d34ea8c18376e8ee"

#: USGS commodity names (stripped, case-folded) → the indicator prefix.
COMMODITIES: dict[str, str] = {
    "lithium": "lithium",
    "cobalt": "cobalt",
    "graphite": "graphite",
    "nickel": "nickel",
    "rare earths": "rare_earths",
}

#: USGS country names that are not an exact ISO 3166 name, with their alpha-3 code.
NAMES: dict[str, str] = {
    "Congo (Kinshasa)": "COD",
    "Congo (Brazzaville)": "COG",
    "Korea, Republic of": "KOR",
    "Korea, North": "PRK",
    "Burma": "MMR",
    "Russia": "RUS",
    "Turkey": "TUR",
    "Vietnam": "VNM",
    "Laos": "LAO",
    "Iran": "IRN",
    "Tanzania": "TZA",
    "Bolivia": "BOL",
    "Venezuela": "VEN",
    "Syria": "SYR",
    "Taiwan": "TWN",
    "Côte d’Ivoire": "CIV",
    "Cote d'Ivoire": "CIV",
    "Netherlands": "NLD",
    "United Kingdom": "GBR",
    "United States": "USA",
}

#: Non-numeric markers of the MCS tables: skipped and counted, never read as 0.
MARKERS: dict[str, str] = {
    "W": "withheld",
    "NA": "not available",
    "XX": "not applicable",
    "--": "none reported",
    "-": "none reported",
    "—": "none reported",
}

_UNITS = {"metric tons": 1.0, "thousand metric tons": 1000.0}
_COLUMNS = ("SOURCE", "COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS", "PROD_NOTES")
_PRODUCTION = re.compile(r"^PROD_(\d{4})$")
_ESTIMATE = re.compile(r"^PROD_EST_(\d{4})$")
_RESERVES = re.compile(r"^RESERVES_(\d{4})$")
_LOWER_BOUND = re.compile(r"^>\s*[\d,.]+$")
_EDITION = re.compile(r"^MCS(\d{4})$")


def sciencebase_world_data(client: httpx.Client) -> tuple[str, str]:
    """The address of ``MCS2025_World_Data.csv`` as listed by its ScienceBase item."""
    item = get_json(
        client, f"https://www.sciencebase.gov/catalog/item/{SCIENCEBASE_ITEM}", {"format": "json"}
    )
    try:
        files = item["files"]
        chosen = next(f for f in files if str(f["name"]) == FILE_NAME)
        return str(chosen.get("url") or chosen["downloadUri"]), FILE_NAME
    except (KeyError, TypeError, StopIteration):
        raise EvidenceError(
            f"ScienceBase item {SCIENCEBASE_ITEM}: no file {FILE_NAME} listed in its 'files'"
        ) from None


def _read(path: str | Path) -> tuple[pd.DataFrame, TableSource]:
    """The file with every column as text, UTF-8 or else cp1252; headers with their spaces
    collapsed (``PROD_EST_ 2024`` stays as the publisher wrote it)."""
    try:
        frame, source = read_table(path, text_columns=tuple(read_header(path)))
    except TableError as error:
        if "not UTF-8" not in str(error):
            raise EvidenceError(str(error)) from None
        file = Path(path)
        try:
            frame = pd.read_csv(
                file, dtype=str, keep_default_na=False, na_values=[""], encoding="cp1252"
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as failure:
            raise EvidenceError(f"{path}: cannot be read as CSV (cp1252): {failure}") from None
        stat = file.stat()
        digest = hashlib.sha256()
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        source = TableSource(
            path=str(path),
            sha256=digest.hexdigest(),
            size_bytes=stat.st_size,
            modified=datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds"),
            rows=len(frame),
            file_format="csv",
        )
        logger.info("%s: not UTF-8, read as cp1252", path)
    frame.columns = [" ".join(str(c).split()) for c in frame.columns]
    return frame, source


def _year_column(
    columns: list[str], pattern: re.Pattern[str], label: str, path: str
) -> tuple[str, int]:
    found = [(c, int(m.group(1))) for c in columns if (m := pattern.match(c.replace(" ", "")))]
    if len(found) != 1:
        raise EvidenceError(
            f"{path}: expected one {label} column, found {[c for c, _ in found]}; the file has "
            f"{columns}"
        )
    return found[0]


def import_world_data(store: EvidenceStore, path: str | Path) -> ImportResult:
    """Import the MCS world table (``MCS20xx_World_Data.csv``): mine production and reserves
    of lithium, cobalt, graphite, nickel and rare earths, countries and world totals."""
    frame, source = _read(path)
    columns = list(frame.columns)
    absent = [c for c in _COLUMNS if c not in columns]
    if absent:
        raise EvidenceError(f"{path}: column(s) {absent} not found; the file has {columns}")
    measures = [
        _year_column(columns, _PRODUCTION, "PROD_<year>", str(path)),
        _year_column(columns, _ESTIMATE, "PROD_EST_<year>", str(path)),
        _year_column(columns, _RESERVES, "RESERVES_<year>", str(path)),
    ]
    if frame.empty:
        raise EvidenceError(f"{path}: no rows")
    commodity = present(frame["COMMODITY"], source, "COMMODITY").str.strip().str.casefold()
    wanted = frame.loc[commodity.isin(list(COMMODITIES)).to_numpy()]
    if wanted.empty:
        raise EvidenceError(f"{path}: none of the commodities {sorted(COMMODITIES)}")
    edition = _edition(wanted, source)
    kinds = present(wanted["TYPE"], source, "TYPE").str.strip()
    mine = kinds.str.casefold().str.startswith("mine production").to_numpy()
    other_types = Counter(zip(commodity[wanted.index[~mine]], kinds[~mine], strict=True))
    kept = wanted.loc[mine]
    places = present(kept["COUNTRY"], source, "COUNTRY").str.strip()
    world = places.str.casefold().str.startswith("world total").to_numpy()
    others = places.str.casefold().str.startswith("other countries").to_numpy()
    named = ~(world | others)
    codes = pd.Series("WLD", index=kept.index, dtype=object)
    codes[named] = country_names(places[named], source, "COUNTRY", NAMES, "usgs.NAMES").to_numpy()
    keep = kept.loc[~others]
    prefixes = commodity[keep.index].map(COMMODITIES)
    twice = pd.DataFrame({"c": prefixes, "k": codes[keep.index]}).duplicated(keep=False)
    if twice.any():
        repeated = sorted(set(places[keep.index[twice.to_numpy()]]))
        raise row_error(
            source,
            keep.index[twice.to_numpy()],
            "COUNTRY",
            f"{repeated} appear(s) twice for one commodity",
        )
    scale = _units(keep, source)

    frames, skipped = [], Counter[str]()
    details: dict[str, list[str]] = {}
    for (column, year), suffix in zip(
        measures, ("mine_production_t", "mine_production_t", "reserves_t"), strict=True
    ):
        values, reasons = _values(keep, column, source)
        for index, reason in reasons.items():
            skipped[reason] += 1
            details.setdefault(reason, []).append(f"{places[index]} {commodity[index]} {column}")
        good = values.notna().to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "country": codes[keep.index[good]].to_numpy(),
                    "indicator": (prefixes[keep.index[good]] + "_" + suffix).to_numpy(),
                    "value": (values[good] * scale[keep.index[good]]).to_numpy(),
                }
            )
        )
    rows = pd.concat(frames, ignore_index=True)
    logger.info(
        "%s: %d rows of %s; skipped %d 'Other Countries' row(s), %d row(s) of other TYPEs "
        "(%s), and values: %s",
        path,
        len(rows),
        ", ".join(sorted(COMMODITIES)),
        int(others.sum()),
        sum(other_types.values()),
        "; ".join(f"{c} {t!r}" for c, t in other_types) or "none",
        "; ".join(
            f"{count} {reason} ({', '.join(details[reason][:8])}"
            f"{' ...' if len(details[reason]) > 8 else ''})"
            for reason, count in skipped.most_common()
        )
        or "none",
    )
    return store_rows(
        store,
        "country_indicators",
        rows,
        source,
        source=SOURCE,
        vintage=f"usgs-mcs{edition}",
        name=DATASET,
    )


def _edition(frame: pd.DataFrame, source: TableSource) -> str:
    editions = present(frame["SOURCE"], source, "SOURCE").str.strip()
    matched = editions.str.match(_EDITION).to_numpy(dtype=bool)
    if not matched.all():
        raise row_error(source, frame.index[~matched], "SOURCE", "expected MCSyyyy")
    if editions.nunique() != 1:
        raise row_error(
            source, frame.index, "SOURCE", f"several editions {sorted(editions.unique())}"
        )
    return str(editions.iloc[0])[3:]


def _units(frame: pd.DataFrame, source: TableSource) -> pd.Series:
    units = present(frame["UNIT_MEAS"], source, "UNIT_MEAS").str.strip().str.casefold()
    scale = units.map(_UNITS)
    bad = frame.index[scale.isna().to_numpy()]
    if len(bad):
        raise row_error(
            source, bad, "UNIT_MEAS", f"unit {units[bad[0]]!r}, expected one of {sorted(_UNITS)}"
        )
    return scale.astype("float64")


def _values(
    frame: pd.DataFrame, column: str, source: TableSource
) -> tuple[pd.Series, dict[Any, str]]:
    """The column as numbers (NA where skipped) and why each skipped cell (by row label) was
    skipped."""
    text = frame[column].astype("string").str.strip()
    notes = frame["PROD_NOTES"].astype("string").str.strip().fillna("")
    reasons: dict[Any, str] = {}
    for label, value, note in zip(frame.index, text.tolist(), notes.tolist(), strict=True):
        if pd.isna(value) or value == "":
            withheld = column.startswith("PROD") and str(note).startswith("W ")
            reasons[label] = "withheld (empty, PROD_NOTES 'W ...')" if withheld else "empty"
        elif value.upper() in MARKERS:
            reasons[label] = f"{value.upper()!r} ({MARKERS[value.upper()]})"
        elif _LOWER_BOUND.match(value):
            reasons[label] = "lower bound ('>...', not a total)"
    skipped = pd.Series(frame.index.isin(list(reasons)), index=frame.index)
    kept = text.astype(object).mask(skipped, None)
    return numbers(plain_numbers(kept), source, column), reasons


STAGED = [
    (
        "usgs_mcs2025_battery_minerals/MCS2025_World_Data_battery_minerals_subset.csv",
        import_world_data,
    ),
]
