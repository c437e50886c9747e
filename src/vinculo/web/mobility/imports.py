"""Bulk import of mobility records from CSV (UTF-8) or Excel (.xlsx), all or nothing, with
the pipeline importer's file reading and report (``pipeline.imports``): every row checked
first, errors naming the file, row and field, one transaction.

Columns (header names, any order; the first three are required)::

    direction            in | out
    partner_country      ISO3
    starts_on            YYYY-MM-DD
    ends_on              YYYY-MM-DD
    person_name, person_reference     optional (seen by planners and administrators)
    from_institution, to_institution  ROR ids or Vínculo numbers
    programme, post      Vínculo numbers (one you see)
    field                free text
    priority             a priority id
    funding              home | partner | joint | other
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from vinculo.web.accounts.permissions import WRITE_ROLES, require_role
from vinculo.web.mobility.models import MobilityRecord
from vinculo.web.mobility.selectors import programmes_visible_to
from vinculo.web.mobility.services import record_create
from vinculo.web.pipeline.imports import (
    MAX_ROWS,
    ImportFailedError,
    ImportReport,
    RowError,
    _cells,
)
from vinculo.web.registry.models import Country, Institution
from vinculo.web.registry.selectors import posts_visible_to, priority_ids

__all__ = ["COLUMNS", "REQUIRED", "import_records", "parse_row"]

REQUIRED = ("direction", "partner_country", "starts_on")
COLUMNS = (
    *REQUIRED,
    "ends_on",
    "person_name",
    "person_reference",
    "from_institution",
    "to_institution",
    "programme",
    "post",
    "field",
    "priority",
    "funding",
)


def _institution(token: str) -> Institution | None:
    short = token.rstrip("/").rsplit("/", 1)[-1]
    found = Institution.objects.filter(ror_id__in=[token, f"https://ror.org/{short}"]).first()
    if found is None and token.isdigit() and len(token) < 19:
        found = Institution.objects.filter(pk=int(token)).first()
    return found


def parse_row(
    actor: Any, number: int, row: dict[str, str]
) -> tuple[dict[str, Any], list[RowError]]:
    """One row's values for :func:`~vinculo.web.mobility.services.record_create` and its
    errors (row ``number``, field, message): the import's checks, and the form's."""
    return _parse(actor, number, row)


def _parse(actor: Any, number: int, row: dict[str, str]) -> tuple[dict[str, Any], list[RowError]]:
    errors: list[RowError] = []

    def fail(name: str, message: str) -> None:
        errors.append(RowError(number, name, message))

    values: dict[str, Any] = {}
    for name in REQUIRED:
        if not row.get(name, "").strip():
            fail(name, "required")
    direction = row.get("direction", "").strip().lower()
    if direction and direction not in MobilityRecord.Direction.values:
        fail("direction", f"{direction!r} is not one of in, out")
    values["direction"] = direction
    country = row.get("partner_country", "").strip().upper()
    if country:
        values["partner_country"] = Country.objects.filter(pk=country).first()
        if values["partner_country"] is None:
            fail("partner_country", f"{country!r} is not an ISO3 country code")
    for name in ("starts_on", "ends_on"):
        text = row.get(name, "").strip()
        if text:
            try:
                values[name] = date.fromisoformat(text)
            except ValueError:
                fail(name, f"{text!r} is not a date (YYYY-MM-DD)")
    if (
        values.get("ends_on")
        and values.get("starts_on")
        and values["ends_on"] < values["starts_on"]
    ):
        fail("ends_on", "before starts_on")
    for name in ("from_institution", "to_institution"):
        token = row.get(name, "").strip()
        if token:
            values[name] = _institution(token)
            if values[name] is None:
                fail(name, f"unknown institution {token!r}")
    text = row.get("programme", "").strip()
    if text:
        found = None
        if text.isdigit() and len(text) < 19:
            found = programmes_visible_to(actor).filter(pk=int(text)).first()
        if found is None:
            fail("programme", f"{text!r} is not a programme you see")
        values["programme"] = found
    text = row.get("post", "").strip()
    if text:
        post = None
        if text.isdigit() and len(text) < 19:
            post = posts_visible_to(actor).filter(pk=int(text)).first()
        if post is None:
            fail("post", f"{text!r} is not one of your posts")
        values["post"] = post
    priority = row.get("priority", "").strip()
    if priority and priority not in priority_ids():
        fail("priority", f"unknown priority {priority!r}")
    values["priority"] = priority
    funding = row.get("funding", "").strip().lower() or MobilityRecord.Funding.OTHER
    if funding not in MobilityRecord.Funding.values:
        fail("funding", f"{funding!r} is not one of {', '.join(MobilityRecord.Funding.values)}")
    values["funding"] = funding
    for name, limit in (("person_name", 200), ("person_reference", 100), ("field", 200)):
        values[name] = row.get(name, "").strip()
        if len(values[name]) > limit:
            fail(name, f"longer than {limit} characters")
    return values, errors


def import_records(*, actor: Any, handle: IO[bytes], name: str) -> ImportReport:
    """Import the records of a CSV or Excel file, all or none: raises
    :class:`ImportFailedError` (nothing written) with every failing row and field."""
    require_role(actor, WRITE_ROLES)
    report = ImportReport(file_name=name)
    digest = hashlib.sha256()
    parsed: list[tuple[int, dict[str, Any]]] = []
    try:
        cells = _cells(handle, name)
        first = next(cells, None)
        if first is None:
            report.errors.append(RowError(1, "", "the file is empty"))
            raise ImportFailedError(report)
        header = [h.strip().lower() for h in first[1]]
        missing = [c for c in REQUIRED if c not in header]
        unknown = [h for h in header if h and h not in COLUMNS]
        if missing or unknown:
            parts = [f"missing column(s): {', '.join(missing)}"] if missing else []
            parts += [f"unknown column(s): {', '.join(unknown)}"] if unknown else []
            report.errors.append(RowError(1, "header", "; ".join(parts)))
            raise ImportFailedError(report)
        for number, cells_of_row in cells:
            if not any(v.strip() for v in cells_of_row):
                continue
            digest.update(repr(cells_of_row).encode())
            report.rows += 1
            if report.rows > MAX_ROWS:
                report.errors.append(RowError(number, "", f"more than {MAX_ROWS} rows"))
                raise ImportFailedError(report)
            if len(cells_of_row) > len(header):
                report.errors.append(
                    RowError(number, "", f"{len(cells_of_row)} cells for {len(header)} columns")
                )
                continue
            padded = [*cells_of_row, *[""] * (len(header) - len(cells_of_row))]
            values, errors = _parse(actor, number, dict(zip(header, padded, strict=True)))
            report.errors.extend(errors)
            if not errors:
                parsed.append((number, values))
    except ValueError as error:
        report.errors.append(RowError(0, "file", str(error)))
        raise ImportFailedError(report) from None
    if report.errors:
        raise ImportFailedError(report)
    if not parsed:
        report.errors.append(RowError(1, "", "no rows to import"))
        raise ImportFailedError(report)
    created: list[int] = []
    with transaction.atomic():
        for number, values in parsed:
            try:
                created.append(record_create(actor=actor, **values).pk)
            except ValidationError as error:
                for field_name, messages in error.message_dict.items():
                    report.errors.extend(RowError(number, field_name, str(m)) for m in messages)
            except PermissionDenied:
                report.errors.append(RowError(number, "post", "not one of your posts"))
        if report.errors:  # each record was audited; none is kept
            transaction.set_rollback(True)
    if report.errors:
        raise ImportFailedError(report)
    report.created = created
    return report
