"""complexity_batches() and Arrow input: the same numbers as complexity(), period by period."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from vinculo.indicators import (
    ComplexityBatches,
    IndicatorWarning,
    InputError,
    complexity,
    complexity_batches,
)

COLUMNS = {"time": "year", "location": "country", "item": "product", "value": "usd"}


def _panel() -> pd.DataFrame:
    """Three years of five countries × four products; ECI well defined in each."""
    rng = np.random.default_rng(3)  # a seed whose ECI is well defined every year
    years, countries, products = [2019, 2020, 2021], list("ABCDE"), ["p1", "p2", "p3", "p4"]
    keys = pd.MultiIndex.from_product([years, countries, products]).to_frame(index=False)
    keys.columns = ["year", "country", "product"]
    return keys.assign(usd=rng.integers(1, 100, len(keys)))


def _arrow_chunked(frame: pd.DataFrame) -> pa.Table:
    """The panel as Arrow, keys dictionary-encoded with a different, unsorted dictionary
    (holding unused and repeated labels) in each of two chunks."""
    half = len(frame) // 2
    chunks = []
    for part in (frame.iloc[:half], frame.iloc[half:]):
        columns = {"year": pa.array(part["year"].to_numpy())}
        for key in ("country", "product"):
            labels = ["zz", *sorted(part[key].unique(), reverse=True)]
            codes = [labels.index(v) for v in part[key]]
            labels.append(part[key].iloc[0])  # a repeated label: its two codes are one key
            codes[0] = len(labels) - 1  # the first row uses the repeated entry
            columns[key] = pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), labels)
        columns["usd"] = pa.array(part["usd"].to_numpy())
        chunks.append(pa.table(columns))
    return pa.concat_tables(chunks)


INPUTS = {
    "pandas": lambda frame: frame,
    "polars": pl.from_pandas,
    "arrow text": lambda frame: pa.Table.from_pandas(frame, preserve_index=False),
    "arrow dictionaries": _arrow_chunked,
}


def _tidy(batches: ComplexityBatches) -> pd.DataFrame:
    return pa.Table.from_batches(list(batches), schema=batches.schema).to_pandas()


def _reference(frame: pd.DataFrame, **options: object) -> pd.DataFrame:
    """complexity()'s frame as written to Parquet and read back (categories unnamed)."""
    result = complexity(frame, **COLUMNS, **options)  # type: ignore[arg-type]
    return pa.Table.from_pandas(result.frame, preserve_index=False).to_pandas()


@pytest.mark.parametrize("kind", list(INPUTS))
def test_batches_are_the_frame_of_complexity(kind):
    frame = _panel()
    batches = complexity_batches(INPUTS[kind](frame), **COLUMNS)
    got = _tidy(batches)
    pd.testing.assert_frame_equal(got, _reference(frame), check_exact=True)
    assert batches.times == [2019, 2020, 2021]
    assert batches.num_rows == len(got) == 3 * 5 * 4


def test_arrow_input_to_complexity_gives_the_same_result():
    frame = _panel()
    expected = complexity(frame, **COLUMNS)
    for table in (pa.Table.from_pandas(frame, preserve_index=False), _arrow_chunked(frame)):
        result = complexity(table, **COLUMNS)
        pd.testing.assert_frame_equal(
            result.frame.astype({"country": str, "product": str}),
            expected.frame.astype({"country": str, "product": str}),
            check_exact=True,
        )
        assert list(result.items_in(2020)) == list(expected.items_in(2020))
        assert result.items_in(2020).name == "product"


def test_schema_is_that_of_the_pandas_frame_in_arrow():
    batches = complexity_batches(_panel(), **COLUMNS)
    expected = pa.Table.from_pandas(complexity(_panel(), **COLUMNS).frame, preserve_index=False)
    nullable = pa.schema([f.with_nullable(True) for f in batches.schema])
    assert nullable == expected.schema.remove_metadata()
    assert not any(f.nullable for f in batches.schema)  # required columns: nothing missing
    # sorted labels, codes of the width pandas gives them (int8 below 127 labels)
    assert batches.schema.field("country").type == pa.dictionary(pa.int8(), pa.string(), True)
    assert [b.schema for b in batches] == [batches.schema] * 3


def test_locations_items_and_proximity_after_iterating():
    frame = _panel()
    expected = complexity(frame, **COLUMNS)
    batches = complexity_batches(frame, **COLUMNS, proximity=True)
    with pytest.raises(RuntimeError, match="iterate over the batches first"):
        _ = batches.locations
    for _ in batches:
        pass
    with pytest.raises(RuntimeError, match="only once"):
        list(batches)
    for got, want in ((batches.locations, expected.locations), (batches.items, expected.items)):
        got_frame = got.to_pandas()
        for column in want.columns:
            text = column in ("country", "product")
            np.testing.assert_array_equal(
                got_frame[column].astype(str) if text else got_frame[column],
                want[column].astype(str) if text else want[column],
            )
    np.testing.assert_array_equal(batches.proximity(2021), expected.proximity(2021))
    assert list(batches.items_in(2021)) == list(expected.items_in(2021))
    assert list(batches.locations_in(2021)) == list(expected.locations_in(2021))
    edges = pa.Table.from_batches(list(batches.proximity_batches()), batches.proximity_schema)
    pd.testing.assert_frame_equal(edges.to_pandas(), expected.proximity_frame(), check_exact=True)
    with pytest.raises(KeyError, match="no period 1999"):
        batches.proximity(1999)


def test_proximity_needs_to_be_asked_for():
    batches = complexity_batches(_panel(), **COLUMNS)
    list(batches)
    with pytest.raises(RuntimeError, match="proximity=True"):
        batches.proximity(2020)


def test_single_period_without_time_column():
    frame = _panel()
    one_year = frame[frame.year == 2020].drop(columns="year")
    columns = {**COLUMNS, "time": None}
    batches = complexity_batches(pa.Table.from_pandas(one_year, preserve_index=False), **columns)
    got = _tidy(batches)
    expected = complexity(one_year, **columns).frame  # type: ignore[arg-type]
    assert list(got.columns) == list(expected.columns)
    np.testing.assert_array_equal(got["cog"], expected["cog"])
    assert batches.times == [None]


def test_rpop_presence_in_batches():
    frame = _panel()
    population = pd.DataFrame(
        {"year": np.repeat([2019, 2020, 2021], 5), "country": list("ABCDE") * 3}
    ).assign(population=np.tile([1.0, 10.0, 2.0, 5.0, 3.0], 3))
    options = {"presence_test": "both", "population": population}
    got = _tidy(complexity_batches(frame, **COLUMNS, **options))  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(got, _reference(frame, **options), check_exact=True)


def test_warnings_name_their_period():
    frame = _panel()
    frame.loc[(frame.year == 2020) & (frame.country == "B"), "usd"] = 0
    batches = complexity_batches(pa.Table.from_pandas(frame, preserve_index=False), **COLUMNS)
    with pytest.warns(IndicatorWarning, match=r"year=2020: 1 location\(s\) with a total of 0"):
        list(batches)
    assert list(batches.locations_in(2020)) == list("ACDE")


def test_a_panel_of_zeros_fails_while_iterating():
    batches = complexity_batches(_panel().assign(usd=0), **COLUMNS)
    with (
        pytest.raises(InputError, match="no period with a non-zero value"),
        pytest.warns(IndicatorWarning),
    ):
        list(batches)


def _bad_arrow(column: str, row: int, value: object) -> tuple[pd.DataFrame, pa.Table]:
    """A panel with one bad cell, as pandas (object column) and as Arrow (typed column)."""
    frame = _panel()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    values = frame[column].tolist()
    values[row] = value
    bad = frame.copy()
    bad[column] = bad[column].astype(object)
    if isinstance(value, str):  # a text column in both
        values = [str(v) for v in values]
        bad[column] = bad[column].astype(str)
    bad.loc[row, column] = value
    index = table.schema.get_field_index(column)
    table = table.set_column(index, column, pa.array(values))
    return bad, table


def test_a_boolean_value_column_is_refused_alike():
    frame = _panel().assign(usd=lambda f: f.usd > 50)
    with pytest.raises(InputError, match="is boolean") as from_pandas:
        complexity(frame, **COLUMNS)
    with pytest.raises(InputError) as from_arrow:
        complexity_batches(pa.Table.from_pandas(frame, preserve_index=False), **COLUMNS)
    assert str(from_arrow.value) == str(from_pandas.value)


@pytest.mark.parametrize(
    ("column", "row", "value"),
    [
        ("usd", 3, -5),
        ("usd", 7, "12,5"),
        ("usd", 4, None),
        ("usd", 4, float("nan")),
        ("usd", 2, float("inf")),
        ("country", 5, None),
    ],
)
def test_arrow_input_gets_the_errors_of_pandas_input(column, row, value):
    frame, table = _bad_arrow(column, row, value)
    with pytest.raises(InputError) as from_pandas:
        complexity(frame, **COLUMNS)
    with pytest.raises(InputError) as from_arrow:
        complexity_batches(table, **COLUMNS)
    assert str(from_arrow.value) == str(from_pandas.value)
    assert from_arrow.value.rows == from_pandas.value.rows == [row]
    assert from_arrow.value.column == column


def test_arrow_duplicates_and_missing_policies():
    frame = pd.concat([_panel(), _panel().iloc[[0]].assign(usd=3)], ignore_index=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with pytest.raises(InputError, match=r"duplicate keys .* at row 60\b"):
        complexity_batches(table, **COLUMNS)
    for policy in ("first", "sum"):
        with pytest.warns(IndicatorWarning):
            got = _tidy(complexity_batches(table, **COLUMNS, duplicates=policy))
        with pytest.warns(IndicatorWarning):
            want = _reference(frame, duplicates=policy)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    _, with_nan = _bad_arrow("usd", 4, None)
    with pytest.warns(IndicatorWarning, match=r"1 missing value\(s\) counted as 0"):
        complexity_batches(with_nan, **COLUMNS, missing="zero")


def test_integer_and_float_keys():
    frame = _panel()
    frame["country"] = frame["country"].map({c: 10 * i - 20 for i, c in enumerate("ABCDE")})
    frame["year"] = frame["year"].astype(np.int32)
    got = _tidy(complexity_batches(pa.Table.from_pandas(frame, preserve_index=False), **COLUMNS))
    pd.testing.assert_frame_equal(got, _reference(frame), check_exact=True)
    frame["year"] = frame["year"] + 0.5  # float keys: through pandas
    got = _tidy(complexity_batches(pa.Table.from_pandas(frame, preserve_index=False), **COLUMNS))
    pd.testing.assert_frame_equal(got, _reference(frame), check_exact=True)


def test_arrow_input_needs_no_pandas(tmp_path):
    path = tmp_path / "panel.parquet"
    _panel().to_parquet(path)
    code = (
        "import sys, pyarrow.parquet as pq\n"
        "from vinculo.indicators import complexity_batches\n"
        "table = pq.ParquetFile(sys.argv[1], read_dictionary=['country']).read()\n"
        "batches = complexity_batches(table, time='year', location='country',"
        " item='product', value='usd')\n"
        "print(sum(batch.num_rows for batch in batches), 'pandas' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["60", "False"]


def test_missing_columns_are_named_alike():
    frame = _panel().rename(columns={"usd": "value", "product": "item"})
    with pytest.raises(InputError) as from_pandas:
        complexity(frame, **COLUMNS)
    with pytest.raises(InputError) as from_arrow:
        complexity_batches(pa.Table.from_pandas(frame, preserve_index=False), **COLUMNS)
    assert str(from_arrow.value) == str(from_pandas.value)
    assert "['product', 'usd'] not found" in str(from_arrow.value)
