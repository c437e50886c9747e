"""NCSES Science and Engineering Indicators: articles, co-authorship, patents and R&D.

One importer per staged file (see the READMEs of ``ncses_sei_publications``,
``ncses_sei_patents`` and ``ncses_sei_rd_expenditure``). Each reads the file whole,
validates it (errors name the file, the row — the line for CSV — and the column) and writes
it to one canonical table in one transaction, with provenance: source ``ncses``, the file
name as dataset name, the Indicators edition as vintage, the file's checksum and its
modification time as ``retrieved_at``.

Entities (all files): a row with an ``iso3`` is that economy; the aggregates the store
knows are kept under their aggregate code (``World`` -> ``WLD``, ``EU-27`` -> ``EU27``,
``Total OECD`` -> ``OED``), stored but kept apart from countries by
:meth:`EvidenceStore.rows`. Every other entity without a code — NCSES regions, ``EU-27
and United Kingdom``, ``Other Europe``, ``Unassigned``/``Unclassified``, and Gaza Strip
and West Bank (no code of their own; summing them into PSE would double-count
co-authored articles) — is skipped; the number of rows skipped and the entities are
logged at INFO level on this module's logger.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from vinculo.evidence.countries import to_iso3
from vinculo.evidence.sources._checks import numbers, present, store_rows
from vinculo.evidence.sources._checks import row_error as _fail
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, TableSource, read_header, read_table

__all__ = [
    "SOURCE",
    "STAGED",
    "import_articles",
    "import_coauthorship_attributes",
    "import_coauthorship_pairs",
    "import_gerd",
    "import_patents",
]

logger = logging.getLogger(__name__)

SOURCE = "ncses"
# The Indicators edition each file comes from (per the staged READMEs): the patent tables
# are from Indicators 2022, the others from Indicators 2024.
SEI_2024 = "sei-2024"
SEI_2022 = "sei-2022"

# NCSES entity names of the aggregates the store knows (countries.AGGREGATES).
AGGREGATE_CODES: dict[str, str] = {"World": "WLD", "EU-27": "EU27", "Total OECD": "OED"}

ATTRIBUTES: dict[str, str] = {
    "Total articles": "articles_total",
    "Total articles -> With multiple institutions": "articles_multiple_institutions",
    "Total articles -> With domestic institutions only": "articles_domestic_only",
    "Total articles -> With international institutions": "articles_international",
}

# GERD table SRD-1: point measures kept, with their unit in the indicator name.
MEASURES: dict[str, str] = {
    "GERD (Current PPP dollars, billions)": "gerd_usd_ppp_current_bn",
    "GERD (Constant (2015) PPP dollars, billions)": "gerd_usd_ppp_2015_bn",
    "GDP (Current PPP dollars, billions)": "gdp_usd_ppp_current_bn",
    "GERD-to-GDP ratio (%)": "gerd_gdp_pct",
}
# Growth rates over periods ("2000–10"): not a year's value, derivable from the levels.
_GROWTH_PREFIXES = ("GERD compound annual growth rate", "GDP compound annual growth rate")

_SHOWN = 5


# ---------------------------------------------------------------------- helpers


def _read(
    path: str | Path, columns: tuple[str, ...], text: tuple[str, ...]
) -> tuple[pd.DataFrame, TableSource]:
    """The file's rows (only the needed ``columns``), or an error naming what is wrong."""
    try:
        header = read_header(path)
        absent = [c for c in columns if c not in header]
        if absent:
            raise EvidenceError(f"{path}: column(s) {absent} not found; the file has {header}")
        frame, source = read_table(path, text_columns=text)
    except TableError as error:
        raise EvidenceError(str(error)) from None
    if frame.empty:
        raise EvidenceError(f"{path}: no rows")
    return frame.loc[:, list(columns)].reset_index(drop=True), source


def _present(frame: pd.DataFrame, column: str, source: TableSource) -> pd.Series:
    return present(frame[column], source, column)


def _numbers(
    frame: pd.DataFrame, column: str, source: TableSource, *, whole: bool = False
) -> pd.Series:
    """A numeric column (missing cells stay NA): not text, not negative, whole if asked."""
    return numbers(frame[column], source, column, whole=whole)


def _years(frame: pd.DataFrame, column: str, source: TableSource) -> pd.Series:
    _present(frame, column, source)
    return _numbers(frame, column, source, whole=True).astype("int64")


def _entities(
    frame: pd.DataFrame, name_column: str, code_column: str, source: TableSource
) -> pd.Series:
    """Each row's location code (ISO3 or aggregate code); NA where the entity is skipped."""
    names = _present(frame, name_column, source).astype(str)
    given = frame[code_column]
    codes = to_iso3(given.fillna(""))
    unknown = given.index[(given.notna() & codes.isna()).to_numpy()]
    if len(unknown):
        examples = sorted({str(given.loc[r]) for r in unknown[:_SHOWN]})
        raise _fail(source, unknown, code_column, f"unknown iso3 country code(s) {examples}")
    aggregates = names.map(AGGREGATE_CODES)
    result: pd.Series = codes.where(given.notna(), aggregates)
    return result


def _log_skipped(source: TableSource, names: pd.Series, why: str) -> None:
    if len(names):
        entities = sorted(names.astype(str).unique())
        logger.info(
            "%s: skipped %d row(s) %s: %s", Path(source.path).name, len(names), why, entities
        )


def _unknown_labels(
    values: pd.Series, known: Mapping[str, str], column: str, source: TableSource
) -> None:
    unknown = values.index[~values.isin(list(known)).to_numpy()]
    if len(unknown):
        examples = sorted({str(values.loc[r]) for r in unknown[:_SHOWN]})
        raise _fail(source, unknown, column, f"unknown value(s) {examples}")


# ---------------------------------------------------------------------- importers
def import_articles(store: EvidenceStore, path: str | Path) -> ImportResult:
    """S&E articles by country × field × year -> ``publications``.

    One row per (year, country, field, count type): ``fractional`` (author-share credit)
    and ``whole`` (each country credited 1). Fields keep NCSES's names, taxonomy
    ``ncses15`` (14 fields and ``all`` for "All S&E fields"). Economies with an ISO3 code,
    ``WLD`` and ``EU27`` are kept; regions and other aggregates are skipped and logged
    (see the module docstring).
    """
    columns = ("entity_name", "iso3", "field", "year", "articles_fractional", "articles_whole")
    frame, source = _read(path, columns, text=("entity_name", "field"))
    country = _entities(frame, "entity_name", "iso3", source)
    field = _present(frame, "field", source).astype(str).replace({"All S&E fields": "all"})
    year = _years(frame, "year", source)
    parts = []
    for count_type in ("fractional", "whole"):
        column = f"articles_{count_type}"
        _present(frame, column, source)
        parts.append(
            pd.DataFrame(
                {
                    "year": year,
                    "country": country,
                    "field": field,
                    "taxonomy": "ncses15",
                    "count_type": count_type,
                    "count": _numbers(frame, column, source),
                }
            )
        )
    kept = country.notna()
    _log_skipped(source, frame.loc[~kept, "entity_name"], "of entities without a code")
    rows = pd.concat([part[kept] for part in parts])  # index: the file row
    _no_duplicates(rows, ["year", "country", "field", "count_type"], source)
    return store_rows(store, "publications", rows, source, source=SOURCE, vintage=SEI_2024)


def import_coauthorship_pairs(store: EvidenceStore, path: str | Path) -> ImportResult:
    """Internationally co-authored articles (whole count) by country pair -> ``coauthorship``.

    The file is a full matrix per year (both orders of each pair); it must be exactly
    symmetric, else an error names the rows that disagree or lack their mirror. Each
    unordered pair is stored once, ``country_a < country_b``; taxonomy ``ncses``, field
    null. The "World" partner (a country's total internationally co-authored articles) is
    stored as the pair with ``WLD``. The diagonal (empty, and World × World) is not stored.
    """
    columns = ("year", "country_a", "iso3_a", "country_b", "iso3_b")
    value = "coauthored_articles_whole_count"
    frame, source = _read(path, (*columns, value), text=("country_a", "country_b"))
    year = _years(frame, "year", source)
    code_a = _entities(frame, "country_a", "iso3_a", source)
    code_b = _entities(frame, "country_b", "iso3_b", source)
    works = _numbers(frame, value, source)
    pairs = pd.DataFrame({"year": year, "a": code_a, "b": code_b, "works": works})
    pairs["line"] = pairs.index
    skipped = code_a.isna() | code_b.isna()
    _log_skipped(
        source,
        frame.loc[skipped, "country_a"] + " × " + frame.loc[skipped, "country_b"],
        "of pairs with an entity without a code",
    )
    pairs = pairs[~skipped & (code_a != code_b)]
    missing = pairs.loc[pairs["works"].isna(), "line"].to_numpy()
    if len(missing):
        raise _fail(source, missing, value, "empty off the diagonal")
    _no_duplicates(pairs, ["year", "a", "b"], source)
    mirror = pairs.rename(columns={"a": "b", "b": "a", "works": "mirror", "line": "mirror_line"})
    both = pairs.merge(mirror, on=["year", "a", "b"], how="left")
    absent = both["mirror"].isna()
    # a differing pair shows in both orders: report it once
    asymmetric = both[absent | ((both["works"] != both["mirror"]) & (both["a"] < both["b"]))]
    if len(asymmetric):
        shown = []
        for record in asymmetric.head(_SHOWN).to_dict("records"):
            a, b, when = str(record["a"]), str(record["b"]), int(record["year"])
            where = source.row_label(int(record["line"]))
            if pd.isna(record["mirror"]):
                shown.append(f"{where} ({a}–{b} {when}: no {b}–{a} row)")
            else:
                shown.append(
                    f"{where} vs {source.row_label(int(record['mirror_line']))} "
                    f"({a}–{b} {when}: {float(record['works']):g} "
                    f"vs {float(record['mirror']):g})"
                )
        more = f" and {len(asymmetric) - _SHOWN} more" if len(asymmetric) > _SHOWN else ""
        raise EvidenceError(
            f"{source.path}: column {value!r}: the matrix is not symmetric: "
            f"{'; '.join(shown)}{more}"
        )
    once = pairs[pairs["a"] < pairs["b"]]
    rows = pd.DataFrame(
        {
            "year": once["year"],
            "country_a": once["a"],
            "country_b": once["b"],
            "taxonomy": "ncses",
            "field": pd.Series([None] * len(once), index=once.index, dtype=object),
            "works": once["works"],
        }
    )
    return store_rows(store, "coauthorship", rows, source, source=SOURCE, vintage=SEI_2024)


def import_coauthorship_attributes(store: EvidenceStore, path: str | Path) -> ImportResult:
    """Articles by collaboration type (whole count) per country -> ``country_indicators``.

    Indicators: ``articles_total``, ``articles_multiple_institutions``,
    ``articles_domestic_only`` and ``articles_international`` (all whole counts); an
    unknown attribute is an error naming its rows.
    """
    columns = ("entity_name", "iso3", "attribute", "year", "articles_whole_count")
    frame, source = _read(path, columns, text=("entity_name", "attribute"))
    country = _entities(frame, "entity_name", "iso3", source)
    attribute = _present(frame, "attribute", source).astype(str)
    _unknown_labels(attribute, ATTRIBUTES, "attribute", source)
    _present(frame, "articles_whole_count", source)
    rows = pd.DataFrame(
        {
            "year": _years(frame, "year", source),
            "country": country,
            "indicator": attribute.map(ATTRIBUTES),
            "value": _numbers(frame, "articles_whole_count", source),
        }
    )
    kept = country.notna()
    _log_skipped(source, frame.loc[~kept, "entity_name"], "of entities without a code")
    rows = rows[kept]
    _no_duplicates(rows, ["year", "country", "indicator"], source)
    return store_rows(store, "country_indicators", rows, source, source=SOURCE, vintage=SEI_2024)


def import_patents(store: EvidenceStore, path: str | Path) -> ImportResult:
    """International patent families by inventor country × WIPO field -> ``patents``.

    Taxonomy ``wipo35``: the 35 WIPO technology fields (NCSES's lower-case names),
    ``all`` for "All fields" and ``unassigned``. Vintage ``sei-2022``: these tables are
    from Science and Engineering Indicators 2022 (see the staged README).
    """
    columns = ("entity_name", "iso3", "wipo_field", "year", "patent_families")
    frame, source = _read(path, columns, text=("entity_name", "wipo_field"))
    country = _entities(frame, "entity_name", "iso3", source)
    field = _present(frame, "wipo_field", source).astype(str)
    _present(frame, "patent_families", source)
    rows = pd.DataFrame(
        {
            "year": _years(frame, "year", source),
            "country": country,
            "tech_field": field.replace({"All fields": "all", "Unassigned": "unassigned"}),
            "taxonomy": "wipo35",
            "families": _numbers(frame, "patent_families", source),
        }
    )
    kept = country.notna()
    _log_skipped(source, frame.loc[~kept, "entity_name"], "of entities without a code")
    rows = rows[kept]
    _no_duplicates(rows, ["year", "country", "tech_field"], source)
    return store_rows(store, "patents", rows, source, source=SOURCE, vintage=SEI_2022)


def import_gerd(store: EvidenceStore, path: str | Path) -> ImportResult:
    """GERD, GDP and GERD/GDP (NCSES table SRD-1) -> ``country_indicators``.

    Indicators, unit in the name: ``gerd_usd_ppp_current_bn`` and ``gerd_usd_ppp_2015_bn``
    (billions of current / constant-2015 PPP dollars), ``gdp_usd_ppp_current_bn`` and
    ``gerd_gdp_pct`` (percent). The year is ``year_or_period`` ("2021a" resolved to the
    country's latest year). Not stored, and logged: the compound annual growth rates
    (over periods, not years; derivable from the levels) and the cells NCSES shows as NA.
    """
    columns = ("entity_name", "iso3", "measure", "year_or_period", "value")
    frame, source = _read(path, columns, text=("entity_name", "measure", "year_or_period"))
    measure = _present(frame, "measure", source).astype(str)
    growth = measure.str.startswith(_GROWTH_PREFIXES)
    _unknown_labels(measure[~growth], MEASURES, "measure", source)
    country = _entities(frame, "entity_name", "iso3", source)
    points = frame[~growth]
    _present(points, "year_or_period", source)
    year = _numbers(points, "year_or_period", source, whole=True).astype("int64")
    value = _numbers(points, "value", source)  # growth rates may be negative
    rows = pd.DataFrame(
        {
            "year": year,
            "country": country[~growth],
            "indicator": measure[~growth].map(MEASURES),
            "value": value,
        }
    )
    kept = rows["country"].notna() & rows["value"].notna()
    logger.info(
        "%s: skipped %d growth-rate row(s) and %d empty (NA) value(s)",
        Path(source.path).name,
        int(growth.sum()),
        int((rows["value"].isna()).sum()),
    )
    _log_skipped(
        source, points.loc[rows["country"].isna(), "entity_name"], "of entities without a code"
    )
    rows = rows[kept]
    _no_duplicates(rows, ["year", "country", "indicator"], source)
    return store_rows(store, "country_indicators", rows, source, source=SOURCE, vintage=SEI_2024)


def _no_duplicates(rows: pd.DataFrame, key: list[str], source: TableSource) -> None:
    """Rows (frame index = file row) must be unique on ``key``: one fact per row."""
    repeated = rows.duplicated(key, keep=False)
    if repeated.any():
        raise _fail(source, rows.index[repeated.to_numpy()], ", ".join(key), "repeated key")


Importer = Callable[[EvidenceStore, str | Path], ImportResult]

# (path under the staged data folder, importer): what ``vinculo data pull`` imports.
STAGED: list[tuple[str, Importer]] = [
    ("ncses_sei_publications/articles_by_country_field_2003_2022.parquet", import_articles),
    ("ncses_sei_publications/intl_coauthorship_pairs_2003_2022.csv", import_coauthorship_pairs),
    (
        "ncses_sei_publications/coauthorship_attributes_by_country_2003_2022.csv",
        import_coauthorship_attributes,
    ),
    (
        "ncses_sei_patents/intl_patent_families_by_country_wipo_field_1998_2020.parquet",
        import_patents,
    ),
    ("ncses_sei_rd_expenditure/gerd_gdp_selected_countries_1990_2021.csv", import_gerd),
]
