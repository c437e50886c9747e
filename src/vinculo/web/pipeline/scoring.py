"""How an opportunity is judged: a review rubric and its strategic fit.

**Rubric**, in the style of the Enterprise Europe Network's review of partnering profiles:
four criteria scored 0–5 by a planner — relevance (to the national priorities), partner
capacity (can the partner deliver), added value (what it brings that the country lacks),
feasibility (terms, amounts, deadline). A zero on any criterion blocks the opportunity
whatever the total; otherwise the total (0–20) decides: :data:`PUBLISH_FROM` or more →
publish (take it forward), :data:`HOLD_FROM` or more → hold (ask the post for more), less →
reject.

>>> rubric_decision({"relevance": 4, "capacity": 4, "added_value": 3, "feasibility": 3}).outcome
'publish'
>>> rubric_decision({"relevance": 5, "capacity": 5, "added_value": 5, "feasibility": 0}).outcome
'blocked'

**Strategic fit** (0–100), from the strategy engine's snapshot: for each of the
opportunity's priorities, the mean of the home country's gap in it (100 − its percentile,
averaged over science, technology and trade) and the host country's partner score for it
(0–100); the opportunity's fit is that of its best priority. Each priority gives a reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import override, pgettext

from vinculo.web.formatting import number

__all__ = [
    "CRITERIA",
    "HOLD_FROM",
    "PUBLISH_FROM",
    "Fit",
    "RubricDecision",
    "rubric_decision",
    "strategic_fit",
]

#: The four criteria, in the order forms show them.
CRITERIA = ("relevance", "capacity", "added_value", "feasibility")
PUBLISH_FROM = 14
HOLD_FROM = 10


@dataclass(frozen=True)
class RubricDecision:
    total: int | None
    outcome: str  # "publish", "hold", "reject", "blocked", or "unscored"
    blocking: tuple[str, ...] = ()


def rubric_decision(scores: Mapping[str, int | None]) -> RubricDecision:
    """The rubric's outcome for the four scores (``None`` = not scored yet)."""
    values = [scores.get(name) for name in CRITERIA]
    if any(value is None for value in values):
        return RubricDecision(None, "unscored")
    numbers = [int(value) for value in values if value is not None]
    for name, value in zip(CRITERIA, numbers, strict=True):
        if not 0 <= value <= 5:
            raise ValueError(f"{name}: a score is between 0 and 5, not {value}")
    total = sum(numbers)
    blocking = tuple(name for name, value in zip(CRITERIA, numbers, strict=True) if value == 0)
    if blocking:
        return RubricDecision(total, "blocked", blocking)
    if total >= PUBLISH_FROM:
        return RubricDecision(total, "publish")
    if total >= HOLD_FROM:
        return RubricDecision(total, "hold")
    return RubricDecision(total, "reject")


@dataclass(frozen=True)
class Fit:
    score: float | None  # None: no snapshot, or none of the priorities is in it
    reasons: dict[str, list[str]] = field(default_factory=dict)  # language -> sentences
    vintage: str = ""


def _reason(language: str, ranked: bool, values: Mapping[str, Any]) -> str:
    """A fit reason in ``language`` (the gettext catalogue's, as every string is)."""
    with override(language):
        if ranked:
            template = pgettext(
                "strategic fit reason",
                "{priority}: {home}'s gap {gap}/100; {host}'s partner score "
                "{strength}/100 (rank {rank} of {of}) → fit {fit}",
            )
        else:
            template = pgettext(
                "strategic fit reason",
                "{priority}: {home}'s gap {gap}/100; {host} is not among the possible "
                "partners → fit {fit}",
            )
    return template.format(**values)


def strategic_fit(payload: Mapping[str, Any] | None, priorities: Sequence[str], host: str) -> Fit:
    """The fit of an opportunity with ``priorities`` offered from ``host``, from a snapshot
    payload (``insights.Snapshot.payload``)."""
    if not payload or not priorities:
        return Fit(None)
    gaps: dict[str, list[float]] = {}
    for row in payload.get("heat", []):
        if row.get("gap") is not None:
            gaps.setdefault(row["priority"], []).append(float(row["gap"]))
    names = {p["id"]: p["names"] for p in payload.get("priorities", [])}
    home = payload.get("home_names", {})
    best: float | None = None
    reasons: dict[str, list[str]] = {"es": [], "en": []}
    for priority in priorities:
        if priority not in gaps or priority not in payload.get("partners", {}):
            continue
        gap = sum(gaps[priority]) / len(gaps[priority])
        partners = payload["partners"][priority]
        ranked = partners.get("ranked", [])
        rank = next((row["rank"] for row in ranked if row["partner"] == host), None)
        strength = 100 * float(partners.get("scores", {}).get(host, 0.0))
        fit = (gap + strength) / 2
        best = fit if best is None else max(best, fit)
        for language in ("es", "en"):
            values = {
                "priority": names.get(priority, {}).get(language, priority),
                "home": home.get(language, payload.get("home", "")),
                "host": _country(payload, host, language),
                # figures written as the pages write them (the fit as stored: 0.1 apart)
                "gap": number(gap, 0, language),
                "strength": number(strength, 0, language),
                "rank": rank,
                "of": len(ranked),
                "fit": number(round(fit, 1), 0, language),
            }
            reasons[language].append(_reason(language, rank is not None, values))
    if best is None:
        return Fit(None)
    vintages = sorted({str(d.get("vintage", "")) for d in payload.get("datasets", [])} - {""})
    return Fit(round(best, 1), reasons, ", ".join(vintages))


def _country(payload: Mapping[str, Any], code: str, language: str) -> str:
    for partners in payload.get("partners", {}).values():
        for row in partners.get("ranked", []):
            if row["partner"] == code:
                return str(row.get("names", {}).get(language, code))
    return code
