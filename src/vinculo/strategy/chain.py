"""Value chains: the home country's position at every stage of a priority's chain, the
world's leaders, the stage where the gap is, and the closest feasible next step.

For each stage (its products in one HS classification, the one whose data reach the latest
year), every country's basket RCA, world share and density are computed as in the
capability model's trade component; the *gap stage* is the stage where the home country's
RCA percentile is lowest; the *next step* is the product of the chain the home country does
not export with RCA ≥ 1 whose relatedness density is highest — the missing capability
closest to what it already does (Hidalgo et al. 2007).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vinculo.strategy.capability import (
    MIN_TOTAL,
    CapabilityModel,
    MissingEvidenceError,
    percentile,
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
    percentile: float
    leaders: pd.DataFrame  # country, world_share, rca (top five by share)
    products: pd.DataFrame  # product, why, rca, density, pci, exported (RCA >= 1)
    vintage: str


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
    classification): stage, classification, year, country, rca, world_share, density,
    percentile (of RCA, among countries exporting at least USD 1 billion in all), vintage.
    Empty when the priority has no chain."""
    chosen = model.priorities.priority(priority)
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
        ranked = basket["total"] >= MIN_TOTAL["trade"]
        basket["percentile"] = np.nan
        basket.loc[ranked, "percentile"] = percentile(basket.loc[ranked, "rca"])
        parts.append(
            basket.assign(
                stage=stage.id, classification=classification, vintage=trade.vintage
            )[["stage", "classification", "year", "country", "rca", "world_share", "density",
               "percentile", "vintage"]]
        )  # fmt: skip
    if not parts:
        return pd.DataFrame(
            columns=["stage", "classification", "year", "country", "rca", "world_share",
                     "density", "percentile", "vintage"]
        )  # fmt: skip
    return pd.concat(parts, ignore_index=True)


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
        leaders = rows.nlargest(_LEADERS, "world_share")[["country", "world_share", "rca"]]
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
                leaders=leaders.reset_index(drop=True),
                products=products,
                vintage=str(rows["vintage"].iloc[0]),
            )
        )
    ranked = [v for v in views if v.percentile == v.percentile]  # not NaN
    gap = min(ranked, key=lambda v: v.percentile).stage.id if ranked else None
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
