"""Bibliometric indicators: known answers, slow references, invariants, bad input, real data."""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from vinculo.indicators._errors import IndicatorWarning, InputError
from vinculo.indicators.bibliometrics import (
    activity_index,
    activity_index_frame,
    collaboration_strength,
    collaboration_strength_frame,
    fractional_counts,
    international_collaboration_share,
    international_collaboration_share_frame,
    relative_specialization_index,
)
from vinculo.indicators.rca import rca

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAN = math.nan


def close(actual, expected, rtol=1e-14):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), expected, rtol=rtol, atol=0)


def frames_equal(actual, expected):
    pd.testing.assert_frame_equal(actual, expected, check_exact=False, rtol=1e-14, atol=0)


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndicatorWarning)
        return function(*args, **kwargs)


# ----------------------------------------------------------------- slow references


def slow_activity_index(counts):
    """AI_cf = (x_cf / x_c.) / (x_.f / x_..), one cell at a time."""
    counts = [[float(x) for x in row] for row in counts]
    row_totals = [sum(row) for row in counts]
    col_totals = [sum(col) for col in zip(*counts, strict=True)]
    total = sum(row_totals)
    result = [[NAN] * len(counts[0]) for _ in counts]
    for c, row in enumerate(counts):
        for f, x in enumerate(row):
            if row_totals[c] > 0 and col_totals[f] > 0:
                result[c][f] = (x / row_totals[c]) / (col_totals[f] / total)
    return result


def slow_strength(matrix, method, totals):
    n = len(matrix)
    if isinstance(totals, str) and totals == "row_sums":
        s = [sum(matrix[i][j] for j in range(n) if j != i) for i in range(n)]
    elif isinstance(totals, str):
        s = [matrix[i][i] for i in range(n)]
    else:
        s = list(totals)
    grand = sum(s)
    result = [[NAN] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j or s[i] == 0 or s[j] == 0:
                continue
            c = matrix[i][j]
            if method == "association":
                result[i][j] = grand * c / (s[i] * s[j])
            elif method == "cosine":
                result[i][j] = c / math.sqrt(s[i] * s[j])
            else:
                result[i][j] = c / (s[i] + s[j] - c)
    return result


def slow_fractional(rows, method):
    """rows: (work, location, field, time). Credit 1 per (work, field), shared over locations."""
    units = defaultdict(list)
    for work, location, field, time in rows:
        units[(work, field)].append((location, time))
    result = defaultdict(lambda: [0, 0.0])
    for (_, field), entries in units.items():
        locations = [location for location, _ in entries]
        time = entries[0][1]
        for location in set(locations):
            if method == "location":
                credit = 1 / len(set(locations))
            else:
                credit = locations.count(location) / len(locations)
            result[(time, location, field)][0] += 1
            result[(time, location, field)][1] += credit
    return dict(result)


# ----------------------------------------------------------------- activity index


def test_activity_index_2x2_known_answer():
    # rows 4, 4; columns 3, 5; total 8: AI_00 = (2/4)/(3/8) = 4/3, AI_01 = (2/4)/(5/8) = 4/5,
    # AI_10 = (1/4)/(3/8) = 2/3, AI_11 = (3/4)/(5/8) = 6/5
    close(activity_index([[2, 2], [1, 3]]), [[4 / 3, 4 / 5], [2 / 3, 6 / 5]])


def test_activity_index_3x3_known_answer():
    # every row and column sums to 4, total 12: AI = (x/4)/(4/12) = 3x/4
    counts = [[1, 0, 3], [2, 2, 0], [1, 2, 1]]
    close(activity_index(counts), [[0.75, 0, 2.25], [1.5, 1.5, 0], [0.75, 1.5, 0.75]])


def test_activity_index_is_rca_and_empty_rows_are_nan():
    counts = np.array([[0, 0], [1, 3], [2, 0]])
    result = activity_index(counts)
    np.testing.assert_array_equal(result, rca(counts))
    # row 0 has no papers: 0/0; column totals 3, 3, total 6: AI_10 = (1/4)/(1/2) = 1/2
    close(result, [[NAN, NAN], [0.5, 1.5], [2.0, 0.0]])


def test_activity_index_matches_slow_reference():
    rng = np.random.default_rng(20240501)
    for shape in [(1, 1), (2, 3), (7, 4), (15, 12)]:
        counts = rng.integers(0, 30, size=shape)
        counts[rng.random(shape) < 0.3] = 0
        close(quiet(activity_index, counts), slow_activity_index(counts.tolist()), rtol=1e-13)
        fractional = rng.random(shape) * 100
        close(activity_index(fractional), slow_activity_index(fractional.tolist()), rtol=1e-13)


def test_rsi_known_answers():
    # (1.5-1)/(2.5) = 1/5; (0.5-1)/1.5 = -1/3; 1 -> 0; 0 -> -1; 3 -> 1/2; inf -> 1; NaN stays
    result = relative_specialization_index([[1.5, 0.5, 1.0], [0.0, 3.0, math.inf], [NAN] * 3])
    close(result, [[0.2, -1 / 3, 0.0], [-1.0, 0.5, 1.0], [NAN] * 3])


def test_rsi_of_a_3x3_activity_index():
    ai = activity_index([[1, 0, 3], [2, 2, 0], [1, 2, 1]])  # 3x/4, see above
    # RSI(3/4) = -1/7, RSI(0) = -1, RSI(9/4) = 5/13, RSI(3/2) = 1/5
    expected = [[-1 / 7, -1, 5 / 13], [1 / 5, 1 / 5, -1], [-1 / 7, 1 / 5, -1 / 7]]
    close(relative_specialization_index(ai), expected)


@SETTINGS
@given(
    arrays(np.int64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.integers(0, 99))
)
def test_rsi_is_in_minus_one_one(counts):
    rsi = relative_specialization_index(quiet(activity_index, counts))
    finite = rsi[~np.isnan(rsi)]
    assert ((finite >= -1) & (finite < 1)).all()


@st.composite
def full_count_matrices(draw, max_side=7):
    n_loc, n_field = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    return draw(arrays(np.int64, (n_loc, n_field), elements=st.integers(1, 500)))


@SETTINGS
@given(full_count_matrices(), st.data())
def test_scaling_a_location_leaves_its_profile_unchanged(counts, data):
    # AI_cf * (x_.f / x_..) = x_cf / x_c. is the location's own profile: scaling its counts
    # changes its AI only through the world shares, never through its profile.
    row = data.draw(st.integers(0, counts.shape[0] - 1))
    factor = data.draw(st.floats(0.01, 100))
    scaled = counts.astype(float)
    scaled[row] *= factor
    profile = activity_index(counts)[row] * counts.sum(axis=0) / counts.sum()
    scaled_profile = activity_index(scaled)[row] * scaled.sum(axis=0) / scaled.sum()
    close(scaled_profile, profile, rtol=1e-12)
    close(profile, counts[row] / counts[row].sum(), rtol=1e-12)


@SETTINGS
@given(full_count_matrices(), st.floats(0.001, 1000))
def test_scaling_all_counts_leaves_activity_index_unchanged(counts, factor):
    close(activity_index(counts * factor), activity_index(counts), rtol=1e-12)


@SETTINGS
@given(full_count_matrices())
def test_activity_index_weighted_means_are_one(counts):
    # sum_c (x_c./x..) AI_cf = 1 for every field; sum_f (x_.f/x..) AI_cf = 1 for every location
    ai = activity_index(counts)
    close((counts.sum(axis=1) / counts.sum()) @ ai, np.ones(counts.shape[1]), rtol=1e-12)
    close(ai @ (counts.sum(axis=0) / counts.sum()), np.ones(counts.shape[0]), rtol=1e-12)


@SETTINGS
@given(full_count_matrices(), st.randoms(use_true_random=False))
def test_permuting_locations_and_fields_permutes_activity_index(counts, random):
    rows, cols = list(range(counts.shape[0])), list(range(counts.shape[1]))
    random.shuffle(rows)
    random.shuffle(cols)
    permuted = activity_index(counts[np.ix_(rows, cols)])
    np.testing.assert_array_equal(permuted, activity_index(counts)[np.ix_(rows, cols)])


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([1, 2, 3], "2-D"),
        ([[1, -2], [3, 4]], "negative"),
        ([[1.0, NAN], [3.0, 4.0]], "NaN or infinite"),
        ([["a", "b"]], "numeric"),
    ],
)
def test_activity_index_bad_input(counts, message):
    with pytest.raises(InputError, match=message):
        activity_index(counts)


def test_rsi_bad_input():
    with pytest.raises(InputError, match=r"negative entries at position \(1, 0\)"):
        relative_specialization_index([[1.0, 2.0], [-0.5, 1.0]])
    with pytest.raises(InputError, match="ai must be numeric"):
        relative_specialization_index(["high"])


# ----------------------------------------------------------------- activity_index_frame


def _two_year_panel():
    return pd.DataFrame(
        {
            "year": [2021, 2021, 2021, 2021, 2022, 2022, 2022],
            "iso3": ["MEX", "MEX", "USA", "USA", "MEX", "USA", "USA"],
            "field": ["bio", "eng", "bio", "eng", "bio", "bio", "eng"],
            "articles": [2, 2, 1, 3, 4, 4, 2],
        }
    )


def test_activity_index_frame_two_years_known_answer():
    # 2021: the 2x2 example above. 2022: MEX has no "eng" row (a 0), matrix [[4, 0], [4, 2]]:
    # rows 4, 6; columns 8, 2; total 10: AI = [[(4/4)/(8/10), 0], [(4/6)/(8/10), (2/6)/(2/10)]]
    #   = [[5/4, 0], [5/6, 5/3]]; world share = [[4/8, 0/2], [4/8, 2/2]].
    result = activity_index_frame(
        _two_year_panel(), time="year", location="iso3", field="field", value="articles"
    )
    ai = [4 / 3, 4 / 5, 2 / 3, 6 / 5, 5 / 4, 0.0, 5 / 6, 5 / 3]
    expected = pd.DataFrame(
        {
            "year": [2021] * 4 + [2022] * 4,
            "iso3": ["MEX", "MEX", "USA", "USA"] * 2,
            "field": ["bio", "eng"] * 4,
            "articles": [2, 2, 1, 3, 4, 0, 4, 2],
            "activity_index": ai,
            "rsi": [(x - 1) / (x + 1) for x in ai],
            "world_share": [2 / 3, 2 / 5, 1 / 3, 3 / 5, 1 / 2, 0.0, 1 / 2, 1.0],
        }
    )
    frames_equal(result, expected)


def test_activity_index_frame_single_period_and_polars():
    frame = _two_year_panel().query("year == 2021").drop(columns="year")
    kwargs = {"time": None, "location": "iso3", "field": "field", "value": "articles"}
    result = activity_index_frame(frame, **kwargs)
    assert list(result.columns) == [
        "iso3",
        "field",
        "articles",
        "activity_index",
        "rsi",
        "world_share",
    ]
    close(result["activity_index"], [4 / 3, 4 / 5, 2 / 3, 6 / 5])
    frames_equal(activity_index_frame(pl.from_pandas(frame), **kwargs), result)


def test_activity_index_frame_drops_empty_location_with_warning():
    frame = _two_year_panel()
    frame.loc[frame.iso3 == "MEX", "articles"] = 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = activity_index_frame(
            frame, time="year", location="iso3", field="field", value="articles"
        )
    assert [str(w.message) for w in caught] == [
        f"year={year}: 1 location(s) with a total of 0 left out of this period: MEX"
        for year in (2021, 2022)
    ]
    assert all(w.category is IndicatorWarning for w in caught)
    assert set(result.iso3) == {"USA"}
    # the world is USA alone: its AI is 1 everywhere
    close(result.activity_index, np.ones(len(result)))


def test_activity_index_frame_matches_matrix_function():
    rng = np.random.default_rng(7)
    counts = rng.random((3, 6, 5)) * 50  # year × location × field
    frame = pd.DataFrame(
        [
            (2000 + t, f"L{c}", f"F{f}", counts[t, c, f])
            for t in range(3)
            for c in range(6)
            for f in range(5)
        ],
        columns=["t", "loc", "fld", "x"],
    ).sample(frac=1, random_state=1)  # row order must not matter
    result = activity_index_frame(frame, time="t", location="loc", field="fld", value="x")
    for t in range(3):
        ai = result.loc[result.t == 2000 + t, "activity_index"].to_numpy().reshape(6, 5)
        close(ai, slow_activity_index(counts[t].tolist()), rtol=1e-13)


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (
            {"articles": [2, 2, 1, -3, 4, 4, 2]},
            {},
            r"column 'articles' has negative values at row 3",
        ),
        ({"articles": [2, 2, NAN, 3, 4, 4, 2]}, {}, r"column 'articles' has missing .* at row 2"),
        (
            {"iso3": ["MEX", "MEX", None, "USA", "MEX", "USA", "USA"]},
            {},
            r"'iso3' is empty at row 2",
        ),
        ({"field": ["bio", "bio", "bio", "eng", "bio", "bio", "eng"]}, {}, r"duplicate .* rows? 1"),
        ({}, {"value": "count"}, r"column\(s\) \['count'\] not found"),
        ({"rsi": 1}, {"value": "rsi"}, r"column 'rsi' has the name of an output column"),
    ],
)
def test_activity_index_frame_bad_input(change, kwargs, message):
    frame = _two_year_panel().assign(**change)
    arguments = {"time": "year", "location": "iso3", "field": "field", "value": "articles"}
    with pytest.raises(InputError, match=message):
        activity_index_frame(frame, **{**arguments, **kwargs})


# ----------------------------------------------------------------- fractional counts


def _three_works():
    # work 1: two Mexican authors and one US author; work 2: one Mexican author;
    # work 3: US, BR, CL, US
    return pd.DataFrame(
        {
            "work": ["W1", "W1", "W1", "W2", "W3", "W3", "W3", "W3"],
            "country": ["MX", "MX", "US", "MX", "US", "BR", "CL", "US"],
        }
    )


def test_fractional_counts_by_location_known_answer():
    # W1 -> MX 1/2, US 1/2; W2 -> MX 1; W3 -> US, BR, CL 1/3 each
    result = fractional_counts(_three_works(), work="work", location="country")
    expected = pd.DataFrame(
        {
            "country": ["BR", "CL", "MX", "US"],
            "whole": np.array([1, 1, 2, 2], dtype=np.int64),
            "fractional": [1 / 3, 1 / 3, 1 / 2 + 1, 1 / 2 + 1 / 3],
        }
    )
    frames_equal(result, expected)


def test_fractional_counts_by_author_known_answer():
    # W1 (3 rows) -> MX 2/3, US 1/3; W2 -> MX 1; W3 (4 rows) -> US 2/4, BR 1/4, CL 1/4
    result = fractional_counts(_three_works(), work="work", location="country", method="author")
    close(result.fractional, [1 / 4, 1 / 4, 2 / 3 + 1, 1 / 3 + 1 / 2])
    assert result.whole.tolist() == [1, 1, 2, 2]
    assert result.fractional.sum() == pytest.approx(3, rel=1e-15)


def test_fractional_counts_with_fields_and_years():
    # W1 (2020) is in bio and eng: its rows are repeated per field and it gets a credit of 1
    # in each. W2 (2021) is eng only.
    rows = pd.DataFrame(
        {
            "work": [1, 1, 1, 1, 2, 2],
            "country": ["MX", "US", "MX", "US", "MX", "CL"],
            "field": ["bio", "bio", "eng", "eng", "eng", "eng"],
            "year": [2020, 2020, 2020, 2020, 2021, 2021],
        }
    )
    result = fractional_counts(rows, work="work", location="country", field="field", time="year")
    expected = pd.DataFrame(
        {
            "year": [2020, 2020, 2020, 2020, 2021, 2021],
            "country": ["MX", "MX", "US", "US", "CL", "MX"],
            "field": ["bio", "eng", "bio", "eng", "eng", "eng"],
            "whole": np.ones(6, dtype=np.int64),
            "fractional": [0.5] * 6,
        }
    )
    frames_equal(result, expected)
    # each field's fractional counts add up to its number of works (bio 1, eng 2)
    assert result.groupby("field").fractional.sum().to_dict() == {"bio": 1.0, "eng": 2.0}


def _random_authorships(seed, n_rows=600):
    rng = np.random.default_rng(seed)
    work = rng.integers(0, 120, n_rows)
    return pd.DataFrame(
        {
            "work": work,
            "loc": rng.choice(["AR", "BR", "CL", "MX", "US", "ES"], n_rows, p=[0.1] * 5 + [0.5]),
            "field": rng.choice(["bio", "eng", "med"], n_rows),
            "year": 2000 + work % 4,  # one year per work
        }
    )


@pytest.mark.parametrize("method", ["location", "author"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fractional_counts_match_slow_reference(method, seed):
    rows = _random_authorships(seed)
    result = fractional_counts(
        rows, work="work", location="loc", field="field", time="year", method=method
    )
    reference = slow_fractional(rows.itertuples(index=False), method)
    assert len(result) == len(reference)
    for year, loc, field, whole, fractional in result.itertuples(index=False):
        expected_whole, expected_fractional = reference[(year, loc, field)]
        assert whole == expected_whole
        assert fractional == pytest.approx(expected_fractional, rel=1e-13)


@pytest.mark.parametrize("method", ["location", "author"])
def test_each_work_gets_a_credit_of_one(method):
    # the work id as a "field" gives each work's credits on their own rows
    rows = _random_authorships(11).assign(work_key=lambda f: f.work)
    result = fractional_counts(rows, work="work", location="loc", field="work_key", method=method)
    per_work = result.groupby("work_key").fractional.sum()
    assert len(per_work) == rows.work.nunique()
    np.testing.assert_allclose(per_work, 1.0, rtol=0, atol=1e-15)


def test_fractional_counts_accepts_polars():
    rows = _three_works()
    expected = fractional_counts(rows, work="work", location="country", method="author")
    frames_equal(
        fractional_counts(pl.from_pandas(rows), work="work", location="country", method="author"),
        expected,
    )


authorship_rows = st.lists(
    st.tuples(st.integers(0, 8), st.sampled_from(["AR", "BR", "CL", "MX"])), min_size=1
)


@SETTINGS
@given(authorship_rows, st.sampled_from(["location", "author"]))
def test_fractional_counts_sum_to_number_of_works(rows, method):
    frame = pd.DataFrame(rows, columns=["work", "loc"])
    result = fractional_counts(frame, work="work", location="loc", method=method)
    assert result.fractional.sum() == pytest.approx(frame.work.nunique(), rel=1e-12)
    assert (result.whole >= result.fractional - 1e-12).all()
    assert (result.fractional > 0).all()
    # whole counts: each location counts each of its works once
    assert result.whole.tolist() == frame.groupby("loc").work.nunique().tolist()


@pytest.mark.parametrize(
    ("frame", "kwargs", "message"),
    [
        (
            pd.DataFrame(
                {"work": [1, 1, 2], "loc": ["MX", "US", "MX"], "year": [2020, 2021, 2020]}
            ),
            {"time": "year"},
            r"column 'year': work 1 has more than one period .* rows 0, 1",
        ),
        (
            pd.DataFrame({"work": [1, 1, 2], "loc": ["MX", None, "MX"]}),
            {},
            r"key column 'loc' is empty at row 1",
        ),
        (
            pd.DataFrame({"work": [1, None, 2], "loc": ["MX", "US", "MX"]}),
            {},
            r"key column 'work' is empty at row 1",
        ),
        (pd.DataFrame({"work": [], "loc": []}), {}, "empty"),
        (pd.DataFrame({"work": [1], "loc": ["MX"]}), {"method": "equal"}, "unknown counting"),
        (pd.DataFrame({"work": [1], "country": ["MX"]}), {}, r"\['loc'\] not found"),
        (
            pd.DataFrame({"work": [1], "loc": ["MX"], "whole": [1]}),
            {"field": "whole"},
            "column 'whole' has the name of an output column",
        ),
    ],
)
def test_fractional_counts_bad_input(frame, kwargs, message):
    with pytest.raises(InputError, match=message):
        fractional_counts(frame, work="work", location="loc", **kwargs)


# ----------------------------------------------------------------- international share


def test_international_share_known_answers():
    close(international_collaboration_share([3, 1], [4, 5]), [3 / 4, 1 / 5])
    close(
        international_collaboration_share([[1, 0], [6, 7]], [[2, 4], [8, 7]]), [[0.5, 0], [0.75, 1]]
    )


def test_international_share_zero_total_is_nan_with_warning():
    with pytest.warns(IndicatorWarning, match="total is 0 at position 1"):
        result = international_collaboration_share([3, 0], [4, 0])
    close(result, [0.75, NAN])


@pytest.mark.parametrize(
    ("international", "total", "message"),
    [
        ([5, 1], [4, 5], r"international exceeds total at position 0 \(e.g. 5 > 4\)"),
        ([-1, 1], [4, 5], "international has negative values at position 0"),
        ([1, 1], [4, NAN], r"total has missing values \(NaN\) at position 1"),
        ([1, math.inf], [4, 5], "international has infinite values at position 1"),
        ([1, 1], [4, 5, 6], "shape"),
        (["1"], [4], "international must be numeric"),
    ],
)
def test_international_share_bad_input(international, total, message):
    with pytest.raises(InputError, match=message):
        international_collaboration_share(international, total)


def _shares_frame():
    return pd.DataFrame(
        {
            "year": [2022, 2022, 2003],
            "iso3": ["MEX", "CHL", "MEX"],
            "intl": [12672, 3, 0],
            "all": [28633, 4, 0],
            "note": ["a", "b", "c"],
        },
        index=[10, 20, 30],
    )


def test_international_share_frame_known_answer_and_zero_total_warning():
    with pytest.warns(
        IndicatorWarning, match=r"column 'all' is 0 for 1 row\(s\) \(row 2: 2003 MEX\)"
    ):
        result = international_collaboration_share_frame(
            _shares_frame(), time="year", location="iso3", international="intl", total="all"
        )
    expected = _shares_frame().assign(international_share=[12672 / 28633, 3 / 4, NAN])
    frames_equal(result, expected)


def test_international_share_frame_accepts_polars():
    frame = _shares_frame().iloc[:2].reset_index(drop=True)
    result = international_collaboration_share_frame(
        pl.from_pandas(frame), time="year", location="iso3", international="intl", total="all"
    )
    close(result.international_share, [12672 / 28633, 0.75])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"intl": [12672, 5, 0]}, r"column 'intl' exceeds column 'all' at row 1 \(e.g. 5 > 4\)"),
        ({"all": [28633, NAN, 0]}, r"column 'all' has missing values \(NaN\) at row 1"),
        ({"intl": [12672, -3, 0]}, "column 'intl' has negative values at row 1"),
        ({"intl": ["many", 3, 0]}, "column 'intl' has non-numeric values at row 0"),
        ({"year": [2022, 2022, 2022], "iso3": ["MEX", "CHL", "MEX"]}, r"duplicate keys .* row 2"),
        ({"iso3": ["MEX", None, "MEX"]}, "key column 'iso3' is empty at row 1"),
        ({"international_share": 0.5}, "already has a column 'international_share'"),
    ],
)
def test_international_share_frame_bad_input(change, message):
    frame = _shares_frame().assign(**change)
    with pytest.raises(InputError, match=message):
        international_collaboration_share_frame(
            frame, time="year", location="iso3", international="intl", total="all"
        )


def test_input_errors_carry_the_column_and_rows():
    frame = _shares_frame().assign(intl=[12672, 5, 0])
    with pytest.raises(InputError) as caught:
        international_collaboration_share_frame(
            frame, time="year", location="iso3", international="intl", total="all"
        )
    assert (caught.value.column, caught.value.rows) == ("intl", [1])
    pairs = pd.DataFrame({"a": ["MX", "US"], "b": ["US", "MX"], "works": [2, 3]})
    with pytest.raises(InputError) as caught:
        collaboration_strength_frame(pairs, a="a", b="b", value="works")
    assert (caught.value.column, caught.value.rows) == ("works", [0, 1])


# ----------------------------------------------------------------- collaboration strength

TRIANGLE = np.array([[0, 2, 1], [2, 0, 1], [1, 1, 0]])


def test_collaboration_strength_2x2_known_answers():
    pair = np.array([[0, 5], [5, 0]])
    # row sums s = (5, 5), T = 10: AS = 10*5/25 = 2, cos = 5/5 = 1, J = 5/(5+5-5) = 1
    close(collaboration_strength(pair), [[NAN, 2], [2, NAN]])
    close(collaboration_strength(pair, method="cosine"), [[NAN, 1], [1, NAN]])
    close(collaboration_strength(pair, method="jaccard"), [[NAN, 1], [1, NAN]])
    with_totals = np.array([[8, 5], [5, 10]])
    # diagonal s = (8, 10), T = 18: AS = 18*5/80 = 9/8, cos = 5/sqrt(80), J = 5/(8+10-5) = 5/13
    close(collaboration_strength(with_totals, totals="diagonal")[0, 1], 9 / 8)
    close(
        collaboration_strength(with_totals, method="cosine", totals="diagonal")[0, 1], 5 / 80**0.5
    )
    close(collaboration_strength(with_totals, method="jaccard", totals="diagonal")[0, 1], 5 / 13)


def test_collaboration_strength_3x3_known_answers():
    # row sums s = (3, 3, 2), T = 8
    # AS_01 = 8*2/9 = 16/9, AS_02 = AS_12 = 8*1/6 = 4/3
    # cos_01 = 2/3, cos_02 = cos_12 = 1/sqrt(6)
    # J_01 = 2/(3+3-2) = 1/2, J_02 = J_12 = 1/(3+2-1) = 1/4
    for method, (c01, c02) in {
        "association": (16 / 9, 4 / 3),
        "cosine": (2 / 3, 1 / 6**0.5),
        "jaccard": (1 / 2, 1 / 4),
    }.items():
        expected = [[NAN, c01, c02], [c01, NAN, c02], [c02, c02, NAN]]
        close(collaboration_strength(TRIANGLE, method=method), expected)


def test_collaboration_strength_diagonal_and_explicit_totals():
    counts = np.array([[4, 2, 1], [2, 3, 1], [1, 1, 2]])
    # s = (4, 3, 2), T = 9: AS_01 = 9*2/12 = 3/2, AS_02 = 9/8, AS_12 = 9/6 = 3/2
    close(
        collaboration_strength(counts, totals="diagonal"),
        [[NAN, 3 / 2, 9 / 8], [3 / 2, NAN, 3 / 2], [9 / 8, 3 / 2, NAN]],
    )
    # J_01 = 2/5, J_02 = 1/5, J_12 = 1/4
    close(
        collaboration_strength(counts, method="jaccard", totals="diagonal"),
        [[NAN, 2 / 5, 1 / 5], [2 / 5, NAN, 1 / 4], [1 / 5, 1 / 4, NAN]],
    )
    # explicit totals = the diagonal gives the same; the matrix's diagonal is then unused
    no_diagonal = counts - np.diag(np.diag(counts))
    np.testing.assert_array_equal(
        collaboration_strength(no_diagonal, method="cosine", totals=[4, 3, 2]),
        collaboration_strength(counts, method="cosine", totals="diagonal"),
    )


def test_collaboration_strength_zero_total_is_nan_with_warning():
    counts = np.array([[0, 2, 0], [2, 0, 0], [0, 0, 0]])
    with pytest.warns(IndicatorWarning, match=r"1 location\(s\) with a total of 0 .*: 2"):
        result = collaboration_strength(counts)
    # s = (2, 2, 0), T = 4: AS_01 = 4*2/4 = 2
    close(result, [[NAN, 2, NAN], [2, NAN, NAN], [NAN, NAN, NAN]])


def _random_symmetric(rng, n, *, diagonal=False):
    upper = np.triu(rng.integers(0, 40, (n, n)), k=1)
    matrix = upper + upper.T
    if diagonal:  # a location's total bounds each of its pairs
        matrix[np.diag_indices(n)] = matrix.sum(axis=1) + rng.integers(1, 10, n)
    return matrix


@pytest.mark.parametrize("method", ["association", "cosine", "jaccard"])
@pytest.mark.parametrize("totals", ["row_sums", "diagonal", "explicit"])
def test_collaboration_strength_matches_slow_reference(method, totals):
    rng = np.random.default_rng(99)
    for n in (2, 5, 12):
        matrix = _random_symmetric(rng, n, diagonal=totals == "diagonal")
        given = matrix.sum(axis=1) + rng.integers(0, 5, n) if totals == "explicit" else totals
        result = quiet(collaboration_strength, matrix, method=method, totals=given)
        reference = slow_strength(matrix.tolist(), method, given)
        close(result, reference, rtol=1e-13)


@st.composite
def symmetric_matrices(draw, max_side=7):
    n = draw(st.integers(2, max_side))
    upper = np.triu(draw(arrays(np.int64, (n, n), elements=st.integers(0, 1000))), k=1)
    return upper + upper.T


@SETTINGS
@given(symmetric_matrices(), st.sampled_from(["association", "cosine", "jaccard"]))
def test_collaboration_strength_is_symmetric(matrix, method):
    result = quiet(collaboration_strength, matrix, method=method)
    np.testing.assert_array_equal(result, result.T)
    assert np.isnan(np.diag(result)).all()


@SETTINGS
@given(symmetric_matrices(), st.randoms(use_true_random=False))
def test_permuting_locations_permutes_collaboration_strength(matrix, random):
    order = list(range(len(matrix)))
    random.shuffle(order)
    permuted = quiet(collaboration_strength, matrix[np.ix_(order, order)])
    close(permuted, quiet(collaboration_strength, matrix)[np.ix_(order, order)], rtol=1e-12)


@SETTINGS
@given(symmetric_matrices())
def test_association_strength_is_observed_over_expected(matrix):
    # AS_ij * s_i s_j / T = c_ij wherever the totals are positive
    s = matrix.sum(axis=1)
    result = quiet(collaboration_strength, matrix)
    defined = ~np.isnan(result)
    close((result * np.outer(s, s) / s.sum())[defined], matrix[defined], rtol=1e-12)


@pytest.mark.parametrize(
    ("matrix", "kwargs", "message"),
    [
        (
            [[0, 1, 2], [1, 0, 3], [2, 4, 0]],
            {},
            r"first asymmetric pair \(1, 2\) has matrix\[1, 2\] = 3 but matrix\[2, 1\] = 4",
        ),
        ([[0, 1, 2], [1, 0, 3]], {}, r"square matrix, got shape \(2, 3\)"),
        ([[0, -1], [-1, 0]], {}, r"matrix has negative values at positions \(0, 1\), \(1, 0\)"),
        ([[0, NAN], [NAN, 0]], {}, r"matrix has missing values \(NaN\)"),
        ([[0, 1], [1, 0]], {"method": "pmi"}, "unknown method 'pmi'"),
        ([[0, 1], [1, 0]], {"totals": "columns"}, "unknown totals 'columns'"),
        ([[0, 1], [1, 0]], {"totals": [1, 2, 3]}, r"totals has shape \(3,\), expected \(2,\)"),
        ([[0, 1], [1, 0]], {"totals": [1, -2]}, "totals has negative values at position 1"),
        (
            [[5, 3], [3, 2]],
            {"totals": "diagonal"},
            r"pair \(1, 0\) has 3 co-authored works but the total of 1 is 2",
        ),
    ],
)
def test_collaboration_strength_bad_input(matrix, kwargs, message):
    with pytest.raises(InputError, match=message):
        collaboration_strength(matrix, **kwargs)


# ----------------------------------------------------------------- collaboration_strength_frame


def _pairs():
    # TRIANGLE as pairs among CL, MX, US (codes 0, 1, 2 in sorted order), MX-US both directions
    return pd.DataFrame(
        {"a": ["MX", "US", "MX", "US"], "b": ["US", "MX", "CL", "CL"], "works": [2, 2, 1, 1]}
    )


def test_collaboration_strength_frame_known_answer():
    # sorted labels CL, MX, US; c(CL,MX) = 1, c(CL,US) = 1, c(MX,US) = 2: s = (2, 3, 3), T = 8
    # AS(CL,MX) = 8/6 = 4/3, expected 2*3/8 = 3/4; AS(MX,US) = 16/9, expected 9/8
    result = collaboration_strength_frame(_pairs(), a="a", b="b", value="works")
    expected = pd.DataFrame(
        {
            "a": ["CL", "CL", "MX"],
            "b": ["MX", "US", "US"],
            "works": [1, 1, 2],
            "strength": [4 / 3, 4 / 3, 16 / 9],
            "expected": [3 / 4, 3 / 4, 9 / 8],
        }
    )
    frames_equal(result, expected)


def test_collaboration_strength_frame_periods_are_separate():
    pairs = pd.DataFrame(
        {
            "year": [2023, 2023, 2023, 2023, 2023, 2022, 2022, 2022],
            "a": ["MX", "US", "MX", "US", "CL", "MX", "MX", "US"],
            "b": ["US", "US", "MX", "CL", "CL", "US", "MX", "US"],
            "works": [2, 3, 4, 1, 2, 5, 8, 10],
        }
    )
    result = collaboration_strength_frame(
        pairs, a="a", b="b", value="works", time="year", method="cosine", totals="diagonal"
    )
    # 2022: s = (MX 8, US 10): cos(MX,US) = 5/sqrt(80).
    # 2023: s = (CL 2, MX 4, US 3): cos(CL,US) = 1/sqrt(6), cos(MX,US) = 2/sqrt(12)
    assert result[["year", "a", "b"]].values.tolist() == [
        [2022, "MX", "US"],
        [2023, "CL", "US"],
        [2023, "MX", "US"],
    ]
    close(result.strength, [5 / 80**0.5, 1 / 6**0.5, 2 / 12**0.5])
    close(result.expected, [80 / 18, 6 / 9, 12 / 9])


def test_collaboration_strength_frame_matches_matrix_function():
    rng = np.random.default_rng(5)
    matrix = _random_symmetric(rng, 8, diagonal=True)
    labels = [f"C{i}" for i in range(8)]
    rows = [(labels[i], labels[j], matrix[i, j]) for i in range(8) for j in range(8)]
    frame = pd.DataFrame(rows, columns=["x", "y", "n"]).sample(frac=1, random_state=3)
    for method in ("association", "cosine", "jaccard"):
        for totals in ("row_sums", "diagonal"):
            result = collaboration_strength_frame(
                pl.from_pandas(frame), a="x", b="y", value="n", method=method, totals=totals
            )
            full = collaboration_strength(matrix, method=method, totals=totals)
            i, j = np.triu_indices(8, k=1)
            assert result.x.tolist() == [labels[k] for k in i]
            assert result.y.tolist() == [labels[k] for k in j]
            close(result.strength, full[i, j], rtol=1e-15)


@pytest.mark.parametrize(
    ("rows", "kwargs", "message"),
    [
        (
            [("MX", "US", 2), ("US", "MX", 3)],
            {},
            r"column 'works': pair \('MX', 'US'\) has different values in its two directions: "
            r"2 at row 0 and 3 at row 1",
        ),
        (
            [("MX", "US", 2), ("CL", "MX", 1), ("MX", "US", 2)],
            {},
            r"pair \('MX', 'US'\) is given twice in the same direction, at rows 0 and 2",
        ),
        (
            [("MX", "US", 2), ("MX", "MX", 4)],
            {"totals": "diagonal"},
            r"totals='diagonal' but 1 location\(s\) have no diagonal row \(a == b\): US",
        ),
        (
            [("MX", "US", 5), ("MX", "MX", 4), ("US", "US", 9)],
            {"totals": "diagonal"},
            r"pair \('?MX'?, '?US'?\) has 5 co-authored works but the total of MX is 4",
        ),
        ([("MX", "US", NAN)], {}, r"column 'works' has missing values \(NaN\) at row 0"),
        ([("MX", "US", -1)], {}, "column 'works' has negative values at row 0"),
        ([("MX", None, 1)], {}, "key column 'b' is empty at row 0"),
        ([("MX", "US", 1)], {"method": "overlap"}, "unknown method"),
        ([("MX", "US", 1)], {"totals": [1, 2]}, "unknown totals"),
        ([("MX", "US", 1)], {"totals": np.array([1, 2])}, "unknown totals"),
        ([("MX", "US", 1)], {"time": "year"}, r"\['year'\] not found"),
    ],
)
def test_collaboration_strength_frame_bad_input(rows, kwargs, message):
    frame = pd.DataFrame(rows, columns=["a", "b", "works"])
    with pytest.raises(InputError, match=message):
        collaboration_strength_frame(frame, a="a", b="b", value="works", **kwargs)


def test_collaboration_strength_frame_zero_total_warns_naming_location():
    frame = pd.DataFrame({"a": ["MX", "CL"], "b": ["US", "AR"], "works": [3, 0]})
    with pytest.warns(IndicatorWarning, match=r"2 location\(s\) with a total of 0 .*: AR, CL"):
        result = collaboration_strength_frame(frame, a="a", b="b", value="works")
    # s = (AR 0, CL 0, MX 3, US 3), T = 6: AS(MX, US) = 6*3/9 = 2
    close(result.strength, [NAN, 2.0])


# ----------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def ncses_articles(test_data: Path) -> pd.DataFrame:
    frame = pd.read_parquet(
        test_data / "ncses_sei_publications" / "articles_by_country_field_2003_2022.parquet"
    )
    # economies only, without the "All S&E fields" total; key by name: Gaza Strip and
    # West Bank have no ISO code
    return frame[(frame.entity_type == "economy") & (frame.field != "All S&E fields")]


@pytest.fixture(scope="module")
def openalex_pairs(test_data: Path) -> pd.DataFrame:
    path = test_data / "openalex_country_coauthorship_1990_2023"
    # keep_default_na=False: "NA" is Namibia, not a missing value
    frame = pd.read_csv(path / "country_coauthorship_works_by_year.csv.gz", keep_default_na=False)
    return frame[frame.year.isin([2019, 2023])]


def _mexico_2022_by_hand(articles: pd.DataFrame, count: str) -> pd.Series:
    year = articles[articles.year == 2022]
    world = year.groupby("field")[count].sum()
    mexico = year[year.entity_name == "Mexico"].set_index("field")[count]
    return (mexico / mexico.sum()) / (world / world.sum())


@pytest.mark.realdata
def test_ncses_mexico_activity_index_2022(ncses_articles):
    results = {}
    for count in ("articles_fractional", "articles_whole"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = activity_index_frame(  # the whole 2003-2022 panel in one call
                ncses_articles, time="year", location="entity_name", field="field", value=count
            )
        # economies with no articles in a year are left out of it, with a warning
        assert len(caught) == 20
        assert str(caught[-1].message).startswith(
            "year=2022: 2 location(s) with a total of 0 left out of this period: "
            "Niue, Serbia and Montenegro"
        )
        assert frame.year.nunique() == 20
        mexico = frame[(frame.entity_name == "Mexico") & (frame.year == 2022)]
        ai = mexico.set_index("field").activity_index
        by_hand = _mexico_2022_by_hand(ncses_articles, count)
        assert len(ai) == 14
        np.testing.assert_allclose(ai, by_hand.loc[ai.index], rtol=0, atol=1e-12)
        results[count] = ai
    fractional, whole = results["articles_fractional"], results["articles_whole"]
    assert (fractional - whole).abs().max() > 0.05
    # Mexico specializes in agricultural (AI 1.84 fractional, 1.72 whole) and biological
    # sciences (1.63, 1.50) and not in computer science (0.60, 0.61) or engineering (0.68, 0.70)
    for field, low, high in [
        ("Agricultural sciences", 1.83, 1.84),
        ("Biological and biomedical sciences", 1.63, 1.64),
        ("Computer and information sciences", 0.60, 0.61),
        ("Engineering", 0.68, 0.69),
    ]:
        assert low < fractional[field] < high
    assert whole["Agricultural sciences"] == pytest.approx(1.724965, abs=1e-6)
    # the counting method decides whether Mexico specializes in chemistry
    assert fractional["Chemistry"] > 1 > whole["Chemistry"]


@pytest.mark.realdata
def test_openalex_mexico_us_strength_2023(openalex_pairs):
    year = openalex_pairs[openalex_pairs.year == 2023]
    association = collaboration_strength_frame(
        year, a="iso2_a", b="iso2_b", value="works", time="year"
    )
    off_diagonal = year[year.iso2_a != year.iso2_b]
    s = off_diagonal.groupby("iso2_a").works.sum()  # each pair is listed in both directions
    mx_us = association[(association.iso2_a == "MX") & (association.iso2_b == "US")]
    assert mx_us.works.item() == 8465
    by_hand = s.sum() * 8465 / (s["MX"] * s["US"])
    assert mx_us.strength.item() == pytest.approx(by_hand, rel=1e-12)
    assert mx_us.expected.item() == pytest.approx(s["MX"] * s["US"] / s.sum(), rel=1e-12)
    assert mx_us.strength.item() > 1  # Mexico and the US co-author more than expected
    assert s["MX"] == 52610

    cosine = collaboration_strength_frame(
        year, a="iso2_a", b="iso2_b", value="works", method="cosine", totals="diagonal"
    )
    mx_us = cosine[(cosine.iso2_a == "MX") & (cosine.iso2_b == "US")].strength.item()
    # the diagonal: MX 23,667 and US 405,719 internationally co-authored works
    assert mx_us == pytest.approx(8465 / math.sqrt(23667 * 405719), rel=1e-12)
    assert "NA" in set(cosine.iso2_a) | set(cosine.iso2_b)  # Namibia survives

    matrix = year.pivot(index="iso2_a", columns="iso2_b", values="works").fillna(0)
    matrix = matrix.loc[matrix.index, matrix.index].to_numpy()
    np.testing.assert_array_equal(matrix, matrix.T)
    strength = quiet(collaboration_strength, matrix, method="cosine", totals="diagonal")
    np.testing.assert_array_equal(strength, strength.T)


@pytest.mark.realdata
def test_openalex_2019_asymmetry_is_reported(openalex_pairs):
    # the collector left a few ±1 disagreements between the two directions (README caveat)
    year = openalex_pairs[openalex_pairs.year == 2019].reset_index(drop=True)
    with pytest.raises(InputError, match=r"pair \('AR', 'IL'\) has different values .*214.*213"):
        collaboration_strength_frame(year, a="iso2_a", b="iso2_b", value="works")


@pytest.mark.realdata
def test_ncses_mexico_international_share_2022(test_data):
    path = test_data / "ncses_sei_publications" / "coauthorship_attributes_by_country_2003_2022.csv"
    attributes = pd.read_csv(path)
    wide = (
        attributes.pivot(
            index=["entity_name", "year"], columns="attribute", values="articles_whole_count"
        )
        .rename(
            columns={
                "Total articles": "total",
                "Total articles -> With international institutions": "international",
            }
        )
        .reset_index()
    )
    result = international_collaboration_share_frame(
        wide, time="year", location="entity_name", international="international", total="total"
    )
    mexico = result[(result.entity_name == "Mexico") & (result.year == 2022)]
    assert mexico.total.item() == 28633
    assert mexico.international.item() == 12672
    assert mexico.international_share.item() == pytest.approx(12672 / 28633, rel=0, abs=1e-12)
    assert result.international_share.between(0, 1).all()
