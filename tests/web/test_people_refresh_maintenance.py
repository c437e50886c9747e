"""``people_refresh`` on PostgreSQL leaves the tables it rebuilt analyzed and vacuumed,
so that the first pages after a bulk load are planned on real statistics and read from
the indexes alone (a country's places analyzed while empty were read whole: 40 ms
instead of 1 ms at a million profiles). VACUUM cannot run inside a transaction, so this
test commits for real (``transaction=True``); on SQLite it is skipped."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from vinculo.web.people.models import Affiliation, Researcher
from vinculo.web.people.summaries import REBUILT

pytestmark = pytest.mark.django_db(transaction=True)


def _pg_class(table: str) -> tuple[float, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples, relallvisible FROM pg_class WHERE oid = %s::regclass", [table]
        )
        return cursor.fetchone()


def test_people_refresh_analyzes_and_vacuums_what_it_rebuilt(transactional_db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's statistics and visibility map (SQLite has neither)")
    from django.utils import timezone

    for i in range(300):  # loaded around the app: no place rows yet
        r = Researcher.objects.create(
            name=f"Persona {i:03d}", name_key=f"persona {i:03d}", last_seen_at=timezone.now(),
            topics=["Battery recycling"],
        )  # fmt: skip
        Affiliation.objects.create(
            researcher=r, institution="CNRS", country="FRA" if i % 3 else "DEU",
            current=True, kind="employment", source="test",
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_researcherplace")  # analyzed empty, as after a COPY
    assert _pg_class("people_researcherplace") == (0, 0)
    call_command("people_refresh", stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert "vacuum: 5 of 5 (100 %)" in err.getvalue()
    tuples, visible = _pg_class("people_researcherplace")
    assert tuples == 300
    assert visible > 0  # the visibility map is set: index-only scans read no table page
    assert "people_researcherplace" in REBUILT
