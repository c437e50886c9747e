"""Researchers from OpenAlex's /authors, live through the credit-aware client (issue 13,
part 1), against a fake OpenAlex serving the fixture's authors in the documented list
shape (``results`` and ``meta.next_cursor``), two per page; no network."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest
from django.core.management import CommandError, call_command

from vinculo.evidence.sources.openalex_api import BudgetExhaustedError, OpenAlexClient
from vinculo.web.people.imports import import_openalex, openalex_filters
from vinculo.web.people.models import DiasporaCountry, Researcher

pytestmark = pytest.mark.django_db

FIXTURE = (
    Path(__file__).parent.parent / "strategy" / "fixtures" / "people" / "openalex_authors.json"
)
AUTHORS = json.loads(FIXTURE.read_text())["results"]


class FakeOpenAlex:
    """``/authors?filter=…&per_page=2&cursor=…``: the fixture's authors, two a page."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert request.url.path == "/authors"
        start = 0 if request.url.params["cursor"] == "*" else int(request.url.params["cursor"])
        size = int(request.url.params["per_page"])
        page = AUTHORS[start : start + size]
        following = str(start + size) if start + size < len(AUTHORS) else None
        body = {"meta": {"count": len(AUTHORS), "per_page": size, "next_cursor": following},
                "results": page}  # fmt: skip
        return httpx.Response(200, json=body, headers={"X-RateLimit-Limit": "10000"})


def _client(server: FakeOpenAlex, folder: Path, **options) -> OpenAlexClient:
    return OpenAlexClient(api_key="k", cache_folder=folder, per_page=2,
                          transport=httpx.MockTransport(server), sleep=lambda s: None,
                          **options)  # fmt: skip


def test_filters_follow_openalex_syntax():
    assert openalex_filters(country="mx", topic="T10048") == (
        "affiliations.institution.country_code:MX,topics.id:T10048"
    )
    assert openalex_filters(institution="https://ror.org/01tmp8f25") == (
        "affiliations.institution.ror:01tmp8f25"
    )
    with pytest.raises(ValueError, match="give a country"):
        openalex_filters()


def test_a_live_import_pages_through_the_authors_within_the_budget(registry, tmp_path):
    server = FakeOpenAlex()
    planner = registry.users["planner"]
    filters = openalex_filters(country="MX")
    with _client(server, tmp_path) as client:
        report, outcome = import_openalex(actor=planner, client=client, filters=filters)
        assert client.budget.used == 3  # 6 authors, 2 a page
    assert report.rows == len(AUTHORS) == 6
    assert len(outcome.created) == 6
    assert [r.url.params["cursor"] for r in server.requests] == ["*", "2", "4"]
    assert {r.url.params["filter"] for r in server.requests} == {filters}
    maria = Researcher.objects.get(openalex_id="A5000000001")
    assert maria.diaspora == "diaspora"
    assert maria.sources == [f"openalex:authors?filter={filters}"]
    assert DiasporaCountry.objects.get(country="DEU", priority="").count == 1
    # again: every page from the cache, nothing sent, the same people merged by id
    with _client(server, tmp_path) as client:
        again, merged = import_openalex(actor=planner, client=client, filters=filters)
        assert client.requests_sent == 0
    assert len(server.requests) == 3
    assert (again.rows, len(merged.created), len(merged.merged)) == (6, 0, 6)
    assert Researcher.objects.count() == 6


def test_a_spent_budget_writes_nothing(registry, tmp_path):
    server = FakeOpenAlex()
    with _client(server, tmp_path, daily_limit=2) as client, pytest.raises(BudgetExhaustedError):
        import_openalex(actor=registry.users["planner"], client=client,
                        filters=openalex_filters(country="MX"))  # fmt: skip
    assert len(server.requests) == 2
    assert not Researcher.objects.exists()


def test_the_command_refuses_a_role_that_does_not_import(registry):
    with pytest.raises(CommandError, match="planners and administrators"):
        call_command("people_import_openalex", "--as", "olga", "--country", "MX",
                     stdout=io.StringIO())  # fmt: skip
    assert not Researcher.objects.exists()
    with pytest.raises(CommandError, match="no such user"):
        call_command("people_import_openalex", "--as", "nobody", "--country", "MX")
