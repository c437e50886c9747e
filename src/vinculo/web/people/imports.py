"""Import researchers from OpenAlex author JSON, ORCID record JSON, or a CSV/Excel
template — all or nothing, with errors naming the file, the row (or JSON item) and the
field, as the pipeline's imports (:mod:`vinculo.web.pipeline.imports`, whose reader and
report this reuses).

Template columns (header names, any order; ``name`` and one of ``institution`` or
``orcid`` required)::

    name, orcid, openalex_id, email, institution, ror, country (ISO2 or ISO3),
    start_year, end_year, current (1/0), kind (employment, education, scholarship,
    declared), topics (separated by ;)

``email`` only where there is a lawful basis for it (docs/privacy.md). Rows are one
person only through an identifier (``orcid``, ``openalex_id``); rows of one name without
one are separate records (never merged silently; suggested for review when they share an
institution).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from vinculo.strategy import people as lib
from vinculo.web.accounts.permissions import require_role
from vinculo.web.people.models import Researcher
from vinculo.web.people.selectors import MERGE_ROLES
from vinculo.web.people.services import ImportOutcome, iso3, save_records
from vinculo.web.pipeline.imports import (
    MAX_BYTES,
    MAX_ROWS,
    ImportFailedError,
    ImportReport,
    RowError,
    _cells,
)

__all__ = ["COLUMNS", "import_json", "import_table"]

COLUMNS = (
    "name", "orcid", "openalex_id", "email", "institution", "ror", "country",
    "start_year", "end_year", "current", "kind", "topics",
)  # fmt: skip
KINDS = ("employment", "education", "scholarship", "declared")


def import_json(*, actor: Any, handle: IO[bytes], name: str) -> tuple[ImportReport, ImportOutcome]:
    """An OpenAlex author, a list of them or an OpenAlex ``{"results": [...]}`` page; or an
    ORCID v3.0 record or a list of them. Item numbers in errors count from 1."""
    report = ImportReport(file_name=name)
    data = handle.read(MAX_BYTES + 1)
    try:
        if len(data) > MAX_BYTES:
            raise ValueError(f"the file is larger than {MAX_BYTES >> 20} MB")
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"not JSON ({error})") from None
    except ValueError as error:
        report.errors.append(RowError(0, "file", str(error)))
        raise ImportFailedError(report) from None
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        items = document["results"]
    elif isinstance(document, list):
        items = document
    else:
        items = [document]
    records: list[lib.Researcher] = []
    for number, item in enumerate(items, start=1):
        report.rows += 1
        if not isinstance(item, dict):
            report.errors.append(RowError(number, "", "not a JSON object"))
            continue
        try:
            if "orcid-identifier" in item:
                records.append(lib.parse_orcid_record(item, source=name))
            else:
                records.append(lib.parse_openalex_author(item, source=name))
        except lib.PeopleError as error:
            where, _, message = str(error).partition(": ")
            report.errors.append(RowError(number, where, message))
    if report.rows > MAX_ROWS:
        report.errors.append(RowError(MAX_ROWS + 1, "", f"more than {MAX_ROWS} items"))
    if not report.errors and not records:
        report.errors.append(RowError(1, "", "no researchers to import"))
    if report.errors:
        raise ImportFailedError(report)
    outcome = save_records(actor=actor, records=records, source=name)
    report.created = outcome.created
    return report, outcome


def _year(text: str, name: str, fail: Any) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not 1900 <= int(text) <= 2100:
        fail(name, f"{text!r} is not a year")
        return None
    return int(text)


def _row(
    number: int, row: dict[str, str], source: str, errors: list[RowError]
) -> tuple[lib.Researcher, str] | None:
    found: list[RowError] = []

    def fail(name: str, message: str) -> None:
        found.append(RowError(number, name, message))

    value = {k: (row.get(k) or "").strip() for k in COLUMNS}
    if not value["name"]:
        fail("name", "required")
    if not value["institution"] and not value["orcid"]:
        fail("institution", "required (or an orcid)")
    identifiers: dict[str, str | None] = {}
    for column, parse in (("orcid", lib.normalise_orcid), ("openalex_id", lib.normalise_openalex)):
        try:
            identifiers[column] = parse(value[column])
        except lib.PeopleError as error:
            fail(column, str(error).partition(": ")[2])
    if value["email"]:
        try:
            validate_email(value["email"])
        except ValidationError:
            fail("email", f"{value['email']!r} is not an e-mail address")
    country = ""
    if value["country"]:
        country = iso3(value["country"])
        if not country:
            fail("country", f"{value['country']!r} is not an ISO2 or ISO3 country code")
    start = _year(value["start_year"], "start_year", fail)
    end = _year(value["end_year"], "end_year", fail)
    if start and end and end < start:
        fail("end_year", f"{end} is before start_year {start}")
    kind = value["kind"] or "declared"
    if kind not in KINDS:
        fail("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    current = value["current"].lower()
    if current not in ("", "1", "0", "yes", "no", "true", "false"):
        fail("current", f"{value['current']!r}: use 1 or 0")
    errors.extend(found)
    if found:
        return None
    affiliations = ()
    if value["institution"]:
        affiliations = (
            lib.Affiliation(
                institution=value["institution"],
                country=country or None,
                start=start,
                end=end,
                kind=kind,  # type: ignore[arg-type]
                current=current in ("1", "yes", "true"),
                ror=value["ror"] or None,
                source=source,
            ),
        )
    record = lib.Researcher(
        name=value["name"],
        orcid=identifiers["orcid"],
        openalex_id=identifiers["openalex_id"],
        affiliations=affiliations,
        topics=tuple(t.strip() for t in value["topics"].split(";") if t.strip()),
        source=source,
    )
    return record, value["email"]


def import_table(*, actor: Any, handle: IO[bytes], name: str) -> tuple[ImportReport, ImportOutcome]:
    """A CSV or Excel template (see the module docstring): one row per person and
    affiliation; rows of one ORCID or OpenAlex id are one person."""
    report = ImportReport(file_name=name)
    records: list[lib.Researcher] = []
    emails: dict[int, str] = {}
    try:
        cells = _cells(handle, name)
        header_row = next(cells, None)
        if header_row is None:
            report.errors.append(RowError(1, "", "the file is empty"))
            raise ImportFailedError(report)
        header = [h.strip().lower() for h in header_row[1]]
        unknown = [h for h in header if h and h not in COLUMNS]
        if "name" not in header or unknown:
            problems = (["missing column(s): name"] if "name" not in header else []) + (
                [f"unknown column(s): {', '.join(unknown)}"] if unknown else []
            )
            report.errors.append(RowError(1, "header", "; ".join(problems)))
            raise ImportFailedError(report)
        for number, values in cells:
            if not any(v.strip() for v in values):
                continue
            report.rows += 1
            if report.rows > MAX_ROWS:
                report.errors.append(RowError(number, "", f"more than {MAX_ROWS} rows"))
                raise ImportFailedError(report)
            if len(values) > len(header):
                report.errors.append(
                    RowError(number, "", f"{len(values)} cells for {len(header)} columns")
                )
                continue
            row = dict(zip(header, [*values, *[""] * (len(header) - len(values))], strict=True))
            parsed = _row(number, row, name, report.errors)
            if parsed is not None:
                if parsed[1]:
                    emails[len(records)] = parsed[1]
                records.append(parsed[0])
    except ValueError as error:
        report.errors.append(RowError(0, "file", str(error)))
        raise ImportFailedError(report) from None
    if not report.errors and not records:
        report.errors.append(RowError(1, "", "no rows to import"))
    if report.errors:
        raise ImportFailedError(report)
    outcome = save_records(actor=actor, records=records, source=name, email=emails)
    report.created = outcome.created
    return report, outcome


def openalex_filters(
    *, country: str = "", institution: str = "", topic: str = "", extra: str = ""
) -> str:
    """An ``/authors`` filter (OpenAlex, "Authors Overview",
    https://developers.openalex.org/api-reference/authors): ``country`` (ISO2) — anyone
    with an affiliation there at some time (so Mexico's diaspora is in it), ``institution``
    (a ROR id), ``topic`` (an OpenAlex topic id, e.g. T10048); ``extra`` added as is."""
    parts = []
    if country:
        parts.append(f"affiliations.institution.country_code:{country.strip().upper()}")
    if institution:
        ror = institution.strip().rstrip("/").rsplit("/", 1)[-1]
        parts.append(f"affiliations.institution.ror:{ror}")
    if topic:
        parts.append(f"topics.id:{topic.strip()}")
    if extra:
        parts.append(extra.strip())
    if not parts:
        raise ValueError("give a country, an institution, a topic or a filter")
    return ",".join(parts)


def import_openalex(
    *, actor: Any, client: Any, filters: str, limit: int | None = None
) -> tuple[ImportReport, ImportOutcome]:
    """The authors of an OpenAlex ``/authors`` query, fetched through the credit-aware
    client (:meth:`vinculo.evidence.sources.openalex_api.OpenAlexClient.authors`: cached
    pages cost nothing, the day's budget is never overspent), imported as an OpenAlex
    JSON file is: all or nothing, errors naming the item and field, merged by ORCID then
    OpenAlex id. The source recorded on each profile is the query. Planners and
    administrators only (checked before any credit is spent)."""
    require_role(actor, MERGE_ROLES)
    authors = client.authors(filters, limit=limit)
    document = json.dumps({"results": authors}).encode()
    return import_json(
        actor=actor, handle=io.BytesIO(document), name=f"openalex:authors?filter={filters}"
    )


#: Researchers looked up in the evidence store per query.
TRAJECTORY_BATCH = 5000


def import_trajectories(*, actor: Any, store: Any) -> tuple[int, ImportOutcome]:
    """The affiliation histories of the OpenAlex works snapshot (the evidence store's
    ``author_affiliations``, newest build: vinculo.evidence.snapshot) added to the
    researchers already here with an OpenAlex id: one stay per institution and country,
    from the first to the last year the author's works name it, kind ``publication``,
    the build's vintage as source. They are history, never *current* (the current
    affiliations come from the profiles: OpenAlex's last known institutions, ORCID,
    files): the first years in Mexico are the diaspora rule's origin. The snapshot has
    no names: authors without a profile here are not created (import their profiles by
    id first). Institutions are named from the registry's ROR table where it has them.
    Returns (authors with a trajectory, the outcome); one transaction."""
    from vinculo.web.registry.models import Institution

    require_role(actor, MERGE_ROLES)
    datasets = store.datasets()
    if not (datasets["canonical_table"] == "author_affiliations").any():
        raise lib.PeopleError(
            "author_affiliations: not in the evidence store; build the OpenAlex snapshot "
            "first (vinculo data build openalex-snapshot)"
        )
    known = dict(Researcher.objects.exclude(openalex_id=None).values_list("openalex_id", "name"))
    ids = sorted(known)
    base, parameters = store.rows_sql("author_affiliations")
    frames = []
    for start in range(0, len(ids), TRAJECTORY_BATCH):
        chunk = ids[start : start + TRAJECTORY_BATCH]
        marks = ", ".join("?" for _ in chunk)
        frames.append(
            store.execute(
                f"WITH r AS ({base}) SELECT author, country, institution, ror_id, vintage, "
                "min(year) AS first, max(year) AS last FROM r "
                f"WHERE author IN ({marks}) "
                "GROUP BY author, country, institution, ror_id, vintage "
                "ORDER BY author, first, institution",
                [*parameters, *chunk],
            )
        )
    rows = [r for f in frames for r in f.itertuples(index=False)]

    def short(value: Any) -> str:
        return value.rstrip("/").rsplit("/", 1)[-1] if isinstance(value, str) else ""

    rors = {short(r.ror_id) for r in rows} - {""}
    names = {
        short(ror): name
        for ror, name in Institution.objects.filter(
            ror_id__in=[*rors, *(f"https://ror.org/{x}" for x in rors)]
        ).values_list("ror_id", "name")
    } if rors else {}  # fmt: skip
    by_author: dict[str, list[lib.Affiliation]] = {}
    vintage = ""
    for r in rows:
        ror = short(r.ror_id)
        institution = r.institution if isinstance(r.institution, str) else ""
        label = names.get(ror) or (f"OpenAlex {institution}" if institution else "")
        vintage = str(r.vintage)
        by_author.setdefault(str(r.author), []).append(
            lib.Affiliation(
                institution=label or "(institution not named)",
                country=r.country if isinstance(r.country, str) else None,
                start=int(r.first), end=int(r.last), kind="publication", current=False,
                ror=f"https://ror.org/{ror}" if ror else None,
                source=f"openalex-snapshot {r.vintage}",
            )
        )  # fmt: skip
    records = [
        lib.Researcher(name=known[author], openalex_id=author, affiliations=tuple(stays))
        for author, stays in by_author.items()
    ]
    if not records:
        return 0, ImportOutcome()
    outcome = save_records(actor=actor, records=records, source=f"openalex-snapshot {vintage}")
    return len(records), outcome


def orcid_ids(values: Iterable[str], *, name: str = "orcid") -> list[str]:
    """The ORCID iDs of ``values`` (bare or as URLs), checksums verified, in order, each
    once; blank items and ``#`` comments are skipped but counted, so a file's line numbers
    name the bad lines. Every bad iD is an error (:class:`ImportFailedError`, ``name`` as
    the file, field ``orcid``) before anything is sent; none at all is one too."""
    report = ImportReport(file_name=name)
    found: list[str] = []
    for number, value in enumerate(values, start=1):
        text = str(value).strip()
        if not text or text.startswith("#"):
            continue
        report.rows += 1
        try:
            iD = lib.normalise_orcid(text)
        except lib.PeopleError as error:
            report.errors.append(RowError(number, "orcid", str(error).partition(": ")[2]))
            continue
        if iD is not None and iD not in found:
            found.append(iD)
    if len(found) > MAX_ROWS:
        report.errors.append(RowError(0, "", f"more than {MAX_ROWS} ORCID iDs"))
    if not report.errors and not found:
        report.errors.append(RowError(1, "orcid", "no ORCID iDs given"))
    if report.errors:
        raise ImportFailedError(report)
    return found


def _orcid_essentials(record: dict[str, Any]) -> dict[str, Any]:
    """What :func:`vinculo.strategy.people.parse_orcid_record` reads of a v3.0 record, in
    the same shape: the iD, the name, employments and educations. The rest (works, public
    e-mails, biography, …: not read, not kept, docs/privacy.md) is left out, so a file of
    prolific researchers stays within the import's size limit."""
    person = record.get("person")
    activities = record.get("activities-summary")
    kept: dict[str, Any] = {"orcid-identifier": record.get("orcid-identifier")}
    if isinstance(person, dict):
        kept["person"] = {"name": person.get("name")}
    if isinstance(activities, dict):
        kept["activities-summary"] = {
            k: activities[k] for k in ("employments", "educations") if k in activities
        }
    return kept


def import_orcid(
    *, actor: Any, client: Any, orcids: Iterable[str], name: str = "orcid"
) -> tuple[ImportReport, ImportOutcome]:
    """The public records of ORCID iDs, fetched live through
    :class:`vinculo.evidence.sources.orcid_api.OrcidClient` (one ``/read-public`` token,
    then ``pub.orcid.org/v3.0/{iD}/record`` for each), imported as an ORCID JSON file is
    (:func:`import_json` with the list of records): all or nothing, errors naming the item
    (the iD's position) and field, merged by ORCID then OpenAlex id. Planners and
    administrators only, checked first; then every iD's checksum (:func:`orcid_ids`,
    ``name`` as the file in its errors); both before any request. All records are fetched
    before anything is written: an iD without a record (HTTP 404) raises the client's
    error naming it, and nothing is written. The source recorded on each profile is
    ``orcid:`` and the iDs (their number and a digest when they are many)."""
    require_role(actor, MERGE_ROLES)
    ids = orcid_ids(orcids, name=name)
    records = [_orcid_essentials(r) for r in client.records(ids)]
    listed = ",".join(ids)
    if len(listed) > 60:
        listed = f"{len(ids)} iDs ({hashlib.sha256(listed.encode()).hexdigest()[:8]})"
    document = json.dumps(records).encode()
    return import_json(actor=actor, handle=io.BytesIO(document), name=f"orcid:{listed}")
