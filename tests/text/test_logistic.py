"""One-vs-rest logistic regression: optimality, the row-space shortcut, weights."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from scipy.special import expit

from tests.conftest import reference_package
from vinculo.text import fit_one_vs_rest, sigmoid_scores
from vinculo.text.logistic import _fit


def problem(n=40, d=120, k=3, seed=0):
    rng = np.random.default_rng(seed)
    X = sparse.random(n, d, density=0.1, random_state=seed, format="csr")
    Y = (rng.random((n, k)) < 0.3).astype(float)
    Y[0] = 1.0  # every label has a positive
    return X, Y


def gradient(X, Y, S, W, b, C):
    G = S * (expit(X @ W + b) - Y)
    return X.T @ G + W / C, G.sum(axis=0)


def test_the_optimum_has_a_zero_gradient():
    X, Y = problem()
    S = np.ones_like(Y)
    W, b = fit_one_vs_rest(X, Y, C=5.0, tol=1e-10)
    gW, gb = gradient(X, Y, S, W, b, 5.0)
    assert np.abs(gW).max() < 1e-5
    assert np.abs(gb).max() < 1e-5


def test_row_space_shortcut_equals_the_direct_solution():
    X, Y = problem()  # 40 examples, 120 features: the shortcut applies
    S = np.ones_like(Y)
    shortcut = fit_one_vs_rest(X, Y, C=3.0, tol=1e-10)
    direct = _fit(X, Y, S, 3.0, 5000, 1e-10)
    assert np.allclose(shortcut[0], direct[0], atol=1e-5)
    assert np.allclose(shortcut[1], direct[1], atol=1e-5)


def test_zero_weight_leaves_an_example_out_of_a_label():
    X, Y = problem()
    S = np.ones_like(Y)
    S[5, 1] = 0.0
    flipped = Y.copy()
    flipped[5, 1] = 1 - flipped[5, 1]
    first = fit_one_vs_rest(X, Y, S, tol=1e-10)
    second = fit_one_vs_rest(X, flipped, S, tol=1e-10)
    assert np.allclose(first[0], second[0], atol=1e-6)


def test_integer_weights_repeat_examples():
    X, Y = problem(n=20, d=50, k=1)
    S = np.ones_like(Y)
    S[3] = 2.0
    weighted = fit_one_vs_rest(X, Y, S, tol=1e-10)
    repeated = fit_one_vs_rest(sparse.vstack([X, X[3]]).tocsr(), np.vstack([Y, Y[3:4]]), tol=1e-10)
    assert np.allclose(weighted[0], repeated[0], atol=1e-5)


def test_scikit_learn_agrees():
    linear_model = reference_package("sklearn.linear_model")
    X, Y = problem(n=60, d=30, k=1, seed=3)
    W, b = fit_one_vs_rest(X, Y, C=2.0, tol=1e-10)
    # scikit-learn minimises C · Σ loss + ½‖w‖²: the same minimiser
    reference = linear_model.LogisticRegression(C=2.0, tol=1e-10, max_iter=10_000).fit(X, Y[:, 0])
    assert np.allclose(W[:, 0], reference.coef_[0], atol=1e-4)
    assert b[0] == pytest.approx(reference.intercept_[0], abs=1e-4)
    assert np.allclose(sigmoid_scores(X, W, b)[:, 0], reference.predict_proba(X)[:, 1], atol=1e-5)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"Y": np.array([[2.0], [0.0]])}, "0 and 1"),
        ({"Y": np.array([[1.0]])}, "rows"),
        ({"weights": np.array([-1.0, 1.0])}, "non-negative"),
        ({"weights": np.ones((2, 3))}, "shape"),
        ({"C": 0.0}, "positive"),
    ],
)
def test_bad_input(arguments, message):
    given = {"X": np.eye(2), "Y": np.array([[1.0], [0.0]]), **arguments}
    with pytest.raises(ValueError, match=message):
        fit_one_vs_rest(given.pop("X"), given.pop("Y"), **given)
