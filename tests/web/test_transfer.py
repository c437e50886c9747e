"""The transfer records in the web app: seeding from the files, the comparison page in both
languages, editing with versions and audit by role, and the API."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from tests.web.conftest import Registry
from vinculo.strategy.transfer import default_transfer_models, fact_as_dict
from vinculo.web.audit.models import AuditEvent
from vinculo.web.transfer.models import TransferDimensionVersion
from vinculo.web.transfer.services import transfer_dimension_save, transfer_seed

pytestmark = pytest.mark.django_db

EDIT = "/transfer/FRA/ownership/"


@pytest.fixture
def seeded(registry: Registry) -> Registry:
    call_command("transfer_seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return registry


def _ownership_yaml(extra_quote: str = "") -> str:
    facts = [fact_as_dict(f) for f in default_transfer_models()["FRA"].dimension("ownership")]
    if extra_quote:
        facts[0]["source"]["quote"] = extra_quote  # type: ignore[index]
    return yaml.safe_dump(facts, allow_unicode=True)


def test_seed_creates_one_version_per_country_and_dimension_once(registry: Registry) -> None:
    models = default_transfer_models()
    assert transfer_seed(models=models) == len(models) * 7
    assert transfer_seed(models=models) == 0  # idempotent: never overwrites
    assert TransferDimensionVersion.objects.filter(number=1).count() == len(models) * 7
    assert AuditEvent.objects.filter(action="transfer.seed").count() == len(models) * 7
    france = TransferDimensionVersion.objects.get(country="FRA", dimension="inventor_remuneration")
    assert "50%" in france.facts[0]["source"]["quote"]
    assert TransferDimensionVersion.objects.get(country="ARG", dimension="ownership").facts == []


def test_a_newer_file_arrives_as_a_new_version_but_never_over_a_web_edit(
    registry: Registry,
) -> None:
    import dataclasses

    france = default_transfer_models()["FRA"]
    transfer_seed(models={"FRA": france})
    edited = registry.users["legal"]
    transfer_dimension_save(
        user=edited, country="FRA", dimension="ownership", text=_ownership_yaml("edited")
    )
    newer = dataclasses.replace(france, version=france.version + 1)
    assert transfer_seed(models={"FRA": newer}) == 6  # every dimension but the edited one
    ownership = TransferDimensionVersion.objects.filter(country="FRA", dimension="ownership")
    assert ownership.order_by("-number").first().origin == "web"  # type: ignore[union-attr]
    funding = TransferDimensionVersion.objects.filter(country="FRA", dimension="funding")
    assert [(v.number, v.file_version) for v in funding.order_by("number")] == [
        (1, france.version),
        (2, france.version + 1),
    ]
    assert transfer_seed(models={"FRA": newer}) == 0


def test_comparison_in_english_and_spanish(seeded: Registry, viewer: Client) -> None:
    page = viewer.get("/transfer/").content.decode()
    assert "Inventor remuneration" in page
    assert "https://jornada.com.mx/2015/12/10/sociedad/044n2soc" in page
    assert "up to 70% of the royalties" in page
    assert "Not sourced" in page  # e.g. Argentina's ownership
    assert EDIT not in page  # a viewer gets no edit links
    viewer.post("/accounts/language/", {"language": "es", "next": "/"})
    page = viewer.get("/transfer/").content.decode()
    assert "Remuneración del inventor" in page
    assert "hasta el 70 % de las regalías" in page
    assert "No documentado" in page


def test_legal_officer_saves_a_new_version_with_audit(seeded: Registry, legal: Client) -> None:
    assert EDIT in legal.get("/transfer/").content.decode()
    response = legal.post(EDIT, {"text": _ownership_yaml("a corrected passage")})
    assert response.status_code == 302
    versions = TransferDimensionVersion.objects.filter(country="FRA", dimension="ownership")
    assert [v.number for v in versions.order_by("number")] == [1, 2]
    latest = versions.get(number=2)
    assert latest.origin == "web"
    assert latest.author is not None
    assert latest.author.role == "legal"
    assert latest.facts[0]["source"]["quote"] == "a corrected passage"
    event = AuditEvent.objects.get(action="transfer.edit")
    assert event.object_id == str(latest.pk)
    history = legal.get(EDIT).content.decode()
    assert "v2" in history
    assert "v1" in history


def test_invalid_facts_are_refused_with_line_and_key(seeded: Registry, planner: Client) -> None:
    bad = _ownership_yaml().replace("url: https://", "url: ftp://", 1)
    response = planner.post(EDIT, {"text": bad})
    assert response.status_code == 200
    page = response.content.decode()
    assert "ownership[0].source.url" in page
    assert "is not an http(s) address" in page
    assert (
        TransferDimensionVersion.objects.filter(country="FRA", dimension="ownership").count() == 1
    )
    assert not AuditEvent.objects.filter(action="transfer.edit").exists()


@pytest.mark.parametrize("persona", ["viewer", "officer_a"])
def test_other_roles_cannot_edit(seeded: Registry, persona: str, request: Any) -> None:
    client: Client = request.getfixturevalue(persona)
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, {"text": _ownership_yaml()}).status_code == 403
    assert (
        TransferDimensionVersion.objects.filter(country="FRA", dimension="ownership").count() == 1
    )


def test_api_serves_the_latest_versions(seeded: Registry, planner: Client) -> None:
    planner.post(EDIT, {"text": ""})  # nothing sourced any more: an empty version
    data = planner.get("/api/v1/transfer/FRA").json()
    dims = {d["dimension"]: d for d in data["dimensions"]}
    assert dims["ownership"]["version"] == 2
    assert dims["ownership"]["facts"] == []
    assert dims["funding"]["origin"] == "file"
    assert dims["funding"]["facts"][0]["source"]["url"].startswith("http")
    listed = planner.get("/api/v1/transfer/").json()
    assert {c["country"] for c in listed} >= {"FRA", "ESP", "IND", "MEX", "USA", "ARG"}


def test_agreement_with_france_shows_the_regime_beside_its_ip_terms(
    seeded: Registry, legal: Client
) -> None:
    page = legal.get(f"/registry/agreements/{seeded.agreement_a.pk}/").content.decode()
    assert 'id="ip-terms"' in page
    assert 'id="transfer-regime"' in page
    assert page.index('id="ip-terms"') < page.index('id="transfer-regime"')
    regime = page[page.index('id="transfer-regime"') :]
    assert "Who will own the results" in regime
    assert "What a licence back to Mexico needs" in regime
    assert "Which instrument could co-fund" in regime
    assert "The public employer owns its researchers" in regime  # France's ownership
    assert "SATT licence revenue is returned to the laboratories" in regime
    assert "Bpifrance operates the Deeptech Plan" in regime


def test_viewer_sees_the_public_regime_but_not_the_ip_terms(
    seeded: Registry, viewer: Client
) -> None:
    page = viewer.get(f"/registry/agreements/{seeded.agreement_shared.pk}/").content.decode()
    assert 'id="ip-terms"' not in page
    assert 'id="transfer-regime"' in page


def test_a_question_no_fact_answers_says_so(seeded: Registry, planner: Client) -> None:
    page = planner.get(f"/registry/agreements/{seeded.agreement_b.pk}/").content.decode()
    regime = page[page.index('id="transfer-regime"') :]
    assert "30% of the gross exploitation revenue" in regime  # DEU inventor share
    assert "Not sourced" not in regime  # Germany answers all three questions
    TransferDimensionVersion.objects.filter(country="DEU", dimension="instruments").update(facts=[])
    page = planner.get(f"/registry/agreements/{seeded.agreement_b.pk}/").content.decode()
    regime = page[page.index('id="transfer-regime"') :]
    assert regime.count("Not sourced") == 1  # no instrument or funding fact left


def test_opportunity_page_shows_the_host_regime(seeded: Registry, planner: Client) -> None:
    page = planner.get(f"/pipeline/{seeded.opportunity_a.pk}/").content.decode()
    assert 'id="transfer-regime"' in page
    assert "Which instrument could co-fund" in page


def test_no_panel_without_records(registry: Registry, legal: Client) -> None:
    page = legal.get(f"/registry/agreements/{registry.agreement_a.pk}/").content.decode()
    assert 'id="transfer-regime"' not in page


def test_the_brief_reads_the_edited_record(seeded: Registry, legal: Client) -> None:
    from tests.strategy.test_brief_transfer import TODAY, evidence
    from vinculo.strategy.brief import localize, render_html
    from vinculo.web.transfer.selectors import transfer_record, transfer_stamp

    before = transfer_stamp("FRA")
    assert transfer_record("ITA") is True  # no record in the database: the shipped file
    legal.post(EDIT, {"text": _ownership_yaml("a corrected passage")})
    assert transfer_stamp("FRA") != before
    record = transfer_record("FRA")
    assert not isinstance(record, bool)
    assert record.coverage == "complete"
    assert record.dimension("ownership")[0].source.quote == "a corrected passage"
    html = render_html(localize(evidence("FRA"), "en", today=TODAY, transfer=record))
    assert "«a corrected passage»" in html
