"""Names for people where the snapshot holds codes: countries by their name in the user's
language (sorted and searched without regard to accents or case), evidence sources by the
publisher's name and vintage instead of the store's dataset ids."""

from __future__ import annotations

import re
from functools import cache

from vinculo.strategy.i18n import country_name
from vinculo.text.tokens import fold, name_key

__all__ = ["country_label", "current_countries", "fold", "matches", "name_key", "source_text"]


def matches(query: str, *texts: str) -> bool:
    """Whether every word of ``query`` is in one of ``texts``, accents and case ignored.

    >>> matches("mexico", "México"), matches("rep dom", "República Dominicana"), matches("x", "y")
    (True, True, False)
    """
    words = fold(query).split()
    folded = [fold(t) for t in texts]
    return all(any(word in t for t in folded) for word in words)


@cache
def current_countries() -> frozenset[str]:
    """The ISO3 codes of today's countries (not aggregates, nor historic ones such as the
    Soviet Union, whose names would repeat today's: "Bielorrusia" twice)."""
    from vinculo.evidence.countries import locations_table

    table = locations_table()
    return frozenset(str(code) for code in table.loc[table["kind"] == "country", "code"])


@cache
def country_label(code: str | None, language: str) -> str:
    """A country's name in the language from its ISO3 code ("" for none)."""
    if not code:
        return ""
    return country_name(code, language)


#: the evidence sources by their publishers' names (the store's ``source`` column)
_SOURCES = {
    "openalex": "OpenAlex",
    "ots": "Open Trade Statistics",
    "atlas": "Atlas of Economic Complexity (Growth Lab)",
    "atlas-common-data": "Atlas of Economic Complexity (Growth Lab)",
    "top500": "TOP500",
    "ucs": "UCS Satellite Database",
    "usgs": "USGS Mineral Commodity Summaries",
    "iea": "IEA Global EV Outlook",
    "ncses": "NSF NCSES",
    "wdi": "World Bank WDI",
    "conacyt": "CONAHCYT",
    "patentsview": "PatentsView",
    "wipo": "WIPO",
    "ror": "ROR",
}
_VINTAGE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?!.*\d{4})")


def _one_source(text: str) -> str:
    words = text.split()
    source = next((w for w in words if w.lower() in _SOURCES), None)
    if source is None:
        return text
    found = _VINTAGE.search(text)
    vintage = "-".join(part for part in found.groups() if part) if found else ""
    name = _SOURCES[source.lower()]
    return f"{name} ({vintage})" if vintage else name


def source_text(vintage: str | None) -> str:
    """The sources of a figure as people know them, with the vintage (the year, or the
    date of the release), in place of the store's ids ("source dataset-vintage", several
    joined by "; ").

    >>> source_text("openalex openalex-2025-12-03")
    'OpenAlex (2025-12-03)'
    >>> source_text("ots ots-via-economiccomplexity-2019; PCI atlas growth-lab-dataverse-2024")
    'Open Trade Statistics (2019); Atlas of Economic Complexity (Growth Lab) (2024)'
    >>> source_text("usgs usgs-mcs2025"), source_text("")
    ('USGS Mineral Commodity Summaries (2025)', '')
    """
    if not vintage:
        return ""
    parts = [_one_source(part.strip()) for part in str(vintage).split(";") if part.strip()]
    return "; ".join(dict.fromkeys(parts))
