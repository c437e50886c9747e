"""Load the transfer-model records from the repository files into the database: version 1
of every (country, dimension) that has none yet; never overwrites web edits."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vinculo.strategy.transfer import TransferError, load_transfer_models
from vinculo.web.transfer.services import transfer_seed


class Command(BaseCommand):
    help = "Seed the technology-transfer records from src/vinculo/strategy/data/transfer."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--directory", default=None, help="another folder of files")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            models = load_transfer_models(options["directory"])
        except TransferError as error:
            raise CommandError(str(error)) from None
        created = transfer_seed(models=models)
        self.stdout.write(f"{created} records created from {len(models)} countries")
