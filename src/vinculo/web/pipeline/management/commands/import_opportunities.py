"""``manage.py import_opportunities --user NAME FILE``: bulk import from CSV or Excel, all
or nothing, as that user (the same checks as the web page). Progress on stderr; every
failing row and field on stderr with exit code 2."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandParser

from vinculo.web.pipeline.imports import ImportFailedError, import_file


class Command(BaseCommand):
    help = "Import opportunities from a CSV or Excel file (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="the user the rows are logged as")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            self._fail(f"no active user {options['user']!r}")
        if not path.is_file():
            self._fail(f"{path}: no such file")

        def progress(done: int, total: int) -> None:
            if done % 100 == 0:
                sys.stderr.write(f"\rwriting {done}/{total}")
                sys.stderr.flush()

        try:
            with path.open("rb") as handle:
                report = import_file(actor=user, handle=handle, name=path.name, progress=progress)
        except ImportFailedError as failure:
            sys.stderr.write("\n")
            for error in failure.report.errors:
                sys.stderr.write(f"{path.name}: {error}\n")
            self._fail(f"{path.name}: nothing imported ({len(failure.report.errors)} error(s))")
        except PermissionDenied:
            self._fail(f"{user.get_username()} may not log opportunities")
        sys.stderr.write("\n")
        for row, other, score in report.duplicates:
            sys.stderr.write(
                f"row {row}: possible duplicate of opportunity {other} ({score:.2f})\n"
            )
        self.stdout.write(f"{len(report.created)} opportunities imported from {path.name}")

    def _fail(self, message: str) -> None:
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(2)
