"""``manage.py people_refresh``: rebuild the people app's derived tables from the profiles
(each researcher's priorities and places, the matching index with every profile reweighted by the
current document frequencies, the stored diaspora of every country). Every write through
the app keeps them in step; run this after loading profiles by other means (a bulk COPY)
or after changing the priorities' keywords, and now and then to reweight the matching
index (docs/people.md, "At scale"). On PostgreSQL the rebuilt tables are then vacuumed
and analyzed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from vinculo.web.people.summaries import REBUILT, refresh_all


class Command(BaseCommand):
    help = "Rebuild the diaspora per country and the matching index from the profiles."

    def handle(self, *args: Any, **options: Any) -> None:
        shown: dict[str, int] = {}

        def progress(step: str, done: int, total: int) -> None:
            percent = 100 * done // max(total, 1)
            if shown.get(step, -10) + 10 <= percent or done == total:
                shown[step] = percent
                self.stderr.write(f"{step}: {done:,} of {total:,} ({percent} %)")

        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        if vacuum:
            # the rebuild's commit is flushed before it returns, even on a server with
            # asynchronous commit: VACUUM marks a page visible to all only once the
            # commit of its rows is on disk
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO on")
        report = refresh_all(progress)
        if vacuum:
            # the rows the refresh replaced are dead: reclaimed now, and the visibility
            # map set, so that a page reads the indexes alone (index-only scans)
            for done, table in enumerate(REBUILT, start=1):
                with connection.cursor() as cursor:
                    cursor.execute(f"VACUUM (ANALYZE) {table}")
                progress("vacuum", done, len(REBUILT))
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        self.stdout.write(
            f"{report['researchers']} researchers, {report['terms']} matching rows, "
            f"{report['countries']} countries with a diaspora"
        )
