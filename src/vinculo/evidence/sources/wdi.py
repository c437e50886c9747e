"""World Bank World Development Indicators (WDI), from the Indicators API v2.

One request per page of ``{BASE_URL}/country/all/indicator/{CODE}?format=json&date=A:B
&per_page=N&page=P``; each indicator's pages become one dataset of ``country_indicators``
(source ``wdi``, dataset name and ``indicator`` column = the WDI code, as NCSES names its
indicators without a source prefix; the source is on the dataset).

What the World Bank documents (read 2026):

* Query strings ``date`` (a range with ``:``), ``format=json``, ``page`` and ``per_page``
  (default 50): https://datahelpdesk.worldbank.org/knowledgebase/articles/898581 ("API
  Basic Call Structures"), with ``/v2/country/all/indicator/SP.POP.TOTL?date=2000:2001``
  as example. No maximum ``per_page`` is documented; :data:`PER_PAGE` is our choice.
* The v2 answer carries the source's last-update date and ``countryiso3code``:
  https://datahelpdesk.worldbank.org/knowledgebase/articles/1886674 ("New Features and
  Enhancements in the V2 API"). ``/v2/country`` lists regions, income levels and lending
  groups with the countries, so ``country/all`` answers hold aggregates too.
* Error 120 "Parameter has an invalid value" is in the API's error-code list
  (http://developer.worldbank.org/docs/documentation_v1/Untitled, v1 documentation).

Assumed from clients and recorded answers published by others (not in the official pages):
an answer is ``[{page, pages, per_page, total, sourceid, lastupdated}, [{indicator: {id,
value}, country: {id, value}, countryiso3code, date, value, unit, obs_status, decimal},
...]]`` (``page``/``per_page`` sometimes as strings); an error comes **with HTTP 200** as
``[{"message": [{"id": "120", "key": "Invalid value", "value": "The provided parameter
value is not valid"}]}]``; a query with no data is ``[{..., "pages": 0, "total": 0}, null]``.

Rows: ``countryiso3code`` read with :func:`~vinculo.evidence.countries.to_iso3`. Countries
and the aggregates the store knows (WLD, EUU, HIC, LMY, ...) are stored; the store's
``rows()`` leaves aggregates out by default. Rows with an empty code or a code that is
neither (other World Bank groups such as ARB, or CHI) are skipped and counted, as are
null values; :class:`IndicatorResult` reports both and the module logger logs them (INFO).

Vintage: ``wdi-<lastupdated>``. Responses are cached by :class:`ResponseCache` in a folder
per ``lastupdated`` (learnt by one uncached one-row request at the start of each pull), so
a re-run after an interruption fetches only the missing pages, and a new WDI release is
fetched anew instead of being hidden by the cache. Each indicator is written in its own
transaction as soon as its pages are complete; the same answers imported again change
nothing (the dataset checksum is the SHA-256 of the pages' canonical JSON).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

from vinculo.evidence.countries import AGGREGATES, to_iso3
from vinculo.evidence.http import HttpError, ResponseCache, get_json, new_client
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult

__all__ = [
    "BASE_URL",
    "INDICATORS",
    "PER_PAGE",
    "SOURCE",
    "IndicatorResult",
    "WdiError",
    "default_cache_folder",
    "pull_wdi",
]

logger = logging.getLogger(__name__)

BASE_URL = "https://api.worldbank.org/v2"
SOURCE = "wdi"
PER_PAGE = 1000

# WDI code -> English name (as the World Bank titles the series).
INDICATORS: dict[str, str] = {
    "GB.XPD.RSDV.GD.ZS": "Research and development expenditure (% of GDP)",
    "SP.POP.SCIE.RD.P6": "Researchers in R&D (per million people)",
    "IP.JRN.ARTC.SC": "Scientific and technical journal articles",
    "TX.VAL.TECH.CD": "High-technology exports (current US$)",
    "TX.VAL.TECH.MF.ZS": "High-technology exports (% of manufactured exports)",
    "NY.GDP.MKTP.CD": "GDP (current US$)",
    "NY.GDP.PCAP.PP.KD": "GDP per capita, PPP (constant international $)",
    "SP.POP.TOTL": "Population, total",
}

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.]*")


class WdiError(HttpError):
    """The API answered (HTTP 200) with an error message or an answer not shaped as
    documented; ``indicator`` is the WDI code, ``messages`` the API's own messages."""

    def __init__(
        self,
        message: str,
        *,
        indicator: str,
        url: str = "",
        messages: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(message, status=200, url=url)
        self.indicator = indicator
        self.messages = list(messages)


@dataclass(frozen=True)
class IndicatorResult:
    """What the pull did for one indicator: rows stored (countries and aggregates), rows
    skipped (null values; entities by label, e.g. ``"ARB Arab World"``) and the import
    (None when the answer held no value at all: nothing is written)."""

    code: str
    vintage: str
    pages: int
    countries: int
    aggregates: int
    nulls: int
    skipped: dict[str, int] = field(default_factory=dict)
    dataset: ImportResult | None = None


def default_cache_folder() -> Path:
    """``<VINCULO_HOME>/cache/wdi``."""
    from vinculo.settings import vinculo_home

    return vinculo_home() / "cache" / "wdi"


def _query(code: str, start: int, end: int, per_page: int) -> tuple[str, dict[str, Any]]:
    url = f"{BASE_URL}/country/all/indicator/{code}"
    return url, {"format": "json", "date": f"{start}:{end}", "per_page": per_page}


def _whole(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _checked(code: str, url: str, payload: Any) -> tuple[dict[str, Any], list[Any]]:
    """The page's metadata and observations, or :class:`WdiError` naming the indicator."""
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        messages = payload[0].get("message")
        if isinstance(messages, list):
            shown = "; ".join(
                f"{m.get('id', '?')} {m.get('key', '')}: {m.get('value', '')}".strip()
                for m in messages
                if isinstance(m, dict)
            )
            raise WdiError(
                f"WDI {code}: the World Bank API answered with an error: {shown or messages}",
                indicator=code,
                url=url,
                messages=[m for m in messages if isinstance(m, dict)],
            )
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not isinstance(payload[0], dict)
        or not (payload[1] is None or isinstance(payload[1], list))
        or _whole(payload[0].get("pages")) is None
        or not payload[0].get("lastupdated")
    ):
        raise WdiError(
            f"WDI {code}: {url}: not the documented [metadata, observations] answer: "
            f"{json.dumps(payload)[:200]}",
            indicator=code,
            url=url,
        )
    return payload[0], payload[1] or []


def _get(
    client: httpx.Client,
    code: str,
    url: str,
    params: dict[str, Any],
    cache: ResponseCache | None,
    options: dict[str, Any],
) -> tuple[dict[str, Any], list[Any], Any]:
    """One page, from ``cache`` when there; only well-formed data pages are cached (an
    error message may be transient), and a cached page that is not is fetched again."""
    payload = cache.get(url, params) if cache is not None else None
    if payload is not None:
        try:
            return (*_checked(code, url, payload), payload)
        except WdiError:
            logger.warning("WDI %s: %s: damaged cache entry, fetched again", code, url)
    try:
        payload = get_json(client, url, params, **options)
    except HttpError as error:
        raise type(error)(f"WDI {code}: {error}", status=error.status, url=error.url) from None
    meta, observations = _checked(code, url, payload)
    if cache is not None:
        cache.put(url, params, payload)
    return meta, observations, payload


def _fetch(
    client: httpx.Client,
    code: str,
    start: int,
    end: int,
    per_page: int,
    cache: ResponseCache | None,
    options: dict[str, Any],
) -> tuple[str, list[Any], list[Any]]:
    """Every page of one indicator: (lastupdated, observations, raw pages)."""
    url, base = _query(code, start, end, per_page)
    meta, observations, first = _get(client, code, url, base | {"page": 1}, cache, options)
    updated, pages = str(meta["lastupdated"]), _whole(meta["pages"]) or 0
    rows, raw = list(observations), [first]
    for number in range(2, pages + 1):
        meta, observations, payload = _get(
            client, code, url, base | {"page": number}, cache, options
        )
        if str(meta["lastupdated"]) != updated or _whole(meta["pages"]) != pages:
            raise WdiError(
                f"WDI {code}: page {number} is of another release (lastupdated "
                f"{meta['lastupdated']}, {meta['pages']} pages) than page 1 ({updated}, "
                f"{pages} pages): the World Bank updated WDI during the pull; run it again",
                indicator=code,
                url=url,
            )
        rows.extend(observations)
        raw.append(payload)
    total = _whole(meta.get("total"))
    if total is not None and total != len(rows):
        raise WdiError(
            f"WDI {code}: the answer announces {total} observations but its {len(raw)} "
            f"page(s) hold {len(rows)}",
            indicator=code,
            url=url,
        )
    return updated, rows, raw


def _release(client: httpx.Client, code: str, start: int, end: int, options: dict[str, Any]) -> str:
    """The ``lastupdated`` the API serves now: one uncached one-row request. Pages are
    cached in a folder per release, so a new release is never hidden by the cache."""
    url, params = _query(code, start, end, 1)
    meta, _, _ = _get(client, code, url, params | {"page": 1}, None, options)
    return str(meta["lastupdated"])


def _name(country: Any) -> str:
    return str(country.get("value", "")) if isinstance(country, dict) else ""


def _rows(code: str, observations: list[Any]) -> tuple[pd.DataFrame, Counter[str], int]:
    """Canonical ``country_indicators`` rows, skipped entities (label -> rows), nulls."""
    if not all(isinstance(o, dict) for o in observations):
        raise WdiError(f"WDI {code}: an observation is not a JSON object", indicator=code)
    frame = pd.DataFrame(
        {
            "code": [str(o.get("countryiso3code") or "") for o in observations],
            "name": [_name(o.get("country")) for o in observations],
            "date": [o.get("date") for o in observations],
            "value": [o.get("value") for o in observations],
        },
        dtype=object,
    )
    country = to_iso3(frame["code"])
    unknown = country.isna()
    skipped = Counter(
        f"{c or '-'} {n}".strip()
        for c, n in zip(frame["code"][unknown], frame["name"][unknown], strict=True)
    )
    frame, country = frame[~unknown], country[~unknown]
    null = frame["value"].isna()
    frame, country = frame[~null], country[~null]
    year = pd.to_numeric(frame["date"], errors="coerce")
    value = pd.to_numeric(frame["value"], errors="coerce")
    bad = (year.isna() | (year % 1 != 0)).to_numpy()
    if bad.any():
        raise WdiError(f"WDI {code}: not a year: {frame['date'][bad].iloc[0]!r}", indicator=code)
    if value.isna().any():
        shown = frame["value"][value.isna()].iloc[0]
        raise WdiError(f"WDI {code}: not a number: {shown!r}", indicator=code)
    rows = pd.DataFrame(
        {
            "year": year.astype("int64"),
            "country": country.astype(str),
            "indicator": code,
            "value": value.astype("float64"),
        }
    ).reset_index(drop=True)
    repeated = rows.duplicated(["year", "country"])
    if repeated.any():
        first = rows[repeated].iloc[0]
        raise WdiError(
            f"WDI {code}: {first['country']} {first['year']} appears twice", indicator=code
        )
    return rows, skipped, int(null.sum())


def pull_wdi(
    store: EvidenceStore,
    indicators: Sequence[str] = tuple(INDICATORS),
    *,
    start: int = 1990,
    end: int | None = None,
    cache_folder: str | Path | None = None,
    transport: httpx.BaseTransport | None = None,
    per_page: int = PER_PAGE,
    retries: int = 6,
    sleep: Callable[[float], None] = time.sleep,
) -> list[IndicatorResult]:
    """Fetch ``indicators`` for every country and aggregate, years ``start``–``end``
    (default: this year), and write each to ``country_indicators`` as it completes.

    ``cache_folder`` defaults to :func:`default_cache_folder`; ``transport`` replaces the
    network (tests). 429 and 5xx answers are retried (``retries``, waiting with ``sleep``).
    Raises :class:`WdiError` for an API error message or a malformed answer and
    :class:`~vinculo.evidence.http.HttpError` for a request that failed for good; the
    indicators completed before stay in the store and their pages in the cache.
    """
    end = datetime.now(UTC).year if end is None else end
    bad = [code for code in indicators if not _CODE.fullmatch(code)]
    if bad or not indicators or start > end or per_page < 1:
        raise EvidenceError(
            f"WDI: need indicator codes (got {list(indicators)}), start <= end "
            f"(got {start}:{end}) and per_page >= 1 (got {per_page})"
        )
    folder = Path(cache_folder) if cache_folder is not None else default_cache_folder()
    options: dict[str, Any] = {"retries": retries, "sleep": sleep}
    results = []
    with new_client(transport=transport) as client:
        release = _release(client, indicators[0], start, end, options)
        cache = ResponseCache(folder / re.sub(r"[^0-9A-Za-z.-]", "_", release))
        for code in indicators:
            updated, observations, raw = _fetch(client, code, start, end, per_page, cache, options)
            rows, skipped, nulls = _rows(code, observations)
            vintage = f"{SOURCE}-{updated}"
            aggregates = int(rows["country"].isin(list(AGGREGATES)).sum())
            if skipped or nulls:
                logger.info(
                    "WDI %s: skipped %d null value(s) and %d row(s) of entities that are "
                    "neither countries nor known aggregates: %s",
                    code,
                    nulls,
                    sum(skipped.values()),
                    sorted(skipped),
                )
            dataset = None
            if len(rows):
                canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"))
                dataset = store.import_rows(
                    "country_indicators",
                    rows,
                    source=SOURCE,
                    name=code,
                    vintage=vintage,
                    file_name=(
                        f"{BASE_URL}/country/all/indicator/{code}?format=json"
                        f"&date={start}:{end}&per_page={per_page}"
                    ),
                    file_sha256=hashlib.sha256(canonical.encode()).hexdigest(),
                )
            results.append(
                IndicatorResult(
                    code=code,
                    vintage=vintage,
                    pages=len(raw),
                    countries=len(rows) - aggregates,
                    aggregates=aggregates,
                    nulls=nulls,
                    skipped=dict(skipped),
                    dataset=dataset,
                )
            )
    return results
