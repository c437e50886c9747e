"""OpenAlex: country × country internationally co-authored works per year.

The staged file (``openalex_country_coauthorship_1990_2023``) was collected from the
OpenAlex works API by V. Batagelj (repository ``bavla/OpenAlex``, 2024-08-27). It has one
row per ordered pair ``year, iso2_a, iso2_b, works``; the importer stores it in the
canonical ``coauthorship`` table as follows:

* ``year`` 0 in the file is "all years combined" (the collector's "Complete" network): it
  is **skipped** — any total over years is computed from the yearly rows, and the combined
  network also holds most of the source's ±1 disagreements.
* Off-diagonal rows (a ≠ b): works with authors from both countries. Each unordered pair
  is stored **once**, with ``country_a < country_b`` (ISO3 codes).
* Diagonal rows (a = b): stored as ``country_a == country_b``; the value is **the
  country's total of internationally co-authored works** that year (the source counts
  only works with authors from more than one country), not its domestic output.
* The source is symmetric except for a handful of ±1 disagreements (2004 and 2019 among
  the imported years). Both directions are folded into one row holding the **maximum**
  of the two (the collector's rule was to copy the non-zero direction when one was 0,
  which the maximum also does). :func:`fold_pairs` reports how many pairs it fixed; the
  importer logs the count (logger ``vinculo.evidence.sources.openalex``, level INFO).
  The staged file has 6 such pairs in 1990–2023.

``taxonomy`` is ``"openalex"``; ``field`` is empty (all fields). ISO2 ``NA`` is Namibia.

Works per country × subfield × year (:func:`import_country_subfield`)
---------------------------------------------------------------------
The staged ``openalex_country_subfield_2005_2025/country_subfield_year_works.parquet`` (the
folder's README: collected by github.com/ArunSisarran/ctp-project, commit 3330741, from the
OpenAlex works API with ``group_by=topics.subfield.id``, fetched 2025-12-03; OpenAlex data
CC0) has one row per ``year, id (subfield), name, works_count, country (ISO2), fetch_date``:
the works with at least one author institution in the country, published that year, having
a topic in the subfield. Stored in ``publications`` as taxonomy ``openalex-subfield``,
``field`` the subfield id as a bare number (``"2105"``; names and fields in
:func:`vinculo.evidence.taxonomy.openalex_subfields`), ``count_type`` ``whole``, ``count``
= ``works_count``; source ``openalex``, dataset ``openalex-country-subfield``, vintage
``openalex-<latest fetch date>`` (``openalex-2025-12-03``). What the numbers are, per the
README:

* **Each work counts in every subfield it touches** (``topics.subfield.id``, not the
  primary topic): a country's subfields add up to more than its output; use them as
  profiles (shares of a country's subfield counts, activity indices), never as a total.
* **Censored at 200 subfields per country-year**: OpenAlex's ``group_by`` returns at most
  200 groups, so each country-year lists its 200 largest subfields of about 250. A missing
  subfield is "below that country-year's 200th", **not zero**; the store holds no row for
  it. Countries with fewer than 200 non-empty subfields are complete.
* Whole counts (any co-author in the country); 2025 is incomplete (fetched in December).

The file has **210 malformed rows** (10 per year, 2005–2025): their ``country`` cell holds a
timestamp (``"2025-11-20 11:02:29"``) and their ``fetch_date`` is empty: rows of a
misaligned upstream file, whose country is unknown. Exactly that shape is skipped and
counted (INFO log); any other country code unknown as ISO2 is an error naming the file,
row and column, as are a missing column, a non-numeric or negative count, a malformed fetch
date and a subfield listed twice for a country and year. ``MX/`` (Mexico only, by topic) is
not imported into ``publications``: shares computed against one country would be nonsense.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vinculo.evidence.sources._checks import country_codes, numbers, present, store_rows
from vinculo.evidence.sources._checks import row_error as _fail
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, TableSource, read_table

__all__ = [
    "STAGED",
    "VINTAGE",
    "FoldedPairs",
    "fold_pairs",
    "import_country_coauthorship",
    "import_country_subfield",
]

logger = logging.getLogger(__name__)

# The date the collector (bavla/OpenAlex, commit 2255747) queried the OpenAlex API.
VINTAGE = "bavla-2024-08-27"

_COLUMNS = ("year", "iso2_a", "iso2_b", "works")
_SHOWN = 5


@dataclass(frozen=True)
class FoldedPairs:
    """Ordered pairs folded into unordered ones: the rows and how many pairs disagreed."""

    rows: pd.DataFrame
    asymmetric_fixed: int


def fold_pairs(frame: pd.DataFrame) -> FoldedPairs:
    """Fold ordered ``year, country_a, country_b, works`` rows into unordered pairs.

    Each pair is kept once with ``country_a < country_b`` and ``works`` the maximum of
    its two directions (a missing direction counts as 0); diagonal rows are kept as they
    are. ``asymmetric_fixed`` counts the off-diagonal pairs whose two directions
    disagreed (or where one was missing).

    >>> ordered = pd.DataFrame({"year": [2019, 2019, 2019], "country_a": ["ISR", "ARG", "ARG"],
    ...                         "country_b": ["ARG", "ISR", "ARG"], "works": [213, 214, 900]})
    >>> folded = fold_pairs(ordered)
    >>> folded.rows.values.tolist(), folded.asymmetric_fixed
    ([[2019, 'ARG', 'ARG', 900], [2019, 'ARG', 'ISR', 214]], 1)
    """
    a = frame["country_a"].astype(str).to_numpy()
    b = frame["country_b"].astype(str).to_numpy()
    in_order = a <= b
    first, second = np.where(in_order, a, b), np.where(in_order, b, a)
    keyed = pd.DataFrame(
        {
            "year": frame["year"].to_numpy(),
            "country_a": first,
            "country_b": second,
            "works": frame["works"].to_numpy(),
        }
    )
    grouped = keyed.groupby(["year", "country_a", "country_b"], sort=True)["works"]
    summary = grouped.agg(["max", "min", "size"]).reset_index()
    off_diagonal = summary["country_a"] != summary["country_b"]
    disagree = off_diagonal & ((summary["size"] < 2) | (summary["max"] != summary["min"]))
    rows = summary.loc[:, ["year", "country_a", "country_b", "max"]].rename(
        columns={"max": "works"}
    )
    return FoldedPairs(rows.reset_index(drop=True), int(disagree.sum()))


def _validated(frame: pd.DataFrame, source: TableSource) -> pd.DataFrame:
    """The file's rows as ``year, country_a, country_b, works`` (ISO3), or an error naming
    the file, the lines and the column."""
    absent = [c for c in _COLUMNS if c not in frame.columns]
    if absent:
        raise EvidenceError(
            f"{source.path}: column(s) {absent} not found; the file has {list(frame.columns)}"
        )
    out: dict[str, pd.Series] = {}
    for column in ("year", "works"):
        values = present(frame[column], source, column)
        out[column] = numbers(values, source, column, whole=True).astype("int64")
    for column, canonical in (("iso2_a", "country_a"), ("iso2_b", "country_b")):
        values = present(frame[column], source, column)
        codes = country_codes(values, source, column, "iso2")
        out[canonical] = codes
    rows = pd.DataFrame(out, index=frame.index).loc[:, ["year", "country_a", "country_b", "works"]]
    repeated = np.flatnonzero(
        rows.duplicated(["year", "country_a", "country_b"], keep=False).to_numpy()
    )
    if len(repeated):
        raise _fail(source, repeated, "iso2_a, iso2_b", "the same year and pair appear twice")
    return rows


def import_country_coauthorship(store: EvidenceStore, path: str | Path) -> ImportResult:
    """Import ``country_coauthorship_works_by_year.csv.gz`` into ``coauthorship``.

    Year 0 (all years combined) is skipped; each unordered pair is stored once
    (``country_a < country_b``) with the larger of its two directions; the diagonal
    (``country_a == country_b``) is the country's internationally co-authored works. The
    whole file is validated first: an unknown ISO2 code, a missing or non-numeric value
    raises :class:`EvidenceError` naming the file, the lines and the column, and the
    store is left unchanged. A second import of the same file changes nothing.
    """
    try:
        frame, source = read_table(path, text_columns=("iso2_a", "iso2_b"))
    except TableError as error:
        raise EvidenceError(str(error)) from None
    if frame.empty:
        raise EvidenceError(f"{path}: no rows")
    ordered = _validated(frame, source)
    ordered = ordered.loc[ordered["year"] != 0]
    if ordered.empty:
        raise EvidenceError(f"{path}: no rows with a year (only year 0, all years combined)")
    folded = fold_pairs(ordered)
    if folded.asymmetric_fixed:
        logger.info(
            "%s: %d pair(s) disagreed between the two directions; kept the larger value",
            path,
            folded.asymmetric_fixed,
        )
    rows = folded.rows.assign(
        taxonomy="openalex",
        field=pd.Series([None] * len(folded.rows), dtype=object),
        works=folded.rows["works"].astype("float64"),
    )
    return store_rows(store, "coauthorship", rows, source, source="openalex", vintage=VINTAGE)


_SUBFIELD_COLUMNS = ("year", "id", "works_count", "country", "fetch_date")
# the shape of the misaligned upstream rows: a timestamp where the country code belongs
_TIMESTAMP = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"


def import_country_subfield(store: EvidenceStore, path: str | Path) -> ImportResult:
    """Import ``country_subfield_year_works.parquet`` into ``publications`` (module
    docstring: taxonomy ``openalex-subfield``, whole counts, censored at 200 subfields per
    country-year). Rows whose ``country`` is a timestamp and whose ``fetch_date`` is empty
    (210 in the staged file) are skipped and counted in the INFO log. Any other unknown
    ISO2 code, a missing or non-numeric value, a malformed fetch date or a repeated
    (year, country, subfield) raises :class:`EvidenceError` naming the file, the rows and
    the column; the store is left unchanged. A second import changes nothing.
    """
    try:
        frame, source = read_table(path, text_columns=("country", "fetch_date"))
    except TableError as error:
        raise EvidenceError(str(error)) from None
    absent = [c for c in _SUBFIELD_COLUMNS if c not in frame.columns]
    if absent:
        raise EvidenceError(
            f"{path}: column(s) {absent} not found; the file has {list(frame.columns)}"
        )
    if frame.empty:
        raise EvidenceError(f"{path}: no rows")
    country = frame["country"].astype("string").str.strip()
    fetched = frame["fetch_date"].astype("string").str.strip()
    misaligned = (country.str.fullmatch(_TIMESTAMP) & (fetched.isna() | (fetched == ""))).to_numpy(
        dtype=bool, na_value=False
    )
    kept = frame.loc[~misaligned]
    if misaligned.any():
        logger.info(
            "%s: skipped %d misaligned row(s) (a timestamp in 'country', 'fetch_date' "
            "empty: an upstream file shifted by one column), years %s",
            path,
            int(misaligned.sum()),
            sorted({int(y) for y in frame.loc[misaligned, "year"] if pd.notna(y)}),
        )
    if kept.empty:
        raise EvidenceError(f"{path}: no rows left after the misaligned ones")
    years = numbers(present(kept["year"], source, "year"), source, "year", whole=True)
    subfields = numbers(present(kept["id"], source, "id"), source, "id", whole=True)
    works = numbers(
        present(kept["works_count"], source, "works_count"), source, "works_count", whole=True
    )
    codes = country_codes(present(kept["country"], source, "country"), source, "country", "iso2")
    stamps = pd.to_datetime(
        present(kept["fetch_date"], source, "fetch_date"), errors="coerce", format="mixed"
    )
    undated = kept.index[stamps.isna().to_numpy()]
    if len(undated):
        shown = kept["fetch_date"].loc[undated[0]]
        raise _fail(source, undated, "fetch_date", f"not a date and time ({shown!r})")
    rows = pd.DataFrame(
        {
            "year": years.astype("int64"),
            "country": codes,
            "field": subfields.astype("int64").astype(str),
            "taxonomy": "openalex-subfield",
            "count_type": "whole",
            "count": works.astype("float64"),
        },
        index=kept.index,
    )
    repeated = rows.index[rows.duplicated(["year", "country", "field"], keep=False).to_numpy()]
    if len(repeated):
        raise _fail(source, repeated, "id", "the same year, country and subfield appear twice")
    return store_rows(
        store,
        "publications",
        rows,
        source,
        source="openalex",
        vintage=f"openalex-{stamps.max():%Y-%m-%d}",
        name="openalex-country-subfield",
    )


STAGED = [
    (
        "openalex_country_coauthorship_1990_2023/country_coauthorship_works_by_year.csv.gz",
        import_country_coauthorship,
    ),
    (
        "openalex_country_subfield_2005_2025/country_subfield_year_works.parquet",
        import_country_subfield,
    ),
]
