"""Names for people where the snapshot holds codes: countries by their name in the user's
language (sorted and searched without regard to accents or case), evidence sources by the
publisher's name and vintage instead of the store's dataset ids."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from vinculo.strategy.i18n import country_name
from vinculo.strategy.naming import naming_policy
from vinculo.text.tokens import fold, name_key

__all__ = [
    "country_label",
    "current_countries",
    "excluded",
    "fold",
    "matches",
    "name_key",
    "policy_version",
    "present_partner",
    "shown_partners",
    "source_text",
]


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


def country_label(code: str | None, language: str) -> str:
    """A country's name in the language from its ISO3 code ("" for none), as the
    diplomatic naming policy in force names it (:mod:`vinculo.strategy.naming`)."""
    if not code:
        return ""
    return _label(code, language, naming_policy().version)


@cache
def _label(code: str, language: str, version: str) -> str:
    return country_name(code, language)


def policy_version() -> str:
    """What changes when the naming policy does (part of the keys of derived pages)."""
    return naming_policy().version


def present_partner(entry: dict[str, Any]) -> dict[str, Any]:
    """A ranked partner of the snapshot as it is shown now: named by the policy in force
    where it names the country (the snapshot's names may predate the policy file), else
    by the snapshot, with ``naming``, the policy's flag beside it (category, candidate
    treatment, caveat per language; None for none)."""
    code = str(entry.get("partner", ""))
    policy = naming_policy()
    names = dict(entry.get("names") or {})
    for language in ("es", "en"):
        names[language] = policy.name(code, language) or names.get(language) or code
    return {**entry, "names": names, "naming": policy.flag(code)}


def shown_partners(ranked: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The snapshot's ranked partners as every page, endpoint and export shows them: the
    ones the policy excludes left out (the model's ranks of the others kept), the others
    named and flagged by :func:`present_partner`. The snapshot keeps the whole ranking."""
    return [present_partner(entry) for entry in naming_policy().shown(ranked)]


def excluded(code: str | None) -> bool:
    """Whether the policy keeps ``code`` out of candidate partners."""
    return naming_policy().excluded(code)


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
