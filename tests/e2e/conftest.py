"""The browser and the served application, for the end-to-end tests; a fresh database
for the tests of ``vinculo serve`` and ``vinculo demo`` as subprocesses.

The application is served by pytest-django's ``live_server``: a real HTTP server on a free
localhost port, in a thread of the test process, over the test database (SQLite, or
PostgreSQL when ``DATABASE_URL`` names it: scripts/test runs this folder on both). The
browser is Debian's Chromium (``/usr/bin/chromium``, or ``VINCULO_CHROMIUM``) driven by
Playwright; Playwright's own browser downloads are never used. One browser serves the
whole folder; each test gets a fresh context (no cookies shared between tests).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.web.conftest import registry  # noqa: F401  (the seeded world of the web tests)

CHROMIUM = Path(os.environ.get("VINCULO_CHROMIUM", "/usr/bin/chromium"))
# Headless, and quiet on a closed network: no background connections, updates or sync
# (without these Chromium keeps trying to reach Google's hosts).
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> Path:
    """The Chromium executable; a skip saying how to install it (a failure in CI, which
    installs it)."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = (
        f"{CHROMIUM} not found: the browser tests drive Debian's Chromium "
        "(apt-get install chromium chromium-driver; .ci/run installs it)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API keeps an asyncio loop running in this thread while it is
    # started, and Django refuses ORM calls from a thread with a running loop. The tests
    # here call the ORM between browser steps, never concurrently with it: allow it while
    # the browser is up (package scope: the tests of other folders run without it).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield launched
            finally:
                launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


#: how Chromium reports a Content-Security-Policy violation in the console
CSP_VIOLATION = ("Content Security Policy", "Content-Security-Policy")


def watch_console(context: Any) -> list[str]:
    """The console messages of every page of ``context`` (each as "type: text"), collected
    as they come, and the violations reported through ``securitypolicyviolation`` events
    (logged to the console by a script the context adds to every page)."""
    messages: list[str] = []
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI"
        " + ' at ' + e.sourceFile + ':' + e.lineNumber));"
    )
    context.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    return messages


def csp_violations(messages: list[str]) -> list[str]:
    return [text for text in messages if any(mark in text for mark in CSP_VIOLATION)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A new page in a fresh context whose browser asks for Spanish (Mexico). The pages run
    under the application's Content-Security-Policy: a violation in the console fails the
    test."""
    context = browser.new_context(base_url=live_server.url, locale="es-MX")
    context.set_default_timeout(15_000)
    messages = watch_console(context)
    try:
        yield context.new_page()
    finally:
        context.close()
    violations = csp_violations(messages)
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL of an empty database for a subprocess: a new SQLite file, or, when
    the tests run on PostgreSQL, a new database on that server (dropped afterwards)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    name = f"vinculo_fresh_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(url)
    fresh = urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield fresh
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
