"""One-vs-rest logistic regression with an L2 penalty, fitted by L-BFGS (scipy)."""

from __future__ import annotations

import contextlib
import functools
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import optimize, sparse
from scipy.special import expit
from threadpoolctl import ThreadpoolController

__all__ = ["fit_one_vs_rest", "sigmoid_scores"]

FloatArray = npt.NDArray[np.float64]


def fit_one_vs_rest(
    X: sparse.csr_matrix | FloatArray,
    Y: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    *,
    C: float = 1.0,
    max_iter: int = 1000,
    tol: float = 1e-6,
) -> tuple[FloatArray, FloatArray]:
    r"""Fit one logistic regression per label, all at once.

    Minimises, over the coefficients :math:`W` (features × labels) and the intercepts
    :math:`b`,

    .. math::

        \sum_{i,k} s_{ik} \big[\log(1 + e^{z_{ik}}) - y_{ik} z_{ik}\big]
        + \frac{1}{2C} \lVert W \rVert^2, \qquad z = X W + b,

    a sum of independent problems, one per label, with L-BFGS (``scipy.optimize.minimize``,
    ``L-BFGS-B``). A weight :math:`s_{ik} = 0` leaves example :math:`i` out of label
    :math:`k` (nothing is known about it). Intercepts are not penalised.

    With fewer examples than features (texts: always) the optimum is a combination of the
    rows of :math:`X`; the problem is solved in that space, exactly: with
    :math:`X = U S V^T` (from the eigendecomposition of :math:`X X^T`), :math:`W = V B`,
    :math:`X W = U S B` and :math:`\lVert W \rVert = \lVert B \rVert`, so L-BFGS works
    on :math:`B`, rank × labels, instead of features × labels.

    Parameters
    ----------
    X
        Examples × features (sparse or dense).
    Y
        Examples × labels, 1 for a positive, 0 for a negative.
    weights
        Examples × labels (or one weight per example), non-negative; default 1.
    C
        Inverse strength of the penalty.
    max_iter, tol
        Stopping rules of L-BFGS: ``maxiter``; ``gtol`` = ``tol``, ``ftol`` = ``tol`` / 1000.

    Returns
    -------
    coef : ndarray, features × labels
    intercept : ndarray, labels

    Raises
    ------
    ValueError
        Shapes that do not fit, labels not 0/1, negative weights, or ``C <= 0``.

    Examples
    --------
    Two examples, :math:`x = 1` positive and :math:`x = -1` negative: by symmetry
    :math:`b = 0`, the objective is :math:`2 \log(1 + e^{-w}) + w^2 / 2` and its minimum
    solves :math:`w = 2 / (1 + e^{w})`, :math:`w = 0.6748`:

    >>> coef, intercept = fit_one_vs_rest(np.array([[1.0], [-1.0]]), np.array([[1], [0]]))
    >>> round(float(coef[0, 0]), 4), abs(round(float(intercept[0]), 4))
    (0.6748, 0.0)
    """
    Y = np.asarray(Y, dtype=np.float64)
    if Y.ndim == 1:
        Y = Y[:, None]
    n = X.shape[0]
    if Y.shape[0] != n:
        raise ValueError(f"X has {n} rows and Y {Y.shape[0]}")
    if not np.isin(Y, (0.0, 1.0)).all():
        raise ValueError("Y must hold 0 and 1 only")
    S = np.ones_like(Y) if weights is None else np.asarray(weights, dtype=np.float64)
    if S.ndim == 1:
        S = np.repeat(S[:, None], Y.shape[1], axis=1)
    if S.shape != Y.shape:
        raise ValueError(f"weights have shape {S.shape}, not {Y.shape}")
    if not np.isfinite(S).all() or (S < 0).any():
        raise ValueError("weights must be finite and non-negative")
    if not C > 0:
        raise ValueError(f"C must be positive, not {C}")
    # One BLAS thread: the products are small, and a multi-threaded BLAS only adds
    # synchronisation, which costs more than ten times the work on a busy machine.
    with _blas_one_thread():
        return _solve(X, Y, S, C, max_iter, tol)


@functools.cache
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()


def _blas_one_thread() -> contextlib.AbstractContextManager[Any]:
    limited: contextlib.AbstractContextManager[Any] = _blas_controller().limit(
        limits=1, user_api="blas"
    )
    return limited


def _solve(
    X: sparse.csr_matrix | FloatArray,
    Y: FloatArray,
    S: FloatArray,
    C: float,
    max_iter: int,
    tol: float,
) -> tuple[FloatArray, FloatArray]:
    n, d = X.shape
    if n < d and n <= _ROW_SPACE_LIMIT:
        # The optimum lies in the row space of X (the penalty pushes W to it, the loss does
        # not see the rest): with X = U S V^T, W = V B and the problem in B (rank × labels)
        # has the same objective with the design U S, a few thousand parameters at most.
        rows: Any = sparse.csr_matrix(X)
        gram = np.asarray((rows @ rows.T).toarray())
        values, vectors = np.linalg.eigh(gram)
        keep = values > max(float(values[-1]), 0.0) * 1e-12
        roots = np.sqrt(values[keep])
        design = vectors[:, keep] * roots
        B, intercept = _fit(design, Y, S, C, max_iter, tol)
        coef = np.asarray(rows.T @ ((vectors[:, keep] / roots) @ B))
        return coef, intercept
    return _fit(X, Y, S, C, max_iter, tol)


# Above this many examples (or with fewer features than examples) the problem is solved over
# the coefficients directly: the eigendecomposition of the n × n Gram matrix would cost more.
_ROW_SPACE_LIMIT = 4000


def _fit(
    X: sparse.csr_matrix | FloatArray,
    Y: FloatArray,
    S: FloatArray,
    C: float,
    max_iter: int,
    tol: float,
) -> tuple[FloatArray, FloatArray]:
    d = X.shape[1]
    k = Y.shape[1]
    penalty = 1.0 / C
    XT: Any = sparse.csr_matrix(X.T) if sparse.issparse(X) else np.asarray(X).T

    def loss(theta: FloatArray) -> tuple[float, FloatArray]:
        W = theta[: d * k].reshape(d, k)
        b = theta[d * k :]
        Z = np.asarray(X @ W) + b
        value = float(np.sum(S * (np.logaddexp(0.0, Z) - Y * Z)))
        value += 0.5 * penalty * float(np.sum(W * W))
        G = S * (expit(Z) - Y)
        gradient = np.concatenate([(np.asarray(XT @ G) + penalty * W).ravel(), G.sum(axis=0)])
        return value, gradient

    result = optimize.minimize(
        loss,
        np.zeros(d * k + k),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_iter, "gtol": tol, "ftol": tol * 1e-3},
    )
    theta = result.x
    return theta[: d * k].reshape(d, k).copy(), theta[d * k :].copy()


def sigmoid_scores(
    X: sparse.csr_matrix | FloatArray, coef: FloatArray, intercept: FloatArray
) -> FloatArray:
    r"""The probabilities :math:`\sigma(XW + b)`, examples × labels.

    >>> sigmoid_scores(np.array([[0.0], [2.0]]), np.array([[1.0]]), np.array([0.0]))
    array([[0.5       ],
           [0.88079708]])
    """
    return np.asarray(expit(np.asarray(X @ coef) + intercept), dtype=np.float64)
