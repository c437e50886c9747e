"""Generic tables: any CSV, Parquet or Excel file mapped onto a canonical table by a small
preset, read in batches so a file larger than memory imports in bounded memory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from vinculo.evidence.countries import CodeScheme
from vinculo.evidence.sources._checks import country_codes, numbers, present, store_rows
from vinculo.evidence.store import CANONICAL_TABLES, EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, TableSource, iter_table, read_header

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

_OPTIONAL = {"latitude", "longitude", "field"}
_INTEGER = {"year"}
_NUMBERS = {"value_usd", "count", "works", "families", "value", "latitude", "longitude"}


def _map_rows(preset: Preset, frame: pd.DataFrame, source: TableSource) -> pd.DataFrame:
    """The file's rows as canonical rows, or an error naming file, row and column."""
    out: dict[str, Any] = {}
    for canonical, column in preset.columns.items():
        values = frame[column]
        if canonical not in _OPTIONAL:
            present(values, source, column)
        if canonical in _INTEGER:
            out[canonical] = numbers(values, source, column, whole=True).astype("int64")
        elif canonical in _NUMBERS:
            signed = canonical in ("latitude", "longitude")
            value = numbers(values, source, column, negative=signed)
            out[canonical] = value * preset.scale.get(canonical, 1)
        elif canonical in preset.countries:
            out[canonical] = country_codes(values, source, column, preset.countries[canonical])
        else:
            out[canonical] = values.astype(str)
    for canonical, constant in preset.constants.items():
        out[canonical] = constant
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
        table_source, batches = iter_table(
            path, text_columns=text, columns=list(dict.fromkeys(preset.columns.values()))
        )
    except TableError as error:
        raise EvidenceError(str(error)) from None
    return store_rows(
        store,
        preset.table,
        _mapped_batches(preset, batches, table_source),
        table_source,
        source=source or preset.source,
        vintage=vintage,
        name=name,
    )


def _mapped_batches(
    preset: Preset, batches: Iterator[pd.DataFrame], source: TableSource
) -> Iterator[pd.DataFrame]:
    """Each batch checked and mapped; a reading error or an empty file raises EvidenceError."""
    rows = 0
    try:
        for frame in batches:
            rows += len(frame)
            yield _map_rows(preset, frame, source)
    except TableError as error:
        raise EvidenceError(str(error)) from None
    if rows == 0:
        raise EvidenceError(f"{source.path}: no rows")
