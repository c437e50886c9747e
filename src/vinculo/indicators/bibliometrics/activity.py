"""Activity index and relative specialization index of publication counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from vinculo.indicators._frames import (
    DuplicatePolicy,
    MissingPolicy,
    Panel,
    YearMatrix,
    _input_error,
    build_panel,
)
from vinculo.indicators.bibliometrics._common import (
    FloatArray,
    _distinct_columns,
    _float_array,
    _positions,
)
from vinculo.indicators.rca import rca

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["activity_index", "activity_index_frame", "relative_specialization_index"]


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
    import pandas as pd

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
    import pandas as pd

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
