"""Whole and fractional publication counts and the international collaboration share."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from vinculo.indicators._errors import IndicatorWarning, InputError
from vinculo.indicators._frames import _input_error, _key_codes, as_pandas, describe_rows
from vinculo.indicators.bibliometrics._common import (
    _SHOWN,
    BoolArray,
    CountingMethod,
    FloatArray,
    Locator,
    _check_counts,
    _column_numbers,
    _combine,
    _distinct_columns,
    _first_rows,
    _float_array,
    _label,
    _number,
    _positions,
    _rows,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "fractional_counts",
    "international_collaboration_share",
    "international_collaboration_share_frame",
]


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
    import pandas as pd

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
