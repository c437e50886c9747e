"""The people app: imports (OpenAlex/ORCID JSON fixtures, CSV template), merges, the
diaspora per country, matching and shortlists, visibility per role, redaction, erasure
and retention."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.web.conftest import login
from vinculo.web.audit.models import AuditEvent
from vinculo.web.people.imports import import_json, import_table
from vinculo.web.people.models import Affiliation, MergeSuggestion, Researcher, ShortlistEntry
from vinculo.web.people.services import merge_accept
from vinculo.web.pipeline.imports import ImportFailedError

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent.parent / "strategy" / "fixtures" / "people"

TEMPLATE = (
    "name,orcid,email,institution,ror,country,start_year,end_year,current,kind,topics\n"
    "Rosa Méndez Díaz,0000-0003-1419-2405,rosa@example.org,UNAM,https://ror.org/01tmp8f25,"
    "MX,2006,2011,0,education,\n"
    "Rosa Méndez Díaz,0000-0003-1419-2405,,CNRS,https://ror.org/02feahw73,FR,2013,,1,"
    "employment,Sodium-ion battery cells;Battery pilot lines\n"
    '"Méndez Díaz, Rosa",,,Centre national de la recherche scientifique,'
    "https://ror.org/02feahw73,FR,2015,2020,0,employment,\n"
)


def _load(registry, name):
    planner = registry.users["planner"]
    with (FIXTURES / name).open("rb") as handle:
        return import_json(actor=planner, handle=handle, name=name)


@pytest.fixture
def people(registry):
    _load(registry, "openalex_authors.json")
    _load(registry, "orcid_record.json")
    import_table(
        actor=registry.users["planner"], handle=io.BytesIO(TEMPLATE.encode()), name="post.csv"
    )
    return {r.name: r for r in Researcher.objects.all()}


def test_import_merges_by_orcid_and_never_by_name(registry, people):
    # 6 authors + the ORCID record (merged into Ana, A5000000005) + Rosa's two rows with
    # her ORCID (one record) + a third row without it (a second record, for review)
    assert Researcher.objects.count() == 8
    ana = Researcher.objects.get(orcid="0000-0002-1825-0097")
    assert ana.openalex_id == "A5000000005"
    assert ana.diaspora == "diaspora"  # the UNAM degree from ORCID
    assert ana.hosts == ["GBR"]
    assert Researcher.objects.get(orcid="0000-0002-1694-233X").diaspora == "not_diaspora"
    statuses = dict(Researcher.objects.values_list("openalex_id", "diaspora"))
    assert statuses["A5000000001"] == "diaspora"
    assert statuses["A5000000002"] == "not_diaspora"  # returnee
    assert statuses["A5000000003"] == "not_diaspora"  # UNAM + Sorbonne
    assert statuses["A5000000004"] == "unknown"  # no country
    # same name, both with ORCIDs: no suggestion between the two Anas
    anas = Researcher.objects.filter(name_key="ana garcia lopez").values_list("id", flat=True)
    assert not MergeSuggestion.objects.filter(researcher__in=anas, candidate__in=anas).exists()


def test_reviewed_merge(registry, people):
    rosas = Researcher.objects.filter(name_key="diaz mendez rosa").order_by("id")
    assert rosas.count() == 2
    suggestion = MergeSuggestion.objects.get()
    assert suggestion.status == "pending"
    assert suggestion.reason == "same name and a shared institution"
    # the record without an ORCID is not counted in the diaspora until reviewed
    assert rosas[1].diaspora == "not_diaspora"
    kept = merge_accept(actor=registry.users["planner"], suggestion=suggestion)
    assert Researcher.objects.filter(name_key="diaz mendez rosa").count() == 1
    assert kept.orcid == "0000-0003-1419-2405"
    assert kept.diaspora == "diaspora"
    assert kept.hosts == ["FRA"]
    assert sorted(kept.affiliations.values_list("country", flat=True)) == ["FRA", "FRA", "MEX"]
    assert AuditEvent.objects.filter(action="researcher.merge").count() == 1


def test_template_errors_name_row_and_field(registry):
    bad = "name,orcid,country,start_year\nX,0000-0002-1825-0098,Mexico,19x\n,,,\nY,,DE,2001\n"
    with pytest.raises(ImportFailedError) as failure:
        import_table(
            actor=registry.users["planner"], handle=io.BytesIO(bad.encode()), name="bad.csv"
        )
    errors = {(e.row, e.field) for e in failure.value.report.errors}
    assert errors == {
        (2, "orcid"),
        (2, "country"),
        (2, "start_year"),
        (4, "institution"),
    }
    assert str(failure.value).startswith("bad.csv: 4 error(s)")
    assert Researcher.objects.count() == 0  # nothing written


def test_json_errors_name_the_item_and_field(registry, tmp_path):
    data = json.loads((FIXTURES / "openalex_authors.json").read_text("utf-8"))
    data["results"][2]["affiliations"][0]["institution"]["country_code"] = "Francia"
    with pytest.raises(ImportFailedError) as failure:
        import_json(
            actor=registry.users["admin"],
            handle=io.BytesIO(json.dumps(data).encode()),
            name="authors.json",
        )
    (error,) = failure.value.report.errors
    assert (error.row, error.field) == (3, "affiliations[0].country_code")
    assert Researcher.objects.count() == 0


def test_scope_by_post_host_country(registry, people):
    olga, otto = login("officer_a", registry), login("officer_b", registry)  # France, Germany
    names = lambda client: sorted(  # noqa: E731
        r["name"] for r in client.get("/api/v1/people/researchers").json()
    )
    assert names(olga) == ["Lucía Fernández Mora", "Rosa Méndez Díaz"]  # not the 2015-20 row
    assert names(otto) == ["María José Hernández Ruiz"]
    assert len(login("planner", registry).get("/api/v1/people/researchers").json()) == 8
    maria = Researcher.objects.get(openalex_id="A5000000001")
    assert olga.get(f"/api/v1/people/researchers/{maria.pk}").status_code == 404
    assert otto.get(f"/people/{maria.pk}/").status_code == 200
    for persona in ("viewer", "legal"):
        assert login(persona, registry).get("/api/v1/people/researchers").status_code == 403


def test_contact_only_for_planners_and_administrators(registry, people):
    rosa = Researcher.objects.get(email="rosa@example.org")
    url = f"/api/v1/people/researchers/{rosa.pk}"
    assert login("officer_a", registry).get(url).json()["email"] == ""
    assert login("planner", registry).get(url).json()["email"] == "rosa@example.org"
    page = login("officer_a", registry).get(f"/people/{rosa.pk}/")
    assert b"rosa@example.org" not in page.content
    assert b"rosa@example.org" in login("admin", registry).get(f"/people/{rosa.pk}/").content


def test_profile_shows_rule_and_evidence(registry, people):
    ana = Researcher.objects.get(orcid="0000-0002-1825-0097")
    body = login("planner", registry).get(f"/api/v1/people/researchers/{ana.pk}").json()
    assert body["diaspora_reason"] == "origin_and_abroad"
    assert [e["fact"] for e in body["evidence"]] == [
        "origin", "degree", "current_abroad", "current_abroad",
    ]  # fmt: skip
    page = login("planner", registry, HTTP_ACCEPT_LANGUAGE="es").get(f"/people/{ana.pk}/")
    assert b'data-status="diaspora"' in page.content


def test_diaspora_per_country(registry, people):
    body = login("officer_b", registry).get("/api/v1/people/diaspora/DEU").json()
    assert body["count"] == 1
    assert body["institutions"] == [["Max Planck Society", 1]]
    assert (body["works"], body["citations"], body["with_mexican_ties"]) == (42, 1310, 1)
    # France: Rosa (UNAM degree, CNRS now); Lucía is at UNAM too (not diaspora)
    fr = login("officer_a", registry).get("/api/v1/people/diaspora/FRA").json()
    assert [r["name"] for r in fr["researchers"]] == ["Rosa Méndez Díaz"]
    assert fr["topics"] == [["Sodium-ion battery cells", 1], ["Battery pilot lines", 1]]
    gb = login("planner", registry).get("/api/v1/people/diaspora/GBR").json()
    assert [r["name"] for r in gb["researchers"]] == ["Ana García López"]
    # officer A sees nobody in Germany: the researchers are out of scope
    assert login("officer_a", registry).get("/api/v1/people/diaspora/DEU").json()["count"] == 0


def test_matching_and_shortlist_stay_in_the_post(registry, people):
    merge_accept(actor=registry.users["planner"], suggestion=MergeSuggestion.objects.get())
    olga = login("officer_a", registry)
    opportunity = registry.opportunity_a  # sodium-ion battery pilot line, post A (France)
    matches = olga.get(f"/api/v1/people/opportunities/{opportunity.pk}/matches").json()
    assert [m["researcher"]["name"] for m in matches] == ["Rosa Méndez Díaz"]
    assert set(matches[0]["reasons"]["terms"]) >= {"sodi", "bateri", "pilot"}
    rosa = matches[0]["researcher"]["id"]
    added = olga.post(
        f"/api/v1/people/opportunities/{opportunity.pk}/shortlist",
        data={"researcher": rosa},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert ShortlistEntry.objects.get().researcher_id == rosa
    url = f"/api/v1/people/opportunities/{opportunity.pk}/shortlist"
    assert [e["researcher"]["id"] for e in olga.get(url).json()] == [rosa]
    assert login("officer_b", registry).get(url).status_code == 404
    assert (
        login("officer_b", registry).get(f"/people/opportunity/{opportunity.pk}/").status_code
        == 404
    )
    assert login("planner", registry).get(url).status_code == 200
    assert login("legal", registry).get(url).status_code == 403
    # officer A cannot shortlist someone outside their scope (María, in Germany)
    maria = Researcher.objects.get(openalex_id="A5000000001").pk
    refused = olga.post(url, data={"researcher": maria}, content_type="application/json")
    assert refused.status_code == 404


def test_erasure_removes_the_person_and_keeps_no_personal_data(registry, people):
    rosa = Researcher.objects.get(email="rosa@example.org")
    pk = rosa.pk
    assert login("planner", registry).post(f"/people/{pk}/erase/").status_code == 403
    response = login("admin", registry).post(f"/people/{pk}/erase/")
    assert response.status_code == 302
    assert not Researcher.objects.filter(pk=pk).exists()
    assert not Affiliation.objects.filter(researcher_id=pk).exists()
    assert not MergeSuggestion.objects.exists()  # the suggestion pointed at her
    event = AuditEvent.objects.get(action="researcher.erase")
    assert event.object_id == str(pk)
    text = json.dumps(event.changes) + str(event)
    assert "Rosa" not in text
    assert "rosa@" not in text
    assert "Méndez" not in text


def test_retention_purge(registry, people, settings):
    settings.RESEARCHER_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    Researcher.objects.filter(openalex_id__in=["A5000000001", "A5000000002"]).update(
        last_seen_at=old
    )
    out = io.StringIO()
    call_command("people_purge", stdout=out)
    assert "2 researcher record(s) older than 30 days erased" in out.getvalue()
    assert Researcher.objects.count() == 6
    assert not Researcher.objects.filter(openalex_id="A5000000001").exists()
    assert AuditEvent.objects.get(action="researcher.purge").changes["erased"] == [2, 0]


def test_pages_in_spanish(registry, people):
    planner = registry.users["planner"]
    planner.language = "es"
    planner.save()
    client = login("planner", registry)
    ana = Researcher.objects.get(orcid="0000-0002-1825-0097")
    page = client.get(f"/people/{ana.pk}/").content.decode()
    assert "La regla de la diáspora" in page
    assert "En la diáspora" in page
    listing = client.get("/people/").content.decode()
    assert "Posibles duplicados por revisar" in listing
    diaspora = client.get("/people/diaspora/GBR/").content.decode()
    assert "1 investigador(a) en la diáspora, en su ámbito." in diaspora
    assert "Investigadores de México en Reino Unido</h1>" in diaspora  # the name, not GBR


def test_opportunity_page_links_to_the_matches(registry):
    url = f"/pipeline/{registry.opportunity_a.pk}/"
    link = f"/people/opportunity/{registry.opportunity_a.pk}/"
    assert link in login("officer_a", registry).get(url).content.decode()
    assert link in login("planner", registry).get(url).content.decode()
    assert link not in login("viewer", registry).get(url).content.decode()
    assert link not in login("legal", registry).get(url).content.decode()


def test_export_is_scoped_and_redacted(registry, people):
    rows = login("officer_a", registry).get("/people/export.csv").content.decode().splitlines()
    assert rows[0].split(",")[:5] == ["id", "name", "orcid", "openalex_id", "email"]
    assert sorted(r.split(",")[1] for r in rows[1:]) == ["Lucía Fernández Mora", "Rosa Méndez Díaz"]
    assert "rosa@example.org" not in "\n".join(rows)
    full = login("planner", registry).get("/people/export.csv").content.decode()
    assert "rosa@example.org" in full
    assert len(full.splitlines()) == 9  # header + 8 records


def test_retention_setting(monkeypatch):
    from vinculo.settings import SettingsError
    from vinculo.web.settings import _days

    monkeypatch.delenv("VINCULO_RESEARCHER_RETENTION_DAYS", raising=False)
    assert _days("VINCULO_RESEARCHER_RETENTION_DAYS", 1095) == 1095
    monkeypatch.setenv("VINCULO_RESEARCHER_RETENTION_DAYS", "365")
    assert _days("VINCULO_RESEARCHER_RETENTION_DAYS", 1095) == 365
    for bad in ("0", "-3", "a year", "99999"):
        monkeypatch.setenv("VINCULO_RESEARCHER_RETENTION_DAYS", bad)
        with pytest.raises(SettingsError, match="VINCULO_RESEARCHER_RETENTION_DAYS="):
            _days("VINCULO_RESEARCHER_RETENTION_DAYS", 1095)


def test_api_import(registry):
    client = login("admin", registry)
    with (FIXTURES / "openalex_authors.json").open("rb") as handle:
        response = client.post("/api/v1/people/import", {"file": handle})
    assert response.status_code == 201
    assert (response.json()["rows"], len(response.json()["created"])) == (6, 6)
    bad = io.BytesIO(b"name,country\nX,Mexico\n")
    bad.name = "bad.csv"
    refused = client.post("/api/v1/people/import", {"file": bad})
    assert refused.status_code == 422
    assert "'row': 2, 'field': 'country'" in refused.json()["detail"]
    assert Researcher.objects.count() == 6


def test_diaspora_in_one_priority(registry, people):
    """The country's diaspora per priority (topics against the priority's keywords), and
    the page limited to one: María (battery materials, Max Planck) is in batteries, not in
    aerospace; an unknown priority is a 404."""
    planner = login("planner", registry)
    page = planner.get("/people/diaspora/DEU/").content.decode()
    nav = page.split('id="diaspora-priorities"')[1].split("</nav>")[0]
    counts = dict(re.findall(r'\?priority=([a-z-]+)">[^<]+</a>: (\d+)', nav))
    assert counts == {
        "energy-transition": "0", "health-security": "0", "climate-change": "0",
        "lithium-value-chain": "1",  # "Lithium-ion battery electrolytes"
        "batteries": "1", "electromobility": "0", "aerospace": "0", "supercomputing": "0",
    }  # fmt: skip
    batteries = planner.get("/people/diaspora/DEU/?priority=batteries").content.decode()
    assert "María José Hernández Ruiz" in batteries
    assert 'aria-current="page"' in batteries
    aerospace = planner.get("/people/diaspora/DEU/?priority=aerospace").content.decode()
    assert "María José Hernández Ruiz" not in aerospace
    assert "0 researchers in the diaspora" in aerospace
    assert planner.get("/people/diaspora/DEU/?priority=nothing").status_code == 404


def test_the_briefs_diaspora_figures_and_data_version(registry, people):
    """What a post's brief gets from the profiles: aggregates for the host (María in
    Germany), and a data version that changes when a profile there does."""
    from vinculo.web.insights.briefs import _post_context, post_version
    from vinculo.web.people.services import diaspora_figures, diaspora_stamp

    figures = diaspora_figures("DEU")
    assert figures.count == 1
    assert figures.institutions == (("Max Planck Society", 1),)
    assert {k: v for k, v in figures.by_priority.items() if v} == {
        "lithium-value-chain": 1,
        "batteries": 1,
    }
    assert diaspora_figures("JPN").count == 0
    assert diaspora_stamp("JPN") == "0:"
    post = registry.post_b  # the embassy in Germany
    before = post_version(post, *_post_context(post))
    maria = Researcher.objects.get(openalex_id="A5000000001")
    maria.last_seen_at = maria.last_seen_at + timedelta(days=1)
    maria.save(update_fields=["last_seen_at"])
    assert post_version(post, *_post_context(post)) != before


def test_matching_for_a_project_and_an_agreement(registry, people):
    """A strategic project and an agreement get the researchers who fit their text, in the
    caller's scope, with the reasons; their pages link to them for the people roles."""
    project = registry.project
    project.name = "Sodium-ion battery pilot line"
    project.description = "Cells and battery pilot lines for the national storage plan."
    project.save()
    planner = login("planner", registry)
    found = planner.get(f"/api/v1/people/projects/{project.pk}/matches").json()
    assert found[0]["researcher"]["name"] == "Rosa Méndez Díaz"
    assert {"sodi", "bateri", "pilot"} <= set(found[0]["reasons"]["terms"])
    assert found == sorted(found, key=lambda m: -m["score"])
    page = planner.get(f"/people/project/{project.pk}/").content.decode()
    assert "Rosa Méndez Díaz" in page
    detail = planner.get(f"/registry/projects/{project.pk}/").content.decode()
    assert f'href="/people/project/{project.pk}/"' in detail
    assert (
        'id="project-matches"'
        not in login("viewer", registry).get(f"/registry/projects/{project.pk}/").content.decode()
    )
    agreement = registry.agreement_a
    agreement.summary = "Joint work on lithium-ion battery electrolytes."
    agreement.save()
    olga = login("officer_a", registry)  # France: María (Germany) is out of her scope
    names = [m["researcher"]["name"] for m in
             olga.get(f"/api/v1/people/agreements/{agreement.pk}/matches").json()]  # fmt: skip
    assert "María José Hernández Ruiz" not in names
    url = f"/api/v1/people/agreements/{agreement.pk}/matches"
    everyone = [m["researcher"]["name"] for m in planner.get(url).json()]
    assert everyone[0] == "María José Hernández Ruiz"  # "Lithium-ion battery electrolytes"


def test_a_shortlist_for_a_project_profile_counts_in_its_gap(registry, people):
    """A planner shortlists Rosa for the project's "battery-engineer" profile: the 3:2:3
    gap of that profile counts her as matched (needed 3, no graduates: 2 missing); a
    profile the project does not need is refused, an officer cannot shortlist."""
    from vinculo.web.mobility.models import ProjectNeed
    from vinculo.web.mobility.selectors import project_gaps, researchers_matched

    project = registry.project
    project.description = "Sodium-ion battery pilot lines."
    project.save()
    ProjectNeed.objects.create(project=project, profile="battery-engineer", year=2029,
                               specialists=3)  # fmt: skip
    rosa = Researcher.objects.get(orcid="0000-0003-1419-2405")
    planner = login("planner", registry)
    url = f"/api/v1/people/projects/{project.pk}/shortlist"
    refused = planner.post(url, data={"researcher": rosa.pk, "profile": "astronaut"},
                           content_type="application/json")  # fmt: skip
    assert refused.status_code == 400
    assert "not a profile this project needs" in refused.json()["detail"]
    added = planner.post(url, data={"researcher": rosa.pk, "profile": "battery-engineer"},
                         content_type="application/json")  # fmt: skip
    assert added.status_code == 201
    assert added.json()["score"] > 0
    assert {"sodi", "bateri"} <= set(added.json()["reasons"]["terms"])
    assert researchers_matched(project) == {(project.name, "battery-engineer"): 1}
    (gap,) = [g for g in project_gaps(project) if g.profile == "battery-engineer"]
    assert (gap.needed, gap.expected, gap.matched, gap.gap) == (3, 0, 1, 2)
    olga = login("officer_a", registry)
    forbidden = olga.post(url, data={"researcher": rosa.pk, "profile": "battery-engineer"},
                          content_type="application/json")  # fmt: skip
    assert forbidden.status_code == 403
    assert [e["researcher"]["name"] for e in olga.get(url).json()] == ["Rosa Méndez Díaz"]
    page = planner.get(f"/people/project/{project.pk}/").content.decode()
    assert 'id="project-shortlist"' in page
    assert "Rosa Méndez Díaz</a>: battery-engineer" in page


def test_an_agreement_shortlist_is_kept_by_its_post_and_the_central_roles(registry, people):
    """Officer A shortlists Rosa (France) for her post's agreement, with the fit's reasons;
    the planner sees the entry; officer B cannot read the agreement (404); an officer who
    reads a shared agreement of another post cannot keep a shortlist on it (403) nor sees
    the form; an erasure removes the entry and the audit entry counts it."""
    from vinculo.web.people.models import AgreementShortlistEntry
    from vinculo.web.people.services import researcher_erase

    agreement = registry.agreement_a
    agreement.summary = "Sodium-ion battery pilot lines and lithium-ion battery electrolytes."
    agreement.save()
    rosa = Researcher.objects.get(orcid="0000-0003-1419-2405")
    olga = login("officer_a", registry)
    url = f"/api/v1/people/agreements/{agreement.pk}/shortlist"
    added = olga.post(url, data={"researcher": rosa.pk}, content_type="application/json")
    assert added.status_code == 201
    assert added.json()["score"] > 0
    assert "bateri" in added.json()["reasons"]["terms"]
    entry = AgreementShortlistEntry.objects.get()
    assert (entry.agreement_id, entry.researcher_id, entry.added_by) == (
        agreement.pk, rosa.pk, registry.users["officer_a"],
    )  # fmt: skip
    planner = login("planner", registry)
    assert [e["researcher"]["name"] for e in planner.get(url).json()] == ["Rosa Méndez Díaz"]
    page = planner.get(f"/people/agreement/{agreement.pk}/").content.decode()
    section = page.split('id="agreement-shortlist"')[1].split("</section>")[0]
    assert "Rosa Méndez Díaz" in section
    assert login("officer_b", registry).get(url).status_code == 404
    # officer B reads the shared agreement of post B; officer A reads it too, shared
    shared = registry.agreement_shared
    assert olga.get(f"/people/agreement/{shared.pk}/").status_code == 200
    assert (
        'id="agreement-shortlist"'
        not in olga.get(f"/people/agreement/{shared.pk}/").content.decode()
    )
    refused = olga.post(
        f"/api/v1/people/agreements/{shared.pk}/shortlist",
        data={"researcher": rosa.pk}, content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 403
    assert olga.post(f"/people/agreement/{shared.pk}/", {"researcher": rosa.pk}).status_code == 403
    assert AgreementShortlistEntry.objects.count() == 1
    researcher_erase(actor=registry.users["admin"], researcher=rosa)
    assert not AgreementShortlistEntry.objects.exists()
    audit = AuditEvent.objects.get(action="researcher.erase")
    assert audit.changes["agreement_shortlist_entries"] == [1, 0]


def test_the_dashboard_shows_the_diaspora_per_host_country(registry, people):
    """The dashboard's card: the host countries with their diaspora (stored figures) and
    the priority most of them work in — every country for a planner, the post's country
    for an officer, no card for a viewer."""
    planner = login("planner", registry).get("/").content.decode()
    card = planner.split('id="dashboard-diaspora"')[1].split("</section>")[0]
    assert re.findall(r'data-country="([A-Z]{3})"', card) == ["DEU", "FRA", "GBR"]
    assert 'href="/people/diaspora/DEU/"' in card
    assert "High-performance batteries: 1" in card  # María in Germany
    olga = login("officer_a", registry).get("/").content.decode()
    mine = olga.split('id="dashboard-diaspora"')[1].split("</section>")[0]
    assert re.findall(r'data-country="([A-Z]{3})"', mine) == ["FRA"]
    assert 'id="dashboard-diaspora"' not in login("viewer", registry).get("/").content.decode()
