"""UN Comtrade bulk files (final data, annual, goods, HS): reporter × product × year exports.

Layouts (detected from the header; column order does not matter)
-----------------------------------------------------------------
Comtrade+ (https://comtradeplus.un.org): the bulk files of the API
``https://comtradeapi.un.org/bulk/v1/get/{typeCode}/{freqCode}/{clCode}`` (as fetched by
UN Comtrade's own client, github.com/uncomtrade/comtradeapicall
``src/comtradeapicall/BulkDownload.py``), one gzip file per reporter and year named
``COMTRADE-FINAL-CA{reporter:03d}{year}{H0..H6}[{publication date}].gz``, tab-separated
(users' scripts read them with ``sep="\t"``; comma-separated files are read too).
Columns, as the data items of the Comtrade+ API: ``typeCode, freqCode, refPeriodId,
refYear, refMonth, period, reporterCode, [reporterISO, reporterDesc,] flowCode,
[flowDesc,] partnerCode, [partnerISO, partnerDesc,] partner2Code, ..., classificationCode,
classificationSearchCode, isOriginalClassification, cmdCode, [cmdDesc,] aggrLevel, isLeaf,
customsCode, mosCode, motCode, qtyUnitCode, qty, ..., netWgt, ..., cifvalue, fobvalue,
primaryValue, legacyEstimationFlag, isReported, isAggregate``. Whether the bulk files
carry the ``ISO``/``Desc`` columns could not be confirmed (the Growth Lab's downloader,
github.com/harvard-growth-lab, adds ISO codes from Comtrade's reference tables after
download): both are read.

Legacy UN Comtrade (comtrade.un.org, before 2023) CSV downloads: ``Classification, Year,
Period, Period Desc., Aggregate Level, Is Leaf Code, Trade Flow Code, Trade Flow, Reporter
Code, Reporter, Reporter ISO, Partner Code, Partner, Partner ISO, 2nd Partner Code, 2nd
Partner, 2nd Partner ISO, Customs Proc. Code, Customs, Mode of Transport Code, Mode of
Transport, Commodity Code, Commodity, Qty Unit Code, Qty Unit, Qty, Alt Qty Unit Code, Alt
Qty Unit, Alt Qty, Netweight (kg), Gross weight (kg), Trade Value (US$), CIF Trade Value
(US$), FOB Trade Value (US$), Flag`` (e.g. https://ebukin.github.io/dataManipulationPractice/01-data-import.html);
the older bulk files have a subset of these (no 2nd partner, customs or transport): read.
Its trade flow codes are 1 import, 2 export, 3 re-export, 4 re-import
(http://comtrade.un.org/kb/article.aspx?id=10102).

Kept: exports (``flowCode`` X; legacy ``Trade Flow Code`` 2) to the World (partner 0),
second partner World (0), all customs procedures (``C00``) and all modes of transport
(0) — each where the file has the column; an empty cell there is read as the total (legacy
files leave them empty) — at the product level asked (``digits``, 4 by default: rows whose
``aggrLevel`` is 4, or, without that column, whose ``cmdCode`` has 4 digits; leading zeros
kept). Value: ``primaryValue`` (legacy ``Trade Value (US$)``), which for exports is the FOB
value, in US dollars. Classification from ``classificationCode`` (H0 hs92, H1 hs96, H2 hs02,
H3 hs07, H4 hs12, H5 hs17, H6 hs22). The rows kept must be unique by year, reporter,
classification and product, or it is an error (a breakdown this importer does not know).

Reporters: ``reporterISO`` where the file has it, else the numeric code, read as ISO 3166
numeric except Comtrade's own codes for 251 France, 381 Italy, 579 Norway, 699 India, 757
Switzerland, 842 USA (:data:`REPORTER_CODES`). Reporters that are no country — 97
European Union, 490 "Other Asia, nes" (:data:`NON_COUNTRIES`) — are skipped and counted in
the INFO log. Rows with an empty or zero value are left out and counted too. Any other
unknown code, a non-numeric value, a missing column, an empty file, a monthly or services
file, or a non-HS classification is an error naming the file, line and column.

Memory: the file is read by DuckDB (streamed, every column as text, checked, then cast);
only the kept rows (one reporter's 4-digit exports: about 1,200 rows a year) reach pandas,
so files of hundreds of MB need no more memory than DuckDB's scan.

Mirror layout
-------------
``comtrade_bulk/COMTRADE-FINAL-CA{reporter}{year}{H?}[{date}].gz`` as saved by the bulk
API (or the ``.txt`` it decompresses to); the dataset is named after the file without its
publication date, which becomes the vintage. Legacy files keep their own name.
:data:`DOWNLOADS` is the listing endpoint: it needs a Comtrade subscription key (the
``subscription-key`` parameter; the bulk API is not open: keys and their terms at
https://comtradedeveloper.un.org) and answers with one ``fileUrl`` per reporter and year,
each to be fetched with the same key.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vinculo.evidence.countries import to_iso3
from vinculo.evidence.sources._checks import store_rows
from vinculo.evidence.sources._delimited import (
    NEGATIVE,
    NUMBER,
    All,
    AnyOf,
    Check,
    Condition,
    DelimitedFile,
    IsIn,
    Matches,
    Not,
    already_imported,
    blank,
    duckdb_connection,
    fail,
    fetch_frame,
    quote,
    validate,
)
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult

__all__ = [
    "CLASSIFICATIONS",
    "DOWNLOADS",
    "LAYOUTS",
    "NON_COUNTRIES",
    "REPORTER_CODES",
    "SOURCE",
    "Layout",
    "detect_layout",
    "import_comtrade_bulk",
]

logger = logging.getLogger(__name__)

SOURCE = "comtrade"

# (public address, path below a mirror or cache folder). The bulk API needs a subscription
# key; this listing of final annual HS goods files gives each file's own fileUrl.
DOWNLOADS: list[tuple[str, str]] = [
    ("https://comtradeapi.un.org/bulk/v1/get/C/A/HS", "comtrade_bulk/"),
]

CLASSIFICATIONS: dict[str, str] = {
    "H0": "hs92",
    "H1": "hs96",
    "H2": "hs02",
    "H3": "hs07",
    "H4": "hs12",
    "H5": "hs17",
    "H6": "hs22",
}

# Comtrade reporter codes of countries that differ from ISO 3166 numeric.
REPORTER_CODES: dict[str, str] = {
    "251": "FRA",
    "381": "ITA",
    "579": "NOR",
    "699": "IND",
    "757": "CHE",
    "842": "USA",
}

# Comtrade reporters that are no country: skipped and counted.
NON_COUNTRIES: dict[str, str] = {"97": "European Union", "490": "Other Asia, nes"}


@dataclass(frozen=True)
class Layout:
    """Where a layout keeps each field; None: the layout has no such column."""

    name: str
    year: str
    reporter: str
    reporter_iso: str
    flow: str
    export: str
    partner: str
    partner2: str
    customs: str
    mot: str
    cmd: str
    level: str
    value: str
    classification: str
    type_code: str | None = None
    freq: str | None = None
    period: str | None = None

    def required(self) -> tuple[str, ...]:
        return (self.year, self.reporter, self.flow, self.partner, self.cmd, self.value)


LAYOUTS: dict[str, Layout] = {
    "comtrade+": Layout(
        "comtrade+",
        year="refYear",
        reporter="reporterCode",
        reporter_iso="reporterISO",
        flow="flowCode",
        export="X",
        partner="partnerCode",
        partner2="partner2Code",
        customs="customsCode",
        mot="motCode",
        cmd="cmdCode",
        level="aggrLevel",
        value="primaryValue",
        classification="classificationCode",
        type_code="typeCode",
        freq="freqCode",
    ),
    "legacy": Layout(
        "legacy",
        year="Year",
        reporter="Reporter Code",
        reporter_iso="Reporter ISO",
        flow="Trade Flow Code",
        export="2",
        partner="Partner Code",
        partner2="2nd Partner Code",
        customs="Customs Proc. Code",
        mot="Mode of Transport Code",
        cmd="Commodity Code",
        level="Aggregate Level",
        value="Trade Value (US$)",
        classification="Classification",
        period="Period",
    ),
}

_FILE_NAME = re.compile(
    r"(?P<stem>COMTRADE-FINAL(?:CLASSIC)?-C(?P<freq>[AM])(?P<reporter>\d{3})(?P<year>\d{4})"
    r"(?P<classification>H\d))\[(?P<date>\d{4}-\d{2}-\d{2})\](?:\.\w+)*"
)


def detect_layout(columns: tuple[str, ...] | list[str], path: str | Path = "") -> Layout:
    """The layout whose key columns the header has, or an error naming both."""
    for layout in LAYOUTS.values():
        if all(c in columns for c in layout.required()):
            return layout
    expected = {k: list(v.required()) for k, v in LAYOUTS.items()}
    raise EvidenceError(
        f"{path}: not a UN Comtrade bulk layout: expected the columns {expected['comtrade+']} "
        f"(Comtrade+) or {expected['legacy']} (legacy); the file has {list(columns)}"
    )


@dataclass(frozen=True)
class _SameAs:
    """The cell equals another column's cell (spaces trimmed)."""

    column: str
    other: str

    def sql(self) -> str:
        return f"coalesce(trim({quote(self.column)}), '') = coalesce(trim({quote(self.other)}), '')"

    def test(self, row: Mapping[str, str]) -> bool:
        return row.get(self.column, "").strip(" ") == row.get(self.other, "").strip(" ")


def import_comtrade_bulk(
    store: EvidenceStore,
    path: str | Path,
    *,
    vintage: str | None = None,
    digits: int = 4,
    classification: str | None = None,
) -> ImportResult:
    """Import one Comtrade bulk file's exports to the World at ``digits`` (2, 4 or 6) digits.

    ``classification`` (``hs92``... or ``H0``...) overrides the file's
    ``classificationCode`` (needed where a legacy file says only ``HS``). ``vintage``
    defaults to the publication date in a Comtrade+ file name, else to the file's date and
    checksum. The whole file is checked before anything is written (one transaction);
    errors name the file, line and column.
    """
    if digits not in (2, 4, 6):
        raise EvidenceError(
            f"digits must be 2, 4 or 6 (HS chapters, headings, subheadings), not {digits}"
        )
    fixed = _classification(classification) if classification else None
    table = DelimitedFile.open(path)
    layout = detect_layout(table.columns, table.path)
    has = set(table.columns)
    match = _FILE_NAME.fullmatch(table.path.name)
    name = f"{match['stem'] if match else table.path.name} ({digits}-digit)"
    existing = already_imported(store, table, source=SOURCE, name=name)
    if existing is not None:
        return existing
    if fixed is None and layout.classification not in has:
        raise EvidenceError(
            f"{table.path}: column {layout.classification!r} not found: say which HS revision "
            "the file uses (classification='hs17'...)"
        )

    cmd, value = layout.cmd, layout.value
    code = f"[0-9]{{{digits}}}"
    level: Condition = (
        Matches(layout.level, str(digits)) if layout.level in has else Matches(cmd, code)
    )
    totals: list[Condition] = [
        IsIn(layout.flow, frozenset({layout.export})),
        Matches(layout.partner, "0+"),
    ]
    for column, total in ((layout.partner2, "0*"), (layout.customs, "(C00)?"), (layout.mot, "0*")):
        if column in has:
            totals.append(Matches(column, total))
    kept = All((*totals, level))

    checks = [
        Check(layout.year, blank(layout.year), "empty"),
        Check(layout.year, Not(Matches(layout.year, "[0-9]{4}")), "not a year ({first!r})"),
        Check(layout.reporter, blank(layout.reporter), "empty"),
        Check(
            layout.reporter,
            Not(Matches(layout.reporter, "[0-9]+")),
            "not a numeric reporter code ({first!r})",
        ),
        Check(layout.flow, blank(layout.flow), "empty"),
        Check(layout.partner, blank(layout.partner), "empty"),
        Check(
            layout.partner,
            Not(Matches(layout.partner, "[0-9]+")),
            "not a numeric partner code ({first!r})",
        ),
        Check(cmd, blank(cmd), "empty"),
        Check(
            value, Not(AnyOf((blank(value), Matches(value, NUMBER)))), "not a number ({first!r})"
        ),
        Check(value, Matches(value, NEGATIVE), "negative"),
    ]
    if layout.type_code in has and layout.type_code:
        checks.append(
            Check(
                layout.type_code,
                Not(IsIn(layout.type_code, frozenset({"C"}))),
                "not goods (typeCode C) but {values}: this importer reads the goods files",
            )
        )
    if layout.freq in has and layout.freq:
        checks.append(
            Check(
                layout.freq,
                Not(IsIn(layout.freq, frozenset({"A"}))),
                "not annual (freqCode A) but {values}: this importer reads annual files",
            )
        )
    if layout.period in has and layout.period:
        checks.append(
            Check(
                layout.period,
                Not(_SameAs(layout.period, layout.year)),
                "not annual data: period {first!r} is not the year",
            )
        )
    if fixed is None:
        checks.append(
            Check(
                layout.classification,
                Not(IsIn(layout.classification, frozenset(CLASSIFICATIONS))),
                f"not an HS revision {sorted(CLASSIFICATIONS)}: {{values}}",
            )
        )
    checks.append(
        Check(
            cmd, All((level, Not(Matches(cmd, code)))), f"not a {digits}-digit HS code: {{values}}"
        )
    )

    iso = f"trim({quote(layout.reporter_iso)})" if layout.reporter_iso in has else "''"
    cls = (
        _literal(fixed)
        if fixed
        else f"CASE trim({quote(layout.classification)}) "
        + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CLASSIFICATIONS.items())
        + " END"
    )
    with duckdb_connection(table.path) as db:
        rows, _ = validate(db, table, checks)
        # the rows kept, with the reporter as found (second and last pass)
        frame = fetch_frame(
            db,
            f"SELECT CAST(trim({quote(layout.year)}) AS INTEGER) AS year, "
            f"trim({quote(layout.reporter)}) AS code, coalesce({iso}, '') AS iso, "
            f"trim({quote(cmd)}) AS product, {cls} AS classification, "
            f"TRY_CAST(trim({quote(value)}) AS DOUBLE) AS value_usd "
            f"FROM {table.relation()} WHERE {kept.sql()}",
        )
    found = frame[["code", "iso"]].astype(str).drop_duplicates()
    pairs = [(str(c), str(i)) for c, i in zip(found["code"], found["iso"], strict=True)]
    reporters = _reporters(table, layout, kept, pairs)
    frame = frame.astype({"code": str, "iso": str}).merge(reporters, on=["code", "iso"])
    mapped = frame["iso3"].notna()
    key = ["year", "code", "product", "classification"]
    twice = frame[mapped & frame.duplicated(key, keep=False)]
    if len(twice):
        first = twice.iloc[0]
        fail(
            table,
            cmd,
            All(
                (
                    kept,
                    IsIn(layout.year, frozenset({str(first["year"])})),
                    IsIn(layout.reporter, frozenset({first["code"]})),
                    IsIn(cmd, frozenset({first["product"]})),
                )
            ),
            f"more than one export row to the World for year {first['year']}, reporter "
            f"{first['code']}, product {first['product']} ({first['classification']})",
        )
    empty, zero = mapped & frame["value_usd"].isna(), mapped & (frame["value_usd"] == 0)
    logger.info(
        "%s (%s layout): %d of %d rows are %d-digit exports to the World; of those, %d rows "
        "of reporters that are no country %s, %d without a value and %d of value 0 were left "
        "out",
        table.path.name,
        layout.name,
        len(frame),
        rows,
        digits,
        int((~mapped).sum()),
        sorted(set(frame.loc[~mapped, "name"])),
        int(empty.sum()),
        int(zero.sum()),
    )
    frame = frame.loc[mapped & ~empty & ~zero]
    if frame.empty:
        raise EvidenceError(
            f"{table.path}: no {digits}-digit exports of a country to the World in the file"
        )
    return store_rows(
        store,
        "exports",
        frame.rename(columns={"iso3": "country"})[
            ["year", "country", "product", "classification", "value_usd"]
        ],
        table.source(rows),
        source=SOURCE,
        vintage=vintage or (match["date"] if match else None),
        name=name,
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _classification(given: str) -> str:
    """``hs17`` or ``H5`` as the store's name (``hs17``)."""
    text = given.strip()
    if text.upper() in CLASSIFICATIONS:
        return CLASSIFICATIONS[text.upper()]
    if text.lower() in CLASSIFICATIONS.values():
        return text.lower()
    raise EvidenceError(
        f"unknown classification {given!r}; one of {sorted(CLASSIFICATIONS.values())}"
    )


def _reporters(
    table: DelimitedFile, layout: Layout, kept: Condition, pairs: list[tuple[str, str]]
) -> pd.DataFrame:
    """(code, iso) as found -> ``iso3`` (None: skipped) and ``name``; unknown ones raise."""
    rows: list[tuple[str, str, str | None, str]] = []
    for code, iso in pairs:
        number = str(int(code))
        if number in NON_COUNTRIES:
            rows.append((code, iso, None, NON_COUNTRIES[number]))
            continue
        if iso:
            found = to_iso3(pd.Series([iso]))[0]
            if pd.isna(found):
                fail(
                    table,
                    layout.reporter_iso,
                    All((kept, IsIn(layout.reporter_iso, frozenset({iso})))),
                    "unknown iso3 country code(s) {values}",
                )
        else:
            found = REPORTER_CODES.get(number) or to_iso3(pd.Series([number]), "numeric")[0]
            if pd.isna(found):
                fail(
                    table,
                    layout.reporter,
                    All((kept, IsIn(layout.reporter, frozenset({code})))),
                    "unknown reporter code(s) {values}: neither ISO 3166 numeric nor one of "
                    f"Comtrade's own {sorted(REPORTER_CODES)}",
                )
        rows.append((code, iso, str(found), ""))
    return pd.DataFrame(rows, columns=["code", "iso", "iso3", "name"])
