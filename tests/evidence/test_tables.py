"""Reading user tables: text columns stay text, missing stays missing."""

from __future__ import annotations

import pandas as pd

from vinculo.evidence.tables import read_table


def test_text_columns_of_parquet_keep_missing_values_missing(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"code": [101, None, 8507], "value": [1.0, 2.0, 3.0]}).to_parquet(path)
    frame, source = read_table(path, text_columns=("code",))
    assert frame["code"].iloc[0] == "101.0"  # a float column with a gap, read as text
    assert pd.isna(frame["code"].iloc[1])
    assert source.rows == 3
    assert source.row_label(0) == "row 1"


def test_csv_keeps_na_as_text_and_only_empty_cells_missing(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("iso2,value\nNA,1\nMX,\n", encoding="utf-8")
    frame, source = read_table(path, text_columns=("iso2",))
    assert frame["iso2"].tolist() == ["NA", "MX"]
    assert pd.isna(frame["value"].iloc[1])
    assert source.row_label(0) == "line 2"
