"""Spanish and English for the strategy engine: its messages through gettext, numbers and
percentages formatted per locale (CLDR through Babel).

Reasons and brief strings are kept as a key and parameters until they are shown, so the
same recommendation reads in either language. The English texts are the source
(:mod:`vinculo.strategy.catalogue`); the Spanish comes from the compiled gettext catalogue
shipped in the package (``locale/es/LC_MESSAGES/strategy.mo``), looked up with the key as
the context (``pgettext(key, english)``). No Django: the CLI and the library use it as is;
``scripts/messages`` keeps the catalogue in step with the web's (docs/translations.md).
"""

from __future__ import annotations

import decimal
import gettext
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Protocol, runtime_checkable

from babel import Locale
from babel.numbers import format_decimal, format_percent

from vinculo.evidence.countries import locations_table
from vinculo.strategy.catalogue import ENGLISH
from vinculo.strategy.naming import naming_policy

__all__ = [
    "DOMAIN",
    "ENGLISH",
    "LANGUAGES",
    "NCSES_FIELDS_ES",
    "Country",
    "Languages",
    "Message",
    "Named",
    "Num",
    "Pct",
    "Share",
    "country_name",
    "message",
    "number",
    "percent",
    "share",
    "text",
    "translations",
]

LANGUAGES = ("es", "en")

#: The 14 NCSES fields in Spanish (the team's translation).
NCSES_FIELDS_ES: dict[str, str] = {
    "Agricultural sciences": "Ciencias agrícolas",
    "Astronomy and astrophysics": "Astronomía y astrofísica",
    "Biological and biomedical sciences": "Ciencias biológicas y biomédicas",
    "Chemistry": "Química",
    "Computer and information sciences": "Ciencias de la computación y de la información",
    "Engineering": "Ingeniería",
    "Geosciences, atmospheric sciences, and ocean sciences": (
        "Geociencias, ciencias atmosféricas y oceánicas"
    ),
    "Health sciences": "Ciencias de la salud",
    "Materials science": "Ciencia de materiales",
    "Mathematics and statistics": "Matemáticas y estadística",
    "Natural resources and conservation": "Recursos naturales y conservación",
    "Physics": "Física",
    "Psychology": "Psicología",
    "Social sciences": "Ciencias sociales",
}
_LOCALES = {"es": "es_MX", "en": "en_US"}
#: The gettext domain of the strategy layer's catalogue (``locale/<lang>/LC_MESSAGES``).
DOMAIN = "strategy"


@dataclass(frozen=True)
class Message:
    """A message not yet rendered: a catalogue key and its parameters. Parameters that are
    themselves Messages (or catalogue keys given as ``Message``) are rendered first."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, language: str) -> str:
        return text(self.key, language, **self.params)

    def __str__(self) -> str:
        return self.render("en")

    def values(self) -> dict[str, Any]:
        """The values the message quotes, as plain data: numbers as numbers (a percentage
        as its fraction), countries as ISO3 codes, nested messages as their keys."""
        return {name: _plain(value) for name, value in self.params.items()}

    def as_dict(self) -> dict[str, Any]:
        """``{"code", "values", "text": {language: text}}``: the message as JSON."""
        return {
            "code": self.key,
            "values": self.values(),
            "text": {language: self.render(language) for language in LANGUAGES},
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Num | Pct | Share):
        number = float(value.value)
        return number if number == number else None  # NaN -> None (JSON has no NaN)
    if isinstance(value, Country):
        return value.code
    if isinstance(value, Message):
        return value.key
    if isinstance(value, Named):
        return dict(value.names) or value.fallback
    if isinstance(value, Languages):
        return list(value.codes)
    if isinstance(value, float) and value != value:
        return None
    return value


def _check(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r}: one of {LANGUAGES}")
    return language


def text(key: str, language: str, **params: Any) -> str:
    """The catalogue's message in ``language`` with ``params`` filled in.

    >>> text("reason.distance", "es", km=Num(9212.4, 0), home=Country("MEX"))
    'a 9,212 km de México'
    """
    language = _check(language)
    rendered = {
        name: value.render(language) if isinstance(value, Localizable) else value
        for name, value in params.items()
    }
    return message(key, language).format(**rendered)


def message(key: str, language: str) -> str:
    """The message ``key`` in ``language`` as a template, its ``{parameters}`` not yet filled
    in: the English source text, or its translation from the gettext catalogue. An unknown
    key raises ``KeyError``.

    >>> message("factor.ties", "en"), message("factor.ties", "es")
    ('ties', 'vínculos')
    """
    return translations(language).pgettext(key, ENGLISH[key])


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` (English, the source language, has none)."""
    if _check(language) == "en":
        return gettext.NullTranslations()
    compiled = resources.files("vinculo.strategy").joinpath(
        f"locale/{language}/LC_MESSAGES/{DOMAIN}.mo"
    )
    with compiled.open("rb") as handle:
        return gettext.GNUTranslations(handle)


@runtime_checkable
class Localizable(Protocol):
    """A value that reads differently per language (a name, a number)."""

    def render(self, language: str) -> str: ...


@dataclass(frozen=True)
class Country:
    """A country, shown by its name in the language.

    >>> Country("MEX").render("es"), Country("DEU").render("en")
    ('México', 'Germany')
    """

    code: str

    def render(self, language: str) -> str:
        return country_name(self.code, language)


@dataclass(frozen=True)
class Named:
    """Something named in each language (a value-chain stage, a priority)."""

    names: tuple[tuple[str, str], ...]
    fallback: str = ""

    @classmethod
    def of(cls, names: dict[str, str], fallback: str = "") -> Named:
        return cls(tuple(sorted(names.items())), fallback)

    def render(self, language: str) -> str:
        return dict(self.names).get(language) or self.fallback


@dataclass(frozen=True)
class Languages:
    """Language codes (ISO 639-1) shown by their names.

    >>> Languages(("es", "fr")).render("es")
    'español, francés'
    """

    codes: tuple[str, ...]

    def render(self, language: str) -> str:
        locale = Locale.parse(_LOCALES[_check(language)])
        return ", ".join(str(locale.languages.get(c, c)) for c in self.codes)


@dataclass(frozen=True)
class Num:
    """A number with ``digits`` decimals, written as the language writes it."""

    value: Any  # anything float() reads: a float, a NumPy or pandas scalar
    digits: int = 2

    def render(self, language: str) -> str:
        return number(float(self.value), language, self.digits)


@dataclass(frozen=True)
class Pct:
    """A fraction as a percentage; ``signed`` adds "+" to growth."""

    value: Any  # anything float() reads
    digits: int = 0
    signed: bool = False

    def render(self, language: str) -> str:
        value = float(self.value)
        shown = percent(value, language, self.digits)
        return f"+{shown}" if self.signed and value > 0 else shown


@dataclass(frozen=True)
class Share:
    """A world share as a percentage with as many decimals as it needs to show: one from
    1 % up, two from 0.1 %, three below (0.043 %, not 0.0 %)."""

    value: Any  # anything float() reads

    def render(self, language: str) -> str:
        return share(float(self.value), language)


def share(value: float, language: str) -> str:
    """A world share as the language writes it, with the decimals it needs.

    >>> share(0.123, "en"), share(0.0052, "es"), share(0.00043, "en"), share(0.0, "en")
    ('12.3%', '0.52%', '0.043%', '0.0%')
    """
    magnitude = abs(value)
    digits = 1 if magnitude >= 0.01 or magnitude == 0 else 2 if magnitude >= 0.001 else 3
    return percent(value, language, digits)


@cache
def _iso2() -> dict[str, str]:
    frame = locations_table()
    return {c: i for c, i in zip(frame["code"], frame["iso2"], strict=True) if isinstance(i, str)}


@cache
def _english_names() -> dict[str, str]:
    frame = locations_table()
    return dict(zip(frame["code"], frame["name"], strict=True))


def country_name(code: str, language: str) -> str:
    """A country's name in the language, from its ISO3 code: the diplomatic naming
    policy's name where it has one (:func:`vinculo.strategy.naming.naming_policy`), else
    CLDR's.

    >>> country_name("MEX", "es"), country_name("FRA", "es"), country_name("FRA", "en")
    ('México', 'Francia', 'France')
    >>> country_name("HKG", "es"), country_name("PSE", "en")
    ('Hong Kong, China', 'Palestine')
    """
    named = naming_policy().name(code, _check(language))
    if named is not None:
        return named
    locale = Locale.parse(_LOCALES[_check(language)])
    iso2 = _iso2().get(code)
    name = locale.territories.get(iso2) if iso2 else None
    return str(name or _english_names().get(code, code))


def _half_up(value: float, digits: int) -> decimal.Decimal:
    """``value`` rounded half away from zero, as Django's ``floatformat`` and the web
    pages round; a value that rounds to zero loses its sign ("0.00", not "-0.00")."""
    exact = decimal.Decimal(repr(float(value)))
    rounded = exact.quantize(decimal.Decimal(1).scaleb(-digits), rounding=decimal.ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def number(value: float, language: str, digits: int = 2) -> str:
    """A number as the language writes it (Spanish as in Mexico: 1,234.5), rounded half away
    from zero as the web pages round.

    >>> number(1234.567, "es"), number(1234.567, "en")
    ('1,234.57', '1,234.57')
    >>> number(0.5, "es", 1), number(2.945, "es"), number(-0.001, "en")
    ('0.5', '2.95', '0.00')
    """
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    if value != value or value in (float("inf"), float("-inf")):
        return str(format_decimal(value, format=pattern, locale=_LOCALES[_check(language)]))
    rounded = _half_up(value, digits)
    return str(format_decimal(rounded, format=pattern, locale=_LOCALES[_check(language)]))


def percent(value: float, language: str, digits: int = 1) -> str:
    """A fraction as a percentage, rounded half away from zero.

    >>> percent(0.1234, "es"), percent(0.1234, "en"), percent(0.00125, "en", 1)
    ('12.3%', '12.3%', '0.1%')
    """
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    if value != value or value in (float("inf"), float("-inf")):
        return str(format_percent(value, format=pattern, locale=_LOCALES[_check(language)]))
    rounded = _half_up(value * 100, digits) / 100
    return str(format_percent(rounded, format=pattern, locale=_LOCALES[_check(language)]))
