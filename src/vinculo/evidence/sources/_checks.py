"""Errors that name the file, the rows (file lines for CSV) and the column."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vinculo.evidence.store import EvidenceError
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
