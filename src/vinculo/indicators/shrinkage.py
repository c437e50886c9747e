"""Specialization ratios shrunk towards 1 where the counts behind them are small."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vinculo.indicators._errors import InputError
from vinculo.indicators.bibliometrics._common import FloatArray

__all__ = ["ShrunkRatio", "shrunk_ratio"]


@dataclass(frozen=True)
class ShrunkRatio:
    """The result of :func:`shrunk_ratio`, one value per location.

    ``raw``: the plain ratio (share of the location's total in the item over the world's
    share); ``ratio``: the ratio shrunk towards 1; ``weight``: the credibility given to the
    location's own share (0 to 1); ``world_share`` and ``between_variance`` (τ²) are the
    estimates the shrinkage used.
    """

    raw: FloatArray
    ratio: FloatArray
    weight: FloatArray
    world_share: float
    between_variance: float


def _vector(values: npt.ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise InputError(f"{name}: expected a 1-D array, got shape {array.shape}")
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise InputError(f"{name}: values must be finite and non-negative")
    return array


def shrunk_ratio(
    counts: npt.ArrayLike,
    totals: npt.ArrayLike,
    *,
    world_share: float | None = None,
) -> ShrunkRatio:
    r"""A specialization ratio (RCA, activity index, RTA) shrunk towards 1 for small totals.

    The ratio of location *c* is its share of an item over the world's:
    :math:`R_c = \hat p_c / \sigma` with :math:`\hat p_c = x_c / n_c` (the location's
    count in the item over its total) and :math:`\sigma = \sum x / \sum n`. With a small
    :math:`n_c`, :math:`\hat p_c` is noisy: three patents out of five give a ratio of 6
    where the world's share is 10 %. The empirical-Bayes estimate replaces
    :math:`\hat p_c` by a credibility-weighted mean of itself and :math:`\sigma`:

    .. math::

        \tilde p_c = \sigma + w_c(\hat p_c - \sigma), \qquad
        w_c = \frac{\tau^2}{\tau^2 + \sigma(1-\sigma)/n_c}, \qquad
        \tilde R_c = \tilde p_c / \sigma

    :math:`\sigma(1-\sigma)/n_c` is the binomial sampling variance of :math:`\hat p_c`,
    and :math:`\tau^2` the variance of the true shares between locations, estimated by
    the method of moments (Marshall 1991): the weighted variance of the observed shares,
    :math:`s^2 = \sum_c n_c (\hat p_c - \sigma)^2 / \sum_c n_c`, less the mean sampling
    variance :math:`\sigma(1-\sigma)/\bar n`, floored at 0 (:math:`\bar n` the mean
    total). A location with a large total keeps its own ratio (:math:`w_c \to 1`); one
    with a small total is pulled towards 1; when the observed spread is no larger than
    sampling noise, every ratio is 1. It is Bühlmann's credibility estimator.

    Counts need not be whole: for export values, pass them in a unit that stands for one
    independent draw (the capability model uses USD 1 million).

    Parameters
    ----------
    counts : array_like, shape (n,)
        Each location's count in the item (non-negative).
    totals : array_like, shape (n,)
        Each location's total over all items (non-negative, at least ``counts``).
    world_share : float, optional
        :math:`\sigma`, when the world is larger than the locations given (e.g. the share
        in the full matrix); default :math:`\sum x / \sum n`.

    Returns
    -------
    ShrunkRatio
        ``raw``, ``ratio`` and ``weight`` per location (NaN where the total is 0).

    Raises
    ------
    InputError
        If the arrays are not 1-D, of equal length, finite and non-negative, a count
        exceeds its total, or the world's share is not in (0, 1].

    Examples
    --------
    Two large locations with shares 0.5 and 0.1 of 1,000, and a small one with 3 of 5
    (raw ratio 0.6 / 0.3 = 2): the small one is pulled half-way back to 1, the large
    ones hardly move.

    >>> result = shrunk_ratio([500, 100, 3], [1000, 1000, 5])
    >>> result.raw.round(3)
    array([1.663, 0.333, 1.995])
    >>> result.ratio.round(3)
    array([1.659, 0.336, 1.484])
    >>> result.weight.round(3)
    array([0.995, 0.995, 0.486])

    With no spread beyond sampling noise every ratio is 1:

    >>> shrunk_ratio([10, 11], [100, 100]).ratio
    array([1., 1.])

    References
    ----------
    .. [1] Marshall, R. J. (1991). Mapping disease and mortality rates using empirical
       Bayes estimators. Journal of the Royal Statistical Society, Series C (Applied
       Statistics), 40(2), 283-294.
    .. [2] Bühlmann, H., & Gisler, A. (2005). A Course in Credibility Theory and its
       Applications. Springer.
    """
    x = _vector(counts, "counts")
    n = _vector(totals, "totals")
    if x.shape != n.shape:
        raise InputError(f"counts and totals differ in length ({x.size} and {n.size})")
    if np.any(x > n * (1 + 1e-12)):
        raise InputError("a count exceeds its total")
    positive = n > 0
    if not positive.any():
        raise InputError("every total is 0")
    sigma = float(x.sum() / n.sum()) if world_share is None else float(world_share)
    if not 0 < sigma <= 1:
        raise InputError(f"world_share must be in (0, 1], got {sigma}")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(positive, x / n, np.nan)
    raw = share / sigma
    noise = sigma * (1 - sigma)
    if noise == 0:
        weight = np.where(positive, 1.0, np.nan)
        return ShrunkRatio(raw, raw.copy(), weight, sigma, 0.0)
    weights_n = n[positive]
    spread = float(np.sum(weights_n * (share[positive] - sigma) ** 2) / weights_n.sum())
    mean_total = float(weights_n.mean())
    tau2 = max(0.0, spread - noise / mean_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(positive, tau2 / (tau2 + noise / n), np.nan)
    shrunk = sigma + weight * (share - sigma)
    return ShrunkRatio(raw, shrunk / sigma, weight, sigma, tau2)
