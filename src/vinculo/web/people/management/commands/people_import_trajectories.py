"""``manage.py people_import_trajectories``: the affiliation histories of the OpenAlex works
snapshot (the evidence store's ``author_affiliations``, issue 14) added to the researchers
already here with an OpenAlex id (docs/people.md, "Sources")."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.people import PeopleError
from vinculo.web.accounts.models import User
from vinculo.web.insights.briefs import store_path
from vinculo.web.people.imports import import_trajectories


class Command(BaseCommand):
    help = "Add the OpenAlex snapshot's affiliation histories to the researchers here."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--as", dest="username", required=True, help="the planner or administrator importing"
        )
        parser.add_argument("--store", default=None, help="the evidence store (default: home's)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"--as {options['username']}: no such user")
        path = options["store"] or store_path()
        try:
            with EvidenceStore(path, read_only=True) as store:
                authors, outcome = import_trajectories(actor=user, store=store)
        except PermissionDenied:
            raise CommandError(
                f"--as {user.username}: planners and administrators import"
            ) from None
        except PeopleError as error:
            raise CommandError(f"{path}: {error}") from None
        self.stdout.write(
            f"{authors} researchers with a trajectory in the snapshot: "
            f"{len(outcome.merged)} profiles completed"
        )
