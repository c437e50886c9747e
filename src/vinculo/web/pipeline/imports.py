"""Bulk import of opportunities from CSV (UTF-8) or Excel (.xlsx): every row is checked
first, and the file is imported whole — in one transaction — or not at all, with a report
naming each failing row and field.

Columns (header names, any order; only the first four are required)::

    title, description, kind, post          post: its number in Vínculo
    host_country                             ISO3 (default: the post's country)
    institutions                             ROR ids or Vínculo numbers, separated by ;
    priorities                               priority ids separated by ; (confirmed)
    amount_offered, amount_requested, currency, deadline (YYYY-MM-DD),
    contact_name, contact_email, contact_phone, language
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from vinculo.web.accounts.permissions import require_role
from vinculo.web.audit.services import audit_record
from vinculo.web.pipeline.models import ImportBatch, Opportunity
from vinculo.web.pipeline.selectors import SUBMIT_ROLES
from vinculo.web.pipeline.services import opportunity_submit
from vinculo.web.registry.models import Country, Institution
from vinculo.web.registry.selectors import posts_visible_to, priority_ids

__all__ = ["COLUMNS", "MAX_ROWS", "ImportFailedError", "ImportReport", "RowError", "import_file"]

REQUIRED = ("title", "description", "kind", "post")
COLUMNS = (
    *REQUIRED,
    "host_country",
    "institutions",
    "priorities",
    "amount_offered",
    "amount_requested",
    "currency",
    "deadline",
    "contact_name",
    "contact_email",
    "contact_phone",
    "language",
)
MAX_ROWS = 10_000
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    row: int  # the line (CSV) or row (Excel) number, header = 1
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}"


@dataclass
class ImportReport:
    file_name: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    duplicates: list[tuple[int, int, float]] = field(default_factory=list)  # row, other, score

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFailedError(Exception):
    """Nothing was imported; ``report.errors`` says why, row by row."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        first = report.errors[0] if report.errors else "no rows"
        super().__init__(f"{report.file_name}: {len(report.errors)} error(s); first: {first}")


def _cells(handle: IO[bytes], name: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) of the file, header first."""
    data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError(f"the file is larger than {MAX_BYTES >> 20} MB")
    if name.lower().endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise ValueError(f"not a readable Excel (.xlsx) file ({error})") from None
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_excel_text(value) for value in values]
        return
    if not name.lower().endswith(".csv"):
        raise ValueError("give a .csv or .xlsx file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValueError(f"line {line}: not UTF-8 text") from None
    if "\x00" in text:
        raise ValueError("not a text file (it holds NUL characters)")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for values in reader:
            yield reader.line_num, values
    except csv.Error as error:
        raise ValueError(f"line {reader.line_num}: {error}") from None


def _excel_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_row(
    actor: Any, number: int, row: dict[str, str], errors: list[RowError]
) -> dict[str, Any] | None:
    """The row as the service's arguments, or None with its errors appended."""
    found: list[RowError] = []

    def fail(name: str, message: str) -> None:
        found.append(RowError(number, name, message))

    values: dict[str, Any] = {}
    for name in REQUIRED:
        if not row.get(name, "").strip():
            fail(name, "required")
    values["title"] = row.get("title", "").strip()
    values["description"] = row.get("description", "").strip()
    kind = row.get("kind", "").strip()
    if kind and kind not in Opportunity.Kind.values:
        fail("kind", f"{kind!r} is not one of {', '.join(Opportunity.Kind.values)}")
    values["kind"] = kind
    post_text = row.get("post", "").strip()
    if post_text:
        post = None
        if post_text.isdigit() and len(post_text) < 19:
            post = posts_visible_to(actor).filter(pk=int(post_text)).first()
        if post is None:
            fail("post", f"{post_text!r} is not one of your posts")
        values["post"] = post
    country = row.get("host_country", "").strip().upper()
    if country:
        values["host_country"] = Country.objects.filter(pk=country).first()
        if values["host_country"] is None:
            fail("host_country", f"{country!r} is not an ISO3 country code")
    institutions = []
    for token in filter(None, (t.strip() for t in row.get("institutions", "").split(";"))):
        short = token.rstrip("/").rsplit("/", 1)[-1]
        institution = Institution.objects.filter(
            ror_id__in=[token, f"https://ror.org/{short}"]
        ).first()
        if institution is None and token.isdigit() and len(token) < 19:
            institution = Institution.objects.filter(pk=int(token)).first()
        if institution is None:
            fail("institutions", f"unknown institution {token!r}")
        else:
            institutions.append(institution)
    values["institutions"] = institutions
    if row.get("priorities", "").strip():
        chosen = [p.strip() for p in row["priorities"].split(";") if p.strip()]
        unknown = [p for p in chosen if p not in priority_ids()]
        if unknown:
            fail("priorities", f"unknown priority {unknown[0]!r}")
        values["priorities"] = chosen
    for name in ("amount_offered", "amount_requested"):
        text = row.get(name, "").strip().replace(",", "")
        if text:
            try:
                amount = Decimal(text)
            except InvalidOperation:
                fail(name, f"{row[name]!r} is not a number")
                continue
            if not amount.is_finite() or amount < 0 or amount >= Decimal(10) ** 14:
                fail(name, f"{row[name]!r} is not an amount")
                continue
            values[name] = amount.quantize(Decimal("0.01"))
    deadline = row.get("deadline", "").strip()
    if deadline:
        try:
            values["deadline"] = date.fromisoformat(deadline)
        except ValueError:
            fail("deadline", f"{deadline!r} is not a date (YYYY-MM-DD)")
    email = row.get("contact_email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            fail("contact_email", f"{email!r} is not an e-mail address")
    for name in ("currency", "contact_name", "contact_email", "contact_phone", "language"):
        values[name] = row.get(name, "").strip()
    errors.extend(found)
    return None if found else values


def import_file(
    *,
    actor: Any,
    handle: IO[bytes],
    name: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import the opportunities of a CSV or Excel file, all or none.

    Raises :class:`ImportFailedError` (nothing written) with the report of every failing row
    and field; PermissionDenied for roles that cannot log opportunities. ``progress`` is
    called with (rows written, rows) as the rows are written, inside the transaction.
    """
    require_role(actor, SUBMIT_ROLES)
    report = ImportReport(file_name=name)
    digest = hashlib.sha256()
    parsed: list[tuple[int, dict[str, Any]]] = []
    try:
        cells = _cells(handle, name)
        header_row = next(cells, None)
        if header_row is None:
            report.errors.append(RowError(1, "", "the file is empty"))
            raise ImportFailedError(report)
        header = [h.strip().lower() for h in header_row[1]]
        missing = [c for c in REQUIRED if c not in header]
        unknown = [h for h in header if h and h not in COLUMNS]
        if missing or unknown:
            message = "; ".join(
                part
                for part in (
                    f"missing column(s): {', '.join(missing)}" if missing else "",
                    f"unknown column(s): {', '.join(unknown)}" if unknown else "",
                )
                if part
            )
            report.errors.append(RowError(1, "header", message))
            raise ImportFailedError(report)
        for number, values in cells:
            if not any(v.strip() for v in values):
                continue  # blank lines
            digest.update(repr(values).encode())
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
            result = _parse_row(actor, number, row, report.errors)
            if result is not None:
                parsed.append((number, result))
    except ValueError as error:
        report.errors.append(RowError(0, "file", str(error)))
        raise ImportFailedError(report) from None
    if report.errors:
        raise ImportFailedError(report)
    if not parsed:
        report.errors.append(RowError(1, "", "no rows to import"))
        raise ImportFailedError(report)
    try:
        with transaction.atomic():
            batch_ids = []
            for done, (number, values) in enumerate(parsed, start=1):
                if progress is not None:
                    progress(done - 1, len(parsed))
                try:
                    opportunity = opportunity_submit(actor=actor, **values)
                except ValidationError as error:
                    for name, messages in error.message_dict.items():
                        for message in messages:
                            report.errors.append(RowError(number, name, str(message)))
                    continue
                except PermissionDenied:
                    report.errors.append(RowError(number, "post", "not one of your posts"))
                    continue
                batch_ids.append(opportunity.pk)
                report.duplicates.extend(
                    (number, flag.other_id, flag.similarity)
                    for flag in opportunity.duplicate_flags.all()
                )
            if report.errors:
                raise ImportFailedError(report)
            batch = ImportBatch.objects.create(
                file_name=name[:255], sha256=digest.hexdigest(), rows=len(batch_ids),
                imported_by=actor,
            )  # fmt: skip
            batch.opportunities.set(batch_ids)
            audit_record(
                actor=actor,
                action="opportunity.import",
                obj=batch,
                changes={"file": (None, name), "rows": (None, len(batch_ids))},
            )
    except ImportFailedError:
        report.created = []
        raise
    report.created = batch_ids
    return report
