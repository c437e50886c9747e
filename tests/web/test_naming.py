"""The diplomatic naming policy in the web app: pages, API and exports name countries as
the policy does, leave out the candidates it excludes and show the caveat beside the ones
it flags (a visible note on pages, a structured field in the API)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.web.conftest import login
from tests.web.test_insights import _dashboard_data, _small_payload
from vinculo.web.insights.models import Snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(registry):
    return Snapshot.objects.create(home="MEX", fingerprint="small", payload=_small_payload())


def _spanish(registry, persona="viewer"):
    registry.users[persona].language = "es"
    registry.users[persona].save(update_fields=["language"])
    return login(persona, registry)


def test_pages_leave_out_the_excluded_and_flag_the_others(registry, snapshot, naming_file):
    client = login("viewer", registry)
    before = client.get("/priorities/aerospace/").content.decode()
    assert "reason DEU" in before
    assert "France (test)" not in before
    naming_file()  # Germany excluded, France renamed with a caveat
    page = client.get("/priorities/aerospace/").content.decode()
    assert "reason DEU" not in page
    assert "reason FRA" in page
    assert "France (test)" in page
    assert 'class="naming-caveat" data-naming="special_region">Caveat on France (test).' in page
    assert "1 candidate is not shown: the diplomatic naming policy excludes it" in page
    assert "Partners (2 candidates)" in page  # the model's count, its ranking kept
    home = client.get("/?priority=aerospace").content.decode()
    data = _dashboard_data(home)
    assert [row["partner"] for row in data["top"]] == ["FRA"]
    assert data["top"][0]["naming"]["caveat"]["en"] == "Caveat on France (test)."
    assert set(data["scores"]) == {"FRA"}
    assert "Caveat on France (test)." in home
    assert [c[0] for c in data["coverage"]["cells"]] == ["FRA", "FRA"]
    germany = client.get("/countries/DEU/").content.decode()
    note = "Not shown as a candidate: the diplomatic naming policy excludes this country."
    assert note in germany
    assert "reason DEU" not in germany
    france = client.get("/countries/FRA/").content.decode()
    assert '<h1>France (test)</h1>\n<p class="naming-caveat" id="naming-caveat">Caveat on' in france
    countries = client.get("/countries/").content.decode()
    assert "France (test)" in countries


def test_pages_in_spanish(registry, snapshot, naming_file):
    naming_file()
    client = _spanish(registry)
    page = client.get("/priorities/aerospace/").content.decode()
    assert "Francia (prueba)" in page
    assert "Aviso sobre Francia (prueba)." in page
    assert "1 candidato no se muestra: la política de denominación diplomática lo excluye" in page
    germany = client.get("/countries/DEU/").content.decode()
    assert "No se muestra como candidato: la política de denominación diplomática" in germany


def test_the_api_excludes_and_carries_the_flag(registry, snapshot, naming_file):
    client = login("viewer", registry)
    shipped = client.get("/api/v1/insights/priorities/aerospace").json()
    assert [p["partner"] for p in shipped["partners"]] == ["FRA", "DEU"]
    assert shipped["withheld"] == 0
    assert shipped["partners"][0]["naming"] is None
    naming_file()
    priority = client.get("/api/v1/insights/priorities/aerospace").json()
    assert (priority["candidates"], priority["withheld"]) == (2, 1)
    assert [p["partner"] for p in priority["partners"]] == ["FRA"]
    france = priority["partners"][0]
    assert france["rank"] == 1
    assert france["names"] == {"es": "Francia (prueba)", "en": "France (test)"}
    assert france["naming"] == {
        "category": "special_region",
        "candidate": "allowed_with_caveat",
        "caveat": {"es": "Aviso sobre Francia (prueba).", "en": "Caveat on France (test)."},
    }
    germany = client.get("/api/v1/insights/countries/DEU").json()
    assert all(p["standing"] is None for p in germany["priorities"])
    assert germany["naming"]["candidate"] == "excluded"
    assert germany["naming"]["caveat"] == {"es": "", "en": ""}
    country = client.get("/api/v1/insights/countries/FRA").json()
    assert country["names"]["en"] == "France (test)"
    assert country["priorities"][0]["standing"]["naming"]["candidate"] == "allowed_with_caveat"
    coverage = client.get("/api/v1/insights/coverage").json()
    assert coverage["partners"] == ["FRA"]
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(schema["NamingOut"]["properties"]) == {"category", "candidate", "caveat"}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_report_export_names_countries_by_the_policy(registry, naming_file, file_format):
    naming_file()
    url = reverse("pipeline:export", kwargs={"file_format": file_format})
    response = login("planner", registry).get(url)
    assert response.status_code == 200
    if file_format == "csv":
        text = response.content.decode("utf-8")
        assert "France (test)" in text
        assert ",France," not in text
    else:
        values = list(openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].values)
        column = values[0].index("Host country")
        assert "France (test)" in {row[column] for row in values[1:]}
        assert "France" not in {row[column] for row in values[1:]}


def test_the_registry_names_countries_by_the_policy(registry, naming_file):
    from vinculo.web.pipeline.models import Opportunity

    naming_file()
    client = login("planner", registry)
    page = client.get(reverse("pipeline:list")).content.decode()
    assert "France (test)" in page
    sodium = Opportunity.objects.get(title__startswith="Sodium")
    detail = client.get(reverse("pipeline:detail", args=[sodium.pk])).content.decode()
    assert "France (test)" in detail
    assert ">France<" not in detail
