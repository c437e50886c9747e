"""The `vinculo complexity` command: real files in, a Parquet file out, clear errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from vinculo.cli import main
from vinculo.evidence.tables import read_parquet_metadata
from vinculo.indicators import complexity

CSV = """year,country_code,hs92_code,export_value_usd
2020,AAA,0101,10
2020,AAA,0102,50
2020,AAA,0103,50
2020,BBB,0101,10
2020,BBB,0102,30
2020,BBB,0103,20
2020,CCC,0101,30
2020,CCC,0102,40
2020,CCC,0103,30
2020,DDD,0101,40
2020,DDD,0102,10
2020,DDD,0103,20
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def table(tmp_path: Path) -> Path:
    path = tmp_path / "exports.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_csv_in_parquet_out_with_provenance(table, tmp_path):
    out = tmp_path / "result.parquet"
    code, stdout, stderr = run("complexity", str(table), "-o", str(out))
    assert code == 0, stderr
    assert "12 rows" in stdout
    assert "time=year, location=country_code, item=hs92_code, value=export_value_usd" in stdout
    assert "year 2020: 4 locations × 3 items" in stdout
    assert "highest ECI: AAA +1.172" in stdout
    assert "lowest ECI:  " in stdout
    assert "DDD -1.432" in stdout
    written = pd.read_parquet(out)
    # product codes keep their leading zeros
    assert sorted(written["hs92_code"].astype(str).unique()) == ["0101", "0102", "0103"]
    expected = complexity(
        pd.read_csv(table, dtype={"hs92_code": str}),
        time="year",
        location="country_code",
        item="hs92_code",
        value="export_value_usd",
    ).frame
    np.testing.assert_allclose(written["eci"], expected["eci"])
    metadata = read_parquet_metadata(out)
    assert metadata["source"]["rows"] == 12
    assert len(metadata["source"]["sha256"]) == 64
    assert metadata["parameters"]["threshold"] == 1.0


def test_explicit_columns_and_proximity_output(tmp_path):
    path = tmp_path / "pubs.csv.gz"
    renamed = CSV.replace("year,country_code,hs92_code,export_value_usd", "t,inst,field,n")
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(renamed)
    out, prox = tmp_path / "o.parquet", tmp_path / "p.parquet"
    code, _, stderr = run(
        "complexity", str(path), "--time", "t", "--location", "inst", "--item", "field",
        "--value", "n", "-o", str(out), "--proximity-output", str(prox),
    )  # fmt: skip
    assert code == 0, stderr
    edges = pd.read_parquet(prox)
    assert list(edges.columns) == ["t", "field_1", "field_2", "proximity"]
    assert len(edges) == 9


def test_guessing_refuses_when_unsure(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b,c,d\n1,2,3,4\n", encoding="utf-8")
    code, _, stderr = run("complexity", str(path))
    assert code == 2
    assert "cannot tell which column is the time; pass --time" in stderr


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (None, "missing.csv", "no such file"),
        (b"", "empty.csv", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "image.csv", "not UTF-8 text"),
        (b"PAR1 not really parquet", "fake.parquet", "cannot be read as parquet"),
        (b"year,country_code,hs92_code,export_value_usd\n", "header.csv", "the panel is empty"),
        (CSV.replace("2020,BBB,0102,30", "2020,BBB,0102,abc").encode(), "text.csv",
         r"line 6\] field 'export_value_usd': column 'export_value_usd' has non-numeric"),
        (CSV.replace("2020,CCC,0103,30", "2020,CCC,0103,-30").encode(), "neg.csv",
         r"line 10\] field 'export_value_usd'.*negative"),
        (CSV.replace("2020,DDD,0101,40", "2020,DDD,0101,").encode(), "nan.csv",
         r"line 11\].*missing values"),
        (CSV.encode() + b"2020,AAA,0101,5\n", "dup.csv", r"line 14\].*duplicate keys"),
        (CSV.encode("utf-16"), "utf16.csv", "not UTF-8 text"),
        (b"year;country;product;value\n2020;A;x;1\n", "semicolons.csv", "cannot tell which column"),
        (b"x", "data.xlsx", "cannot be read as excel: File is not a zip file"),
        (b"x", "data.ods", "unknown file type"),
    ],
)  # fmt: skip
def test_bad_files_get_a_clear_error_and_write_nothing(tmp_path, content, name, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "out.parquet"
    code, _, stderr = run("complexity", str(path), "-o", str(out))
    assert code == 2
    assert name in stderr or "cannot tell" in stderr
    import re

    assert re.search(message, stderr), stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".out.parquet.*"))  # no half-written temporary file


def test_a_failed_run_leaves_the_previous_output_untouched(table, tmp_path):
    out = tmp_path / "out.parquet"
    assert run("complexity", str(table), "-o", str(out))[0] == 0
    before = out.read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace(",50\n", ",-1\n", 1), encoding="utf-8")
    assert run("complexity", str(bad), "-o", str(out))[0] == 2
    assert out.read_bytes() == before


def test_version_and_help():
    code, stdout, _ = run("--version")
    assert code == 0
    assert stdout.startswith("vinculo, version ")
    code, stdout, _ = run("complexity", "--help")
    assert code == 0
    assert "--threshold" in stdout


@pytest.mark.realdata
def test_real_atlas_table(test_data, tmp_path):
    out = tmp_path / "atlas.parquet"
    source = test_data / "atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet"
    code, stdout, stderr = run("complexity", str(source), "-o", str(out))
    assert code == 0, stderr
    assert "162,910 rows" in stdout
    assert "year 2016: 234 locations × 1,239 items" in stdout
    assert "highest ECI: JPN +2.251" in stdout
    assert "TCD -2.831" in stdout
    frame = pd.read_parquet(out)
    assert len(frame) == 234 * 1239
    assert frame.loc[frame.country_code == "MEX", "eci"].iloc[0] == pytest.approx(
        0.9692, abs=1e-4
    )  # = ecomplexity
