"""The evidence store: migrations, provenance, idempotent imports, vintages, atomicity."""

from __future__ import annotations

import pandas as pd
import pytest

from vinculo.evidence.store import CANONICAL_TABLES, MIGRATIONS, EvidenceError, EvidenceStore


def _exports(value: float = 10.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2016, 2016, 2016],
            "country": ["MEX", "MEX", "FRA"],
            "product": ["0101", "8507", "8507"],
            "classification": "hs92",
            "value_usd": [value, 250.0, 300.0],
        }
    )


def _import(store: EvidenceStore, frame: pd.DataFrame, sha: str, vintage: str = "2016"):
    return store.import_rows(
        "exports",
        frame,
        source="atlas",
        name="hs92-4digit",
        vintage=vintage,
        file_name="exports.parquet",
        file_sha256=sha,
    )


def test_a_new_store_is_migrated_and_reopening_applies_nothing(tmp_path):
    path = tmp_path / "evidence.duckdb"
    with EvidenceStore(path) as store:
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
        assert store.migrate() == []
    with EvidenceStore(path) as store:
        assert store.migrate() == []
        assert store.datasets().empty


def test_every_table_has_the_columns_of_the_schema_in_order(tmp_path):
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        for table, columns in CANONICAL_TABLES.items():
            described = store.execute(f"DESCRIBE {table}")
            assert described["column_name"].tolist() == ["dataset_id", *columns]


def test_an_older_store_is_upgraded_and_keeps_its_rows(tmp_path, monkeypatch):
    path = tmp_path / "evidence.duckdb"
    monkeypatch.setattr("vinculo.evidence.store.MIGRATIONS", MIGRATIONS[:3])
    with EvidenceStore(path) as old:
        assert old.applied_migrations()[-1] == "0003_locations"
        assert "status" not in old.execute("DESCRIBE institutions")["column_name"].tolist()
        old._db.execute(
            "INSERT INTO datasets VALUES (1, 'institutions', 'ror', 'r', 'v1', 'f', 'x', "
            "now(), now(), '0', 1); INSERT INTO institutions VALUES "
            "(1, 'https://ror.org/01tmp8f25', 'UNAM', 'MEX', ['education'], [], 19.3, -99.2)"
        )
    monkeypatch.setattr("vinculo.evidence.store.MIGRATIONS", MIGRATIONS)
    with EvidenceStore(path) as store:
        assert store.applied_migrations()[-1] == MIGRATIONS[-1][0]
        rows = store.rows("institutions")
        assert rows["name"].tolist() == ["UNAM"]
        assert rows["status"].isna().all()


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        first = _import(store, _exports(), "a" * 64)
        second = _import(store, _exports(), "a" * 64)
        assert first.created
        assert not second.created
        assert second.dataset_id == first.dataset_id
        assert len(store.rows("exports")) == 3
        status = store.datasets()
        assert len(status) == 1
        assert status.loc[0, "row_count"] == 3
        assert status.loc[0, "source"] == "atlas"
        assert status.loc[0, "vintage"] == "2016"


def test_a_changed_file_is_a_new_vintage_and_the_old_one_stays_queryable(tmp_path):
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        _import(store, _exports(10.0), "a" * 64, vintage="release-2023")
        _import(store, _exports(99.0), "b" * 64, vintage="release-2024")
        latest = store.rows("exports")
        assert set(latest["vintage"]) == {"release-2024"}
        assert latest.loc[latest["product"] == "0101", "value_usd"].item() == 99.0
        old = store.rows("exports", vintage="release-2023")
        assert old.loc[old["product"] == "0101", "value_usd"].item() == 10.0
        assert len(store.datasets()) == 2


def test_a_failed_import_leaves_the_store_exactly_as_it_was(tmp_path):
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        _import(store, _exports(), "a" * 64)
        before = (store.datasets(), store.rows("exports"))
        broken = _exports().astype({"year": object})
        broken.loc[2, "country"] = None  # NOT NULL violated on the last row
        with pytest.raises(
            EvidenceError, match=r"exports.parquet: cannot import into exports.*NOT NULL"
        ):
            _import(store, broken, "c" * 64)
        pd.testing.assert_frame_equal(store.datasets(), before[0])
        pd.testing.assert_frame_equal(store.rows("exports"), before[1])
        assert store.execute("SELECT count(*) AS n FROM exports")["n"].item() == 3


def test_unknown_tables_and_missing_columns_are_refused(tmp_path):
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        with pytest.raises(EvidenceError, match="unknown canonical table 'trade'"):
            store.import_rows(
                "trade", _exports(), source="x", name="y", vintage="v", file_name="f",
                file_sha256="d" * 64,
            )  # fmt: skip
        with pytest.raises(EvidenceError, match=r"missing column\(s\) \['value_usd'\]"):
            _import(store, _exports().drop(columns="value_usd"), "e" * 64)
        assert store.datasets().empty


def test_provenance_is_recorded(tmp_path):
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        _import(store, _exports(), "f" * 64)
        row = store.datasets().iloc[0]
        assert row["file_sha256"] == "f" * 64
        assert row["file_name"] == "exports.parquet"
        assert row["canonical_table"] == "exports"
        assert row["importer_version"]
        assert row["imported_at"] >= row["retrieved_at"]
