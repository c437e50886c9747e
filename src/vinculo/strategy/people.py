"""Researchers as people (issue #13, parts 1-3): records parsed from open profiles, one
person per record, the diaspora rule with its evidence, and topic fit for matching.

No Django and no network: the web app (``vinculo.web.people``) stores what this module
parses and decides.

Sources and their documented shapes
-----------------------------------
- OpenAlex Author object (OpenAlex, "Author object",
  https://docs.openalex.org/api-entities/authors/author-object, read 2026-12-05): ``id``,
  ``orcid``, ``display_name``, ``display_name_alternatives``, ``affiliations`` — "the
  affiliations this author has claimed in their publications", each
  ``{institution: <dehydrated Institution: id, ror, display_name, country_code, ...>,
  years: [...]}`` —, ``last_known_institutions``, ``topics``, ``works_count``,
  ``cited_by_count``.
- ORCID public record, API v3.0 (ORCID, "orcid-model record_3.0 README",
  https://github.com/ORCID/orcid-model/blob/master/src/main/resources/record_3.0/README.md,
  read 2026-12-05): ``orcid-identifier.path``, ``person.name`` (``given-names.value``,
  ``family-name.value``, ``credit-name.value``), ``activities-summary.employments`` and
  ``.educations``: ``affiliation-group[].summaries[].employment-summary`` /
  ``education-summary`` with ``organization`` (``name``, ``address.country`` as ISO 3166
  alpha-2, ``disambiguated-organization``), ``start-date`` and ``end-date``
  (``{year: {value: "2010"}, month: ..., day: ...}``).

What is kept is the least needed (docs/privacy.md): names, public identifiers, the
affiliation history (institution, country, years), topics and two counts. No e-mail,
birth date, nationality or photograph is read from either source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from math import log, sqrt
from typing import Any, Literal

from vinculo.text.tokens import fold, tokenize

__all__ = [
    "Affiliation",
    "Evidence",
    "Fit",
    "IdentityMatch",
    "PeopleError",
    "Researcher",
    "Verdict",
    "diaspora",
    "identity_match",
    "idf_weights",
    "merge",
    "name_key",
    "normalise_openalex",
    "normalise_orcid",
    "parse_openalex_author",
    "parse_orcid_record",
    "priority_hits",
    "profile_stems",
    "rank_by_fit",
    "unit_vector",
]

HOME = "MX"

Kind = Literal["publication", "employment", "education", "scholarship", "declared"]


class PeopleError(ValueError):
    """A record that cannot be read; the message names the field."""


@dataclass(frozen=True)
class Affiliation:
    """One stay at an institution: where (institution, its ids, ISO2 country), when
    (first and last year, ``None`` = unknown; ``end`` ``None`` with ``current`` = ongoing)
    and what kind (``publication``: claimed in works, OpenAlex; ``employment`` and
    ``education``: ORCID; ``scholarship``: a scholarship abroad; ``declared``: a template
    row). ``source`` names the file or service it came from."""

    institution: str
    country: str | None = None
    start: int | None = None
    end: int | None = None
    kind: Kind = "publication"
    current: bool = False
    openalex_id: str | None = None
    ror: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Researcher:
    """A researcher as a source describes them (before any merge)."""

    name: str
    alternatives: tuple[str, ...] = ()
    orcid: str | None = None
    openalex_id: str | None = None
    affiliations: tuple[Affiliation, ...] = ()
    topics: tuple[str, ...] = ()
    works: int | None = None
    citations: int | None = None
    source: str = ""

    @property
    def current(self) -> tuple[Affiliation, ...]:
        """The current affiliations: those flagged current, else those reaching the
        latest year of any dated affiliation (employment/publication only)."""
        flagged = tuple(a for a in self.affiliations if a.current)
        if flagged:
            return flagged
        work = [a for a in self.affiliations if a.kind in ("publication", "employment", "declared")]
        ends = [a.end if a.end is not None else a.start for a in work]
        known = [e for e in ends if e is not None]
        if not known:
            return ()
        latest = max(known)
        return tuple(a for a, e in zip(work, ends, strict=True) if e == latest)


# -- identifiers and names ------------------------------------------------------------

_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
_OPENALEX = re.compile(r"(A\d+)$", re.IGNORECASE)


def normalise_orcid(value: str | None) -> str | None:
    """``0000-0002-1825-0097`` from an iD or its URL; ``None`` for empty; an error for
    anything else (the checksum is verified, ISO 7064 11,2 as ORCID documents)."""
    if value is None or not str(value).strip():
        return None
    match = _ORCID.search(str(value).strip().upper())
    if not match:
        raise PeopleError(f"orcid: {value!r} is not an ORCID iD")
    iD = match.group(1)
    digits = iD.replace("-", "")
    total = 0
    for d in digits[:-1]:
        total = (total + int(d)) * 2
    check = (12 - total % 11) % 11
    if digits[-1] != ("X" if check == 10 else str(check)):
        raise PeopleError(f"orcid: {value!r} fails the ORCID checksum")
    return iD


def normalise_openalex(value: str | None) -> str | None:
    """``A5023888391`` from an OpenAlex author id or URL."""
    if value is None or not str(value).strip():
        return None
    match = _OPENALEX.search(str(value).strip())
    if not match:
        raise PeopleError(f"openalex_id: {value!r} is not an OpenAlex author id")
    return match.group(1).upper()


def name_key(name: str) -> str:
    """A name's comparison key, accent-, case-, punctuation- and order-insensitive:
    ``"García López, Ana"`` and ``"Ana Garcia-Lopez"`` share ``"ana garcia lopez"``.
    Words of one letter (initials) are kept: ``"A. García"`` differs from ``"Ana García"``."""
    words = re.findall(r"[^\W_]+", fold(name))
    return " ".join(sorted(words))


# -- parsing -------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("value")
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _country(value: Any, where: str) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if not re.fullmatch(r"[A-Za-z]{2}", text):
        raise PeopleError(f"{where}: {text!r} is not an ISO 3166 alpha-2 country code")
    return text.upper()


def _year(value: Any, where: str) -> int | None:
    if value is None:
        return None
    text = _text(value.get("year") if isinstance(value, Mapping) else value)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise PeopleError(f"{where}: {text!r} is not a year") from None


def parse_openalex_author(data: Mapping[str, Any], *, source: str = "openalex") -> Researcher:
    """A :class:`Researcher` from an OpenAlex Author object (see the module docstring).
    Each affiliation's years give its first and last year; ``last_known_institutions``
    are flagged current."""
    if not isinstance(data, Mapping) or not data.get("id"):
        raise PeopleError("id: an OpenAlex author needs an id")
    name = _text(data.get("display_name"))
    if not name:
        raise PeopleError("display_name: missing")
    current_ids = {
        str(i.get("id")) for i in data.get("last_known_institutions") or [] if i.get("id")
    }
    affiliations: list[Affiliation] = []
    seen: set[str] = set()
    for n, item in enumerate(data.get("affiliations") or []):
        institution = item.get("institution") or {}
        where = f"affiliations[{n}]"
        years = [int(y) for y in item.get("years") or []]
        iid = institution.get("id")
        seen.add(str(iid))
        affiliations.append(
            Affiliation(
                institution=_text(institution.get("display_name")) or str(iid or "?"),
                country=_country(institution.get("country_code"), f"{where}.country_code"),
                start=min(years) if years else None,
                end=max(years) if years else None,
                kind="publication",
                current=str(iid) in current_ids,
                openalex_id=iid,
                ror=institution.get("ror"),
                source=source,
            )
        )
    for n, institution in enumerate(data.get("last_known_institutions") or []):
        if str(institution.get("id")) in seen:
            continue
        affiliations.append(
            Affiliation(
                institution=_text(institution.get("display_name")) or "?",
                country=_country(
                    institution.get("country_code"), f"last_known_institutions[{n}].country_code"
                ),
                kind="publication",
                current=True,
                openalex_id=institution.get("id"),
                ror=institution.get("ror"),
                source=source,
            )
        )
    topics = tuple(
        t["display_name"] for t in data.get("topics") or [] if _text(t.get("display_name"))
    )
    return Researcher(
        name=name,
        alternatives=tuple(a for a in data.get("display_name_alternatives") or [] if a != name),
        orcid=normalise_orcid(data.get("orcid")),
        openalex_id=normalise_openalex(str(data["id"])),
        affiliations=tuple(affiliations),
        topics=topics,
        works=data.get("works_count"),
        citations=data.get("cited_by_count"),
        source=source,
    )


def _orcid_section(
    activities: Mapping[str, Any], section: str, kind: Kind, source: str
) -> list[Affiliation]:
    summary_key = f"{kind}-summary"
    found: list[Affiliation] = []
    groups = (activities.get(section) or {}).get("affiliation-group") or []
    for g, group in enumerate(groups):
        for s, item in enumerate(group.get("summaries") or []):
            summary = item.get(summary_key) or {}
            where = f"activities-summary.{section}.affiliation-group[{g}].summaries[{s}]"
            organization = summary.get("organization") or {}
            address = organization.get("address") or {}
            disambiguated = organization.get("disambiguated-organization") or {}
            ror = None
            if disambiguated.get("disambiguation-source") == "ROR":
                ror = disambiguated.get("disambiguated-organization-identifier")
            end = summary.get("end-date")
            found.append(
                Affiliation(
                    institution=_text(organization.get("name")) or "?",
                    country=_country(
                        address.get("country"), f"{where}.organization.address.country"
                    ),
                    start=_year(summary.get("start-date"), f"{where}.start-date"),
                    end=_year(end, f"{where}.end-date"),
                    kind=kind,
                    current=kind == "employment" and end is None,
                    ror=ror,
                    source=source,
                )
            )
    return found


def parse_orcid_record(data: Mapping[str, Any], *, source: str = "orcid") -> Researcher:
    """A :class:`Researcher` from an ORCID v3.0 public record (see the module docstring).
    Employments without an end date are current; educations are degrees (a Mexican one
    counts as Mexican origin in :func:`diaspora`)."""
    identifier = (data.get("orcid-identifier") or {}).get("path")
    orcid = normalise_orcid(identifier)
    if orcid is None:
        raise PeopleError("orcid-identifier.path: missing")
    name = (data.get("person") or {}).get("name") or {}
    credit = _text(name.get("credit-name"))
    parts = [_text(name.get("given-names")), _text(name.get("family-name"))]
    full = " ".join(p for p in parts if p)
    display = credit or full
    if not display:
        raise PeopleError("person.name: neither credit-name nor given-names/family-name")
    activities = data.get("activities-summary") or {}
    affiliations = _orcid_section(activities, "employments", "employment", source)
    affiliations += _orcid_section(activities, "educations", "education", source)
    return Researcher(
        name=display,
        alternatives=(full,) if credit and full and full != credit else (),
        orcid=orcid,
        affiliations=tuple(affiliations),
        source=source,
    )


# -- one person, one record ------------------------------------------------------------


@dataclass(frozen=True)
class IdentityMatch:
    """Whether two records describe one person. ``kind``: ``orcid`` or ``openalex`` (the
    same identifier: merge), ``review`` (same name key and a shared institution, no
    conflicting identifier: a suggestion an authorised person must accept), ``none``."""

    kind: Literal["orcid", "openalex", "review", "none"]
    reason: str

    @property
    def merge(self) -> bool:
        return self.kind in ("orcid", "openalex")


def _institution_keys(r: Researcher) -> set[str]:
    keys: set[str] = set()
    for a in r.affiliations:
        if a.ror:
            keys.add(a.ror.rstrip("/").rsplit("/", 1)[-1].lower())
        keys.add(name_key(a.institution))
    return keys


def identity_match(a: Researcher, b: Researcher) -> IdentityMatch:
    """ORCID first, then OpenAlex id, then name + institution for review; never merges
    two records whose ORCIDs (or OpenAlex ids) differ, whatever their names."""
    if a.orcid and b.orcid:
        if a.orcid == b.orcid:
            return IdentityMatch("orcid", f"same ORCID {a.orcid}")
        return IdentityMatch("none", "different ORCIDs")
    if a.openalex_id and b.openalex_id:
        if a.openalex_id == b.openalex_id:
            return IdentityMatch("openalex", f"same OpenAlex id {a.openalex_id}")
        if a.orcid or b.orcid:
            return IdentityMatch("none", "different OpenAlex ids")
    names_a = {name_key(n) for n in (a.name, *a.alternatives)}
    names_b = {name_key(n) for n in (b.name, *b.alternatives)}
    if not names_a & names_b:
        return IdentityMatch("none", "different names")
    shared = _institution_keys(a) & _institution_keys(b)
    if not shared:
        return IdentityMatch("none", "same name, no shared institution")
    return IdentityMatch("review", "same name and a shared institution: review before merging")


# -- the diaspora rule -----------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One fact the rule used: what it shows (``origin``: first affiliation in the home
    country; ``degree``: a degree there; ``scholarship``: a scholarship abroad;
    ``current_abroad`` / ``current_home``: a current affiliation) and the affiliation."""

    fact: Literal["origin", "degree", "scholarship", "current_abroad", "current_home"]
    affiliation: Affiliation


@dataclass(frozen=True)
class Verdict:
    """The rule's verdict. ``status``: ``diaspora``, ``not_diaspora`` or ``unknown`` (no
    current affiliation with a country: the evidence does not say). ``reason`` is a code
    (see :func:`diaspora`); ``hosts`` the ISO2 countries of the current affiliations
    abroad; ``evidence`` the facts used."""

    status: Literal["diaspora", "not_diaspora", "unknown"]
    reason: str
    hosts: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)

    @property
    def in_diaspora(self) -> bool:
        return self.status == "diaspora"


def diaspora(researcher: Researcher, home: str = HOME) -> Verdict:
    """Whether ``researcher`` is in ``home``'s diaspora, and why.

    The rule: Mexican origin — the earliest dated affiliation with a country is in
    ``home``, or a degree (education) in ``home``, or a scholarship abroad —, AND every
    current affiliation with a known country is abroad. Reasons:

    - ``unknown_current``: no current affiliation has a country → ``unknown``;
    - ``current_home``: a current affiliation is in ``home`` (a returnee, or a joint
      appointment with one post at home) → ``not_diaspora``;
    - ``no_origin``: current abroad but no evidence of Mexican origin → ``not_diaspora``;
    - ``origin_and_abroad``: → ``diaspora``.
    """
    home = home.upper()
    current = [a for a in researcher.current if a.country]
    if not current:
        return Verdict("unknown", "unknown_current")
    at_home = [a for a in current if a.country == home]
    abroad = [a for a in current if a.country != home]
    hosts = tuple(sorted({a.country for a in abroad if a.country}))
    evidence = [Evidence("current_home", a) for a in at_home]
    evidence += [Evidence("current_abroad", a) for a in abroad]
    if at_home:
        return Verdict("not_diaspora", "current_home", hosts, tuple(evidence))
    origin: list[Evidence] = []
    dated = [a for a in researcher.affiliations if a.country and a.start is not None]
    if dated:
        first = min(a.start for a in dated if a.start is not None)
        origin += [Evidence("origin", a) for a in dated if a.start == first and a.country == home]
    origin += [
        Evidence("degree", a)
        for a in researcher.affiliations
        if a.kind == "education" and a.country == home
    ]
    origin += [
        Evidence("scholarship", a) for a in researcher.affiliations if a.kind == "scholarship"
    ]
    if not origin:
        return Verdict("not_diaspora", "no_origin", hosts, tuple(evidence))
    return Verdict("diaspora", "origin_and_abroad", hosts, tuple(origin + evidence))


# -- topic fit -------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """How well a researcher fits a text: ``score`` in [0, 1] (cosine of TF-IDF vectors
    of stems, IDF over the candidates), the shared ``terms`` (stems, heaviest first) and
    the researcher's ``topics`` that contain one of them."""

    index: int
    score: float
    terms: tuple[str, ...]
    topics: tuple[str, ...]


def _vector(stems: Iterable[str], idf: Mapping[str, float]) -> dict[str, float]:
    counts: dict[str, float] = {}
    for s in stems:
        counts[s] = counts.get(s, 0.0) + 1.0
    return {s: c * idf.get(s, 0.0) for s, c in counts.items()}


def idf_weights(df: Mapping[str, int], n: int) -> dict[str, float]:
    """Smoothed inverse document frequency of each stem: ``log((1 + n) / (1 + df)) + 1``,
    ``df`` the number of profiles (of ``n``) holding the stem."""
    return {s: log((1 + n) / (1 + c)) + 1.0 for s, c in df.items()}


def profile_stems(topics: Sequence[str]) -> list[list[str]]:
    """The stems of each topic (:func:`vinculo.text.tokens.tokenize`)."""
    return [tokenize(t) for t in topics]


def unit_vector(stems: Iterable[str], idf: Mapping[str, float]) -> dict[str, float]:
    """The TF-IDF vector of ``stems`` divided by its norm (empty if the norm is 0): the
    weights whose dot product with a query's is :func:`rank_by_fit`'s score."""
    vector = _vector(stems, idf)
    norm = sqrt(sum(v * v for v in vector.values()))
    return {s: v / norm for s, v in vector.items()} if norm else {}


def rank_by_fit(
    text: str,
    profiles: Sequence[Sequence[str]],
    *,
    top: int | None = None,
    idf: Mapping[str, float] | None = None,
) -> list[Fit]:
    """Rank ``profiles`` (each a researcher's topics, as texts) by their fit to ``text``
    (an opportunity's title and description), best first; profiles sharing no stem with
    the text are left out. Stems come from :func:`vinculo.text.tokens.tokenize`, so
    Spanish and English meet (``baterías`` / ``batteries``). The IDF is the given one (a
    corpus's, :func:`idf_weights`) or, by default, the profiles' own."""
    stemmed = [profile_stems(topics) for topics in profiles]
    if idf is None:
        documents = [{s for topic in p for s in topic} for p in stemmed]
        df: dict[str, int] = {}
        for d in documents:
            for s in d:
                df[s] = df.get(s, 0) + 1
        idf = idf_weights(df, len(documents))
    query = _vector(tokenize(text), idf)
    q_norm = sqrt(sum(v * v for v in query.values()))
    fits: list[Fit] = []
    for i, topics in enumerate(stemmed):
        vector = _vector((s for topic in topics for s in topic), idf)
        shared = {s for s in set(vector) & set(query) if vector[s] * query[s]}
        if not shared or not q_norm:
            continue
        dot = sum(vector[s] * query[s] for s in shared)
        norm = sqrt(sum(v * v for v in vector.values()))
        terms = tuple(sorted(shared, key=lambda s: (-vector[s] * query[s], s)))
        hit = tuple(profiles[i][j] for j, topic in enumerate(topics) if shared.intersection(topic))
        fits.append(Fit(i, dot / (norm * q_norm), terms, hit))
    fits.sort(key=lambda f: (-f.score, f.index))
    return fits[:top] if top is not None else fits


def merge(a: Researcher, b: Researcher) -> Researcher:
    """One record from two that :func:`identity_match` says are one person (an
    identifier match or an accepted review): ``a``'s name, both records' names as
    alternatives, identifiers from either, all affiliations (duplicates dropped), topics
    in order, the larger counts. Refuses records with conflicting identifiers."""
    for attribute in ("orcid", "openalex_id"):
        x, y = getattr(a, attribute), getattr(b, attribute)
        if x and y and x != y:
            raise PeopleError(f"{attribute}: {x} and {y} are different people")
    names = [n for n in (*a.alternatives, b.name, *b.alternatives) if n != a.name]
    affiliations = tuple(dict.fromkeys((*a.affiliations, *b.affiliations)))
    counts = [(x, y) for x, y in ((a.works, b.works), (a.citations, b.citations))]
    works, citations = (max((v for v in pair if v is not None), default=None) for pair in counts)
    return Researcher(
        name=a.name,
        alternatives=tuple(dict.fromkeys(names)),
        orcid=a.orcid or b.orcid,
        openalex_id=a.openalex_id or b.openalex_id,
        affiliations=affiliations,
        topics=tuple(dict.fromkeys((*a.topics, *b.topics))),
        works=works,
        citations=citations,
        source=", ".join(s for s in dict.fromkeys((a.source, b.source)) if s),
    )


def priority_hits(topics: Sequence[str], keywords: Iterable[str]) -> tuple[str, ...]:
    """The ``keywords`` (a priority's, in any language) that one of ``topics`` contains
    whole: every word stem of the keyword among the topic's stems
    (:func:`vinculo.text.tokens.tokenize`, so "Sodium-ion battery cells" holds "sodium-ion
    batteries" and "baterías de ion-sodio"). A shared word alone is not enough: "systems"
    does not put a satellite engineer among battery management systems.

    >>> priority_hits(["Lithium-ion battery electrolytes"], ["lithium", "lithium brines"])
    ('lithium',)
    >>> priority_hits(["Satellite communication systems"], ["battery management systems"])
    ()
    """
    stems = [set(tokenize(topic)) for topic in topics]
    hits = []
    for keyword in keywords:
        wanted = set(tokenize(keyword))
        if wanted and any(wanted <= topic for topic in stems):
            hits.append(keyword)
    return tuple(hits)
