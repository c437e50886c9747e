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


def cooccurrence(presence: npt.ArrayLike) -> npt.NDArray[np.unsignedinteger[Any]]:
    r"""Co-occurrence counts :math:`C_{pp'} = \sum_c M_{cp} M_{cp'}` as compact integers.

    Parameters
    ----------
    presence : array_like of 0/1, shape (n_locations, n_items)

    Returns
    -------
    ndarray, shape (n_items, n_items)
        ``uint16`` when there are fewer than 65,536 locations, else ``uint32``. The
        diagonal is the ubiquity of each item.

    Examples
    --------
    >>> import numpy as np
    >>> cooccurrence(np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1]]))
    array([[3, 2, 2],
           [2, 2, 1],
           [2, 1, 2]], dtype=uint16)
    """
    matrix = _binary(presence)
    n_locations = matrix.shape[0]
    if n_locations < _EXACT_FLOAT32_COUNT:
        small = matrix.astype(np.float32)
        counts = small.T @ small
    else:  # pragma: no cover - more locations than any real panel has
        counts = matrix.T @ matrix
    dtype = np.uint16 if n_locations < 2**16 else np.uint32
    result: npt.NDArray[np.unsignedinteger[Any]] = np.rint(counts).astype(dtype)
    return result


def proximity_from_cooccurrence(counts: npt.ArrayLike) -> FloatArray:
    r"""Proximity from co-occurrence counts: :math:`\phi_{pp'} = C_{pp'} / \max(k_p, k_{p'})`.

    Items with ubiquity 0 have proximity 0 to every other item; the diagonal is 1.

    Examples
    --------
    >>> proximity_from_cooccurrence(np.array([[3, 2], [2, 2]]))
    array([[1.        , 0.66666667],
           [0.66666667, 1.        ]])
    """
    c = np.asarray(counts)
    ubiquity = np.diagonal(c).astype(np.float64)
    larger = np.maximum(ubiquity[:, np.newaxis], ubiquity[np.newaxis, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = c / larger
    phi[larger == 0] = 0.0
    np.fill_diagonal(phi, 1.0)
    return phi


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
    result: FloatArray = (matrix @ phi) / phi.sum(axis=0)[np.newaxis, :]
    return result


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
    *,
    density_matrix: npt.ArrayLike | None = None,
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
    density_matrix : array_like, optional
        :func:`density` of the same inputs, if already computed.

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
    omega = (
        density(matrix, phi)
        if density_matrix is None
        else np.asarray(density_matrix, dtype=np.float64)
    )
    absent = 1.0 - matrix
    item_vector = np.nan_to_num(complexity.item_vector)
    raw_coi = (omega * absent) @ item_vector
    spread = raw_coi.std()
    if not spread > 0:
        warnings.warn(
            "COI is undefined: every location has the same complexity outlook",
            IndicatorWarning,
            stacklevel=2,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        coi = (raw_coi - raw_coi.mean()) / spread
        weighted = phi * (item_vector / phi.sum(axis=1))[:, np.newaxis]
        cog: FloatArray = absent * (absent @ weighted) / complexity.location_std
    return coi, cog
