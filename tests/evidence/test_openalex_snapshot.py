"""The OpenAlex snapshot job (vinculo.evidence.snapshot): hand-computed values on a small
hand-written snapshot, DuckDB/Spark parity on a generated one, bad input refused with the
store unchanged. Spark runs in local mode; its tests skip (with the reason) where Java or
PySpark is absent — CI installs both (.ci/run, requirements/dev.txt)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from vinculo.cli import main
from vinculo.evidence.snapshot import (
    OUTPUT_TABLES,
    build_snapshot,
    load_snapshot_output,
    scan_snapshot,
)
from vinculo.evidence.snapshot_fixture import generate_snapshot, work_record, write_snapshot
from vinculo.evidence.store import EvidenceError, EvidenceStore

T11 = ("T10001", "1101", "11", "1")
T11B = ("T10002", "1102", "11", "1")
T21 = ("T20001", "2101", "21", "3")
ORCID_A1 = "0000-0001-0000-0001"


def _a(author: str, *institutions: tuple[str, str | None, str | None], **more: Any) -> dict:
    return {"author": author, "institutions": list(institutions), **more}


I1, I2, I3 = ("I1", "r1", "MX"), ("I2", "r2", "US"), ("I3", None, "MX")
I4, I5, I6 = ("I4", "r4", "BR"), ("I5", "r5", "YU"), ("I6", "r6", "US")


def tiny_snapshot(root: Path) -> Path:
    """Seven works in two partitions (see the module's expected values):

    W1 2020 field 11: A1 with two affiliations (I1 MX, I2 US), A2 at I3 (MX, no ROR).
    W2 2020: one author with no institution and no country — counts nowhere.
    W3 2021: first version field 11, MX only; **updated** in the later partition to
       field 21, MX + BR (A4 at I4): only the new version counts.
    W4 2020 field 11: A5 at I5 in "YU" (Yugoslavia, withdrawn from ISO 3166) + A2 (MX).
    W5 2020: listed in merged_ids — does not count.
    W6 2020, no topic: one author whose only country is "ZZ" (no ISO code).
    W7 2021 field 21: A4 (BR), A7 at I6 (US), A8 with no institution, country MX.
    """
    p1 = [
        work_record(
            "W1", 2020, "2024-01-01T01:00:00", [_a("A1", I1, I2, orcid=ORCID_A1), _a("A2", I3)], T11
        ),
        work_record("W2", 2020, "2024-01-01T01:00:00", [_a("A3")], T11),
        work_record("W3", 2021, "2024-01-01T01:00:00", [_a("A1", I1, orcid=ORCID_A1)], T11B),
        work_record("W4", 2020, "2024-01-01T01:00:00", [_a("A5", I5), _a("A2", I3)], T11),
        work_record("W5", 2020, "2024-01-01T01:00:00", [_a("A1", I1, orcid=ORCID_A1)], T11),
        work_record("W6", 2020, "2024-01-01T01:00:00", [_a("A6", countries=["ZZ"])]),
    ]
    p2 = [
        work_record(
            "W3", 2021, "2024-02-01T01:00:00", [_a("A1", I1, orcid=ORCID_A1), _a("A4", I4)], T21
        ),
        work_record(
            "W7",
            2021,
            "2024-02-01T01:00:00",
            [_a("A4", I4), _a("A7", I6), _a("A8", countries=["MX"])],
            T21,
        ),
    ]
    return write_snapshot(
        root,
        {"2024-01-01": [p1[:3], p1[3:]], "2024-02-01": [p2]},
        merged={"2024-01-20": [("W5", "W1")]},
    )


THIRD = round(1 / 3, 12)


def _rows(frame: pd.DataFrame, **where: Any) -> dict[tuple, tuple]:
    for column, value in where.items():
        frame = frame[frame[column] == value]
    return frame


def _pubs(folder: Path, taxonomy: str, field: str) -> dict[tuple[int, str], tuple[float, float]]:
    frame = pd.read_parquet(folder / "publications")
    frame = frame[(frame.taxonomy == taxonomy) & (frame.field == field)]
    out: dict[tuple[int, str], list[float]] = {}
    for row in frame.itertuples():
        out.setdefault((row.year, row.country), [0.0, 0.0])[row.count_type == "fractional"] = round(
            row.count, 9
        )
    return {key: tuple(value) for key, value in out.items()}


def _check_tiny(folder: Path, provenance: dict[str, Any]) -> None:
    stats = provenance["stats"]
    assert stats == {
        "records_read": 8,
        "distinct_works": 7,
        "merged_dropped": 1,
        "works_kept": 6,
        "works_without_year": 0,
        "works_without_country": 2,
    }
    assert provenance["partitions"] == ["2024-01-01", "2024-02-01"]
    assert provenance["snapshot_date"] == "2024-02-01"
    assert provenance["files"] == 3
    assert provenance["unknown_country_codes"] == ["ZZ"]
    third, five_sixths = round(1 / 3, 9), round(1 / 2 + 1 / 3, 9)
    field_2020 = {(2020, "MEX"): (2, 1.0), (2020, "USA"): (1, 0.5), (2020, "YUG"): (1, 0.5)}
    field_2021 = {
        (2021, "MEX"): (2, five_sixths),
        (2021, "BRA"): (2, five_sixths),
        (2021, "USA"): (1, third),
    }
    assert _pubs(folder, "openalex-field", "11") == field_2020
    assert _pubs(folder, "openalex-field", "21") == field_2021
    assert _pubs(folder, "openalex-field", "all") == field_2020 | field_2021
    assert _pubs(folder, "openalex-topic", "T10001") == field_2020
    assert _pubs(folder, "openalex-subfield", "2101") == field_2021
    assert _pubs(folder, "openalex-topic", "T10002") == {}  # W3's superseded version

    co = pd.read_parquet(folder / "coauthorship")
    whole = co[co.taxonomy == "openalex"]
    assert whole["field"].isna().all()
    assert {(r.year, r.country_a, r.country_b): r.works for r in whole.itertuples()} == {
        (2020, "MEX", "MEX"): 2,
        (2020, "USA", "USA"): 1,
        (2020, "YUG", "YUG"): 1,
        (2020, "MEX", "USA"): 1,
        (2020, "MEX", "YUG"): 1,
        (2021, "BRA", "BRA"): 2,
        (2021, "MEX", "MEX"): 2,
        (2021, "USA", "USA"): 1,
        (2021, "BRA", "MEX"): 2,
        (2021, "BRA", "USA"): 1,
        (2021, "MEX", "USA"): 1,
    }
    per_field = co[co.taxonomy == "openalex-field"]
    assert set(per_field["field"]) == {"11", "21"}
    assert per_field["works"].sum() == whole["works"].sum()

    inst = pd.read_parquet(folder / "institution_output")
    fields = inst[inst.taxonomy == "openalex-field"]
    got = {}
    for row in fields.itertuples():
        got.setdefault((row.year, row.field, row.institution, row.ror_id, row.country), {})[
            row.count_type
        ] = round(row.count, 9)
    assert got == {
        (2020, "11", "I1", "https://ror.org/r1", "MEX"): {"whole": 1, "fractional": third},
        (2020, "11", "I2", "https://ror.org/r2", "USA"): {"whole": 1, "fractional": third},
        (2020, "11", "I3", None, "MEX"): {"whole": 2, "fractional": five_sixths},
        (2020, "11", "I5", "https://ror.org/r5", "YUG"): {"whole": 1, "fractional": 0.5},
        (2021, "21", "I1", "https://ror.org/r1", "MEX"): {"whole": 1, "fractional": 0.5},
        (2021, "21", "I4", "https://ror.org/r4", "BRA"): {"whole": 2, "fractional": 1.0},
        (2021, "21", "I6", "https://ror.org/r6", "USA"): {"whole": 1, "fractional": 0.5},
    }

    aff = pd.read_parquet(folder / "author_affiliations")
    got_aff = {
        (r.author, r.orcid, r.year, r.country, r.institution): r.works
        for r in aff.astype(object).where(aff.notna(), None).itertuples()
    }
    assert got_aff == {
        ("A1", ORCID_A1, 2020, "MEX", "I1"): 1,
        ("A1", ORCID_A1, 2020, "USA", "I2"): 1,
        ("A1", ORCID_A1, 2021, "MEX", "I1"): 1,
        ("A2", None, 2020, "MEX", "I3"): 2,
        ("A4", None, 2021, "BRA", "I4"): 2,
        ("A5", None, 2020, "YUG", "I5"): 1,
        ("A7", None, 2021, "USA", "I6"): 1,
        ("A8", None, 2021, "MEX", None): 1,
    }


# ------------------------------------------------------------------ spark fixture
def _no_spark(reason: str) -> None:
    """Skip, saying why — except in CI (CI=true), where Spark must run: a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI: the Spark tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def spark() -> Any:
    if shutil.which("java") is None:
        _no_spark("no Java runtime (java not on PATH): Spark tests skipped; .ci/run installs one")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _no_spark("PySpark not installed (pip install 'vinculo[spark]'): Spark tests skipped")
    from vinculo.evidence.snapshot import spark_session

    session = spark_session("local[2]", shuffle_partitions=2)
    yield session
    session.stop()


@pytest.fixture(params=["duckdb", "spark"])
def engine(request: pytest.FixtureRequest) -> dict[str, Any]:
    if request.param == "spark":
        return {"engine": "spark", "spark": request.getfixturevalue("spark")}
    return {"engine": "duckdb", "memory_limit": "256MB", "threads": 2}


# ------------------------------------------------------------------ tests
def test_hand_computed_values(tmp_path: Path, engine: dict[str, Any]) -> None:
    snapshot = tiny_snapshot(tmp_path / "snap")
    result = build_snapshot(snapshot, tmp_path / "out", **engine)
    assert not (tmp_path / "out.partial").exists()
    _check_tiny(result.output, result.provenance)


def test_loaded_into_the_store_once(tmp_path: Path) -> None:
    result = build_snapshot(tiny_snapshot(tmp_path / "snap"), tmp_path / "out")
    with EvidenceStore(tmp_path / "store.duckdb") as store:
        loaded = load_snapshot_output(store, result.output)
        assert {t: r.rows for t, r in loaded.items()} == result.provenance["rows"]
        assert all(r.created for r in loaded.values())
        again = load_snapshot_output(store, result.output)
        assert not any(r.created for r in again.values())
        datasets = store.datasets()
        assert len(datasets[datasets.source == "openalex-snapshot"]) == 4
        assert set(datasets.vintage[datasets.source == "openalex-snapshot"]) == {
            "openalex-snapshot-2024-02-01"
        }
        pubs = store.rows("publications", source="openalex-snapshot")
        mex = pubs[(pubs.country == "MEX") & (pubs.field == "21") & (pubs.count_type == "whole")]
        assert mex["count"].tolist() == [2.0]
        builds = store.execute("SELECT engine, snapshot_date, partitions FROM snapshot_builds")
        assert builds["partitions"].iloc[0].tolist() == ["2024-01-01", "2024-02-01"]
        assert set(builds["engine"]) == {"duckdb"}


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    columns = list(frame.columns)
    frame = frame.astype({c: "float64" for c in ("count", "works") if c in columns})
    frame = frame.astype({"year": "int64"}) if "year" in columns else frame
    return frame.sort_values(columns, na_position="first").reset_index(drop=True)


def test_parity_duckdb_spark(tmp_path: Path, spark: Any) -> None:
    snapshot = generate_snapshot(tmp_path / "gen", 3000, seed=5, works_per_file=700)
    duck = build_snapshot(snapshot, tmp_path / "duck", engine="duckdb", threads=2)
    sparked = build_snapshot(snapshot, tmp_path / "spark", engine="spark", spark=spark)
    assert duck.provenance["stats"] == sparked.provenance["stats"]
    assert duck.provenance["rows"] == sparked.provenance["rows"]
    assert duck.provenance["stats"]["merged_dropped"] == 30
    assert duck.provenance["stats"]["records_read"] == 3150  # 5% of the works twice
    for table, columns in OUTPUT_TABLES.items():
        a = _sorted(pd.read_parquet(duck.output / table)[list(columns)])
        b = _sorted(pd.read_parquet(sparked.output / table)[list(columns)])
        assert len(a) > 100, table
        pd.testing.assert_frame_equal(a, b, check_exact=True, check_dtype=False)


def _store_state(path: Path) -> pd.DataFrame:
    with EvidenceStore(path, read_only=True) as store:
        return store.datasets()[["dataset_id", "canonical_table", "row_count"]]


def _corrupt_line(snapshot: Path) -> Path:
    part = snapshot / "data/works/updated_date=2024-01-01/part_001.gz"
    lines = gzip.decompress(part.read_bytes()).split(b"\n")
    lines[1] = b'{"id": "https://openalex.org/W9", "authorships": [}'
    part.write_bytes(gzip.compress(b"\n".join(lines)))
    return part


def _truncate(snapshot: Path) -> Path:
    part = snapshot / "data/works/updated_date=2024-02-01/part_000.gz"
    data = part.read_bytes()
    part.write_bytes(data[: len(data) // 2])
    return part


def _unlisted(snapshot: Path) -> Path:
    extra = snapshot / "data/works/updated_date=2024-02-01/part_001.gz"
    shutil.copy(snapshot / "data/works/updated_date=2024-02-01/part_000.gz", extra)
    return extra


def _absent(snapshot: Path) -> Path:
    part = snapshot / "data/works/updated_date=2024-01-01/part_001.gz"
    part.unlink()
    return part


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_corrupt_line, r"part_001\.gz, line 2: not JSON"),
        (_truncate, r"part_000\.gz, after line \d+: not a complete gzip file"),
        (_unlisted, r"part_001\.gz: data file missing from the manifest"),
        (_absent, r"part_001\.gz: listed in the manifest .* but absent"),
    ],
)
def test_bad_input_leaves_the_store_unchanged(
    tmp_path: Path, engine: dict[str, Any], damage: Any, message: str
) -> None:
    store_path = tmp_path / "store.duckdb"
    good = build_snapshot(tiny_snapshot(tmp_path / "good"), tmp_path / "good-out")
    with EvidenceStore(store_path) as store:
        load_snapshot_output(store, good.output)
    before = _store_state(store_path)
    snapshot = tiny_snapshot(tmp_path / "snap")
    damage(snapshot)
    with pytest.raises(EvidenceError, match=message):
        build_snapshot(snapshot, tmp_path / "out", **engine)
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "out.partial").exists()
    pd.testing.assert_frame_equal(_store_state(store_path), before)


def test_manifest_record_count_checked(tmp_path: Path) -> None:
    snapshot = tiny_snapshot(tmp_path / "snap")
    manifest = snapshot / "data/works/manifest"
    content = json.loads(manifest.read_text())
    content["entries"][0]["meta"]["record_count"] = 4
    manifest.write_text(json.dumps(content))
    with pytest.raises(EvidenceError, match=r"part_000\.gz: 3 records read, the manifest says 4"):
        build_snapshot(snapshot, tmp_path / "out")
    assert scan_snapshot(snapshot).files[0].records == 4


def test_command_line_builds_and_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path / "home"))
    snapshot = tiny_snapshot(tmp_path / "snap")
    runner = CliRunner()
    out = tmp_path / "built"
    built = runner.invoke(
        main,
        ["data", "build", "openalex-snapshot", str(snapshot), "--output", str(out), "--no-load"],
    )
    assert built.exit_code == 0, built.output
    assert (out / "publications").is_dir()
    assert not (tmp_path / "home" / "evidence.duckdb").exists()  # --no-load: store untouched
    imported = runner.invoke(main, ["data", "import", "openalex-snapshot", str(out)])
    assert imported.exit_code == 0, imported.output
    assert "author_affiliations" in imported.output
    assert "imported" in imported.output
    result = runner.invoke(
        main, ["data", "build", "openalex-snapshot", str(snapshot), "--engine", "duckdb"]
    )
    assert result.exit_code == 0, result.output
    assert "already loaded" in result.output  # the same snapshot: nothing changes
    assert "publications" in result.output
    assert "snapshot 2024-02-01" in result.output
    with EvidenceStore(tmp_path / "home" / "evidence.duckdb", read_only=True) as store:
        aff = store.rows("author_affiliations")
        assert len(aff) == 8
    _corrupt_line(snapshot)
    bad = runner.invoke(
        main,
        ["data", "build", "openalex-snapshot", str(snapshot), "--output", str(tmp_path / "o2")],
    )
    assert bad.exit_code != 0
    assert "part_001.gz, line 2: not JSON" in bad.output


def test_capability_model_prefers_the_snapshot_tables(tmp_path: Path) -> None:
    """With the API's (coarser, whole-count) rows and the snapshot's in the store, the
    capability model measures science on the snapshot's and says so in the vintage."""
    from vinculo.strategy.capability import CapabilityModel
    from vinculo.strategy.priorities import Code, Priorities, Priority

    result = build_snapshot(tiny_snapshot(tmp_path / "snap"), tmp_path / "out")
    api = pd.DataFrame(
        [
            (year, country, "2101", "openalex-subfield", "whole", 10.0 + year - 2020)
            for year in range(2020, 2025)
            for country in ("MEX", "USA", "BRA", "FRA")
        ],
        columns=["year", "country", "field", "taxonomy", "count_type", "count"],
    )
    with EvidenceStore(tmp_path / "store.duckdb") as store:
        store.import_rows("publications", api, source="openalex", name="api", vintage="api-1",
                          file_name="t", file_sha256="0" * 64)  # fmt: skip
        load_snapshot_output(store, result.output)
        priority = Priority(
            "p",
            {"es": "p", "en": "p"},
            {"es": "p", "en": "p"},
            fields={"openalex-subfield": (Code("subfields/2101", "test"),)},
        )
        priorities = Priorities(home="MEX", title={"es": "x", "en": "x"}, priorities=(priority,))
        figures = CapabilityModel(store, priorities).figures()
    assert set(figures["vintage"]) == {"openalex-snapshot openalex-snapshot-2024-02-01"}
    mex = figures[figures["country"] == "MEX"].set_index("year")["value"]
    assert mex.loc[2020] == 0.0  # subfield 2101 has no work of 2020 in the snapshot
    assert round(float(mex.loc[2021]), 9) == round(1 / 2 + 1 / 3, 9)  # fractional, not 11


def test_leading_institutions_by_snapshot_output(tmp_path: Path) -> None:
    """With snapshot institution output in the store, a partner's leading institutions are
    ranked by fractional works in the priority's fields over the latest years (hand-computed
    from the tiny snapshot), named from ROR where it knows them; without it, by name."""
    from vinculo.strategy.capability import CapabilityModel
    from vinculo.strategy.partners import leading_institutions
    from vinculo.strategy.priorities import Code, Priorities, Priority

    result = build_snapshot(tiny_snapshot(tmp_path / "snap"), tmp_path / "out")
    ror = pd.DataFrame(
        {
            "ror_id": ["https://ror.org/r1", "https://ror.org/r9"],
            "name": ["Universidad Uno", "Instituto de Materiales Avanzados"],
            "country": ["MEX", "MEX"],
            "types": [["education"], ["facility"]],
            "aliases": [[], []],
            "latitude": [19.4, 19.4],
            "longitude": [-99.1, -99.1],
            "status": ["active", "active"],
            "city": ["Ciudad de México", "Ciudad de México"],
            "website": [None, None],
            "established": [None, None],
        }
    )
    priority = Priority(
        "p",
        {"es": "materiales", "en": "materials"},
        {"es": "p", "en": "p"},
        fields={"openalex-field": (Code("fields/11", "test"),)},
        keywords={"es": ("materiales",), "en": ("materials",)},
    )
    priorities = Priorities(home="MEX", title={"es": "x", "en": "x"}, priorities=(priority,))
    with EvidenceStore(tmp_path / "store.duckdb") as store:
        store.import_rows("institutions", ror, source="ror", name="ror", vintage="ror-v1",
                          file_name="r", file_sha256="1" * 64)  # fmt: skip
        by_name = leading_institutions(CapabilityModel(store, priorities), "MEX", "p")
        load_snapshot_output(store, result.output)
        by_output = leading_institutions(CapabilityModel(store, priorities), "MEX", "p")
        usa = leading_institutions(CapabilityModel(store, priorities), "USA", "p")
    assert list(by_name["name"]) == ["Instituto de Materiales Avanzados"]
    assert set(by_name["basis"]) == {"name"}
    # field 11, MEX: I3 (no ROR id) 1/2 + 1/3 in 2020; I1 (ROR r1) 1/3 in 2020
    assert list(by_output["name"]) == ["I3", "Universidad Uno"]
    assert [round(v, 9) for v in by_output["output"]] == [round(5 / 6, 9), round(1 / 3, 9)]
    assert set(by_output["basis"]) == {"output"}
    assert set(by_output["years"]) == {"2020"}
    assert set(by_output["vintage"]) == {"openalex-snapshot-2024-02-01"}
    assert list(usa["name"]) == ["I2"]
