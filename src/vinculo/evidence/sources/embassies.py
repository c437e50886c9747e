"""Diplomatic missions with their coordinates, from the Wikidata-derived "database of
embassies".

Publisher
---------
Wikidata contributors, exported by SPARQL in github.com/database-of-embassies/
database-of-embassies (``database_of_embassies.csv``, commit ``b1987a6``, 2022-11-16; the
staged copy is ``embassies_wikidata_2022/``). Licence: Wikidata content is CC0 1.0. One row
per mission: ``operator`` (the sending state, English name), ``jurisdictions`` (the states
it is accredited to, ``|``-separated), ``country`` and ``city`` (where it stands),
``latitude``, ``longitude``, ``website``, ``type`` (embassy, consulate general...) and
``QID``. The original is ``;``-separated with a trailing ``;``; the staged subsets are
comma-separated: both are read.

What is read
------------
:func:`missions` returns one :class:`Mission` per row of the operator and kinds asked for,
with the **host country** as ISO3: the country it stands in, unless that country is not
among its jurisdictions (Mexico's embassy to the Holy See stands in Rome: its host is the
Vatican). English country names are matched through CLDR's English names, pycountry's
names and :data:`NAMES` (Wikidata's long forms, each checked by hand); a name matched by
none is reported in :attr:`Missions.unmatched` and the row left out — never guessed. Rows
without coordinates are left out too (counted in :attr:`Missions.without_coordinates`).
No contact field (phone, e-mail) is read.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pycountry
from babel import Locale

from vinculo.evidence.countries import locations_table
from vinculo.evidence.sources.conacyt_becas import fold
from vinculo.evidence.store import EvidenceError

__all__ = ["NAMES", "STAGED", "Mission", "Missions", "iso3_by_english_name", "missions"]

#: where the original file lives below a mirror folder (the staged data's layout)
STAGED = "embassies_wikidata_2022/database_of_embassies.csv"

#: Wikidata's English country names that CLDR and pycountry do not have (folded)
NAMES: dict[str, str] = {
    "kingdom of denmark": "DNK",
    "kingdom of the netherlands": "NLD",
    "people's republic of china": "CHN",
    "republic of ireland": "IRL",
    "united states of america": "USA",
    "czech republic": "CZE",
    "turkey": "TUR",
    "state of palestine": "PSE",
    "vatican city": "VAT",
    "federated states of micronesia": "FSM",
    "the gambia": "GMB",
    "the bahamas": "BHS",
}


@cache
def _english_names() -> dict[str, str]:
    countries = locations_table()
    countries = countries[countries["kind"] == "country"].dropna(subset=["iso2"])
    by_iso2 = dict(zip(countries["iso2"], countries["code"], strict=True))
    names: dict[str, str] = {}
    for key, name in Locale.parse("en").territories.items():
        if key in by_iso2:
            names.setdefault(fold(name), by_iso2[key])
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names.setdefault(fold(value), country.alpha_3)
    return names


def iso3_by_english_name(name: str) -> str | None:
    """The ISO3 code of an English country name as Wikidata writes it; None if unknown.

    >>> [iso3_by_english_name(n) for n in ("People's Republic of China", "Germany", "Atlantis")]
    ['CHN', 'DEU', None]
    """
    key = fold(name)
    return NAMES.get(key) or _english_names().get(key)


@dataclass(frozen=True)
class Mission:
    host: str  # ISO3 of the state it is accredited to (see the module's note)
    city: str
    kind: str  # "embassy" or "consulate" (consulates general and honorary ones too)
    latitude: float
    longitude: float
    qid: str  # Wikidata item, e.g. "Q23925187"
    website: str
    jurisdictions: tuple[str, ...]  # ISO3 of every state it is accredited to (matched ones)


@dataclass
class Missions:
    found: list[Mission] = field(default_factory=list)
    unmatched: dict[str, int] = field(default_factory=dict)  # country name: rows
    without_coordinates: int = 0


_KINDS = {
    "embassy": "embassy",
    "consulate general": "consulate",
    "consulate": "consulate",
    "honorary consulate": "consulate",
}


def missions(
    path: str | Path, *, operator: str = "Mexico", kinds: tuple[str, ...] = ("embassy",)
) -> Missions:
    """The missions of ``operator`` of the ``kinds`` asked (``embassy``, ``consulate``) in
    the file at ``path``, in the file's order. A file without the expected columns is an
    :class:`EvidenceError` naming the file and the column."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            header = handle.readline()
            delimiter = ";" if header.count(";") > header.count(",") else ","
            handle.seek(0)
            rows = list(csv.DictReader(handle, delimiter=delimiter))
    except (OSError, UnicodeDecodeError) as error:
        raise EvidenceError(f"{path}: cannot be read ({error})") from error
    needed = ("operator", "jurisdictions", "country", "city", "latitude", "longitude", "type")
    columns = set(rows[0]) if rows else set()
    for column in needed:
        if column not in columns:
            raise EvidenceError(f"{path}: no column {column!r} (is it the embassies file?)")
    result = Missions()
    for line, row in enumerate(rows, start=2):
        kind = _KINDS.get((row["type"] or "").strip())
        if (row["operator"] or "").strip() != operator or kind not in kinds:
            continue
        country = (row["country"] or "").strip()
        accredited = [j.strip() for j in (row["jurisdictions"] or "").split("|") if j.strip()]
        host_name = country if country in accredited or not accredited else accredited[0]
        host = iso3_by_english_name(host_name)
        if host is None:
            result.unmatched[host_name] = result.unmatched.get(host_name, 0) + 1
            continue
        try:
            latitude, longitude = float(row["latitude"]), float(row["longitude"])
        except (TypeError, ValueError):
            result.without_coordinates += 1
            continue
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise EvidenceError(
                f"{path}, row {line}, field latitude/longitude: {latitude}, {longitude} "
                "is not a position on Earth"
            )
        codes = tuple(c for c in (iso3_by_english_name(j) for j in accredited) if c)
        result.found.append(
            Mission(
                host=host,
                city=(row["city"] or "").strip(),
                kind=kind,
                latitude=latitude,
                longitude=longitude,
                qid=(row.get("QID") or "").rsplit("/", 1)[-1],
                website=(row.get("website") or "").strip(),
                jurisdictions=codes,
            )
        )
    return result
