"""Validation of the capability model against the staged references, printed as Markdown
(the tables of docs/validation.md).

    VINCULO_HOME=... python benchmarks/validation.py [--before DIR] > validation.md

For every priority of the default priorities file:

* the top ten countries per component (primary basis) by world share, with their
  specialization, the leader and the most specialised country;
* the top ten partners, and — with ``--before DIR`` holding ``partners-<priority>.csv`` and
  ``gaps.csv`` written by the previous model (``vinculo partners --format csv`` and
  ``vinculo gaps --format csv`` at commit 194ac06, on the evidence of that time; with
  ``--top 300`` the file holds every candidate) — the top ten before, side by side;
* agreement with the outside references staged for the priority: TOP500 (computing power,
  June 2025), UCS (satellites operated, May 2023), USGS (lithium, cobalt, graphite, nickel
  mine production 2024), IEA (EV car sales 2023): Spearman's rank correlation between every
  candidate's rank and its share of the reference (0 where the reference does not list it),
  and how many of the reference's top ten countries are among the top ten partners;
* agreement between the two science bases (OpenAlex subfields and NCSES fields): Spearman's
  correlation of the world shares over the countries both rank.

The references are also inputs of the infrastructure component, so agreement there is
partly by construction; the partner ranking mixes four other factors and four components,
so its agreement with a reference is not.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from vinculo.evidence.store import EvidenceStore
from vinculo.settings import vinculo_home
from vinculo.strategy.capability import COMPONENTS, LEADER_MIN_SHARE, CapabilityModel
from vinculo.strategy.chain import stage_table
from vinculo.strategy.partners import recommend
from vinculo.strategy.priorities import default_priorities

# priority -> (reference name, indicators whose world shares are averaged)
REFERENCES = {
    "supercomputing": ("TOP500 Rmax, 2025-06", ("top500_rmax_tflops",)),
    "aerospace": ("UCS satellites operated, 2023", ("satellites_operated",)),
    "lithium-value-chain": ("USGS lithium mine production, 2024", ("lithium_mine_production_t",)),
    "batteries": (
        "USGS cobalt, graphite, nickel mine production, 2024",
        ("cobalt_mine_production_t", "graphite_mine_production_t", "nickel_mine_production_t"),
    ),
    "electromobility": ("IEA EV car sales, 2023", ("ev_sales_cars",)),
}


def spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman's rank correlation of two series on their common index."""
    both = pd.concat([a, b], axis=1).dropna()
    if len(both) < 3:
        return float("nan")
    return float(both.iloc[:, 0].rank().corr(both.iloc[:, 1].rank()))


def reference_shares(model: CapabilityModel, indicators: tuple[str, ...]) -> pd.Series:
    """Each country's mean world share over the reference's indicators (latest year)."""
    rows = model.indicators
    shares = []
    for name in indicators:
        found = rows[rows["indicator"] == name]
        year = int(found["year"].max())
        now = found[found["year"] == year]
        world = now.loc[now["country"] == "WLD", "value"]
        countries = now[now["country"] != "WLD"].groupby("country")["value"].sum()
        total = float(world.iloc[0]) if not world.empty else float(countries.sum())
        shares.append(countries / total)
    return pd.concat(shares, axis=1).fillna(0.0).mean(axis=1).sort_values(ascending=False)


def agreement(partners: list[str], reference: pd.Series) -> tuple[float, int]:
    """Spearman between the order of every candidate partner and its reference share (0
    where the reference does not list it); how many of the reference's top ten are among
    the top ten partners."""
    order = pd.Series(-np.arange(len(partners), dtype=float), index=partners)
    values = reference.reindex(partners).fillna(0.0)
    return spearman(order, values), len(set(reference.index[:10]) & set(partners[:10]))


def table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="folder of the previous model's CSV output")
    args = parser.parse_args(argv)
    priorities = default_priorities()
    path = vinculo_home() / "evidence.duckdb"
    out: list[str] = []
    with EvidenceStore(path, read_only=True) as store:
        model = CapabilityModel(
            store, priorities, cache_folder=vinculo_home() / "cache" / "strategy"
        )
        scores = model.scores()
        leaders = model.leaders()
        figures = model.figures()
        summary: list[list[str]] = []
        for priority in priorities.priorities:
            out.append(f"### {priority.name['en']} (`{priority.id}`)\n")
            mine = scores[scores["priority"] == priority.id]
            rows = []
            for component in COMPONENTS:
                part = mine[mine["component"] == component]
                if part.empty:
                    reason = priority.absent.get(component, {}).get("en", "no data loaded")
                    rows.append([component, "—", "—", "—", f"none: {reason}"])
                    continue
                lead = leaders[
                    (leaders["priority"] == priority.id)
                    & (leaders["component"] == component)
                    & leaders["primary"]
                ].iloc[0]
                top = part[part["ranked"]].nlargest(10, "world_share")
                listed = ", ".join(
                    f"{r.country} {r.world_share:.1%} ({r.specialization:.2f})"
                    for r in top.itertuples()
                )
                rows.append(
                    [
                        component,
                        f"{lead['basis']} {int(lead['year'])}",
                        f"{lead['leader']} ({lead['leader_share']:.1%})",
                        f"{lead['most_specialised']} ({lead['most_specialised_value']:.2f})",
                        listed,
                    ]
                )
            out.append(
                table(
                    rows,
                    [
                        "component",
                        "basis, year",
                        "leader",
                        "most specialised",
                        "top ten by world share (specialization)",
                    ],
                )
            )
            chain = stage_table(model, priority.id) if priority.chain else None
            ranked = [r.partner for r in recommend(model, priority.id, chain=chain)]
            after = ranked[:10]
            every_before: list[str] = []
            if args.before is not None:
                for name in (f"partners-all-{priority.id}.csv", f"partners-{priority.id}.csv"):
                    file = args.before / name
                    if file.exists():
                        every_before = pd.read_csv(file, keep_default_na=False)["partner"].tolist()
                        break
            before = every_before[:10]
            out.append("")
            out.append(
                table(
                    [
                        [
                            str(i + 1),
                            after[i] if i < len(after) else "",
                            before[i] if i < len(before) else "",
                        ]
                        for i in range(10)
                    ],
                    ["rank", "partner (this model)", "partner (before)"],
                )
            )
            if priority.id in REFERENCES:
                name, indicators = REFERENCES[priority.id]
                reference = reference_shares(model, indicators)
                rho, hits = agreement(ranked, reference)
                rho_before, hits_before = (
                    agreement(every_before, reference) if every_before else (np.nan, 0)
                )
                top_reference = ", ".join(f"{c} {v:.1%}" for c, v in reference.head(10).items())
                out.append(
                    f"\nReference — {name}: {top_reference}.\n\n"
                    f"Spearman (every candidate's rank against its reference share): "
                    f"{rho:.2f} (before: {rho_before:.2f}); reference's top ten among the top "
                    f"ten partners: {hits} (before: {hits_before}).\n"
                )
                summary.append(
                    [
                        priority.id,
                        name,
                        f"{rho:.2f}",
                        f"{rho_before:.2f}",
                        str(hits),
                        str(hits_before),
                    ]
                )
            science = figures[
                (figures["priority"] == priority.id) & (figures["component"] == "science")
            ]
            wide = {}
            for basis in ("openalex-subfield", "ncses15"):
                part = science[science["basis"] == basis]
                if part.empty:
                    continue
                last = part[part["year"] == part["year"].max()]
                wide[basis] = last[last["ranked"]].set_index("country")["world_share"]
            if len(wide) == 2:
                rho = spearman(wide["openalex-subfield"], wide["ncses15"])
                out.append(
                    f"\nScience, OpenAlex subfields against NCSES fields (world shares, "
                    f"countries both rank): Spearman {rho:.2f}.\n"
                )
            out.append("")
        out.insert(
            0,
            table(
                summary,
                [
                    "priority",
                    "reference",
                    "Spearman (this model)",
                    "Spearman (before)",
                    "reference top ten in top ten (this model)",
                    "(before)",
                ],
            )
            + "\n",
        )
        violations = leaders[leaders["leader_share"] < LEADER_MIN_SHARE]
        out.insert(1, f"Leaders under 1 % of the world: {len(violations)}.\n")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
