"""OpenAlex API client, per-country queries: works per country × subfield (topic) × year.

Recorded payloads (tests/evidence/payloads/openalex, see its README) shaped as OpenAlex
documents group_by answers; the fake server routes each request by ``filter``,
``group_by`` and ``cursor`` and counts what it was sent. ``EXPECTED_GROUPS`` is lowered so
that, at 3 groups a page, a query is planned at ⌈5 / 3⌉ + 1 = 3 requests.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from vinculo.evidence import pull as pull_module
from vinculo.evidence.http import HttpError
from vinculo.evidence.sources import openalex_api
from vinculo.evidence.sources.openalex_api import (
    SOURCE,
    BudgetExhaustedError,
    OpenAlexClient,
    write_to_store,
)
from vinculo.evidence.store import EvidenceError, EvidenceStore

PAYLOADS = Path(__file__).parent / "payloads" / "openalex"
KEY = "oa-test-key-5f3a9c71"
DAY = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
MX = "authorships.countries:MX,publication_year:2022"
BR = "authorships.countries:BR,publication_year:2022"
SUBFIELD, TOPIC = "topics.subfield.id", "topics.id"
# next_cursor of the payloads: the last key of the page, base64-encoded
C2 = "Imh0dHBzOi8vb3BlbmFsZXgub3JnL3N1YmZpZWxkcy8yMjA4Ig=="
C3 = "Imh0dHBzOi8vb3BlbmFsZXgub3JnL3N1YmZpZWxkcy8yNzM5Ig=="
CT = "Imh0dHBzOi8vb3BlbmFsZXgub3JnL1QxMDY2MyI="

ROUTES = {
    (MX, SUBFIELD, "*"): "subfields_2022_MX_page1.json",
    (MX, SUBFIELD, C2): "subfields_2022_MX_page2.json",
    (MX, SUBFIELD, C3): "subfields_2022_MX_page3.json",
    (BR, SUBFIELD, "*"): "subfields_2022_BR_page1.json",
    (MX, TOPIC, "*"): "topics_2022_MX_page1.json",
    (MX, TOPIC, CT): "topics_2022_MX_page2.json",
}
MEXICO_SUBFIELDS = [  # page 3's groups and page 2's repeated 1702 have count 0: not rows
    [2022, "MEX", "1702", "openalex-subfield", "whole", 4210.0],
    [2022, "MEX", "2105", "openalex-subfield", "whole", 1893.0],
    [2022, "MEX", "2208", "openalex-subfield", "whole", 2977.0],
    [2022, "MEX", "2505", "openalex-subfield", "whole", 1544.0],
    [2022, "MEX", "2739", "openalex-subfield", "whole", 3120.0],
]


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


class FakeOpenAlex:
    """Answers from the recorded payloads; ``before`` may answer (or fail) first."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.before: Any = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert request.url.path == "/works"
        if self.before is not None:
            answer = self.before(request)
            if answer is not None:
                return answer  # type: ignore[no-any-return]
        params = request.url.params
        route = (params["filter"], params["group_by"], params["cursor"])
        return httpx.Response(200, json=payload(ROUTES[route]))

    def pages(self) -> list[tuple[str, str, str]]:
        return [
            (r.url.params["filter"], r.url.params["group_by"], r.url.params["cursor"])
            for r in self.requests
        ]


def client_for(server: Any, folder: Path, **options: Any) -> OpenAlexClient:
    options.setdefault("api_key", KEY)
    options.setdefault("clock", lambda: DAY)
    options.setdefault("per_page", 3)
    return OpenAlexClient(
        cache_folder=folder,
        transport=httpx.MockTransport(server),
        sleep=options.pop("sleep", lambda seconds: None),
        **options,
    )


def rows_of(fetched: Any) -> list[list[Any]]:
    return fetched.rows.astype(object).values.tolist()  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def few_groups(monkeypatch):
    monkeypatch.setitem(openalex_api.EXPECTED_GROUPS, "subfield", 5)
    monkeypatch.setitem(openalex_api.EXPECTED_GROUPS, "topic", 5)


def test_subfields_page_through_every_group_of_a_country_year(tmp_path):
    server = FakeOpenAlex()
    with client_for(server, tmp_path) as client:
        fetched = client.subfield_counts(["mex"], [2022])
        assert client.budget.used == 3
    assert rows_of(fetched) == MEXICO_SUBFIELDS
    assert server.pages() == [(MX, SUBFIELD, "*"), (MX, SUBFIELD, C2), (MX, SUBFIELD, C3)]
    sent = server.requests[0].url.params
    assert (sent["api_key"], sent["per_page"]) == (KEY, "3")
    assert (fetched.table, fetched.name) == ("publications", "openalex-api-subfields")
    assert (fetched.queries, fetched.pages, fetched.unknown_skipped) == (1, 3, 0)
    assert fetched.file_name == (
        "works?group_by=topics.subfield.id&filter=authorships.countries:{MX},"
        "publication_year:{2022} (1 queries)"
    )


def test_topics_are_stored_by_topic_id(tmp_path):
    server = FakeOpenAlex()
    with client_for(server, tmp_path) as client:
        fetched = client.topic_counts(["MEX"], [2022])
    assert rows_of(fetched) == [
        [2022, "MEX", "T10018", "openalex-topic", "whole", 212.0],
        [2022, "MEX", "T10281", "openalex-topic", "whole", 96.0],
        [2022, "MEX", "T10663", "openalex-topic", "whole", 41.0],
        [2022, "MEX", "T11690", "openalex-topic", "whole", 17.0],
    ]
    assert server.pages() == [(MX, TOPIC, "*"), (MX, TOPIC, CT)]
    assert (fetched.name, fetched.unknown_skipped) == ("openalex-api-topics", 1)


def test_rows_are_written_to_the_store_once(tmp_path):
    server = FakeOpenAlex()
    with EvidenceStore(tmp_path / "evidence.duckdb") as store:
        with client_for(server, tmp_path / "cache") as client:
            subfields = client.subfield_counts(["BRA", "MEX"], [2022])
            topics = client.topic_counts(["MEX"], [2022])
        first = write_to_store(store, subfields)
        assert (first.created, first.rows, first.vintage) == (True, 7, "api-2025-06-02")
        assert write_to_store(store, topics).created
        assert not write_to_store(store, subfields).created  # the same answers import once
        datasets = store.datasets()
        assert sorted(zip(datasets["source"], datasets["name"], strict=True)) == [
            (SOURCE, "openalex-api-subfields"),
            (SOURCE, "openalex-api-topics"),
        ]
        stored = store.rows("publications", source=SOURCE)
    assert "authorships.countries:{BR,MX}" in subfields.file_name
    assert set(stored["count_type"]) == {"whole"}
    by_taxonomy = stored.groupby("taxonomy")["count"].agg(["size", "sum"])
    mexico = sum(row[5] for row in MEXICO_SUBFIELDS)
    assert by_taxonomy.loc["openalex-subfield"].tolist() == [7, mexico + 2650 + 2214]
    assert by_taxonomy.loc["openalex-topic"].tolist() == [4, 212 + 96 + 41 + 17]
    brazil = stored[stored["country"] == "BRA"].sort_values("field")
    assert brazil[["field", "count"]].values.tolist() == [["1102", 2650.0], ["2105", 2214.0]]


def test_an_interrupted_cursor_resumes_from_the_cache(tmp_path):
    server = FakeOpenAlex()

    def drop_page_2(request: httpx.Request) -> None:
        if request.url.params["cursor"] == C2:
            raise httpx.ConnectError("connection reset by peer", request=request)

    server.before = drop_page_2
    with (
        client_for(server, tmp_path, retries=1) as client,
        pytest.raises(HttpError, match="connection failed") as caught,
    ):
        client.subfield_counts(["MEX"], [2022])
    assert server.pages() == [(MX, SUBFIELD, "*"), (MX, SUBFIELD, C2), (MX, SUBFIELD, C2)]
    assert KEY not in str(caught.value)

    def no_page_1(request: httpx.Request) -> None:
        assert request.url.params["cursor"] != "*", "page 1 is cached: not asked again"

    server.before = no_page_1
    # two credits left: enough for the two pages still missing, not for a fresh query (3)
    with client_for(server, tmp_path, daily_limit=3) as rerun:
        assert rerun.budget.remaining == 2  # the budget file counted the first page
        fetched = rerun.subfield_counts(["MEX"], [2022])
        assert rerun.pages_from_cache == 1
    assert rows_of(fetched) == MEXICO_SUBFIELDS
    assert server.pages()[3:] == [(MX, SUBFIELD, C2), (MX, SUBFIELD, C3)]


def test_a_plan_over_the_budget_is_refused_before_sending(tmp_path):
    server = FakeOpenAlex()
    with client_for(server, tmp_path, daily_limit=6) as client:
        client.topic_counts(["MEX"], [2022])  # 2 requests: 4 credits left
        with pytest.raises(BudgetExhaustedError, match=r"not started, nothing sent") as caught:
            client.subfield_counts(["BRA", "MEX"], [2022])  # 2 queries × 3 pages = 6 > 4
    assert len(server.requests) == 2
    assert "up to 6 request(s)" in str(caught.value)
    assert "4 credit(s) are left" in str(caught.value)
    assert "resets at 2025-06-03 00:00 UTC" in str(caught.value)
    with (
        client_for(server, tmp_path, daily_limit=5) as small,
        pytest.raises(BudgetExhaustedError, match="more than a whole day's budget"),
    ):
        small.subfield_counts(["BRA", "MEX"], [2022])
    assert len(server.requests) == 2
    with client_for(server, tmp_path, daily_limit=8) as enough:
        enough.subfield_counts(["BRA", "MEX"], [2022])
        assert enough.budget.remaining == 2  # planned 6, sent 4: Brazil's cursor closed at once
    # what is left is served from the cache: nothing to plan, never refused
    with client_for(server, tmp_path, daily_limit=6) as spent:
        assert spent.budget.remaining == 0
        fetched = spent.subfield_counts(["BRA", "MEX"], [2022])
    assert len(fetched.rows) == 7
    assert len(server.requests) == 6


def test_a_spent_budget_mid_cursor_stops_at_once(tmp_path):
    server = FakeOpenAlex()
    server.before = lambda request: (
        httpx.Response(
            429,
            json=payload("error_429_budget.json"),
            headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Credits-Required": "1"},
        )
        if request.url.params["cursor"] == CT
        else None
    )
    waits: list[float] = []
    with (
        client_for(server, tmp_path, sleep=waits.append) as client,
        pytest.raises(BudgetExhaustedError, match="Insufficient budget") as caught,
    ):
        client.topic_counts(["MEX"], [2022])
    assert (waits, len(server.requests)) == ([], 2)
    assert KEY not in str(caught.value)
    assert len(client.cache) == 1  # page 1 is kept for tomorrow


def test_a_group_key_that_is_not_a_subfield_names_the_query(tmp_path):
    server = FakeOpenAlex()
    odd = payload("subfields_2022_BR_page1.json")
    odd["group_by"][1]["key"] = "https://openalex.org/fields/21"
    server.before = lambda request: httpx.Response(200, json=odd)
    with (
        client_for(server, tmp_path) as client,
        pytest.raises(EvidenceError) as caught,
    ):
        client.subfield_counts(["BRA"], [2022])
    message = str(caught.value)
    assert f"works?filter={BR}&group_by=topics.subfield.id" in message
    assert "'https://openalex.org/fields/21' is not an OpenAlex topics.subfield.id" in message
    server.before = lambda request: httpx.Response(200, json=payload("topics_2022_MX_page2.json"))
    with (
        client_for(server, tmp_path / "other") as client,
        pytest.raises(EvidenceError, match=r"'https://openalex.org/T11690' is not an OpenAlex"),
    ):
        client.subfield_counts(["BRA"], [2022])  # topic keys where subfields were asked


def test_the_key_never_reaches_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENALEX_API_KEY", KEY)
    server = FakeOpenAlex()
    with OpenAlexClient(
        cache_folder=tmp_path, per_page=3, transport=httpx.MockTransport(server), clock=lambda: DAY
    ) as client:
        client.subfield_counts(["MEX", "BRA"], [2022])
        client.topic_counts(["MEX"], [2022])
    assert {r.url.params["api_key"] for r in server.requests} == {KEY}
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 7  # six answers and the budget
    assert not [p for p in files if KEY.encode() in p.read_bytes()]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.subfield_counts([], [2022]), "no countries given"),
        (lambda c: c.subfield_counts(["MEX"], []), "no years given"),
        (lambda c: c.topic_counts(["WLD"], [2022]), "'WLD': not the ISO3"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(tmp_path, call, message):
    server = FakeOpenAlex()
    with client_for(server, tmp_path) as client, pytest.raises(EvidenceError, match=message):
        call(client)
    assert server.requests == []


# ------------------------------------------------------------------ vinculo data pull


def any_year(request: httpx.Request) -> httpx.Response:
    """Every year answers as 2022: the countries BR, MX and US (one page) for the field and
    co-authorship queries, Mexico's pages for Mexico and for any country's topics, Brazil's
    single page for the subfields of any other country."""
    params = request.url.params
    group_by, cursor = params["group_by"], params["cursor"]
    if group_by == "authorships.countries":
        return httpx.Response(200, json=payload("coauthorship_2022_field17_MX.json"))
    country = params["filter"].split(",")[0].rsplit(":", 1)[-1]
    if group_by == SUBFIELD and country != "MX":
        return httpx.Response(200, json=payload("subfields_2022_BR_page1.json"))
    return httpx.Response(200, json=payload(ROUTES[(MX, group_by, cursor)]))


def test_pull_openalex_api_adds_the_subfields_of_every_country(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENALEX_API_KEY", KEY)
    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return any_year(request)

    with EvidenceStore(tmp_path / "e.duckdb") as store:
        report = pull_module.pull(
            store,
            ["openalex-api"],
            mirror=None,
            home=tmp_path,
            transport=httpx.MockTransport(server),
        )
        assert len(report) == 3
        assert "openalex-api-subfields" in set(store.datasets()["name"])
        subfields = store.rows("publications", source=SOURCE)
    asked = {
        r.url.params["filter"].split(",")[0] for r in seen if r.url.params["group_by"] == SUBFIELD
    }
    assert asked == {f"authorships.countries:{c}" for c in ("BR", "MX", "US")}
    subfields = subfields[subfields["taxonomy"] == "openalex-subfield"]
    assert set(subfields["country"]) == {"BRA", "MEX", "USA"}
    assert subfields["year"].nunique() == 10
    assert (tmp_path / "cache" / "openalex-api" / "budget.json").is_file()


def test_pull_openalex_api_topics_reads_its_countries_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENALEX_API_KEY", KEY)
    monkeypatch.delenv(pull_module.TOPIC_COUNTRIES_VARIABLE, raising=False)
    assert not pull_module.SOURCES["openalex-api-topics"].default
    server = FakeOpenAlex()
    server.before = any_year
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        report = pull_module.pull(
            store,
            ["openalex-api-topics"],
            mirror=None,
            home=tmp_path,
            transport=httpx.MockTransport(server),
        )
        assert len(report) == 1
        assert list(store.datasets()["name"]) == ["openalex-api-topics"]
        topics = store.rows("publications", source=SOURCE)
        assert set(topics["country"]) == {"MEX"}  # the default
        assert len(topics) == 10 * 4
        # the topics share the openalex-api cache, and so its budget count
        assert (tmp_path / "cache" / "openalex-api" / "budget.json").is_file()
        assert not (tmp_path / "cache" / "openalex-api-topics").exists()
        monkeypatch.setenv(pull_module.TOPIC_COUNTRIES_VARIABLE, "MEX, bra")
        pull_module.pull(
            store,
            ["openalex-api-topics"],
            mirror=None,
            home=tmp_path,
            transport=httpx.MockTransport(server),
        )
        assert set(store.rows("publications", source=SOURCE)["country"]) == {"BRA", "MEX"}
        monkeypatch.setenv(pull_module.TOPIC_COUNTRIES_VARIABLE, "MEX,XX")
        with pytest.raises(EvidenceError, match=r"VINCULO_OPENALEX_TOPIC_COUNTRIES=MEX,XX"):
            pull_module.pull(store, ["openalex-api-topics"], mirror=None, home=tmp_path)
