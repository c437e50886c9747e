"""The diaspora estimate where no profiles exist, on the staged scholar-migration flows
(skipped without VINCULO_TEST_DATA), checked against the raw file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from vinculo.evidence.pull import pull
from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.talent import talent_with
from vinculo.web.people.services import migration_estimate

FLOWS = "scholar_migration_scopus_1998_2017/zhao2023_gender_pnas/0_OD_migration_flow.csv"


@pytest.fixture(scope="module")
def store(test_data: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("people-estimate")
    with EvidenceStore(folder / "evidence.duckdb") as opened:
        pull(opened, ["scholar-migration"], mirror=test_data)
    with EvidenceStore(folder / "evidence.duckdb", read_only=True) as opened:
        yield opened


def test_estimate_matches_the_raw_flows(store, test_data):
    raw = pd.read_csv(test_data / FLOWS)
    for iso3, name in (("DEU", "Germany"), ("USA", "United States")):
        estimate = migration_estimate(iso3, store)
        assert estimate is not None
        assert estimate["kind"] == "estimate"
        out = raw[(raw["from"] == "Mexico") & (raw["to"] == name)]["all_period_flow"].sum()
        back = raw[(raw["from"] == name) & (raw["to"] == "Mexico")]["all_period_flow"].sum()
        assert estimate["outflow"] == pytest.approx(out)
        assert estimate["inflow"] == pytest.approx(back)
        assert len(estimate["periods"]) == len(talent_with(store, "MEX", iso3).migration)
