"""The Growth Lab's ECI rankings and HS92 product table, 1995-2024: in_rankings, vintages
stacked on the complexitydata ones, product codes, bad files, and the staged copies."""

from __future__ import annotations

import logging

import pandas as pd
import pytest
from click.testing import CliRunner

from vinculo.cli import main
from vinculo.evidence.pull import SOURCES
from vinculo.evidence.sources.atlas_rankings import (
    DOWNLOADS,
    STAGED,
    import_growth_lab_eci,
    import_growth_lab_products,
)
from vinculo.evidence.store import EvidenceError, EvidenceStore

ECI = (
    "country_id,country_iso3_code,year,growth_proj,in_rankings,eci_sitc,eci_rank_sitc,"
    "eci_hs92,eci_rank_hs92,eci_hs12,eci_rank_hs12\n"
)
ECI_ROWS = (
    "392,JPN,2024,1.2,TRUE,1.542,1,1.729,1,1.689,1\n"
    "214,DOM,2007,3.38,TRUE,0.000,74,-0.26,88,,\n"
    "28,ATG,2024,,FALSE,0.5,,0.4,,0.3,\n"  # outside the rankings: skipped
    "0,ANS,2024,,TRUE,0.1,,0.1,,0.1,\n"
)
GROWTH_LAB = "atlas_growth_lab_eci_pci_1995_2024"
PRODUCTS = "product_id,product_hs92_code,year,export_value,import_value,pci\n"
PRODUCT_ROWS = (
    "650,0101,2024,3788266302,3788266302,0.496\n"
    "1745,8542,2024,768908635178,768908635178,1.532\n"
    "651,102,2024,100,100,-0.5\n"  # lost its leading zero in a spreadsheet
    "1892,XXXX,2024,415519058087,415519058087,-1.721\n"
)


@pytest.fixture
def store(tmp_path):
    with EvidenceStore(tmp_path / "evidence.duckdb") as opened:
        yield opened


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_ranked_rows_zero_is_a_value_and_one_dataset_per_indicator(store, tmp_path, caplog):
    path = _write(tmp_path, "growth_proj_eci_rankings.csv", ECI + ECI_ROWS)
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.atlas_rankings"):
        results = [
            import_growth_lab_eci(store, path, column=c, indicator=i)
            for c, i in (("eci_hs92", "atlas_eci_hs92"), ("eci_sitc", "atlas_eci_sitc"),
                         ("eci_hs12", "atlas_eci_hs12"))
        ]  # fmt: skip
    assert [r.rows for r in results] == [2, 2, 1]  # hs12 is empty for DOM 2007
    assert {r.vintage for r in results} == {"growth-lab-dataverse-2024"}
    assert "skipped 1 row(s) outside the rankings" in caplog.text
    assert "1 undeclared-location row(s)" in caplog.text
    rows = store.rows("country_indicators").set_index(["indicator", "country"])["value"]
    assert rows[("atlas_eci_hs92", "JPN")] == 1.729
    assert rows[("atlas_eci_sitc", "DOM")] == 0.0  # a value (rank 74), not "not ranked"
    names = store.datasets()["name"].tolist()
    assert sorted(names) == ["atlas-eci-hs12", "atlas-eci-hs92", "atlas-eci-sitc"]


def test_products_keep_four_character_codes_and_skip_xxxx(store, tmp_path, caplog):
    path = _write(tmp_path, "hs92_product_year_4.csv", PRODUCTS + PRODUCT_ROWS)
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.atlas_rankings"):
        pci = import_growth_lab_products(store, path, column="pci", indicator="atlas_pci")
        world = import_growth_lab_products(
            store, path, column="export_value", indicator="world_export_value_usd"
        )
    assert (pci.rows, world.rows) == (3, 3)
    assert "skipped 1 row(s) of codes that are no HS good ['XXXX']" in caplog.text
    rows = store.rows("product_indicators").set_index(["indicator", "product"])["value"]
    assert rows[("atlas_pci", "0102")] == -0.5
    assert rows[("world_export_value_usd", "8542")] == 768_908_635_178
    assert set(store.rows("product_indicators")["classification"]) == {"hs92"}
    assert sorted(store.datasets()["name"]) == ["atlas-pci", "world-export-value-usd"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (ECI.replace("in_rankings", "ranked") + ECI_ROWS, r"\['in_rankings'\] not found"),
        (
            ECI + "392,JPX,2024,,TRUE,1,1,1.7,1,1,1\n",
            r"line 2, column 'country_iso3_code': unknown",
        ),
        (ECI + "392,JPN,2024,,TRUE,1,1,high,1,1,1\n", r"line 2, column 'eci_hs92': not a number"),
        (ECI + "392,JPN,2024,,yes,1,1,1.7,1,1,1\n", r"line 2, column 'in_rankings': not true or"),
        (
            ECI + "392,JPN,2024,,TRUE,1,1,1.7,1,1,1\n392,JPN,2024,,TRUE,1,1,1.6,1,1,1\n",
            r"line 2, line 3, column 'country_iso3_code': a country appears twice",
        ),
    ],
)
def test_bad_eci_files_change_nothing(store, tmp_path, text, message):
    path = _write(tmp_path, "growth_proj_eci_rankings.csv", text)
    with pytest.raises(EvidenceError, match=message) as raised:
        import_growth_lab_eci(store, path, column="eci_hs92", indicator="atlas_eci_hs92")
    assert "growth_proj_eci_rankings.csv" in str(raised.value)
    assert store.datasets().empty


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        (PRODUCTS.replace(",pci", ",complexity") + PRODUCT_ROWS, "pci", r"\['pci'\] not found"),
        (PRODUCTS + "1,87A3,2024,1,1,0.1\n", "pci", r"line 2, column 'product_hs92_code': not an"),
        (PRODUCTS + "1,8703,2024,1,1,n/a\n", "pci", r"line 2, column 'pci': not a number"),
        (
            PRODUCTS + "1,8703,2024,,1,0.1\n",
            "export_value",
            r"line 2, column 'export_value': empty",
        ),
        (PRODUCTS + "1,8703,2024,-5,1,0.1\n", "export_value", r"column 'export_value': negative"),
    ],
)
def test_bad_product_files_change_nothing(store, tmp_path, text, column, message):
    path = _write(tmp_path, "hs92_product_year_4.csv", text)
    with pytest.raises(EvidenceError, match=message):
        import_growth_lab_products(store, path, column=column, indicator="x")
    assert store.datasets().empty


def test_the_growth_lab_files_come_after_the_complexitydata_ones_and_have_addresses():
    names = [p.rsplit("/", 1)[1] for p, _ in STAGED]
    assert names[:4] == [
        "eci_hs92_1994_2021_prev_release.csv",
        "eci_hs92_1995_2022.csv",
        "eci_sitc_1962_2021.csv",
        "pci_hs92_4digit_1995_2022.csv.gz",
    ]
    assert names[4:] == ["growth_proj_eci_rankings.csv"] * 3 + ["hs92_product_year_4.csv"] * 2
    assert [url.rsplit("/", 1)[1] for url, _, _ in DOWNLOADS] == ["13439575"] * 3 + ["13685116"] * 2
    originals = {o.path for o in SOURCES["atlas"].originals if o.downloadable}
    assert {"atlas_rankings/growth_proj_eci_rankings.csv", "atlas_hs92/hs92_product_year_4.csv"} < (
        originals
    )


@pytest.mark.realdata
def test_a_bad_staged_file_fails_the_cli_with_exit_code_2(test_data, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    for relative, _ in SOURCES["atlas"].staged:  # the real files, linked, but one
        target = mirror / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to((test_data / relative).resolve())
    bad = mirror / GROWTH_LAB / "growth_proj_eci_rankings.csv"
    bad.unlink()
    bad.write_text(ECI + ECI_ROWS.replace("JPN", "JPX"))
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VINCULO_MIRROR", str(mirror))
    result = CliRunner().invoke(main, ["data", "pull", "atlas"])
    assert result.exit_code == 2
    assert "growth_proj_eci_rankings.csv: line 2, column 'country_iso3_code': unknown" in (
        result.output
    )
    with EvidenceStore(tmp_path / "home" / "evidence.duckdb") as store:
        # the files before it were imported, each in its own transaction; nothing of it
        assert len(store.datasets()) == 5
        assert not store.datasets()["name"].str.startswith("atlas-eci-hs12").any()


# ---------------------------------------------------------------- the staged copies


@pytest.mark.realdata
def test_the_staged_growth_lab_files_are_the_latest_vintage(test_data, store):
    for relative, importer in STAGED:
        importer(store, test_data / relative)
    eci = store.rows("country_indicators", source="atlas")
    assert set(eci["vintage"]) == {"growth-lab-dataverse-2024"}  # the newest of each dataset
    # the README: 4,319 rows, 145 countries, 1995-2024; eci_hs12 from 2012 (1,885 values,
    # counted with pandas); every row in_rankings TRUE
    counts = eci.groupby("indicator")["year"].agg(["size", "min", "max"])
    assert counts.loc["atlas_eci_hs92"].tolist() == [4_319, 1995, 2024]
    assert counts.loc["atlas_eci_sitc"].tolist() == [4_319, 1995, 2024]
    assert counts.loc["atlas_eci_hs12"].tolist() == [1_885, 2012, 2024]
    hs92_2024 = eci.query("indicator == 'atlas_eci_hs92' and year == 2024")
    assert len(hs92_2024) == 145
    top = hs92_2024.nlargest(5, "value")
    # the README's sanity line: JPN 1.729, TWN 1.621, KOR 1.600, CHE 1.584, SGP 1.520
    assert top["country"].tolist() == ["JPN", "TWN", "KOR", "CHE", "SGP"]
    assert top["value"].tolist() == [1.729, 1.621, 1.600, 1.584, 1.520]
    mexico = eci.query("country == 'MEX' and year == 2024").set_index("indicator")["value"]
    assert mexico.to_dict() == {"atlas_eci_hs92": 0.942, "atlas_eci_hs12": 0.936,
                                "atlas_eci_sitc": 1.067}  # fmt: skip
    # the older releases stay queryable
    older = store.rows("country_indicators", source="atlas", vintage="complexitydata-2025-02-10")
    assert older.query("indicator == 'atlas_eci_hs92'")["year"].max() == 2022

    products = store.rows("product_indicators", source="atlas")
    assert set(products["vintage"]) == {"growth-lab-dataverse-2024"}
    by = products.set_index(["indicator", "product", "year"])["value"]
    # hs92_product_year_4.csv, lines "1745,8542,2024,768908635178,768908635178,1.532" and
    # "650,0101,2024,3788266302,3788266302,0.496"
    assert by[("atlas_pci", "8542", 2024)] == 1.532
    assert by[("world_export_value_usd", "8542", 2024)] == 768_908_635_178
    assert by[("atlas_pci", "0101", 2024)] == 0.496
    pci = products[products["indicator"] == "atlas_pci"]
    # 37,287 rows less the 30 XXXX rows; 1,242 products a year from 2022 on (XXXX left out)
    assert len(pci) == 37_257
    assert pci["product"].str.fullmatch(r"\d{4}").all()
    assert pci.query("year == 2024")["product"].nunique() == 1_241
    world = products[products["indicator"] == "world_export_value_usd"]
    source = pd.read_csv(test_data / GROWTH_LAB / "hs92_product_year_4.csv",
                         dtype={"product_hs92_code": str})  # fmt: skip
    expected = source[source["product_hs92_code"] != "XXXX"].groupby("year")["export_value"]
    assert world.groupby("year")["value"].sum().to_dict() == expected.sum().astype(float).to_dict()
    # importing again changes nothing
    before = len(store.datasets())
    assert not any(f(store, test_data / p).created for p, f in STAGED)
    assert len(store.datasets()) == before
