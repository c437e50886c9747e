"""The insight snapshot (strategy engine results on the staged evidence) and the dashboard."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from vinculo.evidence.pull import pull
from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.capability import CapabilityModel
from vinculo.strategy.priorities import default_priorities
from vinculo.web.insights.models import Snapshot
from vinculo.web.insights.services import _payload, insights_refresh, store_fingerprint

MEXICO = default_priorities()
# two priorities keep the test quick; one has a value chain
PRIORITIES = replace(
    MEXICO,
    priorities=tuple(p for p in MEXICO.priorities if p.id in ("lithium-value-chain", "aerospace")),
)


@pytest.fixture(scope="module")
def evidence(test_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("insights") / "evidence.duckdb"
    with EvidenceStore(path) as store:
        pull(store, mirror=test_data)
    return path


@pytest.fixture(scope="module")
def payload(evidence: Path) -> dict:
    with EvidenceStore(evidence, read_only=True) as store:
        return _payload(CapabilityModel(store, PRIORITIES), PRIORITIES)


@pytest.mark.realdata
def test_the_payload_holds_the_engines_results(payload, test_data):
    assert payload["home"] == "MEX"
    assert payload["home_names"] == {"es": "México", "en": "Mexico"}
    heat = {(row["priority"], row["component"]) for row in payload["heat"]}
    assert heat == {(p, c) for p in ("lithium-value-chain", "aerospace")
                    for c in ("science", "technology", "trade")}  # fmt: skip
    top = payload["partners"]["aerospace"]["top"]
    assert [row["rank"] for row in top] == sorted(row["rank"] for row in top)
    assert round(top[0]["score"], 4) == max(payload["partners"]["aerospace"]["scores"].values())
    for row in top:
        assert sum(row["contributions"].values()) == pytest.approx(row["score"])
    france = next(row for row in payload["network"] if row["partner"] == "FRA")
    assert (france["works"], france["year"]) == (1609, 2023)  # the staged OpenAlex file
    chain = payload["chains"]["lithium-value-chain"]
    assert [s["id"] for s in chain["stages"]] == [s.id for s in MEXICO.priority(
        "lithium-value-chain").chain]  # fmt: skip
    assert "aerospace" not in payload["chains"]
    assert payload["iso_numeric"]["MEX"] == "484"
    json.dumps(payload)  # storable as JSON


@pytest.mark.realdata
@pytest.mark.django_db
def test_refresh_computes_once_per_evidence_vintage(evidence):
    first = insights_refresh(store_path=evidence, priorities=PRIORITIES)
    again = insights_refresh(store_path=evidence, priorities=PRIORITIES)
    assert again.pk == first.pk
    assert Snapshot.objects.count() == 1
    with EvidenceStore(evidence, read_only=True) as store:
        assert first.fingerprint == store_fingerprint(store)


@pytest.mark.realdata
@pytest.mark.django_db
def test_the_dashboard_shows_every_panel(client, django_user_model, payload):
    Snapshot.objects.create(home="MEX", fingerprint="x", payload=payload)
    user = django_user_model.objects.create_user("vera", password="pw-for-tests-1", role="viewer")
    client.force_login(user)
    page = client.get("/?priority=aerospace")
    assert page.status_code == 200
    html = page.content.decode()
    for panel in ("panel-heat", "panel-map", "panel-network", "panel-chain", "panel-coverage",
                  "panel-partners"):  # fmt: skip
        assert f'id="{panel}"' in html
    data = json.loads(html.split('id="dashboard-data" type="application/json">')[1].split("<")[0])
    assert data["priority"] == "aerospace"
    assert data["scores"] == payload["partners"]["aerospace"]["scores"]
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    fallback = client.get("/?priority=nonsense")
    assert fallback.status_code == 200
    assert '"priority": "lithium-value-chain"' in fallback.content.decode()


@pytest.mark.django_db
def test_without_a_snapshot_the_dashboard_says_what_to_run(client, django_user_model):
    user = django_user_model.objects.create_user("vera", password="pw-for-tests-1", role="viewer")
    client.force_login(user)
    page = client.get("/")
    assert page.status_code == 200
    assert b"refresh_insights" in page.content


@pytest.mark.realdata
@pytest.mark.django_db
def test_a_posts_brief_downloads_in_both_languages_within_scope(
    client, django_user_model, evidence, tmp_path, monkeypatch
):
    from vinculo.web.registry.models import Country, Post

    settings_home = tmp_path / "home"
    settings_home.mkdir()
    (settings_home / "evidence.duckdb").symlink_to(evidence)
    france = Country.objects.create(code="FRA", name_es="Francia", name_en="France")
    spain = Country.objects.create(code="ESP", name_es="España", name_en="Spain")
    paris = Post.objects.create(name="Embajada en Francia", kind="embassy", host_country=france,
                                city="París")  # fmt: skip
    madrid = Post.objects.create(name="Embajada en España", kind="embassy", host_country=spain,
                                 city="Madrid")  # fmt: skip
    officer = django_user_model.objects.create_user("olga", password="pw-for-tests-1",
                                                    role="officer")  # fmt: skip
    officer.posts.add(paris)
    client.force_login(officer)
    monkeypatch.setenv("VINCULO_HOME", str(settings_home))
    html = client.get(f"/posts/{paris.pk}/brief.html?lang=es")
    assert html.status_code == 200
    body = b"".join(html.streaming_content).decode()
    assert '<html lang="es' in body
    assert "Francia" in body
    pdf = client.get(f"/posts/{paris.pk}/brief.pdf?lang=en")
    assert pdf.status_code == 200
    assert pdf["Content-Disposition"].startswith('attachment; filename="brief-FRA-en.pdf"')
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    # another post's brief: not found for this officer
    assert client.get(f"/posts/{madrid.pk}/brief.html?lang=es").status_code == 404
    assert client.get(f"/posts/{paris.pk}/brief.docx?lang=es").status_code == 404


@pytest.mark.realdata
@pytest.mark.django_db
def test_priority_and_country_pages(client, django_user_model, payload):
    Snapshot.objects.create(home="MEX", fingerprint="x", payload=payload)
    user = django_user_model.objects.create_user("vera", password="pw-for-tests-1", role="viewer",
                                                 language="en")  # fmt: skip
    client.force_login(user)
    page = client.get("/priorities/aerospace/")
    assert page.status_code == 200
    html = page.content.decode()
    best = payload["partners"]["aerospace"]["ranked"][0]
    assert best["names"]["en"] in html
    assert best["reasons"]["en"][0] in html
    assert "complementarity" in html
    assert client.get("/priorities/no-such-thing/").status_code == 404
    country = client.get("/countries/fra/")
    assert country.status_code == 200
    text = country.content.decode()
    assert "As a partner of Mexico" in text
    series = json.loads(text.split('id="coauthorship-data" type="application/json">')[1]
                        .split("<")[0])  # fmt: skip
    assert [2023, 1609.0] in series
    assert client.get("/countries/MEX/").status_code == 404  # the home country is no partner
    assert client.get("/countries/XXX/").status_code == 404


@pytest.mark.realdata
@pytest.mark.django_db
def test_the_insights_api_serves_what_the_pages_show(client, django_user_model, payload):
    from vinculo.web.registry.models import Agreement, Country, Post

    Snapshot.objects.create(home="MEX", fingerprint="x", payload=payload)
    france = Country.objects.create(code="FRA", name_es="Francia", name_en="France")
    paris = Post.objects.create(name="Embajada en Francia", kind="embassy", host_country=france,
                                city="París")  # fmt: skip
    officer = django_user_model.objects.create_user("olga", password="pw-for-tests-1",
                                                    role="officer")  # fmt: skip
    other = django_user_model.objects.create_user("omar", password="pw-for-tests-1",
                                                  role="officer")  # fmt: skip
    officer.posts.add(paris)
    Agreement.objects.create(title="Satélites", kind="government", partner_country=france,
                             post=paris, priorities=["aerospace"], status="in_force",
                             created_by=officer)  # fmt: skip
    client.force_login(officer)
    priority = client.get("/api/v1/insights/priorities/aerospace?top=3").json()
    ranked = payload["partners"]["aerospace"]["ranked"]
    assert priority["candidates"] == len(ranked)
    assert [p["partner"] for p in priority["partners"]] == [r["partner"] for r in ranked[:3]]
    assert priority["partners"][0]["reasons"]["es"] == ranked[0]["reasons"]["es"]
    assert {g["component"] for g in priority["gaps"]} == {"science", "technology", "trade"}
    country = client.get("/api/v1/insights/countries/FRA").json()
    assert country["names"] == {"es": "Francia", "en": "France"}
    assert [2023, 1609.0] in country["coauthorship"]
    cells = {(c[0], c[1]): c[2] for c in client.get("/api/v1/insights/coverage").json()["cells"]}
    assert cells[("FRA", "aerospace")] == 1
    client.force_login(other)  # an officer of no post does not see Paris's agreement
    cells = {(c[0], c[1]): c[2] for c in client.get("/api/v1/insights/coverage").json()["cells"]}
    assert cells[("FRA", "aerospace")] == 0
    assert client.get("/api/v1/insights/priorities/nothing").status_code == 404
