"""Every staged dataset pulled from the mirror, and the store's totals checked against the
source files read independently (pyarrow / pandas, not through the importers)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from vinculo.evidence.countries import locations_table
from vinculo.evidence.pull import SOURCES, pull
from vinculo.evidence.store import EvidenceStore

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def store(test_data: Path, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("staged") / "evidence.duckdb"
    with EvidenceStore(path) as opened:
        pull(opened, mirror=test_data)
        yield opened


def _sql(store: EvidenceStore, sql: str, *parameters: object) -> float:
    return float(store.execute(sql, list(parameters)).iloc[0, 0])


def test_every_staged_file_is_one_dataset_with_its_vintage(store):
    datasets = store.datasets()
    expected = sum(len(source.staged) + len(source.bundled) for source in SOURCES.values())
    assert len(datasets) == expected
    assert datasets["vintage"].str.len().min() > 0
    assert (datasets["row_count"] > 0).all()
    # a file holding several indicators is one dataset per indicator (same checksum)
    assert not datasets.duplicated(["file_sha256", "name"]).any()


def test_world_exports_2016_equal_the_atlas_file(store, test_data):
    table = pq.read_table(test_data / "atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet")
    world = pc.sum(table["export_value_usd"]).as_py()
    stored = _sql(store, "SELECT sum(value_usd) FROM exports e JOIN datasets d USING "
                  "(dataset_id) WHERE d.source = 'atlas' AND year = 2016")  # fmt: skip
    assert stored == pytest.approx(world, rel=1e-12)
    assert world > 1.5e13  # about 16 trillion USD of goods
    mexico = pc.sum(pc.filter(table["export_value_usd"], pc.equal(table["country_code"], "MEX")))
    stored_mexico = store.rows("exports", source="atlas").query("country == 'MEX'")
    assert stored_mexico["value_usd"].sum() == pytest.approx(mexico.as_py(), rel=1e-12)


def test_open_trade_statistics_totals_per_year(store, test_data):
    frame = pd.read_parquet(
        test_data / "ots_hs07_exports_1962_1980_2017/exports_hs07_4digit.parquet"
    )
    expected = frame.groupby("year")["export_value_usd"].sum()
    stored = store.rows("exports", source="ots", include_aggregates=True)
    assert stored.groupby("year")["value_usd"].sum().to_dict() == pytest.approx(expected.to_dict())


def test_mexicos_articles_2022_and_the_world_total(store, test_data):
    frame = pd.read_parquet(
        test_data / "ncses_sei_publications/articles_by_country_field_2003_2022.parquet"
    )
    year = frame[(frame["year"] == 2022) & (frame["field"] == "All S&E fields")]
    mexico = year[year["iso3"] == "MEX"].iloc[0]
    world = year[year["entity_type"] == "world"].iloc[0]
    stored = store.rows("publications", source="ncses", include_aggregates=True)
    stored = stored[(stored["year"] == 2022) & (stored["field"] == "all")]
    by = stored.set_index(["country", "count_type"])["count"]
    assert by["MEX", "fractional"] == mexico["articles_fractional"] == 21027.1
    assert by["MEX", "whole"] == mexico["articles_whole"] == 28633
    assert by["WLD", "fractional"] == world["articles_fractional"]
    # the 14 fields partition the fractional count: they add up to the total
    fields = store.rows("publications", source="ncses").query(
        "year == 2022 and country == 'MEX' and count_type == 'fractional' and field != 'all'"
    )
    assert len(fields) == 14
    assert fields["count"].sum() == pytest.approx(21027.1, abs=1.0)


def test_the_co_authorship_matrix_is_symmetric_and_matches_the_file(store, test_data):
    ordered = pd.read_csv(
        test_data
        / "openalex_country_coauthorship_1990_2023/country_coauthorship_works_by_year.csv.gz",
        keep_default_na=False,  # "NA" is Namibia
    )
    ordered = ordered[ordered["year"] == 2022]
    codes = sorted(set(ordered["iso2_a"]) | set(ordered["iso2_b"]))
    index = {code: i for i, code in enumerate(codes)}
    source = np.zeros((len(codes), len(codes)))
    source[ordered["iso2_a"].map(index), ordered["iso2_b"].map(index)] = ordered["works"]
    pairs = store.rows("coauthorship", source="openalex").query("year == 2022")
    assert (pairs["country_a"] <= pairs["country_b"]).all()  # each pair once
    iso2 = locations_table().dropna(subset=["iso2"]).set_index("code")["iso2"]
    a = pairs["country_a"].map(iso2).map(index).to_numpy()
    b = pairs["country_b"].map(iso2).map(index).to_numpy()
    matrix = np.zeros_like(source)
    matrix[a, b] = pairs["works"]
    matrix[b, a] = pairs["works"]
    np.testing.assert_array_equal(matrix, matrix.T)
    # the file is symmetric in 2022, so the store holds exactly its matrix
    np.testing.assert_array_equal(source, source.T)
    np.testing.assert_array_equal(matrix, source)
    assert matrix[index["MX"], index["US"]] == source[index["US"], index["MX"]] == 8723


def test_institutions_and_published_rankings(store, test_data):
    ror = pd.read_parquet(test_data / "ror_registry_partial/ror_records.parquet")
    stored = store.rows("institutions")
    assert len(stored) == len(ror) == 51_370
    active_mexico = stored.query("country == 'MEX' and status == 'active'")
    assert len(active_mexico) == 535  # as the dataset's README counts
    assert "https://ror.org/01tmp8f25" in set(active_mexico["ror_id"])  # UNAM
    eci = store.rows("country_indicators", source="atlas").query(
        "country == 'MEX' and year == 2016 and indicator == 'atlas_eci_hs92'"
    )
    # the Growth Lab's 1995-2024 file, line "484,MEX,2016,4.91,TRUE,1.173,20,0.936,31,..."
    assert eci["value"].item() == 0.936
    assert eci["vintage"].item() == "growth-lab-dataverse-2024"
    current = store.rows(
        "country_indicators", source="atlas", vintage="complexitydata-2025-02-10"
    ).query("country == 'MEX' and year == 2016 and indicator == 'atlas_eci_hs92'")
    assert current["value"].item() == pytest.approx(1.147, abs=5e-4)
    previous = store.rows(
        "country_indicators", source="atlas", vintage="complexitydata-2024-06-26"
    ).query("country == 'MEX' and year == 2016")
    assert previous["value"].item() == pytest.approx(1.166, abs=5e-4)
    pci = store.rows("product_indicators", source="atlas").query("indicator == 'atlas_pci'")
    assert pci["product"].nunique() == 1_242  # 1,243 codes in the file, XXXX left out
    older = store.rows("product_indicators", source="atlas", vintage="complexitydata-2025-02-10")
    assert older["product"].nunique() == 1_243


def test_patent_families_and_rd_figures(store, test_data):
    frame = pd.read_parquet(
        test_data / "ncses_sei_patents/intl_patent_families_by_country_wipo_field_1998_2020.parquet"
    )
    mexico = frame[(frame["iso3"] == "MEX") & (frame["year"] == 2020)]
    stored = store.rows("patents").query("country == 'MEX' and year == 2020")
    assert stored["families"].sum() == mexico["patent_families"].sum()
    assert len(stored) == len(mexico)
