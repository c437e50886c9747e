"""The registry API at the HTTP boundary: whole payloads pinned, IP terms and documents
redacted for who may not see them, tokens, writes with their audit records and errors."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.web.conftest import login
from vinculo.web.accounts.models import ApiToken
from vinculo.web.audit.models import AuditEvent
from vinculo.web.registry.models import Agreement, AgreementDocument, Project

pytestmark = pytest.mark.django_db

BASE = "/api/v1/registry"
AT = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def pinned(registry):
    """Fixed timestamps and dates, so whole payloads can be written down."""
    Agreement.objects.update(created_at=AT, updated_at=AT)
    Agreement.objects.filter(pk=registry.agreement_a.pk).update(expires_on=dt.date(2026, 3, 31))
    AgreementDocument.objects.update(uploaded_at=AT)
    Project.objects.update(updated_at=AT)
    return registry


def get(client: Client, path: str, **params) -> tuple[int, object]:
    response = client.get(BASE + path, params)
    return response.status_code, response.json()


def send(client: Client, method: str, path: str, body: dict) -> tuple[int, object]:
    response = client.generic(method, BASE + path, json.dumps(body), "application/json")
    return response.status_code, response.json()


def agreement_a_payload(registry, *, confidential: bool) -> dict:
    a = registry.agreement_a
    return {
        "id": a.pk,
        "title": "Lithium chemistry with CNRS",
        "kind": "institutional",
        "status": "in_force",
        "post": registry.post_a.pk,
        "partner_country": "FRA",
        "institutions": [
            {
                "id": registry.cnrs.pk,
                "name": "Centre National de la Recherche Scientifique",
                "ror_id": "https://ror.org/02feahw73",
                "country": "FRA",
            },
            {
                "id": registry.unam.pk,
                "name": "Universidad Nacional Autónoma de México",
                "ror_id": "https://ror.org/01tmp8f25",
                "country": "MEX",
            },
        ],
        "priorities": ["lithium-value-chain", "batteries"],
        "signed_on": "2024-03-01",
        "effective_on": "2024-04-01",
        "expires_on": "2026-03-31",
        "renewal_notice_days": 90,
        "shared": False,
        "summary": "Joint laboratory on lithium extraction.",
        "created_by": "pablo",
        "created_at": "2026-01-15T12:00:00Z",
        "updated_at": "2026-01-15T12:00:00Z",
        "outcomes": [
            {
                "id": a.outcomes.get().pk,
                "kind": "publication",
                "description": "Brine chemistry paper",
                "reference": "10.1000/xyz123",
                "occurred_on": "2025-05-01",
            }
        ],
        "confidential_visible": confidential,
        "ip_terms": {
            "background_ip": "each_party",
            "foreground_ip": "joint",
            "licensing": "non_exclusive",
            "royalty_home_percent": "37.50",
            "publication_rights": "",
            "confidentiality_years": None,
            "jurisdiction": "SECRET-JURISDICTION",
        }
        if confidential
        else None,
        "documents": [
            {
                "id": registry.document_a.pk,
                "name": "signed-agreement.pdf",
                "content_type": "application/pdf",
                "size": registry.document_a.size,
                "uploaded_at": "2026-01-15T12:00:00Z",
                "url": f"/registry/agreements/{a.pk}/documents/{registry.document_a.pk}/",
            }
        ]
        if confidential
        else None,
    }


@pytest.mark.parametrize(
    ("persona", "confidential"),
    [("legal", True), ("officer_a", True), ("planner", True), ("viewer", False)],
)
def test_agreement_payload_whole(pinned, persona, confidential):
    status, body = get(login(persona, pinned), f"/agreements/{pinned.agreement_a.pk}")
    assert status == 200
    assert body == agreement_a_payload(pinned, confidential=confidential)


def test_a_shared_agreement_hides_its_terms_from_other_posts(pinned, officer_a, officer_b):
    path = f"/agreements/{pinned.agreement_shared.pk}"
    _status, theirs = get(officer_a, path)
    _status, own = get(officer_b, path)
    assert (theirs["confidential_visible"], theirs["ip_terms"], theirs["documents"]) == (
        False,
        None,
        None,
    )
    assert own["ip_terms"]["licensing"] == "case_by_case"
    assert [d["id"] for d in own["documents"]] == [pinned.document_shared.pk]
    assert "SECRET" not in json.dumps(theirs)


def test_agreement_list_whole_for_an_officer(pinned, officer_a):
    status, body = get(officer_a, "/agreements")
    assert status == 200
    summaries = sorted(body["items"], key=lambda item: item["id"])
    assert body["count"] == 2
    assert summaries == [
        {
            "id": pinned.agreement_a.pk,
            "title": "Lithium chemistry with CNRS",
            "kind": "institutional",
            "status": "in_force",
            "post": pinned.post_a.pk,
            "partner_country": "FRA",
            "priorities": ["lithium-value-chain", "batteries"],
            "expires_on": "2026-03-31",
            "shared": False,
            "updated_at": "2026-01-15T12:00:00Z",
        },
        {
            "id": pinned.agreement_shared.pk,
            "title": "Mexico-Germany science and technology agreement",
            "kind": "government",
            "status": "in_force",
            "post": pinned.post_b.pk,
            "partner_country": "DEU",
            "priorities": ["energy-transition"],
            "expires_on": None,
            "shared": True,
            "updated_at": "2026-01-15T12:00:00Z",
        },
    ]


def test_agreement_list_filters(pinned, planner):
    def ids(**params):
        return {item["id"] for item in get(planner, "/agreements", **params)[1]["items"]}

    assert ids(country="deu") == {pinned.agreement_b.pk, pinned.agreement_shared.pk}
    assert ids(priority="aerospace") == {pinned.agreement_central.pk}
    assert ids(status="signed") == {pinned.agreement_b.pk}
    assert ids(post=pinned.post_a.pk, q="lithium") == {pinned.agreement_a.pk}
    status, _body = get(planner, "/agreements", status="nonsense")
    assert status == 422


def test_posts_and_institutions_whole(pinned, officer_b):
    assert get(officer_b, "/posts") == (
        200,
        [
            {
                "id": pinned.post_b.pk,
                "name": "Embajada en Alemania",
                "kind": "embassy",
                "host_country": "DEU",
                "city": "Berlin",
            }
        ],
    )
    assert get(officer_b, "/institutions", q="fraunhofer-gesellschaft") == (
        200,
        {
            "items": [
                {
                    "id": pinned.fraunhofer.pk,
                    "ror_id": "https://ror.org/05hkkdn48",
                    "name": "Fraunhofer Society",
                    "country": "DEU",
                    "city": "Munich",
                    "types": ["nonprofit"],
                    "aliases": ["Fraunhofer-Gesellschaft"],
                }
            ],
            "count": 1,
        },
    )
    status, page = get(officer_b, "/institutions", page_size=2, page=2)
    assert (status, page["count"], len(page["items"])) == (200, 3, 1)


def test_project_payload_whole_and_budget_hidden_from_viewers(pinned, viewer, officer_a):
    project = pinned.project
    expected = {
        "id": project.pk,
        "name": "National supercomputer",
        "description": "Coatlicue",
        "priorities": ["supercomputing"],
        "lead_institution": {
            "id": pinned.unam.pk,
            "name": "Universidad Nacional Autónoma de México",
            "ror_id": "https://ror.org/01tmp8f25",
            "country": "MEX",
        },
        "partner_institutions": [
            {
                "id": pinned.cnrs.pk,
                "name": "Centre National de la Recherche Scientifique",
                "ror_id": "https://ror.org/02feahw73",
                "country": "FRA",
            }
        ],
        "budget_usd": "1000000.00",
        "status": "active",
        "agreements": [pinned.agreement_a.pk],  # agreement B is outside officer A's scope
        "milestones": [
            {
                "id": pinned.milestone.pk,
                "title": "Procurement",
                "due_on": timezone.localdate().isoformat(),
                "done": False,
            }
        ],
        "updated_at": "2026-01-15T12:00:00Z",
    }
    assert get(officer_a, f"/projects/{project.pk}") == (200, expected)
    _status, seen_by_viewer = get(viewer, f"/projects/{project.pk}")
    assert seen_by_viewer["budget_usd"] is None
    assert seen_by_viewer["agreements"] == sorted([pinned.agreement_a.pk, pinned.agreement_b.pk])


def test_renewals_whole(pinned, officer_a):
    today = timezone.localdate()
    Agreement.objects.filter(pk=pinned.agreement_a.pk).update(
        expires_on=today + dt.timedelta(days=10)
    )
    assert get(officer_a, "/renewals") == (
        200,
        [
            {
                "id": pinned.agreement_a.pk,
                "title": "Lithium chemistry with CNRS",
                "post": pinned.post_a.pk,
                "partner_country": "FRA",
                "status": "in_force",
                "expires_on": (today + dt.timedelta(days=10)).isoformat(),
                "days_left": 10,
            }
        ],
    )


# ---------------------------------------------------------------- writes
def test_create_then_update_through_the_api(registry, officer_a):
    status, created = send(
        officer_a,
        "POST",
        "/agreements",
        {
            "title": "Researcher mobility",
            "kind": "mobility",
            "partner_country": "fra",
            "post": registry.post_a.pk,
            "institutions": [registry.cnrs.pk],
            "priorities": ["aerospace"],
            "expires_on": "2030-12-31",
        },
    )
    assert status == 201
    assert (created["status"], created["created_by"], created["partner_country"]) == (
        "draft",
        "olga",
        "FRA",
    )
    assert created["confidential_visible"] is True
    assert created["ip_terms"] is None
    assert created["documents"] == []
    event = AuditEvent.objects.get(action="agreement.create")
    assert (event.actor.username, event.object_id) == ("olga", str(created["id"]))

    status, updated = send(
        officer_a, "PATCH", f"/agreements/{created['id']}", {"summary": "Two-way", "post": None}
    )
    assert status == 422  # an officer's agreement belongs to one of their posts
    assert updated["detail"][0]["loc"] == ["body", "post"]
    status, updated = send(
        officer_a, "PATCH", f"/agreements/{created['id']}", {"summary": "Two-way"}
    )
    assert (status, updated["summary"], updated["title"]) == (200, "Two-way", "Researcher mobility")
    assert AuditEvent.objects.get(action="agreement.update").changes == {"summary": ["", "Two-way"]}


def test_write_errors_are_json(registry, officer_a, legal, planner):
    status, body = send(
        officer_a,
        "POST",
        "/agreements",
        {"title": "x", "kind": "mobility", "partner_country": "DEU", "post": registry.post_b.pk},
    )
    assert (status, body["detail"][0]["loc"]) == (422, ["body", "post"])  # not their post
    status, body = send(
        planner, "POST", "/agreements", {"title": "x", "kind": "treaty", "partner_country": "FRA"}
    )
    assert status == 422
    status, body = send(
        planner, "POST", "/agreements", {"title": "x", "kind": "mobility", "partner_country": "XXX"}
    )
    assert body == {
        "detail": [
            {
                "loc": ["body", "partner_country"],
                "msg": "Unknown country code.",
                "type": "value_error",
            }
        ]
    }
    status, body = send(
        legal, "POST", f"/agreements/{registry.agreement_central.pk}/status", {"status": "signed"}
    )
    assert status == 422  # draft -> signed skips the negotiation
    status, body = send(officer_a, "PUT", f"/agreements/{registry.agreement_a.pk}/ip-terms", {})
    assert status == 422  # the body is checked before the role: no terms given
    status, body = send(
        officer_a,
        "PUT",
        f"/agreements/{registry.agreement_a.pk}/ip-terms",
        {"background_ip": "joint", "foreground_ip": "joint", "licensing": "open"},
    )
    assert (status, body) == (403, {"detail": "You do not have permission to do this."})
    status, body = get(officer_a, f"/agreements/{registry.agreement_b.pk}")
    assert (status, body) == (404, {"detail": "Not Found"})


def test_ip_terms_through_the_api(registry, legal):
    status, body = send(
        legal,
        "PUT",
        f"/agreements/{registry.agreement_central.pk}/ip-terms",
        {
            "background_ip": "each_party",
            "foreground_ip": "generating",
            "licensing": "exclusive",
            "royalty_home_percent": "60",
            "confidentiality_years": 5,
        },
    )
    assert (status, body) == (
        200,
        {
            "background_ip": "each_party",
            "foreground_ip": "generating",
            "licensing": "exclusive",
            "royalty_home_percent": "60.00",
            "publication_rights": "",
            "confidentiality_years": 5,
            "jurisdiction": "",
        },
    )
    assert AuditEvent.objects.get(action="ip_terms.set").actor == registry.users["legal"]


def test_a_token_authenticates_scripts(registry):
    _token, key = ApiToken.issue(user=registry.users["officer_b"], name="script")
    client = Client()
    assert client.get(BASE + "/posts").status_code == 401
    response = client.get(BASE + "/posts", headers={"Authorization": f"Bearer {key}"})
    assert [post["id"] for post in response.json()] == [registry.post_b.pk]
    response = client.get(BASE + "/posts", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
