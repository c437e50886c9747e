"""Bibliometric indicators: activity index, fractional counts, co-authorship measures."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from vinculo.indicators._errors import IndicatorWarning, InputError
from vinculo.indicators._frames import (
    DuplicatePolicy,
    MissingPolicy,
    Panel,
    YearMatrix,
    _input_error,
    _key_codes,
    as_pandas,
    build_panel,
    describe_rows,
)
from vinculo.indicators.rca import rca

__all__ = [
    "activity_index",
    "activity_index_frame",
    "collaboration_strength",
    "collaboration_strength_frame",
    "fractional_counts",
    "international_collaboration_share",
    "international_collaboration_share_frame",
    "relative_specialization_index",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
CountingMethod = Literal["location", "author"]
StrengthMethod = Literal["association", "cosine", "jaccard"]
TotalsRule = Literal["row_sums", "diagonal"]
# Where bad entries are, as a message fragment and the row/flat positions for the error.
Locator = Callable[[BoolArray], tuple[str, list[int]]]

_SHOWN = 5


# ----------------------------------------------------------------- shared helpers


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


# ----------------------------------------------------------------- activity index


def activity_index(counts: npt.ArrayLike) -> FloatArray:
    r"""Activity index of every location in every field: its field share over the world's.

    .. math::

        AI_{cf} = \frac{x_{cf} / x_{c\cdot}}{x_{\cdot f} / x_{\cdot\cdot}}

    where :math:`x_{c\cdot}` is the location's total, :math:`x_{\cdot f}` the field's total
    and :math:`x_{\cdot\cdot}` the grand total of the matrix (the "world" is the locations
    given). :math:`AI > 1`: the location publishes relatively more in the field than the
    world does. It is the Balassa index of trade and is computed by
    :func:`vinculo.indicators.rca.rca`.

    Parameters
    ----------
    counts : array_like, shape (n_locations, n_fields)
        Non-negative publication counts (whole or fractional).

    Returns
    -------
    ndarray of float64, same shape
        The activity index; a location or field whose total is 0 gives NaN in its row or
        column.

    Raises
    ------
    InputError
        If ``counts`` is not a non-empty 2-D matrix of finite, non-negative numbers.

    Examples
    --------
    Location 0 puts half of its 4 papers in field 0, which holds 3/8 of the world's:
    :math:`AI_{00} = (2/4)/(3/8) = 4/3`.

    >>> activity_index([[2, 2], [1, 3]])
    array([[1.333, 0.8 ],
           [0.667, 1.2 ]])

    References
    ----------
    .. [1] Frame, J. D. (1977). Mainstream research in Latin America and the Caribbean.
       Interciencia, 2, 143-148.
    .. [2] Schubert, A., & Braun, T. (1986). Relative indicators and relational charts for
       comparative assessment of publication output and citation impact. Scientometrics,
       9(5-6), 281-291.
    """
    return rca(counts)


def relative_specialization_index(ai: npt.ArrayLike) -> FloatArray:
    r"""Relative specialization index: the activity index mapped onto :math:`[-1, 1)`.

    .. math::

        RSI = \frac{AI - 1}{AI + 1}

    :math:`RSI = 0` is the world's profile, :math:`-1` no activity in the field.

    Parameters
    ----------
    ai : array_like
        Activity indices (any shape); NaN stays NaN, :math:`+\infty` gives the limit 1.

    Returns
    -------
    ndarray of float64, same shape

    Raises
    ------
    InputError
        If ``ai`` is not numeric or has a negative entry (an activity index never is).

    Notes
    -----
    The upper bound 1 is not reached: a location active in a single field :math:`f` has
    :math:`AI = x_{\cdot\cdot}/x_{\cdot f}`, so the attainable maximum differs by field and
    RSIs are best compared within a field (Stare & Kejžar 2014).

    Examples
    --------
    :math:`(1.5-1)/(1.5+1) = 0.2` and :math:`(0.5-1)/(0.5+1) = -1/3`:

    >>> relative_specialization_index([[1.5, 0.5], [1.0, np.nan]])
    array([[ 0.2  , -0.333],
           [ 0.   ,    nan]])

    References
    ----------
    .. [1] Glänzel, W. (2000). Science in Scandinavia: A bibliometric approach.
       Scientometrics, 48(2), 121-150.
    .. [2] Aksnes, D. W., van Leeuwen, T. N., & Sivertsen, G. (2014). The effect of booming
       countries on changes in the relative specialization index (RSI) on country level.
       Scientometrics, 101(2), 1391-1401.
    .. [3] Stare, J., & Kejžar, N. (2014). On standardization of the Activity Index.
       Journal of Informetrics, 8(3), 503-507.
    """
    values = _float_array(ai, "ai")
    negative = values < 0
    if negative.any():
        text, rows = _positions(negative)
        raise _input_error(
            f"ai has negative entries at {text}; an activity index is never negative",
            column=None,
            rows=rows,
        )
    with np.errstate(invalid="ignore"):
        result = (values - 1.0) / (values + 1.0)
    return np.asarray(np.where(np.isposinf(values), 1.0, result), dtype=np.float64)


def activity_index_frame(
    frame: Any,
    *,
    time: str | None,
    location: str,
    field: str,
    value: str,
    missing: MissingPolicy = "raise",
    duplicates: DuplicatePolicy = "raise",
) -> pd.DataFrame:
    r"""Activity index, RSI and world share of a tidy (time, location, field, value) panel.

    For every period, the (location × field) matrix of ``value`` gives

    .. math::

        AI_{cf} = \frac{x_{cf} / x_{c\cdot}}{x_{\cdot f} / x_{\cdot\cdot}}, \qquad
        RSI_{cf} = \frac{AI_{cf} - 1}{AI_{cf} + 1}, \qquad
        \text{world share}_{cf} = \frac{x_{cf}}{x_{\cdot f}}

    with the world = the locations of that period in ``frame`` (so pass countries only,
    not regions or a "World" row, and not an "all fields" total).

    Parameters
    ----------
    frame : pandas.DataFrame or polars.DataFrame
        One row per (time, location, field).
    time : str or None
        Period column; ``None`` treats the frame as a single period.
    location, field, value : str
        Key columns and the non-negative count column (whole or fractional counts).
    missing : {"raise", "zero"}, default "raise"
        What to do with NaN values: raise, or count them as 0 (with a warning).
    duplicates : {"raise", "first", "sum"}, default "raise"
        What to do with repeated (time, location, field) keys.

    Returns
    -------
    pandas.DataFrame
        One row per (time, location, field) for the locations and fields with a non-zero
        total in that period, sorted by the keys; a (location, field) cell absent from
        ``frame`` counts as 0. Columns: ``time`` (if given), ``location``, ``field`` and
        ``value`` under their original names, then ``activity_index``, ``rsi`` and
        ``world_share``.

    Raises
    ------
    InputError
        If a column is missing or named twice or like an output column, a key is empty, a
        value is non-numeric, negative, infinite or (with ``missing="raise"``) NaN, or a
        key is repeated (with ``duplicates="raise"``); the message names the column and
        the first rows.

    Warns
    -----
    IndicatorWarning
        When locations or fields with a total of 0 are left out of a period, or NaN values
        are counted as 0.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"country": ["MX", "MX", "US", "US"],
    ...                       "field": ["bio", "eng", "bio", "eng"],
    ...                       "articles": [2, 2, 1, 3]})
    >>> activity_index_frame(frame, time=None, location="country", field="field",
    ...                      value="articles").round(4)
      country field  articles  activity_index     rsi  world_share
    0      MX   bio         2          1.3333  0.1429       0.6667
    1      MX   eng         2          0.8000 -0.1111       0.4000
    2      US   bio         1          0.6667 -0.2000       0.3333
    3      US   eng         3          1.2000  0.0909       0.6000

    References
    ----------
    .. [1] Frame, J. D. (1977). Mainstream research in Latin America and the Caribbean.
       Interciencia, 2, 143-148.
    .. [2] Glänzel, W. (2000). Science in Scandinavia: A bibliometric approach.
       Scientometrics, 48(2), 121-150.
    """
    outputs = ("activity_index", "rsi", "world_share")
    keys = [c for c in (time, location, field) if c is not None]
    _distinct_columns([*keys, value], outputs)
    panel = build_panel(
        frame,
        time=time,
        location=location,
        item=field,
        value=value,
        missing=missing,
        duplicates=duplicates,
    )
    chunks: list[tuple[npt.NDArray[Any], ...]] = [
        (*(np.empty(0, np.intp),) * 3, np.empty(0, panel.values.dtype), *(np.empty(0),) * 3)
    ]
    chunks.extend(_activity_chunk(panel, year) for year in panel.years())
    t, loc, fld, counts, ai, rsi, share = (np.concatenate(c) for c in zip(*chunks, strict=True))
    result: dict[str, Any] = {}
    if time is not None:
        result[time] = panel.times.take(t)
    result[location] = panel.locations.take(loc)
    result[field] = panel.items.take(fld)
    result[value] = counts
    result.update(zip(outputs, (ai, rsi, share), strict=True))
    return pd.DataFrame(result)


def _activity_chunk(panel: Panel, year: YearMatrix) -> tuple[npt.NDArray[Any], ...]:
    """Codes (time, location, field), values, AI, RSI and world share of one period."""
    counts = year.values
    n_locations, n_fields = counts.shape
    ai = activity_index(counts)
    world_share = counts / counts.sum(axis=0)  # kept fields have a non-zero total
    time_code = panel.times.get_indexer(pd.Index([year.time]))[0]
    return (
        np.full(counts.size, time_code, dtype=np.intp),
        np.repeat(year.locations, n_fields),
        np.tile(year.items, n_locations),
        counts.ravel(),
        ai.ravel(),
        relative_specialization_index(ai).ravel(),
        world_share.ravel(),
    )


# ----------------------------------------------------------------- fractional counting


def fractional_counts(
    authorships: Any,
    *,
    work: str,
    location: str,
    field: str | None = None,
    time: str | None = None,
    method: CountingMethod = "location",
) -> pd.DataFrame:
    r"""Whole and fractional publication counts of every (time, location, field).

    Each row of ``authorships`` links a work to a location: one row per author–affiliation
    (or per author) for ``method="author"``, or per work–location for ``"location"``.
    With :math:`L_w` the distinct locations of work :math:`w`, :math:`n_{wc}` its rows
    with location :math:`c` and :math:`n_w` all its rows,

    .. math::

        \text{whole}_c = \#\{w : c \in L_w\}, \qquad
        \text{fractional}_c = \sum_{w : c \in L_w}
        \begin{cases} 1/|L_w| & \text{method = "location"} \\
                      n_{wc}/n_w & \text{method = "author"} \end{cases}

    Either way the fractional credits of a work add up to 1, and
    :math:`\text{whole}_c \ge \text{fractional}_c`.

    Parameters
    ----------
    authorships : pandas.DataFrame or polars.DataFrame
        One row per authorship (or per work–location pair).
    work, location : str
        Work identifier and location (country, institution...) columns.
    field : str, optional
        Field column. A work in several fields is given one set of rows per field (e.g.
        the cross product of its authorships and its fields): its full credit of 1 then
        goes to **each** of its fields (the unit of credit is the (work, field) pair,
        shared among the locations of that pair's rows), so a field's fractional counts
        add up to its number of works.
    time : str, optional
        Period column (publication year); a work must have a single period.
    method : {"location", "author"}, default "location"
        ``"location"``: a work's credit is split equally among its distinct locations;
        ``"author"``: in proportion to its rows, i.e. author shares, as in NCSES's
        "author-share credit" (then give one row per author, or per author–affiliation
        if an author with two affiliations should count twice).

    Returns
    -------
    pandas.DataFrame
        One row per (time, location, field) that has works, sorted by the keys. Columns:
        the key columns under their original names, ``whole`` (int64, number of distinct
        works) and ``fractional`` (float64).

    Raises
    ------
    InputError
        If a column is missing or named twice or ``whole``/``fractional``, the frame is
        empty, a key is empty, a work has several periods, or ``method`` is unknown.

    Examples
    --------
    Work 1 has two Mexican authors and one US author, work 2 one Mexican author:

    >>> import pandas as pd
    >>> rows = pd.DataFrame({"work": [1, 1, 1, 2], "country": ["MX", "MX", "US", "MX"]})
    >>> fractional_counts(rows, work="work", location="country")
      country  whole  fractional
    0      MX      2         1.5
    1      US      1         0.5
    >>> fractional_counts(rows, work="work", location="country", method="author")
      country  whole  fractional
    0      MX      2    1.666667
    1      US      1    0.333333

    References
    ----------
    .. [1] Waltman, L., & van Eck, N. J. (2015). Field-normalized citation impact
       indicators and the choice of an appropriate counting method. Journal of
       Informetrics, 9(4), 872-894.
    .. [2] National Science Board (2023). Publications Output: U.S. Trends and
       International Comparisons. Science and Engineering Indicators 2024, NCSES
       (technical appendix: fractional "author-share" counting).
    """
    if method not in ("location", "author"):
        raise InputError(f"unknown counting method {method!r}; use 'location' or 'author'")
    keys = [c for c in (time, location, field) if c is not None]
    _distinct_columns([work, *keys], ("whole", "fractional"))
    data = as_pandas(authorships, [work, *keys])
    if len(data) == 0:
        raise _input_error("authorships is empty (no rows)", column=None)
    works, work_ids = _key_codes(data[work], work)
    coded = {c: _key_codes(data[c], c) for c in keys}
    if time is not None:
        _check_one_period(works, work_ids, coded[time][0], time)
    field_codes = coded[field][0] if field is not None else np.zeros(len(data), np.intp)
    unit = _combine(works, field_codes)  # the unit of credit: a (work, field) pair
    cell = _combine(unit, coded[location][0])  # (work, field, location)
    first, rows_in_cell = _first_rows(cell), np.bincount(cell)
    cell_unit = unit[first]
    if method == "location":
        credit = 1.0 / np.bincount(cell_unit)[cell_unit]
    else:
        credit = rows_in_cell / np.bincount(unit)[cell_unit]
    sizes = [len(coded[c][1]) for c in keys]
    out_key = np.ravel_multi_index([coded[c][0][first] for c in keys], sizes)
    groups, inverse = np.unique(out_key, return_inverse=True)
    result = {
        c: coded[c][1].take(codes)
        for c, codes in zip(keys, np.unravel_index(groups, sizes), strict=True)
    }
    return pd.DataFrame(
        {
            **result,
            "whole": np.bincount(inverse).astype(np.int64),
            "fractional": np.bincount(inverse, weights=credit),
        }
    )


def _check_one_period(
    works: npt.NDArray[np.intp], work_ids: pd.Index, periods: npt.NDArray[np.intp], time: str
) -> None:
    first = _first_rows(_combine(works, periods))
    periods_per_work = np.bincount(works[first], minlength=len(work_ids))
    bad = np.flatnonzero(periods_per_work > 1)
    if len(bad):
        rows = np.flatnonzero(np.isin(works, bad))
        raise _input_error(
            f"column {time!r}: work {_label(work_ids[int(bad[0])])} has more than one period "
            f"({len(bad)} such work(s); {describe_rows(rows)}); a work has one publication "
            "period",
            column=time,
            rows=rows.tolist(),
        )


# ----------------------------------------------------------------- international share


def _share(
    international: FloatArray,
    total: FloatArray,
    *,
    names: tuple[str, str],
    columns: tuple[str | None, str | None],
    locate: Locator,
) -> tuple[FloatArray, BoolArray]:
    """Validated ``international / total`` and the mask of zero totals (share NaN)."""
    for values, name, column in zip((international, total), names, columns, strict=True):
        _check_counts(values, name, column, locate)
    over = international > total
    if over.any():
        text, rows = locate(over)
        i = rows[0]
        raise _input_error(
            f"{names[0]} exceeds {names[1]} at {text} (e.g. {_number(international.flat[i])} > "
            f"{_number(total.flat[i])}); internationally co-authored works are part of the total",
            column=columns[0],
            rows=rows,
        )
    zero = total == 0
    with np.errstate(invalid="ignore"):
        share = international / total  # 0 / 0 is NaN: international <= total = 0
    return share, zero


def international_collaboration_share(
    international: npt.ArrayLike, total: npt.ArrayLike
) -> FloatArray:
    r"""Share of a location's works that are internationally co-authored.

    .. math::

        \text{share}_c = \frac{I_c}{N_c}

    with :math:`I_c` the works with at least one foreign co-author and :math:`N_c` all works
    of location :math:`c` (whole counts).

    Parameters
    ----------
    international, total : array_like, same shape
        Non-negative counts with ``international <= total``.

    Returns
    -------
    ndarray of float64, same shape
        The share in :math:`[0, 1]`; NaN where the total is 0.

    Raises
    ------
    InputError
        If the shapes differ, or an entry is non-numeric, NaN, infinite, negative, or
        ``international > total``; the message gives the positions.

    Warns
    -----
    IndicatorWarning
        Naming the positions whose total is 0 (their share is NaN).

    Examples
    --------
    >>> international_collaboration_share([3, 1], [4, 5])
    array([0.75, 0.2 ])

    References
    ----------
    .. [1] Luukkonen, T., Persson, O., & Sivertsen, G. (1992). Understanding patterns of
       international scientific collaboration. Science, Technology, & Human Values, 17(1),
       101-126.
    .. [2] Glänzel, W. (2001). National characteristics in international scientific
       co-authorship relations. Scientometrics, 51(1), 69-115.
    """
    intl = _float_array(international, "international")
    tot = _float_array(total, "total")
    if intl.shape != tot.shape:
        raise InputError(
            f"international has shape {intl.shape} but total has shape {tot.shape}; "
            "give one pair of counts per location"
        )
    share, zero = _share(
        intl, tot, names=("international", "total"), columns=(None, None), locate=_positions
    )
    if zero.any():
        warnings.warn(
            f"total is 0 at {_positions(zero)[0]}: international share set to NaN",
            IndicatorWarning,
            stacklevel=2,
        )
    return share


def international_collaboration_share_frame(
    frame: Any, *, time: str | None, location: str, international: str, total: str
) -> pd.DataFrame:
    r"""Add the column ``international_share`` = ``international / total`` to a tidy frame.

    .. math::

        \text{international\_share}_{ct} = \frac{I_{ct}}{N_{ct}}

    Parameters
    ----------
    frame : pandas.DataFrame or polars.DataFrame
        One row per (time, location); other columns are kept.
    time : str or None
        Period column (``None``: one row per location).
    location, international, total : str
        Location column and the counts of internationally co-authored and of all works.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` (as pandas, same index) with ``international_share`` appended.

    Raises
    ------
    InputError
        If a column is missing, a key is empty or repeated, the frame already has an
        ``international_share`` column, or a count is non-numeric, NaN, infinite, negative
        or ``international > total``; the message names the column and the rows.

    Warns
    -----
    IndicatorWarning
        Naming the locations (and periods) whose total is 0; their share is NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"iso3": ["MEX", "CHL"], "intl": [3, 1], "all": [4, 5]})
    >>> international_collaboration_share_frame(
    ...     frame, time=None, location="iso3", international="intl", total="all")
      iso3  intl  all  international_share
    0  MEX     3    4                 0.75
    1  CHL     1    5                 0.20

    References
    ----------
    .. [1] Luukkonen, T., Persson, O., & Sivertsen, G. (1992). Understanding patterns of
       international scientific collaboration. Science, Technology, & Human Values, 17(1),
       101-126.
    """
    keys = [c for c in (time, location) if c is not None]
    _distinct_columns([*keys, international, total], ("international_share",))
    data = as_pandas(frame, [*keys, international, total])
    if "international_share" in frame.columns:
        raise _input_error(
            "the frame already has a column 'international_share'", column="international_share"
        )
    codes = [_key_codes(data[c], c)[0] for c in keys]
    _check_unique_keys(codes[0] if len(codes) == 1 else _combine(codes[0], codes[1]), keys)
    share, zero = _share(
        _column_numbers(data[international], international),
        _column_numbers(data[total], total),
        names=(f"column {international!r}", f"column {total!r}"),
        columns=(international, total),
        locate=_rows,
    )
    if zero.any():
        labels = data.loc[zero, keys].astype(str).agg(" ".join, axis=1).tolist()
        warnings.warn(
            f"column {total!r} is 0 for {len(labels)} row(s) ({_rows(zero)[0]}: "
            f"{', '.join(labels[:_SHOWN])}{' ...' if len(labels) > _SHOWN else ''}); "
            "their international share is NaN",
            IndicatorWarning,
            stacklevel=2,
        )
    result = as_pandas(frame, list(frame.columns)).copy()
    result["international_share"] = share
    return result


def _check_unique_keys(key: npt.NDArray[Any], columns: Sequence[str]) -> None:
    order = np.argsort(key, kind="stable")
    repeat = np.flatnonzero(key[order][1:] == key[order][:-1]) + 1
    if len(repeat):
        rows = np.sort(order[repeat])
        raise _input_error(
            f"duplicate keys ({', '.join(columns)}) at {describe_rows(rows)}",
            column=None,
            rows=rows.tolist(),
        )


# ----------------------------------------------------------------- collaboration strength


def _cooccurrence(matrix: npt.ArrayLike) -> FloatArray:
    """A validated square, symmetric, finite, non-negative matrix as float64."""
    values = _float_array(matrix, "matrix")
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.size == 0:
        raise InputError(f"matrix must be a non-empty square matrix, got shape {values.shape}")
    _check_counts(values, "matrix", None, _positions)
    asymmetric = np.argwhere(np.triu(values != values.T, k=1))
    if len(asymmetric):
        i, j = (int(k) for k in asymmetric[0])
        raise InputError(
            f"matrix is not symmetric: first asymmetric pair ({i}, {j}) has "
            f"matrix[{i}, {j}] = {_number(values[i, j])} "
            f"but matrix[{j}, {i}] = {_number(values[j, i])}"
        )
    return values


def _totals(matrix: FloatArray, totals: TotalsRule | npt.ArrayLike) -> FloatArray:
    if isinstance(totals, str):
        if totals == "row_sums":
            return np.asarray(matrix.sum(axis=1) - np.diag(matrix), dtype=np.float64)
        if totals == "diagonal":
            return np.diag(matrix).copy()
        raise InputError(f"unknown totals {totals!r}; use 'row_sums', 'diagonal' or an array")
    given = _float_array(totals, "totals")
    if given.shape != (matrix.shape[0],):
        raise InputError(
            f"totals has shape {given.shape}, expected ({matrix.shape[0]},) "
            "(one total per location)"
        )
    _check_counts(given, "totals", None, _positions)
    return given


def _strength(
    matrix: FloatArray,
    totals: FloatArray,
    method: StrengthMethod,
    *,
    check_totals: bool,
    label: Callable[[int], str],
    context: str,
) -> tuple[FloatArray, FloatArray]:
    """Strength and expected co-occurrences; NaN on the diagonal and for zero totals."""
    if check_totals:
        # A total counts every work of a location, so it bounds each of its pairs.
        excess = (matrix > totals[:, np.newaxis]) & ~np.eye(len(totals), dtype=bool)
        if excess.any():
            i, j = (int(k) for k in np.argwhere(excess)[0])
            raise InputError(
                f"{context}pair ({label(i)}, {label(j)}) has {_number(matrix[i, j])} co-authored "
                f"works but the total of {label(i)} is {_number(totals[i])}; a location's total "
                "must count all its co-authored works"
            )
    outer = np.outer(totals, totals)
    grand = totals.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = outer / grand
        if method == "association":
            strength = grand * matrix / outer
        elif method == "cosine":
            strength = matrix / np.sqrt(outer)
        else:
            strength = matrix / (totals[:, np.newaxis] + totals[np.newaxis, :] - matrix)
    zero = totals == 0
    for array in (strength, expected):
        array[zero, :] = np.nan
        array[:, zero] = np.nan
        np.fill_diagonal(array, np.nan)
    if zero.any():
        names = [label(int(i)) for i in np.flatnonzero(zero)]
        warnings.warn(
            f"{context}{len(names)} location(s) with a total of 0 get NaN strengths: "
            f"{', '.join(names[:_SHOWN])}{' ...' if len(names) > _SHOWN else ''}",
            IndicatorWarning,
            stacklevel=3,
        )
    return strength, expected


def _check_method(method: str) -> None:
    if method not in ("association", "cosine", "jaccard"):
        raise InputError(f"unknown method {method!r}; use 'association', 'cosine' or 'jaccard'")


def collaboration_strength(
    matrix: npt.ArrayLike,
    *,
    method: StrengthMethod = "association",
    totals: TotalsRule | npt.ArrayLike = "row_sums",
) -> FloatArray:
    r"""Normalized co-authorship strength between every pair of locations.

    With :math:`c_{ij}` the works co-authored by locations :math:`i` and :math:`j`, the
    totals :math:`s_i` and :math:`T = \sum_i s_i`:

    .. math::

        AS_{ij} = \frac{T\, c_{ij}}{s_i s_j}, \qquad
        \cos_{ij} = \frac{c_{ij}}{\sqrt{s_i s_j}}, \qquad
        J_{ij} = \frac{c_{ij}}{s_i + s_j - c_{ij}}

    Association strength is observed over expected co-authorship: :math:`s_i s_j / T` is
    the number of joint works expected if partners were chosen in proportion to their
    totals, so :math:`AS_{ij} = 1` is "as expected", :math:`> 1` a preferred partnership
    (van Eck & Waltman's association strength scaled by :math:`T`; Luukkonen et al.'s
    observed/expected ratio). Cosine (Salton) and Jaccard are set similarities, meaningful
    with totals that count the works of each location (``totals="diagonal"`` or an array).

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        Symmetric, finite, non-negative co-authorship counts. The diagonal is used only by
        ``totals="diagonal"``.
    method : {"association", "cosine", "jaccard"}, default "association"
    totals : {"row_sums", "diagonal"} or array_like of shape (n,), default "row_sums"
        ``"row_sums"``: :math:`s_i = \sum_{j \ne i} c_{ij}` (each work is counted once per
        partner, so :math:`T` is twice the number of co-authoring links — van Eck &
        Waltman's convention); ``"diagonal"``: :math:`s_i = c_{ii}`, e.g. OpenAlex's
        diagonal = a country's internationally co-authored works; or explicit totals
        (e.g. all works of each location). Given totals must satisfy
        :math:`c_{ij} \le s_i`.

    Returns
    -------
    ndarray of float64, shape (n, n)
        Symmetric strengths. The diagonal is NaN (a location's strength with itself is not
        defined), as are the row and column of a location whose total is 0.

    Raises
    ------
    InputError
        If ``matrix`` is not a non-empty square matrix of finite non-negative numbers, is
        not symmetric (naming the first asymmetric pair :math:`(i, j)`, :math:`i < j`, and
        both values), if ``totals`` is unknown, has the wrong shape or bad entries, or a
        given total is smaller than one of the location's pair counts.

    Warns
    -----
    IndicatorWarning
        Naming the locations whose total is 0.

    Examples
    --------
    Row sums :math:`s = (3, 3, 2)`, :math:`T = 8`: :math:`AS_{01} = 8 \cdot 2/(3 \cdot 3)
    = 16/9` and :math:`AS_{02} = 8 \cdot 1 / (3 \cdot 2) = 4/3`.

    >>> C = np.array([[0, 2, 1], [2, 0, 1], [1, 1, 0]])
    >>> collaboration_strength(C)
    array([[  nan, 1.778, 1.333],
           [1.778,   nan, 1.333],
           [1.333, 1.333,   nan]])
    >>> collaboration_strength(C, method="jaccard")
    array([[ nan, 0.5 , 0.25],
           [0.5 ,  nan, 0.25],
           [0.25, 0.25,  nan]])

    With each location's own works on the diagonal, :math:`s = (4, 3, 2)`:
    :math:`\cos_{01} = 2/\sqrt{12}`, :math:`J_{01} = 2/(4+3-2) = 0.4`.

    >>> D = np.array([[4, 2, 1], [2, 3, 1], [1, 1, 2]])
    >>> collaboration_strength(D, method="cosine", totals="diagonal")[0]
    array([  nan, 0.577, 0.354])
    >>> collaboration_strength(D, method="jaccard", totals="diagonal")[0]
    array([nan, 0.4, 0.2])

    References
    ----------
    .. [1] van Eck, N. J., & Waltman, L. (2009). How to normalize cooccurrence data? An
       analysis of some well-known similarity measures. Journal of the American Society
       for Information Science and Technology, 60(8), 1635-1651.
    .. [2] Luukkonen, T., Persson, O., & Sivertsen, G. (1992). Understanding patterns of
       international scientific collaboration. Science, Technology, & Human Values, 17(1),
       101-126.
    .. [3] Salton, G., & McGill, M. J. (1983). Introduction to Modern Information
       Retrieval. McGraw-Hill.
    """
    _check_method(method)
    values = _cooccurrence(matrix)
    s = _totals(values, totals)
    strength, _ = _strength(
        values,
        s,
        method,
        check_totals=not (isinstance(totals, str) and totals == "row_sums"),
        label=str,
        context="",
    )
    return strength


def collaboration_strength_frame(
    frame: Any,
    *,
    a: str,
    b: str,
    value: str,
    time: str | None = None,
    method: StrengthMethod = "association",
    totals: TotalsRule = "row_sums",
) -> pd.DataFrame:
    r"""Co-authorship strength of every pair in a tidy (time, a, b, works) pair list.

    Per period, the pairs form the symmetric matrix :math:`c_{ab}` of
    :func:`collaboration_strength`, whose formulas apply:

    .. math::

        AS_{ab} = \frac{T\, c_{ab}}{s_a s_b}, \qquad
        \text{expected}_{ab} = \frac{s_a s_b}{T}

    Parameters
    ----------
    frame : pandas.DataFrame or polars.DataFrame
        One row per unordered pair, or per ordered pair with both directions equal. Rows
        with ``a == b`` hold a location's total: used by ``totals="diagonal"``, ignored by
        ``"row_sums"`` (give explicit totals, e.g. all works, as diagonal rows).
    a, b : str
        The two location columns.
    value : str
        Non-negative co-authored works of the pair.
    time : str, optional
        Period column; each period is normalized on its own.
    method : {"association", "cosine", "jaccard"}, default "association"
    totals : {"row_sums", "diagonal"}, default "row_sums"
        See :func:`collaboration_strength`. With ``"diagonal"`` every location in a pair
        needs its diagonal row.

    Returns
    -------
    pandas.DataFrame
        One row per pair given (``a != b``), as (time, a, b) with ``a < b``, sorted. Columns:
        ``time`` (if given), ``a``, ``b`` under their names, then ``works`` (the pair's
        value), ``strength`` and ``expected`` (:math:`s_a s_b / T`, the co-authored works
        expected from the totals, whatever the method). Pairs not given are not listed
        (their strength is 0).

    Raises
    ------
    InputError
        If a column is missing or named twice or like an output column, the frame is
        empty, a key is empty, a value is non-numeric, NaN, infinite or negative, a pair is
        given twice in the same direction, or in both directions with different values
        (naming both rows and values), a diagonal row is missing with ``"diagonal"``, or a
        total is smaller than one of its pairs.

    Warns
    -----
    IndicatorWarning
        Naming the locations of a period whose total is 0 (their strengths are NaN).

    Examples
    --------
    The matrix of :func:`collaboration_strength`'s example, given in both directions for
    the pair (MX, US):

    >>> import pandas as pd
    >>> pairs = pd.DataFrame({"a": ["MX", "US", "MX", "US"], "b": ["US", "MX", "CL", "CL"],
    ...                       "works": [2, 2, 1, 1]})
    >>> collaboration_strength_frame(pairs, a="a", b="b", value="works").round(4)
        a   b  works  strength  expected
    0  CL  MX      1    1.3333      0.75
    1  CL  US      1    1.3333      0.75
    2  MX  US      2    1.7778      1.125

    References
    ----------
    .. [1] van Eck, N. J., & Waltman, L. (2009). How to normalize cooccurrence data? An
       analysis of some well-known similarity measures. Journal of the American Society
       for Information Science and Technology, 60(8), 1635-1651.
    .. [2] Luukkonen, T., Persson, O., & Sivertsen, G. (1992). Understanding patterns of
       international scientific collaboration. Science, Technology, & Human Values, 17(1),
       101-126.
    """
    _check_method(method)
    if not isinstance(totals, str) or totals not in ("row_sums", "diagonal"):
        raise InputError(
            f"unknown totals {totals!r}; use 'row_sums' or 'diagonal' (give explicit totals "
            "as diagonal rows a == b)"
        )
    keys = [c for c in (time, a, b) if c is not None]
    _distinct_columns([*keys, value])
    _distinct_columns(keys, ("works", "strength", "expected"))  # value becomes "works"
    data = as_pandas(frame, [*keys, value])
    if len(data) == 0:
        raise _input_error("the pair list is empty (no rows)", column=None)
    periods, times = (
        _key_codes(data[time], time) if time is not None else (np.zeros(len(data), np.intp), None)
    )
    code_a, code_b, locations = _pair_codes(data, a, b)
    works = _column_numbers(data[value], value)
    _check_counts(works, f"column {value!r}", value, _rows)
    n = len(locations)
    low, high = np.minimum(code_a, code_b), np.maximum(code_a, code_b)
    pair_key = (periods.astype(np.int64) * n + low) * n + high
    kept = _one_row_per_pair(pair_key, code_a > code_b, works, data, value, a, b)
    output: list[IntArray] = []
    strengths: list[FloatArray] = []
    expecteds: list[FloatArray] = []
    bounds = np.flatnonzero(np.diff(periods[kept])) + 1
    for rows in np.split(kept, bounds):
        period = times[int(periods[rows[0]])] if times is not None else None
        context = f"{time}={period}: " if time is not None else ""
        pair_rows, strength, expected = _period_strength(
            low[rows], high[rows], works[rows], locations, method, totals, context
        )
        output.append(rows[pair_rows])
        strengths.append(strength)
        expecteds.append(expected)
    rows = np.concatenate(output)
    result: dict[str, Any] = {}
    if time is not None and times is not None:
        result[time] = times.take(periods[rows])
    result[a] = locations.take(low[rows])
    result[b] = locations.take(high[rows])
    result["works"] = data[value].to_numpy()[rows]
    result["strength"] = np.concatenate(strengths)
    result["expected"] = np.concatenate(expecteds)
    return pd.DataFrame(result)


def _pair_codes(
    data: pd.DataFrame, a: str, b: str
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], pd.Index]:
    """Codes of both location columns in one sorted vocabulary (so code order = label order)."""
    both = pd.concat([data[a], data[b]], ignore_index=True)
    codes, uniques = pd.factorize(both, sort=True)
    codes = np.asarray(codes, dtype=np.intp)
    for column, part in ((a, codes[: len(data)]), (b, codes[len(data) :])):
        empty = np.flatnonzero(part < 0)
        if len(empty):
            raise _input_error(
                f"key column {column!r} is empty at {describe_rows(empty)}",
                column=column,
                rows=empty.tolist(),
            )
    return codes[: len(data)], codes[len(data) :], pd.Index(uniques)


def _one_row_per_pair(
    pair_key: IntArray,
    reversed_: BoolArray,
    works: FloatArray,
    data: pd.DataFrame,
    value: str,
    a: str,
    b: str,
) -> npt.NDArray[np.intp]:
    """Rows to keep, one per unordered pair; raise on repeats and unequal directions."""

    def pair(row: int) -> str:
        return f"({_label(data[a].iloc[row])}, {_label(data[b].iloc[row])})"

    directed = pair_key * 2 + reversed_
    order = np.argsort(directed, kind="stable")
    repeat = np.flatnonzero(directed[order][1:] == directed[order][:-1])
    if len(repeat):
        first, second = int(order[repeat[0]]), int(order[repeat[0] + 1])
        raise _input_error(
            f"pair {pair(first)} is given twice in the "
            f"same direction, at rows {first} and {second}; give each pair once per direction",
            column=None,
            rows=[first, second],
        )
    order = np.argsort(pair_key, kind="stable")
    both = np.flatnonzero(pair_key[order][1:] == pair_key[order][:-1])
    unequal = both[works[order][both] != works[order][both + 1]]
    if len(unequal):
        first, second = int(order[unequal[0]]), int(order[unequal[0] + 1])
        raise _input_error(
            f"column {value!r}: pair {pair(first)} has "
            f"different values in its two directions: {_number(works[first])} at row {first} and "
            f"{_number(works[second])} at row {second} ({len(unequal)} such pair(s)); "
            "a co-authorship matrix is symmetric",
            column=value,
            rows=[first, second],
        )
    keep = np.ones(len(order), dtype=bool)
    keep[both + 1] = False
    return np.asarray(order[keep], dtype=np.intp)


def _period_strength(
    low: npt.NDArray[np.intp],
    high: npt.NDArray[np.intp],
    works: FloatArray,
    locations: pd.Index,
    method: StrengthMethod,
    totals: TotalsRule,
    context: str,
) -> tuple[npt.NDArray[np.intp], FloatArray, FloatArray]:
    """Strength and expected works of one period's off-diagonal pairs (by position)."""
    present = np.unique(np.concatenate([low, high]))
    i, j = np.searchsorted(present, low), np.searchsorted(present, high)
    matrix = np.zeros((len(present), len(present)))
    matrix[i, j] = works
    matrix[j, i] = works
    diagonal = i == j
    if totals == "diagonal":
        has_total = np.zeros(len(present), dtype=bool)
        has_total[i[diagonal]] = True
        if not has_total.all():
            absent = [str(locations[c]) for c in present[~has_total][:_SHOWN]]
            raise InputError(
                f"{context}totals='diagonal' but {int((~has_total).sum())} location(s) have "
                f"no diagonal row (a == b): {', '.join(absent)}"
            )
    strength, expected = _strength(
        matrix,
        _totals(matrix, totals),
        method,
        check_totals=totals == "diagonal",
        label=lambda k: str(locations[present[k]]),
        context=context,
    )
    pairs = np.flatnonzero(~diagonal)
    return pairs, strength[i[pairs], j[pairs]], expected[i[pairs], j[pairs]]
