"""Economic complexity: ECI and PCI by the eigenvector method and the method of reflections."""

from __future__ import annotations

import contextlib
import functools
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

from vinculo.indicators._errors import IndicatorWarning, InputError

__all__ = ["ComplexityVectors", "eci_pci", "eci_reflections"]

FloatArray = npt.NDArray[np.float64]

# Relative gap below which the second eigenvalue counts as equal to the first: the
# presence matrix then falls into disconnected blocks and ECI is not unique.
_DEGENERATE_GAP = 1e-9
# Below this |correlation| with diversity, the sign convention cannot pick a direction.
_AMBIGUOUS_SIGN = 1e-9


@dataclass(frozen=True)
class ComplexityVectors:
    """ECI and PCI of one presence matrix, with the raw vectors they were scaled from.

    Attributes
    ----------
    eci : ndarray, shape (n_locations,)
        Economic complexity index: z-score of ``location_vector`` (population std).
        NaN for locations with diversity 0.
    pci : ndarray, shape (n_items,)
        Product complexity index: ``(item_vector - location_mean) / location_std``.
        NaN for items with ubiquity 0.
    location_vector, item_vector : ndarray
        Sign-corrected eigenvectors before standardization (``item_vector`` has unit
        Euclidean norm, as in ``ecomplexity``); ``location_vector = (M / k_c) @ item_vector``.
    location_mean, location_std : float
        Mean and population standard deviation of ``location_vector``.
    eigenvalue : float
        The second-largest eigenvalue of :math:`\\tilde M`.
    iterations : int
        Reflections used (0 for the eigenvector method).
    """

    eci: FloatArray
    pci: FloatArray
    location_vector: FloatArray
    item_vector: FloatArray
    location_mean: float
    location_std: float
    eigenvalue: float
    iterations: int = 0


def _presence_matrix(presence: npt.ArrayLike) -> FloatArray:
    matrix = np.asarray(presence, dtype=np.float64)
    if matrix.ndim != 2 or matrix.size == 0:
        raise InputError(f"presence must be a non-empty 2-D matrix, got shape {matrix.shape}")
    if not np.isfinite(matrix).all() or (matrix < 0).any():
        raise InputError("presence must hold finite, non-negative values")
    return matrix


def _valid_parts(
    matrix: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Drop locations with diversity 0 and items with ubiquity 0, warning about them."""
    div = matrix.sum(axis=1)
    ubi = matrix.sum(axis=0)
    loc_ok, item_ok = div > 0, ubi > 0
    if not loc_ok.all() or not item_ok.all():
        warnings.warn(
            f"{int((~loc_ok).sum())} location(s) with diversity 0 and {int((~item_ok).sum())} "
            "item(s) with ubiquity 0 get ECI/PCI NaN and are left out of the eigenproblem "
            "(ecomplexity 0.5.3 gives NaN for the whole period instead)",
            IndicatorWarning,
            stacklevel=3,
        )
    sub = matrix if loc_ok.all() and item_ok.all() else matrix[np.ix_(loc_ok, item_ok)]
    return sub, div[loc_ok], ubi[item_ok], loc_ok, item_ok


def _finish(
    sub: FloatArray,
    div: FloatArray,
    item_vector: FloatArray,
    loc_ok: npt.NDArray[np.bool_],
    item_ok: npt.NDArray[np.bool_],
    eigenvalue: float,
    iterations: int,
) -> ComplexityVectors:
    """Normalize, fix the sign, standardize and put NaN back for the excluded rows."""
    norm = np.linalg.norm(item_vector)
    with np.errstate(invalid="ignore", divide="ignore"):
        item_vector = item_vector / norm
        location_vector = (sub @ item_vector) / div
        correlation = np.corrcoef(div, location_vector)[0, 1]
    sign = np.sign(correlation)
    if not np.isfinite(sign) or sign == 0:
        warnings.warn(
            "ECI is undefined: the location vector is constant (all locations equally "
            "complex) or diversity does not vary",
            IndicatorWarning,
            stacklevel=3,
        )
        sign = np.nan
    elif abs(correlation) < _AMBIGUOUS_SIGN:
        warnings.warn(
            f"the sign of ECI is ambiguous: ECI is uncorrelated with diversity "
            f"(r = {correlation:.1e})",
            IndicatorWarning,
            stacklevel=3,
        )
    location_vector = sign * location_vector
    item_vector = sign * item_vector
    mean = float(location_vector.mean())
    std = float(location_vector.std())

    eci = np.full(len(loc_ok), np.nan)
    pci = np.full(len(item_ok), np.nan)
    full_loc = np.full(len(loc_ok), np.nan)
    full_item = np.full(len(item_ok), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        eci[loc_ok] = (location_vector - mean) / std
        pci[item_ok] = (item_vector - mean) / std
    full_loc[loc_ok] = location_vector
    full_item[item_ok] = item_vector
    return ComplexityVectors(eci, pci, full_loc, full_item, mean, std, eigenvalue, iterations)


@functools.cache
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()


def _blas_one_thread() -> contextlib.AbstractContextManager[Any]:
    """A context in which BLAS and LAPACK run on one thread (process-wide)."""
    limited: contextlib.AbstractContextManager[Any] = _blas_controller().limit(
        limits=1, user_api="blas"
    )
    return limited


def _top_two(symmetric: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The largest eigenvalues (ascending: the top three, or two for a 2 × 2 matrix) and
    their eigenvectors (as columns); the third tells whether the second is repeated.

    LAPACK runs on one thread here: for these small matrices, a multi-threaded BLAS only
    adds synchronization, which costs up to 50× when another process shares the cores.
    numpy's ``eigh`` (all eigenpairs, ~5 ms at 234 × 234) rather than scipy's, which could
    stop at the top three but costs ~0.2 s to import: more than all the periods' solves.
    """
    n = symmetric.shape[0]
    with _blas_one_thread():
        values, vectors = np.linalg.eigh(symmetric)
    first = max(n - 3, 0)
    return values[first:], vectors[:, first:]


def eci_pci(presence: npt.ArrayLike) -> ComplexityVectors:
    r"""Economic and product complexity indices by the eigenvector method.

    With diversity :math:`k_c = \sum_p M_{cp}` and ubiquity :math:`k_p = \sum_c M_{cp}`,
    the item vector :math:`K_p` is the eigenvector of

    .. math::

        \tilde M_{pp'} = \sum_c \frac{M_{cp} M_{cp'}}{k_c\, k_p}

    for its second-largest eigenvalue, and the location vector is
    :math:`K_c = \sum_p M_{cp} K_p / k_c`. The sign makes :math:`K_c` correlate positively
    with diversity. :math:`ECI = (K_c - \langle K_c\rangle) / \sigma(K_c)` and
    :math:`PCI = (K_p - \langle K_c\rangle) / \sigma(K_c)` (population std), so that the
    ECI of a location is the mean PCI of the items it has: the conventions of
    ``ecomplexity`` 0.5.3 and the Atlas.

    The eigenvector is found from the symmetric matrix :math:`A A^\top` (or
    :math:`A^\top A`, whichever is smaller) with :math:`A = D_c^{-1/2} M D_p^{-1/2}`, which
    has the same non-zero spectrum as :math:`\tilde M`: a small symmetric eigenproblem in
    place of a general one on the item × item matrix.

    Parameters
    ----------
    presence : array_like, shape (n_locations, n_items)
        Presence matrix :math:`M` (usually 0/1 from :func:`~vinculo.indicators.presence`).

    Returns
    -------
    ComplexityVectors

    Raises
    ------
    InputError
        If ``presence`` is not a non-empty matrix of finite, non-negative values.

    Warns
    -----
    IndicatorWarning
        When locations with diversity 0 or items with ubiquity 0 are left out (their
        ECI/PCI is NaN), when :math:`M` is disconnected (the second eigenvalue equals the
        first) or the second eigenvalue is repeated (equals the third) — ECI is then not
        unique — or when ECI is undefined.

    Examples
    --------
    A nested matrix: location 0 has every item, location 2 only the most common one.
    By hand: :math:`(2/3, -1/3, -4/3)` is an eigenvector of :math:`\tilde M_{cc'}` with
    eigenvalue 1/4, so ECI :math:`= (1, 0, -1)\sqrt{3/2}` and PCI
    :math:`= (-1, 1, 3)\sqrt{3/2}`.

    >>> import numpy as np
    >>> M = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0]])
    >>> result = eci_pci(M)
    >>> result.eci.round(6) + 0.0
    array([ 1.224745,  0.      , -1.224745])
    >>> result.pci.round(6)
    array([-1.224745,  1.224745,  3.674235])
    >>> round(result.eigenvalue, 12)
    0.25

    References
    ----------
    .. [1] Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic
       complexity. PNAS, 106(26), 10570-10575.
    .. [2] Mealy, P., Farmer, J. D., & Teytelboym, A. (2019). Interpreting economic
       complexity. Science Advances, 5(1), eaau1705.
    """
    return _eci_pci(_presence_matrix(presence))


def _eci_pci(matrix: FloatArray) -> ComplexityVectors:
    """:func:`eci_pci` on a presence matrix already known to be valid."""
    sub, div, ubi, loc_ok, item_ok = _valid_parts(matrix)
    if sub.shape[0] < 2 or sub.shape[1] < 2:
        raise InputError(
            f"ECI needs at least 2 locations and 2 items with presence, got {sub.shape}"
        )
    inv_sqrt_div = 1.0 / np.sqrt(div)
    inv_sqrt_ubi = 1.0 / np.sqrt(ubi)
    scaled = sub * inv_sqrt_div[:, np.newaxis] * inv_sqrt_ubi[np.newaxis, :]
    if scaled.shape[0] <= scaled.shape[1]:
        values, vectors = _top_two(scaled @ scaled.T)
        location_part = vectors[:, -2] * inv_sqrt_div
        item_vector = (sub.T @ location_part) / ubi
    else:
        values, vectors = _top_two(scaled.T @ scaled)
        item_vector = vectors[:, -2] * inv_sqrt_ubi
    if values[-1] - values[-2] <= _DEGENERATE_GAP * values[-1]:
        warnings.warn(
            "the presence matrix is disconnected (its second eigenvalue equals the first): "
            "ECI and PCI are not unique; compute them per connected block",
            IndicatorWarning,
            stacklevel=3,
        )
    elif len(values) > 2 and values[-2] - values[-3] <= _DEGENERATE_GAP * values[-1]:
        warnings.warn(
            "the second eigenvalue of the presence matrix is repeated: ECI and PCI are not "
            "unique (any direction of its eigenspace is an answer)",
            IndicatorWarning,
            stacklevel=3,
        )
    return _finish(sub, div, item_vector, loc_ok, item_ok, float(values[-2]), 0)


def eci_reflections(
    presence: npt.ArrayLike,
    *,
    tolerance: float = 1e-12,
    max_iterations: int = 100_000,
) -> ComplexityVectors:
    r"""ECI and PCI by the method of reflections: a cross-check of :func:`eci_pci`.

    Starting from diversity, the location vector is reflected through the items and back,

    .. math::

        K_c^{(n+1)} = \frac{1}{k_c} \sum_p M_{cp} \frac{1}{k_p} \sum_{c'} M_{c'p} K_{c'}^{(n)},

    and standardized at every step until it changes by less than ``tolerance``. The
    standardized vector converges to the eigenvector of :func:`eci_pci` (at the rate
    :math:`\lambda_3 / \lambda_2`), so both methods give the same ECI and PCI.

    Parameters
    ----------
    presence : array_like, shape (n_locations, n_items)
    tolerance : float, default 1e-12
        Largest change of the standardized location vector at which to stop.
    max_iterations : int, default 100000
        Pairs of reflections before giving up with a warning.

    Returns
    -------
    ComplexityVectors
        ``iterations`` is the number of pairs of reflections done; ``eigenvalue`` the
        Rayleigh estimate of :math:`\lambda_2`.

    Warns
    -----
    IndicatorWarning
        If the iteration did not converge within ``max_iterations``.

    Examples
    --------
    >>> import numpy as np
    >>> M = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0]])
    >>> bool(np.allclose(eci_reflections(M).eci, eci_pci(M).eci, atol=1e-9))
    True

    References
    ----------
    .. [1] Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic
       complexity. PNAS, 106(26), 10570-10575.
    """
    matrix = _presence_matrix(presence)
    sub, div, ubi, loc_ok, item_ok = _valid_parts(matrix)
    if sub.shape[0] < 2 or sub.shape[1] < 2:
        raise InputError(
            f"ECI needs at least 2 locations and 2 items with presence, got {sub.shape}"
        )
    to_items = (sub / ubi[np.newaxis, :]).T
    to_locations = sub / div[:, np.newaxis]

    def standardize(vector: FloatArray) -> FloatArray:
        result: FloatArray = (vector - vector.mean()) / vector.std()
        return result

    current = standardize(div.copy())
    iterations = 0
    converged = False
    while iterations < max_iterations:
        iterations += 1
        reflected = to_locations @ (to_items @ current)
        following = standardize(reflected)
        if np.corrcoef(following, current)[0, 1] < 0:
            following = -following
        change = float(np.max(np.abs(following - current)))
        current = following
        if change < tolerance:
            converged = True
            break
    if not converged:
        warnings.warn(
            f"the method of reflections did not converge in {max_iterations} iterations "
            f"(last change {change:.2e}); use eci_pci",
            IndicatorWarning,
            stacklevel=2,
        )
    # The standardized vector is the eigenvector shifted by a constant; COI and COG need
    # the eigenvector itself. With v standardized, M~ v = lambda v + c 1, and the
    # eigenvector is v + c / (lambda - 1).
    reflected = to_locations @ (to_items @ current)
    eigenvalue = float(np.mean(reflected * current))
    shift = float(np.mean(reflected)) / (eigenvalue - 1.0)
    item_vector = to_items @ (current + shift)
    return _finish(sub, div, item_vector, loc_ok, item_ok, eigenvalue, iterations)
