"""``manage.py people_import_orcid``: researchers from ORCID's public records by iD, live
through the ORCID Public API (docs/people.md, "Sources"). The client id and secret of a
free Public API client come from ``VINCULO_ORCID_CLIENT_ID`` and
``VINCULO_ORCID_CLIENT_SECRET``. All or nothing: a bad iD, a missing record or a record
that cannot be read stops the import with nothing written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from vinculo.evidence.http import HttpError
from vinculo.evidence.sources.orcid_api import OrcidClient, OrcidCredentialsError
from vinculo.web.accounts.models import User
from vinculo.web.accounts.permissions import require_role
from vinculo.web.people.imports import import_orcid, orcid_ids
from vinculo.web.people.selectors import MERGE_ROLES
from vinculo.web.pipeline.imports import ImportFailedError

#: Errors listed in full when an import fails (the rest are counted).
SHOWN_ERRORS = 20


def _failed(failure: ImportFailedError) -> CommandError:
    errors = failure.report.errors
    lines = [str(failure), *(f"  {e}" for e in errors[:SHOWN_ERRORS])]
    if len(errors) > SHOWN_ERRORS:
        lines.append(f"  … and {len(errors) - SHOWN_ERRORS} more")
    lines.append("Nothing was imported.")
    return CommandError("\n".join(lines))


class Command(BaseCommand):
    help = "Import researchers from ORCID's public records by ORCID iD (Public API v3.0)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--as", dest="username", required=True, help="the planner or administrator importing"
        )
        parser.add_argument("orcids", nargs="*", metavar="ORCID", help="ORCID iDs (or their URLs)")
        parser.add_argument(
            "--file", default="", help="a UTF-8 text file of ORCID iDs, one a line (# comments)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"--as {options['username']}: no such user")
        try:
            require_role(user, MERGE_ROLES)
        except PermissionDenied:
            raise CommandError(
                f"--as {user.username}: planners and administrators import"
            ) from None
        if options["file"] and options["orcids"]:
            raise CommandError("give ORCID iDs or --file, not both")
        if options["file"]:
            path = Path(options["file"])
            try:
                values = path.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"--file {path}: cannot be read ({error})") from None
            name = str(path)
        elif options["orcids"]:
            values, name = list(options["orcids"]), "ORCID iDs given"
        else:
            raise CommandError("give one or more ORCID iDs, or --file with one a line")
        try:
            ids = orcid_ids(values, name=name)  # every checksum, before any credential or request
            with OrcidClient() as client:
                report, outcome = import_orcid(actor=user, client=client, orcids=ids, name=name)
        except ImportFailedError as failure:
            raise _failed(failure) from None
        except PermissionDenied:  # pragma: no cover - checked above
            raise CommandError(
                f"--as {user.username}: planners and administrators import"
            ) from None
        except (OrcidCredentialsError, HttpError) as error:
            raise CommandError(f"{error}. Nothing was imported.") from None
        self.stdout.write(
            f"{report.rows} ORCID records: {len(outcome.created)} created, "
            f"{len(outcome.merged)} merged, {len(outcome.suggestions)} to review."
        )
