"""Validation, message and coding helpers shared by the bibliometric indicators."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from vinculo.indicators._errors import InputError
from vinculo.indicators._frames import _input_error, describe_rows

if TYPE_CHECKING:
    import pandas as pd

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
CountingMethod = Literal["location", "author"]
StrengthMethod = Literal["association", "cosine", "jaccard"]
TotalsRule = Literal["row_sums", "diagonal"]
# Where bad entries are, as a message fragment and the row/flat positions for the error.
Locator = Callable[[BoolArray], tuple[str, list[int]]]

_SHOWN = 5


def _positions(mask: BoolArray) -> tuple[str, list[int]]:
    """Describe the ``True`` entries of an array mask, e.g. ``"positions (0, 1), (2, 0)"``."""
    where = np.argwhere(mask)
    labels = [
        str(int(p[0])) if mask.ndim == 1 else str(tuple(int(i) for i in p)) for p in where[:_SHOWN]
    ]
    more = f" (and {len(where) - _SHOWN} more)" if len(where) > _SHOWN else ""
    word = "position" if len(where) == 1 else "positions"
    return f"{word} {', '.join(labels)}{more}", [int(i) for i in np.flatnonzero(mask)]


def _rows(mask: BoolArray) -> tuple[str, list[int]]:
    rows = np.flatnonzero(mask)
    return describe_rows(rows), [int(r) for r in rows]


def _float_array(values: npt.ArrayLike, name: str) -> FloatArray:
    """``values`` as float64, or an :class:`InputError` if it is not numeric."""
    array = np.asarray(values)
    if array.dtype.kind not in "iuf":
        raise InputError(f"{name} must be numeric, got dtype {array.dtype}")
    return array.astype(np.float64)


def _column_numbers(series: pd.Series, column: str) -> FloatArray:
    """A frame's value column as float64, NaN kept; non-numeric entries raise."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(series.dtype):
        raise _input_error(f"column {column!r} is boolean, expected numbers", column=column)
    numeric = pd.to_numeric(series, errors="coerce")
    bad = np.flatnonzero(numeric.isna().to_numpy() & series.notna().to_numpy())
    if len(bad):
        raise _input_error(
            f"column {column!r} has non-numeric values at {describe_rows(bad)} "
            f"(e.g. {_label(series.iloc[int(bad[0])])})",
            column=column,
            rows=bad.tolist(),
        )
    return np.asarray(numeric.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def _check_counts(values: FloatArray, name: str, column: str | None, locate: Locator) -> None:
    """Raise unless every entry is finite and non-negative."""
    for bad, what in (
        (np.isnan(values), "missing values (NaN)"),
        (np.isinf(values), "infinite values"),
        (values < 0, "negative values"),
    ):
        if bad.any():
            text, rows = locate(bad)
            raise _input_error(f"{name} has {what} at {text}", column=column, rows=rows)


def _distinct_columns(columns: Sequence[str], reserved: Sequence[str] = ()) -> None:
    if len(set(columns)) != len(columns):
        raise _input_error(f"the same column is named twice: {list(columns)}", column=None)
    clash = [c for c in columns if c in reserved]
    if clash:
        raise _input_error(
            f"column {clash[0]!r} has the name of an output column; rename it first "
            f"(output columns: {list(reserved)})",
            column=clash[0],
        )


def _number(value: Any) -> str:
    """A count for a message: ``214`` rather than ``np.float64(214.0)``."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def _label(key: Any) -> str:
    """A key for a message: ``'MX'`` or ``7`` rather than ``np.int64(7)``."""
    return repr(key.item() if isinstance(key, np.generic) else key)


def _combine(major: npt.NDArray[Any], minor: npt.NDArray[Any]) -> IntArray:
    """Dense codes ``0..k-1`` of the pairs ``(major, minor)`` of two non-negative code arrays."""
    import pandas as pd

    joint = major.astype(np.int64) * (int(minor.max()) + 1) + minor
    codes, _ = pd.factorize(joint)
    return np.asarray(codes, dtype=np.int64)


def _first_rows(codes: IntArray) -> IntArray:
    """Row of the first occurrence of each code ``0..k-1`` of :func:`_combine`, in code order.

    ``pandas.factorize`` numbers values in order of appearance, so a row holds a first
    occurrence exactly where the running maximum of the codes grows: O(n), no sort.
    """
    running = np.maximum.accumulate(codes)
    is_first = np.ones(len(codes), dtype=bool)
    is_first[1:] = running[1:] > running[:-1]
    return np.flatnonzero(is_first)
