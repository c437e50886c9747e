"""Revealed comparative advantage, presence, diversity and ubiquity on location × item matrices."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from vinculo.indicators._errors import InputError

__all__ = ["diversity", "presence", "rca", "rpop", "ubiquity"]

FloatArray = npt.NDArray[np.float64]
PresenceTest = Literal["rca", "rpop", "both"]


def _matrix(values: npt.ArrayLike, name: str = "values") -> npt.NDArray[Any]:
    matrix = np.asarray(values)
    if matrix.ndim != 2:
        raise InputError(f"{name} must be a 2-D location × item matrix, got shape {matrix.shape}")
    if matrix.size == 0:
        raise InputError(f"{name} is empty (shape {matrix.shape})")
    if matrix.dtype.kind not in "iuf":
        raise InputError(f"{name} must be numeric, got dtype {matrix.dtype}")
    if matrix.dtype.kind == "f" and not np.isfinite(matrix).all():
        raise InputError(f"{name} has NaN or infinite entries")
    if (matrix < 0).any():
        raise InputError(f"{name} has negative entries")
    return matrix


def _sums(matrix: npt.NDArray[Any]) -> tuple[Any, Any, Any]:
    """Row totals, column totals and the grand total, exact for integer input."""
    wide = matrix.astype(np.int64, copy=False) if matrix.dtype.kind in "iu" else matrix
    row = wide.sum(axis=1)
    col = wide.sum(axis=0)
    return row, col, col.sum()


def rca(values: npt.ArrayLike) -> FloatArray:
    r"""Revealed comparative advantage (Balassa index) of every location in every item.

    .. math::

        RCA_{cp} = \frac{x_{cp} / \sum_{p'} x_{cp'}}{\sum_{c'} x_{c'p} / \sum_{c'p'} x_{c'p'}}

    Parameters
    ----------
    values : array_like, shape (n_locations, n_items)
        Non-negative values: exports, publications, patent families...

    Returns
    -------
    ndarray of float64, same shape
        RCA; a location or item whose total is 0 gives NaN in its row or column.

    Raises
    ------
    InputError
        If ``values`` is not a non-empty 2-D matrix of finite, non-negative numbers.

    Notes
    -----
    The operations are done in the order of ``ecomplexity`` 0.5.3 so that cells on the
    threshold (RCA exactly 1) get the same presence. Integer input is summed exactly.

    Examples
    --------
    >>> import numpy as np
    >>> rca(np.array([[10, 0], [10, 20]]))
    array([[2.        , 0.        ],
           [0.66666667, 1.33333333]])

    References
    ----------
    .. [1] Balassa, B. (1965). Trade liberalisation and "revealed" comparative
       advantage. The Manchester School, 33(2), 99-123.
    """
    return _rca(_matrix(values))


def _rca(matrix: npt.NDArray[Any], out: FloatArray | None = None) -> FloatArray:
    """:func:`rca` on a matrix already known to be valid, optionally into ``out``."""
    row, col, total = _sums(matrix)
    with np.errstate(divide="ignore", invalid="ignore"):
        result: FloatArray = np.divide(matrix, row[:, np.newaxis], out=out)
        result /= col[np.newaxis, :] / total
    return result


def rpop(values: npt.ArrayLike, population: npt.ArrayLike) -> FloatArray:
    r"""Per-capita revealed advantage (RPOP): exports per person relative to the world's.

    .. math::

        RPOP_{cp} = \frac{x_{cp} / pop_c}{\sum_{c'} x_{c'p} / \sum_{c'} pop_{c'}}

    Parameters
    ----------
    values : array_like, shape (n_locations, n_items)
    population : array_like, shape (n_locations,)
        Positive population of each location (the world is the locations given).

    Returns
    -------
    ndarray of float64, same shape as ``values``

    Raises
    ------
    InputError
        If a population is missing, zero or negative, or its length does not match.

    Examples
    --------
    >>> rpop(np.array([[10, 0], [10, 20]]), np.array([1, 4]))
    array([[2.5  , 0.   ],
           [0.625, 1.25 ]])

    References
    ----------
    .. [1] Hausmann, R. et al. (2014). The Atlas of Economic Complexity. MIT Press.
    """
    matrix = _matrix(values)
    pop = np.asarray(population, dtype=np.float64)
    if pop.shape != (matrix.shape[0],):
        raise InputError(
            f"population has shape {pop.shape}, expected ({matrix.shape[0]},) "
            "(one value per location)"
        )
    if not np.isfinite(pop).all() or (pop <= 0).any():
        raise InputError("population must be positive and finite for every location")
    _, col, _ = _sums(matrix)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_capita = matrix / pop[:, np.newaxis]
        world = col[np.newaxis, :] / pop.sum()
        result: FloatArray = per_capita / world
    return result


def presence(
    rca_values: npt.ArrayLike,
    threshold: float = 1.0,
    *,
    rpop_values: npt.ArrayLike | None = None,
    rpop_threshold: float = 1.0,
    test: PresenceTest = "rca",
) -> FloatArray:
    r"""Binary presence matrix :math:`M_{cp}`.

    ``test="rca"``: :math:`M_{cp} = [RCA_{cp} \ge t]`; ``"rpop"``: :math:`[RPOP_{cp} \ge t']`;
    ``"both"``: present if **either** test passes. NaN counts as absent.

    Parameters
    ----------
    rca_values : array_like
        RCA matrix (ignored when ``test="rpop"``).
    threshold : float, default 1
    rpop_values : array_like, optional
        RPOP matrix, required for ``"rpop"`` and ``"both"``.
    rpop_threshold : float, default 1
    test : {"rca", "rpop", "both"}

    Returns
    -------
    ndarray of float64 with values 0 and 1

    Notes
    -----
    ``ecomplexity`` 0.5.3 implements ``"both"`` as the *sum* of the two binary matrices,
    so its :math:`M` can hold 2, which then counts twice in diversity and ubiquity. Here
    ``"both"`` is the logical OR (its :math:`M` clipped to 1); see ``docs/indicators.md``.

    Examples
    --------
    >>> presence(np.array([[3.0, 0.0], [0.75, 1.25]]))
    array([[1., 0.],
           [0., 1.]])
    >>> presence(np.array([[3.0, 0.0]]), rpop_values=np.array([[0.0, 2.0]]), test="both")
    array([[1., 1.]])
    """
    if test not in ("rca", "rpop", "both"):
        raise InputError(f"unknown presence test {test!r}; use 'rca', 'rpop' or 'both'")
    # NaN compares false: an undefined RCA is absence, with no copy to replace it
    passed: npt.NDArray[np.bool_] | None = None
    if test in ("rca", "both"):
        passed = np.asarray(rca_values, dtype=np.float64) >= threshold
    if test in ("rpop", "both"):
        if rpop_values is None:
            raise InputError(f"presence test {test!r} needs rpop_values")
        by_pop = np.asarray(rpop_values, dtype=np.float64) >= rpop_threshold
        passed = by_pop if passed is None else passed | by_pop
    assert passed is not None
    return passed.astype(np.float64)


def diversity(presence_matrix: npt.ArrayLike) -> FloatArray:
    r"""Diversity :math:`k_{c,0} = \sum_p M_{cp}`: how many items each location has.

    Examples
    --------
    >>> diversity(np.array([[1, 1, 0], [0, 1, 0]]))
    array([2., 1.])
    """
    result: FloatArray = np.asarray(presence_matrix, dtype=np.float64).sum(axis=1)
    return result


def ubiquity(presence_matrix: npt.ArrayLike) -> FloatArray:
    r"""Ubiquity :math:`k_{p,0} = \sum_c M_{cp}`: how many locations have each item.

    Examples
    --------
    >>> ubiquity(np.array([[1, 1, 0], [0, 1, 0]]))
    array([1., 2., 0.])
    """
    result: FloatArray = np.asarray(presence_matrix, dtype=np.float64).sum(axis=0)
    return result
