"""Mobility: the flows' arithmetic checked by hand, who sees which records and person
fields, the all-or-nothing import, the redacted export, the renewal alerts, the API and
the page in both languages."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from tests.web.conftest import Registry, login
from vinculo.web.mobility.imports import import_records
from vinculo.web.mobility.models import (
    MobilityRecord,
    Programme,
    ProjectNeed,
    TrainingCohort,
    TrainingProgramme,
)
from vinculo.web.mobility.selectors import (
    flows,
    programmes_due,
    project_gaps,
    records_visible_to,
)
from vinculo.web.pipeline.imports import ImportFailedError

pytestmark = pytest.mark.django_db


@pytest.fixture
def mobility(registry: Registry) -> dict[str, Programme]:
    pa = Programme.objects.create(name="Becas Francia", kind="scholarship",
                                  agreement=registry.agreement_a)  # fmt: skip
    pb = Programme.objects.create(name="Intercambio Alemania", kind="exchange",
                                  agreement=registry.agreement_b)  # fmt: skip
    rows = [
        ("Ana Pérez", "out", "FRA", date(2022, 9, 1), "batteries", pa),
        ("Luis Gómez", "out", "FRA", date(2022, 10, 1), "batteries", pa),
        ("Claire Martin", "in", "FRA", date(2023, 2, 1), "batteries", pa),
        ("Rosa Díaz", "out", "FRA", date(2023, 3, 1), "", pa),
        ("Jan Weber", "in", "DEU", date(2021, 1, 10), "batteries", pb),
        ("Eva Braun", "in", "DEU", date(2021, 5, 10), "batteries", pb),
        ("Paul Klein", "in", "DEU", date(2021, 8, 10), "batteries", pb),
    ]
    for name, direction, country, starts, priority, programme in rows:
        MobilityRecord.objects.create(
            person_name=name, direction=direction, partner_country_id=country,
            starts_on=starts, priority=priority, programme=programme,
        )  # fmt: skip
    return {"a": pa, "b": pb}


def test_flows_by_hand(mobility):
    found = flows(MobilityRecord.objects.all())
    table = [(f.partner, f.priority, f.incoming, f.outgoing, f.balance, f.years) for f in found]
    assert table == [
        ("DEU", "batteries", 3, 0, 3, {2021: [3, 0]}),
        ("FRA", "batteries", 1, 2, -1, {2022: [0, 2], 2023: [1, 0]}),
        ("FRA", "", 0, 1, -1, {2023: [0, 1]}),
    ]


def test_officers_see_the_records_of_their_agreements(registry, mobility):
    users = registry.users
    assert records_visible_to(users["officer_a"]).count() == 4
    assert set(
        records_visible_to(users["officer_b"]).values_list("partner_country", flat=True)
    ) == {"DEU"}
    assert records_visible_to(users["viewer"]).count() == 7


CSV_OK = (
    "direction,partner_country,starts_on,ends_on,person_name,priority,funding\n"
    "out,FRA,2024-09-01,2025-06-30,Marta Ruiz,batteries,home\n"
    "in,DEU,2024-10-01,,,,\n"
)


def test_import_csv(registry, mobility):
    report = import_records(actor=registry.users["planner"], handle=io.BytesIO(CSV_OK.encode()),
                            name="stays.csv")  # fmt: skip
    assert len(report.created) == 2
    marta = MobilityRecord.objects.get(pk=report.created[0])
    assert (marta.partner_country_id, marta.ends_on, marta.funding) == (
        "FRA",
        date(2025, 6, 30),
        "home",
    )


def test_import_is_all_or_nothing_and_names_row_and_field(registry, mobility):
    bad = CSV_OK + "sideways,XXX,2024-13-01,,,nope,gift\n"
    with pytest.raises(ImportFailedError, match=r"stays\.csv: 5 error") as failure:
        import_records(actor=registry.users["planner"], handle=io.BytesIO(bad.encode()),
                       name="stays.csv")  # fmt: skip
    errors = {(e.row, e.field) for e in failure.value.report.errors}
    assert errors == {(4, "direction"), (4, "partner_country"), (4, "starts_on"),
                      (4, "priority"), (4, "funding")}  # fmt: skip
    assert MobilityRecord.objects.count() == 7  # nothing written


def test_import_excel_and_roles(registry, mobility):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in csv.reader(io.StringIO(CSV_OK)):
        sheet.append(line)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    report = import_records(actor=registry.users["officer_a"], handle=data, name="s.xlsx")
    assert len(report.created) == 2
    for persona in ("viewer", "legal"):
        with pytest.raises(PermissionDenied):
            import_records(actor=registry.users[persona], handle=io.BytesIO(CSV_OK.encode()),
                           name="s.csv")  # fmt: skip


def test_an_officer_cannot_import_into_another_posts_programme(registry, mobility):
    text = f"direction,partner_country,starts_on,programme\nin,DEU,2024-01-01,{mobility['b'].pk}\n"
    with pytest.raises(ImportFailedError) as failure:
        import_records(actor=registry.users["officer_a"], handle=io.BytesIO(text.encode()),
                       name="s.csv")  # fmt: skip
    assert [(e.row, e.field) for e in failure.value.report.errors] == [(2, "programme")]


@pytest.mark.parametrize(
    ("persona", "rows", "names"),
    [("planner", 7, True), ("admin", 7, True), ("viewer", 7, False), ("legal", 7, False),
     ("officer_a", 4, False)],
)  # fmt: skip
def test_export_redacts_the_person_below_planner(registry, mobility, persona, rows, names):
    response = login(persona, registry).get("/mobility/export.csv")
    assert response.status_code == 200
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(lines) == rows
    shown = {line["person_name"] for line in lines}
    assert ("Ana Pérez" in shown) is names
    if not names:
        assert shown == {""}


def test_api_flows_and_records(registry, mobility):
    client = login("officer_b", registry)
    body = client.get("/api/v1/mobility/flows").json()
    assert body == [{"partner": "DEU", "priority": "batteries", "incoming": 3, "outgoing": 0,
                     "balance": 3, "years": {"2021": [3, 0]}}]  # fmt: skip
    records = client.get("/api/v1/mobility/records").json()
    assert {r["person_name"] for r in records} == {""}
    records = login("planner", registry).get("/api/v1/mobility/records?country=DEU").json()
    assert {r["person_name"] for r in records} == {"Jan Weber", "Eva Braun", "Paul Klein"}


def test_renewal_alerts_follow_the_agreements_rule(registry, mobility):
    today = date(2026, 1, 1)
    soon, later = mobility["a"], mobility["b"]
    soon.ends_on = today + timedelta(days=30)  # within its 90 days' notice
    soon.save()
    later.ends_on = today + timedelta(days=200)
    later.save()
    assert programmes_due(today, Programme.objects.all()) == [soon]
    later.renewal_notice_days = 250
    later.save()
    assert programmes_due(today, Programme.objects.all()) == [soon, later]


@pytest.mark.parametrize(("language", "title"), [("es", "Movilidad"), ("en", "Mobility")])
def test_page_in_both_languages(registry, mobility, language, title):
    registry.users["planner"].language = language
    registry.users["planner"].save()
    response = login("planner", registry).get("/mobility/?country=FRA")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"<h1>{title}" in text
    assert 'id="mobility-data"' in text
    assert 'data-partner="FRA" data-priority="batteries"' in text
    # the priority by its name in the page's language, not its id
    row = re.search(r'<tr data-partner="FRA" data-priority="batteries">(.*?)</tr>', text).group(1)
    expected = {"es": "Baterías de alto desempeño", "en": "High-performance batteries"}
    assert re.findall(r"<td>([^<]*)</td>", row)[0] == expected[language]


# ---------------------------------------------------------------- human capital (3:2:3)
@pytest.fixture
def capital(registry: Registry) -> TrainingProgramme:
    project = registry.project
    programme = TrainingProgramme.objects.create(
        name="Especialistas HPC 3:2:3", model="3-2-3", profile="hpc-engineer"
    )
    programme.projects.add(project)
    programme.institutions.add(registry.unam, registry.cnrs)
    # 2022 + 5: 20 x 0.8 = 16 ready in 2027; 2023 + 5: 7 recorded after the stay abroad
    TrainingCohort.objects.create(programme=programme, start_year=2022, seats=25, enrolled=20,
                                  completion_rate=0.8)  # fmt: skip
    TrainingCohort.objects.create(programme=programme, start_year=2023, seats=25, enrolled=10,
                                  completion_rate=0.8,
                                  graduates_by_stage={"training": 9, "abroad": 7})  # fmt: skip
    for year, n in ((2027, 30), (2028, 30)):
        ProjectNeed.objects.create(project=project, profile="hpc-engineer", year=year,
                                   specialists=n)  # fmt: skip
    return programme


def test_project_gaps_by_hand(registry, capital):
    found = [(g.year, g.needed, g.expected, g.gap, g.partner_countries)
             for g in project_gaps(registry.project)]  # fmt: skip
    partner = registry.cnrs.country_id
    assert found == [(2027, 30, 16.0, 14.0, (partner,)), (2028, 30, 23.0, 7.0, (partner,))]


@pytest.mark.parametrize(
    ("language", "heading"),
    [("es", "Especialistas: necesarios y esperados"), ("en", "Specialists: needed and expected")],
)
def test_gap_on_the_project_page_and_the_capital_page(registry, capital, language, heading):
    registry.users["viewer"].language = language
    registry.users["viewer"].save()
    client = login("viewer", registry)
    for url in (f"/registry/projects/{registry.project.pk}/", "/mobility/capital/"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert heading in text
        assert 'data-year="2027" data-gap="14"' in text
        assert 'data-year="2028" data-gap="7"' in text


def test_the_partners_strength_beside_its_talent(registry, mobility):
    from vinculo.web.insights.models import Snapshot

    Snapshot.objects.create(
        home="MEX", fingerprint="f" * 16, seconds=1.0,
        payload={"partners": {"batteries": {"candidates": 40, "ranked": [
            {"partner": "DEU", "rank": 1, "score": 0.7},
            {"partner": "FRA", "rank": 3, "score": 0.61}]}}},
    )  # fmt: skip
    text = login("planner", registry).get("/mobility/?country=FRA").content.decode()
    assert "rank 3 of 40 (score 0.610)" in text
    assert text.count("not ranked") == 7  # the seven other priorities


@pytest.mark.parametrize(
    ("language", "text"), [("es", "faltan 14 de 30"), ("en", "14 of 30 missing")]
)
def test_the_dashboard_shows_the_open_gaps(registry, capital, language, text):
    ProjectNeed.objects.create(project=registry.project, profile="hpc-engineer", year=2029,
                               specialists=15)  # covered: 23 ready by 2029  # fmt: skip
    registry.users["officer_a"].language = language
    registry.users["officer_a"].save()
    page = login("officer_a", registry).get("/").content.decode()
    assert 'id="dashboard-capital"' in page
    # 2027: 30 - 16 = 14; 2028: 30 - 23 = 7; 2029 covered (not listed)
    assert 'data-year="2027"' in page
    assert 'data-year="2029"' not in page
    assert text in page


def test_the_post_page_shows_its_position_and_links_to_mobility(registry):
    post = registry.post_a
    post.latitude, post.longitude, post.wikidata = 48.8647, 2.29222, "Q6018519"
    post.save()
    page = login("officer_a", registry).get(f"/registry/posts/{post.pk}/").content.decode()
    assert "48.8647, 2.2922 (Wikidata Q6018519)" in page
    assert f'href="/mobility/?country={post.host_country_id}"' in page


def test_a_record_by_hand_page_and_api(registry):
    """The form and the API check a record as the import checks a row: a record saved,
    an end before the start and another post refused with the field named, nothing
    written then; an officer cannot file a record under another post."""
    olga = login("officer_a", registry)
    page = olga.get("/mobility/new/")
    assert page.status_code == 200
    assert 'name="partner_country"' in page.content.decode()
    saved = olga.post("/mobility/new/", {
        "direction": "out", "partner_country": "FRA", "starts_on": "2026-09-01",
        "ends_on": "2027-06-30", "funding": "joint", "to_institution": "https://ror.org/02feahw73",
        "post": str(registry.post_a.pk), "priority": "batteries", "field": "Electrochemistry",
    })  # fmt: skip
    assert saved.status_code == 302
    record = MobilityRecord.objects.get()
    assert (record.direction, record.partner_country_id, record.post_id, record.funding) == (
        "out", "FRA", registry.post_a.pk, "joint",
    )  # fmt: skip
    assert record.to_institution is not None
    assert record.created_by == registry.users["officer_a"]
    refused = olga.post("/mobility/new/", {
        "direction": "in", "partner_country": "DEU", "starts_on": "2026-09-01",
        "ends_on": "2026-01-01", "funding": "other", "post": str(registry.post_b.pk),
    })  # fmt: skip
    assert refused.status_code == 400
    body = refused.content.decode()
    assert f'id="id_post_error"><li>Select a valid choice. {registry.post_b.pk} is' in body
    backwards = olga.post("/mobility/new/", {
        "direction": "in", "partner_country": "DEU", "starts_on": "2026-09-01",
        "ends_on": "2026-01-01", "funding": "other",
    })  # fmt: skip
    assert backwards.status_code == 400
    assert 'id="id_ends_on_error"><li>before starts_on</li>' in backwards.content.decode()
    assert MobilityRecord.objects.count() == 1
    api = olga.post("/api/v1/mobility/records", data={
        "direction": "in", "partner_country": "DEU", "starts_on": "2026-10-01",
        "ends_on": "2026-01-01", "to_institution": "https://ror.org/nope",
    }, content_type="application/json")  # fmt: skip
    assert api.status_code == 400
    fields = {e["field"] for e in api.json()["detail"]}
    assert fields == {"ends_on", "to_institution"}
    created = olga.post("/api/v1/mobility/records", data={
        "direction": "in", "partner_country": "DEU", "starts_on": "2026-10-01",
    }, content_type="application/json")  # fmt: skip
    assert created.status_code == 201
    assert created.json()["partner_country"] == "DEU"
    assert created.json()["person_name"] == ""  # officers do not see the person fields
    assert MobilityRecord.objects.count() == 2
    assert login("viewer", registry).get("/mobility/new/").status_code == 403
