"""Two planners moving the same opportunity at the same moment, through real HTTP requests
to a live server on PostgreSQL: one wins, the other gets a clear 409, and no update is
lost. (``scripts/test`` runs the web tests a second time on a throw-away PostgreSQL; on
SQLite, whose writers queue on a database-wide lock, this test is skipped.)"""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
from django.db import connection

from tests.web.conftest import make_user
from vinculo.web.accounts.models import ApiToken, Role
from vinculo.web.audit.models import AuditEvent
from vinculo.web.pipeline.models import Opportunity
from vinculo.web.registry.models import Country, Post

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


@pytest.fixture
def two_planners(transactional_db: Any) -> dict[str, Any]:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL's row locks (scripts/test runs it there)")
    france = Country.objects.create(code="FRA", name_es="Francia", name_en="France")
    post = Post.objects.create(name="Embajada en Francia", kind=Post.Kind.EMBASSY,
                               host_country=france, city="Paris")  # fmt: skip
    planners = [make_user(name, Role.PLANNER) for name in ("pablo", "paula")]
    keys = [ApiToken.issue(user=user, name="test")[1] for user in planners]
    opportunities = [
        Opportunity.objects.create(
            title=f"Offer {n}",
            description="An offer.",
            kind=Opportunity.Kind.JOINT_RESEARCH,
            post=post,
            host_country=france,
            created_by=planners[0],
        )
        for n in range(ROUNDS)
    ]
    return {"keys": keys, "opportunities": opportunities}


def _at_once(url: str, requests: list[tuple[str, str, str, dict[str, Any]]]) -> list[Any]:
    """Send the requests (token, method, path, body) from one thread each, released
    together."""
    barrier = threading.Barrier(len(requests))
    answers: list[Any] = [None] * len(requests)

    def send(index: int, key: str, method: str, path: str, body: dict[str, Any]) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            barrier.wait()
            answers[index] = client.request(
                method, path, json=body, headers={"Authorization": f"Bearer {key}"}
            )

    threads = [
        threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_one_transition_wins_the_other_gets_409(live_server, two_planners):
    keys = two_planners["keys"]
    for opportunity in two_planners["opportunities"]:
        path = f"/api/v1/pipeline/opportunities/{opportunity.pk}/status"
        answers = _at_once(
            live_server.url,
            [
                (keys[0], "POST", path, {"version": 1, "status": "screening"}),
                (keys[1], "POST", path, {"version": 1, "status": "rejected"}),
            ],
        )
        codes = sorted(answer.status_code for answer in answers)
        assert codes == [200, 409], [a.text for a in answers]
        winner = next(a for a in answers if a.status_code == 200).json()
        loser = next(a for a in answers if a.status_code == 409).json()
        assert "version 2" in loser["detail"]
        opportunity.refresh_from_db()
        assert (opportunity.status, opportunity.version) == (winner["status"], 2)
        events = AuditEvent.objects.filter(action="opportunity.status",
                                           object_id=str(opportunity.pk))  # fmt: skip
        assert [e.changes["status"] for e in events] == [["submitted", winner["status"]]]


def test_concurrent_edits_lose_nothing(live_server, two_planners):
    """Both edit different fields on the same version: one is saved, the other is refused
    and, resent on the new version, saved too — both changes are there."""
    keys = two_planners["keys"]
    opportunity = two_planners["opportunities"][0]
    path = f"/api/v1/pipeline/opportunities/{opportunity.pk}"
    edits = [{"version": 1, "contact_name": "Claire"}, {"version": 1, "deadline": "2027-06-30"}]
    answers = _at_once(
        live_server.url, [(keys[0], "PATCH", path, edits[0]), (keys[1], "PATCH", path, edits[1])]
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    lost = edits[[a.status_code for a in answers].index(409)]
    with httpx.Client(base_url=live_server.url) as client:
        retry = client.patch(path, json={**lost, "version": 2},
                             headers={"Authorization": f"Bearer {keys[0]}"})  # fmt: skip
    assert retry.status_code == 200
    opportunity.refresh_from_db()
    assert opportunity.contact_name == "Claire"
    assert opportunity.deadline.isoformat() == "2027-06-30"
    assert opportunity.version == 3
