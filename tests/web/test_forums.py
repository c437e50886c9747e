"""Forums in the web app (issue 15, parts 3-4): the registry's forums and their sources,
the influence gap, meetings and their iCalendar export, positions, and Mexico's delegates,
whose names only planners, legal officers and administrators see."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from tests.web.conftest import PERSONAS, Registry, login
from vinculo.web.audit.models import AuditEvent
from vinculo.web.forums.models import Delegate, Forum, ForumEvent, Position
from vinculo.web.forums.services import sync_forums

pytestmark = pytest.mark.django_db

SEE_PEOPLE = {"legal", "planner", "admin"}
DELEGATE = "Dra. Ximena Delegada"


@pytest.fixture
def recorded(registry: Registry) -> Registry:
    """iec-tc-82 with a meeting, a delegate and a position."""
    forum = Forum.objects.create(slug="iec-tc-82")
    event = ForumEvent.objects.create(
        forum=forum,
        title="Plenary, 2027",
        starts_on=dt.date(2027, 4, 12),
        ends_on=dt.date(2027, 4, 16),
        city="Querétaro",
        country="MEX",
    )
    Delegate.objects.create(
        forum=forum, event=event, name=DELEGATE, institution="INEEL", email="x@example.org"
    )
    Position.objects.create(
        forum=forum,
        event=event,
        title="Comments on IEC 61215, module qualification",
        submitted_on=dt.date(2027, 3, 1),
        outcome=Position.Outcome.ADOPTED,
    )
    return registry


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_delegate_names_only_for_planners_legal_and_administrators(recorded, persona):
    client = login(persona, recorded)
    page = client.get(reverse("forums:detail", args=["iec-tc-82"])).content.decode()
    api = client.get("/api/v1/forums/iec-tc-82/delegates")
    if persona in SEE_PEOPLE:
        assert DELEGATE in page
        assert api.status_code == 200
        assert [d["name"] for d in api.json()] == [DELEGATE]
    else:
        assert DELEGATE not in page
        assert "1 delegate recorded; names are visible to planners" in page
        assert api.status_code == 403
    # the meeting and the position are for every role
    assert "Plenary, 2027" in page
    assert "Comments on IEC 61215" in page


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_calendar_exports_meetings_never_delegates(recorded, persona):
    client = login(persona, recorded)
    for url in (reverse("forums:calendar"), reverse("forums:forum_calendar", args=["iec-tc-82"])):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        body = response.content.decode()
        assert body.startswith("BEGIN:VCALENDAR\r\n")
        assert "DTSTART;VALUE=DATE:20270412\r\n" in body
        assert "DTEND;VALUE=DATE:20270417\r\n" in body  # the day after the last, as RFC 5545
        assert "LOCATION:Querétaro\\, MEX\r\n" in body
        assert "Plenary\\, 2027" in body
        assert DELEGATE not in body
        assert "INEEL" not in body
        assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_detail_shows_status_with_its_source_and_links_the_leaders(registry):
    client = login("viewer", registry)
    page = client.get(reverse("forums:detail", args=["iso-tc-333"])).content.decode()
    assert "Unknown (no public source found)" in page
    assert reverse("insights:country", args=["CHN"]) in page
    assert "Hiina standardimisorganisatsioon (SAC)" in page  # the passage the lead rests on
    pv = client.get(reverse("forums:detail", args=["iec-tc-82"])).content.decode()
    assert "Mexico | P | 2021-03-04" in pv
    assert "https://www.iec.ch/dyn/www/f?p=103:52:0" in pv
    assert client.get(reverse("forums:detail", args=["no-such-forum"])).status_code == 404


def test_coverage_page_and_api_give_the_influence_gap(registry):
    client = login("viewer", registry)
    page = client.get(reverse("forums:coverage")).content.decode()
    assert 'id="priority-lithium-value-chain"' in page
    rows = {row["priority"]: row for row in client.get("/api/v1/forums/coverage").json()}
    lithium = rows["lithium-value-chain"]
    assert set(lithium["absent"]) == {"iec-sc-21a", "msp"}
    assert lithium["presence"] == 0.0
    assert lithium["gap_leaders"] == ["USA"]
    assert "iso-tc-333" in lithium["unknown"]
    aerospace = rows["aerospace"]
    assert aerospace["absent"] == ["iso-tc-20-sc-14"]
    assert aerospace["presence"] == pytest.approx(0.9)  # 9 of the 10 with a known status
    assert aerospace["gap_leaders"] == ["USA"]


def test_list_filters_by_priority_and_status(registry):
    client = login("officer_a", registry)
    page = client.get(reverse("forums:list"), {"priority": "lithium-value-chain"})
    body = page.content.decode()
    assert "ISO/TC 333" in body
    assert "IEC TC 82 " not in body
    forums = client.get("/api/v1/forums/", {"status": "observer"}).json()
    observed = {"iec-tc-117", "iec-tc-57", "iec-tc-113", "mission-innovation"}
    assert {f["id"] for f in forums} == observed
    assert all(f["mexico"]["source"]["passage"] for f in forums)


def test_country_api_lists_the_forums_it_leads(registry):
    client = login("viewer", registry)
    led = {f["id"] for f in client.get("/api/v1/forums/countries/CHN").json()}
    assert {"iso-tc-333", "iso-tc-265", "geo", "cem-evi"} <= led
    assert client.get("/api/v1/forums/countries/ZZZ").json() == []


def test_dashboard_shows_the_influence_gap_panel(registry):
    page = login("viewer", registry).get(reverse("insights:home")).content.decode()
    assert 'id="influence-gap"' in page
    assert reverse("forums:coverage") in page
    # each priority's row: presence among the forums with a sourced status, the forums
    # with a seat, absent and unknown, from the shipped registry
    from vinculo.strategy.forums import coverage, default_forums
    from vinculo.strategy.priorities import default_priorities

    rows = coverage(default_forums(), [p.id for p in default_priorities().priorities])
    lithium = next(r for r in rows if r.priority == "lithium-value-chain")
    seated = len(lithium.participating) + len(lithium.observer)
    panel = page.split('id="influence-gap"')[1].split("</table>")[0]
    line = panel.split('#priority-lithium-value-chain">')[1].split("</tr>")[0]
    cells = re.findall(r"<td>([^<]*)</td>", line)
    presence = "—" if lithium.presence is None else f"{round(100 * lithium.presence)} %"
    assert cells == [presence, str(seated), str(len(lithium.absent)), str(len(lithium.unknown))]


def test_planner_records_a_meeting_a_position_and_a_delegate_with_audit(registry):
    client = login("planner", registry)
    response = client.post(
        reverse("forums:event_add", args=["iso-tc-333"]),
        {"title": "Plenary", "starts_on": "2027-05-03", "ends_on": "2027-05-05", "country": "chl"},
    )
    assert response.status_code == 302
    event = ForumEvent.objects.get(forum__slug="iso-tc-333")
    assert event.country == "CHL"
    response = client.post(
        reverse("forums:delegate_add", args=["iso-tc-333"]),
        {"name": "Ing. Pedro Páramo", "institution": "SGM", "event": event.pk},
    )
    assert response.status_code == 302
    api = client.post(
        "/api/v1/forums/iso-tc-333/positions",
        data=json.dumps(
            {
                "title": "Lithium brine sampling",
                "submitted_on": "2027-05-04",
                "event": event.pk,
                "outcome": "partial",
            }
        ),
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    assert api.json()["outcome"] == "partial"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"forum_event.create", "forum_delegate.create", "forum_position.create"} <= actions
    # the audit names the row, never the person
    assert "Páramo" not in json.dumps(list(AuditEvent.objects.values("changes", "object_id")))


def test_bad_meeting_dates_and_foreign_events_are_refused(registry):
    client = login("legal", registry)
    response = client.post(
        reverse("forums:event_add", args=["iec-tc-82"]),
        {"title": "Plenary", "starts_on": "2027-05-05", "ends_on": "2027-05-03"},
    )
    assert response.status_code == 200
    assert "A meeting cannot end before it starts." in response.content.decode()
    assert not ForumEvent.objects.exists()
    other = ForumEvent.objects.create(
        forum=Forum.objects.create(slug="geo"),
        title="GEO Week",
        starts_on=dt.date(2027, 11, 1),
        ends_on=dt.date(2027, 11, 5),
    )
    api = client.post(
        "/api/v1/forums/iec-tc-82/positions",
        data=json.dumps({"title": "X", "submitted_on": "2027-05-04", "event": other.pk}),
        content_type="application/json",
    )
    assert api.status_code == 422
    assert not Position.objects.exists()


def test_sync_creates_a_row_per_registry_forum_once(registry):
    created = sync_forums()
    assert created == Forum.objects.count() >= 40
    assert sync_forums() == 0


def test_pages_speak_spanish(recorded):
    user = recorded.users["viewer"]
    user.language = "es"
    user.save(update_fields=["language"])
    client = login("viewer", recorded)
    page = client.get(reverse("forums:detail", args=["iec-tc-82"])).content.decode()
    assert "Situación de México" in page
    assert "IEC TC 82 — Sistemas de energía solar fotovoltaica" in page
    assert "1 delegado registrado; los nombres solo los ven" in page
    gap = client.get(reverse("forums:coverage")).content.decode()
    assert "Encabezan donde México está ausente" in gap


def test_the_api_refuses_what_the_model_does_not_allow(registry):
    client = login("planner", registry)

    def post(path, body):
        return client.post(path, data=json.dumps(body), content_type="application/json")

    long_country = post(
        "/api/v1/forums/geo/events",
        {"title": "GEO Week", "starts_on": "2027-11-01", "ends_on": "2027-11-05",
         "country": "Mexico"},
    )  # fmt: skip
    assert long_country.status_code == 422
    bad_outcome = post(
        "/api/v1/forums/geo/positions",
        {"title": "X", "submitted_on": "2027-11-02", "outcome": "won"},
    )
    assert bad_outcome.status_code == 422
    bad_email = post("/api/v1/forums/geo/delegates", {"name": "A", "email": "not-an-address"})
    assert bad_email.status_code == 422
    assert not ForumEvent.objects.exists()
    assert not Position.objects.exists()
    assert not Delegate.objects.exists()


def test_removing_a_delegate_deletes_the_person_and_audits_the_row(recorded):
    delegate = Delegate.objects.get()
    url = reverse("forums:delegate_remove", args=["iec-tc-82", delegate.pk])
    assert login("officer_a", recorded).post(url).status_code == 403
    assert Delegate.objects.exists()
    # another forum's address does not reach it
    other = reverse("forums:delegate_remove", args=["geo", delegate.pk])
    assert login("legal", recorded).post(other).status_code == 404
    assert login("legal", recorded).post(url).status_code == 302
    assert not Delegate.objects.exists()
    event = AuditEvent.objects.get(action="forum_delegate.remove")
    assert event.object_id == str(delegate.pk)
    assert DELEGATE not in json.dumps(event.changes)


def test_a_position_outcome_is_recorded_with_its_before_and_after(recorded):
    position = Position.objects.get()
    client = login("planner", recorded)
    response = client.patch(
        f"/api/v1/forums/iec-tc-82/positions/{position.pk}",
        data=json.dumps({"outcome": "partial", "outcome_notes": "Clause 4 kept."}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "partial"
    event = AuditEvent.objects.get(action="forum_position.outcome")
    assert event.changes["outcome"] == ["adopted", "partial"]
    bad = client.patch(
        f"/api/v1/forums/iec-tc-82/positions/{position.pk}",
        data=json.dumps({"outcome": "won"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    position.refresh_from_db()
    assert (position.outcome, position.outcome_notes) == ("partial", "Clause 4 kept.")
    page = client.post(
        reverse("forums:position_outcome", args=["iec-tc-82", position.pk]),
        {"outcome": "rejected", "outcome_notes": ""},
    )
    assert page.status_code == 302
    position.refresh_from_db()
    assert position.outcome == "rejected"


def test_the_sync_command_is_idempotent(registry):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("sync_forums", stdout=out)
    total = Forum.objects.count()
    assert out.getvalue().strip() == f"{total} forum(s) added; {total} in the registry"
    out = StringIO()
    call_command("sync_forums", stdout=out)
    assert out.getvalue().startswith("0 forum(s) added")
