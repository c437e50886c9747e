"""OpenAlex API: publications by country × field × year and country-pair co-authorship per
field, from ``group_by`` queries on ``/works`` (never by paging through works), within a
daily credit budget, with every answer cached so a stopped run resumes where it stopped.

The queries
-----------
* Publications of a slice (year, optionally a field or subfield)::

    /works?filter=publication_year:2022,primary_topic.field.id:fields/17
          &group_by=authorships.countries&per_page=200&cursor=*

  One group per country; its ``count`` is the number of works with an author affiliated in
  that country (whole counting: a work counts once for each of its countries).
* Co-authorship of country X in a slice: the same query filtered on
  ``authorships.countries:MX,countries_distinct_count:>1``. The group of partner Y counts
  the works with authors in both; the group of X itself is X's internationally co-authored
  works, the diagonal convention of :mod:`vinculo.evidence.sources.openalex` (whose collector,
  bavla/OpenAlex, used the same query). Each unordered pair is stored once with
  ``country_a < country_b`` (ISO3); when both X's and Y's answers hold the pair, the larger
  value is kept and :attr:`Fetched.pairs_disagreeing` counts the pairs where they differ.
* Works of one country per subfield (or per topic) in one year::

    /works?filter=authorships.countries:MX,publication_year:2022
          &group_by=topics.subfield.id&per_page=200&cursor=*      (or group_by=topics.id)

  One group per subfield (topic) the country's works touch: a work counts in every subfield
  of its topics (``topics``, not ``primary_topic``), so a country's groups add up to more
  than its works; whole counting, as above. Paged until ``next_cursor`` is null: complete,
  unlike the staged copy (``openalex_country_subfield_2005_2025``: the 200 largest
  subfields of each country-year, filtered on ``authorships.institutions.country_code``,
  which leaves out authors whose country OpenAlex knows without an institution).
  :meth:`OpenAlexClient.subfield_counts`, :meth:`OpenAlexClient.topic_counts`.

What the documentation says
---------------------------
* Groups: ``meta`` (``count``, ``db_response_time_ms``, ``page``, ``per_page``,
  ``groups_count``) and a ``group_by`` list of ``key``, ``key_display_name``, ``count``; for
  an entity the key is its ID. The "unknown" group is hidden unless ``:include_unknown`` is
  added. At most 200 groups a page; more need cursor paging (``cursor=*``, then
  ``meta.next_cursor`` until it is null); ``page=`` paging is not supported with group_by;
  groups come sorted by key when paged; ``groups_count`` counts the current page only.
  https://developers.openalex.org/guides/grouping ,
  https://docs.openalex.org/how-to-use-the-api/get-groups-of-entities ,
  https://docs.openalex.org/how-to-use-the-api/get-lists-of-entities/paging ("you can also
  use it in group_by queries"). Filters ``authorships.countries``, ``countries_distinct_count``,
  ``primary_topic.field.id``, ``primary_topic.subfield.id``, ``publication_year``:
  https://docs.openalex.org/api-entities/works/filter-works .
* Keys and budget: add ``api_key=KEY`` (free, from openalex.org/settings/api; required from
  13 February 2026). Every user: at most 100 requests per second. Daily allowance, and the
  figures differ between versions of the pages: docs.openalex.org says 100,000 credits a day
  with a free key, 100 without, a list query 1 credit (an earlier version: 10);
  developers.openalex.org says $1 a day with a free key (10,000 list calls at $0.10 per
  1,000), $0.01 (elsewhere $0.10) without. Exceeding either limit gives HTTP 429.
  https://docs.openalex.org/how-to-use-the-api/rate-limits-and-authentication ,
  https://developers.openalex.org/api-reference/authentication .
* Remaining budget, on every response: ``X-RateLimit-Limit`` (daily credits),
  ``X-RateLimit-Remaining`` (left today), ``X-RateLimit-Credits-Used`` (this request),
  ``X-RateLimit-Reset``; the newer pages give the same in dollars: ``X-RateLimit-Limit-USD``,
  ``X-RateLimit-Remaining-USD``, ``X-RateLimit-Cost-USD`` (pages above).
* Errors: ``{"error": ..., "message": ...}``; 400 for a bad filter, 429 "daily limit
  exceeded" (https://developers.openalex.org/api-reference/errors). The API answers a bad
  filter with ``"error": "Invalid query parameters error."`` and 403 in older reports.
* The docs do not say how a 429 for going too fast differs from one for a spent budget.
  OpenAlex's own gateway (github.com/ourresearch/openalex-api-proxy, ``src/index.ts`` — code,
  not documentation) answers both with ``"error": "Rate limit exceeded"``: the message says
  "100 requests per second. Please slow down." or "Insufficient budget ... Resets at midnight
  UTC", with ``creditsRequired``, ``creditsRemaining``, ``Retry-After``,
  ``X-RateLimit-Remaining`` and ``X-RateLimit-Credits-Required``; it charges a group_by
  query 1 credit (``src/endpointClassifier.ts``) and converts 1 credit = $0.0001.
* Subfields and topics (read 2026-12-04): when grouping by an entity, ``key`` is the
  entity's ID (https://docs.openalex.org/how-to-use-the-api/get-groups-of-entities ,
  https://developers.openalex.org/guides/grouping). A subfield's ID is
  ``https://openalex.org/subfields/1702`` ("Subfield ID (e.g., 1702 for Artificial
  Intelligence)"; 254 subfields in 26 fields:
  https://developers.openalex.org/api-reference/subfields ,
  https://developers.openalex.org/api-reference/subfields/get-a-single-subfield); a topic's
  is ``https://openalex.org/T10028`` ("around 4,500 Topics", each with one subfield:
  https://docs.openalex.org/api-entities/topics ; the topics table of the KTH-Library
  openalex R package has 4,516 rows, https://rdrr.io/github/KTH-Library/openalex/man/topics.html).
  ``topics.id`` and ``topics.subfield.id`` are a work's topics (``primary_topic`` is the
  highest-scoring one): https://docs.openalex.org/api-entities/topics ; both are filters of
  works (https://docs.openalex.org/api-entities/works/filter-works , beside
  ``authorships.countries``), and "you can group by most of the same properties that you
  can filter by" (get-groups-of-entities, above); no page lists them as group_bys by name,
  but public clients use them (``Works().filter(...).group_by('topics.subfield.id')`` with
  pyalex, keys split on ``/``: github.com/ArunSisarran/ctp-project ``save_data_csv.py``, the
  collector of the staged copy). Filters are case-insensitive
  (https://developers.openalex.org/guides/filtering): ``authorships.countries:MX`` and
  ``:mx`` are the same filter; the client sends upper case, as the queries above.
* From OpenAlex's API server (github.com/ourresearch/openalex-elastic-api, read
  2026-12-04 — code, not documentation): cursor paging of groups is an Elasticsearch
  composite aggregation whose ``after_key`` becomes ``next_cursor``
  (``core/cursor.py``; Elasticsearch returns it after every page that has buckets), so the
  walk ends with one more request whose answer carries the null cursor; and a page with
  fewer groups than ``per_page`` may be padded with zero-count groups of values the query
  did not find (``core/group_by/results.py``, ``add_zero_values``), which may repeat keys
  of earlier pages.

Assumptions where the docs are silent
-------------------------------------
* A group_by request costs 1 credit unless the answer's headers say otherwise.
* Until the server reports it, the daily limit is 10,000 credits with a key ($1) and 100
  without ($0.01, the smallest keyless figure); ``daily_limit`` caps it lower.
* The budget day is the UTC date (the gateway resets at midnight UTC).
* A 429 means "budget spent" when its headers have ``Remaining < Credits-Required`` (in
  credits or dollars), its body ``creditsRemaining < creditsRequired``, or its message speaks
  of the budget; otherwise it means "too fast" and is retried after ``Retry-After``.
* A cursor is a position in the sorted keys, not a server session: a cached page's
  ``next_cursor`` still works in a later run.
* The ``authorships.countries`` key is ``https://openalex.org/countries/MX`` (seen in public
  client code; a bare ``MX`` is read too). ``db_response_time_ms`` varies between identical
  answers, so it is left out of the checksum that makes the same answers import once.
* The ``topics.subfield.id`` key is ``https://openalex.org/subfields/2105`` and the
  ``topics.id`` key ``https://openalex.org/T10018`` (the documented entity IDs; no page shows
  an answer of these group_bys). ``subfields/2105`` and ``T10018`` without the address are
  read too; any other key (but ``unknown``) is an error naming the query.
* A group with count 0 says nothing a missing group does not (the server's padding, above),
  so it is skipped; the same key twice with counts above 0 is an error naming the query.
* Planning: a country-year has at most as many groups as there are subfields (254) or
  topics (4,516), so a query costs at most ⌈groups / per_page⌉ + 1 requests (the last one
  closing the cursor): 3 for subfields, 24 for topics at 200 a page. Before a run,
  :meth:`OpenAlexClient.subfield_counts` and :meth:`OpenAlexClient.topic_counts` walk the
  cached pages of every query and refuse (:class:`BudgetExhaustedError`, nothing sent) when
  the pages still missing could exceed what is left of the day's budget.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import httpx
import pandas as pd

from vinculo.evidence.countries import locations_table, to_iso3
from vinculo.evidence.http import HttpError, ResponseCache, get_json, new_client
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.settings import secret, vinculo_home

__all__ = [
    "AUTHORS_URL",
    "EXPECTED_GROUPS",
    "SOURCE",
    "WORKS_URL",
    "Budget",
    "BudgetExhaustedError",
    "Fetched",
    "OpenAlexClient",
    "write_to_store",
]

logger = logging.getLogger(__name__)

WORKS_URL = "https://api.openalex.org/works"
AUTHORS_URL = "https://api.openalex.org/authors"
SOURCE = "openalex-api"
KEY_VARIABLE = "OPENALEX_API_KEY"
CREDITS_PER_REQUEST = 1
USD_PER_CREDIT = 0.0001
LIMIT_WITH_KEY = 10_000
LIMIT_WITHOUT_KEY = 100
Level = Literal["field", "subfield"]
Grouping = Literal["subfield", "topic"]

_SECRETS = ("api_key", "mailto")  # never cached, never shown; a new key keeps the cache
_VOLATILE_META = ("db_response_time_ms",)
_LEVEL_FILTER = {
    "field": "primary_topic.field.id:fields/",
    "subfield": "primary_topic.subfield.id:subfields/",
}
_MAX_PAGES = 100
_DAYS_KEPT = 31


@dataclass(frozen=True)
class _Grouping:
    """How one per-country query groups works and how its rows are stored."""

    group_by: str
    taxonomy: str
    dataset: str
    key: re.Pattern[str]  # the group key; its first group is the stored field
    example: str


_GROUPINGS: dict[str, _Grouping] = {
    "subfield": _Grouping(
        "topics.subfield.id",
        "openalex-subfield",
        "openalex-api-subfields",
        re.compile(r"(?:https?://openalex\.org/)?subfields/(\d{4})", re.IGNORECASE),
        "https://openalex.org/subfields/2105",
    ),
    "topic": _Grouping(
        "topics.id",
        "openalex-topic",
        "openalex-api-topics",
        re.compile(r"(?:https?://openalex\.org/)?(T\d+)", re.IGNORECASE),
        "https://openalex.org/T10018",
    ),
}
#: At most this many groups in one country-year: OpenAlex's subfields (254,
#: developers.openalex.org/api-reference/subfields) and topics (4,516; "around 4,500").
#: The request plan of a query is ⌈groups / per_page⌉ + 1 (the page closing the cursor).
EXPECTED_GROUPS: dict[str, int] = {"subfield": 254, "topic": 4516}


def _now() -> datetime:
    return datetime.now(UTC)


class BudgetExhaustedError(HttpError):
    """The day's OpenAlex credits are spent, or the next request would overspend them.
    Waiting a few seconds does not help (unlike :class:`~vinculo.evidence.http.RateLimitedError`):
    the budget resets at midnight UTC. Answers already received are cached."""


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _header_credits(headers: httpx.Headers, name: str) -> float | None:
    """A credit figure from ``X-RateLimit-<name>``, or from its dollar twin."""
    credits = _number(headers.get(f"X-RateLimit-{name}"))
    if credits is not None:
        return credits
    usd_name = {"Credits-Used": "Cost", "Credits-Required": "Cost-Required"}.get(name, name)
    usd = _number(headers.get(f"X-RateLimit-{usd_name}-USD"))
    return None if usd is None else round(usd / USD_PER_CREDIT)


class Budget:
    """The day's OpenAlex credits: ``used``, ``limit`` and ``remaining`` (UTC ``day``).

    Read from the rate-limit headers whenever the server sends them, else counted
    (``cost`` per response). Kept in ``path`` (JSON keyed by UTC date) after every
    response, so a resumed run continues the count. ``cap`` lowers the limit.
    """

    def __init__(
        self,
        path: str | Path | None,
        *,
        limit: int,
        cap: int | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.cap = cap
        self._default = limit
        self._clock = clock
        self._start(self._today())
        entry = self._stored().get(self.day)
        if entry:
            self.used = int(entry.get("used", 0))
            self.requests = int(entry.get("requests", 0))
            if entry.get("limit_from_server"):
                self._limit, self._from_server = int(entry["limit"]), True

    def _today(self) -> str:
        return self._clock().astimezone(UTC).date().isoformat()

    def _start(self, day: str) -> None:
        self.day, self.used, self.requests = day, 0, 0
        self._limit, self._from_server = self._default, False

    def _roll(self) -> None:
        if self._today() != self.day:
            self._start(self._today())

    @property
    def limit(self) -> int:
        return self._limit if self.cap is None else min(self._limit, self.cap)

    @property
    def remaining(self) -> int:
        self._roll()
        return max(0, self.limit - self.used)

    def report(self) -> str:
        self._roll()
        return (
            f"OpenAlex credits on {self.day} (UTC): {self.used:,} used of {self.limit:,}, "
            f"{self.remaining:,} left, {self.requests:,} request(s) sent"
        )

    def __repr__(self) -> str:
        return f"Budget({self.day}: used {self.used} of {self.limit}, {self.remaining} left)"

    def check(self, cost: int, *, what: str) -> None:
        """Raise :class:`BudgetExhaustedError` if ``cost`` more credits exceed the limit."""
        self._roll()
        if self.used + cost > self.limit:
            midnight = date.fromisoformat(self.day) + timedelta(days=1)
            raise BudgetExhaustedError(
                f"{what}: not sent, the daily OpenAlex budget is spent ({self.report()}; "
                f"this request needs {cost}). It resets at {midnight} 00:00 UTC; what was "
                "fetched is cached, so running again then continues where this run stopped"
            )

    def record(self, response: httpx.Response, cost: int) -> None:
        """Account for one response: the server's figures if it sent them, else ``cost``."""
        self._roll()
        self.requests += 1
        headers = response.headers
        limit = _header_credits(headers, "Limit")
        remaining = _header_credits(headers, "Remaining")
        spent = _header_credits(headers, "Credits-Used")
        if limit is not None:
            self._limit, self._from_server = int(limit), True
        if remaining is not None:
            self.used = max(0, self._limit - int(remaining))
        elif spent is not None:
            self.used += int(spent)
        elif response.status_code != 429:  # a refused request is not charged
            self.used += cost
        self.save()

    def exhaust(self) -> None:
        """The server said the budget is spent: nothing more is sent today."""
        self._roll()
        self.used = max(self.used, self._limit)
        self.save()

    def _stored(self) -> dict[str, Any]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # a damaged file starts the count again; the server's headers correct it
        return data if isinstance(data, dict) else {}

    def save(self) -> None:
        if self.path is None:
            return
        days = self._stored()
        days[self.day] = {
            "used": self.used,
            "limit": self._limit,
            "limit_from_server": self._from_server,
            "requests": self.requests,
        }
        kept = dict(sorted(days.items())[-_DAYS_KEPT:])
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".budget.", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(kept, out, indent=1)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _says_budget_spent(response: httpx.Response) -> bool:
    """Whether a 429 is a spent daily budget (True) or a request rate too high (False)."""
    remaining = _header_credits(response.headers, "Remaining")
    required = _header_credits(response.headers, "Credits-Required") or CREDITS_PER_REQUEST
    if remaining is not None and remaining < required:
        return True
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return False
    left, needed = body.get("creditsRemaining"), body.get("creditsRequired")
    if isinstance(left, int | float) and isinstance(needed, int | float) and left < needed:
        return True
    message = f"{body.get('error', '')} {body.get('message', '')}".lower()
    return "per second" not in message and ("budget" in message or "credits" in message)


@dataclass(frozen=True)
class Fetched:
    """Canonical rows from a set of group_by queries, with their provenance.

    ``sha256`` is the checksum of the canonical JSON of the answers (the queries' public
    parameters and payloads, without ``db_response_time_ms``): the same answers import once.
    """

    table: str
    rows: pd.DataFrame
    name: str
    file_name: str
    sha256: str
    retrieved_at: datetime
    queries: int
    pages: int
    unknown_skipped: int
    pairs_disagreeing: int = 0

    @property
    def vintage(self) -> str:
        return f"api-{self.retrieved_at.astimezone(UTC):%Y-%m-%d}"


def _field_id(value: int | str) -> str:
    """``17``, ``"fields/17"`` or ``"https://openalex.org/fields/17"`` -> ``"17"``."""
    short = str(value).strip().rstrip("/").rsplit("/", 1)[-1]
    if not short.isdigit():
        raise EvidenceError(f"OpenAlex field or subfield {value!r}: expected a number like 17")
    return short


def _span(values: Sequence[int | str]) -> str:
    numbers = [int(v) for v in values]
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}-{numbers[-1]}"
    return ",".join(str(v) for v in values)


def _iso2_of(countries: Iterable[str]) -> list[str]:
    """ISO3 codes (Vínculo's) as the ISO2 codes OpenAlex filters by."""
    table = locations_table().dropna(subset=["iso2"])
    iso2 = dict(zip(table["code"], table["iso2"], strict=True))
    codes = []
    for country in countries:
        code = iso2.get(str(country).strip().upper())
        if code is None:
            raise EvidenceError(
                f"country {country!r}: not the ISO3 code of a country with an ISO2 code "
                "(OpenAlex filters by ISO2)"
            )
        codes.append(str(code))
    return codes


def _results(payload: Any, query: str) -> tuple[list[dict[str, Any]], str | None]:
    """The entities of one list answer and the cursor of the next page, or an error."""
    results = payload.get("results") if isinstance(payload, dict) else None
    meta = payload.get("meta") if isinstance(payload, dict) else None
    if not isinstance(results, list) or not isinstance(meta, dict):
        shown = json.dumps(payload)[:300]
        raise HttpError(f"{query}: not a list answer (no 'results' list): {shown}")
    cursor = meta.get("next_cursor")
    return results, str(cursor) if cursor else None


def _groups(payload: Any, query: str) -> tuple[list[dict[str, Any]], str | None]:
    """The groups of one answer and the cursor of the next page, or an error naming it."""
    groups = payload.get("group_by") if isinstance(payload, dict) else None
    meta = payload.get("meta") if isinstance(payload, dict) else None
    if not isinstance(groups, list) or not isinstance(meta, dict):
        shown = json.dumps(payload)[:300]
        raise HttpError(f"{query}: not a group_by answer (no 'group_by' list): {shown}")
    cursor = meta.get("next_cursor")
    return groups, str(cursor) if cursor else None


def _countries(pages: list[Any], query: str) -> tuple[dict[str, int], int]:
    """ISO3 code -> count over the pages of one query, and the "unknown" groups skipped."""
    keys, counts, unknown = [], [], 0
    for payload in pages:
        for group in _groups(payload, query)[0]:
            key = str(group.get("key") or "").rstrip("/").rsplit("/", 1)[-1]
            if key.lower() in ("", "unknown", "null", "none"):
                unknown += 1
                continue
            count = int(group["count"])
            if count == 0:
                continue  # a short page padded with zero groups (the module's notes)
            keys.append(key)
            counts.append(count)
    codes = to_iso3(pd.Series(keys, dtype=object), "iso2")
    bad = sorted({k for k, c in zip(keys, codes, strict=True) if not isinstance(c, str)})
    if bad:
        raise EvidenceError(f"{query}: unknown ISO2 country code(s) {bad} in the groups")
    result: dict[str, int] = {}
    for code, count in zip(codes, counts, strict=True):
        if code in result:
            raise EvidenceError(f"{query}: country {code} appears in two groups")
        result[str(code)] = count
    return result, unknown


def _entity_counts(grouping: _Grouping, pages: list[Any], query: str) -> tuple[dict[str, int], int]:
    """Subfield (``"2105"``) or topic (``"T10018"``) -> count over the pages of one query,
    and the "unknown" groups skipped. A key that is not such an ID is an error naming the
    query; zero groups are skipped; a key twice with counts is an error."""
    result: dict[str, int] = {}
    unknown = 0
    for payload in pages:
        for group in _groups(payload, query)[0]:
            key = str(group.get("key") or "").strip()
            if key.lower() in ("", "unknown", "null", "none"):
                unknown += 1
                continue
            found = grouping.key.fullmatch(key)
            if found is None:
                raise EvidenceError(
                    f"{query}: group key {key!r} is not an OpenAlex {grouping.group_by} "
                    f"(expected e.g. {grouping.example!r})"
                )
            try:
                count = int(group["count"])
            except (KeyError, TypeError, ValueError):
                raise EvidenceError(
                    f"{query}: group {key!r} has no whole 'count' ({group.get('count')!r})"
                ) from None
            if count == 0:
                continue  # a short page padded with zero groups (the module's notes)
            field = found.group(1).upper()
            if field in result:
                raise EvidenceError(f"{query}: {grouping.group_by} {field} appears in two groups")
            result[field] = count
    return result, unknown


class OpenAlexClient:
    """OpenAlex ``group_by`` queries within a daily credit budget, cached on disk.

    Parameters
    ----------
    api_key
        The API key; by default ``OPENALEX_API_KEY`` (or ``OPENALEX_API_KEY_FILE``) through
        :func:`vinculo.settings.secret`; ``""`` for none. Never logged, cached or shown.
    mailto
        An e-mail for OpenAlex's polite pool, sent only without a key.
    cache_folder
        Answers (``responses/``) and the budget (``budget.json``); default
        ``<vinculo_home>/cache/openalex``. Cached answers cost nothing.
    daily_limit
        Stop once this many credits are used today (by the server's count of the key's
        usage when it sends one, else by this folder's count); the server's limit applies
        anyway.
    transport, sleep, clock
        For tests: an ``httpx.MockTransport``, the wait between retries, the UTC time.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        mailto: str | None = None,
        cache_folder: str | Path | None = None,
        daily_limit: int | None = None,
        per_page: int = 200,
        retries: int = 6,
        backoff: float = 1.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._api_key = (api_key if api_key is not None else secret(KEY_VARIABLE)) or None
        self.mailto = mailto
        folder = Path(cache_folder) if cache_folder else vinculo_home() / "cache" / "openalex"
        self.cache = ResponseCache(folder / "responses", secret_parameters=_SECRETS)
        limit = LIMIT_WITH_KEY if self._api_key else LIMIT_WITHOUT_KEY
        self.budget = Budget(folder / "budget.json", limit=limit, cap=daily_limit, clock=clock)
        self.per_page, self.retries, self.backoff = per_page, retries, backoff
        self._sleep, self._clock = sleep, clock
        self._http = new_client(transport=transport)
        self.requests_sent = 0
        self.pages_from_cache = 0

    def __enter__(self) -> OpenAlexClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    def _on_response(self, response: httpx.Response) -> None:
        self.requests_sent += 1
        self.budget.record(response, CREDITS_PER_REQUEST)

    def _on_429(self, response: httpx.Response) -> Exception | None:
        if not _says_budget_spent(response):
            return None  # too fast: get_json waits Retry-After and tries again
        self.budget.exhaust()
        url = httpx.URL(str(response.request.url))
        for name in _SECRETS:
            if name in url.params:
                url = url.copy_set_param(name, "***")
        try:
            said = str(response.json().get("message", ""))
        except (ValueError, AttributeError):
            said = response.text[:200]
        return BudgetExhaustedError(
            self._scrub(
                f"{url}: HTTP 429, OpenAlex says the daily budget is spent ({said}); "
                f"{self.budget.report()}. It resets at midnight UTC; what was fetched is cached"
            ),
            status=429,
            url=self._scrub(str(url)),
        )

    def grouped(
        self, filters: str, group_by: str = "authorships.countries"
    ) -> list[tuple[dict[str, str], Any]]:
        """Every page of ``/works?filter=<filters>&group_by=<group_by>`` (cursor paging),
        each from the cache when it is there, else fetched within the budget."""
        query = f"works?filter={filters}&group_by={group_by}"
        pages: list[tuple[dict[str, str], Any]] = []
        cursor = "*"
        for _ in range(_MAX_PAGES):
            params = self._params(filters, group_by, cursor)
            payload = self._get(params, query)
            pages.append((params, payload))
            groups, following = _groups(payload, query)
            if not following or not groups:
                return pages
            cursor = following
        raise HttpError(f"{query}: more than {_MAX_PAGES} pages of groups; narrow the query")

    def _params(self, filters: str, group_by: str, cursor: str) -> dict[str, str]:
        """The public parameters of one page: what is sent (besides the key) and the cache key."""
        return {
            "filter": filters,
            "group_by": group_by,
            "per_page": str(self.per_page),
            "cursor": cursor,
        }

    def _still_missing(self, filters: str, group_by: str, most: int) -> int:
        """Requests a query still needs: 0 when its cached pages reach the end of the cursor,
        else ``most`` (its planned pages) less the pages cached so far, at least 1."""
        query = f"works?filter={filters}&group_by={group_by}"
        cursor = "*"
        for cached in range(_MAX_PAGES):
            payload = self.cache.get(WORKS_URL, self._params(filters, group_by, cursor))
            if payload is None:
                return max(1, most - cached)
            groups, following = _groups(payload, query)
            if not following or not groups:
                return 0
            cursor = following
        return 0  # grouped() refuses such a query before it sends anything more

    def authors(self, filters: str, *, limit: int | None = None) -> list[dict[str, Any]]:
        """The Author objects of ``/authors?filter=<filters>`` (OpenAlex's filter syntax,
        e.g. ``affiliations.institution.country_code:MX,topics.id:T10048``), page after
        page (cursor paging, ``per_page`` each), each page from the cache when it is
        there, else fetched within the day's budget; at most ``limit``."""
        query = f"authors?filter={filters}"
        found: list[dict[str, Any]] = []
        cursor = "*"
        for _ in range(_MAX_PAGES):
            params = {"filter": filters, "per_page": str(self.per_page), "cursor": cursor}
            payload = self._get(params, query, url=AUTHORS_URL, check=_results)
            results, following = _results(payload, query)
            found.extend(results)
            if limit is not None and len(found) >= limit:
                return found[:limit]
            if not following or not results:
                return found
            cursor = following
        raise HttpError(f"{query}: more than {_MAX_PAGES} pages of authors; narrow the query")

    def _get(
        self,
        params: dict[str, str],
        query: str,
        *,
        url: str = WORKS_URL,
        check: Callable[[Any, str], Any] = _groups,
    ) -> Any:
        cached = self.cache.get(url, params)
        if cached is not None:
            self.pages_from_cache += 1
            return cached
        self.budget.check(CREDITS_PER_REQUEST, what=query)
        sent = dict(params)
        if self._api_key:
            sent["api_key"] = self._api_key
        elif self.mailto:
            sent["mailto"] = self.mailto
        try:
            payload = get_json(
                self._http,
                url,
                sent,
                retries=self.retries,
                backoff=self.backoff,
                sleep=self._sleep,
                on_429=self._on_429,
                on_response=self._on_response,
                secret_parameters=_SECRETS,
            )
        except HttpError as error:
            if isinstance(error, BudgetExhaustedError):
                raise
            raise type(error)(self._scrub(str(error)), status=error.status, url=error.url) from None
        check(payload, query)  # an answer of another shape is never cached
        self.cache.put(url, params, payload)
        return payload

    # ------------------------------------------------------------------ queries
    def _plan(
        self, kind: str, years: Iterable[int], fields: Iterable[int | str] | None, level: Level
    ) -> tuple[list[tuple[int, str | None, str]], str, str]:
        """The (year, field, filter) slices, the dataset name and the filter as described."""
        if level not in _LEVEL_FILTER:
            raise EvidenceError(f"level {level!r}: one of {sorted(_LEVEL_FILTER)}")
        span = sorted({int(y) for y in years})
        if not span:
            raise EvidenceError(f"OpenAlex {kind}: no years given")
        ids = None if fields is None else [_field_id(f) for f in fields]
        slices: list[tuple[int, str | None, str]] = [
            (year, None, f"publication_year:{year}") for year in span
        ]
        if ids is not None:
            slices = [(y, i, f"{f},{_LEVEL_FILTER[level]}{i}") for y, _, f in slices for i in ids]
        described = f"publication_year:{{{_span(span)}}}"
        if ids:
            described += f",{_LEVEL_FILTER[level]}{{{','.join(ids)}}}"
        which = f"{level}s {','.join(ids)}" if ids else "all fields"
        return slices, f"{kind} openalex-{level} years {_span(span)} {which}", described

    def publication_counts(
        self,
        years: Iterable[int],
        fields: Iterable[int | str] | None = None,
        *,
        level: Level = "field",
    ) -> Fetched:
        """Works by country × field (or subfield) × year, whole counting -> ``publications``.

        One query per (year, field), paged by cursor. ``fields`` are OpenAlex field (or
        subfield) IDs such as 17 or ``"fields/17"``; None gives all fields, stored as ``all``.
        """
        slices, name, described = self._plan("publications", years, fields, level)
        start = (self.requests_sent, self.pages_from_cache)
        rows: list[tuple[int, str, str, int]] = []
        answers: list[tuple[dict[str, str], Any]] = []
        unknown = 0
        for year, field, filters in slices:
            pages = self.grouped(filters)
            answers += pages
            counts, skipped = _countries([p for _, p in pages], f"works?filter={filters}")
            unknown += skipped
            rows += [(year, code, field or "all", count) for code, count in sorted(counts.items())]
        frame = pd.DataFrame(rows, columns=["year", "country", "field", "count"])
        frame = frame.assign(
            year=frame["year"].astype("int64"),
            taxonomy=f"openalex-{level}",
            count_type="whole",
            count=frame["count"].astype("float64"),
        )[["year", "country", "field", "taxonomy", "count_type", "count"]]
        return self._fetched("publications", frame, name, described, answers, unknown, 0, start)

    def coauthorship_counts(
        self,
        years: Iterable[int],
        fields: Iterable[int | str] | None = None,
        *,
        level: Level = "field",
        countries: Iterable[str] | None = None,
    ) -> Fetched:
        """Works co-authored by each pair of countries per field and year -> ``coauthorship``.

        One query per (country, year, field). ``countries`` are ISO3 codes; by default every
        country with works in the slice (found by the publications query of the slice,
        which is cached and so shared with :meth:`publication_counts`). Pairs are stored
        once, ``country_a < country_b``; the diagonal is the country's internationally
        co-authored works. Taxonomy ``openalex-field``/``-subfield``; ``"openalex"`` with an
        empty field for all fields, as the staged OpenAlex file.
        """
        slices, name, described = self._plan("coauthorship", years, fields, level)
        chosen = None if countries is None else sorted({str(c).strip().upper() for c in countries})
        start = (self.requests_sent, self.pages_from_cache)
        rows: list[tuple[int, str, str, str | None, int]] = []
        answers: list[tuple[dict[str, str], Any]] = []
        unknown = 0
        for year, field, filters in slices:
            queried = chosen
            if queried is None:
                pages = self.grouped(filters)
                answers += pages
                queried = sorted(_countries([p for _, p in pages], f"works?filter={filters}")[0])
            for iso3, iso2 in zip(queried, _iso2_of(queried), strict=True):
                query = f"authorships.countries:{iso2},countries_distinct_count:>1,{filters}"
                pages = self.grouped(query)
                answers += pages
                counts, skipped = _countries([p for _, p in pages], f"works?filter={query}")
                unknown += skipped
                rows += [(year, iso3, other, field, n) for other, n in counts.items()]
        folded, disagreeing = _fold(
            pd.DataFrame(rows, columns=["year", "a", "b", "field", "works"])
        )
        taxonomy = f"openalex-{level}" if fields is not None else "openalex"
        frame = folded.assign(taxonomy=taxonomy)[
            ["year", "country_a", "country_b", "taxonomy", "field", "works"]
        ]
        listed = ",".join(chosen or ["all"])
        if len(listed) > 60:  # many countries: their number and a digest keep the name short
            listed = f"{len(chosen or [])} ({hashlib.sha256(listed.encode()).hexdigest()[:8]})"
        shown = (
            "{each country of the slice}" if chosen is None else f"{{{','.join(_iso2_of(chosen))}}}"
        )
        described = f"authorships.countries:{shown},countries_distinct_count:>1,{described}"
        return self._fetched(
            "coauthorship",
            frame,
            f"{name} countries {listed}",
            described,
            answers,
            unknown,
            disagreeing,
            start,
        )

    # ------------------------------------------------------------ per country
    def subfield_counts(self, countries: Iterable[str], years: Iterable[int]) -> Fetched:
        """Works of each country per OpenAlex subfield and year -> ``publications``.

        One query per (country, year)::

            /works?filter=authorships.countries:MX,publication_year:2022
                  &group_by=topics.subfield.id&per_page=200&cursor=*

        paged by cursor to the end (every subfield, not the 200 largest). A work counts in
        every subfield of its topics and once for each of its countries (whole counting),
        so a country's subfields add up to more than its works. ``countries`` are ISO3
        codes. Rows: ``field`` the bare subfield ID (``"2105"``), taxonomy
        ``openalex-subfield``, count type ``whole``; dataset ``openalex-api-subfields``.

        Before anything is sent, the requests not yet cached are planned (at most
        ⌈254 / per_page⌉ + 1 a query: 3 at 200 a page) and the run is refused with
        :class:`BudgetExhaustedError` when they could exceed what is left of the day's
        budget; a run whose answers are all cached costs nothing and is never refused.

        Raises
        ------
        EvidenceError
            No countries or years, a code that is not an ISO3 country code, or a group key
            that is not a subfield ID (the message names the query).
        BudgetExhaustedError
            The plan exceeds the day's remaining credits, or the server says they are spent.
        """
        return self._per_country("subfield", countries, years)

    def topic_counts(self, countries: Iterable[str], years: Iterable[int]) -> Fetched:
        """Works of each country per OpenAlex topic and year -> ``publications``.

        As :meth:`subfield_counts` with ``group_by=topics.id``: ``field`` is the topic ID
        (``"T10018"``), taxonomy ``openalex-topic``, dataset ``openalex-api-topics``. About
        4,500 topics: up to ⌈4,516 / per_page⌉ + 1 = 24 requests per country-year at 200 a
        page, 240 per country for ten years.
        """
        return self._per_country("topic", countries, years)

    def _per_country(
        self, kind: Grouping, countries: Iterable[str], years: Iterable[int]
    ) -> Fetched:
        grouping = _GROUPINGS[kind]
        span = sorted({int(y) for y in years})
        if not span:
            raise EvidenceError(f"OpenAlex {kind} counts: no years given")
        chosen = sorted({str(c).strip().upper() for c in countries})
        if not chosen:
            raise EvidenceError(f"OpenAlex {kind} counts: no countries given")
        iso2 = _iso2_of(chosen)
        queries = [
            (year, iso3, f"authorships.countries:{code},publication_year:{year}")
            for iso3, code in zip(chosen, iso2, strict=True)
            for year in span
        ]
        shown = ",".join(iso2)
        if len(shown) > 60:  # many countries: their number and a digest keep the name short
            shown = f"{len(iso2)} countries ({hashlib.sha256(shown.encode()).hexdigest()[:8]})"
        described = (
            f"works?group_by={grouping.group_by}&filter=authorships.countries:{{{shown}}},"
            f"publication_year:{{{_span(span)}}}"
        )
        self._check_plan(kind, [filters for *_, filters in queries], described)
        start = (self.requests_sent, self.pages_from_cache)
        digest = hashlib.sha256()
        rows: list[tuple[int, str, str, int]] = []
        pages = unknown = 0
        for year, iso3, filters in queries:
            answers = self.grouped(filters, grouping.group_by)
            for params, payload in answers:
                digest.update(_canonical_json(params, payload).encode())
                digest.update(b"\n")
            pages += len(answers)
            query = f"works?filter={filters}&group_by={grouping.group_by}"
            counts, skipped = _entity_counts(grouping, [p for _, p in answers], query)
            unknown += skipped
            rows += [(year, iso3, field, count) for field, count in counts.items()]
        frame = pd.DataFrame(rows, columns=["year", "country", "field", "count"])
        frame = frame.sort_values(["year", "country", "field"], kind="stable")
        frame = frame.assign(
            year=frame["year"].astype("int64"),
            taxonomy=grouping.taxonomy,
            count_type="whole",
            count=frame["count"].astype("float64"),
        )[["year", "country", "field", "taxonomy", "count_type", "count"]]
        return self._finish(
            "publications",
            frame,
            grouping.dataset,
            f"{described} ({len(queries)} queries)",
            digest.hexdigest(),
            len(queries),
            pages,
            unknown,
            0,
            start,
        )

    def _check_plan(self, kind: Grouping, queries: Sequence[str], what: str) -> int:
        """The requests the queries still need (their pages not in the cache, at most
        ``EXPECTED_GROUPS``/``per_page`` + 1 each); :class:`BudgetExhaustedError` before
        anything is sent when they could exceed what is left of the day's budget."""
        group_by = _GROUPINGS[kind].group_by
        most = math.ceil(EXPECTED_GROUPS[kind] / self.per_page) + 1
        needed = sum(self._still_missing(filters, group_by, most) for filters in queries)
        left = self.budget.remaining
        logger.info(
            "%s: %d queries, up to %d request(s) not in the cache; %s",
            what,
            len(queries),
            needed,
            self.budget.report(),
        )
        if needed <= left:
            return needed
        if needed > self.budget.limit:
            advice = (
                "that is more than a whole day's budget: run it first for fewer countries or "
                "years (their answers stay cached), then for all of them, which then costs "
                "only what is missing"
            )
        else:
            midnight = date.fromisoformat(self.budget.day) + timedelta(days=1)
            advice = (
                f"the budget resets at {midnight} 00:00 UTC; what is already cached costs "
                "nothing then"
            )
        raise BudgetExhaustedError(
            f"{what}: not started, nothing sent: it needs up to {needed:,} request(s) "
            f"({len(queries)} queries of up to {most} pages each, less the pages already "
            f"cached) and {left:,} credit(s) are left today ({self.budget.report()}); {advice}"
        )

    def _fetched(
        self,
        table: str,
        rows: pd.DataFrame,
        name: str,
        filters: str,
        answers: list[tuple[dict[str, str], Any]],
        unknown: int,
        disagreeing: int,
        start: tuple[int, int],
    ) -> Fetched:
        canonical = [_canonical(params, payload) for params, payload in answers]
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        queries = sum(1 for params, _ in answers if params["cursor"] == "*")
        file_name = f"works?group_by=authorships.countries&filter={filters} ({queries} queries)"
        return self._finish(
            table,
            rows,
            name,
            file_name,
            hashlib.sha256(text.encode()).hexdigest(),
            queries,
            len(answers),
            unknown,
            disagreeing,
            start,
        )

    def _finish(
        self,
        table: str,
        rows: pd.DataFrame,
        name: str,
        file_name: str,
        sha256: str,
        queries: int,
        pages: int,
        unknown: int,
        disagreeing: int,
        start: tuple[int, int],
    ) -> Fetched:
        sent, cached = self.requests_sent - start[0], self.pages_from_cache - start[1]
        logger.info(
            "%s: %d queries, %d pages (%d sent, %d from the cache), %d unknown group(s) "
            "skipped; %s",
            name,
            queries,
            pages,
            sent,
            cached,
            unknown,
            self.budget.report(),
        )
        return Fetched(
            table=table,
            rows=rows.reset_index(drop=True),
            name=name,
            file_name=file_name,
            sha256=sha256,
            retrieved_at=self._clock(),
            queries=queries,
            pages=pages,
            unknown_skipped=unknown,
            pairs_disagreeing=disagreeing,
        )


def _canonical(params: dict[str, str], payload: Any) -> dict[str, Any]:
    """One answer as it enters the checksum: its public parameters and payload, without
    the fields that vary between identical answers."""
    return {
        "params": params,
        "meta": {k: v for k, v in payload["meta"].items() if k not in _VOLATILE_META},
        "group_by": payload["group_by"],
    }


def _canonical_json(params: dict[str, str], payload: Any) -> str:
    return json.dumps(
        _canonical(params, payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def _fold(ordered: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Ordered (a, b) answers as unordered pairs, ``country_a <= country_b``, keeping the
    larger value; also the number of pairs whose two answers differ."""
    swap = ordered["a"] > ordered["b"]
    keyed = ordered.assign(
        country_a=ordered["a"].where(~swap, ordered["b"]),
        country_b=ordered["b"].where(~swap, ordered["a"]),
        field=ordered["field"].fillna(""),  # "" while grouping: all fields
    )
    grouped = keyed.groupby(["year", "field", "country_a", "country_b"], sort=True)["works"]
    summary = grouped.agg(["max", "min", "size"]).reset_index()
    disagreeing = int(((summary["size"] > 1) & (summary["max"] != summary["min"])).sum())
    rows = pd.DataFrame(
        {
            "year": summary["year"].astype("int64"),
            "country_a": summary["country_a"],
            "country_b": summary["country_b"],
            "field": [value or None for value in summary["field"]],
            "works": summary["max"].astype("float64"),
        }
    )
    return rows, disagreeing


def write_to_store(store: EvidenceStore, fetched: Fetched) -> ImportResult:
    """Write fetched rows with their provenance: source ``openalex-api``, the query as name
    and file name, vintage ``api-YYYY-MM-DD`` (the query date), the answers' checksum. The
    same answers import once; new answers to the same query are a new vintage."""
    return store.import_rows(
        fetched.table,
        fetched.rows,
        source=SOURCE,
        name=fetched.name,
        vintage=fetched.vintage,
        file_name=fetched.file_name,
        file_sha256=fetched.sha256,
        retrieved_at=fetched.retrieved_at,
    )
