"""``manage.py pipeline_cron``: the pipeline's daily job (for cron) — expire the
opportunities without update for too long, e-mail the reminders (deadlines close,
opportunities idle) through Django's e-mail backend, and retrain the priority classifier
when officers have confirmed or corrected labels since it was last trained."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vinculo.web.pipeline.classify import retrain, retrain_due
from vinculo.web.pipeline.services import expire_stale, reminders_due, send_reminders


class Command(BaseCommand):
    help = "Expire idle opportunities and send the pipeline's reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expire-days", type=int, default=180,
            help="expire open opportunities without update for this long",
        )  # fmt: skip
        parser.add_argument(
            "--idle-days", type=int, default=30,
            help="remind about open opportunities without update for this long",
        )  # fmt: skip
        parser.add_argument(
            "--deadline-days", type=int, default=14,
            help="remind about deadlines within this many days",
        )  # fmt: skip
        parser.add_argument("--base-url", default="", help="the site's address, for the links")
        parser.add_argument("--dry-run", action="store_true", help="say what would be done")
        parser.add_argument(
            "--no-retrain", action="store_true", help="leave the classifier as it is"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("expire_days", "idle_days", "deadline_days"):
            if options[name] < 1:
                self.stderr.write(f"error: --{name.replace('_', '-')} must be at least 1")
                raise SystemExit(2)
        if options["dry_run"]:
            due = reminders_due(
                deadline_days=options["deadline_days"], idle_days=options["idle_days"]
            )
            self.stdout.write(f"{len(due)} reminder(s) would be sent")
            if not options["no_retrain"] and retrain_due():
                self.stdout.write("the classifier would be retrained (new confirmed labels)")
            return
        expired = expire_stale(days=options["expire_days"])
        due = reminders_due(deadline_days=options["deadline_days"], idle_days=options["idle_days"])
        sent = send_reminders(due, base_url=options["base_url"].rstrip("/"))
        self.stdout.write(f"{len(expired)} opportunity(ies) expired; {sent} reminder(s) sent")
        if not options["no_retrain"] and retrain_due():
            count, path = retrain()
            self.stdout.write(
                f"classifier retrained on {count} confirmed label(s); saved to {path}"
            )
