"""OpenAlex API client: group_by queries replayed from recorded payloads, never the network.

The payloads (tests/evidence/payloads/openalex, see its README) are shaped as the OpenAlex
documentation shows group_by answers and errors; the fake server below routes each request
by its ``filter`` and ``cursor`` and counts what it was sent.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from vinculo.evidence.http import HttpError, RateLimitedError
from vinculo.evidence.sources.openalex_api import (
    SOURCE,
    Budget,
    BudgetExhaustedError,
    OpenAlexClient,
    write_to_store,
)
from vinculo.evidence.store import EvidenceError, EvidenceStore

PAYLOADS = Path(__file__).parent / "payloads" / "openalex"
KEY = "oa-test-key-5f3a9c71"
FIELD = ",primary_topic.field.id:fields/17"
SLICE = "publication_year:2022" + FIELD
PAGE_2 = "WyJodHRwczovL29wZW5hbGV4Lm9yZy9jb3VudHJpZXMvVVMiXQ=="
DAY = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
NEXT_DAY = datetime(2025, 6, 3, 0, 5, tzinfo=UTC)


def coauthor_filter(iso2: str, slice_filter: str = SLICE) -> str:
    return f"authorships.countries:{iso2},countries_distinct_count:>1,{slice_filter}"


# Routes ignore the field filter, so the all-fields queries replay the same answers.
ROUTES = {
    ("publication_year:2022", "*"): "publications_2022_field17_page1.json",
    ("publication_year:2022", PAGE_2): "publications_2022_field17_page2.json",
    **{
        (coauthor_filter(c, "publication_year:2022"), "*"): f"coauthorship_2022_field17_{c}.json"
        for c in ("BR", "MX", "US")
    },
}

PUBLICATIONS = [
    [2022, "BRA", "17", "openalex-field", "whole", 14210.0],
    [2022, "MEX", "17", "openalex-field", "whole", 6135.0],
    [2022, "USA", "17", "openalex-field", "whole", 98450.0],
]
PAIRS = [  # MX says 645 with the US, the US says 646: the larger is kept
    [2022, "BRA", "BRA", "openalex-field", "17", 3050.0],
    [2022, "BRA", "MEX", "openalex-field", "17", 212.0],
    [2022, "BRA", "USA", "openalex-field", "17", 1104.0],
    [2022, "MEX", "MEX", "openalex-field", "17", 1870.0],
    [2022, "MEX", "USA", "openalex-field", "17", 646.0],
    [2022, "USA", "USA", "openalex-field", "17", 31400.0],
]


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


class FakeOpenAlex:
    """Answers from the recorded payloads; ``before`` may answer (or fail) first."""

    def __init__(self, *, headers: bool = True) -> None:
        self.requests: list[httpx.Request] = []
        self.headers = headers
        self.before: Any = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert request.url.path == "/works"
        assert request.url.params["group_by"] == "authorships.countries"
        if self.before is not None:
            answer = self.before(request)
            if answer is not None:
                return answer  # type: ignore[no-any-return]
        params = request.url.params
        route = (params["filter"].replace(FIELD, ""), params["cursor"])
        sent = sum(1 for r in self.requests if r.url.params.get("cursor"))
        headers = (
            {"X-RateLimit-Limit": "10000", "X-RateLimit-Remaining": str(10000 - sent)}
            if self.headers
            else {}
        )
        return httpx.Response(200, json=payload(ROUTES[route]), headers=headers)

    def filters(self) -> list[tuple[str, str]]:
        return [(r.url.params["filter"], r.url.params["cursor"]) for r in self.requests]


def client_for(server: FakeOpenAlex, folder: Path, **options: Any) -> OpenAlexClient:
    options.setdefault("api_key", KEY)
    options.setdefault("clock", lambda: DAY)
    return OpenAlexClient(
        cache_folder=folder,
        per_page=3,
        transport=httpx.MockTransport(server),
        sleep=options.pop("sleep", lambda seconds: None),
        **options,
    )


def rows_of(fetched: Any) -> list[list[Any]]:
    return fetched.rows.astype(object).values.tolist()  # type: ignore[no-any-return]


def test_publications_come_from_cursor_paged_groups(tmp_path):
    server = FakeOpenAlex()
    with client_for(server, tmp_path) as client:
        fetched = client.publication_counts([2022], ["fields/17"])
    assert rows_of(fetched) == PUBLICATIONS
    assert list(fetched.rows.columns) == [
        "year", "country", "field", "taxonomy", "count_type", "count"
    ]  # fmt: skip
    assert (fetched.queries, fetched.pages, fetched.unknown_skipped) == (1, 2, 1)
    assert server.filters() == [(SLICE, "*"), (SLICE, PAGE_2)]
    sent = server.requests[0].url.params
    assert (sent["api_key"], sent["per_page"], "mailto" in sent) == (KEY, "3", False)
    assert client.budget.used == 2
    assert client.budget.limit == 10000


def test_coauthorship_stores_each_pair_once_with_the_diagonal(tmp_path):
    server = FakeOpenAlex()
    with client_for(server, tmp_path) as client:
        fetched = client.coauthorship_counts([2022], [17])
        assert rows_of(fetched) == PAIRS
        assert fetched.pairs_disagreeing == 1
        assert server.filters() == [
            (SLICE, "*"),
            (SLICE, PAGE_2),
            (coauthor_filter("BR"), "*"),
            (coauthor_filter("MX"), "*"),
            (coauthor_filter("US"), "*"),
        ]
        # the slice query that found the countries is cached: publications cost nothing now
        assert rows_of(client.publication_counts([2022], [17])) == PUBLICATIONS
        assert len(server.requests) == 5
        chosen = client.coauthorship_counts([2022], [17], countries=["usa", "MEX"])
    assert [row[1:3] + row[5:] for row in rows_of(chosen)] == [
        ["BRA", "MEX", 212.0],
        ["BRA", "USA", 1104.0],
        ["MEX", "MEX", 1870.0],
        ["MEX", "USA", 646.0],
        ["USA", "USA", 31400.0],
    ]
    assert len(server.requests) == 5  # MX and US answers were cached too


def test_all_fields_use_the_staged_file_conventions(tmp_path):
    server = FakeOpenAlex()
    with client_for(server, tmp_path) as client:
        publications = client.publication_counts([2022])
        pairs = client.coauthorship_counts([2022], countries=["MEX"])
    assert set(publications.rows["field"]) == {"all"}
    assert server.filters()[0] == ("publication_year:2022", "*")
    assert rows_of(pairs) == [
        [2022, "BRA", "MEX", "openalex", None, 212.0],
        [2022, "MEX", "MEX", "openalex", None, 1870.0],
        [2022, "MEX", "USA", "openalex", None, 645.0],
    ]


def test_too_fast_429_waits_retry_after_then_succeeds(tmp_path):
    server = FakeOpenAlex()
    server.before = lambda request: (
        httpx.Response(
            429,
            json=payload("error_429_too_fast.json"),
            headers={"Retry-After": "7", "X-RateLimit-Remaining": "9412"},
        )
        if len(server.requests) == 1
        else None
    )
    waits: list[float] = []
    with client_for(server, tmp_path, sleep=waits.append) as client:
        fetched = client.publication_counts([2022], [17])
    assert rows_of(fetched) == PUBLICATIONS
    assert waits == [7.0]
    assert len(server.requests) == 3  # the refused one, then both pages


def test_spent_budget_429_stops_at_once_and_stays_stopped(tmp_path):
    server = FakeOpenAlex()
    server.before = lambda request: httpx.Response(
        429,
        json=payload("error_429_budget.json"),
        headers={
            "Retry-After": "41990",
            "X-RateLimit-Limit": "10000",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Credits-Required": "1",
        },
    )
    waits: list[float] = []
    with client_for(server, tmp_path, sleep=waits.append) as client:
        with pytest.raises(BudgetExhaustedError) as caught:
            client.publication_counts([2022], [17])
        assert client.budget.remaining == 0
    error = caught.value
    assert isinstance(error, HttpError)
    assert not isinstance(error, RateLimitedError)
    assert error.status == 429
    assert waits == []
    assert len(server.requests) == 1
    assert "Insufficient budget" in str(error)
    assert "midnight UTC" in str(error)
    assert KEY not in str(error)
    assert KEY not in error.url
    with (
        client_for(server, tmp_path) as later,
        pytest.raises(BudgetExhaustedError, match="not sent"),
    ):
        later.publication_counts([2022], [17])
    assert len(server.requests) == 1  # refused before sending


def test_budget_is_counted_persisted_and_resumes_the_next_day(tmp_path):
    server = FakeOpenAlex(headers=False)  # the server says nothing: the client counts
    with (
        client_for(server, tmp_path, daily_limit=4) as client,
        pytest.raises(BudgetExhaustedError, match=r"4 used of 4, 0 left"),
    ):
        client.coauthorship_counts([2022], [17])  # needs 5 requests
    assert len(server.requests) == 4
    stored = json.loads((tmp_path / "budget.json").read_text())
    assert stored["2025-06-02"]["used"] == 4
    assert stored["2025-06-02"]["requests"] == 4
    with client_for(server, tmp_path, daily_limit=4) as same_day:
        assert (same_day.budget.used, same_day.budget.remaining) == (4, 0)
        with pytest.raises(BudgetExhaustedError):
            same_day.coauthorship_counts([2022], [17])
    assert len(server.requests) == 4
    with client_for(server, tmp_path, daily_limit=4, clock=lambda: NEXT_DAY) as next_day:
        assert next_day.budget.used == 0
        fetched = next_day.coauthorship_counts([2022], [17])
        assert next_day.budget.report().startswith("OpenAlex credits on 2025-06-03 (UTC): 1 used")
    assert rows_of(fetched) == PAIRS
    assert len(server.requests) == 5  # only the US answer was missing
    assert set(json.loads((tmp_path / "budget.json").read_text())) == {"2025-06-02", "2025-06-03"}


def test_dropped_connection_then_rerun_fetches_only_what_is_missing(tmp_path):
    server = FakeOpenAlex()

    def drop_mexico(request: httpx.Request) -> None:
        if request.url.params["filter"] == coauthor_filter("MX"):
            raise httpx.ConnectError("connection reset by peer", request=request)

    server.before = drop_mexico
    with (
        client_for(server, tmp_path, retries=1) as client,
        pytest.raises(HttpError, match="connection failed") as caught,
    ):
        client.coauthorship_counts([2022], [17])
    assert len(server.requests) == 5  # both pages, BR, MX twice
    assert KEY not in str(caught.value)
    assert "api_key=%2A%2A%2A" in str(caught.value)
    server.before = None
    with client_for(server, tmp_path) as rerun:
        fetched = rerun.coauthorship_counts([2022], [17])
        assert rerun.pages_from_cache == 3
    assert rows_of(fetched) == PAIRS
    assert server.filters()[5:] == [(coauthor_filter("MX"), "*"), (coauthor_filter("US"), "*")]


def test_bad_filter_error_is_shown_without_the_key_and_not_cached(tmp_path):
    server = FakeOpenAlex()
    server.before = lambda request: httpx.Response(403, json=payload("error_invalid_filter.json"))
    with client_for(server, tmp_path) as client:
        with pytest.raises(HttpError, match="is not a valid field") as caught:
            client.publication_counts([2022], [17])
        assert caught.value.status == 403
        assert KEY not in str(caught.value)
        assert "Invalid query parameters error." in str(caught.value)
        # an answer that is not groups (some errors come with 200) is refused, not cached
        server.before = lambda request: httpx.Response(
            200, json=payload("error_invalid_filter.json")
        )
        with pytest.raises(HttpError, match="not a group_by answer"):
            client.publication_counts([2022], [17])
        assert len(client.cache) == 0


def test_key_from_the_environment_never_reaches_the_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENALEX_API_KEY", KEY)
    server = FakeOpenAlex()
    client = OpenAlexClient(
        cache_folder=tmp_path, per_page=3, transport=httpx.MockTransport(server), clock=lambda: DAY
    )
    with client:
        client.coauthorship_counts([2022], [17])
    assert {r.url.params["api_key"] for r in server.requests} == {KEY}
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 6  # five answers and the budget
    assert not [p for p in files if KEY.encode() in p.read_bytes()]


def test_without_a_key_the_polite_pool_and_the_small_budget(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    monkeypatch.delenv("OPENALEX_API_KEY_FILE", raising=False)
    server = FakeOpenAlex(headers=False)
    with client_for(server, tmp_path, api_key=None, mailto="analyst@example.org") as client:
        assert client.budget.limit == 100
        client.publication_counts([2022], [17])
    sent = server.requests[0].url.params
    assert sent["mailto"] == "analyst@example.org"
    assert "api_key" not in sent


def test_unknown_country_code_names_the_query_and_the_code(tmp_path):
    server = FakeOpenAlex()
    odd = payload("publications_2022_field17_page1.json")
    odd["group_by"][0]["key"] = "https://openalex.org/countries/XX"
    odd["meta"]["next_cursor"] = None
    server.before = lambda request: httpx.Response(200, json=odd)
    with (
        client_for(server, tmp_path) as client,
        pytest.raises(EvidenceError, match=r"filter=publication_year:2022,.*\['XX'\]"),
    ):
        client.publication_counts([2022], [17])


def test_answers_import_once_with_provenance(tmp_path):
    server = FakeOpenAlex()
    with EvidenceStore(tmp_path / "evidence.duckdb") as store:
        with client_for(server, tmp_path / "cache") as client:
            publications = client.publication_counts([2022], [17])
            pairs = client.coauthorship_counts([2022], [17])
        first = write_to_store(store, publications)
        assert (first.created, first.rows, first.vintage) == (True, 3, "api-2025-06-02")
        assert write_to_store(store, pairs).created
        # the same answers fetched again elsewhere (another db_response_time_ms) import once
        slower = FakeOpenAlex()
        original = slower.__call__

        def slow(request: httpx.Request) -> httpx.Response:
            answer = original(request)
            body = answer.json()
            body["meta"]["db_response_time_ms"] += 500
            return httpx.Response(200, json=body)

        with OpenAlexClient(
            api_key=KEY,
            cache_folder=tmp_path / "other",
            per_page=3,
            transport=httpx.MockTransport(slow),
            clock=lambda: NEXT_DAY,
        ) as other:
            again = other.publication_counts([2022], [17])
        assert again.sha256 == publications.sha256
        assert not write_to_store(store, again).created
        datasets = store.datasets()
        assert list(datasets["source"]) == [SOURCE, SOURCE]
        assert publications.name == "publications openalex-field years 2022 fields 17"
        assert "group_by=authorships.countries" in publications.file_name
        assert "countries_distinct_count:>1" in pairs.file_name
        stored = store.rows("coauthorship", source=SOURCE)
        assert sorted(stored["works"]) == sorted(row[5] for row in PAIRS)
        assert set(store.rows("publications")["country"]) == {"BRA", "MEX", "USA"}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.publication_counts([], [17]), "no years given"),
        (lambda c: c.publication_counts([2022], ["Computer Science"]), "expected a number"),
        (lambda c: c.publication_counts([2022], level="topic"), "one of"),
        (lambda c: c.coauthorship_counts([2022], countries=["WLD"]), "'WLD': not the ISO3"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(tmp_path, call, message):
    server = FakeOpenAlex()
    with client_for(server, tmp_path) as client, pytest.raises(EvidenceError, match=message):
        call(client)
    assert server.requests == []


def test_budget_reads_credit_headers_or_their_dollar_twins(tmp_path):
    budget = Budget(tmp_path / "budget.json", limit=100, clock=lambda: DAY)
    budget.record(httpx.Response(200, headers={"X-RateLimit-Credits-Used": "1"}), 1)
    assert (budget.used, budget.limit) == (1, 100)
    dollars = {"X-RateLimit-Limit-USD": "1", "X-RateLimit-Remaining-USD": "0.9979"}
    budget.record(httpx.Response(200, headers=dollars), 1)
    assert (budget.used, budget.limit, budget.remaining) == (21, 10000, 9979)
    budget.record(httpx.Response(429, json={"error": "Rate limit exceeded"}), 1)
    assert budget.used == 21  # a refused request without figures is not charged
    assert Budget(tmp_path / "budget.json", limit=100, clock=lambda: DAY).limit == 10000
