"""``manage.py people_refresh``: rebuild the people app's derived tables from the profiles
(each researcher's priorities, the matching index with every profile reweighted by the
current document frequencies, the stored diaspora of every country). Every write through
the app keeps them in step; run this after loading profiles by other means (a bulk COPY)
or after changing the priorities' keywords, and now and then to reweight the matching
index (docs/people.md, "At scale")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vinculo.web.people.summaries import refresh_all


class Command(BaseCommand):
    help = "Rebuild the diaspora per country and the matching index from the profiles."

    def handle(self, *args: Any, **options: Any) -> None:
        shown: dict[str, int] = {}

        def progress(step: str, done: int, total: int) -> None:
            percent = 100 * done // max(total, 1)
            if shown.get(step, -10) + 10 <= percent or done == total:
                shown[step] = percent
                self.stderr.write(f"{step}: {done:,} of {total:,} ({percent} %)")

        report = refresh_all(progress)
        self.stdout.write(
            f"{report['researchers']} researchers, {report['terms']} matching rows, "
            f"{report['countries']} countries with a diaspora"
        )
