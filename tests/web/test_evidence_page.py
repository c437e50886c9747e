"""The evidence page: every dataset of the store with its vintage, and the OpenAlex works
snapshot builds with their provenance (issue #14, part 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.evidence.test_openalex_snapshot import tiny_snapshot
from vinculo.evidence.snapshot import build_snapshot, load_snapshot_output
from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.capability import CapabilityModel
from vinculo.strategy.priorities import default_priorities
from vinculo.web.insights.models import Snapshot
from vinculo.web.insights.services import _snapshot_builds


def _store_payload(tmp_path: Path, *, with_build: bool) -> dict:
    with EvidenceStore(tmp_path / "store.duckdb") as store:
        if with_build:
            result = build_snapshot(tiny_snapshot(tmp_path / "snap"), tmp_path / "out")
            load_snapshot_output(store, result.output)
        model = CapabilityModel(store, default_priorities())
        datasets = store.datasets()[["canonical_table", "source", "name", "vintage", "row_count"]]
        return {
            "datasets": datasets.astype(str).to_dict("records"),
            "snapshot_builds": _snapshot_builds(model),
        }


def test_the_snapshot_builds_are_read_from_the_store(tmp_path):
    payload = _store_payload(tmp_path, with_build=True)
    (build,) = payload["snapshot_builds"]
    assert build["vintage"] == "openalex-snapshot-2024-02-01"
    assert build["engine"] == "duckdb"
    assert build["snapshot_date"] == "2024-02-01"
    assert build["merged_dropped"] == 1
    assert build["works_kept"] > 0
    assert sorted(t["table"] for t in build["tables"]) == [
        "author_affiliations",
        "coauthorship",
        "institution_output",
        "publications",
    ]
    rows = {d["canonical_table"]: int(d["row_count"]) for d in payload["datasets"]}
    assert {t["table"]: t["rows"] for t in build["tables"]} == rows
    assert _store_payload(tmp_path / "empty", with_build=False)["snapshot_builds"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["viewer", "officer_a", "planner"])
def test_the_evidence_page_lists_datasets_and_builds(registry, tmp_path, persona):
    from tests.web.conftest import login

    payload = _store_payload(tmp_path, with_build=True)
    Snapshot.objects.create(home="MEX", fingerprint="evidence", payload=payload)
    client = login(persona, registry)
    html = client.get("/evidence/?lang=en").content.decode()
    main = html.split('<main id="content"')[1]
    assert main.count("openalex-snapshot-2024-02-01") == 1 + 4  # the build, its four tables
    assert "institution_output" in main
    assert "author_affiliations" in main
    assert "duckdb" in main
    assert 'class="snapshot"' in main


@pytest.mark.django_db
def test_the_evidence_page_says_when_no_build_is_loaded(registry, tmp_path):
    from tests.web.conftest import login

    Snapshot.objects.create(
        home="MEX",
        fingerprint="none",
        payload={"datasets": [{"canonical_table": "publications", "source": "openalex",
                               "name": "api", "vintage": "api-1", "row_count": "1234"}]},
    )  # fmt: skip
    html = login("viewer", registry).get("/evidence/?lang=en").content.decode()
    assert "No snapshot build is loaded" in html
    assert '<td>api-1</td><td class="num">1,234</td>' in html
    registry.users["planner"].language = "es"
    registry.users["planner"].save()
    spanish = login("planner", registry).get("/evidence/").content.decode()
    assert "No hay ninguna instantánea cargada" in spanish
