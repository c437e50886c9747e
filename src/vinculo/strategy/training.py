"""Training models and the human-capital gap of the strategic projects.

A training model (``data/training-models.yaml``) is a list of stages with their lengths in
years and the stage after which a trainee counts as a specialist for a project
(``ready_after``). A cohort starts in a year with its enrolment; its specialists are
expected in ``start_year + years until ready_after``: the graduates recorded for that stage
when known, else the enrolment times the completion rate. The gap of a project in a year
is what it needs minus the specialists expected by then (cumulative: a specialist ready in
2028 still counts in 2029) minus the researchers matched to it (the hook for the people
app's matching; zero when none is given). No Django here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "Cohort",
    "Gap",
    "Need",
    "Stage",
    "TrainingModel",
    "TrainingModelError",
    "expected_ready",
    "gaps",
    "load_models",
]


class TrainingModelError(ValueError):
    """A training-models file that cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class Stage:
    id: str
    name: Mapping[str, str]
    years: int


@dataclass(frozen=True)
class TrainingModel:
    id: str
    name: Mapping[str, str]
    stages: tuple[Stage, ...]
    ready_after: str
    source: Mapping[str, str]
    note: Mapping[str, str]

    @property
    def years_to_ready(self) -> int:
        """Years from a cohort's start until its trainees count as specialists."""
        total = 0
        for stage in self.stages:
            total += stage.years
            if stage.id == self.ready_after:
                return total
        raise TrainingModelError(f"{self.id}: ready_after {self.ready_after!r} is no stage")


def _text(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not {"es", "en"} <= set(value):
        raise TrainingModelError(f"{where}: give the text in es and en")
    return {"es": str(value["es"]), "en": str(value["en"])}


def load_models(path: str | Path | None = None) -> dict[str, TrainingModel]:
    """The training models of ``path`` (default: the packaged file), by id."""
    if path is None:
        text = resources.files("vinculo.strategy").joinpath("data/training-models.yaml")
        name, raw = "training-models.yaml", text.read_text(encoding="utf-8")
    else:
        name, raw = str(path), Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(raw) or {}
    models: dict[str, TrainingModel] = {}
    for index, item in enumerate(data.get("models") or []):
        where = f"{name}: models[{index}]"
        try:
            stages = tuple(
                Stage(str(s["id"]), _text(s["name"], f"{where}.stages[{i}].name"), int(s["years"]))
                for i, s in enumerate(item["stages"])
            )
            model = TrainingModel(
                id=str(item["id"]),
                name=_text(item["name"], f"{where}.name"),
                stages=stages,
                ready_after=str(item["ready_after"]),
                source={k: str(v) for k, v in (item.get("source") or {}).items()},
                note=_text(item.get("note"), f"{where}.note"),
            )
        except KeyError as error:
            raise TrainingModelError(f"{where}: missing key {error.args[0]!r}") from None
        except (TypeError, ValueError) as error:
            raise TrainingModelError(f"{where}: {error}") from None
        if not stages or any(s.years <= 0 for s in stages):
            raise TrainingModelError(f"{where}.stages: at least one, each of years > 0")
        model.years_to_ready  # noqa: B018 - checks ready_after names a stage
        if model.id in models:
            raise TrainingModelError(f"{where}.id: {model.id!r} twice")
        models[model.id] = model
    return models


@cache
def default_models() -> dict[str, TrainingModel]:
    return load_models()


@dataclass(frozen=True)
class Cohort:
    """A cohort of a training programme: who it trains for, through which model."""

    programme: str
    model: TrainingModel
    start_year: int
    enrolled: int
    completion_rate: float = 1.0  # share expected to reach ``ready_after``
    ready: int | None = None  # recorded: how many did reach it (overrides the rate)
    profile: str = ""
    partner_countries: tuple[str, ...] = ()

    @property
    def ready_year(self) -> int:
        return self.start_year + self.model.years_to_ready

    @property
    def expected(self) -> float:
        if self.ready is not None:
            return float(self.ready)
        return self.enrolled * self.completion_rate


@dataclass(frozen=True)
class Need:
    project: str
    profile: str
    year: int
    specialists: int


@dataclass(frozen=True)
class Gap:
    project: str
    profile: str
    year: int
    needed: int
    expected: float  # specialists of the cohorts for this profile ready by ``year``
    matched: int  # researchers matched to the project (the people app's hook)
    programmes: tuple[str, ...]  # the programmes whose cohorts count (could close it)
    partner_countries: tuple[str, ...]

    @property
    def gap(self) -> float:
        """What is missing (0 when covered)."""
        return max(0.0, self.needed - self.expected - self.matched)


def expected_ready(cohorts: Iterable[Cohort], profile: str, year: int) -> float:
    """Specialists of ``profile`` ready by the end of ``year`` (cumulative)."""
    return sum(c.expected for c in cohorts if c.profile == profile and c.ready_year <= year)


def gaps(
    needs: Iterable[Need],
    cohorts: Iterable[Cohort],
    matched: Mapping[tuple[str, str], int] | None = None,
) -> list[Gap]:
    """One :class:`Gap` per need, in the needs' order. ``cohorts`` are those training for
    the project (their ``profile`` is matched to the need's); ``matched`` maps (project,
    profile) to researchers matched (the people app's matching, when it lands)."""
    cohorts = list(cohorts)
    matched = matched or {}
    found = []
    for need in needs:
        counting = [c for c in cohorts if c.profile == need.profile and c.ready_year <= need.year]
        found.append(
            Gap(
                project=need.project,
                profile=need.profile,
                year=need.year,
                needed=need.specialists,
                expected=sum(c.expected for c in counting),
                matched=matched.get((need.project, need.profile), 0),
                programmes=tuple(
                    sorted({c.programme for c in cohorts if c.profile == need.profile})
                ),
                partner_countries=tuple(
                    sorted(
                        {
                            p
                            for c in cohorts
                            if c.profile == need.profile
                            for p in c.partner_countries
                        }
                    )
                ),
            )
        )
    return found
