"""NCSES importers: the staged files (real-data tier) and bad files that change nothing."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from vinculo.evidence.sources.ncses import (
    STAGED,
    import_articles,
    import_coauthorship_pairs,
)
from vinculo.evidence.store import EvidenceError, EvidenceStore

PAIRS = "ncses_sei_publications/intl_coauthorship_pairs_2003_2022.csv"
ARTICLES = "ncses_sei_publications/articles_by_country_field_2003_2022.parquet"

HEADER = (
    "year,country_a,iso3_a,country_b,iso3_b,coauthored_articles_whole_count,collaboration_index"
)
GOOD_PAIRS = f"""{HEADER}
2022,World,,World,,100,
2022,World,,Mexico,MEX,40,
2022,World,,United States,USA,90,
2022,Mexico,MEX,World,,40,
2022,Mexico,MEX,Mexico,MEX,,
2022,Mexico,MEX,United States,USA,30,1.2
2022,United States,USA,World,,90,
2022,United States,USA,Mexico,MEX,30,1.2
2022,United States,USA,United States,USA,,
"""


@pytest.fixture
def store(tmp_path):
    with EvidenceStore(tmp_path / "evidence.duckdb") as opened:
        yield opened


@pytest.fixture(scope="module")
def loaded(test_data, tmp_path_factory):
    """A store with the five staged NCSES files imported, and the import results."""
    path = tmp_path_factory.mktemp("ncses") / "evidence.duckdb"
    with EvidenceStore(path) as opened:
        results = {rel: importer(opened, test_data / rel) for rel, importer in STAGED}
        yield opened, results


def _snapshot(store: EvidenceStore) -> tuple[pd.DataFrame, pd.DataFrame]:
    return store.datasets(), store.rows("coauthorship", include_aggregates=True)


@pytest.mark.realdata
def test_every_staged_file_imports_with_provenance(loaded, test_data):
    store, results = loaded
    assert all(result.created for result in results.values())
    assert {rel: result.rows for rel, result in results.items()} == {
        ARTICLES: 121_800,  # 203 entities × 15 fields × 20 years × 2 count types
        PAIRS: 2_162,  # 47 entities (46 countries + World): 1,081 pairs × 2 years
        "ncses_sei_publications/coauthorship_attributes_by_country_2003_2022.csv": 3_760,
        "ncses_sei_patents/intl_patent_families_by_country_wipo_field_1998_2020.parquet": 32_338,
        "ncses_sei_rd_expenditure/gerd_gdp_selected_countries_1990_2021.csv": 628,
    }
    datasets = store.datasets()
    assert set(datasets["source"]) == {"ncses"}
    assert set(datasets["name"]) == {Path(rel).name for rel, _ in STAGED}
    vintages = dict(zip(datasets["name"], datasets["vintage"], strict=True))
    assert vintages["intl_patent_families_by_country_wipo_field_1998_2020.parquet"] == "sei-2022"
    assert vintages["articles_by_country_field_2003_2022.parquet"] == "sei-2024"


@pytest.mark.realdata
def test_articles_match_the_readme(loaded):
    store, _ = loaded
    rows = store.rows("publications", include_aggregates=True)
    all_2022 = rows[(rows["year"] == 2022) & (rows["field"] == "all")]
    value = all_2022.set_index(["country", "count_type"])["count"]
    assert value[("MEX", "whole")] == 28_633
    assert value[("WLD", "fractional")] == 3_344_037
    assert ("EU27", "whole") in value.index
    assert set(rows["taxonomy"]) == {"ncses15"}
    assert rows["field"].nunique() == 15
    # World and EU-27 are stored but kept apart from the countries
    assert not {"WLD", "EU27"} & set(store.rows("publications")["country"])
    indicators = store.rows("country_indicators", include_aggregates=True)
    mexico = indicators[(indicators["country"] == "MEX") & (indicators["year"] == 2022)]
    by_name = mexico.set_index("indicator")["value"]
    assert by_name["articles_total"] == 28_633
    assert by_name["articles_international"] == 12_672


@pytest.mark.realdata
def test_coauthorship_pairs_rebuild_the_symmetric_matrix(loaded, test_data):
    store, _ = loaded
    pairs = store.rows("coauthorship", include_aggregates=True)
    assert (pairs["country_a"] < pairs["country_b"]).all()
    assert pairs["field"].isna().all()
    both = pd.concat(
        [pairs, pairs.rename(columns={"country_a": "country_b", "country_b": "country_a"})]
    )
    matrix = both[both["year"] == 2022].pivot_table(
        index="country_a", columns="country_b", values="works", aggfunc="sum"
    )
    assert matrix.shape == (47, 47)
    assert matrix.equals(matrix.T)
    source = pd.read_csv(test_data / PAIRS)
    expected = source.loc[
        (source["year"] == 2022) & (source["iso3_a"] == "MEX") & (source["iso3_b"] == "USA"),
        "coauthored_articles_whole_count",
    ].item()
    assert matrix.loc["MEX", "USA"] == expected == 4_983
    assert matrix.loc["MEX", "WLD"] == 12_672


@pytest.mark.realdata
def test_reimport_is_a_no_op(loaded, test_data):
    store, results = loaded
    before = store.datasets()
    for rel, importer in STAGED:
        again = importer(store, test_data / rel)
        assert not again.created
        assert again.dataset_id == results[rel].dataset_id
        assert again.rows == results[rel].rows
    pd.testing.assert_frame_equal(store.datasets(), before)


@pytest.mark.realdata
def test_skipped_regions_are_reported(store, test_data, caplog):
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.ncses"):
        import_articles(store, test_data / ARTICLES)
    assert "skipped 4200 row(s)" in caplog.text
    assert "South America" in caplog.text


def test_synthetic_pairs_are_stored_once(store, tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text(GOOD_PAIRS, encoding="utf-8")
    result = import_coauthorship_pairs(store, path)
    assert result.rows == 3
    rows = store.rows("coauthorship", include_aggregates=True)
    stored = rows.set_index(["country_a", "country_b"])["works"].to_dict()
    assert stored == {("MEX", "USA"): 30, ("MEX", "WLD"): 40, ("USA", "WLD"): 90}


def test_an_asymmetric_matrix_names_the_rows_and_changes_nothing(store, tmp_path):
    good = tmp_path / "pairs.csv"
    good.write_text(GOOD_PAIRS, encoding="utf-8")
    import_coauthorship_pairs(store, good)
    before = _snapshot(store)
    bad = tmp_path / "asymmetric.csv"
    bad.write_text(GOOD_PAIRS.replace("USA,Mexico,MEX,30", "USA,Mexico,MEX,31"), "utf-8")
    with pytest.raises(EvidenceError, match=r"asymmetric\.csv: .*line 7 vs line 9 .*MEX–USA"):
        import_coauthorship_pairs(store, bad)
    missing = tmp_path / "mirrorless.csv"
    missing.write_text(GOOD_PAIRS.replace("2022,United States,USA,Mexico,MEX,30,1.2\n", ""))
    with pytest.raises(EvidenceError, match=r"line 7 \(MEX–USA 2022: no USA–MEX row\)"):
        import_coauthorship_pairs(store, missing)
    after = _snapshot(store)
    pd.testing.assert_frame_equal(after[0], before[0])
    pd.testing.assert_frame_equal(after[1], before[1])


def test_a_missing_column_is_named_and_changes_nothing(store, tmp_path):
    bad = tmp_path / "pairs.csv"
    bad.write_text(GOOD_PAIRS.replace("iso3_b", "code_b"), encoding="utf-8")
    with pytest.raises(EvidenceError, match=r"pairs\.csv: column\(s\) \['iso3_b'\] not found"):
        import_coauthorship_pairs(store, bad)
    assert store.datasets().empty


def test_bad_values_name_the_line_and_column(store, tmp_path):
    bad = tmp_path / "pairs.csv"
    bad.write_text(GOOD_PAIRS.replace("United States,USA,World,,90", "United States,USA,World,,x"))
    with pytest.raises(EvidenceError, match=r"line 8, column 'coauthored_.*': not a number"):
        import_coauthorship_pairs(store, bad)
    unknown = tmp_path / "unknown.csv"
    unknown.write_text(GOOD_PAIRS.replace("Mexico,MEX,United States", "Mexico,MEQ,United States"))
    with pytest.raises(EvidenceError, match=r"line 7, column 'iso3_a': unknown .*\['MEQ'\]"):
        import_coauthorship_pairs(store, unknown)
    assert store.datasets().empty
