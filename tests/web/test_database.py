"""Which database the web tests ran on: scripts/test runs them on SQLite and again on a
throw-away PostgreSQL server, and says which it expects in ``VINCULO_EXPECT_DB``."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from vinculo.web.registry.models import Country

pytestmark = pytest.mark.django_db


def test_the_database_is_the_one_expected(record_property):
    record_property("database_vendor", connection.vendor)
    expected = os.environ.get("VINCULO_EXPECT_DB")
    if expected:
        assert connection.vendor == expected, (
            f"VINCULO_EXPECT_DB={expected} but the tests ran on {connection.vendor}"
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        (version,) = cursor.fetchone()
    print(f"web tests on {connection.vendor} {version}")  # shown with -s or -rP
    assert version


def test_text_beyond_ascii_is_read_back_unchanged():
    # PostgreSQL's cluster is created with UTF-8 (scripts/test): accents, CJK and the rest
    Country.objects.create(code="CIV", name_es="Côte d’Ivoire", name_en="日本 / Ñandú")
    assert Country.objects.values_list("name_es", "name_en").get(code="CIV") == (
        "Côte d’Ivoire",
        "日本 / Ñandú",
    )
