"""Value chains: the home country's position at every stage of a priority's chain, the
world's leaders, the stage where the gap is, and the closest feasible next step.

For each stage (its products in one HS classification, the one whose data reach the latest
year), every country's basket world share, RCA (shrunk for small exporters) and density are
computed as in the capability model's trade component, with the stage score (mass below the
stage's frontier, discounted when not specialised) and the stage's leaders by the model's
rule (the largest world shares among specialised countries holding at least 1 %); the
infrastructure and resource indicators the priorities file ties to a stage (e.g. lithium
mine production and reserves at the ores stage) are shown with it. The *gap stage* is the
stage where the home country's score is lowest; the *next step* is the product of the chain
the home country does not export with RCA ≥ 1 whose relatedness density is highest — the
missing capability closest to what it already does (Hidalgo et al. 2007).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vinculo.strategy.capability import (
    LEADER_MIN_SHARE,
    CapabilityModel,
    MissingEvidenceError,
    mass_position,
    percentile,
    row_of,
    score_from,
)
from vinculo.strategy.priorities import Priority, Stage

__all__ = ["ChainView", "StageView", "stage_table", "value_chain"]

_LEADERS = 5


@dataclass(frozen=True)
class StageView:
    """One stage for the home country."""

    stage: Stage
    classification: str
    year: int
    rca: float
    world_share: float
    density: float
    percentile: float  # of the world share, among the ranked exporters
    score: float  # 0-100: mass below the stage's frontier, discounted when not specialised
    leaders: pd.DataFrame  # country, world_share, rca: the specialised largest first
    products: pd.DataFrame  # product, why, rca, density, pci, exported (RCA >= 1)
    vintage: str
    # the stage's infrastructure indicators: indicator, names, unit, year, value,
    # world_share, leader, leader_share, vintage (for the home country)
    resources: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class ChainView:
    """A priority's value chain for one country."""

    country: str
    priority: Priority
    stages: list[StageView]
    gap_stage: str | None
    next_step: dict[str, object] | None  # stage, product, why, density, rca, pci


def _classification(model: CapabilityModel, stage: Stage) -> str | None:
    """The stage's classification whose trade data reach the latest year."""
    best: tuple[int, str] | None = None
    for classification in stage.products:
        trade = model.trade_data(classification)
        if trade is None:
            continue
        year = int(trade.frame["year"].max())
        if best is None or year > best[0]:
            best = (year, classification)
    return None if best is None else best[1]


def stage_table(model: CapabilityModel, priority: str) -> pd.DataFrame:
    """Every country at every stage of ``priority``'s chain (latest year of the chosen
    classification): stage, classification, year, country, value (USD), rca (shrunk),
    rca_raw, world_share, density, ranked (exports at least USD 1 billion in all),
    percentile (of the world share, among the ranked), score (0–100), vintage. Empty when
    the priority has no chain. Kept in the model's cache."""
    model.priorities.priority(priority)
    return model.cached_frame(f"stages-{priority}", lambda: _stage_table(model, priority))


def _stage_table(model: CapabilityModel, priority: str) -> pd.DataFrame:
    chosen = model.priorities.priority(priority)
    columns = ["stage", "classification", "year", "country", "value", "rca", "rca_raw",
               "world_share", "density", "ranked", "percentile", "score", "vintage"]  # fmt: skip
    parts = []
    for stage in chosen.chain:
        classification = _classification(model, stage)
        if classification is None:
            continue
        trade = model.trade_data(classification)
        assert trade is not None
        codes = [c.code for c in stage.products[classification]]
        basket = model.trade_basket(trade, codes)
        year = int(basket["year"].max())
        basket = basket[basket["year"] == year].copy()
        ranked = basket["ranked"].astype(bool)
        basket["percentile"] = np.nan
        basket.loc[ranked, "percentile"] = percentile(basket.loc[ranked, "world_share"])
        lead = _leaders(basket.rename(columns={"specialization": "rca"}), 1)
        frontier = float(lead["world_share"].iloc[0]) if not lead.empty else np.nan
        basket["score"] = (
            score_from(
                mass_position(basket["world_share"].to_numpy(), frontier),
                basket["specialization"].to_numpy(),
            )
            if np.isfinite(frontier)
            else 0.0
        )
        parts.append(
            basket.rename(
                columns={"specialization": "rca", "specialization_raw": "rca_raw"}
            ).assign(stage=stage.id, classification=classification, vintage=trade.vintage)[columns]
        )
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)


def _leaders(rows: pd.DataFrame, count: int = _LEADERS) -> pd.DataFrame:
    """The stage's leaders: the largest world shares among ranked exporters holding at least
    1 % of the world, the specialised ones (RCA ≥ 1) first."""
    big = rows[rows["ranked"].astype(bool) & (rows["world_share"] >= LEADER_MIN_SHARE)]
    ordered = big.assign(specialised=big["rca"] >= 1).sort_values(
        ["specialised", "world_share"], ascending=[False, False]
    )
    chosen: pd.DataFrame = ordered.head(count)[["country", "world_share", "rca"]]
    return chosen.reset_index(drop=True)


def _resources(model: CapabilityModel, priority: str, stage: str, country: str) -> pd.DataFrame:
    """The infrastructure indicators tied to a stage, for ``country`` with the leader."""
    chosen = model.priorities.priority(priority)
    figures = model.positions()
    leaders = model.leaders().set_index(["priority", "component", "basis"])
    rows = []
    for indicator in chosen.infrastructure:
        if indicator.stage != stage:
            continue
        mine = figures[
            (figures["priority"] == priority)
            & (figures["component"] == "infrastructure")
            & (figures["basis"] == indicator.indicator)
        ]
        if mine.empty:
            continue
        lead = row_of(leaders, (priority, "infrastructure", indicator.indicator))
        row = mine[mine["country"] == country]
        rows.append(
            {
                "indicator": indicator.indicator,
                "names": dict(indicator.name),
                "unit": indicator.unit,
                "year": int(mine["year"].iloc[0]),
                "value": float(row["value"].iloc[0]) if not row.empty else np.nan,
                "world_share": float(row["world_share"].iloc[0]) if not row.empty else np.nan,
                "leader": lead["leader"],
                "leader_share": float(lead["leader_share"]),
                "vintage": str(mine["vintage"].iloc[0]),
            }
        )
    return pd.DataFrame(rows)


def value_chain(model: CapabilityModel, priority: str, country: str | None = None) -> ChainView:
    """The chain of ``priority`` seen from ``country`` (default: the home country).

    Raises :class:`MissingEvidenceError` when the priority has no chain or no stage has
    trade data in the store.
    """
    country = country or model.priorities.home
    chosen = model.priorities.priority(priority)
    if not chosen.chain:
        raise MissingEvidenceError(f"priority {priority!r} declares no value chain")
    table = stage_table(model, priority)
    if table.empty:
        raise MissingEvidenceError(
            f"no exports in the evidence store for the products of {priority!r}'s chain "
            "(vinculo data pull atlas ots)"
        )
    views = []
    for stage in chosen.chain:
        rows = table[table["stage"] == stage.id]
        if rows.empty:
            continue
        classification = str(rows["classification"].iloc[0])
        year = int(rows["year"].iloc[0])
        trade = model.trade_data(classification)
        assert trade is not None
        mine = rows[rows["country"] == country]
        leaders = _leaders(rows)
        codes = {c.code[:4]: c.why for c in stage.products[classification]}
        cells = trade.cells[
            (trade.cells["year"] == year)
            & (trade.cells["country"] == country)
            & trade.cells["product"].isin(list(codes))
        ]
        products = pd.DataFrame(
            {
                "product": cells["product"].to_numpy(),
                "why": [codes[p] for p in cells["product"]],
                "rca": cells["rca"].to_numpy(),
                "density": cells["density"].to_numpy(),
                "pci": cells["pci"].to_numpy(),
                "exported": (cells["mcp"] > 0).to_numpy(),
            }
        ).sort_values("product", ignore_index=True)
        first = mine.iloc[0] if not mine.empty else None
        views.append(
            StageView(
                stage=stage,
                classification=classification,
                year=year,
                rca=float(first["rca"]) if first is not None else float("nan"),
                world_share=float(first["world_share"]) if first is not None else float("nan"),
                density=float(first["density"]) if first is not None else float("nan"),
                percentile=float(first["percentile"]) if first is not None else float("nan"),
                score=float(first["score"]) if first is not None else float("nan"),
                leaders=leaders,
                products=products,
                vintage=str(rows["vintage"].iloc[0]),
                resources=_resources(model, priority, stage.id, country),
            )
        )
    scored = [v for v in views if v.score == v.score]  # not NaN
    gap = min(scored, key=lambda v: v.score).stage.id if scored else None
    candidates = pd.concat(
        [view.products.assign(stage=view.stage.id) for view in views], ignore_index=True
    )
    candidates = candidates[~candidates["exported"] & candidates["density"].notna()]
    next_step: dict[str, object] | None = None
    if not candidates.empty:
        best = candidates.loc[candidates["density"].idxmax()]
        next_step = {
            "stage": str(best["stage"]),
            "product": str(best["product"]),
            "why": str(best["why"]),
            "density": float(best["density"]),
            "rca": float(best["rca"]),
            "pci": float(best["pci"]),
        }
    return ChainView(country, chosen, views, gap, next_step)
