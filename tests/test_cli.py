"""The `vinculo complexity` command: real files in, a Parquet file out, clear errors."""

from __future__ import annotations

import gzip
import hashlib
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from vinculo.cli import main
from vinculo.evidence.tables import (
    read_arrow,
    read_header,
    read_parquet_metadata,
    read_table,
    write_parquet_atomic,
)
from vinculo.indicators import InputError, complexity

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


# The command's fast path: pyarrow reading, period-by-period Arrow batches, streamed writing.


def _expected_frame(table: Path) -> pd.DataFrame:
    """complexity()'s frame, as Parquet gives it back (what the command wrote before it
    streamed Arrow batches)."""
    frame = complexity(
        pd.read_csv(table, dtype={"hs92_code": str}),
        time="year",
        location="country_code",
        item="hs92_code",
        value="export_value_usd",
    ).frame
    return pa.Table.from_pandas(frame, preserve_index=False).to_pandas()


def test_output_is_the_frame_of_complexity_with_its_types_and_metadata(table, tmp_path):
    out = tmp_path / "result.parquet"
    code, stdout, stderr = run("complexity", str(table), "-o", str(out))
    assert code == 0, stderr
    assert "1 period(s), 12 rows computed and written in" in stdout
    pd.testing.assert_frame_equal(pd.read_parquet(out), _expected_frame(table), check_exact=True)
    schema = pq.read_schema(out)
    assert schema.field("country_code").type == pa.dictionary(pa.int8(), pa.string(), True)
    assert schema.field("mcp").type == pa.int8()
    metadata = read_parquet_metadata(out)
    assert metadata["indicator"] == "complexity"
    assert metadata["source"]["sha256"] == hashlib.sha256(table.read_bytes()).hexdigest()
    assert metadata["parameters"]["method"] == "eigenvector"
    assert metadata["parameters"]["columns"]["item"] == "hs92_code"
    assert pq.ParquetFile(out).metadata.num_row_groups == 1  # a row group per period


def test_every_input_format_gives_the_same_output(table, tmp_path):
    frame = pd.read_csv(table, dtype={"hs92_code": str})
    inputs = {
        "plain.parquet": lambda p: frame.to_parquet(p),
        "dictionary.parquet": lambda p: frame.astype({"country_code": "category"}).to_parquet(p),
        "codes.csv.gz": lambda p: p.write_bytes(gzip.compress(CSV.encode())),
        "codes.tsv": lambda p: p.write_text(CSV.replace(",", "\t"), encoding="utf-8"),
        "bom.csv": lambda p: p.write_bytes(b"\xef\xbb\xbf" + CSV.encode()),
    }
    expected = _expected_frame(table)
    for name, write in inputs.items():
        path = tmp_path / name
        write(path)
        out = tmp_path / f"{name}.out.parquet"
        code, _, stderr = run("complexity", str(path), "-o", str(out))
        assert code == 0, (name, stderr)
        got = pd.read_parquet(out)
        pd.testing.assert_frame_equal(got, expected, check_exact=True, obj=name)


def test_files_pyarrow_would_read_otherwise_go_through_pandas(tmp_path):
    dated = tmp_path / "dated.csv"
    dated.write_text(CSV.replace("2020,", "2020-01-01,"), encoding="utf-8")
    assert read_arrow(dated, columns=["year"], text_columns=()) is None  # a date to pyarrow
    out = tmp_path / "dated.parquet"
    code, _, stderr = run("complexity", str(dated), "-o", str(out))
    assert code == 0, stderr
    assert pd.read_parquet(out)["year"].unique().tolist() == ["2020-01-01"]  # text, as pandas
    numbered = tmp_path / "numbered.parquet"
    pd.read_csv(io.StringIO(CSV)).assign(hs92_code=lambda f: f.hs92_code * 1.0).to_parquet(numbered)
    columns = ["year", "country_code", "hs92_code", "export_value_usd"]
    assert read_arrow(numbered, columns=columns, text_columns=("hs92_code",)) is None
    assert run("complexity", str(numbered), "-o", str(tmp_path / "n.parquet"))[0] == 0


def test_read_arrow_reads_what_read_table_reads(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text(
        'year,country_code,hs92_code,export_value_usd\n2020,NA,0101,1.5\n2020,"A,B",0102,2\n'
        "2020,,0103,3\n",
        encoding="utf-8",
    )
    columns = ["year", "country_code", "hs92_code", "export_value_usd"]
    text = ("country_code", "hs92_code")
    arrow = read_arrow(path, columns=columns, text_columns=text)
    assert arrow is not None
    frame, source = read_table(path, text_columns=text)
    assert arrow[1] == source
    got = arrow[0].to_pandas().astype({"country_code": object, "hs92_code": object})
    assert got["country_code"].tolist()[:2] == ["NA", "A,B"]  # "NA" is Namibia, not missing
    assert got.isna().equals(frame.isna())  # the empty cell is missing in both
    pd.testing.assert_frame_equal(got.fillna("-"), frame.fillna("-"))


@pytest.mark.parametrize(
    "header",
    [
        "\ufeffyear,country_code,hs92_code,export_value_usd",
        '"year","country code","hs92_code",value',
        "year,a,a,value",
        "year,,item,value",
        "year;country;product;value",
    ],
)
def test_read_header_names_columns_as_pandas_does(tmp_path, header):
    path = tmp_path / "h.csv"
    path.write_text(f"\n{header}\n2020,A,x,1\n", encoding="utf-8")
    expected = list(pd.read_csv(path, nrows=0, encoding="utf-8").columns)
    assert read_header(path) == expected


def test_batches_are_written_whole_or_not_at_all(tmp_path):
    schema = pa.schema([("x", pa.int64())])
    batch = pa.record_batch([pa.array([1, 2, 3])], schema=schema)
    target = tmp_path / "t.parquet"
    write_parquet_atomic(iter([batch, batch]), target, {"n": 2}, schema=schema)
    assert pq.read_table(target).num_rows == 6
    assert read_parquet_metadata(target) == {"n": 2}
    before = target.read_bytes()

    def failing():
        yield batch
        raise InputError("the third period is bad")

    with pytest.raises(InputError, match="third period"):
        write_parquet_atomic(failing(), target, {}, schema=schema)
    other = pa.record_batch([pa.array(["a"])], names=["x"])  # the writer refuses it
    with pytest.raises(ValueError, match="schema does not match"):
        write_parquet_atomic(iter([batch, other, batch]), target, {}, schema=schema)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.parquet"]  # no temporary left


def test_proximity_output_is_the_proximity_frame(table, tmp_path):
    out, prox = tmp_path / "o.parquet", tmp_path / "p.parquet"
    code, _, stderr = run("complexity", str(table), "-o", str(out), "--proximity-output", str(prox))
    assert code == 0, stderr
    expected = complexity(
        pd.read_csv(table, dtype={"hs92_code": str}),
        time="year",
        location="country_code",
        item="hs92_code",
        value="export_value_usd",
    ).proximity_frame()
    pd.testing.assert_frame_equal(pd.read_parquet(prox), expected, check_exact=True)


def test_the_command_loads_neither_pandas_nor_the_web_stack(table, tmp_path):
    parquet = tmp_path / "t.parquet"
    pd.read_csv(table, dtype={"hs92_code": str}).to_parquet(parquet)
    code = (
        "import sys\n"
        "from vinculo.cli import main\n"
        "main(['complexity', sys.argv[1], '-o', sys.argv[2]], standalone_mode=False)\n"
        "print(sorted(m for m in ('pandas', 'django', 'duckdb', 'httpx', 'babel') "
        "if m in sys.modules))\n"
    )
    for source in (table, parquet):
        done = subprocess.run(
            [sys.executable, "-c", code, str(source), str(tmp_path / "o.parquet")],
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.strip().splitlines()[-1] == "[]", source.name
