"""BACI (CEPII): bilateral HS6 trade flows, aggregated to exporter × product × year exports.

Format (CEPII's own description, https://www.cepii.fr/DATA_DOWNLOAD/baci/doc/baci_webpage.html
and http://www.cepii.fr/DATA_DOWNLOAD/baci/doc/DescriptionBACI.html): one CSV per HS revision
and year, ``BACI_HS92_Y2022_V202401b.csv``, comma-separated, with a header and 6 columns

======  ==================================================================
``t``   year
``i``   exporter, numeric country code (CEPII's list, mostly ISO 3166-1)
``j``   importer, numeric country code
``k``   product, HS 6-digit code (text: leading zeros matter)
``v``   value of the flow, **thousands** of current US dollars
``q``   quantity, metric tons (may be empty or ``NA``; not used here)
======  ==================================================================

Only strictly positive flows are recorded. Each release ships ``country_codes_V202401b.csv``
(``country_code,country_name,country_iso2,country_iso3``; releases before 2024 had
``country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,
iso_3digit_alpha``, also read) and ``product_codes_HS92_V202401b.csv``.

What the importer does: :func:`import_baci` sums ``v`` over importers into exporter ×
HS6 × year and stores ``value_usd = sum(v) × 1000`` in the ``exports`` table, with the
classification (``hs92``, ``hs17``...) and the vintage (``V202401b``) read from the file
name. The file is read and aggregated by DuckDB (in memory, every column read as text and
checked before it is cast), so a 2 GB file never goes through pandas row by row: memory
holds the aggregate (about one row per exporter and product), not the flows.

Country codes: a code is read through the release's country file (``country_iso3``), and
through ISO 3166-1 numeric (:func:`~vinculo.evidence.countries.to_iso3`) where the file has
no row or no ISO code for it. BACI's own codes that are not ISO numeric are mapped by that
file: 251 France, 579 Norway, 699 India, 757 Switzerland, 842 USA, 58 Belgium-Luxembourg
(...1998, stored as BEL as CEPII does), 736 Sudan (...2011, SDN), and 530, 849 and 891,
the ISO 3166-3 (historic) ANT, PUS and SCG, stored as the store's historic locations.
Exporters that are no country — 490 "Other Asia, nes" (``S19``; the Growth Lab reads it as
Taiwan, we do not guess) and 711 "Southern African Customs Union (...1999)" (``ZA1``), see
:data:`NON_COUNTRIES` — are skipped: their rows and value are counted in this module's INFO
log, never stored as a country. Any other code known neither
to the country file nor to ISO is an error naming the file, line and column. (List of
non-ISO codes checked against message_ix_models' BACI reader, ``COUNTRY_CODES``.)

Mirror layout
-------------
One folder per release, as in the zip: ``baci/BACI_HS92_V202401b/`` holding
``BACI_HS92_Y<year>_V202401b.csv`` (one per year; ``.csv.gz`` also read) and
``country_codes_V202401b.csv`` next to them. The zip itself is what :data:`DOWNLOADS`
names; it has to be extracted (the pull command's job).

Files are read through :mod:`vinculo.evidence.sources._delimited` (DuckDB).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from vinculo.evidence.countries import to_iso3
from vinculo.evidence.sources._checks import store_rows
from vinculo.evidence.sources._delimited import (
    NEGATIVE,
    NUMBER,
    Check,
    DelimitedFile,
    IsIn,
    Matches,
    Not,
    already_imported,
    blank,
    duckdb_connection,
    fail,
    fetch_frame,
    one_row,
    validate,
)
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult

__all__ = ["DOWNLOADS", "NON_COUNTRIES", "SOURCE", "import_baci"]

logger = logging.getLogger(__name__)

SOURCE = "baci"

# (public address of the original, path below a mirror or cache folder). The zips hold the
# yearly CSV files and the country and product lists; they are extracted in the mirror.
DOWNLOADS: list[tuple[str, str]] = [
    (
        "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V202401b.zip",
        "baci/BACI_HS92_V202401b.zip",
    ),
    (
        "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS17_V202401b.zip",
        "baci/BACI_HS17_V202401b.zip",
    ),
]

# ISO3 codes in CEPII's country file that name no country: skipped and counted.
NON_COUNTRIES: dict[str, str] = {
    "S19": "Other Asia, nes",
    "ZA1": "Southern African Customs Union (...1999)",
}

_FILE_NAME = re.compile(r"BACI_HS(\d{2})_Y(\d{4})_(V\w+?)\.csv(\.gz)?", re.IGNORECASE)
_COLUMNS = ("t", "i", "j", "k", "v")


def import_baci(
    store: EvidenceStore,
    path: str | Path,
    *,
    vintage: str | None = None,
    country_codes: str | Path | None = None,
) -> ImportResult:
    """Import one yearly BACI file as exporter × HS6 × year exports (``value_usd`` in USD).

    ``country_codes`` defaults to ``country_codes_<version>.csv`` next to the file (the zip's
    layout); without it only ISO numeric codes are known. ``vintage`` defaults to the
    version in the file name (``V202401b``). The dataset's name is ``BACI_HS92_Y2022``: a
    later release of the same year is a new vintage of it. The whole file is checked before
    anything is written (one transaction); errors name the file, line and column.
    """
    file = Path(path)
    match = _FILE_NAME.fullmatch(file.name)
    if match is None:
        raise EvidenceError(
            f"{file}: not a BACI file name: expected BACI_HS<revision>_Y<year>_V<version>.csv "
            "(e.g. BACI_HS92_Y2022_V202401b.csv); the revision and the version are read "
            "from it"
        )
    revision, year, version = match.group(1), match.group(2), match.group(3)
    name = f"BACI_HS{revision}_Y{year}"
    table = DelimitedFile.open(file, delimiter=",")
    table.require(_COLUMNS, "BACI (t, i, j, k, v, q)")
    existing = already_imported(store, table, source=SOURCE, name=name)
    if existing is not None:
        return existing
    codes_path = (
        Path(country_codes) if country_codes else file.with_name(f"country_codes_{version}.csv")
    )
    known = _country_file(codes_path) if country_codes or codes_path.is_file() else {}

    with duckdb_connection(file) as db:
        rows, (exporter_codes, importer_codes) = validate(
            db,
            table,
            [
                Check("t", blank("t"), "empty"),
                Check(
                    "t",
                    Not(Matches("t", year)),
                    f"not the year of the file name ({year}): {{first!r}}",
                ),
                Check("i", blank("i"), "empty"),
                Check(
                    "i", Not(Matches("i", "[0-9]{1,3}")), "not a numeric country code: {first!r}"
                ),
                Check("j", blank("j"), "empty"),
                Check(
                    "j", Not(Matches("j", "[0-9]{1,3}")), "not a numeric country code: {first!r}"
                ),
                Check("k", blank("k"), "empty"),
                Check("k", Not(Matches("k", "[0-9]{5,6}")), "not an HS 6-digit code: {first!r}"),
                Check("v", blank("v"), "empty"),
                Check("v", Not(Matches("v", NUMBER)), "not a number ({first!r})"),
                Check("v", Matches("v", NEGATIVE), "negative"),
            ],
            extra=["list(DISTINCT trim(i))", "list(DISTINCT trim(j))"],
        )
        exporters = _map_codes(table, "i", exporter_codes, known, codes_path)
        _map_codes(table, "j", importer_codes, known, codes_path)  # known codes, not stored
        db.register("exporter_codes", exporters)
        # one more pass: exact sums (DECIMAL) per exporter code, product and year
        db.execute(
            "CREATE TEMP TABLE flows AS SELECT CAST(trim(t) AS INTEGER) AS year, trim(i) AS code, "
            "lpad(trim(k), 6, '0') AS product, sum(CAST(trim(v) AS DECIMAL(38, 6))) AS v, "
            f"count(*) AS n FROM {table.relation()} GROUP BY ALL"
        )
        skipped = one_row(
            db,
            "SELECT coalesce(sum(n), 0), coalesce(sum(v), 0) FROM flows "
            "JOIN exporter_codes e USING (code) WHERE e.iso3 IS NULL",
        )
        frame = fetch_frame(
            db,
            "SELECT year, e.iso3 AS country, product, CAST(sum(v) * 1000 AS DOUBLE) AS value_usd "
            "FROM flows JOIN exporter_codes e USING (code) WHERE e.iso3 IS NOT NULL "
            "GROUP BY ALL ORDER BY ALL",
        )
    if skipped[0]:
        names = sorted(set(exporters.loc[exporters["iso3"].isna(), "name"]))
        logger.info(
            "%s: %d flows (%.0f thousand USD) of exporters that are no country skipped: %s",
            file.name,
            skipped[0],
            float(skipped[1]),
            names,
        )
    if frame.empty:
        raise EvidenceError(f"{file}: no exports of a country left (every exporter skipped)")
    frame["classification"] = f"hs{revision}"
    return store_rows(
        store,
        "exports",
        frame,
        table.source(rows),
        source=SOURCE,
        vintage=vintage or version,
        name=name,
    )


def _country_file(path: Path) -> dict[str, tuple[str, str]]:
    """CEPII's country list: numeric code (no leading zeros) -> (ISO3 or "", name)."""
    if not path.is_file():
        raise EvidenceError(f"{path}: no such file (BACI country codes)")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise EvidenceError(f"{path}: cannot be read as the BACI country list: {error}") from None
    for iso3, label in (
        ("country_iso3", "country_name"),
        ("iso_3digit_alpha", "country_name_full"),
    ):
        if {"country_code", iso3, label} <= set(frame.columns):
            break
    else:
        raise EvidenceError(
            f"{path}: not a BACI country list: expected columns country_code, country_name, "
            f"country_iso2, country_iso3; the file has {list(frame.columns)}"
        )
    codes = frame["country_code"].str.strip()
    bad = frame.index[~codes.str.fullmatch(r"[0-9]{1,3}")]
    if len(bad):
        raise EvidenceError(
            f"{path}: line {int(bad[0]) + 2}, column 'country_code': not a numeric code "
            f"({frame.loc[bad[0], 'country_code']!r})"
        )
    return {
        str(int(code)): (str(alpha).strip().upper(), str(name).strip())
        for code, alpha, name in zip(codes, frame[iso3], frame[label], strict=True)
    }


def _map_codes(
    table: DelimitedFile,
    column: str,
    raw: Iterable[str],
    known: Mapping[str, tuple[str, str]],
    codes_path: Path,
) -> pd.DataFrame:
    """The distinct codes of a column: ``code``, ``iso3`` (None where skipped), ``name``.

    Raises for codes known neither to the country file nor to ISO 3166 numeric."""
    rows: list[tuple[str, str | None, str]] = []
    unknown: list[str] = []
    for code in raw:
        alpha, name = known.get(str(int(code)), ("", ""))
        iso3 = to_iso3(pd.Series([alpha]))[0] if alpha else float("nan")
        if pd.isna(iso3) and alpha in NON_COUNTRIES:
            rows.append((code, None, name or NON_COUNTRIES[alpha]))
            continue
        if pd.isna(iso3):
            iso3 = to_iso3(pd.Series([code]), "numeric")[0]
        if pd.isna(iso3):
            unknown.append(code)
        rows.append((code, None if pd.isna(iso3) else str(iso3), name))
    if unknown:
        where = f"nor in {codes_path.name}" if known else f"({codes_path.name} not found)"
        fail(
            table,
            column,
            IsIn(column, frozenset(unknown)),
            f"unknown country code(s) {{values}}: not ISO 3166 numeric {where}",
        )
    return pd.DataFrame(rows, columns=["code", "iso3", "name"])
