"""``manage.py sync_forums``: a row for every forum of the registry
(``vinculo/strategy/data/forums.yaml``) that has none yet, so meetings, positions and
delegates can be recorded against it. Idempotent; the registry is validated first (an
invalid file stops with its file, line and key)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vinculo.strategy.forums import ForumsError
from vinculo.web.forums.selectors import registry
from vinculo.web.forums.services import sync_forums


class Command(BaseCommand):
    help = "Create the rows of the forums registry's new forums (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            total = len(registry().forums)
        except ForumsError as error:
            raise CommandError(str(error)) from None
        created = sync_forums()
        self.stdout.write(f"{created} forum(s) added; {total} in the registry")
