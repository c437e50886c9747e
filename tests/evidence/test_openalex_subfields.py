"""OpenAlex works per country × subfield × year: the misaligned rows, Namibia, bad files,
the staged copy, and the subfield reference table."""

from __future__ import annotations

import gzip
import logging

import pandas as pd
import pytest
from click.testing import CliRunner

from vinculo.cli import main
from vinculo.evidence.sources.openalex import STAGED, import_country_subfield
from vinculo.evidence.store import EvidenceError, EvidenceStore
from vinculo.evidence.taxonomy import openalex_subfields

SUBFIELDS = "openalex_country_subfield_2005_2025/country_subfield_year_works.parquet"
FETCHED = "2025-12-03 12:05:53"


def _frame(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["year", "id", "name", "works_count", "country", "fetch_date"]
    )


GOOD = [
    (2023, 2208, "Electrical and Electronic Engineering", 2170, "MX", FETCHED),
    (2023, 2105, "Renewable Energy, Sustainability and the Environment", 1500, "MX", FETCHED),
    (2023, 2208, "Electrical and Electronic Engineering", 40, "NA", "2025-12-03 12:30:00"),
    # the upstream misalignment: a timestamp as the country, no fetch date
    (2023, 2208, "Electrical and Electronic Engineering", 46745, "2025-11-20 11:02:29", None),
]


@pytest.fixture
def store(tmp_path):
    with EvidenceStore(tmp_path / "evidence.duckdb") as opened:
        yield opened


def _write(tmp_path, frame: pd.DataFrame):
    path = tmp_path / "country_subfield_year_works.parquet"
    frame.to_parquet(path, index=False)
    return path


def test_rows_namibia_and_the_misaligned_shape(store, tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.openalex"):
        result = import_country_subfield(store, _write(tmp_path, _frame(GOOD)))
    assert (result.rows, result.vintage) == (3, "openalex-2025-12-03")
    assert "skipped 1 misaligned row(s)" in caplog.text
    rows = store.rows("publications").sort_values(["country", "field"])
    assert rows[
        ["year", "country", "field", "taxonomy", "count_type", "count"]
    ].values.tolist() == [
        [2023, "MEX", "2105", "openalex-subfield", "whole", 1500.0],
        [2023, "MEX", "2208", "openalex-subfield", "whole", 2170.0],
        [2023, "NAM", "2208", "openalex-subfield", "whole", 40.0],  # "NA" is Namibia
    ]
    assert store.datasets()["name"].tolist() == ["openalex-country-subfield"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="works_count"), r"column\(s\) \['works_count'\] not found"),
        (lambda f: f.assign(country=["MX", "ZZ", "NA", "NA"]), r"row 2, column 'country': unknown"),
        # a timestamp with a fetch date is not the known shape: an unknown code
        (
            lambda f: f.assign(fetch_date=FETCHED),
            r"row 4, column 'country': unknown iso2 country code\(s\) \['2025-11-20 11:02:29'\]",
        ),
        (
            lambda f: f.assign(works_count=["2170", "many", "40", "1"]),
            r"row 2, column 'works_count': not a number \('many'\)",
        ),
        (lambda f: f.assign(fetch_date=[FETCHED, "soon", FETCHED, None]), r"row 2, column 'fetch"),
        (lambda f: f.assign(id=2208), r"row 1, row 2, column 'id': the same year, country"),
    ],
)
def test_bad_files_name_the_row_and_column_and_change_nothing(store, tmp_path, change, message):
    path = _write(tmp_path, change(_frame(GOOD)))
    with pytest.raises(EvidenceError, match=message) as raised:
        import_country_subfield(store, path)
    assert "country_subfield_year_works.parquet" in str(raised.value)
    assert store.datasets().empty


def test_a_bad_file_fails_the_cli_with_exit_code_2(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    for relative, _ in STAGED:
        (mirror / relative).parent.mkdir(parents=True, exist_ok=True)
    csv = "year,iso2_a,iso2_b,works\n2022,MX,US,5\n2022,US,MX,5\n"
    (mirror / STAGED[0][0]).write_bytes(gzip.compress(csv.encode()))
    _frame([*GOOD, (2023, 1702, "Artificial Intelligence", 3, "QQ", FETCHED)]).to_parquet(
        mirror / SUBFIELDS, index=False
    )
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VINCULO_MIRROR", str(mirror))
    result = CliRunner().invoke(main, ["data", "pull", "openalex"])
    assert result.exit_code == 2
    assert "row 5, column 'country': unknown iso2 country code(s) ['QQ']" in result.output
    with EvidenceStore(tmp_path / "home" / "evidence.duckdb") as store:
        assert set(store.datasets()["canonical_table"]) == {"coauthorship"}  # nothing more


def test_the_subfield_reference_table():
    table = openalex_subfields()
    assert list(table.columns) == [
        "subfield_id",
        "name_en",
        "name_es",
        "field_id",
        "field_name_en",
        "field_name_es",
    ]
    assert len(table) == 252
    assert table["subfield_id"].is_unique
    assert (table["subfield_id"].str[:2] == table["field_id"]).all()  # ASJC: 2105 -> 21
    assert table["field_id"].nunique() == 26
    assert table["field_id"].astype(int).between(11, 36).all()
    assert (table[["name_en", "name_es", "field_name_en", "field_name_es"]] != "").all().all()
    by = table.set_index("subfield_id")
    assert by.loc["2105"].tolist() == [
        "Renewable Energy, Sustainability and the Environment",
        "Energías renovables, sostenibilidad y medio ambiente",
        "21",
        "Energy",
        "Energía",
    ]
    assert by.loc["1702", ["name_es", "field_name_en"]].tolist() == [
        "Inteligencia artificial",
        "Computer Science",
    ]
    # one name per field
    assert (
        (table.groupby("field_id")[["field_name_en", "field_name_es"]].nunique() == 1).all().all()
    )
    table.loc[0, "name_es"] = "changed"  # a copy: the next caller gets the file's table
    assert openalex_subfields().loc[0, "name_es"] != "changed"


# ---------------------------------------------------------------- the staged copy
@pytest.mark.realdata
def test_the_staged_subfield_file(test_data, store, caplog):
    path = test_data / SUBFIELDS
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.openalex"):
        result = import_country_subfield(store, path)
    # 535,764 rows in the file (README) less the 210 misaligned ones, 10 a year 2005-2025
    assert (result.rows, result.vintage) == (535_554, "openalex-2025-12-03")
    assert "skipped 210 misaligned row(s)" in caplog.text
    rows = store.rows("publications", source="openalex")
    assert set(rows["taxonomy"]) == {"openalex-subfield"}
    assert set(rows["count_type"]) == {"whole"}
    assert rows["country"].nunique() == 200
    assert (rows["year"].min(), rows["year"].max()) == (2005, 2025)
    # the file's row: year 2023, id 2208 Electrical and Electronic Engineering, 2170, MX
    mexico = rows.query("country == 'MEX' and year == 2023 and field == '2208'")
    assert mexico["count"].tolist() == [2170.0]
    assert len(rows.query("country == 'NAM'")) == 1_863  # "NA" rows of the file
    # censored at 200 subfields per country-year
    assert rows.groupby(["country", "year"]).size().max() == 200
    # every subfield id has a name in the reference table
    assert set(rows["field"]) == set(openalex_subfields()["subfield_id"])
    # importing again changes nothing
    assert not import_country_subfield(store, path).created
    assert len(store.datasets()) == 1
    assert len(store.rows("publications")) == 535_554


@pytest.mark.realdata
def test_the_reference_table_has_the_staged_names(test_data):
    staged = pd.read_parquet(test_data / SUBFIELDS, columns=["id", "name"]).drop_duplicates()
    names = dict(zip(staged["id"].astype(str), staged["name"], strict=True))
    table = openalex_subfields()
    assert dict(zip(table["subfield_id"], table["name_en"], strict=True)) == names
