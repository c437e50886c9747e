"""The pages people open, per persona, for the browser checks of the whole site
(accessibility, widths): derived from the permission matrix of tests/web, so a new page
is checked as soon as it has its row there. A seeded world (tests/web/conftest.py's
``registry``) plus a dashboard snapshot, and a login through the real form."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from playwright.sync_api import expect

from tests.web.conftest import PASSWORD, Registry
from tests.web.test_permission_matrix import ROWS, TARGETS

#: routes that answer a file or JSON, not a page (checked elsewhere)
NOT_PAGES = (
    "pipeline:export",
    "pipeline:attachment_download",
    "pipeline:import_template",
    "registry:document_download",
    "people:export",  # CSV (tests/web/test_people.py)
    "mobility:export",  # CSV/Excel (tests/web/test_mobility.py)
    "forums:calendar",  # iCalendar (tests/web/test_forums.py)
    "forums:forum_calendar",
    "insights:post-brief",  # the brief: a document of its own (tests/strategy)
    "insights:post-brief-status",  # JSON (tests/web/test_brief_jobs.py)
    "search:",
    "api:",
    "accounts:login",  # the persona is signed in through it (login below)
    "accounts:logout",
    "accounts:language",
    "accounts:token_",  # actions (POST)
    "accounts:password_reset",  # signed out (tests/web/test_accounts.py)
)


def pages_for(persona: str, registry: Registry) -> list[str]:
    """Every page (GET, 200) the matrix says ``persona`` may open, as a path."""
    paths = []
    for route, method, target, statuses in ROWS:
        if method != "GET" or ":" not in route or statuses[persona] != 200:
            continue
        if route.startswith(NOT_PAGES):
            continue
        paths.append(reverse(route, kwargs=TARGETS[target](registry)))
    if persona != "officer_b":  # post A's brief, being prepared (officer B cannot see it)
        paths.append(brief_being_prepared(registry))
    return list(dict.fromkeys(paths))


def brief_being_prepared(registry: Registry) -> str:
    """The page a reader of post A's brief sees while it is prepared: an (empty) evidence
    store in VINCULO_HOME and a running preparation for the brief's current key."""
    from vinculo.evidence.store import EvidenceStore
    from vinculo.web.insights import briefs
    from vinculo.web.insights.models import BriefJob

    if not briefs.store_path().exists():
        EvidenceStore(briefs.store_path()).close()
    key = briefs.current_key(registry.post_a)
    assert key is not None
    BriefJob.objects.update_or_create(
        post=registry.post_a, fingerprint=key.fingerprint, version=key.version,
        defaults={"state": BriefJob.State.RUNNING, "done": 2, "total": len(briefs.STEPS),
                  "step": "es-pdf"},
    )  # fmt: skip
    return reverse("insights:post-brief", args=[registry.post_a.pk, "html"]) + "?lang=es"


def snapshot() -> None:
    """The dashboard's figures (the small snapshot of the insights tests), so that the
    insight pages show their charts, tables and links rather than the empty state."""
    from tests.web.test_insights import _rich_payload
    from vinculo.web.insights.models import Snapshot

    Snapshot.objects.create(home="MEX", fingerprint="e2e", payload=_rich_payload())


def log_in(page: Any, username: str, language: str = "es") -> None:
    """Through the login form; the user's language set beforehand by the caller."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def speak(registry: Registry, persona: str, language: str) -> str:
    """Set the persona's language; its user name."""
    user = registry.users[persona]
    user.language = language
    user.save(update_fields=["language"])
    return str(user.username)
