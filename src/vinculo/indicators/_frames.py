"""Tidy frames in: validation and the per-year dense matrices every indicator works on."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from vinculo.indicators._errors import IndicatorWarning, InputError

__all__ = ["Panel", "YearMatrix", "as_pandas", "build_panel", "describe_rows"]

MissingPolicy = Literal["raise", "zero"]
DuplicatePolicy = Literal["raise", "first", "sum"]

_MAX_ROWS_SHOWN = 5


def describe_rows(rows: Sequence[int] | npt.NDArray[np.integer[Any]]) -> str:
    """Describe up to five row positions, e.g. ``"rows 3, 17 (and 4 more)"``."""
    rows = [int(r) for r in rows]
    shown = ", ".join(str(r) for r in rows[:_MAX_ROWS_SHOWN])
    more = f" (and {len(rows) - _MAX_ROWS_SHOWN} more)" if len(rows) > _MAX_ROWS_SHOWN else ""
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} {shown}{more}"


def _input_error(message: str, *, column: str | None, rows: Any = ()) -> InputError:
    return InputError(message, column=column, rows=rows)


def as_pandas(frame: Any, columns: Sequence[str]) -> pd.DataFrame:
    """Return the named columns of a pandas or polars frame as a pandas frame.

    Raises :class:`InputError` naming any column that is missing.
    """
    available = list(frame.columns)
    missing = [c for c in columns if c not in available]
    if missing:
        raise _input_error(
            f"column(s) {missing} not found; the frame has {available}",
            column=missing[0],
        )
    if isinstance(frame, pd.DataFrame):
        # a frame of the same columns without copying them (.loc would copy every column)
        return pd.DataFrame({c: frame[c] for c in columns}, copy=False)
    module = type(frame).__module__.split(".")[0]
    if module == "polars":
        converted: pd.DataFrame = frame.select(list(columns)).to_pandas()
        return converted
    raise TypeError(f"expected a pandas or polars DataFrame, got {type(frame).__name__}")


def _numeric_values(
    series: pd.Series, column: str, *, missing: MissingPolicy
) -> npt.NDArray[np.float64] | npt.NDArray[np.int64]:
    """Check a value column: numeric, finite, non-negative; NaN per ``missing``."""
    if pd.api.types.is_bool_dtype(series.dtype):
        raise _input_error(f"column {column!r} is boolean, expected numbers", column=column)
    if not pd.api.types.is_numeric_dtype(series.dtype):
        coerced = pd.to_numeric(series, errors="coerce")
        is_bool = series.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
        bad = np.flatnonzero((coerced.isna().to_numpy() & series.notna().to_numpy()) | is_bool)
        if len(bad):
            example = series.iloc[int(bad[0])]
            raise _input_error(
                f"column {column!r} has non-numeric values at {describe_rows(bad)} "
                f"(e.g. {example!r})",
                column=column,
                rows=bad,
            )
        series = coerced
    values = series.to_numpy()
    if values.dtype.kind in "iu":
        values = values.astype(np.int64, copy=False)
        negative = np.flatnonzero(values < 0)
    else:
        values = values.astype(np.float64, copy=False)
        nan_rows = np.flatnonzero(np.isnan(values))
        if len(nan_rows):
            if missing == "raise":
                raise _input_error(
                    f"column {column!r} has missing values (NaN) at {describe_rows(nan_rows)}; "
                    "pass missing='zero' to count them as 0",
                    column=column,
                    rows=nan_rows,
                )
            warnings.warn(
                f"column {column!r}: {len(nan_rows)} missing value(s) counted as 0 "
                f"({describe_rows(nan_rows)})",
                IndicatorWarning,
                stacklevel=4,
            )
            values = np.where(np.isnan(values), 0.0, values)
        infinite = np.flatnonzero(np.isinf(values))
        if len(infinite):
            raise _input_error(
                f"column {column!r} has infinite values at {describe_rows(infinite)}",
                column=column,
                rows=infinite,
            )
        negative = np.flatnonzero(values < 0)
    if len(negative):
        raise _input_error(
            f"column {column!r} has negative values at {describe_rows(negative)} "
            f"(e.g. {values[negative[0]].item()!r}); indicators need non-negative counts or values",
            column=column,
            rows=negative,
        )
    return values


def _key_codes(series: pd.Series, column: str) -> tuple[npt.NDArray[np.intp], pd.Index]:
    """Codes into the sorted distinct keys of a column (factorized unsorted, then ranked:
    twice as fast as sorting during factorization)."""
    codes, uniques = pd.factorize(series, sort=False)
    if codes.min(initial=0) < 0:
        missing = np.flatnonzero(codes < 0)
        raise _input_error(
            f"key column {column!r} is empty at {describe_rows(missing)}",
            column=column,
            rows=missing,
        )
    try:
        order = np.argsort(np.asarray(uniques), kind="stable")
    except TypeError:  # keys of mixed types: let pandas order them
        codes, uniques = pd.factorize(series, sort=True)
    else:
        rank = np.empty(len(order), dtype=np.intp)
        rank[order] = np.arange(len(order))
        codes = rank[codes]
        uniques = uniques[order]
    return codes.astype(np.intp, copy=False), pd.Index(uniques, name=column)


@dataclass(frozen=True)
class YearMatrix:
    """One period of a panel as a dense location × item matrix.

    ``locations`` and ``items`` index into the panel's ``locations`` and ``items``;
    only those with a non-zero total in this period are kept.
    """

    time: Any
    values: npt.NDArray[Any]
    locations: npt.NDArray[np.intp]
    items: npt.NDArray[np.intp]


@dataclass(frozen=True)
class Panel:
    """A validated tidy panel: sorted keys and one value per (time, location, item)."""

    times: pd.Index
    locations: pd.Index
    items: pd.Index
    time_codes: npt.NDArray[np.intp]
    location_codes: npt.NDArray[np.intp]
    item_codes: npt.NDArray[np.intp]
    values: npt.NDArray[np.float64] | npt.NDArray[np.int64]
    column_names: dict[str, str]

    @property
    def n_rows(self) -> int:
        return len(self.values)

    def years(self, *, drop_empty: bool = True) -> Iterator[YearMatrix]:
        """Yield one dense matrix per period, in ascending time order.

        With ``drop_empty`` (the default, as in ``ecomplexity``), locations and items whose
        total is zero in a period are left out of that period, with an
        :class:`IndicatorWarning` naming them.
        """
        order = np.argsort(self.time_codes, kind="stable")
        bounds = np.searchsorted(self.time_codes[order], np.arange(len(self.times) + 1))
        for t in range(len(self.times)):
            rows = order[bounds[t] : bounds[t + 1]]
            loc, item = self.location_codes[rows], self.item_codes[rows]
            present_loc = np.flatnonzero(np.bincount(loc, minlength=len(self.locations)))
            present_item = np.flatnonzero(np.bincount(item, minlength=len(self.items)))
            loc_position = np.empty(len(self.locations), dtype=np.intp)
            loc_position[present_loc] = np.arange(len(present_loc))
            item_position = np.empty(len(self.items), dtype=np.intp)
            item_position[present_item] = np.arange(len(present_item))
            dense = np.zeros((len(present_loc), len(present_item)), dtype=self.values.dtype)
            dense[loc_position[loc], item_position[item]] = self.values[rows]
            if drop_empty:
                keep_loc = dense.sum(axis=1) != 0
                keep_item = dense.sum(axis=0) != 0
                time = self.times[t]
                for keep, codes, index, kind in (
                    (keep_loc, present_loc, self.locations, "location"),
                    (keep_item, present_item, self.items, "item"),
                ):
                    if not keep.all():
                        dropped = [str(index[c]) for c in codes[~keep][:_MAX_ROWS_SHOWN]]
                        more = max(0, int((~keep).sum()) - _MAX_ROWS_SHOWN)
                        warnings.warn(
                            f"{self.column_names['time']}={time}: {int((~keep).sum())} "
                            f"{kind}(s) with a total of 0 left out of this period: "
                            f"{', '.join(dropped)}" + (f" and {more} more" if more else ""),
                            IndicatorWarning,
                            stacklevel=3,
                        )
                dense = dense[np.ix_(keep_loc, keep_item)]
                present_loc, present_item = present_loc[keep_loc], present_item[keep_item]
            if dense.size == 0:
                continue
            yield YearMatrix(self.times[t], dense, present_loc, present_item)


def build_panel(
    frame: Any,
    *,
    time: str | None,
    location: str,
    item: str,
    value: str,
    missing: MissingPolicy = "raise",
    duplicates: DuplicatePolicy = "raise",
) -> Panel:
    """Validate a tidy frame and index it for per-period matrix work.

    ``time=None`` treats the whole frame as a single period.
    Row numbers in errors are 0-based positions in ``frame``.
    """
    columns = [c for c in (time, location, item, value) if c is not None]
    if len(set(columns)) != len(columns):
        raise _input_error(f"the same column is named twice: {columns}", column=None)
    data = as_pandas(frame, columns)
    if len(data) == 0:
        raise _input_error("the panel is empty (no rows)", column=None)
    values = _numeric_values(data[value], value, missing=missing)
    if time is None:
        time_codes = np.zeros(len(data), dtype=np.intp)
        times = pd.Index([None], name="time")
    else:
        time_codes, times = _key_codes(data[time], time)
    location_codes, locations = _key_codes(data[location], location)
    item_codes, items = _key_codes(data[item], item)

    key = (time_codes.astype(np.int64) * len(locations) + location_codes) * len(items)
    key += item_codes
    if (key[1:] > key[:-1]).all():  # rows already in key order: no duplicates, no sort
        repeat = np.empty(0, dtype=np.intp)
    else:
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        repeat = np.flatnonzero(sorted_key[1:] == sorted_key[:-1]) + 1
    if len(repeat):
        duplicate_rows = np.sort(order[repeat])
        if duplicates == "raise":
            raise _input_error(
                f"duplicate keys ({time}, {location}, {item}) at "
                f"{describe_rows(duplicate_rows)}; pass duplicates='first' or 'sum'",
                column=None,
                rows=duplicate_rows,
            )
        warnings.warn(
            f"{len(duplicate_rows)} duplicate key row(s) "
            + ("dropped, first kept" if duplicates == "first" else "summed")
            + f" ({describe_rows(duplicate_rows)})",
            IndicatorWarning,
            stacklevel=2,
        )
        first = np.ones(len(order), dtype=bool)
        first[repeat] = False
        if duplicates == "sum":
            group = np.cumsum(first) - 1
            summed = np.zeros(int(first.sum()), dtype=values.dtype)
            np.add.at(summed, group, values[order])
            keep = order[first]
            values = values.copy()
            values[keep] = summed
        else:
            keep = order[first]
        keep = np.sort(keep)
        time_codes, location_codes, item_codes = (
            time_codes[keep],
            location_codes[keep],
            item_codes[keep],
        )
        values = values[keep]

    return Panel(
        times=times,
        locations=locations,
        items=items,
        time_codes=time_codes,
        location_codes=location_codes,
        item_codes=item_codes,
        values=values,
        column_names={"time": time or "time", "location": location, "item": item},
    )
