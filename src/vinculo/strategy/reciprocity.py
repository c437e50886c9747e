"""Reciprocity: what the home country offers a partner — the components, value-chain
stages, research fields and products where the evidence says it is the stronger side.

A negotiation needs both sides ("we have much to give to the world", says the strategy the
default priorities come from). For a partner and a priority, the offers are, each only
when the evidence shows it:

* the priority's **components** where the home country's score (0–100) exceeds the
  partner's by at least :data:`MIN_LEAD` points;
* the priority's **value-chain stages** where its stage score exceeds the partner's by
  the same;
* **research fields** (any field of the science basis, not only the priority's) where the
  home country is specialised (shrunk activity index ≥ :data:`MIN_FIELD_INDEX`, with at
  least :data:`MIN_FIELD_WORKS` works in the year) and the partner much less so (its index
  under the home country's over 1.5): the largest three by works × the difference;
* **products** the home country exports with RCA ≥ 1 (at least USD 100 million) where the
  partner has RCA < 1, among the products the Atlas of Economic Complexity does not flag
  as natural resources (know-how, not endowments): the largest three by value.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vinculo.strategy.capability import SPECIALIZATION, CapabilityModel, row_of
from vinculo.strategy.i18n import Country, Message, Named, Num, Share

__all__ = [
    "MIN_FIELD_INDEX",
    "MIN_FIELD_WORKS",
    "MIN_LEAD",
    "MIN_PRODUCT_USD",
    "Reciprocity",
    "field_names",
    "product_names",
]

MIN_LEAD = 10.0
MIN_FIELD_INDEX = 1.2
MIN_FIELD_WORKS = 200
MIN_PRODUCT_USD = 1e8
_FIELD_RATIO = 1.5
_SHOWN = 3


#: Corrections to the package's Spanish short names: missing accents, and Mexican usage
#: ("computadoras", not "computadores").
_NAMES_ES_MX = {
    "2851": "Otros compuestos inorgánicos, aire líquido o comprimido",
    "7417": "Aparatos de cocción, no eléctricos, de cobre",
    "8471": "Computadoras",
    "8485": "Partes de máquinas o aparatos, n.c.p., sin características eléctricas",
    "8517": "Teléfonos",
}


@cache
def product_names() -> pd.DataFrame:
    """HS92 4-digit products with short names in English and Spanish and the Atlas's
    natural-resource flag (from the Growth Lab's ``atlas-common-data`` package); empty
    when it is not installed."""
    # found without importing the package (its __init__ imports HTTP clients: 60 ms)
    spec = importlib.util.find_spec("atlas_common_data")
    if spec is None or not spec.submodule_search_locations:
        return pd.DataFrame(columns=["name_en", "name_es", "natural_resource"])
    file = (
        Path(next(iter(spec.submodule_search_locations))) / "data/classification/product/hs92.csv"
    )
    if not file.exists():
        return pd.DataFrame(columns=["name_en", "name_es", "natural_resource"])
    table = pd.read_csv(
        file,
        usecols=["code", "product_level", "name_short_en", "name_short_es", "natural_resource"],
        dtype={"code": str, "natural_resource": str},
    )
    table = table[table["product_level"] == 4]
    codes = table["code"].str.zfill(4)
    spanish = [_NAMES_ES_MX.get(c, n) for c, n in zip(codes, table["name_short_es"], strict=True)]
    return pd.DataFrame(
        {
            "name_en": table["name_short_en"].to_numpy(),
            "name_es": spanish,
            "natural_resource": table["natural_resource"].astype(str).eq("True").to_numpy(),
        },
        index=table["code"].str.zfill(4).to_numpy(),
    )


@cache
def field_names(taxonomy: str) -> dict[str, dict[str, str]]:
    """Research field -> its name per language, for the taxonomies the package names."""
    if taxonomy in ("openalex-subfield", "openalex-field"):
        try:
            from vinculo.evidence.taxonomy import openalex_subfields
        except ImportError:
            return {}
        table = openalex_subfields()
        if taxonomy == "openalex-subfield":
            return {
                str(row.subfield_id): {"en": str(row.name_en), "es": str(row.name_es)}
                for row in table.itertuples()
            }
        fields = table.drop_duplicates("field_id")
        return {
            str(row.field_id): {"en": str(row.field_name_en), "es": str(row.field_name_es)}
            for row in fields.itertuples()
        }
    if taxonomy == "ncses15":
        from vinculo.strategy.i18n import NCSES_FIELDS_ES

        return {
            name: {"en": name, "es": NCSES_FIELDS_ES.get(name, name)} for name in NCSES_FIELDS_ES
        }
    return {}


@dataclass
class Reciprocity:
    """The matrices the offers are read from, built once per model."""

    model: CapabilityModel
    _general: dict[str, list[Message]] = field(default_factory=dict)
    # priority -> (the chain table, it indexed by stage and country, stage scores)
    _stages: dict[str, tuple[pd.DataFrame, pd.DataFrame, dict[Any, Any]]] = field(
        default_factory=dict
    )

    @classmethod
    def of(cls, model: CapabilityModel) -> Reciprocity:
        found = model.memo.get("reciprocity")
        if not isinstance(found, Reciprocity):
            found = cls(model)
            model.memo["reciprocity"] = found
        return found

    @property
    def home(self) -> str:
        return self.model.priorities.home

    # ---------------------------------------------------------------- science
    @cached_property
    def _home_fields(self) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, dict[str, str]]]:
        """The home country's specialised fields, every country's index in them, names."""
        table = self.model.cached_frame("reciprocity-fields", self._fields_table)
        if table.empty:
            return pd.DataFrame(), pd.DataFrame(), {}
        mine = table[table["country"] == self.home].set_index("field")
        wide = table.pivot_table(index="field", columns="country", values="activity_index")
        return mine, wide, field_names(str(table["taxonomy"].iloc[0]))

    def _fields_table(self) -> pd.DataFrame:
        """Every country's activity index in the fields where the home country is
        specialised (index ≥ 1.2 with at least 200 works)."""
        table = self.model.science_fields()
        if table.empty:
            return table
        mine = table[table["country"] == self.home]
        mine = mine[
            (mine["activity_index"] >= MIN_FIELD_INDEX) & (mine["works"] >= MIN_FIELD_WORKS)
        ]
        chosen: pd.DataFrame = table[table["field"].isin(set(mine["field"]))]
        return chosen.reset_index(drop=True)

    def _field_offers(self, partner: str) -> list[Message]:
        mine, wide, names = self._home_fields
        if mine.empty:
            return []
        theirs = wide[partner] if partner in wide else pd.Series(dtype=float)
        other = theirs.reindex(mine.index).fillna(0.0)
        keep = other < mine["activity_index"] / _FIELD_RATIO
        kept, other = mine[keep], other[keep]
        weight = kept["works"] * (kept["activity_index"] - other)
        offers = []
        for code in weight.sort_values(ascending=False).index[:_SHOWN]:
            row = kept.loc[code]
            offers.append(
                Message(
                    "offer.field",
                    {
                        "home": Country(self.home),
                        "field": Named.of(names.get(str(code), {}), str(code)),
                        "works": Num(row["works"], 0),
                        "year": int(row["year"]),
                        "mine": Num(row["activity_index"]),
                        "partner": Num(other[code]),
                        "other": Country(partner),
                    },
                )
            )
        return offers

    # ---------------------------------------------------------------- trade
    @cached_property
    def _product_names(self) -> dict[str, dict[str, str]]:
        """Names of the home country's specialised products only (a few dozen)."""
        mine, _, _ = self._home_products
        table = product_names()
        known = [str(c) for c in mine.index if str(c) in table.index]
        return {
            code: {"en": str(table.at[code, "name_en"]), "es": str(table.at[code, "name_es"])}
            for code in known
        }

    @cached_property
    def _home_products(self) -> tuple[pd.DataFrame, pd.DataFrame, int]:
        """The home country's specialised products, every country's RCA in them, the year."""
        table = self.model.cached_frame("reciprocity-products", self._products_table)
        if table.empty:
            return pd.DataFrame(), pd.DataFrame(), 0
        mine = table[table["country"] == self.home].set_index("product")
        wide = table.pivot_table(index="product", columns="country", values="rca")
        year = int(table["year"].iloc[0])
        return mine.sort_values("value_usd", ascending=False), wide, year

    def _products_table(self) -> pd.DataFrame:
        """Every country's RCA in the products the home country exports with RCA ≥ 1 (USD
        100 million at least; not natural resources), in the latest trade year; the home
        country's rows carry its export value."""
        columns = ["product", "country", "rca", "value_usd", "year"]
        best = None
        for classification in self.model.trade_classifications():
            trade = self.model.trade_data(classification)
            if trade is None:
                continue
            key = (trade.year, trade.frame["country"].nunique())
            if best is None or key > best[0]:
                best = (key, trade)
        if best is None:
            return pd.DataFrame(columns=columns)
        trade = best[1]
        cells = trade.cells
        mine = cells[(cells["country"] == self.home) & (cells["rca"] >= 1)].set_index("product")
        values = trade.frame[trade.frame["country"] == self.home].set_index("product")
        mine = mine.assign(value_usd=values["value_usd"].reindex(mine.index))
        mine = mine[mine["value_usd"] >= MIN_PRODUCT_USD]
        names = product_names()
        if not names.empty:
            resource = names["natural_resource"].reindex(mine.index).fillna(False).astype(bool)
            mine = mine[~resource.to_numpy()]
        chosen = cells[cells["product"].isin(mine.index)][["product", "country", "rca"]]
        home_values = mine["value_usd"]
        chosen = chosen.assign(
            value_usd=np.where(
                chosen["country"] == self.home, chosen["product"].map(home_values), np.nan
            ),
            year=trade.year,
        )
        return chosen.reset_index(drop=True)[columns]

    def _product_offers(self, partner: str) -> list[Message]:
        mine, wide, year = self._home_products
        if mine.empty:
            return []
        theirs = wide[partner] if partner in wide else pd.Series(dtype=float)
        other = theirs.reindex(mine.index).fillna(0.0)
        kept = mine[(other < 1).to_numpy()]
        names = self._product_names
        offers = []
        for code in kept.index[:_SHOWN]:
            named = names.get(str(code), {})
            offers.append(
                Message(
                    "offer.product",
                    {
                        "home": Country(self.home),
                        "product": Named.of(named, f"HS {code}"),
                        "code": str(code),
                        "amount": Num(kept.loc[code, "value_usd"] / 1e6, 0),
                        "year": int(year),
                        "mine": Num(kept.loc[code, "rca"]),
                        "partner": Num(other[code]),
                        "other": Country(partner),
                    },
                )
            )
        return offers

    # ---------------------------------------------------------------- the priority
    def _scores(self, priority: str) -> pd.DataFrame:
        key = f"reciprocity-scores-{priority}"
        found = self.model.memo.get(key)
        if not isinstance(found, pd.DataFrame):
            scores = self.model.scores()
            found = scores[scores["priority"] == priority].set_index(["component", "country"])
            self.model.memo[key] = found
        return found

    def _rows(self, priority: str, scores: pd.DataFrame) -> dict[Any, Any]:
        key = f"reciprocity-rows-{priority}"
        found = self.model.memo.get(key)
        if not isinstance(found, dict):
            found = dict(
                scores[["score", "world_share", "specialization", "year"]].to_dict("index")
            )
            self.model.memo[key] = found
        return found

    def _component_offers(self, partner: str, priority: str) -> list[Message]:
        scores = self._scores(priority)
        rows = self._rows(priority, scores)
        offers = []
        for component in dict.fromkeys(scores.index.get_level_values(0)):
            mine, theirs = rows.get((component, self.home)), rows.get((component, partner))
            if mine is None or theirs is None:
                continue
            if not float(mine["score"]) - float(theirs["score"]) >= MIN_LEAD:
                continue
            offers.append(
                Message(
                    "offer.component",
                    {
                        "home": Country(self.home),
                        "component": Message(f"component.{component}"),
                        "mine": Num(mine["score"], 0),
                        "partner": Num(theirs["score"], 0),
                        "home_share": Share(mine["world_share"]),
                        "partner_share": Share(theirs["world_share"]),
                        "metric": Message(f"metric.{SPECIALIZATION[str(component)]}"),
                        "home_value": Num(mine["specialization"]),
                        "partner_value": Num(theirs["specialization"]),
                        "year": int(mine["year"]),
                    },
                )
            )
        return offers

    def _stage_offers(
        self, partner: str, priority: str, chain: pd.DataFrame | None
    ) -> list[Message]:
        if chain is None or chain.empty:
            return []
        remembered = self._stages.get(priority)
        if remembered is None or remembered[0] is not chain:
            keyed = chain.set_index(["stage", "country"])
            remembered = (chain, keyed, keyed["score"].to_dict())
            self._stages[priority] = remembered
        _, keyed, scores = remembered
        names = {
            s.id: Named.of(s.name, s.id) for s in self.model.priorities.priority(priority).chain
        }
        best: tuple[float, str] | None = None
        for stage in dict.fromkeys(chain["stage"]):
            mine_score, their_score = scores.get((stage, self.home)), scores.get((stage, partner))
            if mine_score is None or their_score is None:
                continue
            lead = float(mine_score) - float(their_score)
            if lead >= MIN_LEAD and (best is None or lead > best[0]):
                best = (lead, str(stage))
        if best is None:
            return []
        mine, theirs = row_of(keyed, (best[1], self.home)), row_of(keyed, (best[1], partner))
        return [
            Message(
                "offer.stage",
                {
                    "home": Country(self.home),
                    "stage": names.get(best[1], Named.of({}, best[1])),
                    "home_share": Share(mine["world_share"]),
                    "partner_share": Share(theirs["world_share"]),
                    "mine": Num(mine["rca"]),
                    "partner": Num(theirs["rca"]),
                    "home_score": Num(mine["score"], 0),
                    "partner_score": Num(theirs["score"], 0),
                    "year": int(mine["year"]),
                },
            )
        ]

    def offers(
        self, partner: str, priority: str | None = None, *, chain: pd.DataFrame | None = None
    ) -> list[Message]:
        """What the home country offers ``partner``: in ``priority`` (components, stages)
        when given, then in science and trade at large; ``offer.none`` when nothing."""
        found: list[Message] = []
        if priority is not None:
            found += self._component_offers(partner, priority)
            found += self._stage_offers(partner, priority, chain)
        if partner not in self._general:
            self._general[partner] = self._field_offers(partner) + self._product_offers(partner)
        found += self._general[partner]
        if not found:
            found.append(Message("offer.none", {"home": Country(self.home)}))
        return found

    def general(self, partner: str) -> list[Message]:
        """What the home country offers ``partner`` in science and trade at large."""
        return self.offers(partner)
