"""``manage.py people_purge``: erase the researchers not imported or confirmed within the
retention period (``VINCULO_RESEARCHER_RETENTION_DAYS``, docs/privacy.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from vinculo.web.people.services import purge_expired


class Command(BaseCommand):
    help = "Erase researchers' records older than the retention period."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=None, help="override the setting")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] or settings.RESEARCHER_RETENTION_DAYS
        count = purge_expired(days=days)
        self.stdout.write(f"{count} researcher record(s) older than {days} days erased")
