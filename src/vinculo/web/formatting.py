"""Numbers and dates as the pages write them.

Numbers: one rule for the pages, the briefs and the charts, Spanish as written in Mexico
(0.52, 11,873, 1,234.57) and English as in the United States (the same). Templates write
``{{ value|floatformat:"2g" }}`` (the separators come from ``vinculo.web.formats``); Python
that writes a figure for a person calls :func:`number`, which is that filter, or in a long
list :func:`numbers`, the same with the separators read once; the charts' JavaScript calls
``vinculoNumbers.format`` (``static/vinculo/numbers.js``: Intl's es-MX and en-US, rounded
as the filter rounds). Django's ``number_format`` is not used for figures: it cuts digits
off (1234.567 with two decimals: 1,234.56) where the filter and the briefs round
(1,234.57).

Dates written fast for long lists: Django's ``date_format`` parses the format string and
looks up the language's settings on every call (about 20 µs; a list of 50 rows calls it
100 times)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.formats import date_format, get_format

__all__ = ["number", "numbers", "short_dates"]


def number(value: Any, digits: int = 2, language: str | None = None) -> str:
    """``value`` with ``digits`` decimals and its thousands grouped, as ``language`` (by
    default the active one) writes it: what ``{{ value|floatformat:"2g" }}`` writes in a
    template, rounded half away from zero.

    >>> number(1234.567, 2, "es"), number(11873, 0, "en"), number(-0.521, 1, "es")
    ('1,234.57', '11,873', '-0.5')
    """
    if language is None:
        return str(floatformat(value, f"{digits}g"))
    with translation.override(language):
        return str(floatformat(value, f"{digits}g"))


#: room for the 200 digits that floatformat writes at most (more: it gives the text back)
_PRECISE = Context(prec=250)


def numbers(digits: int = 2) -> Callable[[Any], str]:
    """A function writing numbers as ``number(value, digits)`` does in the active language,
    with the language's separators read once: for long lists, where ``number`` (about 20 µs:
    the filter looks the formats up on every call) would cost a millisecond a page.
    Anything but a finite number of at most 200 digits is left to ``number``.

    >>> with translation.override("es"):
    ...     write = numbers(2)
    >>> write(1234.565), write(-0.001), write(None)
    ('1,234.57', '0.00', '')
    """
    if get_format("NUMBER_GROUPING") != 3:
        return lambda value: number(value, digits)
    separators = str.maketrans(
        {",": str(get_format("THOUSAND_SEPARATOR")), ".": str(get_format("DECIMAL_SEPARATOR"))}
    )
    step = Decimal(1).scaleb(-digits)
    pattern = f",.{digits}f"

    def write(value: Any) -> str:
        try:
            exact = Decimal(str(value))  # as the filter reads it: a float's shortest form
        except InvalidOperation:
            return number(value, digits)
        if not exact.is_finite():
            return number(value, digits)
        _sign, figures, exponent = exact.as_tuple()
        if len(figures) + abs(int(exponent)) > 200:
            return number(value, digits)
        rounded = exact.quantize(step, ROUND_HALF_UP, _PRECISE)
        if rounded.is_zero():
            rounded = rounded.copy_abs()  # the filter writes 0.00 for -0.001
        return format(rounded, pattern).translate(separators)

    return write


_FIELDS: dict[str, Callable[[date], str]] = {
    "d": lambda d: f"{d.day:02d}",
    "j": lambda d: str(d.day),
    "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month),
    "Y": lambda d: f"{d.year:04d}",
    "y": lambda d: f"{d.year % 100:02d}",
}


def short_dates() -> Callable[[date], str]:
    """A function writing a date as ``date_format(value, "SHORT_DATE_FORMAT")`` does in the
    active language, with the format read once. Formats with other letters than day,
    month and year numbers (``d j m n Y y``) and separators fall back to Django's own."""
    pattern = str(get_format("SHORT_DATE_FORMAT"))
    if not all(c in _FIELDS or (not c.isalpha() and c != "\\") for c in pattern):
        return lambda value: date_format(value, "SHORT_DATE_FORMAT")
    parts = [_FIELDS.get(c, (lambda literal: lambda _d: literal)(c)) for c in pattern]
    return lambda value: "".join(part(value) for part in parts)
