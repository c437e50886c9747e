"""complexity() on tidy panels: outputs, frame kinds, and every kind of bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from vinculo.indicators import (
    IndicatorWarning,
    InputError,
    complexity,
    eci_pci,
    presence,
    proximity,
    rca,
)

COLUMNS = {"time": "year", "location": "country", "item": "product", "value": "usd"}


def _panel() -> pd.DataFrame:
    """Two years of four countries × three products; ECI well defined in both."""
    x2020 = [10, 50, 50, 10, 30, 20, 30, 40, 30, 40, 10, 20]
    x2021 = [15, 50, 50, 10, 30, 20, 30, 45, 30, 40, 10, 20]
    return pd.DataFrame(
        {
            "year": [2020] * 12 + [2021] * 12,
            "country": [c for c in "ABCD" for _ in range(3)] * 2,
            "product": list("xyz") * 8,
            "usd": x2020 + x2021,
        }
    )


def test_outputs_match_the_matrix_functions():
    frame = _panel()
    result = complexity(frame, **COLUMNS)
    assert result.times == [2020, 2021]
    out = result.frame
    assert list(out.columns) == [
        "year", "country", "product", "usd", "rca", "mcp", "diversity", "ubiquity",
        "eci", "pci", "density", "coi", "cog",
    ]  # fmt: skip
    assert len(out) == 2 * 4 * 3
    x = frame[frame.year == 2021].pivot(index="country", columns="product", values="usd")
    x = x.fillna(0).to_numpy()
    m = presence(rca(x))
    got = out[out.year == 2021]
    np.testing.assert_allclose(got["rca"].to_numpy(), rca(x).ravel())
    np.testing.assert_array_equal(got["mcp"].to_numpy(), m.ravel())
    np.testing.assert_allclose(got["eci"].to_numpy()[::3], eci_pci(m).eci)
    np.testing.assert_allclose(result.proximity(2021), proximity(m))
    assert list(result.items_in(2021)) == ["x", "y", "z"]
    assert list(result.locations_in(2021)) == ["A", "B", "C", "D"]
    # the per-location and per-item summaries agree with the cell frame
    loc = result.locations[result.locations.year == 2021]
    np.testing.assert_allclose(loc["eci"].to_numpy(), got["eci"].to_numpy()[::3])
    assert result.parameters["threshold"] == 1.0


def test_missing_cells_count_as_zero_and_zero_totals_are_dropped_with_a_warning():
    frame = _panel()
    frame.loc[(frame.year == 2021) & (frame.country == "B"), "usd"] = 0
    with pytest.warns(IndicatorWarning, match=r"year=2021: 1 location\(s\) with a total of 0.*B"):
        result = complexity(frame, **COLUMNS)
    assert list(result.locations_in(2021)) == ["A", "C", "D"]
    assert list(result.locations_in(2020)) == ["A", "B", "C", "D"]


def test_polars_in_polars_out():
    result = complexity(pl.from_pandas(_panel()), **COLUMNS)
    assert isinstance(result.frame, pl.DataFrame)
    expected = complexity(_panel(), **COLUMNS).frame
    np.testing.assert_allclose(result.frame["eci"].to_numpy(), expected["eci"].to_numpy())
    assert isinstance(complexity(_panel(), **COLUMNS, output="polars").locations, pl.DataFrame)


def test_single_period_without_time_column():
    frame = _panel()
    result = complexity(frame[frame.year == 2020].drop(columns="year"), **{**COLUMNS, "time": None})
    assert "year" not in result.frame.columns
    assert "time" not in result.frame.columns
    with_time = complexity(frame[frame.year == 2020], **COLUMNS).frame
    np.testing.assert_allclose(result.frame["cog"].to_numpy(), with_time["cog"].to_numpy())


def test_reflections_method_gives_the_same_numbers():
    a = complexity(_panel(), **COLUMNS).frame
    b = complexity(_panel(), **COLUMNS, method="reflections").frame
    for column in ["eci", "pci", "coi", "cog"]:
        np.testing.assert_allclose(a[column], b[column], atol=1e-9)


def test_rpop_presence_with_population():
    frame = _panel()
    population = pd.DataFrame(
        {
            "year": [2020] * 4 + [2021] * 4,
            "country": list("ABCD") * 2,
            "population": [1.0, 10.0, 2.0, 5.0] * 2,
        }
    )
    result = complexity(frame, **COLUMNS, presence_test="both", population=population)
    got = result.frame[result.frame.year == 2020]
    x = frame[frame.year == 2020].pivot(index="country", columns="product", values="usd")
    x = x.fillna(0).to_numpy()
    pop = np.array([1.0, 10.0, 2.0, 5.0])
    per_capita = (x / pop[:, None]) / (x.sum(axis=0) / pop.sum())
    np.testing.assert_allclose(got["rpop"].to_numpy(), per_capita.ravel())
    expected = ((rca(x) >= 1) | (per_capita >= 1)).astype(int)
    np.testing.assert_array_equal(got["mcp"].to_numpy(), expected.ravel())
    with pytest.raises(InputError, match=r"population is missing for 1 location\(s\) in 2021: D"):
        complexity(frame, **COLUMNS, presence_test="rpop", population=population.iloc[:-1])
    with pytest.raises(InputError, match="needs a population"):
        complexity(frame, **COLUMNS, presence_test="rpop")


def _bad(column: str, row: int, value: object) -> pd.DataFrame:
    frame = _panel()
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    return frame


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (_bad("usd", 3, -5), r"column 'usd' has negative values at row 3 \(e.g. -5\)"),
        (_bad("usd", 7, "12,5"), r"column 'usd' has non-numeric values at row 7 \(e.g. '12,5'\)"),
        (_bad("usd", 4, np.nan), r"column 'usd' has missing values \(NaN\) at row 4"),
        (_bad("usd", 2, np.inf), r"column 'usd' has infinite values at row 2"),
        (_bad("usd", 2, True), r"column 'usd'"),
        (_bad("country", 5, None), r"key column 'country' is empty at row 5"),
        (_panel().iloc[:0], "the panel is empty"),
        (_panel().rename(columns={"usd": "value"}), r"column\(s\) \['usd'\] not found"),
        (pd.concat([_panel(), _panel().iloc[[4, 9]]]), r"duplicate keys .* at rows 24, 25"),
        (
            pd.concat([_panel().iloc[:5], _panel().iloc[[4]], _panel().iloc[5:]]),
            r"duplicate keys .* at row 5\b",
        ),
    ],
)
def test_bad_input_gets_a_clear_error(frame, message):
    with pytest.raises(InputError, match=message) as error:
        complexity(frame, **COLUMNS)
    assert error.value.column in (None, "usd", "country")


def test_error_carries_column_and_rows():
    with pytest.raises(InputError) as error:
        complexity(_bad("usd", 3, -5), **COLUMNS)
    assert error.value.column == "usd"
    assert error.value.rows == [3]


def test_nan_counted_as_zero_when_asked():
    frame = _bad("usd", 4, np.nan)
    with pytest.warns(IndicatorWarning, match=r"1 missing value\(s\) counted as 0"):
        result = complexity(frame, **COLUMNS, missing="zero")
    zeroed = frame.assign(usd=frame.usd.fillna(0).astype(float))
    np.testing.assert_allclose(result.frame["eci"], complexity(zeroed, **COLUMNS).frame["eci"])


def test_duplicates_first_or_sum():
    frame = pd.concat([_panel(), _panel().iloc[[0]].assign(usd=3)], ignore_index=True)
    with pytest.warns(IndicatorWarning, match="dropped, first kept"):
        first = complexity(frame, **COLUMNS, duplicates="first").frame
    np.testing.assert_allclose(first["rca"], complexity(_panel(), **COLUMNS).frame["rca"])
    with pytest.warns(IndicatorWarning, match="summed"):
        summed = complexity(frame, **COLUMNS, duplicates="sum").frame
    assert summed.loc[0, "usd"] == 13


def test_unknown_options_are_refused():
    with pytest.raises(InputError, match="unknown presence test"):
        complexity(_panel(), **COLUMNS, presence_test="magic")
    with pytest.raises(InputError, match="unknown method"):
        complexity(_panel(), **COLUMNS, method="power")
    with pytest.raises(InputError, match="named twice"):
        complexity(_panel(), time="year", location="country", item="country", value="usd")


def test_proximity_frame_layout():
    result = complexity(_panel(), **COLUMNS)
    edges = result.proximity_frame([2020])
    assert list(edges.columns) == ["year", "product_1", "product_2", "proximity"]
    assert len(edges) == 9
    np.testing.assert_allclose(edges["proximity"].to_numpy().reshape(3, 3), result.proximity(2020))
    with pytest.raises(KeyError, match="no period 1999"):
        result.proximity(1999)


def test_matrices_are_views_of_the_frame_and_proximity_reuses_a_buffer():
    result = complexity(_panel(), **COLUMNS)
    rca_2021 = result.matrix(2021, "rca")
    assert rca_2021.shape == (4, 3)
    np.testing.assert_array_equal(rca_2021.ravel(), result.frame["rca"].to_numpy()[12:])
    assert np.shares_memory(rca_2021, result.frame["rca"].to_numpy())
    with pytest.raises(KeyError, match="no matrix 'rpop'"):
        result.matrix(2021, "rpop")
    buffer = result.proximity(2020)
    again = result.proximity(2021, out=buffer)
    assert again is buffer
    np.testing.assert_array_equal(again, proximity(presence(result.matrix(2021, "rca"))))
