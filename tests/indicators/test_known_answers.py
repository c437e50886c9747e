"""Known answers on tiny hand-checkable matrices, and the fast paths against the slow ones."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tests.indicators.reference import (
    coi_cog_slow,
    density_slow,
    eci_pci_slow,
    proximity_slow,
    rca_slow,
)
from vinculo.indicators import (
    IndicatorWarning,
    InputError,
    complexity_outlook,
    cooccurrence,
    density,
    distance,
    diversity,
    eci_pci,
    eci_reflections,
    presence,
    proximity,
    rca,
    rpop,
    ubiquity,
)

NESTED = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0]])


def test_rca_known_answer():
    # rows 10 and 30, columns 20 and 20, total 40: RCA[1,0] = (10/30) / (20/40) = 2/3
    x = np.array([[10, 0], [10, 20]])
    np.testing.assert_allclose(rca(x), [[2.0, 0.0], [2 / 3, 4 / 3]], rtol=1e-15)


def test_rca_of_zero_row_is_nan():
    with np.errstate(all="ignore"):
        result = rca(np.array([[0, 0], [1, 2]]))
    assert np.isnan(result[0]).all()
    np.testing.assert_allclose(result[1], [1.0, 1.0])


def test_rpop_known_answer():
    # x/pop = [[10, 0], [2.5, 5]]; world per capita = [20/5, 20/5] = [4, 4]
    x = np.array([[10, 0], [10, 20]])
    np.testing.assert_allclose(rpop(x, [1, 4]), [[2.5, 0.0], [0.625, 1.25]], rtol=1e-15)


def test_presence_threshold_is_inclusive_and_nan_absent():
    r = np.array([[1.0, 0.999999], [np.nan, 2.0]])
    np.testing.assert_array_equal(presence(r), [[1, 0], [0, 1]])
    np.testing.assert_array_equal(presence(r, threshold=2.0), [[0, 0], [0, 1]])


def test_presence_both_is_logical_or():
    r = np.array([[1.5, 0.2], [0.1, 0.3]])
    p = np.array([[0.1, 3.0], [0.2, 0.1]])
    np.testing.assert_array_equal(presence(r, rpop_values=p, test="both"), [[1, 1], [0, 0]])
    np.testing.assert_array_equal(presence(r, rpop_values=p, test="rpop"), [[0, 1], [0, 0]])
    with pytest.raises(InputError, match="needs rpop_values"):
        presence(r, test="rpop")


def test_diversity_and_ubiquity():
    np.testing.assert_array_equal(diversity(NESTED), [3, 2, 1])
    np.testing.assert_array_equal(ubiquity(NESTED), [3, 2, 1])


def test_eci_pci_nested_known_answer():
    # (2/3, -1/3, -4/3) is an eigenvector of M~cc with eigenvalue 1/4 (see the docstring):
    # ECI = (1, 0, -1) * sqrt(3/2), PCI = (-1, 1, 3) * sqrt(3/2).
    result = eci_pci(NESTED)
    s = np.sqrt(1.5)
    np.testing.assert_allclose(result.eci, [s, 0, -s], atol=1e-12)
    np.testing.assert_allclose(result.pci, [-s, s, 3 * s], atol=1e-12)
    assert result.eigenvalue == pytest.approx(0.25, abs=1e-14)
    # ECI of a location is the mean PCI of the items it has
    np.testing.assert_allclose(result.eci, (NESTED @ result.pci) / NESTED.sum(axis=1), atol=1e-12)


def test_eci_sign_follows_diversity():
    result = eci_pci(NESTED[::-1])
    assert result.eci[2] > result.eci[0]


def test_proximity_known_answer():
    m = np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1]])
    # ubiquities 3, 2, 2; co-occurrences (0,1)=2, (0,2)=2, (1,2)=1
    expected = [[1, 2 / 3, 2 / 3], [2 / 3, 1, 1 / 2], [2 / 3, 1 / 2, 1]]
    np.testing.assert_allclose(proximity(m), expected, rtol=1e-15)
    np.testing.assert_array_equal(cooccurrence(m), [[3, 2, 2], [2, 2, 1], [2, 1, 2]])


def test_density_and_distance_known_answer():
    m = np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1]])
    phi = proximity(m)
    # location 0 has items 0, 1: item 2 -> (2/3 + 1/2) / (2/3 + 1/2 + 1) = 7/13
    np.testing.assert_allclose(density(m, phi)[0], [5 / 7, 10 / 13, 7 / 13], rtol=1e-14)
    np.testing.assert_allclose(density(m, phi)[2], [1, 1, 1])
    np.testing.assert_allclose(distance(m, phi)[0], [2 / 7, 3 / 13, 6 / 13], rtol=1e-14)


def test_proximity_of_an_item_nobody_has():
    m = np.array([[1, 0, 1], [1, 0, 0]])
    phi = proximity(m)
    np.testing.assert_array_equal(phi[1], [0, 1, 0])
    np.testing.assert_array_equal(phi[:, 1], [0, 1, 0])


def test_cog_is_zero_where_present_and_coi_standardized():
    m = np.array([[1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 1], [0, 0, 1, 1]])
    vectors = eci_pci(m)
    coi, cog = complexity_outlook(m, proximity(m), vectors)
    assert (cog[m == 1] == 0).all()
    assert coi.mean() == pytest.approx(0, abs=1e-12)
    assert coi.std() == pytest.approx(1, abs=1e-12)


def _random_connected_presence(rng: np.random.Generator, n_loc: int, n_item: int) -> np.ndarray:
    while True:
        x = rng.lognormal(0, 2, size=(n_loc, n_item)) * (rng.random((n_loc, n_item)) < 0.7)
        if (x.sum(axis=0) == 0).any() or (x.sum(axis=1) == 0).any():
            continue
        m = presence(rca(x))
        with warnings.catch_warnings():
            warnings.simplefilter("error", IndicatorWarning)
            try:
                eci_pci(m)
            except IndicatorWarning:
                continue
        return x


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(("n_loc", "n_item"), [(6, 9), (10, 7), (12, 12)])
def test_fast_paths_match_slow_reference(seed, n_loc, n_item):
    rng = np.random.default_rng(seed)
    x = _random_connected_presence(rng, n_loc, n_item)
    np.testing.assert_allclose(rca(x), rca_slow(x), rtol=1e-13)
    m = presence(rca(x))
    eci, pci, kp = eci_pci_slow(m)
    fast = eci_pci(m)
    np.testing.assert_allclose(fast.eci, eci, atol=1e-9)
    np.testing.assert_allclose(fast.pci, pci, atol=1e-9)
    phi = proximity(m)
    np.testing.assert_allclose(phi, proximity_slow(m), rtol=1e-15)
    np.testing.assert_allclose(density(m, phi), density_slow(m, phi), rtol=1e-13)
    coi, cog = complexity_outlook(m, phi, fast)
    coi_ref, cog_ref = coi_cog_slow(m, phi, kp, fast.location_std)
    np.testing.assert_allclose(coi, coi_ref, atol=1e-9)
    np.testing.assert_allclose(cog, cog_ref, atol=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_reflections_converge_to_the_eigenvector(seed):
    rng = np.random.default_rng(100 + seed)
    m = presence(rca(_random_connected_presence(rng, 15, 20)))
    eigen = eci_pci(m)
    reflected = eci_reflections(m)
    assert reflected.iterations > 1
    np.testing.assert_allclose(reflected.eci, eigen.eci, atol=1e-8)
    np.testing.assert_allclose(reflected.pci, eigen.pci, atol=1e-8)
    assert reflected.eigenvalue == pytest.approx(eigen.eigenvalue, rel=1e-6)


def test_reflections_warn_when_not_converged():
    m = presence(rca(_random_connected_presence(np.random.default_rng(7), 15, 20)))
    with pytest.warns(IndicatorWarning, match="did not converge"):
        eci_reflections(m, max_iterations=2)


@pytest.mark.filterwarnings("ignore:ECI is undefined")
def test_disconnected_presence_warns():
    blocks = np.array([[1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]])
    with pytest.warns(IndicatorWarning, match="disconnected"):
        eci_pci(blocks)


def test_zero_diversity_rows_are_nan_not_the_whole_matrix():
    m = np.array([[1, 1, 1], [1, 1, 0], [0, 0, 0], [1, 0, 0]])
    with pytest.warns(IndicatorWarning, match="diversity 0"):
        result = eci_pci(m)
    assert np.isnan(result.eci[2])
    np.testing.assert_allclose(result.eci[[0, 1, 3]], eci_pci(NESTED).eci, atol=1e-12)


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (np.array([1, 2, 3]), "2-D"),
        (np.zeros((0, 3)), "empty"),
        (np.array([[1, -1], [2, 3]]), "negative"),
        (np.array([[1, np.nan], [2, 3]]), "NaN"),
        (np.array([["a", "b"], ["c", "d"]]), "numeric"),
    ],
)
def test_rca_rejects_bad_matrices(matrix, message):
    with pytest.raises(InputError, match=message):
        rca(matrix)


def test_presence_functions_reject_non_binary():
    with pytest.raises(InputError, match="only 0 and 1"):
        proximity(np.array([[0.5, 1], [1, 1]]))
    with pytest.raises(InputError, match="shape"):
        density(NESTED, np.eye(2))


def test_eci_needs_two_locations_and_items():
    with pytest.raises(InputError, match="at least 2"):
        eci_pci(np.array([[1, 1, 1]]))
