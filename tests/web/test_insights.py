"""The insight snapshot (strategy engine results on the staged evidence) and the dashboard."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

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
def evidence(staged_home: Path) -> Path:
    return staged_home / "evidence.duckdb"


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
                    for c in ("science", "technology", "trade", "infrastructure")}  # fmt: skip
    assert all(0 <= row["score"] <= 100 for row in payload["heat"])
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
    ores = chain["stages"][0]
    assert {r["indicator"] for r in ores["resources"]} == {
        "lithium_mine_production_t", "lithium_reserves_t"}  # fmt: skip
    assert payload["absent"]["aerospace"] == {}
    best = payload["partners"]["aerospace"]["ranked"][0]
    assert best["offers"]["es"]
    assert best["offers_structured"]
    assert payload["iso_numeric"]["MEX"] == "484"
    # the heat map of a priority: the home country and its nine best partners
    heat = payload["heat_countries"]["aerospace"]
    assert heat["countries"] == ["MEX"] + [r["partner"] for r in top[:9]]
    assert {c for c, _component, _score in heat["cells"]} <= set(heat["countries"])
    assert all(0 <= score <= 100 for _c, _component, score in heat["cells"])
    mine = {k: v for c, k, v in heat["cells"] if c == "MEX"}
    expected = {r["component"]: r["score"] for r in payload["gaps"] if r["priority"] == "aerospace"}
    assert mine == pytest.approx({k: round(v, 1) for k, v in expected.items()})
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
    client, django_user_model, evidence, tmp_path, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
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
    # the first reader starts the preparation (run here: the tests' runner is inline)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(f"/posts/{paris.pk}/brief.html?lang=es")
    assert waiting.status_code == 200
    assert waiting["X-Vinculo-Brief"].startswith("preparing")
    html = client.get(f"/posts/{paris.pk}/brief.html?lang=es")
    assert html.status_code == 200
    assert html["X-Vinculo-Brief"] == "current"
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
    # in Spanish the scores read as the reasons beside them (es-MX: 0.52, not 0,52)
    from tests.web.test_formatting import _comma_decimals
    from vinculo.strategy.i18n import number

    user.language = "es"
    user.save(update_fields=["language"])
    spanish = client.get("/priorities/aerospace/").content.decode()
    assert f"<td>{number(best['score'], 'es', 3)}</td>" in spanish
    assert best["reasons"]["es"][0] in spanish
    assert not _comma_decimals(spanish)
    user.language = "en"
    user.save(update_fields=["language"])
    assert client.get("/priorities/no-such-thing/").status_code == 404
    country = client.get("/countries/fra/")
    assert country.status_code == 200
    text = country.content.decode()
    assert "As a partner of Mexico" in text
    # the forums France leads, from the forums registry (issue 15)
    forums = text.split('id="country-forums"')[1].split("</section>")[0]
    assert "/forums/iea-hydrogen-tcp/" in forums
    assert "/forums/gpai/" in forums
    assert "/forums/iso-tc-333/" not in forums  # China's
    # France's transfer model and IP regime: none until the records are seeded, then the
    # three questions with their sourced facts (issue 15)
    assert 'id="transfer-regime"' not in text
    from vinculo.strategy.transfer import default_transfer_models
    from vinculo.web.transfer.services import transfer_seed

    transfer_seed(models={"FRA": default_transfer_models()["FRA"]})
    regime = client.get("/countries/fra/").content.decode().split('id="transfer-regime"')[1]
    regime = regime.split("</section>")[0]
    assert "Who will own the results" in regime
    first = default_transfer_models()["FRA"].dimension("ownership")[0]
    assert first.source.url.replace("&", "&amp;") in regime
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
    first = priority["partners"][0]
    # reasons and offers as objects: the code, the values they quote, the text in each language
    assert [r["text"]["es"] for r in first["reasons"]] == ranked[0]["reasons"]["es"]
    assert first["reasons"] == ranked[0]["reasons_structured"]
    assert [o["text"]["en"] for o in first["offers"]] == ranked[0]["offers"]["en"]
    assert {r["factor"] for r in first["reasons"]} <= {"strength", "complementarity", "ties",
                                                      "capacity", "proximity"}  # fmt: skip
    assert {g["component"] for g in priority["gaps"]} == {
        "science", "technology", "trade", "infrastructure"}  # fmt: skip
    for gap in priority["gaps"]:
        assert gap["leader"] != "MEX"
        assert gap["leader_share"] >= 0.01
        assert gap["world_position"] == (gap["countries"] >= 30)
    country = client.get("/api/v1/insights/countries/FRA").json()
    assert country["names"] == {"es": "Francia", "en": "France"}
    assert [2023, 1609.0] in country["coauthorship"]
    cells = {(c[0], c[1]): c[2] for c in client.get("/api/v1/insights/coverage").json()["cells"]}
    assert cells[("FRA", "aerospace")] == 1
    client.force_login(other)  # an officer of no post does not see Paris's agreement
    cells = {(c[0], c[1]): c[2] for c in client.get("/api/v1/insights/coverage").json()["cells"]}
    assert cells[("FRA", "aerospace")] == 0
    assert client.get("/api/v1/insights/priorities/nothing").status_code == 404


# ---------------------------------------------------------------- cost and scope
def _ranked(partner: str, names: tuple[str, str], rank: int, score: float) -> dict:
    return {
        "partner": partner,
        "names": {"es": names[0], "en": names[1]},
        "rank": rank,
        "score": score,
        "contributions": {"strength": score / 2, "complementarity": score / 2},
        "rank_range": [rank, rank + 1],
        "stable": rank == 1,
        "reasons": {"es": [f"razón {partner}"], "en": [f"reason {partner}"]},
        "offers": {"es": [f"oferta a {partner}"], "en": [f"offer to {partner}"]},
        "reasons_structured": [
            {
                "factor": "strength",
                "code": "reason.strength",
                "values": {"share": 0.12, "value": 1.5},
                "text": {"es": f"razón {partner}", "en": f"reason {partner}"},
            }
        ],
        "offers_structured": [
            {
                "code": "offer.field",
                "values": {"mine": 2.0, "partner": 0.5},
                "text": {"es": f"oferta a {partner}", "en": f"offer to {partner}"},
            }
        ],
    }


def _small_payload(tag: str = "") -> dict:
    """A hand-made snapshot of two priorities and two partners (the engine's own payload
    needs the staged evidence: the real-data tests above)."""
    france = _ranked("FRA", (f"Francia{tag}", f"France{tag}"), 1, 0.8)
    germany = _ranked("DEU", (f"Alemania{tag}", f"Germany{tag}"), 2, 0.6)
    partners = {
        "scores": {"FRA": 0.8, "DEU": 0.6},
        "candidates": 2,
        "ranked": [france, germany],
        "top": [france, germany],
    }
    gap = {
        "basis": "b",
        "year": 2022,
        "value": 1500.0,
        "world_share": 0.0052,
        "mass_rank": 31.0,
        "countries": 138,
        "world_position": True,
        "metric": "activity_index",
        "specialization": 0.5,
        "specialization_raw": 0.49,
        "share_percentile": 70.0,
        "specialization_percentile": 40.0,
        "peer_percentile": 50.0,
        "score": 30.0,
        "gap": 60.0,
        "leader": "DEU",
        "leader_share": 0.21,
        "leader_value": 90000.0,
        "leader_specialization": 1.3,
        "most_specialised": "FRA",
        "most_specialised_value": 2.1,
        "most_specialised_share": 0.03,
        "vintage": "v1",
    }
    stage = {
        "id": "ores",
        "names": {"es": "Minerales", "en": "Ores"},
        "rca": 0.2,
        "world_share": 0.004,
        "score": 30.0,
        "leaders": ["AUS"],
        "year": 2017,
        "classification": "hs07",
        "vintage": "v2",
        "resources": [
            {
                "indicator": "lithium_reserves_t",
                "names": {"es": "Reservas de litio", "en": "Lithium reserves"},
                "unit": "t Li",
                "year": 2024,
                "value": 0.0,
                "world_share": 0.0,
                "leader": "CHL",
                "leader_share": 0.33,
                "vintage": "usgs usgs-mcs2025",
            }
        ],
    }
    return {
        "home": "MEX",
        "home_names": {"es": "México", "en": "Mexico"},
        "title": {"es": "Prioridades", "en": "Priorities"},
        "priorities": [
            {"id": "aerospace", "names": {"es": "Aeroespacial", "en": "Aerospace"}, "chain": False},
            {"id": "lithium-value-chain", "names": {"es": "Litio", "en": "Lithium"}, "chain": True},
        ],
        "components": ["science", "technology", "trade", "infrastructure"],
        "factors": ["strength", "complementarity"],
        "gaps": [
            {"priority": p, "component": c, **gap}
            for p in ("aerospace", "lithium-value-chain")
            for c in ("science", "trade")
        ],
        "heat": [{"priority": "aerospace", "component": "science", "score": 30.0, "gap": 60.0}],
        "partners": {"aerospace": partners, "lithium-value-chain": partners},
        "chains": {
            "lithium-value-chain": {"gap_stage": "ores", "next_step": None, "stages": [stage]}
        },
        "network": [
            {
                "partner": "FRA",
                "names": {"es": "Francia", "en": "France"},
                "works": 10.0,
                "year": 2023,
                "vintage": "v3",
            }
        ],
        "coauthorship": {"FRA": [[2022, 8.0], [2023, 10.0]]},
        "coauthorship_vintage": "v3",
        "iso_numeric": {"MEX": "484", "FRA": "250", "DEU": "276"},
        "absent": {
            "aerospace": {},
            "lithium-value-chain": {"technology": {"es": "no aplica", "en": "not relevant"}},
        },
        "datasets": [],
    }


def _dashboard_data(html: str) -> dict:
    return json.loads(html.split('id="dashboard-data" type="application/json">')[1].split("<")[0])


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_pages_share_the_snapshot_but_each_user_sees_their_scope(registry):
    """The sections derived from the snapshot are built once and shared; the agreements
    and the coverage are each user's own (officer A sees post A's agreement with France,
    officer B does not), in whichever order they come."""
    from tests.web.conftest import login
    from vinculo.web.registry.models import Agreement

    Snapshot.objects.create(home="MEX", fingerprint="small", payload=_small_payload())
    Agreement.objects.filter(pk=registry.agreement_central.pk).update(status="expired")
    Agreement.objects.create(
        title="Satélites con Francia",
        kind="government",
        status="in_force",
        post=registry.post_a,
        partner_country=registry.france,
        priorities=["aerospace"],
        created_by=registry.users["planner"],
    )
    officer_a, officer_b = login("officer_a", registry), login("officer_b", registry)
    for client, sees in ((officer_b, False), (officer_a, True), (officer_b, False)):
        home = client.get("/?priority=aerospace").content.decode()
        cells = {(c[0], c[1]): c[2] for c in _dashboard_data(home)["coverage"]["cells"]}
        assert cells[("FRA", "aerospace")] == (1 if sees else 0)
        assert "reason FRA" in home  # the shared panels
        priority = client.get("/priorities/aerospace/").content.decode()
        assert ("Satélites con Francia" in priority) is sees
        assert f"Agreements covering this priority ({1 if sees else 0})" in priority
        assert "reason DEU" in priority
        country = client.get("/countries/FRA/").content.decode()
        assert ("Satélites con Francia" in country) is sees
        assert "As a partner of Mexico" in country
        assert "[[2022, 8.0], [2023, 10.0]]" in country


@pytest.mark.django_db
def test_the_shared_sections_follow_each_users_language(registry):
    from tests.web.conftest import login

    Snapshot.objects.create(home="MEX", fingerprint="small", payload=_small_payload())
    english = login("viewer", registry)
    registry.users["legal"].language = "es"
    registry.users["legal"].save()
    spanish = login("legal", registry)
    expected = {
        english: ("France", "reason FRA", "Capability gaps"),
        spanish: ("Francia", "razón FRA", "Brechas de capacidad"),
    }
    for _ in range(2):  # built by the first user, read by the second
        for client, words in expected.items():
            page = client.get("/priorities/lithium-value-chain/").content.decode()
            assert all(word in page for word in words), words
            home = client.get("/").content.decode()
            assert words[0] in home
            assert _dashboard_data(home)["language"] == ("en" if client is english else "es")


@pytest.mark.django_db
def test_a_new_snapshot_replaces_what_was_derived_from_the_old_one(registry):
    from tests.web.conftest import login

    client = login("viewer", registry)
    Snapshot.objects.create(home="MEX", fingerprint="old", payload=_small_payload(" (old)"))
    assert "France (old)" in client.get("/priorities/aerospace/").content.decode()
    assert "France (old)" in client.get("/").content.decode()
    Snapshot.objects.create(home="MEX", fingerprint="new", payload=_small_payload(" (new)"))
    for url in ("/priorities/aerospace/", "/"):
        page = client.get(url).content.decode()
        assert "France (new)" in page
        assert "France (old)" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["planner", "officer_a", "viewer"])
@pytest.mark.parametrize(
    ("url", "most"),
    [("/", 7), ("/?priority=lithium-value-chain", 7), ("/priorities/aerospace/", 5),
     ("/countries/FRA/", 9)],
)  # fmt: skip
def test_the_insight_pages_query_a_fixed_number_of_times(registry, persona, url, most):
    """Session, user, the snapshot's id, then the agreements: counted by the database
    (coverage: one row per partner country), never one query per agreement; the home page
    also counts the opportunities per status (one aggregate) and reads the projects'
    specialist needs (mobility.selectors.capital_summary: one query, two with needs) and,
    for the roles that see researchers, the stored diaspora per host country (one); the
    country page reads the partner's transfer-model record (one query) and, for the roles
    that see researchers, the diaspora panel (the officer's host countries, the diaspora
    profiles, their affiliations: up to three)."""
    from tests.web.conftest import header_queries, login
    from vinculo.web.registry.models import Agreement

    Snapshot.objects.create(home="MEX", fingerprint="small", payload=_small_payload())
    client = login(persona, registry)
    client.get(url)  # the process reads the snapshot's payload once
    few = _queries(client, url)
    planner = registry.users["planner"]
    Agreement.objects.bulk_create(
        Agreement(title=f"Acuerdo {i}", kind="institutional", status="in_force",
                  post=[registry.post_a, registry.post_b][i % 2],
                  partner_country=[registry.france, registry.germany][i % 2],
                  priorities=["aerospace", "lithium-value-chain"][: 1 + i % 2], created_by=planner)
        for i in range(80)
    )  # fmt: skip
    assert _queries(client, url) == few <= most + header_queries(persona)


# ---------------------------------------------------------------- reachability, names, text
def _rich_payload() -> dict:
    """The small snapshot with more countries (accents to sort), a heat map per priority
    (the home country and its partners) and a value chain of three stages."""
    payload = _small_payload()
    payload["iso_numeric"].update(
        {"BEL": "56", "BLZ": "84", "AUT": "40", "ISL": "352", "ALA": "248", "BYS": "112"}
    )  # BYS: the Byelorussian SSR, historic: no entry in the index
    payload["heat_countries"] = {
        "aerospace": {
            "countries": ["MEX", "FRA", "DEU"],
            "cells": [["MEX", "science", 12.0], ["FRA", "science", 61.0], ["DEU", "trade", 88.0]],
        },
        "lithium-value-chain": {
            "countries": ["MEX", "DEU"],
            "cells": [["MEX", "trade", 36.0], ["DEU", "science", 47.0]],
        },
    }
    for gap in payload["gaps"]:
        gap["vintage"] = "openalex openalex-2025-12-03"
    ores = payload["chains"]["lithium-value-chain"]["stages"][0]
    payload["chains"]["lithium-value-chain"] = {
        "gap_stage": "ores",
        "next_step": {
            "stage": "recycling",
            "product": "8548",
            "why": "scrap",
            "density": 0.19,
            "rca": 0.5290082814539372,
            "pci": -1.6,
        },
        "stages": [
            {**ores, "score": 35.1, "rca": 0.59},
            {
                **ores,
                "id": "cells",
                "names": {"es": "Celdas", "en": "Cells"},
                "score": 19.5,
                "rca": 0.16,
                "leaders": ["CHN", "KOR"],
            },
            {
                **ores,
                "id": "recycling",
                "names": {"es": "Reciclaje", "en": "Recycling"},
                "score": 29.97,
                "rca": 0.5290082814539372,
            },
        ],
    }
    return payload


def _links(html: str) -> list[tuple[str, str]]:
    import re

    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("viewer", ["Åland Islands", "Austria", "Belgium", "Belize", "France", "Germany",
                    "Iceland"]),
        ("legal", ["Alemania", "Austria", "Bélgica", "Belice", "Francia", "Islandia",
                   "Islas Åland"]),
    ],
)  # fmt: skip
def test_the_countries_index_lists_every_country_by_name(registry, persona, expected):
    """By name in the user's language, accents and case ignored (not by ISO code, not by
    code point: "Bélgica" before "Belice", "Åland" among the A), each linking to its page;
    the home country has no page and is not listed."""
    from tests.web.conftest import login

    registry.users["legal"].language = "es"
    registry.users["legal"].save()
    Snapshot.objects.create(home="MEX", fingerprint="rich", payload=_rich_payload())
    client = login(persona, registry)
    page = client.get("/countries/")
    assert page.status_code == 200
    html = page.content.decode()
    listed = [(href, text) for href, text in _links(html) if href.startswith("/countries/")
              and href != "/countries/"]  # fmt: skip
    assert [text for _href, text in listed] == expected
    codes = {"Francia": "FRA", "France": "FRA", "Bélgica": "BEL", "Belgium": "BEL"}
    for href, text in listed:
        if text in codes:
            assert href == f"/countries/{codes[text]}/"
        assert client.get(href).status_code == 200
    assert "México" not in html.split('<main id="content"')[1]
    assert "Mexico" not in html.split('<main id="content"')[1]


@pytest.mark.django_db
def test_the_countries_filter_ignores_accents_and_case_without_javascript(registry):
    from tests.web.conftest import login

    registry.users["legal"].language = "es"
    registry.users["legal"].save()
    Snapshot.objects.create(home="MEX", fingerprint="rich", payload=_rich_payload())
    client = login("legal", registry)

    def found(query: str) -> list[str]:
        html = client.get("/countries/", {"q": query}).content.decode()
        return [t for h, t in _links(html) if h.startswith("/countries/") and h != "/countries/"]

    assert found("belgica") == ["Bélgica"]
    assert found("BÉL") == ["Bélgica", "Belice"]
    assert found("aland") == ["Islas Åland"]
    assert found("germany") == ["Alemania"]  # the other language's name finds it too
    assert found("fra") == ["Francia"]
    assert found("zzz") == []
    html = client.get("/countries/", {"q": "bélg"}).content.decode()
    assert 'Países mostrados: <span id="countries-shown">1</span> de 7' in html
    assert '<tr data-search="belgica belgium bel">' in html  # for the filter as one types
    html = client.get("/countries/", {"q": "zzz"}).content.decode()
    assert "Ningún país coincide con la búsqueda." in html
    assert 'name="q"' in html
    assert 'value="zzz"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["viewer", "legal"])
def test_the_dashboard_links_to_every_priority_country_and_brief(registry, persona):
    """Every priority page, the countries index, the briefs and each partner's page are one
    click away; the priority selector submits only with its button (WCAG 3.2.2)."""
    from tests.web.conftest import login

    registry.users["legal"].language = "es"
    registry.users["legal"].save()
    Snapshot.objects.create(home="MEX", fingerprint="rich", payload=_rich_payload())
    client = login(persona, registry)
    html = client.get("/?priority=aerospace").content.decode()
    hrefs = {href for href, _text in _links(html)}
    assert {"/priorities/aerospace/", "/priorities/lithium-value-chain/", "/countries/",
            "/briefs/", "/countries/FRA/", "/countries/DEU/"} <= hrefs  # fmt: skip
    form = html.split('id="priority-form">')[1].split("</form>")[0]
    assert '<button type="submit">' in form
    assert ("Mostrar" if persona == "legal" else "Show") in form
    assert "onchange" not in html
    assert "onclick" not in html
    assert "<noscript>" not in form
    panels = html.split('<main id="content"')[1]
    assert " style=" not in panels
    assert "<script>" not in panels  # only JSON blocks and files


@pytest.mark.django_db
def test_every_chart_has_a_text_alternative_with_names_and_links(registry):
    from tests.web.conftest import login
    from vinculo.web.registry.models import Agreement

    Snapshot.objects.create(home="MEX", fingerprint="rich", payload=_rich_payload())
    Agreement.objects.create(title="Satélites con Francia", kind="government",
                             status="in_force", post=registry.post_a,
                             partner_country=registry.france, priorities=["aerospace"],
                             created_by=registry.users["planner"])  # fmt: skip
    registry.users["legal"].language = "es"
    registry.users["legal"].save()
    client = login("legal", registry)
    html = client.get("/?priority=lithium-value-chain").content.decode()
    for chart in ("heat", "map", "network", "chain", "coverage"):
        container = html.split(f'id="chart-{chart}"')[1].split(">")[0]
        assert 'role="img"' in container, chart
        assert 'aria-label="' in container, chart
        summary = container.split('aria-describedby="')[1].split('"')[0]
        assert f'<summary id="{summary}">La gráfica como tabla</summary>' in html
    # the heat map follows the priority: the home country and its partners, by name
    heat = html.split('id="heat-table-summary"')[1].split("</table>")[0]
    assert "<td>México</td>" in heat
    assert '<a href="/countries/DEU/">Alemania</a>' in heat
    assert "Capacidades en Litio: México y sus principales socios" in html
    # the map's table: every candidate by name, linked
    scores = html.split('id="map-table-summary"')[1].split("</table>")[0]
    assert '<a href="/countries/FRA/">Francia</a></td><td>0.800</td>' in scores
    # the coverage: blank for no agreement, the count where there is one; names not codes
    coverage = html.split('id="coverage-table-summary"')[1].split("</table>")[0]
    cells = {(c[0], c[1]): c[2] for c in _dashboard_data(html)["coverage"]["cells"]}
    assert cells[("FRA", "aerospace")] == 2  # the registry's agreement and this one
    assert cells[("DEU", "aerospace")] == cells[("DEU", "lithium-value-chain")] == 0
    assert '<a href="/countries/FRA/">Francia</a></td><td>2</td><td>1</td>' in coverage
    assert '<a href="/countries/DEU/">Alemania</a></td><td></td><td></td>' in coverage
    assert "<td>0</td>" not in coverage
    assert ">FRA<" not in html
    assert ">DEU<" not in html
    data = _dashboard_data(html)
    assert data["coverage"]["names"] == {"FRA": "Francia", "DEU": "Alemania"}
    assert data["names"]["DEU"] == "Alemania"
    assert data["country_url"] == "/countries/XXX/"
    # the network says plainly that it is all-field co-authorship
    assert "Red de coautoría, todos los campos" in html
    assert "no es la de Litio" in html


@pytest.mark.django_db
def test_the_heat_map_changes_with_the_priority(registry):
    from tests.web.conftest import login

    Snapshot.objects.create(home="MEX", fingerprint="rich", payload=_rich_payload())
    client = login("viewer", registry)
    aerospace = _dashboard_data(client.get("/?priority=aerospace").content.decode())["heat"]
    lithium = _dashboard_data(client.get("/?priority=lithium-value-chain").content.decode())["heat"]
    assert aerospace["rows"] == ["Mexico", "France", "Germany"]
    assert lithium["rows"] == ["Mexico", "Germany"]
    assert aerospace["cells"] == [[0, 0, 12], [0, 1, 61], [2, 2, 88]]
    assert aerospace["codes"] == ["", "FRA", "DEU"]  # the home country has no page
    # an older snapshot without the partners' scores: every priority, the chosen highlighted
    Snapshot.objects.create(home="MEX", fingerprint="old", payload=_small_payload())
    old = _dashboard_data(client.get("/?priority=aerospace").content.decode())["heat"]
    assert old["rows"] == ["Aerospace", "Lithium"]
    assert old["highlight"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["viewer", "legal"])
def test_the_value_chain_calls_gap_only_the_weakest_stage_and_names_products(registry, persona):
    from tests.web.conftest import login

    registry.users["legal"].language = "es"
    registry.users["legal"].save()
    Snapshot.objects.create(home="MEX", fingerprint="rich", payload=_rich_payload())
    client = login(persona, registry)
    spanish = persona == "legal"
    html = client.get("/?priority=lithium-value-chain").content.decode()
    chain = _dashboard_data(html)["chain"]
    assert [s["weakest"] for s in chain["stages"]] == [False, True, False]
    assert chain["weakest"] == ["Celdas" if spanish else "Cells"]
    note = html.split('id="chain-note">')[1].split("</p>")[0]
    assert ("Celdas" if spanish else "Cells") in note
    product = "Desperdicios de pilas" if spanish else "Waste and scrap of batteries"
    assert f"8548</abbr> — {product}" in note
    assert "0.5290082814539372" not in html.split('id="dashboard-data"')[0]
    page = client.get("/priorities/lithium-value-chain/").content.decode()
    assert page.count('class="gap"') == 1
    korea = "Corea del Sur" if spanish else "South Korea"
    assert f'<a href="/countries/KOR/">{korea}</a>' in page
    assert ">AUS<" not in page
    assert "Australia" in page
    assert "OpenAlex (2025-12-03)" in page
    assert "openalex openalex-" not in page
    abbr = "ventaja comparativa revelada" if spanish else "revealed comparative advantage"
    assert f'<abbr title="{abbr}">{"VCR" if spanish else "RCA"}</abbr>' in page
    assert ">b<" in page  # the hand-made basis "b" has no name: shown as it is


@pytest.mark.django_db
def test_the_briefs_list_links_each_post_and_puts_the_officers_own_first(registry):
    from tests.web.conftest import login

    planner = login("planner", registry).get("/briefs/").content.decode()
    body = planner.split("<tbody>")[1]
    assert f'href="/posts/{registry.post_a.pk}/brief.html?lang=' in body
    assert f'href="/posts/{registry.post_b.pk}/brief.html?lang=' in body
    assert 'class="own"' not in body
    officer = login("officer_a", registry).get("/briefs/").content.decode()
    rows = officer.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    assert 'class="own"' in rows[0]
    assert "Embajada en Francia" in rows[0]
    assert '<a href="/countries/FRA/">' in rows[0]
