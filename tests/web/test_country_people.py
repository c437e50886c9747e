"""The insights country page's people sections (issue 13): the diaspora summary for the
roles that may see the researchers in that country (an officer of a post there, planners,
administrators) and the talent flows from the evidence store for every reader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.conftest import login
from tests.web.test_insights import _small_payload
from tests.web.test_people import people  # noqa: F401 (fixture)
from vinculo.web.insights.models import Snapshot

pytestmark = pytest.mark.django_db


def _section(page: str, anchor: str) -> str | None:
    if f'id="{anchor}"' not in page:
        return None
    return page.split(f'id="{anchor}"')[1].split("</section>")[0]


@pytest.fixture
def snapshot():
    return Snapshot.objects.create(home="MEX", fingerprint="small", payload=_small_payload())


def test_the_diaspora_panel_follows_the_role(registry, people, snapshot):  # noqa: F811
    """María (battery materials, Max Planck) is the diaspora in Germany: the planner and
    the officer of the post in Germany see the counts; the officer in France and a viewer
    do not; no name is on the panel."""
    for persona in ("planner", "officer_b", "admin"):
        panel = _section(
            login(persona, registry).get("/countries/DEU/").content.decode(), "country-diaspora"
        )
        assert panel is not None, persona
        assert "1 profile Vínculo holds has a current affiliation in this country." in panel
        assert "Max Planck Society (1)" in panel
        counts = dict(re.findall(r'\?priority=([a-z-]+)">[^<]+</a>: (\d+)', panel))
        assert counts == {"lithium-value-chain": "1", "batteries": "1"}
        assert "María" not in panel
    for persona in ("officer_a", "viewer"):
        page = login(persona, registry).get("/countries/DEU/").content.decode()
        assert _section(page, "country-diaspora") is None, persona
        assert 'id="country-talent"' in page  # the flows are for everyone
    # the officer in France sees her own host country's diaspora (Rosa, CNRS)
    fr = login("officer_a", registry).get("/countries/FRA/").content.decode()
    panel = _section(fr, "country-diaspora")
    assert panel is not None
    assert "CNRS (1)" in panel


def test_the_diaspora_panel_in_spanish(registry, people, snapshot):  # noqa: F811
    planner = registry.users["planner"]
    planner.language = "es"
    planner.save(update_fields=["language"])
    page = login("planner", registry).get("/countries/DEU/").content.decode()
    panel = _section(page, "country-diaspora")
    assert panel is not None
    assert "Investigadores mexicanos de la diáspora en este país" in panel
    assert "1 perfil que tiene Vínculo tiene una afiliación actual en este país." in panel


@pytest.fixture
def talent_home(test_data: Path, tmp_path_factory, monkeypatch) -> Path:
    from vinculo.evidence.pull import pull
    from vinculo.evidence.store import EvidenceStore

    folder = tmp_path_factory.mktemp("country-talent")
    with EvidenceStore(folder / "evidence.duckdb") as store:
        pull(store, ["ror", "conacyt-becas", "scholar-migration"], mirror=test_data)
    monkeypatch.setenv("VINCULO_HOME", str(folder))
    return folder


def test_the_talent_flows_for_every_reader(registry, snapshot, talent_home, test_data):
    """The scholarships Mexico paid in France per year and the scholars' migration, from
    the staged CONACYT lists and MPIDR flows (checked against the raw files)."""
    import gzip

    import pandas as pd

    with gzip.open(
        test_data / "conacyt_scholarships_abroad_2012_2023/"
        "becas_extranjero_2012_2023_harmonized.csv.gz",
        "rt",
        encoding="utf-8",
    ) as handle:
        raw = pd.read_csv(handle, dtype=str)
    france = raw[raw["pais"].str.strip() == "FRANCIA"]
    per_year = france.groupby("year").size()
    flows = pd.read_csv(
        test_data / "scholar_migration_scopus_1998_2017/zhao2023_gender_pnas/"
        "0_OD_migration_flow.csv"
    )
    latest = flows[(flows["period_year"] == "2013-2017")]
    out = int(
        latest[(latest["from"] == "Mexico") & (latest["to"] == "France")]["all_period_flow"].sum()
    )
    for persona in ("viewer", "officer_b"):
        page = login(persona, registry).get("/countries/FRA/").content.decode()
        talent = _section(page, "country-talent")
        assert talent is not None
        assert f'<td>2016</td><td class="num">{per_year["2016"]}</td>' in talent
        assert f"2013–2017: out {out}," in talent
        assert "conacyt-becas (conacyt-becas-2012-2023h1)" in talent
        assert "no person is named" in talent
        for name in france["nombre_becario"].head(20):
            assert name not in page
