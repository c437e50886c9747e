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
``longitude``, ``status`` (active / inactive / withdrawn), ``city``, ``website`` and
``established`` (founding year). Every record is kept whatever its status — inactive and
withdrawn records (about 5 %) are kept so that old affiliations still resolve; users of the
table filter on ``status = 'active'`` to list living institutions.

The full registry comes as ROR's **data dump** (Zenodo, community "ROR Data"): a zip
holding ``vX.Y-YYYY-MM-DD-ror-data.json`` (schema v2: a list of records with ``id``,
``names`` [{``value``, ``types`` (``ror_display``, ``label``, ``alias``, ``acronym``),
``lang``}], ``status``, ``types``, ``established``, ``links`` [{``type``, ``value``}],
``locations`` [{``geonames_details``: {``country_code``, ``lat``, ``lng``, ``name``}}]).
:func:`import_ror_dump` reads that JSON (or the zip) through the same checks; its vintage is
the release in the file name (e.g. ``ror-v1.63-2025-04-03``). Schema v1 dumps (before
2024) are refused with a message saying so.
"""

from __future__ import annotations

import json
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vinculo.evidence.sources._checks import country_codes, numbers, store_rows
from vinculo.evidence.sources._checks import row_error as _fail
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult, file_sha256
from vinculo.evidence.tables import TableError, TableSource, read_table

__all__ = ["STAGED", "VINTAGE", "dump_records", "import_ror_dump", "import_ror_records"]

# The ror-records commit the staged file was built from (d93fc66, 2026-06-23).
VINTAGE = "ror-records-2026-06-23"

_COLUMNS = ("ror_id", "name", "types", "country_code", "lat", "lng", "acronyms", "aliases_labels")
_DETAILS = ("status", "city", "website", "established")
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
    details = {c: frame[c] if c in frame.columns else None for c in _DETAILS}
    if details["established"] is not None:
        details["established"] = numbers(
            details["established"], source, "established", whole=True
        ).astype("Int32")
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
            **{c: _empty_as_none(v) for c, v in details.items() if c != "established"},
            "established": details["established"],
        },
        index=frame.index,
    )


def _empty_as_none(values: pd.Series | None) -> pd.Series | None:
    if values is None:
        return None
    text = values.astype(object)
    blank = (text.isna() | (text.astype(str).str.strip() == "")).to_numpy()
    text[blank] = None
    return text


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


def _name(record: dict[str, Any], kind: str) -> list[str]:
    return [str(n["value"]) for n in record.get("names") or [] if kind in (n.get("types") or [])]


def dump_records(records: list[dict[str, Any]], path: str | Path) -> pd.DataFrame:
    """ROR v2 records flattened into the staged file's columns (one row per record).

    >>> record = {"id": "https://ror.org/01tmp8f25", "status": "active",
    ...     "types": ["education", "funder"], "established": 1910,
    ...     "names": [{"value": "Universidad Nacional Autónoma de México",
    ...                "types": ["ror_display", "label"], "lang": "es"},
    ...               {"value": "UNAM", "types": ["acronym"], "lang": None}],
    ...     "links": [{"type": "website", "value": "https://www.unam.mx"}],
    ...     "locations": [{"geonames_id": 3530597, "geonames_details": {
    ...         "country_code": "MX", "lat": 19.43, "lng": -99.13, "name": "Mexico City"}}]}
    >>> row = dump_records([record], "dump.json").iloc[0]
    >>> row["name"], row["types"], row["acronyms"], row["country_code"], row["city"]
    ('Universidad Nacional Autónoma de México', 'education|funder', 'UNAM', 'MX', 'Mexico City')
    """
    rows = []
    for number, record in enumerate(records):
        if not isinstance(record, dict) or "names" not in record:
            raise EvidenceError(
                f"{path}: record {number + 1}: not a ROR schema v2 record (no 'names'); "
                "schema v1 dumps (before 2024) are not supported, use a v2 release"
            )
        display = _name(record, "ror_display")
        location = ((record.get("locations") or [{}])[0] or {}).get("geonames_details") or {}
        websites = [
            str(link["value"])
            for link in record.get("links") or []
            if link.get("type") == "website"
        ]
        rows.append(
            {
                "ror_id": record.get("id"),
                "name": display[0] if display else None,
                "status": record.get("status"),
                "types": "|".join(record.get("types") or []),
                "country_code": location.get("country_code"),
                "city": location.get("name"),
                "lat": location.get("lat"),
                "lng": location.get("lng"),
                "established": record.get("established"),
                "acronyms": "|".join(_name(record, "acronym")),
                "aliases_labels": "|".join(_name(record, "alias") + _name(record, "label")),
                "website": websites[0] if websites else None,
            }
        )
    return pd.DataFrame(rows)


def _dump_json(path: Path) -> tuple[bytes, str]:
    """The JSON text of a dump (or of the ``*ror-data.json`` inside its zip), and its name."""
    if path.suffix.lower() != ".zip":
        return path.read_bytes(), path.name
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith(".json") and "schema_v1" not in n]
            if not names:
                raise EvidenceError(f"{path}: no ROR data JSON file in the zip")
            chosen = sorted(names, key=lambda n: ("schema_v2" not in n, n))[-1]
            return archive.read(chosen), chosen
    except zipfile.BadZipFile as error:
        raise EvidenceError(f"{path}: not a zip file ({error})") from None


def import_ror_dump(
    store: EvidenceStore, path: str | Path, *, vintage: str | None = None
) -> ImportResult:
    """Import a ROR data dump (``…-ror-data.json``, schema v2, or the Zenodo zip holding it)
    into ``institutions``, through the same checks as the staged file.

    The vintage defaults to the release in the file name (``ror-v1.63-2025-04-03``).
    """
    file = Path(path)
    if not file.is_file():
        raise EvidenceError(f"{file}: no such file")
    text, inner = _dump_json(file)
    try:
        records = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise EvidenceError(f"{file}: not a JSON document: {error}") from None
    if not isinstance(records, list) or not records:
        raise EvidenceError(f"{file}: expected a non-empty JSON list of ROR records")
    frame = dump_records(records, file)
    stat = file.stat()
    source = TableSource(
        path=f"{file}" + (f" ({inner})" if inner != file.name else ""),
        sha256=file_sha256(file),
        size_bytes=stat.st_size,
        modified=datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds"),
        rows=len(frame),
        file_format="json",
    )
    release = re.search(r"(v\d+(?:\.\d+)*-\d{4}-\d{2}-\d{2})", inner)
    rows = _validated(frame, source)
    return store_rows(
        store,
        "institutions",
        rows,
        source,
        source="ror",
        vintage=vintage or (f"ror-{release.group(1)}" if release else None),
        name="ror-data",
    )


STAGED = [("ror_registry_partial/ror_records.parquet", import_ror_records)]
