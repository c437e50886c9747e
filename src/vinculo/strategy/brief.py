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
* the host's research institutions whose names or aliases contain the priority's keywords
  as whole words (ROR; a name match, said as such);
* every dataset of the evidence store with its vintage.

The work is split in two: :func:`collect_evidence` computes everything that does not
depend on the language (the slow part: one partner recommendation per priority), and
:func:`localize` turns it into a :class:`Brief` in one language; :func:`build_brief` does
both. :func:`render_html` renders a brief with the package's Jinja2 template (autoescaped,
CSS and SVG charts inline, nothing loaded from outside), :func:`write_brief` writes it as
HTML or PDF (WeasyPrint).
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd
from babel import Locale
from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from vinculo.strategy import svg
from vinculo.strategy.capability import (
    COMPONENTS,
    SPECIALIZATION,
    WORLD_POSITION_MIN,
    CapabilityModel,
    MissingEvidenceError,
    gap_from_shares,
    row_of,
)
from vinculo.strategy.chain import ChainView, stage_table, value_chain
from vinculo.strategy.i18n import (
    LANGUAGES,
    MESSAGES,
    Message,
    country_name,
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
    leading_institutions,
    recommend,
)
from vinculo.strategy.priorities import Priority
from vinculo.strategy.reciprocity import Reciprocity

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
_INSTITUTIONS = 5  # leading institutions shown per priority
_TABLE_YEARS = 10  # years of co-authorship in the table (the chart shows them all)
_TREND_YEARS = 5


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
    institutions: pd.DataFrame  # partners.leading_institutions, whole-word matches only


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


def _institution_names(model: CapabilityModel, host: str) -> dict[str, str]:
    """ROR id -> the name and aliases of each of the host's institutions, as one text."""
    rows = model.store.rows("institutions")
    rows = rows[rows["country"] == host]
    return {
        str(ror_id): " | ".join([str(name), *(list(aliases) if aliases is not None else [])])
        for ror_id, name, aliases in zip(rows["ror_id"], rows["name"], rows["aliases"], strict=True)
    }


def _institutions_named(
    model: CapabilityModel, host: str, priority: str, names: dict[str, str]
) -> pd.DataFrame:
    """partners.leading_institutions (whole-word keyword matches)."""
    return leading_institutions(model, host, priority, limit=_INSTITUTIONS)


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
    names = _institution_names(model, host)
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
                institutions=_institutions_named(model, host, priority.id, names),
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

    product: str
    stage: str
    density: float
    why: str  # the priorities file's note (English); shown in English briefs only


@dataclass(frozen=True)
class ChainSection:
    """A priority's value chain; ``stages`` is empty when the store has no exports for it."""

    stages: tuple[StageRow, ...]
    gap_stage: str | None
    next_step: NextStep | None
    host_ahead: int  # stages where the host's score is above the home country's


@dataclass(frozen=True)
class InstitutionRow:
    """A host institution whose name or aliases match the priority's keywords (ROR)."""

    name: str
    city: str
    types: tuple[str, ...]
    matched: tuple[str, ...]
    ror_id: str


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
    offers: tuple[str, ...]  # what the home country offers the host
    chain: ChainSection | None  # None: the priority declares no chain
    institutions: tuple[InstitutionRow, ...]


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


#: How many priorities, asks and offers page 1 names.
_SUMMARY_PRIORITIES = 5
_SUMMARY_ASKS = 3
_SUMMARY_OFFERS = 3


@dataclass(frozen=True)
class Ask:
    """A component where the host is furthest ahead of the home country (world shares, the
    capability table's own figures)."""

    priority: str
    row: CapabilityRow


@dataclass(frozen=True)
class Summary:
    """Page 1: the priorities where the host can help most (in the brief's order), the asks,
    what the home country offers, and the sensitivities (sentences)."""

    priorities: tuple[PriorityBrief, ...]
    asks: tuple[Ask, ...]
    offers: tuple[str, ...]
    sensitivities: tuple[str, ...]


def _summary(
    priorities: list[PriorityBrief], language: str, host: str, candidates: set[str]
) -> Summary:
    ranked = [p for p in priorities if p.standing][:_SUMMARY_PRIORITIES]
    gaps = [
        (r.host_share - r.home_share, p.name, r)
        for p in ranked
        for r in p.capabilities
        if r.host_share is not None and r.home_share is not None and r.host_share > r.home_share
    ]
    gaps.sort(key=lambda g: -g[0])
    asks, seen = [], set()
    for _, name, row in gaps:
        if row.component_name in seen:
            continue
        seen.add(row.component_name)
        asks.append(Ask(name, row))
        if len(asks) == _SUMMARY_ASKS:
            break
    offers = tuple(dict.fromkeys(o for p in ranked for o in p.offers))[:_SUMMARY_OFFERS]
    sensitivities = naming_policy().caveats(candidates | {host}, language)
    return Summary(tuple(ranked), tuple(asks), offers, tuple(sensitivities))


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
    issuing_unit: str = ""
    classification: str = ""
    data_cutoff: str = ""  # the newest year among the figures the brief quotes
    context: tuple[ContextSection, ...] = ()
    summary: Summary | None = None


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
                classification=stage.classification,
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
                        unit=str(r["unit"]),
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
        next_step = NextStep(
            product=str(step["product"]),
            stage=names.get(stage_id, stage_id),
            density=density if density is not None else float("nan"),
            why=str(step.get("why", "")),
        )
    ahead = sum(
        1
        for r in rows
        if r.home_score is not None and r.host_score is not None and r.host_score > r.home_score
    )
    return ChainSection(
        stages=tuple(rows),
        gap_stage=names.get(view.gap_stage) if view.gap_stage else None,
        next_step=next_step,
        host_ahead=ahead,
    )


def _institutions(evidence: PriorityEvidence, language: str) -> tuple[InstitutionRow, ...]:
    rows = []
    for item in evidence.institutions.to_dict("records"):
        types = list(item["types"]) if item["types"] is not None else []
        rows.append(
            InstitutionRow(
                name=str(item["name"]),
                city=str(item["city"]) if isinstance(item["city"], str) else "",
                types=tuple(
                    text(f"ror.type.{t}", language) if f"ror.type.{t}" in MESSAGES else t
                    for t in types
                ),
                matched=tuple(str(m) for m in item["matched"]),
                ror_id=str(item["ror_id"]),
            )
        )
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
) -> Brief:
    """The brief in ``language`` ("es": Spanish as in Mexico, or "en") from the evidence
    :func:`collect_evidence` gathered; ``today`` is the brief's date (default: today).

    ``context`` holds the post's own sections (empty: "to be completed by the post");
    ``post_kind`` is "embassy" or "consulate" (a consulate is named by ``post_city``);
    ``issuing_unit``, ``classification`` and ``data_cutoff`` go on the cover (defaults:
    the catalogue's unit, internal use, and the newest year among the quoted figures)."""
    language = _check_language(language)
    if post_kind not in POST_KINDS:
        raise ValueError(f"post kind {post_kind!r}: one of {', '.join(POST_KINDS)}")
    if post_kind == "consulate" and not post_city:
        raise ValueError("a consulate is named by its city: pass post_city")
    today = today or date.today()
    home, host = evidence.home, evidence.host
    home_name, host_name = country_name(home, language), country_name(host, language)
    priorities = []
    for position, item in enumerate(_order(evidence), start=1):
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
                offers=tuple(m.render(language) for m in item.offers),
                chain=_chain(item, language, home, host),
                institutions=_institutions(item, language),
            )
        )
    series = evidence.coauthorship
    coauthorship = Coauthorship(
        years=tuple(
            (int(y), float(w)) for y, w in zip(series["year"], series["works"], strict=True)
        ),
        source=", ".join(sorted(set(series["source"].astype(str)))),
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
            if f"table.{row['canonical_table']}" in MESSAGES
            else str(row["canonical_table"]),
            source=str(row["source"]),
            name=str(row["name"]),
            vintage=str(row["vintage"]),
            rows=int(row["row_count"]),
            retrieved=_date_text(row["retrieved_at"], language),
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
        issuing_unit=text("brief.issuing_unit", language) if issuing_unit is None else issuing_unit,
        classification=(
            text("brief.classification", language) if classification is None else classification
        ),
        data_cutoff=data_cutoff if data_cutoff is not None else _cutoff(priorities, coauthorship),
        context=_context(context or PostContext(), language, post_kind),
        summary=_summary(
            priorities,
            language,
            host,
            {r.partner for item in evidence.priorities for r in item.recommendations},
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
            categories = [f"{r.component_name} · {r.basis} · {r.year}" for r in item.capabilities]
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

    def vintages(rows: tuple[CapabilityRow, ...] | tuple[StageRow, ...]) -> str:
        return "; ".join(dict.fromkeys(r.vintage for r in rows))

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
        vintages=vintages,
        stage_vintages=vintages,
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
