"""The charts' data as the pages embed them (Django's json_script, no inline script): the
mobility page's Sankey diagram of the flows (checked by hand against the fixture's records)
and the dashboard's world map of Mexico's researchers abroad (the card's rows, scoped by
role: an officer sees the host countries of their posts, a planner every country)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.utils import timezone

from tests.web.conftest import Registry, login
from tests.web.test_mobility import mobility  # noqa: F401  (the mobility records)
from tests.web.test_people import people  # noqa: F401  (the researcher profiles)
from vinculo.web.mobility.models import MobilityRecord
from vinculo.web.people.models import Affiliation, Researcher
from vinculo.web.people.summaries import refresh_all

pytestmark = pytest.mark.django_db


def embedded(page: str, element_id: str) -> Any:
    """The JSON of the page's ``<script id=element_id type="application/json">``."""
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', page, re.S
    )
    assert found, f"no #{element_id} in the page"
    return json.loads(found.group(1))


def links_of(graph: dict[str, Any]) -> dict[tuple[str, str], int]:
    return {(link["source"], link["target"]): link["value"] for link in graph["links"]}


def names_of(graph: dict[str, Any]) -> dict[str, str]:
    return {node["id"]: node["name"] for node in graph["nodes"]}


# ---------------------------------------------------------------- mobility: the Sankey
@pytest.mark.usefixtures("mobility")
def test_the_sankey_holds_the_flows_by_hand(registry):
    """The fixture's seven stays: 3 incoming from Germany (batteries); France 1 incoming
    (batteries), 2 outgoing (batteries) and 1 outgoing without a priority."""
    page = login("planner", registry).get("/mobility/").content.decode()
    data = embedded(page, "sankey-data")
    assert links_of(data) == {("in:DEU", "MEX"): 3, ("in:FRA", "MEX"): 1, ("MEX", "out:FRA"): 3}
    assert names_of(data) == {
        "MEX": "Mexico", "in:DEU": "Germany", "in:FRA": "France", "out:FRA": "France",
    }  # fmt: skip
    split = data["by_priority"]
    assert links_of(split) == {
        ("in:DEU", "in-priority:batteries"): 3,
        ("in:FRA", "in-priority:batteries"): 1,
        ("in-priority:batteries", "MEX"): 4,
        ("MEX", "out-priority:batteries"): 2,
        ("out-priority:batteries", "out:FRA"): 2,
        ("MEX", "out-priority:"): 1,
        ("out-priority:", "out:FRA"): 1,
    }
    assert names_of(split)["in-priority:batteries"] == "High-performance batteries"
    assert names_of(split)["out-priority:"] == "No priority"
    # a node's flows in and out balance, Mexico's are the totals of the table
    for graph in (data, split):
        links = links_of(graph)
        assert sum(v for (s, _t), v in links.items() if s == "MEX") == 3
        assert sum(v for (_s, t), v in links.items() if t == "MEX") == 4
    chart = re.search(r'<div class="chart tall" id="chart-sankey"[^>]*>', page)
    assert chart
    assert 'role="img"' in chart.group(0)
    assert 'aria-describedby="mobility-table-summary"' in chart.group(0)
    assert "Incoming stays: 4, from 2 partner countries." in chart.group(0)
    assert "Outgoing stays: 3, to 1 partner country." in chart.group(0)
    assert 'id="chart-mobility"' in page  # the chart per year is still there


@pytest.mark.usefixtures("mobility")
def test_the_sankey_in_spanish_and_scoped_like_the_table(registry):
    """The node names follow the page's language; an officer's diagram holds the records
    the officer sees (post A: France's programme), as the table does."""
    olga = registry.users["officer_a"]
    olga.language = "es"
    olga.save()
    page = login("officer_a", registry).get("/mobility/").content.decode()
    data = embedded(page, "sankey-data")
    assert links_of(data) == {("in:FRA", "MEX"): 1, ("MEX", "out:FRA"): 3}
    assert names_of(data) == {"MEX": "México", "in:FRA": "Francia", "out:FRA": "Francia"}
    assert names_of(data["by_priority"])["out-priority:"] == "Sin prioridad"
    assert "Diagrama de Sankey" in page
    assert 'data-partner="DEU"' not in page


@pytest.mark.usefixtures("mobility")
def test_the_sankey_of_one_partner_and_of_none(registry):
    page = login("planner", registry).get("/mobility/?country=DEU").content.decode()
    assert links_of(embedded(page, "sankey-data")) == {("in:DEU", "MEX"): 3}
    MobilityRecord.objects.all().delete()
    empty = login("planner", registry).get("/mobility/").content.decode()
    assert 'id="chart-sankey"' not in empty
    assert 'id="sankey-data"' not in empty


# ---------------------------------------------------------------- dashboard: the map
@pytest.fixture
def diaspora(registry: Registry, people: dict[str, Researcher]) -> None:  # noqa: F811
    """The people fixture (one researcher abroad in each of Germany, France and the United
    Kingdom) and two more in Germany: 3, 1 and 1."""
    for name in ("Hugo Ortiz", "Paula Ríos"):
        researcher = Researcher.objects.create(
            name=name, name_key=name.lower(), topics=["Solid-state batteries"],
            diaspora=Researcher.Diaspora.DIASPORA, hosts=["DEU"], last_seen_at=timezone.now(),
        )  # fmt: skip
        Affiliation.objects.create(
            researcher=researcher, institution="UNAM", country="MEX", start_year=2004,
            end_year=2009, kind="education", source="test",
        )  # fmt: skip
        Affiliation.objects.create(
            researcher=researcher, institution="Fraunhofer", country="DEU", start_year=2012,
            kind="employment", current=True, source="test",
        )  # fmt: skip
    refresh_all()


def _card(page: str) -> str:
    return page.split('id="dashboard-diaspora"')[1].split("</section>")[0]


def _table_counts(card: str) -> dict[str, int]:
    rows = re.findall(r'<tr data-country="([A-Z]{3})"><th>.*?</th><td>(\d+)</td>', card)
    return {code: int(n) for code, n in rows}


@pytest.mark.parametrize(
    ("persona", "counts"),
    [
        ("planner", {"DEU": 3, "FRA": 1, "GBR": 1}),
        ("admin", {"DEU": 3, "FRA": 1, "GBR": 1}),
        ("officer_a", {"FRA": 1}),  # post A: Paris
        ("officer_b", {"DEU": 3}),  # post B: Berlin
    ],
)
def test_the_diaspora_map_holds_the_counts_the_role_may_see(registry, diaspora, persona, counts):
    page = login(persona, registry).get("/").content.decode()
    card = _card(page)
    data = embedded(card, "diaspora-map-data")
    assert {c["code"]: c["count"] for c in data["countries"]} == counts
    assert _table_counts(card) == counts  # the map and its table: the same figures
    numeric = {"DEU": "276", "FRA": "250", "GBR": "826"}  # the map's feature ids
    assert {c["code"]: c["numeric"] for c in data["countries"]} == {k: numeric[k] for k in counts}
    assert data["home"] == {"code": "MEX", "numeric": "484", "name": "Mexico"}
    assert data["country_url"] == "/people/diaspora/XXX/"
    chart = re.search(r'<div class="chart" id="chart-diaspora"[^>]*>', card)
    assert chart
    assert 'role="img"' in chart.group(0)
    assert 'aria-describedby="diaspora-table-caption"' in chart.group(0)
    assert 'id="diaspora-table-caption"' in card
    assert "people/diaspora-map.js" in page


def test_the_diaspora_map_in_spanish_and_not_for_the_viewer(registry, diaspora):
    pablo = registry.users["planner"]
    pablo.language = "es"
    pablo.save()
    page = login("planner", registry).get("/").content.decode()
    data = embedded(_card(page), "diaspora-map-data")
    assert [c["name"] for c in data["countries"]] == ["Alemania", "Francia", "Reino Unido"]
    assert data["home"]["name"] == "México"
    assert "Mapa mundial" in _card(page)
    for persona in ("viewer", "legal"):
        other = login(persona, registry).get("/").content.decode()
        assert 'id="diaspora-map-data"' not in other
        assert "diaspora-map.js" not in other


def test_no_map_without_researchers_abroad(registry):
    page = login("planner", registry).get("/").content.decode()
    assert 'id="dashboard-diaspora"' in page
    assert 'id="chart-diaspora"' not in page
    assert 'id="diaspora-map-data"' not in page


def test_the_map_shows_every_host_country_and_the_table_the_first_twelve(registry):
    """Fourteen host countries: the map holds all fourteen, the table the twelve with the
    most researchers, and says so."""
    from vinculo.web.people.models import DiasporaCountry

    codes = ["USA", "ESP", "DEU", "FRA", "GBR", "CAN", "ITA", "NLD", "CHE", "JPN",
             "BRA", "ARG", "CHL", "AUS"]  # fmt: skip
    now = timezone.now()
    for i, code in enumerate(codes):
        DiasporaCountry.objects.create(
            country=code, priority="", count=100 - i, works=0, citations=0,
            with_mexican_ties=0, computed_at=now,
        )  # fmt: skip
    page = login("planner", registry).get("/").content.decode()
    card = _card(page)
    data = embedded(card, "diaspora-map-data")
    assert {c["code"]: c["count"] for c in data["countries"]} == {
        code: 100 - i for i, code in enumerate(codes)
    }
    assert list(_table_counts(card)) == codes[:12]
    assert "the map shows all 14" in card
