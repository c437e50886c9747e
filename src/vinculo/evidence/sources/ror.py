"""ROR, the Research Organization Registry: institutions with their country and type.

The staged file (``ror_registry_partial/ror_records.parquet``) is a flattening of the
``ror-community/ror-records`` repository at commit ``d93fc66`` (2026-06-23): for every
ROR id, the record of its latest release. It is **partial** (51,370 of the ~120k
organisations: only records touched since release v1.0.1), so coverage of any country is
incomplete.

Stored in the canonical ``institutions`` table: ``ror_id`` (the full ``https://ror.org/…``
id), ``name`` (the display name), ``country`` (ISO3, from the alpha-2 ``country_code`` of
the first location), ``types`` (the pipe-separated ROR types as a list, lower case),
``aliases`` (the other names: ``aliases_labels`` — aliases and other-language labels —
then ``acronyms``, without the display name and without repeats), ``latitude`` and
``longitude``. Every record is kept whatever its ``status``: the canonical table has no
status column, and inactive and withdrawn records (about 5 %) are kept so that old
affiliations still resolve.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vinculo.evidence.sources._checks import country_codes, numbers, store_rows
from vinculo.evidence.sources._checks import row_error as _fail
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, TableSource, read_table

__all__ = ["STAGED", "VINTAGE", "import_ror_records"]

# The ror-records commit the staged file was built from (d93fc66, 2026-06-23).
VINTAGE = "ror-records-2026-06-23"

_COLUMNS = ("ror_id", "name", "types", "country_code", "lat", "lng", "acronyms", "aliases_labels")
_SHOWN = 5


def _split(value: object) -> list[str]:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return []
    return [part.strip() for part in str(value).split("|") if part.strip()]


def _aliases(name: str, labels: object, acronyms: object) -> list[str]:
    seen = {name}
    out = []
    for alias in _split(labels) + _split(acronyms):
        if alias not in seen:
            seen.add(alias)
            out.append(alias)
    return out


def _validated(frame: pd.DataFrame, source: TableSource) -> pd.DataFrame:
    absent = [c for c in _COLUMNS if c not in frame.columns]
    if absent:
        raise EvidenceError(
            f"{source.path}: column(s) {absent} not found; the file has {list(frame.columns)}"
        )
    for column in ("ror_id", "name", "country_code"):
        values = frame[column]
        empty = np.flatnonzero((values.isna() | (values.astype(str).str.strip() == "")).to_numpy())
        if len(empty):
            raise _fail(source, empty, column, "empty")
    repeated = np.flatnonzero(frame["ror_id"].duplicated(keep=False).to_numpy())
    if len(repeated):
        raise _fail(source, repeated, "ror_id", "the same ROR id appears twice")
    countries = country_codes(frame["country_code"], source, "country_code", "iso2")
    coordinates = {
        column: numbers(frame[column], source, column, negative=True) for column in ("lat", "lng")
    }
    names = frame["name"].astype(str).str.strip()
    return pd.DataFrame(
        {
            "ror_id": frame["ror_id"].astype(str).str.strip(),
            "name": names,
            "country": countries,
            "types": [[t.lower() for t in _split(value)] for value in frame["types"]],
            "aliases": [
                _aliases(name, labels, acronyms)
                for name, labels, acronyms in zip(
                    names, frame["aliases_labels"], frame["acronyms"], strict=True
                )
            ],
            "latitude": coordinates["lat"],
            "longitude": coordinates["lng"],
        },
        index=frame.index,
    )


def import_ror_records(store: EvidenceStore, path: str | Path) -> ImportResult:
    """Import the staged ``ror_records.parquet`` into ``institutions``.

    The whole file is validated first: an empty or repeated ROR id, an empty name or an
    unknown country code raises :class:`EvidenceError` naming the file, the rows and the
    column, and the store is left unchanged. A second import of the same file changes
    nothing.
    """
    try:
        # no text_columns: they would turn a Parquet null into "None"; CSV keeps "NA" as text
        frame, source = read_table(path)
    except TableError as error:
        raise EvidenceError(str(error)) from None
    if frame.empty:
        raise EvidenceError(f"{path}: no rows")
    rows = _validated(frame, source)
    return store_rows(store, "institutions", rows, source, source="ror", vintage=VINTAGE)


STAGED = [("ror_registry_partial/ror_records.parquet", import_ror_records)]
