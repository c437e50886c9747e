"""World Bank World Development Indicators (WDI), from the Indicators API v2 or its bulk CSV.

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

Bulk CSV (:func:`import_bulk_csv`)
----------------------------------
The same series as the World Bank serves them for download:
``API_<CODE>_DS2_en_csv_v2_<n>.csv``, read as the staged copies in
``wdi_rd_researchers_2026`` are laid out (the layout is read from those files, not from a
World Bank specification): a byte-order mark, ``"Data Source","World Development
Indicators",``, a blank line, ``"Last Updated Date","YYYY-MM-DD",``, a blank line, then the
header ``"Country Name","Country Code","Indicator Name","Indicator Code","1960",...`` and
one row per economy with one column per year (every line ends with a comma: an empty,
unnamed last column). The metadata lines are found by their text, not counted, and errors
name the file's own line numbers. Stored exactly as the API's answers are: dataset name
and ``indicator`` = the WDI code (one code per file), source ``wdi``, vintage
``wdi-<Last Updated Date>`` (``wdi-2026-07-13`` for the staged files), so an API pull of
a newer release is a newer vintage of the same dataset. ``Country Code`` is read as the
API's ``countryiso3code``: countries and the aggregates the store knows are stored, other
World Bank codes (``CHI`` Channel Islands and ``INX`` "Not classified" in the staged files)
and empty cells are skipped and counted in the INFO log. A code that is not three letters
or digits, a non-numeric value, a missing column, a second indicator code or an economy
listed twice is an error naming the file, the line and the column.

Download address of the bulk file (:data:`BULK_URL`, a zip holding the data CSV and two
``Metadata_*.csv``): the World Bank documents ``downloadformat=csv`` ("CSV Download
(Downloads to ZIP file)", example ``/v2/country/ind/indicator/SI.POV.DDAY?source=2
&downloadformat=csv``) in "API Basic Call Structures",
https://datahelpdesk.worldbank.org/knowledgebase/articles/898581 (read 2026); the
all-economies form ``/v2/en/indicator/<CODE>?downloadformat=csv`` used here is not on that
page but is the address many public scripts download (seen in public code, 2026). Not
fetched by a pull (the network path uses the API); read from a mirror only.
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
from vinculo.evidence.sources._checks import numbers, row_error, store_rows
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult, file_sha256
from vinculo.evidence.tables import TableSource

__all__ = [
    "BASE_URL",
    "BULK_URL",
    "INDICATORS",
    "PER_PAGE",
    "SOURCE",
    "STAGED",
    "IndicatorResult",
    "WdiError",
    "default_cache_folder",
    "import_bulk_csv",
    "pull_wdi",
]

logger = logging.getLogger(__name__)

BASE_URL = "https://api.worldbank.org/v2"
SOURCE = "wdi"
PER_PAGE = 1000
# The bulk download of one indicator, all economies (a zip): see the module docstring.
BULK_URL = "https://api.worldbank.org/v2/en/indicator/{code}?downloadformat=csv"

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


# ---------------------------------------------------------------- bulk CSV download
_BULK_COLUMNS = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
_UPDATED = re.compile(r'^"?Last Updated Date"?\s*,\s*"?(\d{4}-\d{2}-\d{2})"?\s*,?\s*$')
_WB_CODE = re.compile(r"[A-Z0-9]{3}")


def _bulk_header(path: Path) -> tuple[str, int]:
    """The ``Last Updated Date`` and the 1-based line of the column header."""
    updated = None
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                found = _UPDATED.match(line.strip())
                if found:
                    updated = found.group(1)
                elif line.startswith('"Country Name"') or line.startswith("Country Name"):
                    if updated is None:
                        raise EvidenceError(
                            f"{path}: line {number}: the header comes before any "
                            '"Last Updated Date" line: not a World Bank bulk CSV'
                        )
                    return updated, number
                if number >= 20:
                    break
    except UnicodeDecodeError as error:
        raise EvidenceError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise EvidenceError(f"{path}: cannot be read: {error}") from None
    raise EvidenceError(
        f'{path}: no \'"Country Name","Country Code",...\' header (with a "Last Updated '
        'Date" line before it) in the first 20 lines: not a World Bank bulk CSV'
    )


def import_bulk_csv(store: EvidenceStore, path: str | Path) -> ImportResult:
    """Import one World Bank bulk CSV (``API_<CODE>_DS2_en_csv_v2_<n>.csv``) into
    ``country_indicators``, as :func:`pull_wdi` stores the same series (module docstring).

    The whole file is checked before anything is written: a missing column, a malformed
    country code, a non-numeric value, two indicator codes or an economy listed twice
    raises :class:`EvidenceError` naming the file, the line and the column, and the store
    is left unchanged. Importing the same file again changes nothing.
    """
    file = Path(path)
    if not file.is_file():
        raise EvidenceError(f"{file}: no such file")
    updated, header = _bulk_header(file)
    try:
        frame = pd.read_csv(
            file,
            skiprows=header - 1,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8-sig",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise EvidenceError(f"{file}: cannot be read as a World Bank bulk CSV: {error}") from None
    # row r of the frame is on line header + 1 + r; TableSource labels CSV rows as r + 2
    frame.index = pd.RangeIndex(header - 1, header - 1 + len(frame))
    stat = file.stat()
    source = TableSource(
        path=str(file),
        sha256=file_sha256(file),
        size_bytes=stat.st_size,
        modified=datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds"),
        rows=len(frame),
        file_format="csv",
    )
    absent = [c for c in _BULK_COLUMNS if c not in frame.columns]
    years = [c for c in frame.columns if re.fullmatch(r"\d{4}", str(c))]
    if absent or not years:
        raise EvidenceError(
            f"{file}: line {header}: column(s) {absent or ['<year>']} not found; the header "
            f"has {list(frame.columns)[:8]}..."
        )
    for column in frame.columns:
        if column not in _BULK_COLUMNS and column not in years:
            filled = frame.index[frame[column].notna().to_numpy()]
            if not str(column).startswith("Unnamed:") or len(filled):
                at = filled if len(filled) else frame.index[:1]
                problem = "unexpected column (expected the four names and one column per year)"
                raise row_error(source, at, str(column), problem)
    if frame.empty:
        raise EvidenceError(f"{file}: no rows")
    codes = frame["Indicator Code"]
    missing = frame.index[codes.isna().to_numpy()]
    if len(missing):
        raise row_error(source, missing, "Indicator Code", "empty")
    code = str(codes.iloc[0]).strip()
    other = frame.index[(codes.str.strip() != code).to_numpy()]
    if len(other) or not _CODE.fullmatch(code):
        wrong = other if len(other) else frame.index[:1]
        raise row_error(
            source, wrong, "Indicator Code", f"one WDI code per file expected (first: {code!r})"
        )
    economy = frame["Country Code"].str.strip()
    well_formed = economy.fillna("").str.fullmatch(_WB_CODE.pattern)
    malformed = frame.index[(economy.notna() & ~well_formed).to_numpy()]
    if len(malformed):
        shown = sorted({str(economy.loc[r]) for r in malformed[:5]})
        raise row_error(source, malformed, "Country Code", f"not a World Bank country code {shown}")
    repeated = frame.index[(economy.notna() & economy.duplicated(keep=False)).to_numpy()]
    if len(repeated):
        raise row_error(source, repeated, "Country Code", "the same economy appears twice")
    values = {year: numbers(frame[year], source, year, negative=True) for year in years}
    country = to_iso3(economy)
    unknown = country.isna().to_numpy()
    skipped = Counter(
        f"{c if isinstance(c, str) else '-'} {n}".strip()
        for c, n in zip(economy[unknown], frame["Country Name"][unknown], strict=True)
    )
    wide = pd.DataFrame(values, index=frame.index).loc[~unknown]
    wide.insert(0, "country", country[~unknown].astype(str))
    long = wide.melt(id_vars="country", var_name="year", value_name="value")
    nulls = int(long["value"].isna().sum())
    long = long.dropna(subset=["value"])
    rows = pd.DataFrame(
        {
            "year": long["year"].astype("int64"),
            "country": long["country"],
            "indicator": code,
            "value": long["value"].astype("float64"),
        }
    ).sort_values(["country", "year"])
    dropped = int(pd.DataFrame(values, index=frame.index).loc[unknown].notna().sum().sum())
    if skipped:
        logger.info(
            "%s: skipped %d row(s) of entities that are neither countries nor known "
            "aggregates (%d value(s)): %s; %d empty cell(s)",
            file,
            sum(skipped.values()),
            dropped,
            sorted(skipped),
            nulls,
        )
    if rows.empty:
        raise EvidenceError(f"{file}: no value for any country or known aggregate")
    return store_rows(
        store,
        "country_indicators",
        rows,
        source,
        source=SOURCE,
        vintage=f"{SOURCE}-{updated}",
        name=code,
    )


_FOLDER = "wdi_rd_researchers_2026"
STAGED = [
    (f"{_FOLDER}/API_GB.XPD.RSDV.GD.ZS_DS2_en_csv_v2_232.csv", import_bulk_csv),
    (f"{_FOLDER}/API_SP.POP.SCIE.RD.P6_DS2_en_csv_v2_37695.csv", import_bulk_csv),
]
