"""Real data: ECI from the raw 2016 table against the Atlas-published 2016 ECI."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import spearmanr

from vinculo.indicators import complexity

pytestmark = pytest.mark.realdata

COLS = {
    "time": "year",
    "location": "country_code",
    "item": "hs92_code",
    "value": "export_value_usd",
}


@pytest.fixture(scope="module")
def tables(test_data):
    exports = pd.read_parquet(
        test_data / "atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet"
    )
    published = pd.read_csv(test_data / "atlas_complexity_rankings/eci_hs92_1995_2022.csv")
    previous = pd.read_csv(
        test_data / "atlas_complexity_rankings/eci_hs92_1994_2021_prev_release.csv"
    )
    return exports, published[published.year == 2016], previous[previous.year == 2016]


def _spearman(ours: pd.DataFrame, published: pd.DataFrame) -> tuple[float, int]:
    eci = ours.assign(country_code=ours["country_code"].astype(str))[["country_code", "eci"]]
    merged = published.merge(eci, on="country_code")
    return float(spearmanr(merged["hs_eci"], merged["eci"]).statistic), len(merged)


def test_eci_on_the_atlas_ranking_set_agrees_with_the_published_eci(tables):
    """The Atlas ranks 145 countries (population and export thresholds, data quality);
    computing ECI on those countries, as the Atlas does, gives Spearman 0.976 with the
    current release and 0.983 with the previous one (closer to this table's vintage)."""
    exports, published, previous = tables
    ranked = exports[exports["country_code"].isin(published["country_code"])]
    ours = complexity(ranked, **COLS).locations
    rho, n = _spearman(ours, published)
    assert n == 145
    assert rho >= 0.97
    rho_previous, _ = _spearman(
        ours, previous[previous["country_code"].isin(published["country_code"])]
    )
    assert rho_previous >= 0.98


def test_eci_on_every_location_still_ranks_like_the_atlas(tables):
    """Without the Atlas's country filter (234 locations, tiny economies included) the
    ranking over the 145 ranked countries drifts: Spearman 0.9685."""
    exports, published, _ = tables
    ours = complexity(exports, **COLS).locations
    rho, n = _spearman(ours, published)
    assert n == 145
    assert rho == pytest.approx(0.9685, abs=0.002)
