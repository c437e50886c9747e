"""Relatedness: proximity, density, distance, complexity outlook index and gain."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import numpy.typing as npt

from vinculo.indicators._errors import IndicatorWarning, InputError
from vinculo.indicators.complexity import ComplexityVectors

__all__ = [
    "complexity_outlook",
    "cooccurrence",
    "density",
    "distance",
    "proximity",
    "proximity_from_cooccurrence",
]

FloatArray = npt.NDArray[np.float64]

# float32 holds every integer up to 2**24 exactly, so a float32 matrix product of 0/1
# matrices counts co-occurrences exactly while there are fewer locations than that.
_EXACT_FLOAT32_COUNT = 2**24


def _binary(presence: npt.ArrayLike) -> FloatArray:
    matrix = np.asarray(presence, dtype=np.float64)
    if matrix.ndim != 2 or matrix.size == 0:
        raise InputError(f"presence must be a non-empty 2-D matrix, got shape {matrix.shape}")
    if not np.isin(matrix, (0.0, 1.0)).all():
        raise InputError("presence must hold only 0 and 1 (see vinculo.indicators.presence)")
    return matrix


def _count_type(n_locations: int) -> type[np.unsignedinteger[Any]]:
    if n_locations < 2**8:
        return np.uint8
    return np.uint16 if n_locations < 2**16 else np.uint32


def _cooccurrence_float32(
    matrix: FloatArray, out: npt.NDArray[np.float32] | None = None
) -> npt.NDArray[np.float32]:
    r""":math:`M^\top M` as float32 (exact: every count is below 2**24), into ``out``."""
    if matrix.shape[0] >= _EXACT_FLOAT32_COUNT:  # pragma: no cover - no real panel is that big
        raise InputError(f"co-occurrence of more than {_EXACT_FLOAT32_COUNT} locations")
    small = matrix.astype(np.float32)
    return np.matmul(small.T, small, out=out)


def _fill_proximity(counts: npt.NDArray[Any], out: FloatArray, block: int = 256) -> FloatArray:
    r""":math:`\phi = C / \max(k_p, k_{p'})` into ``out``, a block of rows at a time so that
    no items² temporary is allocated (fresh memory costs more than the arithmetic)."""
    ubiquity = np.diagonal(counts).astype(np.float64)
    n = len(ubiquity)
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, n, block):
            stop = min(start + block, n)
            larger = np.maximum(ubiquity[start:stop, np.newaxis], ubiquity[np.newaxis, :])
            rows = out[start:stop]
            np.divide(counts[start:stop], larger, out=rows)
            if not larger.all():
                rows[larger == 0] = 0.0
    np.fill_diagonal(out, 1.0)
    return out


def cooccurrence(presence: npt.ArrayLike) -> npt.NDArray[np.unsignedinteger[Any]]:
    r"""Co-occurrence counts :math:`C_{pp'} = \sum_c M_{cp} M_{cp'}` as compact integers.

    Parameters
    ----------
    presence : array_like of 0/1, shape (n_locations, n_items)

    Returns
    -------
    ndarray, shape (n_items, n_items)
        The smallest unsigned type that holds the number of locations (``uint8`` below
        256 locations, ``uint16`` below 65,536). The diagonal is the ubiquity of each item.

    Examples
    --------
    >>> import numpy as np
    >>> cooccurrence(np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1]]))
    array([[3, 2, 2],
           [2, 2, 1],
           [2, 1, 2]], dtype=uint8)
    """
    matrix = _binary(presence)
    return _cooccurrence_float32(matrix).astype(_count_type(matrix.shape[0]))


def proximity_from_cooccurrence(
    counts: npt.ArrayLike, *, out: FloatArray | None = None
) -> FloatArray:
    r"""Proximity from co-occurrence counts: :math:`\phi_{pp'} = C_{pp'} / \max(k_p, k_{p'})`.

    Items with ubiquity 0 have proximity 0 to every other item; the diagonal is 1.

    Parameters
    ----------
    counts : array_like, shape (n_items, n_items)
        From :func:`cooccurrence`.
    out : ndarray of float64, optional
        Where to write the result (e.g. to reuse one buffer across periods).

    Examples
    --------
    >>> proximity_from_cooccurrence(np.array([[3, 2], [2, 2]]))
    array([[1.        , 0.66666667],
           [0.66666667, 1.        ]])
    """
    matrix = np.asarray(counts)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise InputError(f"co-occurrence counts must be square, got shape {matrix.shape}")
    if out is None:
        out = np.empty(matrix.shape, dtype=np.float64)
    elif out.shape != matrix.shape or out.dtype != np.float64:
        raise InputError(f"out must be a float64 array of shape {matrix.shape}")
    return _fill_proximity(matrix, out)


def proximity(presence: npt.ArrayLike) -> FloatArray:
    r"""Proximity between items: the minimum of the two conditional probabilities.

    .. math::

        \phi_{pp'} = \min\left(P(M_p \mid M_{p'}), P(M_{p'} \mid M_p)\right)
                  = \frac{\sum_c M_{cp} M_{cp'}}{\max(k_p, k_{p'})}

    Parameters
    ----------
    presence : array_like of 0/1, shape (n_locations, n_items)

    Returns
    -------
    ndarray of float64, shape (n_items, n_items)
        Symmetric, with 1 on the diagonal; 0 for items no location has.

    Raises
    ------
    InputError
        If ``presence`` is not a 0/1 matrix.

    Examples
    --------
    >>> import numpy as np
    >>> proximity(np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1]]))
    array([[1.        , 0.66666667, 0.66666667],
           [0.66666667, 1.        , 0.5       ],
           [0.66666667, 0.5       , 1.        ]])

    References
    ----------
    .. [1] Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). The
       product space conditions the development of nations. Science, 317(5837), 482-487.
    """
    return proximity_from_cooccurrence(cooccurrence(presence))


def _phi(proximity_matrix: npt.ArrayLike, n_items: int) -> FloatArray:
    phi = np.asarray(proximity_matrix, dtype=np.float64)
    if phi.shape != (n_items, n_items):
        raise InputError(
            f"proximity has shape {phi.shape}, expected ({n_items}, {n_items}) "
            "(one row and column per item of the presence matrix)"
        )
    return phi


def density(presence: npt.ArrayLike, proximity_matrix: npt.ArrayLike) -> FloatArray:
    r"""Density: how close each item is to what each location already has.

    .. math::

        \omega_{cp} = \frac{\sum_{p'} M_{cp'} \phi_{pp'}}{\sum_{p'} \phi_{pp'}}

    The item itself is included in both sums (as in ``ecomplexity``).

    Parameters
    ----------
    presence : array_like of 0/1, shape (n_locations, n_items)
    proximity_matrix : array_like, shape (n_items, n_items)

    Returns
    -------
    ndarray of float64, shape (n_locations, n_items), values in [0, 1]

    Examples
    --------
    >>> import numpy as np
    >>> M = np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1]])
    >>> density(M, proximity(M)).round(4)  # row 0: 5/7, 10/13, 7/13
    array([[0.7143, 0.7692, 0.5385],
           [0.7143, 0.5385, 0.7692],
           [1.    , 1.    , 1.    ]])

    References
    ----------
    .. [1] Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). The
       product space conditions the development of nations. Science, 317(5837), 482-487.
    """
    matrix = _binary(presence)
    phi = _phi(proximity_matrix, matrix.shape[1])
    return _density(matrix, phi, phi.sum(axis=0))


def distance(presence: npt.ArrayLike, proximity_matrix: npt.ArrayLike) -> FloatArray:
    r"""Distance :math:`d_{cp} = 1 - \omega_{cp}`: how far each item is from a location.

    Examples
    --------
    >>> import numpy as np
    >>> M = np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1]])
    >>> distance(M, proximity(M)).round(4)[0]  # 2/7, 3/13, 6/13
    array([0.2857, 0.2308, 0.4615])

    References
    ----------
    .. [1] Hausmann, R. et al. (2014). The Atlas of Economic Complexity. MIT Press.
    """
    return 1.0 - density(presence, proximity_matrix)


def complexity_outlook(
    presence: npt.ArrayLike,
    proximity_matrix: npt.ArrayLike,
    complexity: ComplexityVectors,
) -> tuple[FloatArray, FloatArray]:
    r"""Complexity outlook index (COI) of each location and gain (COG) of each cell.

    With the sign-corrected raw item vector :math:`K_p` and the standard deviation
    :math:`\sigma` of the raw location vector (see :class:`ComplexityVectors`):

    .. math::

        COI_c &= z\left(\sum_p \omega_{cp} (1 - M_{cp}) K_p\right) \\
        COG_{cp} &= \frac{1 - M_{cp}}{\sigma} \sum_{p'} (1 - M_{cp'})
                    \frac{\phi_{p'p}}{\sum_{p''} \phi_{p'p''}} K_{p'}

    where :math:`z` is the z-score over locations (population std). These are the
    formulas of ``ecomplexity`` 0.5.3 and the Growth Lab's Stata package; the COG of the
    Atlas book has an extra :math:`-(1 - \omega_{cp}) PCI_p` term, not used here.
    Items with undefined PCI (ubiquity 0) add nothing to the sums.

    Parameters
    ----------
    presence : array_like of 0/1, shape (n_locations, n_items)
    proximity_matrix : array_like, shape (n_items, n_items)
    complexity : ComplexityVectors
        From :func:`~vinculo.indicators.eci_pci` on the same presence matrix.

    Returns
    -------
    coi : ndarray, shape (n_locations,)
    cog : ndarray, shape (n_locations, n_items)
        0 where the location already has the item.

    Examples
    --------
    >>> import numpy as np
    >>> from vinculo.indicators import eci_pci
    >>> M = np.array([[1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 1], [0, 0, 1, 1]])
    >>> coi, cog = complexity_outlook(M, proximity(M), eci_pci(M))
    >>> coi.round(4)
    array([-1.1538, -0.7786,  0.6536,  1.2788])
    >>> bool((cog[M == 1] == 0).all())
    True

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity:
       Mapping Paths to Prosperity. MIT Press.
    """
    matrix = _binary(presence)
    phi = _phi(proximity_matrix, matrix.shape[1])
    if complexity.item_vector.shape != (matrix.shape[1],):
        raise InputError("complexity was computed on a presence matrix of another shape")
    _, coi, cog = _density_and_outlook(matrix, phi, phi.sum(axis=1), complexity)
    return coi, cog


def _density(matrix: FloatArray, phi: FloatArray, sums: FloatArray) -> FloatArray:
    """Density given the row sums of a symmetric proximity matrix."""
    result: FloatArray = matrix @ phi
    result /= sums[np.newaxis, :]
    return result


def _coi(
    omega: FloatArray, absent: FloatArray, item_vector: FloatArray, *, warn: bool = True
) -> FloatArray:
    raw = (omega * absent) @ item_vector
    spread = raw.std()
    if warn and not spread > 0:
        warnings.warn(
            "COI is undefined: every location has the same complexity outlook",
            IndicatorWarning,
            stacklevel=4,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        coi: FloatArray = (raw - raw.mean()) / spread
    return coi


def _density_and_outlook(
    matrix: FloatArray,
    phi: FloatArray,
    sums: FloatArray,
    complexity: ComplexityVectors,
    *,
    density_out: FloatArray | None = None,
    cog_out: FloatArray | None = None,
    warn: bool = True,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Density, COI and COG with one matrix product, ``[M; (1 - M) diag(w)] @ phi``,
    which reads the items² proximity matrix once instead of twice."""
    n_locations = matrix.shape[0]
    absent = 1.0 - matrix
    item_vector = np.nan_to_num(complexity.item_vector)
    stacked = np.empty((2 * n_locations, matrix.shape[1]))
    stacked[:n_locations] = matrix
    with np.errstate(invalid="ignore", divide="ignore"):
        np.multiply(absent, (item_vector / sums)[np.newaxis, :], out=stacked[n_locations:])
    product = stacked @ phi
    omega = np.divide(product[:n_locations], sums[np.newaxis, :], out=density_out)
    coi = _coi(omega, absent, item_vector, warn=warn)
    cog = np.multiply(product[n_locations:], absent, out=cog_out)
    with np.errstate(invalid="ignore", divide="ignore"):
        cog /= complexity.location_std
    return omega, coi, cog
