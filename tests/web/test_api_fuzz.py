"""A property-based fuzzer (schemathesis) against the OpenAPI document: every operation,
with generated valid and invalid input, as a planner (writes everything) and as an officer
(one post, 404s and 403s elsewhere), answers without a server error (5xx)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.web.conftest import Registry
from vinculo.web.accounts.models import ApiToken

FUZZ = settings(
    max_examples=12,
    derandomize=True,  # the same examples every run: CI stays reproducible
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)


def _fuzz(registry: Registry, persona: str) -> int:
    """Every operation of the document, FUZZ's examples each, as ``persona``; the number of
    operations run."""
    _, key = ApiToken.issue(user=registry.users[persona], name="fuzz")
    with _connections_kept():
        app = get_wsgi_application()
        # the document is for users too (a token or a session)
        loaded = schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json", app, headers={"Authorization": f"Bearer {key}"}
        )
        operations = [result.ok() for result in loaded.get_all_operations()]
        for operation in operations:

            @FUZZ
            @given(case=operation.as_strategy())
            def run(case: Any) -> None:
                response = case.call(headers={"Authorization": f"Bearer {key}"})
                case.validate_response(response, checks=[not_a_server_error])

            run()
    return len(operations)


@contextmanager
def _connections_kept() -> Iterator[None]:
    """The WSGI app is called in this process, inside the test's transaction: as Django's
    test client does, keep requests from closing the database connection (on PostgreSQL
    that would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_a_planner_gets_no_server_error(registry: Registry) -> None:
    assert _fuzz(registry, "planner") >= 20


def test_an_officer_gets_no_server_error(registry: Registry) -> None:
    assert _fuzz(registry, "officer_a") >= 20
