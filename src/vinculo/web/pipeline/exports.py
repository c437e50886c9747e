"""Exports of the opportunities a user may see, redacted as in the pages: CSV, Excel and
Parquet (the columns of :data:`~.presenters.EXPORT_COLUMNS`)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from vinculo.web.pipeline.presenters import EXPORT_COLUMNS

__all__ = ["FORMATS", "export_bytes"]

#: format -> (content type, file extension)
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
}


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
