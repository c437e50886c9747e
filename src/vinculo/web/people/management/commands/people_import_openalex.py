"""``manage.py people_import_openalex``: researchers from OpenAlex's authors, live, through
the credit-aware client (docs/people.md, "Sources"): by country, institution (ROR) or
topic. Pages already fetched are read from the cache at no cost; the day's credit budget
is never overspent (the import then stops with nothing written and says when it resets).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from vinculo.evidence.http import HttpError
from vinculo.evidence.sources.openalex_api import OpenAlexClient
from vinculo.web.accounts.models import User
from vinculo.web.people.imports import import_openalex, openalex_filters
from vinculo.web.pipeline.imports import ImportFailedError


class Command(BaseCommand):
    help = "Import researchers from OpenAlex authors (by country, institution or topic)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--as", dest="username", required=True, help="the planner or administrator importing"
        )
        parser.add_argument("--country", default="", help="ISO2: an affiliation there, ever")
        parser.add_argument("--institution", default="", help="a ROR id")
        parser.add_argument("--topic", default="", help="an OpenAlex topic id (T…)")
        parser.add_argument("--filter", default="", help="more of OpenAlex's filter syntax")
        parser.add_argument("--limit", type=int, default=1000, help="at most this many authors")
        parser.add_argument("--daily-limit", type=int, default=None,
                            help="stop once this many credits are used today")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"--as {options['username']}: no such user")
        try:
            filters = openalex_filters(
                country=options["country"], institution=options["institution"],
                topic=options["topic"], extra=options["filter"],
            )  # fmt: skip
        except ValueError as error:
            raise CommandError(str(error)) from None
        try:
            with OpenAlexClient(daily_limit=options["daily_limit"]) as client:
                report, outcome = import_openalex(
                    actor=user, client=client, filters=filters, limit=options["limit"]
                )
                budget = client.budget.report()
        except ImportFailedError as failure:
            raise CommandError(str(failure)) from None
        except PermissionDenied:
            raise CommandError(
                f"--as {user.username}: planners and administrators import"
            ) from None
        except HttpError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{report.rows} authors: {len(outcome.created)} created, {len(outcome.merged)} "
            f"merged, {len(outcome.suggestions)} to review. {budget}"
        )
