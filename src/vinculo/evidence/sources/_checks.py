"""Shared by the source modules: checks whose errors name the file, rows and column, and
the write of a checked file's rows with their provenance."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from vinculo.evidence.countries import CodeScheme, to_iso3
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableSource

_SHOWN = 5


def where(source: TableSource, rows: Iterable[Any]) -> str:
    """``"line 3, line 9 and 4 more"``: 0-based frame rows as the file's own labels."""
    numbers = [int(r) for r in rows]
    labels = ", ".join(source.row_label(r) for r in numbers[:_SHOWN])
    more = f" and {len(numbers) - _SHOWN} more" if len(numbers) > _SHOWN else ""
    return f"{labels}{more}"


def row_error(source: TableSource, rows: Iterable[Any], column: str, problem: str) -> EvidenceError:
    """The error for a problem in some rows of one column of a file."""
    return EvidenceError(f"{source.path}: {where(source, rows)}, column {column!r}: {problem}")


def present(values: pd.Series, source: TableSource, column: str) -> pd.Series:
    """The column, or an error naming the rows where it is empty."""
    missing = values.index[values.isna().to_numpy()]
    if len(missing):
        raise row_error(source, missing, column, "empty")
    return values


def numbers(
    values: pd.Series,
    source: TableSource,
    column: str,
    *,
    whole: bool = False,
    negative: bool = False,
) -> pd.Series:
    """The column as float64 (empty cells stay NA), or an error naming the rows holding
    text, a fraction where ``whole`` numbers are expected, or (unless ``negative``) a value
    below zero."""
    result = pd.to_numeric(values, errors="coerce").astype("float64")
    text = values.index[(result.isna() & values.notna()).to_numpy()]
    if len(text):
        raise row_error(source, text, column, f"not a number ({values.loc[text[0]]!r})")
    if whole:
        fractional = values.index[(result.notna() & (result % 1 != 0)).to_numpy()]
        if len(fractional):
            raise row_error(source, fractional, column, "not a whole number")
    if not negative:
        below = values.index[(result < 0).to_numpy()]
        if len(below):
            raise row_error(source, below, column, "negative")
    return result


def country_codes(
    values: pd.Series, source: TableSource, column: str, scheme: CodeScheme
) -> pd.Series:
    """ISO3 codes, or an error naming the rows whose code is unknown (empty cells stay NA)."""
    codes = to_iso3(values, scheme)
    unknown = values.index[(codes.isna() & values.notna()).to_numpy()]
    if len(unknown):
        examples = sorted({str(values.loc[r]) for r in unknown[:_SHOWN]})
        raise row_error(source, unknown, column, f"unknown {scheme} country code(s) {examples}")
    return codes


def store_rows(
    store: EvidenceStore,
    table: str,
    rows: pd.DataFrame | Iterable[pd.DataFrame],
    file: TableSource,
    *,
    source: str,
    vintage: str | None = None,
    name: str | None = None,
) -> ImportResult:
    """Write a checked file's canonical rows (a frame, or batches checked as they come)
    with its provenance (checksum, file name, modification time as retrieval time).
    ``vintage`` defaults to the file's date and checksum; ``name`` to the file name."""
    modified = datetime.fromisoformat(file.modified)
    return store.import_rows(
        table,
        rows.reset_index(drop=True) if isinstance(rows, pd.DataFrame) else rows,
        source=source,
        name=name or Path(file.path).name,
        vintage=vintage or f"{modified:%Y-%m-%d}-{file.sha256[:8]}",
        file_name=Path(file.path).name,
        file_sha256=file.sha256,
        retrieved_at=modified.astimezone(UTC),
    )
