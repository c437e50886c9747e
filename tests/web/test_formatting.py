"""vinculo.web.formatting: the quick short dates write what Django writes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import translation
from django.utils.formats import date_format

from vinculo.web.formatting import short_dates


@pytest.mark.parametrize("language", ["es", "en"])
def test_short_dates_match_djangos(language):
    days = [date(1999, 12, 31) + timedelta(days=n * 37) for n in range(300)]
    days.append(datetime(2026, 1, 5, 23, 59))
    with translation.override(language):
        short = short_dates()
        for day in days:
            assert short(day) == date_format(day, "SHORT_DATE_FORMAT")


def test_other_formats_fall_back_to_django(monkeypatch):
    """A format with names (weekday, month) is left to Django: the function returned then
    writes Django's own short date."""
    monkeypatch.setattr("vinculo.web.formatting.get_format", lambda name: "D, j M Y")
    with translation.override("en"):
        short = short_dates()
        day = date(2026, 11, 30)
        assert short(day) == date_format(day, "SHORT_DATE_FORMAT") == "11/30/2026"
