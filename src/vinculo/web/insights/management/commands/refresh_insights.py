"""``manage.py refresh_insights``: recompute the strategy engine's snapshot."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vinculo.settings import vinculo_home
from vinculo.strategy.capability import MissingEvidenceError
from vinculo.web.insights.services import insights_refresh


class Command(BaseCommand):
    help = "Compute the insight snapshot from the evidence store (about 20 s)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="recompute even if current")

    def handle(self, *args: Any, **options: Any) -> None:
        path = vinculo_home() / "evidence.duckdb"
        if not path.exists():
            raise CommandError(f"{path}: no evidence store; run `vinculo data pull` first")
        try:
            snapshot = insights_refresh(store_path=path, force=options["force"])
        except MissingEvidenceError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"snapshot for {snapshot.home} ({snapshot.seconds:.1f} s)")
