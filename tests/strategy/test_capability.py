"""The capability model, value chains and partner ranking on the staged evidence, checked
against figures computed by hand from the source files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vinculo.evidence.pull import pull
from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.capability import CapabilityModel, MissingEvidenceError, percentile
from vinculo.strategy.chain import stage_table, value_chain
from vinculo.strategy.partners import (
    FACTORS,
    co_authorship_series,
    haversine_km,
    leading_institutions,
    recommend,
    sensitivity,
)
from vinculo.strategy.priorities import Code, Priorities, Priority, Stage, Weights

BATTERY_PRODUCTS = ("2836", "8506", "8507")


def _codes(*codes: str) -> tuple[Code, ...]:
    return tuple(Code(code, f"test code {code}") for code in codes)


def _stage(identifier: str, *codes: str) -> Stage:
    return Stage(
        identifier,
        {"es": identifier, "en": identifier},
        products={"hs92": _codes(*codes), "hs07": _codes(*codes)},
    )


PRIORITIES = Priorities(
    home="MEX",
    title={"es": "Prueba", "en": "Test"},
    peers=("BRA", "ARG", "CHL", "COL", "TUR"),
    languages=("es",),
    priorities=(
        Priority(
            "batteries",
            {"es": "Baterías", "en": "Batteries"},
            {"es": "Baterías", "en": "Batteries"},
            products={"hs92": _codes(*BATTERY_PRODUCTS), "hs07": _codes(*BATTERY_PRODUCTS)},
            fields={"ncses15": _codes("Chemistry", "Materials science")},
            tech_fields={"wipo35": _codes("electrical machinery, apparatus, energy")},
            keywords={"es": ("batería", "energía"), "en": ("battery", "energy")},
            chain=(
                _stage("chemicals", "2825", "2836"),
                _stage("cells", "8506", "8507"),
                _stage("vehicles", "8703"),
            ),
        ),
    ),
)


@pytest.fixture(scope="module")
def store(test_data: Path, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("strategy") / "evidence.duckdb"
    with EvidenceStore(path) as opened:
        pull(opened, mirror=test_data)
        yield opened


@pytest.fixture(scope="module")
def model(store) -> CapabilityModel:
    return CapabilityModel(store, PRIORITIES)


def _figure(model: CapabilityModel, component: str, basis: str, metric: str, year: int,
            country: str = "MEX") -> float:  # fmt: skip
    table = model.table()
    row = table[
        (table["component"] == component) & (table["basis"] == basis)
        & (table["metric"] == metric) & (table["year"] == year) & (table["country"] == country)
    ]  # fmt: skip
    return float(row["value"].item())


@pytest.mark.realdata
def test_trade_rca_of_a_basket_equals_the_hand_computation(model, test_data):
    frame = pd.read_parquet(test_data / "atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet")
    countries = set(model.store.execute("SELECT code FROM locations WHERE kind='country'")["code"])
    frame = frame[frame["country_code"].isin(countries)]
    basket = frame["hs92_code"].isin(BATTERY_PRODUCTS)
    mexico = frame["country_code"] == "MEX"
    by_hand = (frame.loc[basket & mexico, "export_value_usd"].sum()
               / frame.loc[mexico, "export_value_usd"].sum()) / (
        frame.loc[basket, "export_value_usd"].sum() / frame["export_value_usd"].sum()
    )  # fmt: skip
    assert _figure(model, "trade", "hs92", "rca", 2016) == pytest.approx(by_hand, rel=1e-9)
    share = (
        frame.loc[basket & mexico, "export_value_usd"].sum()
        / frame.loc[basket, "export_value_usd"].sum()
    )
    assert _figure(model, "trade", "hs92", "world_share", 2016) == pytest.approx(share, rel=1e-9)


@pytest.mark.realdata
def test_activity_index_equals_the_hand_computation(model, test_data):
    frame = pd.read_parquet(
        test_data / "ncses_sei_publications/articles_by_country_field_2003_2022.parquet"
    )
    countries = set(model.store.execute("SELECT code FROM locations WHERE kind='country'")["code"])
    year = frame[(frame["year"] == 2022) & frame["iso3"].isin(countries)]
    fields = year["field"].isin(["Chemistry", "Materials science"])
    total = year["field"] == "All S&E fields"
    mexico = year["iso3"] == "MEX"
    count = year.loc[fields & mexico, "articles_fractional"].sum()
    by_hand = (count / year.loc[total & mexico, "articles_fractional"].sum()) / (
        year.loc[fields, "articles_fractional"].sum() / year.loc[total, "articles_fractional"].sum()
    )
    assert _figure(model, "science", "ncses15", "count", 2022) == pytest.approx(count)
    assert _figure(model, "science", "ncses15", "activity_index", 2022) == pytest.approx(
        by_hand, rel=1e-9
    )


@pytest.mark.realdata
def test_gaps_carry_percentiles_leaders_and_vintages(model, test_data):
    gaps = model.gaps()
    assert set(gaps["component"]) == {"science", "technology", "trade"}
    trade = gaps[(gaps["component"] == "trade") & (gaps["basis"] == "hs92")].iloc[0]
    assert trade["year"] == 2016
    assert trade["vintage"] == "atlas dataverse-via-scca-2020-04-27"
    assert trade["gap"] == pytest.approx(100 - trade["percentile"])
    table = model.table()
    rcas = table[(table["basis"] == "hs92") & (table["metric"] == "rca")].set_index("country")
    # only countries exporting USD 1 billion or more a year are ranked
    exports = (
        pd.read_parquet(test_data / "atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet")
        .groupby("country_code")["export_value_usd"]
        .sum()
    )
    big = exports[exports >= 1e9].index
    assert set(rcas.index[rcas["ranked"]]) == set(big) & set(rcas.index)
    ranked = rcas[rcas["ranked"]]
    assert trade["leader"] == ranked["value"].idxmax()
    assert trade["percentile"] == pytest.approx(percentile(ranked["value"])["MEX"])
    assert trade["countries"] == len(ranked)
    science = gaps[gaps["component"] == "science"].iloc[0]
    assert (science["year"], science["vintage"]) == (2022, "ncses sei-2024")


@pytest.mark.realdata
def test_partner_contributions_add_up_and_reasons_quote_the_evidence(model, test_data):
    recommendations = recommend(model, "batteries", chain=stage_table(model, "batteries"))
    assert len(recommendations) > 30
    assert [r.rank for r in recommendations] == sorted(r.rank for r in recommendations)
    for r in recommendations:
        assert sum(r.contributions.values()) == pytest.approx(r.score, abs=1e-12)
        assert set(r.values) == set(FACTORS)
        assert all(0.0 <= v <= 1.0 for v in r.values.values())
        assert r.rank_range[0] <= r.rank <= r.rank_range[1]
    france = next(r for r in recommendations if r.partner == "FRA")
    ordered = pd.read_csv(
        test_data
        / "openalex_country_coauthorship_1990_2023/country_coauthorship_works_by_year.csv.gz",
        keep_default_na=False,
    )
    works = ordered.query("year == 2023 and iso2_a == 'MX' and iso2_b == 'FR'")["works"].item()
    reasons = " | ".join(france.reasons_text("en"))
    assert f"{works:,} works co-authored with Mexico in 2023" in reasons
    series = co_authorship_series(model, "MEX", "FRA")
    assert series.set_index("year")["works"][2023] == works
    # proximity: the same official language counts, and distance comes from ROR coordinates
    spain = next(r for r in recommendations if r.partner == "ESP")
    assert "shares an official language with Mexico (Spanish)" in spain.reasons_text("en")
    assert "comparte idioma oficial con México (español)" in spain.reasons_text("es")


def test_sensitivity_moves_each_weight_both_ways():
    values = pd.DataFrame(
        {"strength": [0.9, 0.1], "complementarity": [0.1, 0.9], "ties": [0.5, 0.5],
         "capacity": [0.5, 0.5], "proximity": [0.5, 0.5]},
        index=["AAA", "BBB"],
    )  # fmt: skip
    even = Weights(0.2, 0.2, 0.2, 0.2, 0.2)
    ranges = sensitivity(values, even)
    # equal scores at equal weights; moving strength or complementarity flips the order
    assert ranges.loc["AAA"].tolist() == [1, 2]
    assert ranges.loc["BBB"].tolist() == [1, 2]
    lopsided = Weights(0.6, 0.1, 0.1, 0.1, 0.1)
    assert sensitivity(values, lopsided).loc["AAA"].tolist() == [1, 1]


@pytest.mark.realdata
def test_the_value_chain_finds_the_gap_stage_and_the_closest_next_step(model):
    view = value_chain(model, "batteries")
    assert [s.stage.id for s in view.stages] == ["chemicals", "cells", "vehicles"]
    assert all(s.classification == "hs07" and s.year == 2017 for s in view.stages)
    lowest = min(view.stages, key=lambda s: s.percentile)
    assert view.gap_stage == lowest.stage.id
    missing = pd.concat([s.products[~s.products["exported"]] for s in view.stages])
    assert view.next_step is not None
    assert view.next_step["density"] == pytest.approx(missing["density"].max())
    assert view.next_step["rca"] < 1.0
    vehicles = next(s for s in view.stages if s.stage.id == "vehicles")
    assert "MEX" in set(vehicles.leaders["country"])  # Mexico is a top car exporter
    assert vehicles.rca > 1


@pytest.mark.realdata
def test_leading_institutions_match_keywords(model):
    found = leading_institutions(model, "FRA", "batteries")
    assert 0 < len(found) <= 5
    ror = model.store.rows("institutions").set_index("ror_id")
    for ror_id, matched in zip(found["ror_id"], found["matched"], strict=True):
        names = " | ".join([ror.loc[ror_id, "name"], *ror.loc[ror_id, "aliases"]]).lower()
        assert matched
        assert all(word in names for word in matched)
        assert ror.loc[ror_id, "country"] == "FRA"
        assert ror.loc[ror_id, "status"] == "active"


def test_an_empty_store_is_a_clear_error(tmp_path):
    with EvidenceStore(tmp_path / "empty.duckdb") as empty:
        model = CapabilityModel(empty, PRIORITIES)
        with pytest.raises(MissingEvidenceError, match="vinculo data pull"):
            model.gaps()
        with pytest.raises(MissingEvidenceError, match="vinculo data pull"):
            recommend(model, "batteries")


def test_distance():
    assert haversine_km(0, 0, 0, 180) == pytest.approx(np.pi * 6371.0088)


def test_openalex_fields_match_the_ids_the_api_stores(tmp_path):
    """The priorities file names OpenAlex fields "fields/21"; the API client stores "21"."""
    rows = pd.DataFrame(
        {
            "year": [2023] * 4,
            "country": ["MEX", "MEX", "FRA", "FRA"],
            "field": ["21", "27", "21", "27"],
            "taxonomy": "openalex-field",
            "count_type": "whole",
            "count": [100.0, 900.0, 300.0, 700.0],
        }
    )
    priorities = Priorities(
        home="MEX",
        title={"es": "x", "en": "x"},
        priorities=(
            Priority("energy", {"es": "e", "en": "e"}, {"es": "e", "en": "e"},
                     fields={"openalex-field": _codes("fields/21")}),
        ),
    )  # fmt: skip
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        store.import_rows("publications", rows, source="openalex-api", name="q",
                          vintage="api-2026-11-30", file_name="q",
                          file_sha256="0" * 64)  # fmt: skip
        table = CapabilityModel(store, priorities).table().set_index(["country", "metric"])
    # MEX: 100 of 1,000 works in Energy; the world: 400 of 2,000
    assert table.loc[("MEX", "activity_index"), "value"] == pytest.approx(
        (100 / 1000) / (400 / 2000)
    )
    assert table.loc[("MEX", "world_share"), "value"] == pytest.approx(0.25)
    assert table.loc[("MEX", "count"), "vintage"] == "openalex-api api-2026-11-30"
