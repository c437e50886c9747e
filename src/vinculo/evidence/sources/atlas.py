"""Atlas of Economic Complexity (Harvard Growth Lab): country × product × year exports.

Two importers: :func:`import_staged_hs92_2016` for the staged 2016 table, and
:func:`import_country_product_year` for the Growth Lab's own HS92 4-digit country ×
product × year file, from the Dataverse dataset "International Trade Data (HS92)",
doi:10.7910/DVN/T4CHWJ (https://dataverse.harvard.edu/dataset.xhtml?persistentId=doi:10.7910/DVN/T4CHWJ).

Layouts (detected from the header; column order does not matter)
-----------------------------------------------------------------
current (the dataset's recent versions, e.g. 1995–2024), ``hs92_country_product_year_4.csv``:
    ``country_id, country_iso3_code, product_id, product_hs92_code, year, export_value,
    import_value, global_market_share, export_rca, distance, cog, pci``, as read by users'
    scripts (e.g. github.com/lawrennd/fitkit ``fitkit/datasets.py``, which also reads the
    previous layout) and by the Growth Lab's SQL models of the 6-digit bilateral file of the
    same release (same ``country_iso3_code``/``product_hs92_code``/``export_value`` names,
    ``XXXXXX`` for unknown products). The dataset's own ``hs92_data_dictionary.csv`` was not
    available here to check.
previous (earlier versions, e.g. V4 of 2019), ``country_hsproduct4digit_year.csv``, also
served by Dataverse as the ingested tab-separated ``.tab``, and published zipped at
:data:`PREVIOUS_RELEASE`: ``location_id, product_id, year, export_value, import_value,
export_rca, ..., pci, hs_eci, location_code, hs_product_code`` (the four columns read here,
``year, location_code, hs_product_code, export_value``, as read by e.g.
github.com/graebnerc/evol-comparative-studies ``R/create_directedness_data.R``; the order
of the others is not relied on). Text in double quotes is read either way.

Read: ``year``; the country (``country_iso3_code`` / ``location_code``, ISO alpha-3); the
product (``product_hs92_code`` / ``hs_product_code``), kept as 4-character text — a code
that lost its leading zero in a spreadsheet (``101``) is read as ``0101``; ``export_value``
in current US dollars (the Growth Lab's reconciled value, goods only).

Rows left out, each counted in this module's INFO log:

- ``export_value`` 0 (the file lists zero flows; the store holds positive flows and an
  absent row means 0, as in the staged table) and empty ``export_value`` (nothing reported);
- Atlas locations that are no country (:data:`NON_COUNTRIES`: ``ANS`` "Undeclared
  Countries", ``USP`` "Unknown Services Partners", per the Growth Lab's location list
  ``atlas_common_data/data/classification/location/country.csv`` in the PyPI package
  ``atlas-common-data`` 1.1.1) — never stored as countries;
- Atlas products that are no HS good (:data:`NON_PRODUCTS`: ``XXXX`` "Trade data
  discrepancies", and the services rows of the previous releases: ``services``,
  ``unspecified``, ``travel``, ``transport``, ``ict``, ``financial``, per
  ``product/hs92.csv`` and ``product/services_unilateral.csv`` of the same package).
  ``9999`` "Commodities not specified according to kind" is an HS code and is kept, as in
  the staged table.

Any other location code that is not an ISO 3166 code the store knows (historic ones such as
``ANT`` included) is an error naming the file, line and column, as is any other product
code, a non-numeric or negative value, a missing column, an empty file, and a bilateral
(country × partner) file. Rows are unique by year, country and product, or it is an error.

Both layouts are stored the same way: table ``exports``, source ``atlas``, dataset name
``hs92_country_product_year_4`` (so a newer release is a new vintage of the same dataset,
and :meth:`EvidenceStore.rows` shows the one imported last), classification ``hs92``.
Reading goes through DuckDB (every column as text, checked, then cast); memory holds the
canonical rows (about 8 million for 1995–2023), not the file.

Mirror layout
-------------
``atlas_hs92/hs92_country_product_year_4.csv`` (current release, as downloaded from
Dataverse) or ``atlas_hs92/country_hsproduct4digit_year.csv`` / ``.tab`` (previous
release); ``.csv.gz`` is read too. :data:`DOWNLOADS` has the addresses (Dataverse file
ids change with each dataset version: check them against the dataset page).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vinculo.evidence.countries import to_iso3
from vinculo.evidence.sources._checks import store_rows
from vinculo.evidence.sources._delimited import (
    NEGATIVE,
    NUMBER,
    WHOLE,
    All,
    AnyOf,
    Check,
    DelimitedFile,
    IsIn,
    Matches,
    Not,
    Padded,
    already_imported,
    blank,
    duckdb_connection,
    fail,
    fetch_frame,
    quote,
    validate,
)
from vinculo.evidence.sources.generic import import_file
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult

__all__ = [
    "DOWNLOADS",
    "LAYOUTS",
    "NON_COUNTRIES",
    "NON_PRODUCTS",
    "PREVIOUS_RELEASE",
    "STAGED",
    "Layout",
    "detect_layout",
    "import_country_product_year",
    "import_staged_hs92_2016",
]

logger = logging.getLogger(__name__)

SOURCE = "atlas"
DATASET = "hs92_country_product_year_4"


def import_staged_hs92_2016(store: EvidenceStore, path: str | Path) -> ImportResult:
    """The staged 2016 HS92 4-digit table (Growth Lab Dataverse release, as shipped in the
    SCCA R package at commit 3cda125 of 2020-04-27)."""
    return import_file(store, "atlas-hs92-exports", path, vintage="dataverse-via-scca-2020-04-27")


# (path below a mirror folder laid out like ../shared/data, importer)
STAGED = [("atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet", import_staged_hs92_2016)]

# (public address of the original, path below a mirror or cache folder): the current
# release's hs92_country_product_year_4.csv, 1995-2024 (the Dataverse file id of the dataset
# version of 2025/26; an id changes when a new version replaces the file). The previous
# release was published zipped at PREVIOUS_RELEASE; it is not pulled.
DOWNLOADS: list[tuple[str, str]] = [
    (
        "https://dataverse.harvard.edu/api/access/datafile/13685110",
        "atlas_hs92/hs92_country_product_year_4.csv",
    ),
]
PREVIOUS_RELEASE = (
    "https://intl-atlas-downloads.s3.amazonaws.com/country_hsproduct4digit_year.csv.zip"
)

# Atlas location codes that are no country: skipped and counted.
NON_COUNTRIES: dict[str, str] = {"ANS": "Undeclared Countries", "USP": "Unknown Services Partners"}

# Atlas product codes that are no HS good: skipped and counted.
NON_PRODUCTS: dict[str, str] = {
    "XXXX": "Trade data discrepancies",
    "services": "Services",
    "unspecified": "Unspecified services",
    "travel": "Travel & tourism services",
    "transport": "Transport services",
    "ict": "Business (ICT) services",
    "financial": "Insurance & financial services",
}


@dataclass(frozen=True)
class Layout:
    """The columns of one release's layout."""

    name: str
    country: str
    product: str
    year: str = "year"
    value: str = "export_value"


LAYOUTS: dict[str, Layout] = {
    "current": Layout("current", "country_iso3_code", "product_hs92_code"),
    "previous": Layout("previous", "location_code", "hs_product_code"),
}

_PARTNER_COLUMNS = ("partner_iso3_code", "partner_country_id", "partner_code", "partner_id")


def detect_layout(columns: tuple[str, ...] | list[str], path: str | Path = "") -> Layout:
    """The layout whose country and product columns the header has, or an error."""
    partner = [c for c in _PARTNER_COLUMNS if c in columns]
    if partner:
        raise EvidenceError(
            f"{path}: a bilateral file (column(s) {partner}): this importer reads the "
            "country × product × year file (hs92_country_product_year_4.csv)"
        )
    for layout in LAYOUTS.values():
        if layout.country in columns and layout.product in columns:
            return layout
    expected = {k: [v.country, v.product, v.year, v.value] for k, v in LAYOUTS.items()}
    raise EvidenceError(
        f"{path}: not an Atlas country × product × year layout: expected the columns of the "
        f"current release {expected['current']} or of the previous one "
        f"{expected['previous']}; the file has {list(columns)}"
    )


def import_country_product_year(
    store: EvidenceStore, path: str | Path, *, vintage: str | None = None
) -> ImportResult:
    """Import an Atlas HS92 4-digit country × product × year file (current or previous
    layout) into ``exports``.

    ``vintage`` defaults to the file's modification date and checksum. The whole file is
    checked before anything is written (one transaction); errors name the file, line and
    column. The same file imported twice is one dataset.
    """
    table = DelimitedFile.open(path)
    layout = detect_layout(table.columns, table.path)
    table.require(
        (layout.year, layout.country, layout.product, layout.value), f"Atlas {layout.name}"
    )
    existing = already_imported(store, table, source=SOURCE, name=DATASET)
    if existing is not None:
        return existing
    year, country, product, value = layout.year, layout.country, layout.product, layout.value
    no_country = IsIn(country, frozenset(NON_COUNTRIES))
    no_good = All((Not(no_country), IsIn(product, frozenset(NON_PRODUCTS))))
    with duckdb_connection(table.path) as db:
        rows, (codes, *skipped) = validate(
            db,
            table,
            [
                Check(year, blank(year), "empty"),
                Check(year, Not(Matches(year, NUMBER)), "not a number ({first!r})"),
                Check(year, Not(Matches(year, WHOLE)), "not a whole number ({first!r})"),
                Check(country, blank(country), "empty"),
                Check(product, blank(product), "empty"),
                Check(
                    product,
                    Not(
                        AnyOf(
                            (IsIn(product, frozenset(NON_PRODUCTS)), Matches(product, "[0-9]{3,4}"))
                        )
                    ),
                    "not an HS92 4-digit code: {values}",
                ),
                Check(
                    value,
                    Not(AnyOf((blank(value), Matches(value, NUMBER)))),
                    "not a number ({first!r})",
                ),
                Check(value, Matches(value, NEGATIVE), "negative"),
            ],
            extra=[
                f"list(DISTINCT trim({quote(country)}))",
                f"count_if({no_country.sql()})",
                f"list(DISTINCT trim({quote(country)})) FILTER ({no_country.sql()})",
                f"count_if({no_good.sql()})",
                f"list(DISTINCT trim({quote(product)})) FILTER ({no_good.sql()})",
            ],
        )
        db.register("country_codes", _countries(table, country, codes))
        # the rows of countries and goods, value NULL where empty (second and last pass)
        frame = fetch_frame(
            db,
            f"SELECT CAST(CAST(trim({quote(year)}) AS DOUBLE) AS INTEGER) AS year, "
            f"c.iso3 AS country, lpad(trim({quote(product)}), 4, '0') AS product, "
            f"TRY_CAST(trim({quote(value)}) AS DOUBLE) AS value_usd, "
            f"trim({quote(year)}) AS raw_year, c.code AS raw_country "
            f"FROM {table.relation()} JOIN country_codes c ON trim({quote(country)}) = c.code "
            f"WHERE c.iso3 IS NOT NULL AND NOT {no_good.sql()}",
        )
    twice = frame.duplicated(["year", "country", "product"], keep=False)
    if twice.any():
        first = frame[twice].iloc[0]
        fail(
            table,
            product,
            All(
                (
                    IsIn(year, frozenset({first["raw_year"]})),
                    IsIn(country, frozenset({first["raw_country"]})),
                    Padded(product, 4, first["product"]),
                )
            ),
            f"more than one row for year {first['year']}, country {first['country']}, "
            f"product {first['product']}",
        )
    empty, zero = frame["value_usd"].isna(), frame["value_usd"] == 0
    logger.info(
        "%s (%s layout): skipped %d rows of non-countries %s, %d rows of products that are no "
        "goods %s, %d rows without export_value, %d rows with export_value 0",
        table.path.name,
        layout.name,
        skipped[0],
        sorted(skipped[1] or []),
        skipped[2],
        sorted(skipped[3] or []),
        int(empty.sum()),
        int(zero.sum()),
    )
    frame = frame.loc[~(empty | zero), ["year", "country", "product", "value_usd"]]
    if frame.empty:
        raise EvidenceError(f"{table.path}: no exports of a country left after skipping rows")
    frame = frame.assign(classification="hs92")
    return store_rows(
        store, "exports", frame, table.source(rows), source=SOURCE, vintage=vintage, name=DATASET
    )


def _countries(table: DelimitedFile, column: str, raw: list[str]) -> pd.DataFrame:
    """The distinct location codes: ``code`` and ``iso3`` (None for Atlas non-countries).

    Raises for a code that is neither a known location nor an Atlas non-country."""
    iso3 = to_iso3(pd.Series(raw, dtype=object))
    frame = pd.DataFrame({"code": raw, "iso3": [None if pd.isna(c) else str(c) for c in iso3]})
    unknown = frame.loc[frame["iso3"].isna() & ~frame["code"].isin(list(NON_COUNTRIES)), "code"]
    if len(unknown):
        fail(
            table,
            column,
            IsIn(column, frozenset(unknown)),
            "unknown iso3 country code(s) {values} (neither an ISO 3166 code nor one of the "
            f"Atlas non-countries {sorted(NON_COUNTRIES)})",
        )
    return frame
