"""OpenAlex co-authorship and ROR institutions: staged files, folding, and bad files."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import pandas as pd
import pytest

from vinculo.evidence.sources import openalex, ror
from vinculo.evidence.sources.openalex import fold_pairs, import_country_coauthorship
from vinculo.evidence.sources.ror import import_ror_records
from vinculo.evidence.store import EvidenceError, EvidenceStore

COAUTHORSHIP = """year,iso2_a,iso2_b,works
0,MX,US,100
0,US,MX,101
2019,AR,IL,214
2019,IL,AR,213
2019,AR,AR,900
2019,NA,MX,3
2019,MX,NA,3
2020,MX,US,10
2020,US,MX,10
"""


@pytest.fixture
def store(tmp_path):
    with EvidenceStore(tmp_path / "evidence.duckdb") as opened:
        yield opened


def _gzipped(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()))
    return path


def _ror_frame(**changes: list[object]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "ror_id": ["https://ror.org/01tmp8f25", "https://ror.org/00x", "https://ror.org/00y"],
            "name": ["Universidad Nacional Autónoma de México", "Namibia Uni", "Lab"],
            "status": ["active", "active", "withdrawn"],
            "types": ["education|funder", "education", "facility"],
            "country_code": ["MX", "NA", "FR"],
            "lat": [19.4, -22.5, None],
            "lng": [-99.1, 17.0, None],
            "acronyms": ["UNAM", "", None],
            "aliases_labels": ["UNAM|Universidad Nacional Autónoma de México", "", None],
        }
    )
    for column, values in changes.items():
        frame[column] = values
    return frame


# ---------------------------------------------------------------- synthetic: OpenAlex
def test_pairs_are_folded_once_and_year_zero_is_skipped(store, tmp_path, caplog):
    path = _gzipped(tmp_path, "pairs.csv.gz", COAUTHORSHIP)
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.openalex"):
        result = import_country_coauthorship(store, path)
    assert result.created
    assert result.rows == 4
    rows = store.rows("coauthorship").sort_values(["year", "country_a", "country_b"])
    assert rows[["year", "country_a", "country_b", "works"]].values.tolist() == [
        [2019, "ARG", "ARG", 900.0],  # the diagonal: Argentina's international works
        [2019, "ARG", "ISR", 214.0],  # the larger of 214 and 213
        [2019, "MEX", "NAM", 3.0],  # "NA" is Namibia, not a missing value
        [2020, "MEX", "USA", 10.0],
    ]
    assert set(rows["taxonomy"]) == {"openalex"}
    assert rows["field"].isna().all()
    assert set(rows["vintage"]) == {"bavla-2024-08-27"}
    assert "1 pair(s) disagreed" in caplog.text  # year 0's disagreement is not counted


def test_fold_pairs_counts_disagreements_and_missing_directions():
    ordered = pd.DataFrame(
        {
            "year": [2019, 2019, 2019, 2019],
            "country_a": ["USA", "MEX", "FRA", "ESP"],
            "country_b": ["MEX", "USA", "FRA", "DEU"],
            "works": [5, 5, 7, 2],
        }
    )
    folded = fold_pairs(ordered)
    assert folded.asymmetric_fixed == 1  # ESP-DEU has only one direction
    assert folded.rows.values.tolist() == [
        [2019, "DEU", "ESP", 2],
        [2019, "FRA", "FRA", 7],
        [2019, "MEX", "USA", 5],
    ]


def test_an_unknown_iso2_code_names_the_line_and_column(store, tmp_path):
    import_ror_records(store, _write_ror(tmp_path, _ror_frame()))
    before = store.datasets()
    bad = COAUTHORSHIP.replace("2020,US,MX,10", "2020,US,ZZ,10")
    with pytest.raises(EvidenceError, match=r"line 10, column 'iso2_b': unknown iso2 .*'ZZ'"):
        import_country_coauthorship(store, _gzipped(tmp_path, "bad.csv.gz", bad))
    assert store.datasets().equals(before)
    assert store.execute("SELECT count(*) AS n FROM coauthorship")["n"].item() == 0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("2019,AR,AR,900", "2019,AR,AR,", r"line 6, column 'works': empty"),
        ("2019,AR,AR,900", "2019,AR,AR,many", r"line 6, column 'works': not a number"),
        ("2019,AR,AR,900", "2019,AR,IL,900", r"line 4, line 6, column 'iso2_a, iso2_b'"),
        ("year,iso2_a", "year,country_a", r"column\(s\) \['iso2_a'\] not found"),
    ],
)
def test_other_bad_coauthorship_files(store, tmp_path, old, new, message):
    path = _gzipped(tmp_path, "bad.csv.gz", COAUTHORSHIP.replace(old, new))
    with pytest.raises(EvidenceError, match=message):
        import_country_coauthorship(store, path)
    assert store.datasets().empty


# ---------------------------------------------------------------- synthetic: ROR
def _write_ror(tmp_path: Path, frame: pd.DataFrame, name: str = "ror.parquet") -> Path:
    path = tmp_path / name
    frame.to_parquet(path, index=False)
    return path


def test_ror_records_become_institutions(store, tmp_path):
    result = import_ror_records(store, _write_ror(tmp_path, _ror_frame()))
    assert result.rows == 3
    rows = store.rows("institutions").set_index("ror_id")
    unam = rows.loc["https://ror.org/01tmp8f25"]
    assert unam["country"] == "MEX"
    assert list(unam["types"]) == ["education", "funder"]
    assert list(unam["aliases"]) == ["UNAM"]  # the display name and repeats left out
    assert rows.loc["https://ror.org/00x", "country"] == "NAM"
    assert list(rows.loc["https://ror.org/00x", "aliases"]) == []
    assert pd.isna(rows.loc["https://ror.org/00y", "latitude"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"country_code": ["MX", "QQ", "XX"]}, r"row 2, row 3, column 'country_code': unknown"),
        ({"country_code": ["MX", None, "FR"]}, r"row 2, column 'country_code': empty"),
        (
            {"ror_id": ["https://ror.org/a", "https://ror.org/a", "https://ror.org/b"]},
            r"row 1, row 2, column 'ror_id': the same ROR id appears twice",
        ),
    ],
)
def test_bad_ror_files_change_nothing(store, tmp_path, changes, message):
    path = _write_ror(tmp_path, _ror_frame(**changes))
    with pytest.raises(EvidenceError, match=message):
        import_ror_records(store, path)
    assert store.datasets().empty


def test_staged_lists_name_the_files():
    (coauthorship_file, coauthorship_importer), (subfield_file, subfield_importer) = openalex.STAGED
    assert coauthorship_file.endswith("/country_coauthorship_works_by_year.csv.gz")
    assert coauthorship_importer is import_country_coauthorship
    assert subfield_file.endswith("/country_subfield_year_works.parquet")  # after it
    assert subfield_importer is openalex.import_country_subfield
    (ror_file, ror_importer), *rest = ror.STAGED
    assert not rest
    assert ror_file == "ror_registry_partial/ror_records.parquet"
    assert ror_importer is import_ror_records


# ---------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def real_store(tmp_path_factory, test_data):
    with EvidenceStore(tmp_path_factory.mktemp("real") / "evidence.duckdb") as opened:
        yield opened


@pytest.mark.realdata
def test_openalex_staged_file(real_store, test_data, caplog):
    path = test_data / openalex.STAGED[0][0]
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.openalex"):
        result = import_country_coauthorship(real_store, path)
    assert result.created
    assert result.vintage == "bavla-2024-08-27"
    # 538,297 yearly rows (581,123 less 42,826 of year 0): 7,735 diagonal + 265,281 pairs
    assert result.rows == 273_016
    assert "6 pair(s) disagreed" in caplog.text  # 2004 ×3 and 2019 ×3
    rows = real_store.rows("coauthorship", source="openalex")
    assert len(rows) == 273_016
    assert (rows["country_a"] <= rows["country_b"]).all()
    assert rows["year"].between(1990, 2023).all()
    assert not rows.duplicated(["year", "country_a", "country_b"]).any()

    def works(year: int, a: str, b: str) -> float:
        hit = rows[(rows["year"] == year) & (rows["country_a"] == a) & (rows["country_b"] == b)]
        return float(hit["works"].item())

    assert works(2023, "MEX", "USA") == 8_465  # README: Mexico's top partner 2023
    assert works(2023, "ESP", "MEX") == 4_678
    assert works(2023, "MEX", "MEX") == 23_667  # README: MX international works 2023
    assert works(2023, "USA", "USA") == 405_719
    assert works(2019, "ARG", "ISR") == 214  # 214 vs 213 in the source: the larger kept
    assert (rows["country_a"] == "NAM").any()  # ISO2 "NA" read as Namibia

    again = import_country_coauthorship(real_store, path)
    assert not again.created
    assert again.dataset_id == result.dataset_id
    assert len(real_store.rows("coauthorship", source="openalex")) == 273_016


@pytest.mark.realdata
def test_ror_staged_file(real_store, test_data):
    path = test_data / ror.STAGED[0][0]
    result = import_ror_records(real_store, path)
    assert result.created
    assert result.rows == 51_370  # README
    assert result.vintage == "ror-records-2026-06-23"
    rows = real_store.rows("institutions", source="ror").set_index("ror_id")
    assert len(rows) == 51_370
    unam = rows.loc["https://ror.org/01tmp8f25"]
    assert unam["name"] == "Universidad Nacional Autónoma de México"
    assert unam["country"] == "MEX"
    assert list(unam["types"]) == ["education", "funder"]
    assert list(unam["aliases"]) == ["National Autonomous University of Mexico", "UNAM"]
    assert unam["latitude"] == pytest.approx(19.42847)
    assert unam["longitude"] == pytest.approx(-99.12766)
    assert rows.loc["https://ror.org/059sp8j34", "name"] == "Instituto Politécnico Nacional"
    assert (rows["country"] == "MEX").sum() >= 535  # README: 535 active Mexican records

    again = import_ror_records(real_store, path)
    assert not again.created
    assert len(real_store.rows("institutions", source="ror")) == 51_370


def _ror_record(ror_id: str, name: str, country: str, status: str = "active") -> dict:
    return {
        "id": f"https://ror.org/{ror_id}",
        "status": status,
        "types": ["education"],
        "established": 1910,
        "names": [
            {"value": name, "types": ["ror_display", "label"], "lang": "es"},
            {"value": "UNAM", "types": ["acronym"], "lang": None},
            {"value": "Universidad de México", "types": ["alias"], "lang": None},
        ],
        "links": [{"type": "website", "value": "https://www.unam.mx"}],
        "locations": [
            {
                "geonames_id": 3530597,
                "geonames_details": {
                    "country_code": country, "country_name": "Mexico",
                    "lat": 19.43, "lng": -99.13, "name": "Mexico City",
                },
            }
        ],
    }  # fmt: skip


def test_a_ror_data_dump_zip_is_imported_with_status_and_release(store, tmp_path):
    import json
    import zipfile

    records = [
        _ror_record("01tmp8f25", "Universidad Nacional Autónoma de México", "MX"),
        _ror_record("0000old00", "Instituto Cerrado", "MX", status="withdrawn"),
    ]
    path = tmp_path / "v1.63-2025-04-03-ror-data.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("v1.63-2025-04-03-ror-data_schema_v2.json", json.dumps(records))
        archive.writestr("v1.63-2025-04-03-ror-data.csv", "not read")
    result = ror.import_ror_dump(store, path)
    assert (result.created, result.rows, result.vintage) == (True, 2, "ror-v1.63-2025-04-03")
    rows = store.rows("institutions").set_index("ror_id")
    unam = rows.loc["https://ror.org/01tmp8f25"]
    assert (unam["country"], unam["status"], unam["city"]) == ("MEX", "active", "Mexico City")
    assert list(unam["aliases"]) == ["Universidad de México", "UNAM"]
    assert (unam["website"], unam["established"]) == ("https://www.unam.mx", 1910)
    assert rows.loc["https://ror.org/0000old00", "status"] == "withdrawn"
    assert not ror.import_ror_dump(store, path).created


def test_a_ror_dump_in_schema_v1_or_with_bad_codes_is_refused(store, tmp_path):
    import json

    old = tmp_path / "v1.20-2023-02-28-ror-data.json"
    old.write_text(json.dumps([{"id": "https://ror.org/x", "name": "Old", "country": {}}]))
    with pytest.raises(EvidenceError, match="record 1: not a ROR schema v2 record"):
        ror.import_ror_dump(store, old)
    bad = tmp_path / "v1.63-2025-04-03-ror-data.json"
    bad.write_text(json.dumps([_ror_record("01tmp8f25", "UNAM", "XX")]))
    with pytest.raises(EvidenceError, match=r"row 1, column 'country_code': unknown iso2"):
        ror.import_ror_dump(store, bad)
    assert store.datasets().empty
