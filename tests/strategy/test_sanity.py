"""The domain's sanity rules, on the staged evidence and Mexico's priorities: no leader under
1 % of the world, no "strong" for a ratio under 1, Mexico never a leader (nor given gap 0)
where it barely exists, every quoted number equal to the table it comes from, partners an
expert would sign, and every dataset staged for the capability model loaded with its
vintage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.capability import (
    COMPONENTS,
    LEADER_MIN_SHARE,
    WORLD_POSITION_MIN,
    CapabilityModel,
)
from vinculo.strategy.chain import stage_table
from vinculo.strategy.partners import FACTORS, recommend
from vinculo.strategy.priorities import default_priorities

pytestmark = pytest.mark.realdata

MEXICO = default_priorities()
# The leaders issue #12 found (a country with no real weight in the domain leading it).
ABSURD_LEADERS = {"UZB", "UGA", "GHA", "DZA", "MDA", "MLT", "TGO", "MAC", "BIH", "PHL"}
# The top-five partners it found that an expert would not sign, per priority.
ABSURD_PARTNERS = {
    "batteries": {"VNM", "SAU"},
    "aerospace": {"MAR"},
    "supercomputing": {"MAR"},
    "electromobility": {"ARE", "SAU"},
}


@pytest.fixture(scope="module")
def model(staged_home: Path, tmp_path_factory: pytest.TempPathFactory):
    cache = tmp_path_factory.mktemp("strategy-cache")
    with EvidenceStore(staged_home / "evidence.duckdb", read_only=True) as store:
        yield CapabilityModel(store, MEXICO, cache_folder=cache)


@pytest.fixture(scope="module")
def recommendations(model):
    found = {}
    for priority in MEXICO.priorities:
        chain = stage_table(model, priority.id) if priority.chain else None
        found[priority.id] = recommend(model, priority.id, chain=chain)
    return found


def test_no_leader_under_one_percent_of_the_world(model):
    leaders = model.leaders()
    named = leaders[leaders["leader"].notna()]
    assert len(named) >= 30
    assert (named["leader_share"] >= LEADER_MIN_SHARE).all()
    specialised = named[named["leader_specialised"]]
    assert (specialised["leader_specialization"] >= 1).all()
    # the frontier is the largest share among specialised countries holding 1 %
    positions = model.positions()
    for row in specialised.itertuples():
        group = positions[
            (positions["priority"] == row.priority)
            & (positions["component"] == row.component)
            & (positions["basis"] == row.basis)
            & positions["ranked"]
            & (positions["world_share"] >= LEADER_MIN_SHARE)
            & (positions["specialization"] >= 1)
        ]
        assert row.leader == group.loc[group["world_share"].idxmax(), "country"]
    special = leaders[leaders["most_specialised"].notna()]
    assert (special["most_specialised_share"] >= LEADER_MIN_SHARE).all()


def test_the_leaders_issue_12_found_lead_nothing(model):
    leaders = model.leaders()
    assert not set(leaders["leader"].dropna()) & ABSURD_LEADERS


@pytest.mark.parametrize("country", ["MEX", "TGO", "MAC", "MLT", "UZB"])
def test_a_country_under_one_percent_is_never_a_leader_nor_at_gap_zero(model, country):
    gaps = model.gaps(country)
    assert not gaps.empty
    small = gaps[gaps["world_share"] < LEADER_MIN_SHARE]
    assert (small["leader"] != country).all()
    assert (small["gap"] > 0).all()
    if country == "MEX":
        # the cases the issue names: aerospace and electromobility technology
        for priority in ("aerospace", "electromobility"):
            row = gaps[(gaps["priority"] == priority) & (gaps["component"] == "technology")]
            assert row["world_share"].item() < 0.001
            assert row["leader"].item() != "MEX"
            assert row["gap"].item() > 50


def test_percentiles_say_among_how_many_countries(model):
    gaps = model.gaps()
    assert (gaps["world_position"] == (gaps["countries"] >= WORLD_POSITION_MIN)).all()
    # infrastructure rankings of a few holders (TOP500, lithium mines) are not world ones
    few = gaps[~gaps["world_position"]]
    assert not few.empty
    assert set(few["component"]) <= {"infrastructure", "technology"}


def test_every_component_is_measured_or_said_absent(model):
    for priority in MEXICO.priorities:
        present = set(model.scores().query("priority == @priority.id")["component"])
        absent = model.absent(priority.id)
        assert present | set(absent) == set(COMPONENTS), priority.id
        for component, reason in absent.items():
            if component in priority.absent:
                assert reason["es"]
                assert reason["en"]
    assert "trade" in model.absent("supercomputing")  # no HS code measures it
    assert model.absent("aerospace") == {}


def test_reasons_are_true_by_construction(model, recommendations):
    positions = model.scores().set_index(["priority", "component", "country"])
    leaders = model.leaders().query("primary").set_index(["priority", "component"])["leader"]
    components = {f"component.{c}": c for c in COMPONENTS}
    checked = 0
    for priority, found in recommendations.items():
        for recommendation in found:
            for reason in recommendation.structured():
                values, code = reason["values"], reason["code"]
                assert reason["factor"] in FACTORS
                assert reason["text"]["es"]
                assert reason["text"]["en"]
                if code not in (
                    "reason.leader",
                    "reason.strength",
                    "reason.mass",
                    "reason.specialised_small",
                    "reason.weak",
                    "reason.share",
                ):
                    continue
                component = components[values["component"]]
                row = positions.loc[(priority, component, recommendation.partner)]
                # every quoted number is the table's
                assert values["share"] == pytest.approx(row["world_share"], rel=1e-12)
                if code == "reason.share":  # no specialization measure: nothing claimed
                    assert np.isnan(row["specialization"])
                    continue
                assert values["value"] == pytest.approx(row["specialization"], rel=1e-12)
                assert values["year"] == row["year"]
                share, ratio = values["share"], values["value"]
                if code == "reason.leader":
                    assert leaders[(priority, component)] == recommendation.partner
                    assert share >= LEADER_MIN_SHARE
                elif code == "reason.strength":
                    assert share >= LEADER_MIN_SHARE
                    assert ratio >= 1
                elif code == "reason.mass":
                    assert share >= LEADER_MIN_SHARE
                    assert ratio < 1
                elif code == "reason.specialised_small":
                    assert share < LEADER_MIN_SHARE
                    assert ratio >= 1
                else:
                    assert share < LEADER_MIN_SHARE
                    assert ratio < 1
                checked += 1
    assert checked > 200
    texts = [t for found in recommendations.values() for r in found for t in r.reasons_text("en")]
    assert not [t for t in texts if t.startswith("strong in") and "not specialized" in t]


def test_top_partners_hold_weight_in_the_priority(model, recommendations):
    scores = model.scores()
    for priority, found in recommendations.items():
        top = [r.partner for r in found[:5]]
        assert not set(top) & ABSURD_PARTNERS.get(priority, set()), (priority, top)
        mine = scores[(scores["priority"] == priority) & scores["country"].isin(top)]
        biggest = mine.groupby("country")["world_share"].max()
        # each holds at least 1 % of the world in one component of the priority
        assert (biggest.reindex(top) >= LEADER_MIN_SHARE).all(), (priority, biggest)
    assert "USA" in [r.partner for r in recommendations["batteries"][:5]]


def test_what_mexico_offers_is_shown_and_true(model, recommendations):
    scores = model.scores().set_index(["priority", "component", "country"])
    fields = model.science_fields()
    mexico = fields[fields["country"] == "MEX"].set_index("field")
    for priority, found in recommendations.items():
        for recommendation in found[:10]:
            offers = recommendation.structured_offers()
            assert offers, (priority, recommendation.partner)
            for offer in offers:
                values = offer["values"]
                if offer["code"] == "offer.component":
                    component = values["component"].removeprefix("component.")
                    mine = scores.loc[(priority, component, "MEX"), "score"]
                    theirs = scores.loc[(priority, component, recommendation.partner), "score"]
                    assert mine - theirs >= 10
                    assert values["mine"] == pytest.approx(mine)
                elif offer["code"] == "offer.field":
                    code = next(
                        f
                        for f in mexico.index
                        if mexico.loc[f, "activity_index"] == pytest.approx(values["mine"])
                    )
                    assert mexico.loc[code, "activity_index"] >= 1.2
                    assert values["partner"] < values["mine"] / 1.5
                elif offer["code"] == "offer.product":
                    assert values["mine"] >= 1 > values["partner"]
                    assert values["amount"] >= 100


def test_every_dataset_staged_for_the_model_is_loaded_with_its_vintage(model):
    datasets = model.store.datasets()
    found = {(r.source, r.vintage) for r in datasets.itertuples()}
    for expected in [
        ("top500", "top500-2025-06"),
        ("top500", "top500-2022-11"),
        ("ucs", "ucs-2023-05-01"),
        ("usgs", "usgs-mcs2025"),
        ("iea", "iea-gevo-2024"),
        ("wdi", "wdi-2026-07-13"),
        ("atlas", "growth-lab-dataverse-2024"),
        ("openalex", "openalex-2025-12-03"),
    ]:
        assert expected in found, expected
    assert (datasets["source"] == "atlas-common-data").any()


def test_every_figure_carries_its_vintage(model):
    figures = model.figures()
    assert figures["vintage"].str.len().min() > 5
    gaps = model.gaps()
    trade = gaps[gaps["component"] == "trade"]
    assert (trade["basis"] == "hs07").all()
    assert (trade["year"] == 2017).all()
    assert trade["vintage"].str.contains("ots").all()
    assert trade["vintage"].str.contains("PCI").all()  # the Growth Lab's recent PCI
    science = gaps[gaps["component"] == "science"]
    assert (science["basis"] == "openalex-subfield").all()
    assert (science["year"] == 2023).all()  # 2024 and 2025 still being indexed
    infrastructure = gaps[gaps["component"] == "infrastructure"]
    assert set(infrastructure["priority"]) == {
        "lithium-value-chain",
        "batteries",
        "electromobility",
        "aerospace",
        "supercomputing",
    }
    assert np.isfinite(infrastructure["gap"]).all()
