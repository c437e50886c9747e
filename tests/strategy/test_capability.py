"""The capability model, value chains and partner ranking: figures against hand computations
from the source files and from small stores built in the test, the two axes (mass and
shrunk specialization), the leader rule, the gap, censored fields, infrastructure
indicators, and the cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.capability import (
    CapabilityModel,
    MissingEvidenceError,
    gap_from_shares,
    mass_position,
    percentile,
    score_from,
)
from vinculo.strategy.chain import stage_table, value_chain
from vinculo.strategy.partners import (
    FACTORS,
    co_authorship_series,
    haversine_km,
    leading_institutions,
    recommend,
    sensitivity,
)
from vinculo.strategy.priorities import Code, Indicator, Priorities, Priority, Stage, Weights

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
            fields={
                "ncses15": _codes("Chemistry", "Materials science"),
                "openalex-subfield": _codes("subfields/1603"),
            },
            tech_fields={"wipo35": _codes("electrical machinery, apparatus, energy")},
            keywords={"es": ("batería", "energía"), "en": ("battery", "energy")},
            chain=(
                _stage("chemicals", "2825", "2836"),
                _stage("cells", "8506", "8507"),
                _stage("vehicles", "8703"),
            ),
            infrastructure=(
                Indicator(
                    "cobalt_mine_production_t",
                    {"es": "Cobalto", "en": "Cobalt"},
                    unit="t",
                    stage="chemicals",
                ),
            ),
        ),
    ),
)


@pytest.fixture(scope="module")
def store(staged_home: Path):
    with EvidenceStore(staged_home / "evidence.duckdb", read_only=True) as opened:
        yield opened


@pytest.fixture(scope="module")
def model(store) -> CapabilityModel:
    return CapabilityModel(store, PRIORITIES)


def _figure(model: CapabilityModel, component: str, basis: str, column: str, year: int,
            country: str = "MEX") -> float:  # fmt: skip
    figures = model.figures()
    row = figures[
        (figures["component"] == component) & (figures["basis"] == basis)
        & (figures["year"] == year) & (figures["country"] == country)
    ]  # fmt: skip
    return float(row[column].item())


# ---------------------------------------------------------------- hand computations


@pytest.mark.realdata
def test_trade_rca_of_a_basket_equals_the_hand_computation(model, test_data):
    """The latest year of each classification: HS92 2016 (Atlas), HS07 2017 (OTS)."""
    frame = pd.read_parquet(test_data / "atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet")
    countries = set(model.store.execute("SELECT code FROM locations WHERE kind='country'")["code"])
    frame = frame[frame["country_code"].isin(countries)]
    basket = frame["hs92_code"].isin(BATTERY_PRODUCTS)
    mexico = frame["country_code"] == "MEX"
    by_hand = (frame.loc[basket & mexico, "export_value_usd"].sum()
               / frame.loc[mexico, "export_value_usd"].sum()) / (
        frame.loc[basket, "export_value_usd"].sum() / frame["export_value_usd"].sum()
    )  # fmt: skip
    raw = _figure(model, "trade", "hs92", "specialization_raw", 2016)
    assert raw == pytest.approx(by_hand, rel=1e-9)
    # Mexico exports hundreds of billions: the shrinkage leaves its ratio as it is
    assert _figure(model, "trade", "hs92", "specialization", 2016) == pytest.approx(raw, rel=1e-3)
    share = (
        frame.loc[basket & mexico, "export_value_usd"].sum()
        / frame.loc[basket, "export_value_usd"].sum()
    )
    assert _figure(model, "trade", "hs92", "world_share", 2016) == pytest.approx(share, rel=1e-9)
    assert set(model.figures().query("component == 'trade'")["year"]) == {2016, 2017}


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
    assert _figure(model, "science", "ncses15", "value", 2022) == pytest.approx(count)
    assert _figure(model, "science", "ncses15", "specialization_raw", 2022) == pytest.approx(
        by_hand, rel=1e-9
    )


@pytest.mark.realdata
def test_openalex_subfields_are_the_science_basis(model, test_data):
    frame = pd.read_parquet(
        test_data / "openalex_country_subfield_2005_2025/country_subfield_year_works.parquet"
    )
    mexico = frame[(frame["country"] == "MX") & (frame["year"] == 2023)]
    works = mexico.loc[mexico["id"] == 1603, "works_count"].item()
    assert _figure(model, "science", "openalex-subfield", "value", 2023) == works
    gaps = model.gaps()
    science = gaps[gaps["component"] == "science"].iloc[0]
    assert science["basis"] == "openalex-subfield"
    assert science["year"] == 2023  # 2024 is under 90 % of 2023 worldwide: still indexing
    assert 2024 not in set(model.figures().query("basis == 'openalex-subfield'")["year"])


# ---------------------------------------------------------------- small stores


def _store(tmp_path: Path, table: str, rows: pd.DataFrame, source: str = "test") -> EvidenceStore:
    store = EvidenceStore(tmp_path / "e.duckdb")
    store.import_rows(table, rows, source=source, name=f"{table}-{source}",
                      vintage=f"{source}-v1", file_name="t", file_sha256="0" * 64)  # fmt: skip
    return store


def _one(identifier: str = "p", **kwargs: object) -> Priorities:
    return Priorities(
        home="MEX",
        title={"es": "x", "en": "x"},
        priorities=(
            Priority(identifier, {"es": "p", "en": "p"}, {"es": "p", "en": "p"}, **kwargs),  # type: ignore[arg-type]
        ),
    )


def _patents(counts: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """country -> (families in the field, families in all fields), year 2020."""
    rows = []
    for country, (inside, total) in counts.items():
        rows.append((2020, country, "transport", "wipo35", inside))
        rows.append((2020, country, "all", "wipo35", total))
    return pd.DataFrame(rows, columns=["year", "country", "tech_field", "taxonomy", "families"])


def test_a_small_specialised_country_is_shrunk_and_never_leads(tmp_path):
    counts = {
        "USA": (3000.0, 10000.0),  # 30 % of the world's field; share in field 0.30
        "DEU": (1500.0, 6000.0),
        "JPN": (1200.0, 9000.0),  # large but under the world's profile
        "FRA": (700.0, 3000.0),
        "MEX": (3.0, 200.0),  # 3 of 200: a raw ratio above 1, from three families
        "MLT": (4.0, 5.0),  # four of five: a raw ratio near 4
    }
    with _store(tmp_path, "patents", _patents(counts)) as store:
        model = CapabilityModel(store, _one(tech_fields={"wipo35": _codes("transport")}))
        figures = model.figures().set_index("country")
        world = sum(c[0] for c in counts.values()) / sum(c[1] for c in counts.values())
        assert figures.loc["MLT", "specialization_raw"] == pytest.approx(0.8 / world)
        assert figures.loc["MLT", "specialization"] < figures.loc["MLT", "specialization_raw"]
        assert figures.loc["USA", "specialization"] == pytest.approx(
            figures.loc["USA", "specialization_raw"], rel=0.01
        )
        leaders = model.leaders().iloc[0]
        # MLT has the highest ratio but 0.06 % of the world; MEX neither: USA leads by mass
        assert leaders["leader"] == "USA"
        assert leaders["most_specialised"] in {"USA", "DEU", "FRA"}
        gaps = model.gaps("MEX").iloc[0]
        share = 3.0 / sum(c[0] for c in counts.values())
        assert gaps["world_share"] == pytest.approx(share)
        assert gaps["gap"] == pytest.approx(gap_from_shares(share, 3000 / 6407))
        assert gaps["gap"] > 0
        assert gaps["leader"] == "USA"
        # MLT, under 100 families, is shown, not ranked; five ranked are no world position
        assert gaps["countries"] == 5
        assert gaps["mass_rank"] == 5
        assert not bool(gaps["world_position"])
        assert not figures.loc["MLT", "ranked"]


def test_the_leader_is_the_largest_specialised_holder_of_one_percent(tmp_path):
    counts = {
        "CHN": (4000.0, 40000.0),  # the largest share, not specialised
        "KOR": (2000.0, 8000.0),  # specialised, the largest among them
        "DEU": (900.0, 5000.0),
        "USA": (1000.0, 20000.0),
    }
    with _store(tmp_path, "patents", _patents(counts)) as store:
        model = CapabilityModel(store, _one(tech_fields={"wipo35": _codes("transport")}))
        lead = model.leaders().iloc[0]
        assert lead["leader"] == "KOR"
        assert lead["leader_specialised"]
        chn = model.gaps("CHN").iloc[0]
        assert chn["gap"] == 0.0  # a larger share than the frontier's: nothing to close
        assert model.gaps("USA").iloc[0]["gap"] == pytest.approx(
            gap_from_shares(1000 / 7900, 2000 / 7900)
        )


def test_scales_of_the_model():
    assert mass_position([0.2, 0.02, 0.0002], 0.2).tolist() == pytest.approx([1.0, 2 / 3, 0.0])
    assert score_from([1.0], [1.0]).tolist() == [75.0]
    assert score_from([0.5], [np.nan]).tolist() == [37.5]  # unknown specialization: neutral
    assert gap_from_shares(0.001, 0.1) == pytest.approx(200 / 3)
    assert gap_from_shares(0.0, 0.1) == 100.0
    assert np.isnan(gap_from_shares(0.01, float("nan")))
    assert percentile(pd.Series([1.0, 3.0, 2.0])).tolist() == [0.0, 100.0, 50.0]


def test_a_censored_subfield_is_below_the_countrys_smallest_not_zero(tmp_path):
    """A source listing at most 200 subfields per country-year (the staged OpenAlex copy)
    leaves the smallest out: they count as half the smallest listed one."""
    fields = [str(2000 + i) for i in range(250)]
    rows = []
    for country, listed in (("USA", fields[:200]), ("FRA", fields[50:]), ("MEX", fields[:150])):
        for rank, field in enumerate(listed):
            rows.append((2023, country, field, "openalex-subfield", "whole", 1000.0 - rank))
    frame = pd.DataFrame(
        rows, columns=["year", "country", "field", "taxonomy", "count_type", "count"]
    )
    # listed by FRA only; below USA's 200th; MEX lists 150, under the cap: complete
    target = fields[220]
    with _store(tmp_path, "publications", frame) as store:
        model = CapabilityModel(
            store, _one(fields={"openalex-subfield": _codes(f"subfields/{target}")})
        )
        figures = model.figures().set_index("country")
        assert figures.loc["FRA", "value"] == 1000.0 - 170
        assert figures.loc["USA", "value"] == (1000.0 - 199) / 2  # half its 200th subfield
        assert figures.loc["USA", "censored"] == 1
        assert "MEX" not in figures.index or figures.loc["MEX", "value"] == 0.0


def test_an_incomplete_last_year_is_dropped(tmp_path):
    rows = []
    for year, scale in ((2022, 1.0), (2023, 1.02), (2024, 0.8)):
        for country, count in (("USA", 5000.0), ("FRA", 2000.0)):
            rows.append((year, country, "1603", "openalex-subfield", "whole", count * scale))
            rows.append((year, country, "1604", "openalex-subfield", "whole", count * scale))
    frame = pd.DataFrame(
        rows, columns=["year", "country", "field", "taxonomy", "count_type", "count"]
    )
    with _store(tmp_path, "publications", frame) as store:
        model = CapabilityModel(store, _one(fields={"openalex-subfield": _codes("subfields/1603")}))
        assert sorted(set(model.figures()["year"])) == [2022, 2023]


def _indicators(rows: list[tuple[int, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "country", "indicator", "value"])


def test_infrastructure_shares_intensity_and_missing_countries(tmp_path):
    rows = [
        (2025, "USA", "top500_rmax_tflops", 6000.0),
        (2025, "FIN", "top500_rmax_tflops", 400.0),
        (2025, "JPN", "top500_rmax_tflops", 1000.0),
        (2025, "WLD", "top500_rmax_tflops", 10000.0),  # the list's total: others hold the rest
        (2024, "USA", "NY.GDP.MKTP.CD", 29e12),
        (2024, "FIN", "NY.GDP.MKTP.CD", 0.3e12),
        (2024, "JPN", "NY.GDP.MKTP.CD", 4e12),
        (2024, "MEX", "NY.GDP.MKTP.CD", 1.8e12),
        (2023, "NOR", "ev_sales_cars", 100.0),
        (2023, "CHN", "ev_sales_cars", 8000.0),
        (2023, "WLD", "ev_sales_cars", 14000.0),
        (2023, "NOR", "ev_sales_share_cars_pct", 90.0),
        (2023, "CHN", "ev_sales_share_cars_pct", 38.0),
        (2023, "WLD", "ev_sales_share_cars_pct", 18.0),
    ]
    top500 = Indicator("top500_rmax_tflops", {"es": "x", "en": "x"})
    evs = Indicator(
        "ev_sales_cars",
        {"es": "x", "en": "x"},
        specialization="ev_sales_share_cars_pct",
        missing="unknown",
    )
    with _store(tmp_path, "country_indicators", _indicators(rows)) as store:
        model = CapabilityModel(store, _one(infrastructure=(top500, evs)))
        figures = model.figures()
        machines = figures[figures["basis"] == "top500_rmax_tflops"].set_index("country")
        assert machines.loc["USA", "world_share"] == pytest.approx(0.6)
        gdp = 29e12 + 0.3e12 + 4e12 + 1.8e12
        assert machines.loc["FIN", "specialization"] == pytest.approx(0.04 / (0.3e12 / gdp))
        # Mexico holds no system: zero, not unknown (the home country is always shown)
        assert machines.loc["MEX", "value"] == 0.0
        assert not machines.loc["MEX", "ranked"]
        cars = figures[figures["basis"] == "ev_sales_cars"].set_index("country")
        assert cars.loc["NOR", "specialization"] == pytest.approx(90 / 18)
        assert "MEX" not in cars.index  # the IEA does not list it: unknown
        combined = figures[figures["basis"] == "resources"].set_index("country")
        assert combined.loc["USA", "world_share"] == pytest.approx(0.6)  # its only indicator
        gaps = model.gaps("MEX").iloc[0]
        assert gaps["component"] == "infrastructure"
        assert gaps["gap"] == 100.0


def test_science_fields_name_what_the_home_country_is_specialised_in(model):
    fields = model.science_fields()
    assert set(fields["taxonomy"]) == {"openalex-subfield"}
    mexico = fields[fields["country"] == "MEX"]
    assert len(mexico) >= 150
    assert (mexico["activity_index"].between(0, 50)).all()


# ---------------------------------------------------------------- partners


@pytest.mark.realdata
def test_partner_contributions_add_up_and_reasons_quote_the_evidence(model, test_data):
    recommendations = recommend(model, "batteries", chain=stage_table(model, "batteries"))
    assert len(recommendations) > 20
    assert [r.rank for r in recommendations] == sorted(r.rank for r in recommendations)
    for r in recommendations:
        assert sum(r.contributions.values()) == pytest.approx(r.score, abs=1e-12)
        assert set(r.values) == set(FACTORS)
        assert all(0.0 <= v <= 1.0 for v in r.values.values())
        assert r.rank_range[0] <= r.rank <= r.rank_range[1]
        assert r.offers
    france = next(r for r in recommendations if r.partner == "FRA")
    ordered = pd.read_csv(
        test_data
        / "openalex_country_coauthorship_1990_2023/country_coauthorship_works_by_year.csv.gz",
        keep_default_na=False,
    )
    works = ordered.query("year == 2023 and iso2_a == 'MX' and iso2_b == 'FR'")["works"].item()
    mexico = ordered.query("year == 2023 and iso2_a == 'MX' and iso2_b == 'MX'")["works"].item()
    reasons = " | ".join(france.reasons_text("en"))
    assert f"{works:,} works co-authored with Mexico in 2023" in reasons
    ties = next(x for x in france.structured() if x["code"] == "reason.ties")
    assert ties["values"]["share"] == pytest.approx(works / mexico)
    series = co_authorship_series(model, "MEX", "FRA")
    assert series.set_index("year")["works"][2023] == works
    # proximity: the same official language counts, and distance comes from ROR coordinates
    spain = next(r for r in recommendations if r.partner == "ESP")
    assert "shares an official language with Mexico (Spanish)" in spain.reasons_text("en")
    assert "comparte idioma oficial con México (español)" in spain.reasons_text("es")
    # capacity: absolute R&D and researchers, in each country's latest year
    usa = next(r for r in recommendations if r.partner == "USA")
    capacity = {x["code"]: x["values"] for x in usa.structured() if x["factor"] == "capacity"}
    assert capacity["reason.rd_absolute"]["amount"] > 500  # PPP$ billions
    assert capacity["reason.researchers"]["researchers"] > 1e6


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
    lowest = min(view.stages, key=lambda s: s.score)
    assert view.gap_stage == lowest.stage.id
    missing = pd.concat([s.products[~s.products["exported"]] for s in view.stages])
    assert view.next_step is not None
    assert view.next_step["density"] == pytest.approx(missing["density"].max())
    assert view.next_step["rca"] < 1.0
    vehicles = next(s for s in view.stages if s.stage.id == "vehicles")
    assert "MEX" in set(vehicles.leaders["country"])  # Mexico is a top car exporter
    assert vehicles.rca > 1
    assert (vehicles.leaders["world_share"] >= 0.01).all()
    chemicals = next(s for s in view.stages if s.stage.id == "chemicals")
    resources = chemicals.resources.set_index("indicator")
    assert resources.loc["cobalt_mine_production_t", "leader"] == "COD"
    assert resources.loc["cobalt_mine_production_t", "value"] == 0.0  # Mexico mines none


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
    with _store(tmp_path, "publications", rows, source="openalex-api") as store:
        model = CapabilityModel(store, _one(fields={"openalex-field": _codes("fields/21")}))
        figures = model.figures().set_index("country")
    # MEX: 100 of 1,000 works in Energy; the world: 400 of 2,000
    assert figures.loc["MEX", "specialization_raw"] == pytest.approx((100 / 1000) / (400 / 2000))
    assert figures.loc["MEX", "world_share"] == pytest.approx(0.25)
    assert figures.loc["MEX", "vintage"] == "openalex-api openalex-api-v1"


# ---------------------------------------------------------------- the cache


def test_results_are_cached_per_evidence_and_recomputed_when_it_changes(tmp_path):
    counts = {"USA": (3000.0, 10000.0), "DEU": (1500.0, 6000.0), "MEX": (30.0, 300.0)}
    cache = tmp_path / "cache"
    priorities = _one(tech_fields={"wipo35": _codes("transport")})
    with _store(tmp_path, "patents", _patents(counts)) as store:
        first = CapabilityModel(store, priorities, cache_folder=cache)
        expected = first.gaps()
        folders = [p for p in cache.iterdir() if not p.name.startswith(".")]
        assert len(folders) == 1
        assert (folders[0] / "figures.parquet").exists()
        again = CapabilityModel(store, priorities, cache_folder=cache)
        pd.testing.assert_frame_equal(again.gaps(), expected)
        assert "publications" not in again.__dict__  # read from the cache, not the store
        # a new import changes the fingerprint: computed anew, in a folder of its own
        more = _patents({"FRA": (700.0, 3000.0)})
        store.import_rows("patents", more, source="other", name="p2", vintage="v2",
                          file_name="u", file_sha256="1" * 64)  # fmt: skip
        changed = CapabilityModel(store, priorities, cache_folder=cache)
        assert "FRA" in set(changed.figures()["country"])
        assert len([p for p in cache.iterdir() if not p.name.startswith(".")]) == 2


def test_a_damaged_cache_is_recomputed(tmp_path):
    counts = {"USA": (3000.0, 10000.0), "DEU": (1500.0, 6000.0)}
    cache = tmp_path / "cache"
    priorities = _one(tech_fields={"wipo35": _codes("transport")})
    with _store(tmp_path, "patents", _patents(counts)) as store:
        expected = CapabilityModel(store, priorities, cache_folder=cache).figures()
        folder = next(p for p in cache.iterdir() if not p.name.startswith("."))
        (folder / "figures.parquet").write_bytes(b"not parquet")
        (folder / "trade.json").write_text("{not json")
        again = CapabilityModel(store, priorities, cache_folder=cache).figures()
        pd.testing.assert_frame_equal(again, expected)
