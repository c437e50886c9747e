"""Co-authorship strength between locations: association strength, cosine and Jaccard."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from vinculo.indicators._errors import IndicatorWarning, InputError
from vinculo.indicators._frames import _input_error, _key_codes, as_pandas, describe_rows
from vinculo.indicators.bibliometrics._common import (
    _SHOWN,
    BoolArray,
    FloatArray,
    IntArray,
    StrengthMethod,
    TotalsRule,
    _check_counts,
    _column_numbers,
    _distinct_columns,
    _float_array,
    _label,
    _number,
    _positions,
    _rows,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["collaboration_strength", "collaboration_strength_frame"]


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
    import pandas as pd

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
    import pandas as pd

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
