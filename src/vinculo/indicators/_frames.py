"""Tidy frames in: validation and the per-year dense matrices every indicator works on."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from vinculo.indicators._errors import IndicatorWarning, InputError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["Panel", "YearMatrix", "as_pandas", "build_panel", "describe_rows"]

MissingPolicy = Literal["raise", "zero"]
DuplicatePolicy = Literal["raise", "first", "sum"]
# Codes of keys into their sorted distinct values (int32 from Arrow input: half the memory).
Codes = npt.NDArray[np.intp] | npt.NDArray[np.int32]

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
    import pandas as pd

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
    import pandas as pd

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
    return _checked_values(series.to_numpy(), column, missing=missing)


def _checked_values(
    values: npt.NDArray[Any], column: str, *, missing: MissingPolicy
) -> npt.NDArray[np.float64] | npt.NDArray[np.int64]:
    """Numeric values as int64 or float64: finite, non-negative; NaN per ``missing``."""
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
                stacklevel=5,
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
    import pandas as pd

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


def _is_arrow(frame: Any) -> bool:
    """A pyarrow Table or RecordBatch (checked without importing pyarrow)."""
    return type(frame).__module__.split(".")[0] == "pyarrow" and hasattr(frame, "schema")


def _arrow_columns(frame: Any, columns: Sequence[str]) -> dict[str, pa.ChunkedArray]:
    """The named columns of a pyarrow Table or RecordBatch (as :func:`as_pandas` for
    pandas: an :class:`InputError` names the missing ones)."""
    import pyarrow as pa

    available = list(frame.schema.names)
    missing = [c for c in columns if c not in available]
    if missing:
        raise _input_error(
            f"column(s) {missing} not found; the frame has {available}", column=missing[0]
        )
    found = {c: frame.column(c) for c in columns}
    return {
        c: v if isinstance(v, pa.ChunkedArray) else pa.chunked_array([v]) for c, v in found.items()
    }


def _numpy(column: pa.ChunkedArray | pa.Array) -> npt.NDArray[Any]:
    """A numeric Arrow column without nulls as one numpy array: a view of a single chunk's
    buffer, else the chunks concatenated (``to_numpy`` would import pandas)."""
    dtype = np.dtype(column.type.to_pandas_dtype())
    parts = [
        np.frombuffer(
            chunk.buffers()[1], dtype=dtype, count=len(chunk), offset=chunk.offset * dtype.itemsize
        )
        for chunk in getattr(column, "chunks", [column])
        if len(chunk)
    ]
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def _to_arrow(values: npt.NDArray[Any]) -> pa.Array:
    """A 1-D numpy array as an Arrow array without pandas (``pyarrow.array`` imports it):
    numbers zero-copy, Python strings through their UTF-8 bytes, anything else through
    ``pyarrow.array``."""
    import pyarrow as pa

    if values.dtype.kind in "iuf":
        values = np.ascontiguousarray(values)
        kind = pa.from_numpy_dtype(values.dtype)
        return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])
    if values.dtype.kind in "OU" and all(isinstance(v, str) for v in values):
        encoded = [str(v).encode() for v in values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        large = offsets[-1] >= 2**31
        text, width = (pa.large_string(), np.int64) if large else (pa.string(), np.int32)
        buffers = [None, pa.py_buffer(offsets.astype(width)), pa.py_buffer(b"".join(encoded))]
        return pa.Array.from_buffers(text, len(encoded), buffers)
    return pa.array(values)


def _arrow_values(
    column: pa.ChunkedArray, name: str, *, missing: MissingPolicy
) -> npt.NDArray[np.float64] | npt.NDArray[np.int64]:
    """An Arrow value column as numbers, checked like a pandas one (same errors, same rows)."""
    import pyarrow as pa

    kind = column.type
    if column.null_count == 0 and (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        return _checked_values(_numpy(column), name, missing=missing)
    # nulls, text, booleans, decimals...: exactly as the pandas path treats them
    return _numeric_values(column.to_pandas(), name, missing=missing)


def _ranked(
    codes: npt.NDArray[np.integer[Any]], labels: npt.NDArray[Any]
) -> tuple[Codes, npt.NDArray[Any]]:
    """Codes into ``labels`` (which may hold unused or repeated entries) -> codes into the
    sorted distinct labels that are used (int32: half the memory of intp)."""
    used = np.flatnonzero(np.bincount(codes, minlength=len(labels)))
    order = np.argsort(labels[used], kind="stable")
    ordered = labels[used][order]
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    mapping = np.zeros(len(labels), dtype=np.int32)
    mapping[used[order]] = np.cumsum(first) - 1
    return mapping[codes], ordered[first]


def _arrow_key_codes(column: pa.ChunkedArray, name: str) -> tuple[Codes, Any]:
    """:func:`_key_codes` for an Arrow column: dictionary-encoded text, text and integers
    without pandas; any other type through pandas (same codes and labels)."""
    import pyarrow as pa

    kind = column.type
    if column.null_count:
        missing = np.flatnonzero(column.is_null().to_numpy(zero_copy_only=False))
        raise _input_error(
            f"key column {name!r} is empty at {describe_rows(missing)}", column=name, rows=missing
        )
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        column = column.dictionary_encode()
        kind = column.type
    if pa.types.is_dictionary(kind) and (
        pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)
    ):
        encoded = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        labels = np.array(encoded.dictionary.to_pylist(), dtype=object)  # a few labels
        return _ranked(_numpy(encoded.indices), labels)
    if pa.types.is_integer(kind):
        values = _numpy(column)
        low, high = int(values.min()), int(values.max())
        if high - low <= max(4 * len(values), 1 << 16):
            offsets = np.subtract(values, low, dtype=np.int64) if low else values
            present = np.flatnonzero(np.bincount(offsets, minlength=high - low + 1))
            mapping = np.zeros(high - low + 1, dtype=np.int32)
            mapping[present] = np.arange(len(present))
            return mapping[offsets], (present + low).astype(values.dtype)
        uniques, codes = np.unique(values, return_inverse=True)
        return codes.astype(np.intp, copy=False), uniques
    codes, index = _key_codes(column.to_pandas(), name)
    return codes, index


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
    """A validated tidy panel: sorted keys and one value per (time, location, item).

    ``times``, ``locations`` and ``items`` are the sorted distinct keys: a pandas ``Index``
    for pandas or polars input, a numpy array for Arrow input (indexed alike).
    """

    times: Any
    locations: Any
    items: Any
    time_codes: Codes
    location_codes: Codes
    item_codes: Codes
    values: npt.NDArray[np.float64] | npt.NDArray[np.int64]
    column_names: dict[str, str]

    @property
    def n_rows(self) -> int:
        return len(self.values)

    def years(self, *, drop_empty: bool = True, stacklevel: int = 3) -> Iterator[YearMatrix]:
        """Yield one dense matrix per period, in ascending time order.

        With ``drop_empty`` (the default, as in ``ecomplexity``), locations and items whose
        total is zero in a period are left out of that period, with an
        :class:`IndicatorWarning` naming them (``stacklevel`` as seen from this generator).
        """
        codes = self.time_codes
        order: npt.NDArray[np.intp] | None = None
        if len(codes) > 1 and not (codes[1:] >= codes[:-1]).all():
            order = np.argsort(codes, kind="stable")
            codes = codes[order]
        bounds = np.searchsorted(codes, np.arange(len(self.times) + 1))
        for t in range(len(self.times)):
            rows: Any = slice(bounds[t], bounds[t + 1])  # rows in time order: views
            if order is not None:
                rows = order[rows]
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
                            stacklevel=stacklevel,
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
    """Validate a tidy frame (pandas, polars or pyarrow) and index it for per-period work.

    ``time=None`` treats the whole frame as a single period.
    Row numbers in errors are 0-based positions in ``frame``.
    """
    columns = [c for c in (time, location, item, value) if c is not None]
    if len(set(columns)) != len(columns):
        raise _input_error(f"the same column is named twice: {columns}", column=None)
    times: Any
    if _is_arrow(frame):  # Arrow columns straight to numpy: no pandas
        arrow = _arrow_columns(frame, columns)
        n_rows = frame.num_rows
        if n_rows == 0:
            raise _input_error("the panel is empty (no rows)", column=None)
        values = _arrow_values(arrow[value], value, missing=missing)
        if time is None:
            time_codes, times = np.zeros(n_rows, dtype=np.intp), np.array([None], dtype=object)
        else:
            time_codes, times = _arrow_key_codes(arrow[time], time)
        location_codes, locations = _arrow_key_codes(arrow[location], location)
        item_codes, items = _arrow_key_codes(arrow[item], item)
    else:
        import pandas as pd

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

    key = time_codes.astype(np.int64)  # the row's place in (time, location, item) order,
    key *= len(locations)  # computed in place: these are the panel's largest arrays
    key += location_codes
    key *= len(items)
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
