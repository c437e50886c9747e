"""talent_with and ``vinculo talent`` on the staged data, against the raw files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from vinculo.cli import main
from vinculo.evidence.pull import pull
from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.talent import talent_with

HARMONIZED = "conacyt_scholarships_abroad_2012_2023/becas_extranjero_2012_2023_harmonized.csv.gz"
FLOWS = "scholar_migration_scopus_1998_2017/zhao2023_gender_pnas/0_OD_migration_flow.csv"


@pytest.fixture(scope="module")
def home(test_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("talent-home")
    with EvidenceStore(folder / "evidence.duckdb") as store:
        pull(store, ["ror", "conacyt-becas", "scholar-migration"], mirror=test_data)
    return folder


def test_talent_with_france(home, test_data):
    with gzip.open(test_data / HARMONIZED, "rt", encoding="utf-8") as handle:
        raw = pd.read_csv(handle, dtype=str)
    france = raw[raw["pais"].str.strip() == "FRANCIA"]
    with EvidenceStore(home / "evidence.duckdb", read_only=True) as store:
        found = talent_with(store, "mex", "fra")
    per_year = found.by_year.set_index("year")
    assert per_year["scholarships"].to_dict() == {
        int(y): float(n) for y, n in france.groupby("year").size().items()
    }
    assert (
        per_year.loc[2016, "new_starts"]
        == (france[france["year"] == "2016"]["inicio_beca"].str[:4] == "2016").sum()
    )
    assert per_year["partial"].to_dict()[2023]
    assert not per_year["partial"].to_dict()[2022]
    assert found.by_level["scholarships"].sum() == len(france)
    assert set(found.by_level["level"]) <= {"doctorado", "maestría", "especialidad", "otro"}
    assert found.institutions["scholarships"].is_monotonic_decreasing
    assert len(found.institutions) == 10
    assert found.vintages == {
        "conacyt-becas": "conacyt-becas-2012-2023h1",
        "scholar-migration": "mpidr-zhao2023-1998-2017",
    }
    flows = pd.read_csv(test_data / FLOWS)
    out = flows[(flows["from"] == "Mexico") & (flows["to"] == "France")]
    into = flows[(flows["from"] == "France") & (flows["to"] == "Mexico")]
    migration = found.migration.set_index("period_start")
    for period, outflow in zip(out["period_year"].str[:4].astype(int), out["all_period_flow"],
                               strict=True):  # fmt: skip
        assert migration.loc[period, "outflow"] == outflow
    for period, inflow in zip(into["period_year"].str[:4].astype(int), into["all_period_flow"],
                              strict=True):  # fmt: skip
        assert migration.loc[period, "inflow"] == inflow
    assert (migration["net"] == migration["inflow"] - migration["outflow"]).all()


def test_talent_with_a_partner_without_evidence(home):
    with EvidenceStore(home / "evidence.duckdb", read_only=True) as store:
        found = talent_with(store, "MEX", "ATA")
    assert found.empty
    assert found.vintages == {}


def test_cli_talent_json(home, monkeypatch):
    monkeypatch.setenv("VINCULO_HOME", str(home))
    result = CliRunner().invoke(main, ["talent", "--host", "ESP", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["host"] == "ESP"
    assert data["home"] == "MEX"
    assert {r["year"] for r in data["scholarships_by_year"]} == set(range(2012, 2024))
    assert len(data["migration"]) == 4


def test_cli_talent_table(home, monkeypatch):
    monkeypatch.setenv("VINCULO_HOME", str(home))
    result = CliRunner().invoke(main, ["talent", "--host", "FRA", "--top", "3"])
    assert result.exit_code == 0, result.output
    assert "MEX -> FRA: Scholarships per year" in result.output
    assert "source scholar-migration: mpidr-zhao2023-1998-2017" in result.output


def test_the_partner_reasons_carry_the_talent_flows(home):
    """The ties factor's talent reasons (partners._talent_table) agree with talent_with."""
    from types import SimpleNamespace

    from vinculo.strategy.partners import _talent_table

    with EvidenceStore(home / "evidence.duckdb", read_only=True) as store:
        table = _talent_table(SimpleNamespace(store=store), "MEX").set_index("partner")
        found = talent_with(store, "MEX", "FRA")
    france = table.loc["FRA"]
    assert france["scholarships"] == found.by_year["scholarships"].sum()
    assert france["new_starts"] == found.by_year["new_starts"].sum()
    assert (france["first"], france["last"]) == (2012, 2023)
    latest = found.migration.iloc[-1]
    assert france["period_start"] == latest["period_start"]
    assert (france["outflow"], france["inflow"]) == (latest["outflow"], latest["inflow"])
