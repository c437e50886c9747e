"""Spanish as written in Mexico (es-MX) for the application's ``es``.

Numbers as the strategy engine writes them in the reasons and the briefs (CLDR es-MX
through Babel): a decimal point and a comma between thousands, 0.52 and 11,873 (Django's
own ``es`` formats write 0,52 and 11 873). Dates come from Django's ``es_MX`` formats,
which write them as its ``es`` formats do (31/12/2026, 31 de diciembre de 2026) and also
accept a typed 20261231. ``tests/web/test_formatting.py`` checks both.
"""

from django.conf.locale.es_MX.formats import (
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)

__all__ = [
    "DATETIME_FORMAT",
    "DATETIME_INPUT_FORMATS",
    "DATE_FORMAT",
    "DATE_INPUT_FORMATS",
    "DECIMAL_SEPARATOR",
    "FIRST_DAY_OF_WEEK",
    "MONTH_DAY_FORMAT",
    "NUMBER_GROUPING",
    "SHORT_DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "THOUSAND_SEPARATOR",
    "TIME_FORMAT",
    "YEAR_MONTH_FORMAT",
]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
