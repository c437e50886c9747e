"""``manage.py people_rank``: compute the kept rankings of the open opportunities (for the
central roles and for the officers of their posts), strategic projects and agreements, so
that no one waits for the first view of a record's matches (seconds at a million
profiles). ``people_refresh`` drops every kept ranking (it reweights every profile): run
this after it, and from cron every few minutes: it computes only the rankings missing or
whose record's text changed (a new opportunity's), the others are kept exact by imports,
merges and erasures themselves (docs/people.md, "At scale")."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from vinculo.web.people.services import rank_all


class Command(BaseCommand):
    help = "Compute the kept rankings of the open opportunities, projects and agreements."

    def handle(self, *args: Any, **options: Any) -> None:
        shown = [-10]
        start = time.perf_counter()

        def progress(done: int, total: int) -> None:
            percent = 100 * done // max(total, 1)
            if shown[0] + 10 <= percent or done == total:
                shown[0] = percent
                self.stderr.write(f"rankings: {done:,} of {total:,} ({percent} %)")

        checked, computed = rank_all(progress)
        self.stdout.write(
            f"{checked} rankings checked, {computed} computed, "
            f"in {time.perf_counter() - start:.1f} s"
        )
