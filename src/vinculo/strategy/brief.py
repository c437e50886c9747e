"""The brief for a post: what an embassy or consulate needs to know about cooperating with
its host country on the home country's priorities, in Spanish or English, as HTML or PDF.

A brief holds, for one host country:

* the home country's priorities, ordered by the host's standing among each priority's
  candidate partners (rank / candidates, best first; ties by score, then by the
  priorities file's order; not a candidate: last) — with the host's rank, score, rank
  range under ±20 % weight changes, each factor's value, weight and contribution, and the
  reasons; when the host is not a candidate (too little evidence) the brief says so and
  gives no rank;
* the capability comparison per priority: home and host specialization (activity index,
  RCA), its percentile and the world share, per component and basis, with the year and the
  vintage;
* co-authored works per year (all fields) between the two countries;
* each value chain's stages with both countries' RCA and the world leaders;
* the host's counterpart institutions per priority, as curated in the web app with their
  sources (never keyword matches);
* every dataset of the evidence store with its vintage.

The work is split in two: :func:`collect_evidence` computes everything that does not
depend on the language (the slow part: one partner recommendation per priority), and
:func:`localize` turns it into a :class:`Brief` in one language; :func:`build_brief` does
both. :func:`render_html` renders a brief with the package's Jinja2 template (autoescaped,
CSS and SVG charts inline, nothing loaded from outside), :func:`write_brief` writes it as
HTML or PDF (WeasyPrint).
"""

from __future__ import annotations

import functools
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from vinculo.strategy import svg
from vinculo.strategy.capability import (
    COMPONENTS,
    LEADER_MIN_SHARE,
    SPECIALIZATION,
    WORLD_POSITION_MIN,
    CapabilityModel,
    MissingEvidenceError,
    gap_from_shares,
    row_of,
)
from vinculo.strategy.chain import ChainView, stage_table, value_chain
from vinculo.strategy.forums import ForumRegistry, default_forums
from vinculo.strategy.i18n import (
    ENGLISH,
    LANGUAGES,
    Message,
    country_name,
    message,
    number,
    percent,
    text,
)
from vinculo.strategy.naming import naming_policy
from vinculo.strategy.partners import (
    _MIN_COMPONENTS,
    _MIN_SHARE,
    FACTORS,
    Recommendation,
    co_authorship_series,
    recommend,
)
from vinculo.strategy.priorities import Priority
from vinculo.strategy.reciprocity import Reciprocity, product_names
from vinculo.strategy.talent import Talent, talent_with
from vinculo.strategy.transfer import TransferModel, default_transfer_models

__all__ = [
    "Brief",
    "CapabilityRow",
    "ChainSection",
    "Coauthorship",
    "ContextEntry",
    "FactorRow",
    "InstitutionEntry",
    "InstitutionRow",
    "Leader",
    "NextStep",
    "PostContext",
    "PostEvidence",
    "PriorityBrief",
    "PriorityEvidence",
    "SourceRow",
    "StageRow",
    "Standing",
    "build_brief",
    "collect_evidence",
    "country_name",
    "localize",
    "render_html",
    "write_brief",
]

_LOCALES = {"es": "es_MX", "en": "en_US"}
_HTML_LANG = {"es": "es-MX", "en": "en-US"}
_TOP = 3  # candidates named beside the host's standing
_TABLE_YEARS = 10  # years of co-authorship in the table (the chart shows them all)
_TREND_YEARS = 5
#: The factors that do not depend on the priority: said once, in the scoring annex.
_PARTNER_LEVEL = ("ties", "capacity", "proximity")
#: The glossary's terms (catalogue keys "glossary.<term>": "term|meaning"), in its order.
_GLOSSARY = (
    "world_share", "rank", "activity_index", "rca", "intensity", "score", "frontier", "gap",
    "candidate", "partner_score", "strength", "complementarity", "ties", "association",
    "capacity", "proximity", "sensitivity", "hs", "stage", "density",
)  # fmt: skip


# ---------------------------------------------------------------- the evidence (any language)


@dataclass(frozen=True)
class PriorityEvidence:
    """What the store says about one priority for the host, before it is put into words."""

    priority: Priority
    recommendations: tuple[Recommendation, ...]  # every candidate, best first
    host: Recommendation | None  # the host's recommendation; None when not a candidate
    missing: str | None  # why there is no standing: "no_evidence", "components", "share"...
    capability: pd.DataFrame  # model.positions() rows (primary bases, indicators): home, host
    leaders: pd.DataFrame  # model.leaders() rows of the priority
    absent: dict[str, dict[str, str]]  # component -> language -> why there is no evidence
    offers: tuple[Any, ...]  # what the home country offers the host (i18n Messages)
    stages: pd.DataFrame | None  # chain.stage_table (every country); None without a chain
    chain: ChainView | None  # the home country's view of the chain; None when unavailable


@dataclass(frozen=True)
class PostEvidence:
    """Everything a brief shows, language apart: :func:`collect_evidence`'s result."""

    home: str
    host: str
    programme: dict[str, str]  # the priorities file's title per language
    indicator_names: dict[str, dict[str, str]]  # infrastructure indicator -> names
    weights: dict[str, float]
    priorities: tuple[PriorityEvidence, ...]  # in the priorities file's order
    coauthorship: pd.DataFrame  # year, works, source, vintage
    datasets: pd.DataFrame  # store.datasets()
    institutions_vintage: str
    talent: Talent | None = None  # scholarships and scholars' migration with the host


def _check_host(model: CapabilityModel, host: str) -> str:
    code = host.strip().upper()
    known = set(model.store.execute("SELECT code FROM locations WHERE kind = 'country'")["code"])
    if code not in known:
        raise ValueError(f"host {host!r} is not a country's ISO 3166 alpha-3 code (e.g. FRA)")
    if code == model.priorities.home:
        raise ValueError(f"host {code} is the home country: a brief is for a post abroad")
    return code


def _not_candidate(scores: pd.DataFrame, host: str) -> str:
    """Why the host is missing from a priority's candidates (a catalogue key suffix)."""
    mine = scores[scores["country"] == host]
    components = mine.groupby("component")["score"].mean().notna().sum()
    present = scores["component"].nunique()
    if components < min(_MIN_COMPONENTS, present):
        return "components"
    if not (mine["world_share"] >= _MIN_SHARE).any():
        return "share"
    return "unknown"


def collect_evidence(model: CapabilityModel, host: str) -> PostEvidence:
    """Everything the brief for the post in ``host`` (ISO3) shows, in no language yet.

    Runs the partner recommendation of every priority (the slow part: about 2 s each on the
    staged data). Raises :class:`MissingEvidenceError` when the store holds no evidence for
    any priority, ``ValueError`` when ``host`` is not a country or is the home country.
    """
    model.require()
    host = _check_host(model, host)
    home = model.priorities.home
    scores = model.scores()
    positions = model.positions()
    leaders = model.leaders()
    giving = Reciprocity.of(model)
    collected = []
    for priority in model.priorities.priorities:
        mine = scores[scores["priority"] == priority.id]
        indicators = {i.indicator for i in priority.infrastructure}
        shown = positions[
            (positions["priority"] == priority.id)
            & (positions["primary"] | positions["basis"].isin(indicators))
            & positions["country"].isin([home, host])
        ]
        stages = stage_table(model, priority.id) if priority.chain else None
        recommendations: list[Recommendation] = []
        missing: str | None = None
        try:
            recommendations = recommend(model, priority.id, chain=stages)
        except MissingEvidenceError:
            missing = "no_evidence"
        found = [r for r in recommendations if r.partner == host]
        if not found and missing is None:
            missing = _not_candidate(mine, host)
        chain: ChainView | None = None
        if priority.chain and stages is not None and not stages.empty:
            try:
                chain = value_chain(model, priority.id, home)
            except MissingEvidenceError:
                chain = None
        offers = found[0].offers if found else giving.offers(host, priority.id, chain=stages)
        collected.append(
            PriorityEvidence(
                priority=priority,
                recommendations=tuple(recommendations),
                host=found[0] if found else None,
                missing=missing,
                capability=shown.reset_index(drop=True),
                leaders=leaders[leaders["priority"] == priority.id].reset_index(drop=True),
                absent=model.absent(priority.id) if not mine.empty else {},
                offers=tuple(offers),
                stages=stages,
                chain=chain,
            )
        )
    datasets = model.store.datasets()
    ror = datasets[datasets["canonical_table"] == "institutions"]
    return PostEvidence(
        home=home,
        host=host,
        programme=dict(model.priorities.title),
        indicator_names={
            i.indicator: dict(i.name) for p in model.priorities.priorities for i in p.infrastructure
        },
        weights=model.priorities.weights.as_dict(),
        priorities=tuple(collected),
        coauthorship=co_authorship_series(model, home, host),
        datasets=datasets,
        institutions_vintage="; ".join(
            sorted({f"{s} {v}" for s, v in zip(ror["source"], ror["vintage"], strict=True)})
        ),
        talent=talent_with(model, home, host, top=3),
    )


# ---------------------------------------------------------------- the brief (one language)


@dataclass(frozen=True)
class FactorRow:
    """One factor of the host's score: its value (0–1), weight, contribution and reasons."""

    factor: str
    name: str
    value: float
    weight: float
    contribution: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Standing:
    """The host among a priority's candidate partners."""

    rank: int
    candidates: int
    score: float
    complementarity: float
    rank_range: tuple[int, int]
    stable: bool
    factors: tuple[FactorRow, ...]
    top: tuple[tuple[str, float], ...]  # (name, score) of the first candidates


@dataclass(frozen=True)
class CapabilityRow:
    """One component (or one infrastructure indicator) of a priority: home and host side
    by side on both axes, with the frontier and the home country's gap to it."""

    component: str
    component_name: str
    basis: str  # the taxonomy, classification or indicator (its name for an indicator)
    year: int
    metric: str  # the specialization metric's name
    home_value: float | None  # specialization (shrunk)
    host_value: float | None
    home_share: float | None
    host_share: float | None
    home_rank: int | None  # by world share among the ranked countries
    host_rank: int | None
    countries: int  # ranked countries
    world_position: bool  # at least WORLD_POSITION_MIN countries ranked
    home_score: float | None  # 0-100
    host_score: float | None
    frontier: str | None  # the frontier country's name
    frontier_share: float | None
    gap: float | None  # the home country's gap to the frontier (0-100, log scale)
    vintage: str
    indicator: bool = False  # one indicator of the infrastructure component


@dataclass(frozen=True)
class Leader:
    """A world leader of a stage (by share of world exports)."""

    code: str
    name: str
    world_share: float
    rca: float


@dataclass(frozen=True)
class StageRow:
    """One value-chain stage: both countries' RCA and percentile, and the world leaders."""

    id: str
    name: str
    classification: str
    year: int
    home_rca: float | None
    host_rca: float | None
    home_score: float | None
    host_score: float | None
    leaders: tuple[Leader, ...]
    vintage: str
    resources: tuple[str, ...] = ()  # sentences on the stage's infrastructure indicators


@dataclass(frozen=True)
class NextStep:
    """The product of the chain closest to what the home country already exports."""

    product: str  # the HS heading's code
    stage: str
    density: float
    why: str  # the priorities file's note (English); shown in English briefs only
    name: str = ""  # the heading's short name in the brief's language


@dataclass(frozen=True)
class ChainSection:
    """A priority's value chain; ``stages`` is empty when the store has no exports for it."""

    stages: tuple[StageRow, ...]
    gap_stage: str | None
    next_step: NextStep | None
    host_ahead: int  # stages where the host's score is above the home country's
    host_stages: tuple[str, ...] = ()  # their names, upstream first
    gap_host_ahead: bool | None = None  # is the host ahead at the home country's gap stage?


@dataclass(frozen=True)
class InstitutionRow:
    """A counterpart institution of a priority as the brief shows it (curated, sourced)."""

    name: str
    acronym: str
    city: str
    kind: str  # one of INSTITUTION_KINDS
    source: str  # "publisher, title, date" in the brief's language
    url: str


@dataclass(frozen=True)
class PriorityBrief:
    """One priority as the brief shows it."""

    id: str
    name: str
    description: str
    position: int  # 1 = where the host can help most
    standing: Standing | None
    note: str | None  # why there is no standing
    capabilities: tuple[CapabilityRow, ...]
    absent: tuple[str, ...]  # sentences: components without evidence, and why
    offers: tuple[str, ...]  # what the home country offers the host in this priority
    chain: ChainSection | None  # None: the priority declares no chain
    institutions: tuple[InstitutionRow, ...]  # curated by the post, with sources
    general_offers: tuple[str, ...] = ()  # what it offers at large (the same everywhere)
    headline_offers: tuple[str, ...] = ()  # the offers where it holds ≥ 1 % of the world


@dataclass(frozen=True)
class Coauthorship:
    """Works co-authored by the two countries per year."""

    years: tuple[tuple[int, float], ...]
    source: str
    vintage: str

    @property
    def latest(self) -> tuple[int, float] | None:
        return self.years[-1] if self.years else None

    def before(self, years: int = _TREND_YEARS) -> tuple[int, float] | None:
        """The figure ``years`` before the latest, when known."""
        if not self.years:
            return None
        wanted = self.years[-1][0] - years
        return next((y for y in self.years if y[0] == wanted), None)


@dataclass(frozen=True)
class SourceRow:
    """A dataset of the evidence store."""

    table: str
    table_name: str
    source: str
    name: str
    vintage: str
    rows: int
    retrieved: str
    publisher: str = ""  # the source's name for people (OpenAlex, NSF-NCSES...)
    file: str = ""


#: How many priorities, asks and offers page 1 names.
_SUMMARY_PRIORITIES = 5
_SUMMARY_ASKS = 4
_SUMMARY_OFFERS = 3
_LEADING = 5  # "among the five leading candidates" in the bottom line
_SPECIFIC_OFFERS = ("offer.component", "offer.stage")  # the rest are the same everywhere
_ASK_MIN_LEAD = 10.0  # capability-score points: a lead that makes another component's ask
_GENERAL_OFFERS = 1  # general offers on page 1 (after the priority-specific ones)


@dataclass(frozen=True)
class Ask:
    """A component of a summary priority where the host is stronger than the home country
    (capability score) and holds at least 1 % of the world: what to ask the host for. The
    figures are the capability table's own row."""

    priority: str  # the priority's name
    priority_id: str
    row: CapabilityRow


@dataclass(frozen=True)
class SummaryPriority:
    """A priority on page 1 and the one figure that says why: the host's strongest
    component in it (the capability table's row), when one holds at least 1 % of the world."""

    item: PriorityBrief
    evidence: CapabilityRow | None


@dataclass(frozen=True)
class Summary:
    """Page 1: the bottom line, the priorities where the host can help most (in the brief's
    order), the asks, what the home country offers, talking points and sensitivities."""

    priorities: tuple[SummaryPriority, ...]
    leading: tuple[PriorityBrief, ...]  # where the host is among the first _LEADING
    best: PriorityBrief | None  # the host's best standing (when not among the leading)
    asks: tuple[Ask, ...]
    offers: tuple[tuple[str, str], ...]  # (the priority's name or "", the sentence)
    talking: tuple[str, ...]
    sensitivities: tuple[str, ...]


def _strongest(item: PriorityBrief) -> CapabilityRow | None:
    """The host's strongest component of a priority (score, then share) among those where
    it is ahead of the home country (any, when it is ahead in none), of the rows with a
    world position and at least 1 % of the world."""
    rows = [
        r
        for r in item.capabilities
        if not r.indicator
        and r.world_position
        and r.host_share is not None
        and r.host_share >= LEADER_MIN_SHARE
        and r.host_score is not None
        and r.host_rank is not None
    ]
    if not rows:
        return None
    # where the host leads the home country clearly first, then where it leads at all:
    # that is what it can help with; its largest component otherwise

    def lead(r: CapabilityRow) -> float:
        return (r.host_score or 0.0) - (r.home_score or 0.0)

    return max(
        rows,
        key=lambda r: (
            lead(r) >= _ASK_MIN_LEAD,
            lead(r) > 0,
            r.host_score or 0.0,
            r.host_share or 0.0,
        ),
    )


def _asks(ranked: list[PriorityBrief], shown: dict[str, CapabilityRow | None]) -> tuple[Ask, ...]:
    """One ask per summary priority (in the brief's order): its component where the host's
    capability score most exceeds the home country's, the host holding ≥ 1 % of the
    world — preferring, among those with a clear lead, a component not yet asked for and
    not the one page 1 already quotes as the priority's evidence (``shown``)."""
    asks: list[Ask] = []
    used: set[str] = set()  # components asked for already: the next ask prefers another
    for item in ranked:
        rows = [
            r
            for r in item.capabilities
            if not r.indicator
            and r.world_position
            and r.host_score is not None
            and r.home_score is not None
            and r.host_score > r.home_score
            and r.host_share is not None
            and r.home_share is not None
            and r.host_share >= LEADER_MIN_SHARE
        ]
        rows.sort(key=lambda r: -((r.host_score or 0.0) - (r.home_score or 0.0)))
        evidence = shown.get(item.id)
        clear = [r for r in rows if (r.host_score or 0.0) - (r.home_score or 0.0) >= _ASK_MIN_LEAD]
        fresh = [r for r in clear if r.component not in used and r is not evidence] or [
            r for r in clear if r is not evidence
        ]
        if rows:
            row = (fresh or rows)[0]
            used.add(row.component)
            asks.append(Ask(item.name, item.id, row))
        if len(asks) == _SUMMARY_ASKS:
            break
    return tuple(asks)


def _summary(
    priorities: list[PriorityBrief],
    language: str,
    host: str,
    candidates: set[str],
    talking: tuple[str, ...],
) -> Summary:
    standing = [p for p in priorities if p.standing]
    ranked = standing[:_SUMMARY_PRIORITIES]
    leading = tuple(p for p in standing if p.standing and p.standing.rank <= _LEADING)
    best = None
    if standing and not leading:
        best = min(standing, key=lambda p: (p.standing.rank if p.standing else 0, p.position))
    offers: list[tuple[str, str]] = []
    for item in priorities:  # the priority-specific offers first, in the brief's order
        if item.headline_offers and item.headline_offers[0] not in {o for _, o in offers}:
            offers.append((item.name, item.headline_offers[0]))
        if len(offers) == _SUMMARY_OFFERS - _GENERAL_OFFERS:
            break
    general = next((p.general_offers for p in priorities if p.general_offers), ())
    for offer in general[: _SUMMARY_OFFERS - len(offers)]:
        offers.append(("", offer))
    sensitivities = naming_policy().caveats(candidates | {host}, language)
    shown = {p.id: _strongest(p) for p in ranked}
    return Summary(
        priorities=tuple(SummaryPriority(p, shown[p.id]) for p in ranked),
        leading=leading,
        best=best,
        asks=_asks(ranked, shown),
        offers=tuple(offers),
        talking=talking,
        sensitivities=tuple(sensitivities),
    )


@dataclass(frozen=True)
class ContextEntry:
    """One entry of a post's own section (an agreement, an opportunity, a counterpart, an
    event): its text, its date (signature, deadline, meeting) and an optional status."""

    text: str
    date: date | None = None
    status: str = ""


INSTITUTION_KINDS = ("research", "company", "government")


@dataclass(frozen=True)
class InstitutionEntry:
    """A host institution a person chose for a priority, with the source of that choice
    (curated in the web app: never a keyword match). ``kind`` is one of
    :data:`INSTITUTION_KINDS`: research bodies, companies and government agencies are
    listed apart."""

    priority: str  # the priority's id
    name: str  # the official name in the host's language
    kind: str
    acronym: str = ""
    city: str = ""
    source_title: str = ""
    source_publisher: str = ""
    source_url: str = ""
    source_date: date | None = None


@dataclass(frozen=True)
class PostContext:
    """What the post knows that the evidence does not: the fixed sections of the brief.
    The web app fills it per post; an empty list or text makes the section say that the
    post is to complete it, never disappear."""

    legal_framework: str = ""
    agreements: tuple[ContextEntry, ...] = ()
    opportunities: tuple[ContextEntry, ...] = ()
    counterparts: tuple[ContextEntry, ...] = ()
    agenda: tuple[ContextEntry, ...] = ()
    institutions: tuple[InstitutionEntry, ...] = ()  # curated, per priority
    version: str = ""  # what changes when the post's data change (shown on the cover)


POST_KINDS = ("embassy", "consulate")


@dataclass(frozen=True)
class ContextSection:
    """One fixed section as the brief shows it: its id, its heading, and its text or
    entries (already localized), or ``pending`` (the post is to complete it)."""

    id: str
    heading: str
    text: str
    entries: tuple[tuple[str, str, str], ...]  # (date text, text, status)
    pending: str


@dataclass(frozen=True)
class TransferFactRow:
    """One sourced fact of the host's transfer model, as the brief shows it."""

    text: str
    source: str  # "publisher, «title», date"
    url: str
    quote: str


@dataclass(frozen=True)
class TransferSection:
    """The host's technology-transfer model and IP regime: per known dimension its
    sourced facts; the dimensions no fact covers are named, never shown as facts."""

    heading: str
    intro: str
    dimensions: tuple[tuple[str, tuple[TransferFactRow, ...]], ...]  # (name, facts)
    unknown: str  # "" when every dimension is sourced
    record: str  # the record's version and review date, or that there is none


def _transfer(model: TransferModel | None, language: str, host_name: str) -> TransferSection:
    heading = text("brief.context.transfer", language, host=host_name)
    if model is None:
        return TransferSection(
            heading, text("brief.transfer.none", language, host=host_name), (), "", ""
        )
    rows = []
    for dimension in model.known:
        facts = tuple(
            TransferFactRow(
                text=fact.text[language],
                source=text(
                    "brief.transfer.source",
                    language,
                    publisher=fact.source.publisher,
                    title=fact.source.title,
                    date=fact.source.date,
                ),
                url=fact.source.url,
                quote=fact.source.quote,
            )
            for fact in model.dimension(dimension)
        )
        rows.append((text(f"brief.transfer.dimension.{dimension}", language), facts))
    unknown = (
        text(
            "brief.transfer.unknown",
            language,
            dimensions=", ".join(
                text(f"brief.transfer.dimension.{d}", language) for d in model.unknown
            ),
        )
        if model.unknown
        else ""
    )
    record = text(
        "brief.transfer.record",
        language,
        version=str(model.version),
        date=format_date(model.reviewed, format="medium", locale=_LOCALES[language]),
    )
    return TransferSection(
        heading,
        text("brief.transfer.intro", language, host=host_name),
        tuple(rows),
        unknown,
        record,
    )


@dataclass(frozen=True)
class ForumRow:
    """A forum the host leads, the host's role and the home country's seat in it."""

    text: str  # "ISO/TC 197 Hydrogen technologies: Canada holds the secretariat; Mexico: …"
    source: str  # the lead's source: "publisher, «title», date"
    url: str
    status: str  # the home country's status id (participating, observer, absent, unknown)


@dataclass(frozen=True)
class ForumsSection:
    """The technical forums (standards committees, intergovernmental bodies) of the
    priorities that a public source says the host leads, with the home country's seat."""

    heading: str
    intro: str
    rows: tuple[ForumRow, ...]
    gap: str  # how many of them the home country has no known seat in ("" when none)
    record: str


def _forums(
    registry: ForumRegistry | None, language: str, host: str, host_name: str, home_name: str
) -> ForumsSection | None:
    if registry is None:
        return None
    heading = text("brief.context.forums", language, host=host_name)
    led = [forum for forum in registry.forums if forum.led_by(host)]
    record = text(
        "brief.forums.record",
        language,
        version=str(registry.version),
        date=format_date(registry.updated, format="medium", locale=_LOCALES[language]),
    )
    if not led:
        return ForumsSection(
            heading, text("brief.forums.none", language, host=host_name), (), "", record
        )
    rows = []
    for forum in led:
        leads = forum.led_by(host)
        roles = _and([text(f"brief.forums.role.{lead.role}", language) for lead in leads], language)
        status = forum.mexico.status
        first = leads[0].source
        rows.append(
            ForumRow(
                text=text(
                    "brief.forums.row",
                    language,
                    forum=forum.name.get(language) or forum.name.get("en") or forum.id,
                    host=host_name,
                    roles=roles,
                    home=home_name,
                    status=text(f"brief.forums.status.{status}", language),
                ),
                source=text(
                    "brief.forums.source",
                    language,
                    publisher=first.publisher,
                    title=first.title,
                    date=first.date,
                ),
                url=first.url,
                status=status,
            )
        )
    seatless = sum(1 for row in rows if row.status in ("absent", "unknown"))
    gap = (
        text(
            "brief.forums.gap",
            language,
            home=home_name,
            host=host_name,
            count=str(seatless),
            total=str(len(rows)),
        )
        if seatless
        else ""
    )
    return ForumsSection(
        heading,
        text("brief.forums.intro", language, host=host_name, home=home_name),
        tuple(rows),
        gap,
        record,
    )


@dataclass(frozen=True)
class DiasporaFigures:
    """Aggregates of the researcher profiles (no names): the home country's researchers
    in the diaspora with a current affiliation in the host, in total, per priority (id ->
    count) and their most frequent current institutions (name, count)."""

    count: int
    by_priority: dict[str, int] = field(default_factory=dict)
    institutions: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class DiasporaSection:
    heading: str
    lines: tuple[str, ...]
    note: str


def _diaspora(
    figures: DiasporaFigures | None,
    priorities: list[PriorityBrief],
    language: str,
    host_name: str,
    home_name: str,
) -> DiasporaSection | None:
    if figures is None:
        return None
    heading = text("brief.context.diaspora", language, host=host_name, home=home_name)
    note = text("brief.diaspora.note", language)
    if not figures.count:
        return DiasporaSection(
            heading, (text("brief.diaspora.none", language, host=host_name, home=home_name),), note
        )
    named = {p.id: p.name for p in priorities}
    per_priority = [
        text("brief.diaspora.priority", language, priority=named.get(pid, pid), count=str(n))
        for pid, n in figures.by_priority.items()
        if n
    ]
    lines = [
        text(
            "brief.diaspora.total",
            language,
            home=home_name,
            host=host_name,
            count=str(figures.count),
            institutions=_and([name for name, _n in figures.institutions], language) or "—",
        ),
        text("brief.diaspora.priorities", language) + " " + "; ".join(per_priority)
        if per_priority
        else text("brief.diaspora.outside", language),
    ]
    return DiasporaSection(heading, tuple(lines), note)


@dataclass(frozen=True)
class TalentSection:
    heading: str
    lines: tuple[str, ...]
    note: str


def _whole(value: float, language: str) -> str:
    return format_decimal(round(float(value)), locale=_LOCALES[language])


def _talent(
    talent: Talent | None, language: str, host_name: str, home_name: str
) -> TalentSection | None:
    """Scholarships the home country paid in the host and scholars' migration between
    the two (:func:`vinculo.strategy.talent.talent_with`): aggregates and estimates."""
    if talent is None:
        return None
    names = {"home": home_name, "host": host_name}
    lines = []
    years = talent.by_year
    if years.empty:
        lines.append(text("brief.talent.no_scholarships", language, **names))
    else:
        areas = [str(a).capitalize() for a in talent.by_area["area"].head(3) if str(a).strip()]
        lines.append(
            text(
                "brief.talent.scholarships",
                language,
                first=str(int(years["year"].min())),
                last=str(int(years["year"].max())),
                count=_whole(years["scholarships"].sum(), language),
                starts=_whole(years["new_starts"].sum(), language),
                institutions=_and([str(i) for i in talent.institutions["institution"]], language)
                or "—",
                areas=_and(areas, language) or "—",
                **names,
            )
        )
    flows = talent.migration
    if flows.empty:
        lines.append(text("brief.talent.no_migration", language, **names))
    else:
        latest = flows.iloc[-1]
        net = float(latest["net"])
        lines.append(
            text(
                "brief.talent.migration",
                language,
                start=str(int(latest["period_start"])),
                end=str(int(latest["period_end"])),
                outflow=_whole(latest["outflow"], language),
                inflow=_whole(latest["inflow"], language),
                net=("+" if round(net) > 0 else "") + _whole(net, language),
                **names,
            )
        )
    vintages = "; ".join(f"{s} {v}" for s, v in sorted(talent.vintages.items())) or "—"
    return TalentSection(
        text("brief.context.talent", language, **names),
        tuple(lines),
        text("brief.talent.note", language, vintages=vintages),
    )


def _and(items: list[str], language: str) -> str:
    """ "a, b and c" ("a, b y c" in Spanish)."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {'y' if language == 'es' else 'and'} {items[-1]}"


@dataclass(frozen=True)
class Brief:
    """The brief for a post, in one language: every figure and every sentence it shows."""

    language: str
    home: str
    host: str
    home_name: str
    host_name: str
    title: str
    subtitle: str
    programme: str
    date: date
    date_text: str
    priorities: tuple[PriorityBrief, ...]
    coauthorship: Coauthorship
    institutions_vintage: str
    sources: tuple[SourceRow, ...]
    weights: dict[str, float] = field(default_factory=dict)
    post_name: str = ""  # "Embajada de México en Francia"
    post_kind: str = "embassy"  # or "consulate": who completes the post's sections
    issuing_unit: str = ""
    classification: str = ""
    data_cutoff: str = ""  # the newest year among the figures the brief quotes
    context: tuple[ContextSection, ...] = ()
    summary: Summary | None = None
    transfer: TransferSection | None = None  # the host's transfer model and IP regime
    forums: ForumsSection | None = None  # the technical forums the host leads
    diaspora: DiasporaSection | None = None  # the home country's researchers in the host
    talent: TalentSection | None = None  # scholarships and scholars' migration with the host


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r}: one of {LANGUAGES}")
    return language


def _language_name(code: str, language: str) -> str:
    return str(Locale.parse(_LOCALES[language]).languages.get(code, code))


def _finite(value: Any) -> float | None:
    try:
        number_ = float(value)
    except (TypeError, ValueError):
        return None
    return number_ if math.isfinite(number_) else None


def _capitalized(value: str) -> str:
    return value[:1].upper() + value[1:]


def _reason(message: Message, language: str) -> str:
    return message.render(language)


def _standing(
    evidence: PriorityEvidence, weights: dict[str, float], language: str, home: str
) -> Standing | None:
    host = evidence.host
    if host is None:
        return None
    factors = tuple(
        FactorRow(
            factor=factor,
            name=_capitalized(text(f"factor.{factor}", language)),
            value=host.values[factor],
            weight=weights[factor],
            contribution=host.contributions[factor],
            reasons=tuple(_reason(m, language) for m in host.reasons.get(factor, [])),
        )
        for factor in FACTORS
    )
    return Standing(
        rank=host.rank,
        candidates=len(evidence.recommendations),
        score=host.score,
        complementarity=host.values["complementarity"],
        rank_range=host.rank_range,
        stable=host.stable,
        factors=factors,
        top=tuple(
            (country_name(r.partner, language), r.score)
            for r in naming_policy().shown(evidence.recommendations)[:_TOP]
        ),
    )


def _capabilities(
    evidence: PriorityEvidence, language: str, home: str, host: str, names: dict[str, Any]
) -> tuple[CapabilityRow, ...]:
    frame = evidence.capability
    leaders = evidence.leaders.set_index(["component", "basis"])
    rows = []
    order = {c: i for i, c in enumerate(COMPONENTS)}
    keys = sorted(
        {
            (str(c), str(b), bool(p))
            for c, b, p in zip(frame["component"], frame["basis"], frame["primary"], strict=True)
        },
        key=lambda k: (order.get(k[0], 9), not k[2], k[1]),
    )
    for component, basis, primary in keys:
        part = frame[(frame["component"] == component) & (frame["basis"] == basis)]
        by_country = part.set_index("country")

        def get(country: str, column: str, table: pd.DataFrame = by_country) -> float | None:
            return _finite(table[column].get(country)) if country in table.index else None

        def rank(country: str) -> int | None:
            value = get(country, "mass_rank")
            return None if value is None else int(value)

        lead = row_of(leaders, (component, basis)) if (component, basis) in leaders.index else None
        frontier = None if lead is None or not isinstance(lead["leader"], str) else lead["leader"]
        frontier_share = None if lead is None else _finite(lead["leader_share"])
        home_share = get(home, "world_share")
        gap = (
            None
            if home_share is None or frontier_share is None
            else (0.0 if frontier == home else gap_from_shares(home_share, frontier_share))
        )
        indicator = component == "infrastructure" and not primary
        label = names.get(basis, {}).get(language, basis) if indicator else basis
        countries = int(part["countries"].iloc[0])
        rows.append(
            CapabilityRow(
                component=component,
                component_name=_capitalized(text(f"component.{component}", language)),
                basis=label,
                year=int(part["year"].iloc[0]),
                metric=text(f"metric.{SPECIALIZATION[component]}", language),
                home_value=get(home, "specialization"),
                host_value=get(host, "specialization"),
                home_share=home_share,
                host_share=get(host, "world_share"),
                home_rank=rank(home),
                host_rank=rank(host),
                countries=countries,
                world_position=countries >= WORLD_POSITION_MIN,
                home_score=get(home, "score"),
                host_score=get(host, "score"),
                frontier=None if frontier is None else country_name(frontier, language),
                frontier_share=frontier_share,
                gap=gap,
                vintage=str(part["vintage"].iloc[0]),
                indicator=indicator,
            )
        )
    return tuple(rows)


def _absent(evidence: PriorityEvidence, language: str) -> tuple[str, ...]:
    lines = []
    for component in COMPONENTS:
        if component not in evidence.absent:
            continue
        reason = evidence.absent[component].get(language) or text(
            "brief.capabilities.absent_data", language
        )
        lines.append(
            text(
                "brief.capabilities.absent",
                language,
                component=text(f"component.{component}", language),
                reason=reason,
            )
        )
    return tuple(lines)


def _chain(evidence: PriorityEvidence, language: str, home: str, host: str) -> ChainSection | None:
    priority = evidence.priority
    if not priority.chain:
        return None
    table, view = evidence.stages, evidence.chain
    if table is None or table.empty or view is None:
        return ChainSection(stages=(), gap_stage=None, next_step=None, host_ahead=0)
    names = {s.id: s.name.get(language, s.id) for s in priority.chain}
    rows = []
    for stage in view.stages:
        part = table[table["stage"] == stage.stage.id].set_index("country")

        def get(country: str, column: str, frame: pd.DataFrame = part) -> float | None:
            return _finite(frame[column].get(country)) if country in frame.index else None

        rows.append(
            StageRow(
                id=stage.stage.id,
                name=names[stage.stage.id],
                classification=classification_name(stage.classification, language),
                year=stage.year,
                home_rca=get(home, "rca"),
                host_rca=get(host, "rca"),
                home_score=get(home, "score"),
                host_score=get(host, "score"),
                leaders=tuple(
                    Leader(
                        code=str(leader["country"]),
                        name=country_name(str(leader["country"]), language),
                        world_share=float(leader["world_share"]),
                        rca=float(leader["rca"]),
                    )
                    for leader in stage.leaders.to_dict("records")
                ),
                vintage=stage.vintage,
                resources=tuple(
                    text(
                        "brief.chain.resource",
                        language,
                        indicator=dict(r["names"]).get(language, str(r["indicator"])),
                        year=int(r["year"]),
                        home=country_name(home, language),
                        value=number(float(r["value"]), language, 0)
                        if _finite(r["value"]) is not None
                        else text("brief.na", language),
                        unit=unit_name(str(r["unit"]), language),
                        share=percent(float(r["world_share"]), language, 2)
                        if _finite(r["world_share"]) is not None
                        else text("brief.na", language),
                        leader=country_name(str(r["leader"]), language)
                        if isinstance(r["leader"], str)
                        else text("brief.na", language),
                        leader_share=percent(float(r["leader_share"]), language, 1)
                        if _finite(r["leader_share"]) is not None
                        else text("brief.na", language),
                    )
                    for r in stage.resources.to_dict("records")
                ),
            )
        )
    step = view.next_step
    next_step = None
    if step is not None:
        stage_id = str(step["stage"])
        density = _finite(step["density"])
        code = str(step["product"])
        named = product_names()
        next_step = NextStep(
            product=code,
            stage=names.get(stage_id, stage_id),
            density=density if density is not None else float("nan"),
            why=str(step.get("why", "")),
            name=str(named.at[code, f"name_{language}"]) if code in named.index else "",
        )

    def ahead_at(row: StageRow) -> bool:
        return (
            row.home_score is not None
            and row.host_score is not None
            and row.host_score > row.home_score
        )

    gap_row = next((r for r in rows if r.id == view.gap_stage), None)
    return ChainSection(
        stages=tuple(rows),
        gap_stage=names.get(view.gap_stage) if view.gap_stage else None,
        next_step=next_step,
        host_ahead=sum(1 for r in rows if ahead_at(r)),
        host_stages=tuple(r.name for r in rows if ahead_at(r)),
        gap_host_ahead=None if gap_row is None else ahead_at(gap_row),
    )


def _institutions(context: PostContext, priority: str, language: str) -> tuple[InstitutionRow, ...]:
    """The post's curated counterpart institutions of a priority: research bodies, then
    government agencies, then companies, each by name."""
    order = {"research": 0, "government": 1, "company": 2}
    rows = []
    for entry in context.institutions:
        if entry.priority != priority:
            continue
        if entry.kind not in INSTITUTION_KINDS:
            raise ValueError(
                f"institution {entry.name!r}: kind {entry.kind!r} is not one of "
                f"{', '.join(INSTITUTION_KINDS)}"
            )
        parts = [entry.source_publisher, entry.source_title]
        if entry.source_date is not None:
            parts.append(_date_text(entry.source_date, language))
        rows.append(
            InstitutionRow(
                name=entry.name,
                acronym=entry.acronym,
                city=entry.city,
                kind=entry.kind,
                source=", ".join(p for p in parts if p),
                url=entry.source_url,
            )
        )
    rows.sort(key=lambda r: (order[r.kind], r.name.casefold()))
    return tuple(rows)


def _note(evidence: PriorityEvidence, language: str, home: str, host: str) -> str | None:
    if evidence.host is not None:
        return None
    if evidence.missing == "no_evidence":
        return text("brief.no_evidence", language)
    why = text(f"brief.not_candidate.{evidence.missing or 'unknown'}", language)
    return text(
        "brief.not_candidate",
        language,
        host=country_name(host, language),
        home=country_name(home, language),
        why=why,
    )


def _order(evidence: PostEvidence) -> list[PriorityEvidence]:
    """Where the host can help most first: its standing among the priority's candidates
    (rank / candidates, best first), ties broken by its score (higher first), then by the
    priorities file's order; priorities where it is not a candidate last, in the file's
    order. (The host's complementarity is not the key: it spans a narrow range and would
    put a 16th place before a 1st.)"""
    position = {p.priority.id: i for i, p in enumerate(evidence.priorities)}

    def key(item: PriorityEvidence) -> tuple[int, float, float, int]:
        if item.host is None:
            return (1, 0.0, 0.0, position[item.priority.id])
        relative = item.host.rank / max(1, len(item.recommendations))
        return (0, relative, -item.host.score, position[item.priority.id])

    return sorted(evidence.priorities, key=key)


def localize(
    evidence: PostEvidence,
    language: str,
    *,
    today: date | None = None,
    context: PostContext | None = None,
    post_kind: str = "embassy",
    post_city: str = "",
    issuing_unit: str | None = None,
    classification: str | None = None,
    data_cutoff: str | None = None,
    transfer: TransferModel | bool | None = True,
    forums: ForumRegistry | bool | None = True,
    diaspora: DiasporaFigures | None = None,
) -> Brief:
    """The brief in ``language`` ("es": Spanish as in Mexico, or "en") from the evidence
    :func:`collect_evidence` gathered; ``today`` is the brief's date (default: today).

    ``context`` holds the post's own sections (empty: "to be completed by the post");
    ``post_kind`` is "embassy" or "consulate" (a consulate is named by ``post_city``);
    ``issuing_unit``, ``classification`` and ``data_cutoff`` go on the cover (defaults:
    the catalogue's unit, internal use, and the newest year among the quoted figures).
    ``transfer`` is the host's transfer-model record (default ``True``: the one shipped in
    ``data/transfer``, if any; ``None``: the brief says there is none). ``forums`` is the
    forum registry (default ``True``: the shipped ``data/forums.yaml``; ``None``: no
    forums section). ``diaspora``: aggregates of the researcher profiles the web app holds
    (None: no such section; the command line has no profiles)."""
    language = _check_language(language)
    if post_kind not in POST_KINDS:
        raise ValueError(f"post kind {post_kind!r}: one of {', '.join(POST_KINDS)}")
    if post_kind == "consulate" and not post_city:
        raise ValueError("a consulate is named by its city: pass post_city")
    today = today or date.today()
    context = context or PostContext()
    home, host = evidence.home, evidence.host
    home_name, host_name = country_name(home, language), country_name(host, language)
    priorities = []
    for position, item in enumerate(_order(evidence), start=1):
        specific = [m for m in item.offers if m.key in _SPECIFIC_OFFERS]
        general = [m for m in item.offers if m.key not in _SPECIFIC_OFFERS]
        priorities.append(
            PriorityBrief(
                id=item.priority.id,
                name=item.priority.name.get(language, item.priority.id),
                description=item.priority.description.get(language, ""),
                position=position,
                standing=_standing(item, evidence.weights, language, home),
                note=_note(item, language, home, host),
                capabilities=_capabilities(item, language, home, host, evidence.indicator_names),
                absent=_absent(item, language),
                offers=tuple(m.render(language) for m in specific),
                general_offers=tuple(m.render(language) for m in general),
                headline_offers=tuple(
                    m.render(language)
                    for m in specific
                    if (_finite(m.values().get("home_share")) or 0.0) >= LEADER_MIN_SHARE
                ),
                chain=_chain(item, language, home, host),
                institutions=_institutions(context, item.priority.id, language),
            )
        )
    series = evidence.coauthorship
    coauthorship = Coauthorship(
        years=tuple(
            (int(y), float(w)) for y, w in zip(series["year"], series["works"], strict=True)
        ),
        source=readable_sources(
            sorted({f"{s} {v}" for s, v in zip(series["source"], series["vintage"], strict=True)}),
            language,
        ),
        vintage=", ".join(sorted(set(series["vintage"].astype(str)))),
    )
    post_name = (
        text("brief.post.embassy", language, host=host_name)
        if post_kind == "embassy"
        else text("brief.post.consulate", language, city=post_city)
    )
    sources = tuple(
        SourceRow(
            table=str(row["canonical_table"]),
            table_name=text(f"table.{row['canonical_table']}", language)
            if f"table.{row['canonical_table']}" in ENGLISH
            else str(row["canonical_table"]),
            source=str(row["source"]),
            name=str(row["name"]),
            vintage=str(row["vintage"]),
            rows=int(row["row_count"]),
            retrieved=_date_text(row["retrieved_at"], language),
            publisher=source_name(str(row["source"]), language),
            file=str(row.get("file_name") or ""),
        )
        for row in evidence.datasets.to_dict("records")
    )
    return Brief(
        language=language,
        home=home,
        host=host,
        home_name=home_name,
        host_name=host_name,
        title=text("brief.title", language, host=host_name),
        post_name=post_name,
        post_kind=post_kind,
        issuing_unit=text("brief.issuing_unit", language) if issuing_unit is None else issuing_unit,
        classification=(
            text("brief.classification", language) if classification is None else classification
        ),
        data_cutoff=data_cutoff if data_cutoff is not None else _cutoff(priorities, coauthorship),
        context=_context(context, language, post_kind),
        transfer=_transfer(
            _shipped_transfer(host) if transfer is True else transfer or None,
            language,
            host_name,
        ),
        forums=_forums(
            default_forums() if forums is True else forums or None,
            language,
            host,
            host_name,
            home_name,
        ),
        diaspora=_diaspora(diaspora, priorities, language, host_name, home_name),
        talent=_talent(evidence.talent, language, host_name, home_name),
        summary=_summary(
            priorities,
            language,
            host,
            {r.partner for item in evidence.priorities for r in item.recommendations},
            _talking(evidence, priorities, context, language, today),
        ),
        subtitle=text("brief.subtitle", language, home=home_name, host=host_name),
        programme=evidence.programme.get(language, ""),
        date=today,
        date_text=format_date(today, format="long", locale=_LOCALES[language]),
        priorities=tuple(priorities),
        coauthorship=coauthorship,
        institutions_vintage=evidence.institutions_vintage,
        sources=sources,
        weights=dict(evidence.weights),
    )


def _talking(
    evidence: PostEvidence,
    priorities: list[PriorityBrief],
    context: PostContext,
    language: str,
    today: date,
) -> tuple[str, ...]:
    """Talking points beyond the co-authorship trend (which the template states with the
    table's own figures): where the host leads the candidates, its part of the home
    country's international co-authorship, the agreements on record and the next event."""
    home, host = country_name(evidence.home, language), country_name(evidence.host, language)
    points = []
    for item in priorities:
        s = item.standing
        if s is not None and s.rank == 1 and len(s.top) > 1:
            points.append(
                text(
                    "brief.summary.first",
                    language,
                    host=host,
                    home=home,
                    priority=_lower_first(item.name),
                    next=s.top[1][0],
                )
            )
    for collected in evidence.priorities:
        if collected.host is None:
            continue
        ties = collected.host.reasons.get("ties", [])
        found = next((m for m in ties if m.key == "reason.ties"), None)
        if found is not None:
            points.append(
                text(
                    "brief.summary.ties_share",
                    language,
                    host=host,
                    home=home,
                    share=found.params["share"],
                    year=found.params["year"],
                )
            )
        break
    if context.agreements:
        points.append(
            text("brief.summary.context_agreements", language, count=len(context.agreements))
        )
    upcoming = sorted(
        (e for e in context.agenda if e.date is not None and e.date >= today),
        key=lambda e: e.date or date.max,
    )
    if upcoming:
        points.append(
            text(
                "brief.summary.context_next",
                language,
                what=upcoming[0].text,
                when=_date_text(upcoming[0].date, language),
            )
        )
    return tuple(points)


def _lower_first(value: str) -> str:
    """A priority's name inside a sentence: its first letter lower-cased unless the first
    word is an acronym or a proper name in capitals (e.g. "IA")."""
    first = value.split(" ", 1)[0]
    if len(first) > 1 and first[1:2].isupper():
        return value
    return value[:1].lower() + value[1:]


_YEAR = re.compile(r"(?:19|20)\d{2}")


def source_name(source: str, language: str) -> str:
    """A source's name for people (the catalogue's ``source.<id>``), or its id."""
    key = f"source.{source}"
    return text(key, language) if key in ENGLISH else source


def unit_name(unit: str, language: str) -> str:
    """A unit in the brief's language (the priorities file writes them in English)."""
    key = f"unit.{unit}"
    return text(key, language) if key in ENGLISH else unit


def classification_name(classification: str, language: str) -> str:
    """A product classification's name for people ("SA 2007"), or its id."""
    key = f"classification.{classification}"
    return text(key, language) if key in ENGLISH else classification


def readable_sources(vintages: Any, language: str) -> str:
    """The sources of a figure for people: "OpenAlex (2025); NSF-NCSES, Science and
    Engineering Indicators (2022)" from the store's "<source> <vintage>" strings (joined
    by "; "; a "PCI " prefix marks the product complexity the trade score uses). Each
    vintage is said by its first year; the ids stay in the technical annex."""
    if isinstance(vintages, str):
        vintages = [vintages]
    labels = []
    for vintage in vintages:
        for part in str(vintage).split("; "):
            part = part.strip()
            if not part:
                continue
            pci = part.startswith("PCI ")
            if pci:
                part = part[4:]
            source, _, rest = part.partition(" ")
            year = _YEAR.search(rest)
            label = source_name(source, language) + (f" ({year.group(0)})" if year else "")
            labels.append(text("source.pci", language, source=label) if pci else label)
    return "; ".join(dict.fromkeys(labels))


def _cutoff(priorities: list[PriorityBrief], coauthorship: Coauthorship) -> str:
    """The data cut-off: the newest year among the figures the brief quotes."""
    years = [r.year for p in priorities for r in p.capabilities]
    years += [y for y, _ in coauthorship.years]
    return str(max(years)) if years else ""


def _context(context: PostContext, language: str, post_kind: str) -> tuple[ContextSection, ...]:
    pending = text(f"brief.pending.{post_kind}", language)

    def entries(rows: tuple[ContextEntry, ...]) -> tuple[tuple[str, str, str], ...]:
        ordered = sorted(rows, key=lambda e: (e.date is None, e.date or date.min))
        return tuple((_date_text(e.date, language), e.text, e.status) for e in ordered)

    sections = []
    for key, body, rows in (
        ("legal", context.legal_framework, ()),
        ("agreements", "", context.agreements),
        ("opportunities", "", context.opportunities),
        ("counterparts", "", context.counterparts),
        ("agenda", "", context.agenda),
    ):
        shown = entries(rows)
        sections.append(
            ContextSection(
                id=key,
                heading=text(f"brief.context.{key}", language),
                text=body,
                entries=shown,
                pending="" if (body or shown) else pending,
            )
        )
    return tuple(sections)


@functools.cache
def _shipped_transfers() -> dict[str, TransferModel]:
    return default_transfer_models()


def _shipped_transfer(host: str) -> TransferModel | None:
    return _shipped_transfers().get(host)


def _date_text(value: Any, language: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return text("brief.na", language)
    when = value.date() if isinstance(value, datetime) else value
    if not isinstance(when, date):
        return str(value)
    return str(format_date(when, format="medium", locale=_LOCALES[language]))


def build_brief(
    model: CapabilityModel,
    host: str,
    language: str,
    *,
    today: date | None = None,
    context: PostContext | None = None,
    post_kind: str = "embassy",
    post_city: str = "",
    issuing_unit: str | None = None,
    classification: str | None = None,
    data_cutoff: str | None = None,
) -> Brief:
    """The brief for the post in ``host`` (ISO3) in ``language`` ("es" or "en").

    >>> # brief = build_brief(CapabilityModel(store, default_priorities()), "FRA", "es")
    >>> # write_brief(brief, Path("brief.pdf"))
    """
    _check_language(language)
    return localize(
        collect_evidence(model, host),
        language,
        today=today,
        context=context,
        post_kind=post_kind,
        post_city=post_city,
        issuing_unit=issuing_unit,
        classification=classification,
        data_cutoff=data_cutoff,
    )


# ---------------------------------------------------------------- HTML and PDF


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("vinculo.strategy", "templates"),
        extensions=["jinja2.ext.do"],
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["css_string"] = _css_string
    return environment


def _css_string(value: str) -> Markup:
    """A CSS string literal that cannot close the string or the <style> element: every
    character but letters, digits and spaces as a CSS hex escape."""
    out = "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):06x}" for ch in str(value))
    return Markup(f'"{out}"')


def _charts(brief: Brief) -> dict[str, Markup]:
    """The SVG charts of the brief, by a key the template asks for."""
    language = brief.language
    missing = text("brief.na", language)
    charts: dict[str, Markup] = {}
    for item in brief.priorities:
        if item.capabilities:
            categories = [
                f"{r.basis if r.indicator else r.component_name} · {r.year}"
                for r in item.capabilities
            ]
            charts[f"capabilities-{item.id}"] = Markup(
                svg.grouped_bars(
                    text(
                        "brief.chart.capabilities",
                        language,
                        priority=item.name,
                        home=brief.home_name,
                        host=brief.host_name,
                    ),
                    categories,
                    [
                        svg.Series(brief.home_name, tuple(r.home_score for r in item.capabilities)),
                        svg.Series(brief.host_name, tuple(r.host_score for r in item.capabilities)),
                    ],
                    language=language,
                    missing=missing,
                    ident=f"capabilities-{item.id}",
                )
            )
        if item.chain is not None and item.chain.stages:
            stages = item.chain.stages
            charts[f"chain-{item.id}"] = Markup(
                svg.stage_chart(
                    text(
                        "brief.chart.chain",
                        language,
                        priority=item.name,
                        home=brief.home_name,
                        host=brief.host_name,
                    ),
                    [s.name for s in stages],
                    [
                        svg.Series(brief.home_name, tuple(s.home_rca for s in stages)),
                        svg.Series(brief.host_name, tuple(s.host_rca for s in stages)),
                    ],
                    language=language,
                    reference_label=text("brief.chart.reference", language),
                    missing=missing,
                    ident=f"chain-{item.id}",
                )
            )
    charts["coauthorship"] = Markup(
        svg.line_chart(
            text("brief.chart.coauthorship", language, home=brief.home_name, host=brief.host_name),
            list(brief.coauthorship.years),
            language=language,
            label=text("brief.col.works", language),
            missing=text("brief.coauthorship.none", language, home=brief.home_name,
                         host=brief.host_name),
            ident="coauthorship",
        )
    )  # fmt: skip
    return charts


def render_html(brief: Brief) -> str:
    """The brief as one self-contained HTML page: CSS and SVG inline, every string from the
    catalogue in the brief's language, every value escaped; print CSS for A4 pages with
    page numbers (WeasyPrint)."""
    language = brief.language

    def t(key: str, **params: Any) -> str:
        return text(key, language, **params)

    def num(value: float | None, digits: int = 2) -> str:
        value = _finite(value)
        return text("brief.na", language) if value is None else number(value, language, digits)

    def pct(value: float | None, digits: int = 1) -> str:
        value = _finite(value)
        return text("brief.na", language) if value is None else percent(value, language, digits)

    def signed_pct(value: float) -> str:
        shown = pct(value, 0)
        return f"+{shown}" if _finite(value) is not None and value > 0 else shown

    def ranked(top: tuple[tuple[str, float], ...]) -> str:
        return ", ".join(f"{name} ({num(score)})" for name, score in top)

    def leaders(rows: tuple[Leader, ...]) -> str:
        return ", ".join(f"{r.name} ({pct(r.world_share, 1)})" for r in rows)

    def sources(rows: tuple[CapabilityRow, ...] | tuple[StageRow, ...]) -> str:
        return readable_sources([r.vintage for r in rows], language)

    def q(ref: str, value: Any) -> Markup:
        """A figure quoted in a sentence, tied to the table cell it repeats (data-ref)."""
        return Markup('<span class="q" data-ref="{}">{}</span>').format(ref, value)

    def cell(ref: str, value: Any) -> Markup:
        """A figure in a table that sentences may quote (data-ref)."""
        return Markup('<span class="v" data-ref="{}">{}</span>').format(ref, value)

    def plain(ref: str, value: Any) -> Any:
        return value

    def tq(key: str, **params: Any) -> Markup:
        """A catalogue message whose parameters may be markup (quoted figures)."""
        shown = {
            name: value.render(language) if isinstance(value, Message) else value
            for name, value in params.items()
        }
        return Markup(escape(message(key, language))).format(**shown)

    def listing(items: list[Any]) -> Markup:
        """Items joined as a sentence lists them: "a, b y c" / "a, b, and c"."""
        parts = [escape(i) for i in items]
        if len(parts) < 2:
            return Markup("").join(parts)
        last = " y " if language == "es" else (" and " if len(parts) == 2 else ", and ")
        return Markup(", ").join(parts[:-1]) + Markup(last) + parts[-1]

    def quoted(items: tuple[str, ...]) -> list[str]:
        return [f"«{i}»" if language == "es" else f"“{i}”" for i in items]

    def factor(standing: Standing, name: str) -> FactorRow:
        return next(f for f in standing.factors if f.factor == name)

    glossary = [
        tuple(text(f"glossary.{term}", language, home=brief.home_name).split("|", 1))
        for term in _GLOSSARY
    ]

    weights = ", ".join(
        f"{text(f'factor.{f}', language)} {num(brief.weights[f])}"
        for f in FACTORS
        if f in brief.weights
    )
    template = _environment().get_template("brief.html")
    return template.render(
        brief=brief,
        t=t,
        num=num,
        pct=pct,
        signed_pct=signed_pct,
        ranked=ranked,
        leaders=leaders,
        sources=sources,
        q=q,
        cell=cell,
        plain=plain,
        tq=tq,
        listing=listing,
        quoted=quoted,
        factor=factor,
        lower_first=_lower_first,
        glossary=glossary,
        partner_level=_PARTNER_LEVEL,
        pending=text(f"brief.pending.{brief.post_kind}", language),
        weights_line=t("brief.weights", weights=weights),
        charts=_charts(brief),
        html_lang=_HTML_LANG[language],
        recent=brief.coauthorship.years[-_TABLE_YEARS:],
        trend_years=_TREND_YEARS,
    )


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    """WeasyPrint's URL fetcher for briefs: nothing is loaded from outside the page."""
    raise ValueError(f"a brief loads no external resource (asked for {url})")


def write_brief(brief: Brief, path: str | os.PathLike[str]) -> Path:
    """Write the brief as HTML (``.html``) or PDF (``.pdf``, WeasyPrint), atomically: a
    temporary file beside the target, renamed over it once complete. Any other suffix
    raises ``ValueError``."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".html", ".pdf"):
        raise ValueError(
            f"{target}: a brief is written as .html or .pdf (the suffix says which), "
            f"not {target.suffix or 'a file without a suffix'!r}"
        )
    html = render_html(brief)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as out:
            if suffix == ".html":
                out.write(html.encode("utf-8"))
            else:
                out.write(_pdf(html))
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 -> as open() would create
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy: only for PDFs

    document: bytes = HTML(string=html, url_fetcher=_refuse).write_pdf()
    return document
