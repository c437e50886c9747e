"""Real data: every output that ecomplexity 0.5.3 also computes agrees with it.

Tolerances (issue #2): 1e-8 for RCA, proximity and density; 1e-6 for ECI, PCI, COI and COG;
presence, diversity and ubiquity exactly. Measured: ≤ 4e-14 on both panels.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tests.conftest import reference_package
from vinculo.indicators import IndicatorWarning, complexity, eci_pci

pytestmark = [pytest.mark.realdata, pytest.mark.reference]

PANELS = {
    "atlas-hs92-2016": (
        "atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet",
        {
            "time": "year",
            "location": "country_code",
            "item": "hs92_code",
            "value": "export_value_usd",
        },
    ),
    "ots-hs07-1962-1980-2017": (
        "ots_hs07_exports_1962_1980_2017/exports_hs07_4digit.parquet",
        {
            "time": "year",
            "location": "country_code",
            "item": "hs07_code",
            "value": "export_value_usd",
        },
    ),
}
EXACT = ["mcp", "diversity", "ubiquity"]
TOLERANCE = {"rca": 1e-8, "density": 1e-8, "eci": 1e-6, "pci": 1e-6, "coi": 1e-6, "cog": 1e-6}


def _ecomplexity(frame: pd.DataFrame, cols: dict[str, str], **options) -> pd.DataFrame:
    ec = reference_package("ecomplexity")
    mapping = {
        "time": cols["time"],
        "loc": cols["location"],
        "prod": cols["item"],
        "val": cols["value"],
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ec.ecomplexity(
            frame[list(cols.values())],
            mapping,
            verbose=False,
            check_logsupermodularity=False,
            **options,
        )
    return out


def _as_text(frame: pd.DataFrame, cols: dict[str, str]) -> pd.DataFrame:
    return frame.assign(
        **{
            cols["location"]: frame[cols["location"]].astype(str),
            cols["item"]: frame[cols["item"]].astype(str),
        }
    )


@pytest.fixture(scope="module", params=list(PANELS))
def panel(request, test_data):
    path, cols = PANELS[request.param]
    frame = pd.read_parquet(test_data / path)
    ours = complexity(frame, **cols)
    theirs = _ecomplexity(frame, cols)
    return frame, cols, ours, theirs


def test_same_rows_as_ecomplexity(panel):
    _, cols, ours, theirs = panel
    keys = [cols["time"], cols["location"], cols["item"]]
    theirs = theirs.dropna(subset=["eci"])
    assert len(ours.frame) == len(theirs)
    merged = _as_text(ours.frame, cols).merge(theirs[keys], on=keys, how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()


def test_every_output_agrees_with_ecomplexity(panel):
    _, cols, ours, theirs = panel
    keys = [cols["time"], cols["location"], cols["item"]]
    merged = _as_text(ours.frame, cols).merge(
        theirs.dropna(subset=["eci"]), on=keys, suffixes=("", "_ref")
    )
    assert len(merged) == len(ours.frame)
    for column in EXACT:
        np.testing.assert_array_equal(
            merged[column].to_numpy(np.int64), merged[f"{column}_ref"].to_numpy(np.int64), column
        )
    for column, tolerance in TOLERANCE.items():
        difference = np.max(np.abs(merged[column].to_numpy() - merged[f"{column}_ref"].to_numpy()))
        assert difference <= tolerance, f"{column}: max |difference| {difference:.2e}"


def test_proximity_agrees_with_ecomplexity(panel):
    frame, cols, ours, _ = panel
    ec = reference_package("ecomplexity")
    mapping = {
        "time": cols["time"],
        "loc": cols["location"],
        "prod": cols["item"],
        "val": cols["value"],
    }
    years = sorted(frame[cols["time"]].unique())[-1:]  # the largest period
    subset = frame[frame[cols["time"]].isin(years)][list(cols.values())]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            reference = ec.proximity(subset, mapping)
    for year in years:
        part = reference[reference[cols["time"]] == year]
        matrix = part.pivot(
            index=f"{cols['item']}_1", columns=f"{cols['item']}_2", values="proximity"
        )
        items = ours.items_in(year)
        matrix = matrix.reindex(index=items, columns=items).to_numpy()
        assert np.max(np.abs(ours.proximity(year) - matrix)) <= 1e-8


def _population(frame: pd.DataFrame, sigma: float, seed: int) -> pd.DataFrame:
    """No population table is staged: a synthetic one, export totals times log-normal noise
    (sigma 0.5 keeps every location with at least one item, so ECI is defined)."""
    totals = frame.groupby("country_code")["export_value_usd"].sum()
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "year": 2016,
            "country_code": totals.index,
            "population": totals.to_numpy() / 1e3 * rng.lognormal(0, sigma, len(totals)),
        }
    )


def test_rpop_presence_agrees_with_ecomplexity(test_data):
    path, cols = PANELS["atlas-hs92-2016"]
    frame = pd.read_parquet(test_data / path)
    population = _population(frame, 0.5, 2016)
    ours = complexity(frame, **cols, presence_test="rpop", population=population)
    theirs = _ecomplexity(frame, cols, presence_test="rpop", pop=population)
    keys = [cols["time"], cols["location"], cols["item"]]
    merged = _as_text(ours.frame, cols).merge(theirs, on=keys, suffixes=("", "_ref"))
    assert len(merged) == len(ours.frame)
    assert (merged["rpop"] >= 1).sum() != (merged["rca"] >= 1).sum()  # a different test
    np.testing.assert_allclose(merged["rpop"], merged["rpop_ref"], rtol=1e-12)
    np.testing.assert_array_equal(merged["mcp"], merged["mcp_ref"])
    for column, tolerance in TOLERANCE.items():
        difference = np.max(np.abs(merged[column] - merged[f"{column}_ref"]))
        assert difference <= tolerance, f"{column}: max |difference| {difference:.2e}"


def test_both_is_the_logical_or_where_ecomplexity_sums(test_data):
    """Documented difference: ecomplexity's "both" adds the two binary tests (M can be 2)."""
    path, cols = PANELS["atlas-hs92-2016"]
    frame = pd.read_parquet(test_data / path)
    population = _population(frame, 0.5, 7)
    ours = complexity(frame, **cols, presence_test="both", population=population)
    theirs = _ecomplexity(frame, cols, presence_test="both", pop=population)
    keys = [cols["time"], cols["location"], cols["item"]]
    merged = _as_text(ours.frame, cols).merge(theirs, on=keys, suffixes=("", "_ref"))
    assert (merged["mcp_ref"] == 2).any()  # the reference's M is not binary
    np.testing.assert_array_equal(merged["mcp"], np.minimum(merged["mcp_ref"], 1))


def test_zero_diversity_locations_documented_difference(test_data):
    """When some locations have no item (here: per-capita presence for two countries with a
    huge population), ecomplexity gives NaN ECI to every location of the period; Vínculo
    leaves those locations out (NaN), computes ECI on the others and warns."""
    path, cols = PANELS["atlas-hs92-2016"]
    frame = pd.read_parquet(test_data / path)
    population = _population(frame, 0.5, 2016)
    crowded = population["country_code"].isin(["NER", "TCD"])
    population.loc[crowded, "population"] *= 1e4
    with pytest.warns(IndicatorWarning, match=r"2 location\(s\) with diversity 0"):
        ours = complexity(frame, **cols, presence_test="rpop", population=population)
    theirs = _ecomplexity(frame, cols, presence_test="rpop", pop=population)
    assert theirs["eci"].isna().all()
    locations = ours.locations.assign(country_code=lambda d: d["country_code"].astype(str))
    empty = locations["diversity"] == 0
    assert sorted(locations.loc[empty, "country_code"]) == ["NER", "TCD"]
    assert locations.loc[empty, "eci"].isna().all()
    # the others get the ECI of the presence matrix without the empty rows
    mcp = ours.matrix(2016, "mcp")
    expected = eci_pci(mcp[mcp.sum(axis=1) > 0]).eci
    np.testing.assert_allclose(locations.loc[~empty, "eci"].to_numpy(), expected, atol=1e-12)
