"""Exports of the opportunities a user may see, redacted as in the pages, in two variants:

- the report (the default; CSV and Excel): headers in the user's language, labels instead
  of codes, local times with their zone in the header, real date cells in Excel and a sheet
  of notes (filters, export time);
- the data (``?variant=data``; CSV, Excel and Parquet): the columns of
  :data:`~.presenters.EXPORT_COLUMNS`, codes, ISO 8601 UTC timestamps (stable for
  programs)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext_lazy

from vinculo.web.pipeline.presenters import EXPORT_COLUMNS, opportunity_row
from vinculo.web.pipeline.selectors import confidential_check

__all__ = ["FORMATS", "REPORT_FORMATS", "export_bytes", "report_bytes", "report_rows", "zone_label"]

#: format -> (content type, file extension)
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
}
#: the formats with a report variant (Parquet is for programs: data only)
REPORT_FORMATS = ("csv", "xlsx")


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(v["id"] if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _text(value: Any) -> str:
    value = _safe_excel(_cell(value))
    return "" if value is None else str(value)


def export_bytes(rows: Iterable[dict[str, Any]], file_format: str) -> bytes:
    """The rows as a file in ``file_format`` (``csv``, ``xlsx`` or ``parquet``)."""
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([_text(row[name]) for name in EXPORT_COLUMNS])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8
    if file_format == "xlsx":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("opportunities")
        sheet.append(list(EXPORT_COLUMNS))
        for row in rows:
            sheet.append([_safe_excel(_cell(row[name])) for name in EXPORT_COLUMNS])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    if file_format == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns: dict[str, list[Any]] = {name: [] for name in EXPORT_COLUMNS}
        for row in rows:
            for name in EXPORT_COLUMNS:
                value = row[name]
                if name == "suggested_priorities":
                    value = json.dumps(value)
                elif isinstance(value, list):
                    value = [str(v) for v in value]
                elif isinstance(value, Decimal):
                    value = float(value)
                columns[name].append(value)
        table = pa.table(columns)
        out = io.BytesIO()
        pq.write_table(table, out)
        return out.getvalue()
    raise ValueError(f"unknown export format {file_format!r}")


_NUMBERLIKE = re.compile(r"[+-][0-9 ().\-/]*")


def _safe_excel(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written with a leading quote
    (OWASP's CSV-injection advice); a phone number such as ``+49 30 1234`` is left as is.

    >>> _safe_excel("=HYPERLINK(1)"), _safe_excel("+49 30 1234"), _safe_excel("-2+3+cmd|x")
    ("'=HYPERLINK(1)", '+49 30 1234', "'-2+3+cmd|x")
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in ("=", "@", "\t", "\r") or (
        value[0] in "+-" and not _NUMBERLIKE.fullmatch(value)
    ):
        return "'" + value
    return value


# ------------------------------------------------------------------ report variant
#: (key, label) of the report's columns; the label is translated when the file is made.
_REPORT_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("id", gettext_lazy("Number")),
    ("title", gettext_lazy("Title")),
    ("kind", gettext_lazy("Type")),
    ("status", gettext_lazy("Status")),
    ("post_name", gettext_lazy("Post")),
    ("host_country", gettext_lazy("Host country")),
    ("deadline", gettext_lazy("Deadline")),
    ("priorities", gettext_lazy("Priorities")),
    ("priorities_confirmed", pgettext_lazy("export column", "Priorities confirmed")),
    ("suggested_priorities", gettext_lazy("Suggested priorities")),
    ("fit", gettext_lazy("Fit")),
    ("fit_vintage", gettext_lazy("Evidence vintage of the fit")),
    ("rubric_total", gettext_lazy("Rubric total")),
    ("rubric_outcome", gettext_lazy("Rubric outcome")),
    ("owner", gettext_lazy("Owner")),
    ("agreement", gettext_lazy("Agreement")),
    ("amount_offered", gettext_lazy("Amount offered")),
    ("amount_requested", gettext_lazy("Amount requested")),
    ("currency", gettext_lazy("Currency")),
    ("contact_name", gettext_lazy("Contact name")),
    ("contact_email", gettext_lazy("Contact e-mail")),
    ("contact_phone", gettext_lazy("Contact phone")),
    ("redacted", gettext_lazy("Confidential data hidden")),
    ("created_at", None),  # labelled with the time zone
    ("updated_at", None),
    ("version", gettext_lazy("Version")),
    ("description", gettext_lazy("Description")),
)

_OUTCOMES = {
    "publish": gettext_lazy("take it forward"),  # as the detail page says
    "hold": gettext_lazy("hold: ask the post for more"),
    "reject": gettext_lazy("reject"),
    "blocked": gettext_lazy("blocked: a criterion scored zero"),
    "unscored": gettext_lazy("Not scored"),
}


def zone_label(moment: datetime | None = None) -> str:
    """The local time zone as people read it: "hora de Ciudad de México, UTC−6"."""
    zone = timezone.get_current_timezone()
    now = timezone.localtime(moment or timezone.now(), zone)
    offset = now.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    utc = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    key = str(zone)
    if key == "America/Mexico_City":
        place = gettext("Mexico City time")
    else:
        place = gettext("%(zone)s time") % {"zone": key.rsplit("/", 1)[-1].replace("_", " ")}
    return f"{place}, {utc}"


def report_rows(user: Any, opportunities: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """The rows of :func:`~.presenters.opportunity_rows` (redacted alike) with labels for
    codes: choice labels, country and priority names in the active language, the owner's
    name, local times."""
    from vinculo.web.pipeline.models import Opportunity
    from vinculo.web.registry.forms import country_label
    from vinculo.web.registry.selectors import agreements_visible_to, priority_choices

    language = (get_language() or "es")[:2]
    priorities = dict(priority_choices(language))
    kinds = dict(Opportunity.Kind.choices)
    statuses = dict(Opportunity.Status.choices)
    visible = confidential_check(user)
    yes, no = gettext("Yes"), gettext("No")
    registered = gettext("registered")
    agreements: dict[int, str] | None = None  # read once, at the first linked row
    for opportunity in opportunities:
        row = opportunity_row(opportunity, confidential=visible(opportunity))
        owner = opportunity.owner
        country = opportunity.host_country
        agreement = row["agreement"]
        if agreement is not None:
            if agreements is None:  # the titles the user may read (the detail page's rule)
                agreements = dict(agreements_visible_to(user).values_list("pk", "title"))
            agreement = agreements.get(agreement, registered)
        row.update(
            fit_vintage=(opportunity.fit_reasons or {}).get("vintage") or None,
            agreement=agreement,
            kind=str(kinds.get(row["kind"], row["kind"])),
            status=str(statuses.get(row["status"], row["status"])),
            host_country=country_label(country) if country else None,
            priorities=", ".join(priorities.get(p, p) for p in row["priorities"]),
            priorities_confirmed=yes if row["priorities_confirmed"] else no,
            suggested_priorities=", ".join(
                priorities.get(s["id"], s["id"]) for s in row["suggested_priorities"]
            ),
            rubric_outcome=str(_OUTCOMES.get(row["rubric_outcome"], row["rubric_outcome"])),
            owner=(owner.get_full_name() or owner.username) if owner else None,
            redacted=yes if row["redacted"] else no,
            created_at=_local(row["created_at"]),
            updated_at=_local(row["updated_at"]),
        )
        yield row


def _local(value: datetime | None) -> datetime | None:
    """Local wall-clock time without tzinfo (Excel has no zones: the header names it)."""
    return None if value is None else timezone.localtime(value).replace(tzinfo=None)


def _report_headers() -> list[str]:
    zone = zone_label()
    headers = []
    for key, label in _REPORT_COLUMNS:
        if key == "created_at":
            headers.append(gettext("Created (%(zone)s)") % {"zone": zone})
        elif key == "updated_at":
            headers.append(gettext("Updated (%(zone)s)") % {"zone": zone})
        else:
            headers.append(str(label))
    return headers


def report_bytes(
    rows: Iterable[dict[str, Any]], file_format: str, *, notes: list[tuple[str, str]]
) -> bytes:
    """The report variant (``csv`` or ``xlsx``): headers in the active language, labels,
    local times named in the header, real date cells in Excel and a sheet of ``notes``
    (filters, export time); CSV with a BOM and ISO dates."""
    headers = _report_headers()
    keys = [key for key, _label in _REPORT_COLUMNS]
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_report_text(row[key]) for key in keys])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if file_format == "xlsx":
        import openpyxl
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet(gettext("Opportunities")[:31])
        bold = Font(bold=True)
        header_cells = []
        for text in headers:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        sheet.freeze_panes = "A2"
        for row in rows:
            cells: list[Any] = []
            for key in keys:
                value = row[key]
                if isinstance(value, datetime):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy-mm-dd hh:mm"
                    cells.append(cell)
                elif isinstance(value, date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy-mm-dd"
                    cells.append(cell)
                elif isinstance(value, Decimal):
                    cell = WriteOnlyCell(sheet, value=float(value))
                    cell.number_format = "#,##0.00"
                    cells.append(cell)
                else:
                    cells.append(_safe_excel(value))
            sheet.append(cells)
        about = book.create_sheet(gettext("Notes")[:31])
        for name, text in notes:
            about.append([_safe_excel(name), _safe_excel(text)])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise ValueError(f"no report variant for {file_format!r}")


def _report_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    value = _safe_excel(value)
    return "" if value is None else str(value)
