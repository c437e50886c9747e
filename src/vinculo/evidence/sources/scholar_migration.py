"""Scholars' international migration, country to country, per five-year period 1998-2017
(MPIDR, from Scopus affiliations).

Publisher
---------
Zhao, Akbaritabar, Kashyap and Zagheni, "A gender perspective on the global migration of
scholars", PNAS 2023 (doi:10.1073/pnas.2214664120); replication data in
github.com/zxy919781142/A-gender-perspective-on-the-global-migration-of-scholars (commit
``81ace6d``), staged in ``scholar_migration_scopus_1998_2017/zhao2023_gender_pnas/``. Only
aggregates are shared (no person). Licence as stated: none in the repository (the MPIDR
Scholarly Migration Dataset on Zenodo is CC BY 4.0); cite the paper.

``0_OD_migration_flow.csv`` (23,412 rows): ``<index>, from, to, period (1-4),
all_period_flow, female_period_flow, male_period_flow, period_year`` — the number of
scholars whose modal affiliation country moved from ``from`` to ``to`` in the period
(1998-2002, 2003-2007, 2008-2012, 2013-2017). Only ``from``, ``to``, ``all_period_flow``
and ``period_year`` are read.

What is stored
--------------
The canonical ``scholar_migration`` table: ``period_start``, ``period_end`` (from
``period_year``), ``country_from``, ``country_to`` (ISO3), ``scholars`` (the total flow).
Countries are English names: mapped by the ``residenceCountry`` → ``iso2`` pairs of the
companion file ``0_gendered_net_migration_all.csv`` when it lies beside (the authors' own
mapping), else by :data:`NAMES` and the exact ISO 3166 names; an unknown name is an error
naming it. One dataset, vintage ``mpidr-zhao2023-1998-2017``.

Caveats (staged README): only researchers with publications in at least two years can be
seen moving; "migration" is a change of modal affiliation country; a pair absent from the
file had no move observed (or was below a threshold the file does not document) — read as
zero by :func:`vinculo.strategy.talent.talent_with`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from vinculo.evidence.countries import to_iso3
from vinculo.evidence.sources._checks import numbers, present, row_error, store_rows
from vinculo.evidence.sources.top500 import iso3_by_name
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, read_table

__all__ = ["DATASET", "NAMES", "SOURCE", "STAGED", "VINTAGE", "import_flows"]

SOURCE = "scholar-migration"
DATASET = "zhao2023-od-flows"
VINTAGE = "mpidr-zhao2023-1998-2017"
COMPANION = "0_gendered_net_migration_all.csv"

#: The file's names that its companion leaves without a usable ISO2 and that are not an
#: exact ISO 3166 name.
NAMES: dict[str, str] = {
    "Bonaire, Saint Eustatius and Saba": "BES",
    "Curacao": "CUW",
    "Kosovo": "XKX",
    "Namibia": "NAM",
    "Palestinian Territory": "PSE",
    "Reunion": "REU",
    "Sint Maarten": "SXM",
    "Timor Leste": "TLS",
    "Vatican": "VAT",
    "United States": "USA",
    "United Kingdom": "GBR",
    "Russia": "RUS",
    "South Korea": "KOR",
    "Iran": "IRN",
    "Taiwan": "TWN",
}

_PERIOD = re.compile(r"^(\d{4})-(\d{4})$")
_COLUMNS = ("from", "to", "all_period_flow", "period_year")


def _companion(folder: Path) -> dict[str, str]:
    """English name -> ISO3 from the companion file's ``residenceCountry`` and ``iso2``."""
    path = folder / COMPANION
    if not path.is_file():
        return {}
    try:
        frame, _ = read_table(path, text_columns=("residenceCountry", "iso2"))
    except TableError as error:
        raise EvidenceError(str(error)) from None
    pairs = frame[["residenceCountry", "iso2"]].dropna().drop_duplicates()
    codes = to_iso3(pairs["iso2"], "iso2")
    names = pairs["residenceCountry"].astype(str).str.split().str.join(" ")
    return {n: c for n, c in zip(names, codes, strict=True) if isinstance(c, str)}


def import_flows(store: EvidenceStore, path: str | Path) -> ImportResult:
    """Import the origin-destination flows of scholars per period."""
    path = Path(path)
    try:
        frame, source = read_table(path, text_columns=("from", "to", "period_year"))
    except TableError as error:
        raise EvidenceError(str(error)) from None
    absent = [c for c in _COLUMNS if c not in frame.columns]
    if absent:
        raise EvidenceError(
            f"{path}: column(s) {absent} not found; the file has {list(frame.columns)}"
        )
    known = _companion(path.parent) | NAMES
    ends: dict[str, pd.Series] = {}
    for column in ("from", "to"):
        names = present(frame[column], source, column).astype(str).str.split().str.join(" ")
        found = {n: known.get(n) or iso3_by_name(n, {}) for n in names.unique()}
        codes = names.map(found)
        unknown = frame.index[codes.isna().to_numpy()]
        if len(unknown):
            shown = sorted(set(names.loc[unknown]))[:5]
            raise row_error(
                source, unknown, column, f"unknown country name(s) {shown} (add to NAMES)"
            )
        ends[column] = codes
    periods = present(frame["period_year"], source, "period_year").astype(str).str.strip()
    parts = periods.str.extract(_PERIOD)
    bad = frame.index[parts[0].isna().to_numpy()]
    if len(bad):
        raise row_error(source, bad, "period_year", "not a period YYYY-YYYY")
    rows = pd.DataFrame(
        {
            "period_start": parts[0].astype("int32"),
            "period_end": parts[1].astype("int32"),
            "country_from": ends["from"].astype(object),
            "country_to": ends["to"].astype(object),
            "scholars": numbers(
                present(frame["all_period_flow"], source, "all_period_flow"),
                source,
                "all_period_flow",
            ),
        }
    )
    key = ["period_start", "country_from", "country_to"]
    doubled = rows.index[rows.duplicated(key, keep=False).to_numpy()]
    if len(doubled):
        raise row_error(source, doubled, "from", "the same pair and period twice")
    return store_rows(
        store, "scholar_migration", rows, source, source=SOURCE, vintage=VINTAGE, name=DATASET
    )


STAGED = [
    ("scholar_migration_scopus_1998_2017/zhao2023_gender_pnas/0_OD_migration_flow.csv",
     import_flows),
]  # fmt: skip
