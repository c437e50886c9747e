"""The indicator layer's exception tree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["IndicatorError", "IndicatorWarning", "InputError"]


class IndicatorError(Exception):
    """Base class of every error raised by :mod:`vinculo.indicators`."""


class InputError(IndicatorError, ValueError):
    """The input cannot give a correct number: negative, non-numeric or missing values,
    duplicate keys, an empty panel, a missing column, a shape that does not fit.

    The message names the column and, where there are any, the first offending rows;
    ``column`` and ``rows`` (0-based positions in the frame) carry them for callers that
    know the file the frame came from.
    """

    def __init__(self, message: str, *, column: str | None = None, rows: Iterable[Any] = ()):
        super().__init__(message)
        self.column = column
        self.rows = [int(r) for r in rows]


class IndicatorWarning(UserWarning):
    """A documented treatment was applied to the input (e.g. locations with no exports
    dropped from a year). The message says what was done and to which keys."""
