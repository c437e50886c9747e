"""Generic tables: any CSV or Parquet file mapped onto a canonical table by a small preset."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vinculo.evidence.countries import CodeScheme, to_iso3
from vinculo.evidence.sources._checks import row_error as _fail
from vinculo.evidence.store import CANONICAL_TABLES, EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, TableSource, read_header, read_table

__all__ = ["PRESETS", "Preset", "import_file"]

_SHOWN = 5


@dataclass(frozen=True)
class Preset:
    """How a file's columns map onto a canonical table.

    ``columns`` maps canonical column -> file column; ``constants`` fills canonical columns
    that the file does not have (e.g. the classification); ``countries`` names the
    canonical country columns and the code scheme the file uses; ``scale`` multiplies
    value columns (e.g. 1000 for values in thousands of USD).
    """

    name: str
    table: str
    source: str
    description: str
    columns: dict[str, str]
    constants: dict[str, Any] = field(default_factory=dict)
    countries: dict[str, CodeScheme] = field(default_factory=dict)
    scale: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        wanted = set(CANONICAL_TABLES[self.table])
        given = set(self.columns) | set(self.constants)
        if given != wanted:
            raise ValueError(f"preset {self.name}: maps {sorted(given)}, needs {sorted(wanted)}")


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            "exports",
            "exports",
            "user",
            "Your own exports table: year, country (ISO3), product, classification, value_usd.",
            {c: c for c in CANONICAL_TABLES["exports"]},
            countries={"country": "iso3"},
        ),
        Preset(
            "atlas-hs92-exports",
            "exports",
            "atlas",
            "Atlas of Economic Complexity, country × HS92 4-digit exports (staged layout).",
            {
                "year": "year",
                "country": "country_code",
                "product": "hs92_code",
                "value_usd": "export_value_usd",
            },
            constants={"classification": "hs92"},
            countries={"country": "iso3"},
        ),
        Preset(
            "ots-hs07-exports",
            "exports",
            "ots",
            "Open Trade Statistics, country × HS07 4-digit exports (staged layout).",
            {
                "year": "year",
                "country": "country_code",
                "product": "hs07_code",
                "value_usd": "export_value_usd",
            },
            constants={"classification": "hs07"},
            countries={"country": "iso3"},
        ),
        Preset(
            "country-indicators",
            "country_indicators",
            "user",
            "Your own indicators: year, country (ISO3), indicator, value.",
            {c: c for c in CANONICAL_TABLES["country_indicators"]},
            countries={"country": "iso3"},
        ),
    )
}

_INTEGER = {"year"}
_NUMBERS = {"value_usd", "count", "works", "families", "value", "latitude", "longitude"}


def _map_rows(preset: Preset, frame: pd.DataFrame, source: TableSource) -> pd.DataFrame:
    """The file's rows as canonical rows, or an error naming file, row and column."""
    out: dict[str, Any] = {}
    for canonical, column in preset.columns.items():
        values = frame[column]
        missing = np.flatnonzero(values.isna().to_numpy())
        if len(missing) and canonical not in ("latitude", "longitude", "field"):
            raise _fail(source, missing, column, "empty")
        if canonical in _INTEGER or canonical in _NUMBERS:
            numbers = pd.to_numeric(values, errors="coerce")
            bad = np.flatnonzero(numbers.isna().to_numpy() & values.notna().to_numpy())
            if len(bad):
                example = values.iloc[int(bad[0])]
                raise _fail(source, bad, column, f"not a number ({example!r})")
            if canonical in _INTEGER:
                fractional = np.flatnonzero((numbers % 1 != 0).to_numpy())
                if len(fractional):
                    raise _fail(source, fractional, column, "not a whole number")
                numbers = numbers.astype("int64")
            elif canonical.startswith(("value", "count", "works", "families")):
                negative = np.flatnonzero((numbers < 0).to_numpy())
                if len(negative):
                    raise _fail(source, negative, column, "negative")
            out[canonical] = numbers * preset.scale.get(canonical, 1)
        elif canonical in preset.countries:
            codes = to_iso3(values, preset.countries[canonical])
            unknown = np.flatnonzero(codes.isna().to_numpy())
            if len(unknown):
                examples = sorted({str(values.iloc[int(r)]) for r in unknown[:_SHOWN]})
                raise _fail(
                    source,
                    unknown,
                    column,
                    f"unknown {preset.countries[canonical]} country code(s) {examples}",
                )
            out[canonical] = codes
        else:
            out[canonical] = values.astype(str)
    for canonical, value in preset.constants.items():
        out[canonical] = value
    return pd.DataFrame(out, index=frame.index)


def import_file(
    store: EvidenceStore,
    preset_name: str,
    path: str | Path,
    *,
    vintage: str | None = None,
    source: str | None = None,
    name: str | None = None,
) -> ImportResult:
    """Import one file through a preset: validated whole, then written in one transaction.

    ``vintage`` defaults to the file's modification date and checksum; ``name`` (the
    dataset's name within its source) to the file name. Errors name the file, the row
    (the file's line for CSV) and the column, and leave the store unchanged.
    """
    if preset_name not in PRESETS:
        raise EvidenceError(f"unknown preset {preset_name!r}; one of {sorted(PRESETS)}")
    preset = PRESETS[preset_name]
    try:
        header = read_header(path)
        absent = [c for c in preset.columns.values() if c not in header]
        if absent:
            raise EvidenceError(
                f"{path}: column(s) {absent} not found for preset {preset.name!r}; "
                f"the file has {header}"
            )
        text = tuple(
            column
            for canonical, column in preset.columns.items()
            if canonical not in _INTEGER and canonical not in _NUMBERS
        )
        frame, table_source = read_table(path, text_columns=text)
    except TableError as error:
        raise EvidenceError(str(error)) from None
    if frame.empty:
        raise EvidenceError(f"{path}: no rows")
    rows = _map_rows(preset, frame, table_source)
    modified = datetime.fromisoformat(table_source.modified)
    return store.import_rows(
        preset.table,
        rows,
        source=source or preset.source,
        name=name or Path(path).name,
        vintage=vintage or f"{modified:%Y-%m-%d}-{table_source.sha256[:8]}",
        file_name=str(path),
        file_sha256=table_source.sha256,
        retrieved_at=modified.astimezone(UTC),
    )
