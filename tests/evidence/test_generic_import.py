"""Generic imports through presets: real files, idempotence, and bad files that change nothing."""

from __future__ import annotations

import gzip
import io
import random
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from vinculo.cli import main
from vinculo.evidence.countries import locations_table, to_iso3
from vinculo.evidence.sources.generic import import_file
from vinculo.evidence.store import EvidenceError, EvidenceStore

GOOD = """year,country,product,classification,value_usd
2020,MEX,0101,hs92,10
2020,MEX,8507,hs92,250.5
2020,FRA,8507,hs92,300
2020,WLD,8507,hs92,560.5
"""


@pytest.fixture
def store(tmp_path):
    with EvidenceStore(tmp_path / "evidence.duckdb") as opened:
        yield opened


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_a_csv_through_the_exports_preset(store, tmp_path):
    result = import_file(store, "exports", _write(tmp_path, "mine.csv", GOOD), vintage="v1")
    assert result.created
    assert result.rows == 4
    countries = store.rows("exports")
    # the World row is stored but kept apart from the countries
    assert sorted(countries["country"]) == ["FRA", "MEX", "MEX"]
    everything = store.rows("exports", include_aggregates=True)
    assert everything.loc[everything["country"] == "WLD", "value_usd"].item() == 560.5
    assert sorted(countries["product"]) == ["0101", "8507", "8507"]  # codes stay text
    again = import_file(store, "exports", tmp_path / "mine.csv", vintage="v1")
    assert not again.created
    assert len(store.rows("exports", include_aggregates=True)) == 4


BAD = [
    ("empty.csv", b"", "the file is empty"),
    ("header.csv", GOOD.splitlines()[0] + "\n", "no rows"),
    ("columns.csv", "year,iso,product,classification,value_usd\n2020,MEX,1,hs92,1\n",
     r"column\(s\) \['country'\] not found"),
    ("text.csv", GOOD.replace("250.5", "n/a"), r"line 3, column 'value_usd': not a number"),
    ("negative.csv", GOOD.replace("300", "-300"), r"line 4, column 'value_usd': negative"),
    ("year.csv", GOOD.replace("2020,FRA", "20x0,FRA"), r"line 4, column 'year': not a number"),
    ("fraction.csv", GOOD.replace("2020,FRA", "2020.5,FRA"), r"line 4, column 'year': not a whole"),
    ("code.csv", GOOD.replace("FRA", "FRX"), r"line 4, column 'country': unknown iso3 .*\['FRX'\]"),
    ("blank.csv", GOOD.replace("2020,MEX,0101", "2020,,0101"), r"line 2, column 'country': empty"),
    ("utf16.csv", GOOD.encode("utf-16"), "not UTF-8 text"),
    ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00", "not UTF-8 text"),
    ("fake.parquet", b"PAR1" + b"\x00" * 64, "cannot be read as parquet"),
    ("truncated.parquet", None, "cannot be read as parquet"),
    ("ragged.csv", GOOD + "2020,MEX,0102,hs92,1,extra\n", "cannot be read as csv"),
    ("data.xlsx", b"PK\x03\x04", "cannot be read as excel"),
    ("renamed.xlsx", GOOD, "cannot be read as excel"),
    ("data.ods", b"PK\x03\x04", "unknown file type"),
    # a large file that is not what it claims: 20 MB of noise after a valid header
    ("large.csv", GOOD.splitlines()[0].encode() + b"\n" + random.Random(0).randbytes(20 << 20),
     "cannot be read as csv: .*malformed"),
    ("gzipped.csv", gzip.compress(GOOD.encode()), "not UTF-8 text"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_name_file_row_and_column_and_change_nothing(
    store, tmp_path, name, content, message
):
    import_file(store, "exports", _write(tmp_path, "first.csv", GOOD), vintage="v1")
    before = (store.datasets(), store.rows("exports", include_aggregates=True))
    if name == "truncated.parquet":
        whole = tmp_path / "whole.parquet"
        pd.read_csv(tmp_path / "first.csv", dtype=str).to_parquet(whole)
        content = whole.read_bytes()[:-40]
    path = _write(tmp_path, name, content)
    with pytest.raises(EvidenceError, match=message) as error:
        import_file(store, "exports", path)
    assert name in str(error.value)
    pd.testing.assert_frame_equal(store.datasets(), before[0])
    pd.testing.assert_frame_equal(store.rows("exports", include_aggregates=True), before[1])


def test_an_excel_workbook_through_the_exports_preset(store, tmp_path):
    frame = pd.read_csv(io.StringIO(GOOD), dtype={"product": str})
    path = tmp_path / "mine.xlsx"
    frame.to_excel(path, index=False)
    result = import_file(store, "exports", path, vintage="x1")
    assert (result.created, result.rows) == (True, 4)
    rows = store.rows("exports").sort_values(["country", "product"])
    assert rows["product"].tolist() == ["8507", "0101", "8507"]  # leading zero kept
    assert rows["value_usd"].tolist() == [300.0, 10.0, 250.5]
    frame = frame.astype({"value_usd": object})
    frame.loc[2, "value_usd"] = "about 300"  # spreadsheet row 4 (row 1 is the header)
    frame.to_excel(tmp_path / "bad.xlsx", index=False)
    with pytest.raises(EvidenceError, match=r"bad.xlsx: row 4, column 'value_usd': not a number"):
        import_file(store, "exports", tmp_path / "bad.xlsx")
    assert len(store.datasets()) == 1


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_large_files_are_read_in_batches_and_errors_name_the_right_row(
    store, tmp_path, monkeypatch, suffix
):
    lines = [f"{2000 + i % 20},MEX,{i:04d},hs92,{i}" for i in range(2500)]
    frame = pd.read_csv(io.StringIO(GOOD.splitlines()[0] + "\n" + "\n".join(lines)),
                        dtype={"product": str})  # fmt: skip
    path = tmp_path / f"big.{suffix}"
    write = frame.to_csv if suffix == "csv" else frame.to_parquet
    write(path, index=False)
    monkeypatch.setattr("vinculo.evidence.tables.BATCH_ROWS", 1000)
    result = import_file(store, "exports", path, vintage="b1")
    assert result.rows == 2500
    assert store.execute("SELECT sum(value_usd) AS s FROM exports")["s"].item() == sum(range(2500))
    assert store.execute("SELECT row_count FROM datasets")["row_count"].item() == 2500
    frame.loc[2100, "country"] = "XYZ"  # in the third batch
    bad = tmp_path / f"bad.{suffix}"
    write = frame.to_csv if suffix == "csv" else frame.to_parquet
    write(bad, index=False)
    label = "line 2102" if suffix == "csv" else "row 2101"
    with pytest.raises(EvidenceError, match=rf"bad.{suffix}: {label}, column 'country'"):
        import_file(store, "exports", bad)
    assert len(store.datasets()) == 1
    assert len(store.rows("exports")) == 2500


def test_unknown_preset(store, tmp_path):
    with pytest.raises(EvidenceError, match="unknown preset 'baci'"):
        import_file(store, "baci", _write(tmp_path, "x.csv", GOOD))


def test_country_codes_from_other_schemes():
    assert to_iso3(pd.Series(["FR", "na", " mx "]), "iso2").tolist() == ["FRA", "NAM", "MEX"]
    kinds = locations_table().set_index("code")["kind"]
    assert kinds["MEX"] == "country"
    assert kinds["WLD"] == "aggregate"
    assert kinds["SUN"] == "historic"


def test_cli_import_and_status(tmp_path, monkeypatch):
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path / "home"))
    path = _write(tmp_path, "mine.csv", GOOD)
    runner = CliRunner()
    first = runner.invoke(main, ["data", "import", "exports", str(path), "--vintage", "v1"])
    assert first.exit_code == 0, first.output
    assert "imported 4 rows" in first.output
    second = runner.invoke(main, ["data", "import", "exports", str(path), "--vintage", "v1"])
    assert "already in the store" in second.output
    bad = runner.invoke(
        main,
        ["data", "import", "exports", str(_write(tmp_path, "b.csv", GOOD.replace("FRA", "FRX")))],
    )
    assert bad.exit_code == 2
    assert re.search(r"b\.csv: line 4, column 'country'", bad.stderr)
    status = runner.invoke(main, ["data", "status"])
    assert status.exit_code == 0
    assert re.search(r"exports\s+user\s+mine\.csv\s+v1\s+4 rows", status.output)


@pytest.mark.realdata
def test_staged_export_tables_through_their_presets(store, test_data):
    atlas = test_data / "atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet"
    ots = test_data / "ots_hs07_exports_1962_1980_2017/exports_hs07_4digit.parquet"
    assert import_file(store, "atlas-hs92-exports", atlas).rows == 162_910
    assert import_file(store, "ots-hs07-exports", ots).rows == 313_226
    totals = store.execute(
        "SELECT d.source, t.year, sum(t.value_usd) AS total FROM exports t "
        "JOIN datasets d USING (dataset_id) GROUP BY ALL ORDER BY ALL"
    )
    source = pd.read_parquet(atlas)
    world_2016 = totals.query("source == 'atlas' and year == 2016")["total"].item()
    assert world_2016 == pytest.approx(source["export_value_usd"].sum(), rel=1e-12)
    assert world_2016 == pytest.approx(16.17e12, rel=1e-3)  # the README's check
    mexico = store.rows("exports", source="atlas").query("country == 'MEX'")["value_usd"].sum()
    assert mexico == pytest.approx(384e9, rel=5e-3)
    ots_frame = pd.read_parquet(ots)
    # ROM (Romania before 2002) is read as ROU
    assert (ots_frame["country_code"] == "ROM").any()
    ots_rows = store.rows("exports", source="ots")
    assert "ROM" not in set(ots_rows["country"])
    assert ots_rows.groupby("year")["value_usd"].sum().to_dict() == pytest.approx(
        ots_frame.groupby("year")["export_value_usd"].sum().astype(float).to_dict()
    )
