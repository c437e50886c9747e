"""WDI client: paging, aggregates and nulls, provenance, cache and resume, API errors.

No network: an ``httpx.MockTransport`` replays the payloads in ``payloads/wdi`` (shaped as
the World Bank Indicators API v2 answers; see the README there).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from vinculo.evidence.http import HttpError, ResponseCache
from vinculo.evidence.sources.wdi import INDICATORS, WdiError, pull_wdi
from vinculo.evidence.store import EvidenceError, EvidenceStore

PAYLOADS = Path(__file__).parent / "payloads" / "wdi"
GERD, POP, ARTICLES, BAD = "GB.XPD.RSDV.GD.ZS", "SP.POP.TOTL", "IP.JRN.ARTC.SC", "XX.BAD.CODE"
ANSWERS = {
    (GERD, 1): "gerd_page1.json",
    (GERD, 2): "gerd_page2.json",
    (POP, 1): "population.json",
    (ARTICLES, 1): "articles.json",
    (BAD, 1): "error_invalid_value.json",
}

Override = Callable[[str, int, int], "httpx.Response | Exception | None"]


class Api:
    """The mock World Bank API: answers from the payload files, records every request.

    Requests with ``per_page=1`` are the client's release probe: answered with the first
    observation of page 1. ``override(code, page, per_page)`` may answer instead (or raise).
    """

    def __init__(self, *, lastupdated: str | None = None, override: Override | None = None):
        self.lastupdated = lastupdated
        self.override = override
        self.seen: list[tuple[str, int, int]] = []  # (indicator, page, per_page)
        self.transport = httpx.MockTransport(self)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        prefix = "/v2/country/all/indicator/"
        assert request.url.host == "api.worldbank.org"
        assert request.url.path.startswith(prefix)
        assert request.url.params["format"] == "json"
        code = request.url.path.removeprefix(prefix)
        page, per_page = int(request.url.params["page"]), int(request.url.params["per_page"])
        self.seen.append((code, page, per_page))
        if self.override is not None:
            answer = self.override(code, page, per_page)
            if isinstance(answer, Exception):
                raise answer
            if answer is not None:
                return answer
        if (code, page) not in ANSWERS:
            return httpx.Response(404, text="not recorded")
        payload: Any = json.loads((PAYLOADS / ANSWERS[code, page]).read_text())
        if "message" not in payload[0]:
            if self.lastupdated:
                payload[0]["lastupdated"] = self.lastupdated
            if per_page == 1:
                total = payload[0]["total"]
                payload = [payload[0] | {"per_page": 1, "pages": total}, payload[1][:1]]
        return httpx.Response(200, json=payload)

    @property
    def pages(self) -> list[tuple[str, int]]:
        """The data pages requested (the release probes left out)."""
        return [(code, page) for code, page, per_page in self.seen if per_page != 1]

    @property
    def probes(self) -> int:
        return sum(1 for _, _, per_page in self.seen if per_page == 1)


@pytest.fixture
def store(tmp_path):
    with EvidenceStore(tmp_path / "evidence.duckdb") as opened:
        yield opened


def _pull(store, api: Api, cache: Path, indicators: list[str], **options: Any):
    options = {"start": 2020, "end": 2021, "per_page": 6, "sleep": lambda s: None} | options
    return pull_wdi(store, indicators, cache_folder=cache, transport=api.transport, **options)


def test_two_pages_are_followed_and_land_in_the_store_with_provenance(store, tmp_path):
    api = Api()
    [result] = _pull(store, api, tmp_path / "cache", [GERD])
    assert api.pages == [(GERD, 1), (GERD, 2)]
    assert api.probes == 1
    assert (result.pages, result.countries, result.aggregates, result.nulls) == (2, 2, 4, 1)
    assert result.skipped == {}
    assert result.vintage == "wdi-2026-10-28"
    assert result.dataset is not None
    assert (result.dataset.created, result.dataset.rows) == (True, 6)

    rows = store.rows("country_indicators", source="wdi").sort_values("year")
    assert rows[["year", "country", "indicator", "value"]].values.tolist() == [
        [2020, "MEX", GERD, 0.3],  # from page 2
        [2021, "MEX", GERD, 0.27],
    ]
    assert set(rows["vintage"]) == {"wdi-2026-10-28"}
    everything = store.rows("country_indicators", include_aggregates=True)
    values = everything.set_index(["country", "year"])["value"]
    assert (values["WLD", 2021], values["EUU", 2021], values["ARB", 2021]) == (2.63, 2.27, 0.71)
    assert len(everything) == 6  # AFG (null) is not stored

    [dataset] = store.datasets().to_dict("records")
    assert (dataset["source"], dataset["name"], dataset["row_count"]) == ("wdi", GERD, 6)
    assert dataset["file_name"] == (
        f"https://api.worldbank.org/v2/country/all/indicator/{GERD}"
        "?format=json&date=2020:2021&per_page=6"
    )
    assert len(dataset["file_sha256"]) == 64


def test_aggregates_are_kept_apart_and_unknown_entities_and_nulls_counted(store, tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.wdi"):
        [result] = _pull(store, Api(), tmp_path / "cache", [POP])
    assert (result.countries, result.aggregates, result.nulls) == (1, 2, 1)
    assert result.skipped == {"- Africa": 1, "CHI Channel Islands": 1}  # empty code; no ISO
    rows = store.rows("country_indicators")
    assert rows[["year", "country", "value"]].values.tolist() == [[2021, "MEX", 126_705_138.0]]
    with_aggregates = store.rows("country_indicators", include_aggregates=True)
    assert sorted(with_aggregates["country"]) == ["HIC", "MEX", "WLD"]
    assert "skipped 1 null value(s) and 2 row(s)" in caplog.text


def test_same_answers_change_nothing_and_a_new_release_is_a_new_vintage(store, tmp_path):
    cache = tmp_path / "cache"
    first = _pull(store, Api(), cache, [GERD, ARTICLES])
    assert all(r.dataset is not None and r.dataset.created for r in first)

    again = Api()
    second = _pull(store, again, cache, [GERD, ARTICLES])
    assert (again.pages, again.probes) == ([], 1)  # everything from the cache
    assert [r.dataset.created for r in second if r.dataset] == [False, False]

    refetched = Api()  # an empty cache: fetched again, but the same answers
    third = _pull(store, refetched, tmp_path / "other-cache", [GERD, ARTICLES])
    assert len(refetched.pages) == 3
    assert [r.dataset.created for r in third if r.dataset] == [False, False]
    assert len(store.datasets()) == 2

    release = Api(lastupdated="2026-12-16")  # the probe sees it: not hidden by the cache
    fourth = _pull(store, release, cache, [GERD, ARTICLES])
    assert release.pages == [(GERD, 1), (GERD, 2), (ARTICLES, 1)]
    assert [r.dataset.created for r in fourth if r.dataset] == [True, True]
    datasets = store.datasets()
    assert sorted(datasets["vintage"]) == ["wdi-2026-10-28"] * 2 + ["wdi-2026-12-16"] * 2
    latest = store.rows("country_indicators", source="wdi")
    assert set(latest["vintage"]) == {"wdi-2026-12-16"}
    older = store.rows("country_indicators", vintage="wdi-2026-10-28")
    assert len(older) == len(latest) == 4  # MEX×2 GERD, MEX and USA articles


def test_an_interrupted_pull_resumes_with_only_the_missing_pages(store, tmp_path):
    cache = tmp_path / "cache"
    order = [POP, ARTICLES, GERD]

    def drop_gerd_page_2(code: str, page: int, per_page: int) -> Exception | None:
        return httpx.ConnectError("connection reset") if (code, page) == (GERD, 2) else None

    broken = Api(override=drop_gerd_page_2)
    with pytest.raises(HttpError, match=rf"WDI {GERD}: .*connection failed"):
        _pull(store, broken, cache, order, retries=2)
    assert broken.pages == [(POP, 1), (ARTICLES, 1), (GERD, 1)] + [(GERD, 2)] * 3
    assert sorted(store.datasets()["name"]) == [ARTICLES, POP]
    rows = store.rows("country_indicators", include_aggregates=True)
    assert GERD not in set(rows["indicator"])

    healthy = Api()
    results = _pull(store, healthy, cache, order)
    assert healthy.pages == [(GERD, 2)]  # page 1 of GERD and the others: from the cache
    assert healthy.probes == 1
    assert [r.dataset.created for r in results if r.dataset] == [False, False, True]
    rows = store.rows("country_indicators")
    mexico = rows[rows["country"] == "MEX"]
    values = mexico.set_index(["indicator", "year"])["value"].to_dict()
    assert values == {
        (POP, 2021): 126_705_138,
        (ARTICLES, 2020): 16_345.7,
        (GERD, 2020): 0.3,
        (GERD, 2021): 0.27,
    }


def test_a_damaged_cache_entry_is_fetched_again(store, tmp_path):
    cache = tmp_path / "cache"
    _pull(store, Api(), cache, [GERD])
    url = f"https://api.worldbank.org/v2/country/all/indicator/{GERD}"
    params = {"format": "json", "date": "2020:2021", "per_page": 6, "page": 2}
    ResponseCache(cache / "2026-10-28").put(url, params, {"not": "a page"})
    api = Api()
    [result] = _pull(store, api, cache, [GERD])
    assert api.pages == [(GERD, 2)]
    assert result.dataset is not None
    assert not result.dataset.created  # the same answers as before


def test_an_error_message_with_http_200_names_the_indicator_and_is_not_cached(store, tmp_path):
    cache = tmp_path / "cache"
    api = Api()
    with pytest.raises(WdiError) as caught:
        _pull(store, api, cache, [POP, BAD])
    error = caught.value
    assert isinstance(error, HttpError)
    assert isinstance(error, EvidenceError)
    assert BAD in str(error)
    assert "120 Invalid value: The provided parameter value is not valid" in str(error)
    assert (error.indicator, error.messages[0]["id"]) == (BAD, "120")
    assert list(store.datasets()["name"]) == [POP]  # the indicator before it is kept

    again = Api()
    with pytest.raises(WdiError, match="Invalid value"):
        _pull(store, again, cache, [POP, BAD])
    assert again.pages == [(BAD, 1)]  # asked again: the error was not cached
    with pytest.raises(WdiError, match=BAD):  # the release probe reads it as well
        _pull(store, Api(), cache, [BAD])


def test_503_is_retried_then_the_answer_is_used(store, tmp_path):
    failures = [httpx.Response(503, text="Service Unavailable")]
    waits: list[float] = []
    api = Api(override=lambda code, page, size: failures.pop() if failures and size == 6 else None)
    [result] = _pull(store, api, tmp_path / "cache", [ARTICLES], sleep=waits.append)
    assert waits == [1.0]
    assert api.seen == [(ARTICLES, 1, 1), (ARTICLES, 1, 6), (ARTICLES, 1, 6)]  # probe, 503, ok
    assert result.dataset is not None
    assert result.dataset.rows == 3

    down = Api(override=lambda code, page, size: httpx.Response(503))
    with pytest.raises(HttpError, match=rf"WDI {ARTICLES}: .*HTTP 503.*after 2 retries"):
        _pull(store, down, tmp_path / "cache2", [ARTICLES], retries=2)


@pytest.mark.parametrize(
    ("answer", "error", "message"),
    [
        (httpx.Response(200, text="<html>maintenance</html>"), HttpError, "not JSON"),
        (httpx.Response(200, json={"unexpected": True}), WdiError, "not the documented"),
        (httpx.Response(200, json=[{"page": 1}, []]), WdiError, "not the documented"),
    ],
)
def test_a_malformed_answer_is_a_clear_error_and_changes_nothing(
    store, tmp_path, answer, error, message
):
    api = Api(override=lambda code, page, size: answer if code == GERD else None)
    with pytest.raises(error, match=message) as caught:
        _pull(store, api, tmp_path / "cache", [ARTICLES, GERD])
    assert GERD in str(caught.value)
    assert list(store.datasets()["name"]) == [ARTICLES]


def test_pages_of_two_releases_are_not_mixed(store, tmp_path):
    def page_2_of_a_new_release(code: str, page: int, size: int) -> httpx.Response | None:
        if page != 2:
            return None
        payload = json.loads((PAYLOADS / "gerd_page2.json").read_text())
        payload[0]["lastupdated"] = "2026-12-16"
        return httpx.Response(200, json=payload)

    api = Api(override=page_2_of_a_new_release)
    with pytest.raises(WdiError, match="updated WDI during the pull; run it again"):
        _pull(store, api, tmp_path / "cache", [GERD])
    assert store.datasets().empty


def test_an_indicator_without_data_writes_nothing(store, tmp_path):
    empty = [{"page": 0, "pages": 0, "per_page": 6, "total": 0, "lastupdated": "2026-10-28"}, None]
    api = Api(override=lambda code, page, size: httpx.Response(200, json=empty))
    [result] = _pull(store, api, tmp_path / "cache", [GERD])
    assert result.dataset is None
    assert (result.countries, result.aggregates) == (0, 0)
    assert store.datasets().empty


@pytest.mark.parametrize(
    "arguments",
    [
        {"indicators": ["../etc"]},
        {"indicators": [".."]},
        {"indicators": []},
        {"start": 2022, "end": 2020},
    ],
)
def test_bad_arguments_are_refused_before_any_request(store, tmp_path, arguments):
    api = Api()
    options = {"indicators": [GERD]} | arguments
    with pytest.raises(EvidenceError, match="WDI: need"):
        _pull(store, api, tmp_path / "cache", **options)
    assert api.seen == []


def test_the_default_indicators_are_the_science_and_economy_series():
    assert {GERD, POP, ARTICLES, "SP.POP.SCIE.RD.P6", "TX.VAL.TECH.CD"} <= set(INDICATORS)
    assert {"TX.VAL.TECH.MF.ZS", "NY.GDP.MKTP.CD", "NY.GDP.PCAP.PP.KD"} <= set(INDICATORS)
