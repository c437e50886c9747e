"""CONACYT "Becas al extranjero": scholarships for postgraduate study abroad, 2012-2023,
aggregated at import (no scholar's name is stored).

Publisher
---------
CONACYT (later CONAHCYT, now SECIHTI), Dirección Adjunta de Posgrado y Becas, on its
"Padrón de beneficiarios" transparency page: one list a year of the scholarships it paid
abroad (2012-2022 calendar years, 2023 January-June only). The staged copy
(``conacyt_scholarships_abroad_2012_2023/``) holds the yearly files as found in
github.com/jmtoral/becas_extranjero_conahcyt (commit ``8809c52``) and the scout's
harmonized table ``becas_extranjero_2012_2023_harmonized.csv.gz`` (59,526 rows, all years
stacked: ``year, period, consec, nombre_becario, inicio_beca, fin_beca, nivel_estudios,
institucion, pais, programa_estudios, area_conocimiento, convocatoria, importe_total_mxn,
source_file``), which is what is read here. Licence as stated: none on the files; Mexican
federal transparency data (cite CONACYT/CONAHCYT).

What is stored (least data)
---------------------------
A row of the list is one scholar paid in the year: the name is personal data and is
**dropped at import** (as are the row number, the programme and the call). Stored in the
canonical ``scholarships`` table, one row per (year, destination, level, area,
institution): ``home`` = MEX (the funder), ``country`` (ISO3 of the destination, NULL
where the name is not matched), ``country_name`` (as published, stripped), ``level``
(:func:`levels`), ``area`` (the SNI area without its roman numeral, NULL for "-"),
``institution`` (as published, spaces collapsed), ``ror_id`` (:func:`ror_matches`),
``scholarships`` (rows: paid in the year — a stock, a PhD counts in each of its years),
``new_starts`` (of them, those whose ``inicio_beca`` falls in that year) and ``amount_mxn``
(the sum of ``importe_total_mxn``, nominal pesos). One dataset, vintage
``conacyt-becas-2012-2023h1``.

Matching, and what it reports
-----------------------------
Destination countries are Spanish names with variants (HOLANDA and PAISES BAJOS, ESPAÑA,
accents present or not, upper or mixed case, trailing spaces, a typo AUTRALIA): folded
(accents, case, spaces) and looked up in CLDR's Spanish territory names and in
:data:`NAMES` (the variants CLDR does not have, each checked by hand). A name in neither
stays unmatched — never guessed — and the import logs (warning level, so it shows on the
console) how many rows matched, their share and the unmatched names with their rows
(:class:`Report`). Institutions get a ROR id only where their folded name equals the folded
name or an alias of exactly one ROR record of the same country in the store's
``institutions`` table (so ``ror`` is pulled first); the rate is logged too. The staged ROR
registry is partial, so most institutions stay without an id.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from babel import Locale

from vinculo.evidence.countries import locations_table
from vinculo.evidence.sources._checks import numbers, present, row_error, store_rows
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, TableSource, read_table

__all__ = [
    "DATASET",
    "HOME",
    "NAMES",
    "SOURCE",
    "STAGED",
    "VINTAGE",
    "Report",
    "aggregate",
    "fold",
    "import_harmonized",
    "iso3_by_spanish_name",
    "last_report",
    "levels",
    "ror_matches",
]

logger = logging.getLogger(__name__)

SOURCE = "conacyt-becas"
DATASET = "becas-al-extranjero"
VINTAGE = "conacyt-becas-2012-2023h1"
HOME = "MEX"
HARMONIZED = "becas_extranjero_2012_2023_harmonized.csv.gz"

#: Spanish destination names CLDR does not spell this way (folded keys), each read by hand:
#: HOLANDA is the Netherlands' common Spanish name; COREA and REP. DE COREA, in a Mexican
#: scholarship list, are the Republic of Korea (South Korea: Mexico funds no study in the
#: DPRK); INGLATERRA (England) is in the United Kingdom; AUTRALIA is a typo of AUSTRALIA.
NAMES: dict[str, str] = {
    "holanda": "NLD",
    "corea": "KOR",
    "rep. de corea": "KOR",
    "rep. checa": "CZE",
    "bosnia-herzegovina": "BIH",
    "inglaterra": "GBR",
    "autralia": "AUS",
}

_COLUMNS = ("year", "inicio_beca", "nivel_estudios", "institucion", "pais")
_OPTIONAL = ("area_conocimiento", "importe_total_mxn")
_LEVELS = {
    "1. doc": "doctorado",
    "doctorado": "doctorado",
    "2. mae": "maestría",
    "maestria": "maestría",
    "3. esp": "especialidad",
    "especialidad": "especialidad",
}
_NUMERAL = re.compile(r"^[IVX]+\.\s*")
_SHOWN = 10


def fold(text: object) -> str:
    """Case, accents and spaces folded: the key names are compared by.

    >>> fold("  Países   Bajos "), fold("MAESTRÍA"), fold("Technische Universität München")
    ('paises bajos', 'maestria', 'technische universitat munchen')
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


@cache
def _spanish_names() -> dict[str, str]:
    """CLDR's Spanish territory names (Spain's and Mexico's), folded, to ISO3 codes of
    countries."""
    countries = locations_table()
    countries = countries[countries["kind"] == "country"].dropna(subset=["iso2"])
    by_iso2 = dict(zip(countries["iso2"], countries["code"], strict=True))
    names: dict[str, str] = {}
    for locale in ("es", "es_MX"):
        for key, name in Locale.parse(locale).territories.items():
            if key in by_iso2:
                names.setdefault(fold(name), by_iso2[key])
    return names


def iso3_by_spanish_name(name: object, table: Mapping[str, str] = NAMES) -> str | None:
    """The ISO3 code of a Spanish country name (folded), from ``table`` then CLDR; None if
    neither has it — nothing is guessed.

    >>> [iso3_by_spanish_name(n) for n in ("HOLANDA", "PAISES BAJOS", "Países Bajos ")]
    ['NLD', 'NLD', 'NLD']
    >>> iso3_by_spanish_name("ESPAÑA"), iso3_by_spanish_name("N/D") is None
    ('ESP', True)
    """
    key = fold(name)
    return table.get(key) or _spanish_names().get(key)


def levels(values: pd.Series) -> pd.Series:
    """Degree levels normalised from the varying codes ("1. DOC" until 2018, "DOCTORADO"
    later; "MAESTRIA" and "MAESTRÍA"): ``doctorado``, ``maestría``, ``especialidad``, or
    ``otro`` (licenciatura, estancia técnica, convenio, S/D...).

    >>> levels(pd.Series(["1. DOC", "MAESTRÍA", "3. ESP", "4. EST TEC"])).tolist()
    ['doctorado', 'maestría', 'especialidad', 'otro']
    """
    return values.map(lambda v: _LEVELS.get(fold(v), "otro") if pd.notna(v) else "otro")


def _areas(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.replace(_NUMERAL, "", regex=True)
    return text.where(~text.isin(["", "-"]))


@dataclass
class Report:
    """How well the names matched: rows whose destination country is known, and
    institution names (distinct, per country) with a ROR id."""

    rows: int = 0
    country_rows: int = 0
    unmatched_countries: dict[str, int] = field(default_factory=dict)
    institutions: int = 0
    ror_institutions: int = 0
    ror_rows: int = 0
    ror_vintage: str | None = None

    @property
    def country_share(self) -> float:
        return self.country_rows / self.rows if self.rows else 0.0

    @property
    def ror_share(self) -> float:
        return self.ror_institutions / self.institutions if self.institutions else 0.0

    def lines(self) -> list[str]:
        unmatched = ", ".join(f"{n!r} ({r})" for n, r in self.unmatched_countries.items())
        ror = f"ROR {self.ror_vintage}" if self.ror_vintage else "no ROR institutions in the store"
        return [
            f"{SOURCE}: destination country matched for {self.country_rows:,} of "
            f"{self.rows:,} rows ({self.country_share:.2%}); unmatched: {unmatched or 'none'}",
            f"{SOURCE}: ROR id for {self.ror_institutions:,} of {self.institutions:,} "
            f"institution names ({self.ror_share:.2%}; {self.ror_rows:,} rows), exact "
            f"name or alias after folding, one record of the same country ({ror})",
        ]


def ror_matches(institutions: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(ISO3 country, folded name) -> ROR id, from rows of the ``institutions`` table: the
    display name and every alias; a key two records share is left out (ambiguous)."""
    found: dict[tuple[str, str], set[str]] = {}
    for row in institutions.itertuples(index=False):
        aliases: Any = row.aliases
        names = [row.name, *(list(aliases) if aliases is not None else [])]
        for name in names:
            found.setdefault((str(row.country), fold(name)), set()).add(str(row.ror_id))
    return {key: next(iter(ids)) for key, ids in found.items() if len(ids) == 1}


def aggregate(
    frame: pd.DataFrame, source: TableSource, ror: Mapping[tuple[str, str], str]
) -> tuple[pd.DataFrame, Report]:
    """The canonical rows of the harmonized table (no name column survives) and the match
    report."""
    absent = [c for c in _COLUMNS if c not in frame.columns]
    if absent:
        raise EvidenceError(
            f"{source.path}: column(s) {absent} not found; the file has {list(frame.columns)}"
        )
    if frame.empty:
        raise EvidenceError(f"{source.path}: no rows")
    year = numbers(present(frame["year"], source, "year"), source, "year", whole=True)
    starts = pd.to_datetime(frame["inicio_beca"], errors="coerce", format="ISO8601")
    bad = frame.index[(starts.isna() & frame["inicio_beca"].notna()).to_numpy()]
    if len(bad):
        raise row_error(source, bad, "inicio_beca", "not an ISO date")
    amount = (
        numbers(frame["importe_total_mxn"], source, "importe_total_mxn", negative=True)
        if "importe_total_mxn" in frame.columns
        else pd.Series(float("nan"), index=frame.index)
    )
    published = frame["pais"].astype("string").str.strip()
    names = published.dropna().unique()
    codes = published.map({n: iso3_by_spanish_name(n) for n in names})
    institution = frame["institucion"].astype("string").str.split().str.join(" ")
    institution = institution.where(institution != "")
    rows = pd.DataFrame(
        {
            "year": year.astype("int64"),
            "home": HOME,
            "country": codes.astype(object),
            "country_name": published.astype(object),
            "level": levels(frame["nivel_estudios"]),
            "area": (
                _areas(frame["area_conocimiento"]) if "area_conocimiento" in frame.columns else None
            ),
            "institution": institution.astype(object),
            "scholarships": 1.0,
            "new_starts": (starts.dt.year == year).astype("float64"),
            "amount_mxn": amount,
        }
    )
    rows["ror_id"] = [
        ror.get((str(c), fold(i))) if isinstance(c, str) and isinstance(i, str) else None
        for c, i in zip(rows["country"], rows["institution"], strict=True)
    ]
    report = Report(rows=len(rows), country_rows=int(rows["country"].notna().sum()))
    unmatched = rows.loc[rows["country"].isna(), "country_name"].fillna("(empty)")
    report.unmatched_countries = {str(k): int(v) for k, v in unmatched.value_counts().items()}
    named = rows.dropna(subset=["country", "institution"])
    pairs = named.drop_duplicates(["country", "institution"])
    report.institutions = len(pairs)
    report.ror_institutions = int(pairs["ror_id"].notna().sum())
    report.ror_rows = int(rows["ror_id"].notna().sum())
    keys = ["year", "home", "country", "country_name", "level", "area", "institution", "ror_id"]
    summed = rows.groupby(keys, dropna=False, sort=True)[
        ["scholarships", "new_starts", "amount_mxn"]
    ].sum(min_count=1)
    out = summed.reset_index()
    out = out.astype(object).where(out.notna(), None)  # type: ignore[call-overload]
    for column in ("scholarships", "new_starts", "amount_mxn"):
        out[column] = pd.to_numeric(out[column]).astype("float64")
    out["year"] = out["year"].astype("int32")
    return out, report


def import_harmonized(store: EvidenceStore, path: str | Path) -> ImportResult:
    """Import the harmonized table: aggregates only, with the match report logged."""
    try:
        frame, source = read_table(path, text_columns=(*_COLUMNS, *_OPTIONAL))
    except TableError as error:
        raise EvidenceError(str(error)) from None
    institutions = store.rows("institutions")
    ror = ror_matches(institutions) if not institutions.empty else {}
    rows, report = aggregate(frame, source, ror)
    if not institutions.empty:
        report.ror_vintage = ", ".join(sorted(set(institutions["vintage"])))
    for line in report.lines():
        logger.warning("%s", line)
    return store_rows(store, "scholarships", rows, source, source=SOURCE, vintage=VINTAGE,
                      name=DATASET)  # fmt: skip


def last_report(store: EvidenceStore) -> Report:
    """The match report of the latest CONACYT dataset in the store, from its rows."""
    rows = store.rows("scholarships", source=SOURCE)
    report = Report(rows=int(rows["scholarships"].sum()))
    known = rows["country"].notna()
    report.country_rows = int(rows.loc[known, "scholarships"].sum())
    names = rows.loc[~known, "country_name"].fillna("(empty)")
    unknown = rows.loc[~known, "scholarships"].groupby(names).sum()
    report.unmatched_countries = {str(k): int(v) for k, v in unknown.items()}
    pairs = rows.dropna(subset=["country", "institution"]).drop_duplicates(
        ["country", "institution"]
    )
    report.institutions = len(pairs)
    report.ror_institutions = int(pairs["ror_id"].notna().sum())
    report.ror_rows = int(rows.loc[rows["ror_id"].notna(), "scholarships"].sum())
    return report


STAGED = [(f"conacyt_scholarships_abroad_2012_2023/{HARMONIZED}", import_harmonized)]
