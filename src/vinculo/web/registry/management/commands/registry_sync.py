"""``manage.py registry_sync``: countries (ISO 3166, CLDR names) and institutions (the
evidence store's ROR table) into the registry; run it after ``vinculo data pull``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vinculo.evidence.store import EvidenceError, EvidenceStore
from vinculo.settings import vinculo_home
from vinculo.web.registry.services import countries_sync, institutions_import_from_store


class Command(BaseCommand):
    help = "Update the registry's countries and institutions from the evidence store."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--store",
            type=Path,
            default=None,
            help="the evidence store (default: VINCULO_HOME/evidence.duckdb)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["store"] or vinculo_home() / "evidence.duckdb"
        countries = countries_sync()
        self.stdout.write(f"countries: {countries.created} new, {countries.updated} renamed")
        if not path.exists():
            raise CommandError(f"{path}: no evidence store (run `vinculo data pull` first)")
        try:
            with EvidenceStore(path, read_only=True) as store:
                result = institutions_import_from_store(store=store)
        except EvidenceError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"institutions: {result.created} new, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.skipped} skipped"
        )
