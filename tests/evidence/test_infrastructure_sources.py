"""Infrastructure and resources behind national priorities: TOP500, UCS satellites, USGS
battery minerals, IEA electric cars — the publishers' layouts against the team's
cross-check files, hand-checked figures, bad files, and the pull through the CLI."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pandas as pd
import pytest
from click.testing import CliRunner

from vinculo.cli import main
from vinculo.evidence.countries import locations_table
from vinculo.evidence.pull import SOURCES, pull
from vinculo.evidence.sources import iea, top500, ucs, usgs
from vinculo.evidence.store import EvidenceError, EvidenceStore

INFRASTRUCTURE = ("top500", "ucs", "usgs", "iea")
MODULES = (top500, ucs, usgs, iea)


@pytest.fixture
def store(tmp_path):
    with EvidenceStore(tmp_path / "evidence.duckdb") as opened:
        yield opened


def _values(store: EvidenceStore, source: str) -> dict[tuple[int, str, str], float]:
    rows = store.rows("country_indicators", source=source, include_aggregates=True)
    return {
        (int(r.year), str(r.country), str(r.indicator)): float(r.value) for r in rows.itertuples()
    }


# ====================================================================== real data
@pytest.fixture(scope="module")
def staged(test_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """The four sources' staged files, imported once into one store."""
    path = tmp_path_factory.mktemp("infrastructure") / "evidence.duckdb"
    with EvidenceStore(path) as opened:
        for module in MODULES:
            for relative, importer in module.STAGED:
                importer(opened, test_data / relative)
        yield opened


@pytest.mark.realdata
def test_top500_equals_the_country_aggregates(staged, test_data):
    folder = test_data / "top500_lists_2022_2025"
    expected = pd.read_csv(folder / "top500_country_aggregates.csv")
    stored = _values(staged, "top500")
    for row in expected.itertuples():
        year = int(row.list[:4])
        assert stored[(year, row.iso3, "top500_systems")] == row.n_systems, row
        # the cross-check rounds to 6 significant digits (e.g. 2.12279e+06)
        assert stored[(year, row.iso3, "top500_rmax_tflops")] == pytest.approx(
            row.total_rmax_tflops, rel=1e-5
        ), row
    countries = {(y, c) for y, c, _ in stored if c != "WLD"}
    assert countries == {(int(r.list[:4]), r.iso3) for r in expected.itertuples()}
    datasets = staged.datasets().query("source == 'top500'")
    assert datasets["name"].tolist() == datasets["vintage"].tolist()
    assert set(datasets["vintage"]) == {
        "top500-2022-11",
        "top500-2023-11",
        "top500-2024-11",
        "top500-2025-06",
    }
    for edition in ("202211", "202311", "202411", "202506"):
        raw = pd.read_csv(folder / f"raw/TOP500_{edition}.csv", thousands=",")
        year = int(edition[:4])
        assert stored[(year, "WLD", "top500_systems")] == 500 == len(raw)
        assert stored[(year, "WLD", "top500_rmax_tflops")] == pytest.approx(
            raw["Rmax [TFlop/s]"].sum(), rel=1e-12
        )
    # by hand from raw/TOP500_202211.csv: Finland's three systems, LUMI "309,100.00",
    # LUMI-C "6,299.79", MAHTI "5,388.52"
    assert stored[(2022, "FIN", "top500_rmax_tflops")] == pytest.approx(320_788.31)
    assert stored[(2022, "FIN", "top500_systems")] == 3
    # Frontier ("1,102,000.00", United States) is the largest single term of the USA's sum
    assert stored[(2022, "USA", "top500_rmax_tflops")] > 1_102_000


@pytest.mark.realdata
def test_ucs_equals_the_operator_country_counts(staged, test_data):
    folder = test_data / "ucs_satellite_database_2023"
    expected = pd.read_csv(folder / "ucs_satellites_by_operator_country_2023-05-01.csv")
    stored = _values(staged, "ucs")
    countries = expected[expected["iso3_or_org"].str.fullmatch(r"[A-Z]{3}")]
    assert len(countries) == 74  # ESA (intl org) and Multinational are no countries
    for row in countries.itertuples():
        key = (2023, row.iso3_or_org)
        # the cross-check rounds to 6 significant digits (653.333)
        assert stored[(*key, "satellites_operated")] == pytest.approx(row.n_fractional, rel=1e-5)
        assert stored[(*key, "satellites_operated_excl_megaconstellations")] == pytest.approx(
            row.n_fractional_excl_starlink_oneweb, rel=1e-5
        )
    assert {c for _, c, _ in stored} == {*countries["iso3_or_org"], "WLD"}
    # every satellite, operators that are no country included (README: 7,560 rows; 3,996
    # Starlink and 589 OneWeb)
    assert stored[(2023, "WLD", "satellites_operated")] == 7560
    assert stored[(2023, "WLD", "satellites_operated_excl_megaconstellations")] == 7560 - 4585
    # by hand from the publisher's "Country of Operator/Owner": Japan 87 alone, USA/Japan 5
    # (1/2 each), USA/Canada/Japan and USA/Japan/Brazil (1/3), Japan/Singapore (1/2)
    assert stored[(2023, "JPN", "satellites_operated")] == pytest.approx(87 + 2.5 + 2 / 3 + 0.5)
    [dataset] = staged.datasets().query("source == 'ucs'").itertuples()
    assert (dataset.name, dataset.vintage) == ("ucs-satellite-database", "ucs-2023-05-01")


@pytest.mark.realdata
def test_usgs_equals_the_tidy_table(staged, test_data):
    folder = test_data / "usgs_mcs2025_battery_minerals"
    tidy = pd.read_csv(folder / "usgs_mcs2025_battery_minerals_by_country.csv")
    expected = {}
    for row in tidy.dropna(subset=["iso3"]).itertuples():
        prefix = row.commodity.lower().replace(" ", "_")
        for year, value, suffix in (
            (2023, row.prod_2023_t, "mine_production_t"),
            (2024, row.prod_2024_est_t, "mine_production_t"),
            (2024, row.reserves_t, "reserves_t"),
        ):
            if pd.notna(value):
                expected[(year, row.iso3, f"{prefix}_{suffix}")] = value
    stored = _values(staged, "usgs")
    assert {k: v for k, v in stored.items() if k[1] != "WLD"} == expected
    assert len(expected) == 177
    # by hand from the publisher's "World total (rounded)" rows
    assert stored[(2024, "WLD", "lithium_mine_production_t")] == 240_000
    assert stored[(2023, "WLD", "cobalt_mine_production_t")] == 238_000
    assert stored[(2024, "WLD", "graphite_reserves_t")] == 290_000_000
    assert (2024, "WLD", "nickel_reserves_t") not in stored  # ">130000000": a lower bound
    # US lithium production is withheld ("W for 23-24"): absent, never 0; its reserves stay
    assert (2023, "USA", "lithium_mine_production_t") not in stored
    assert stored[(2024, "USA", "lithium_reserves_t")] == 1_800_000
    assert stored[(2024, "COD", "cobalt_mine_production_t")] == 220_000  # "Congo (Kinshasa)"
    assert {i.rsplit("_", 3)[0] for _, _, i in stored} >= {"lithium", "cobalt", "nickel"}
    assert {i for _, _, i in stored} == {
        f"{c}_{m}"
        for c in ("lithium", "cobalt", "graphite", "nickel", "rare_earths")
        for m in ("mine_production_t", "reserves_t")
    }
    [dataset] = staged.datasets().query("source == 'usgs'").itertuples()
    assert (dataset.name, dataset.vintage) == ("usgs-mcs-world-data", "usgs-mcs2025")


@pytest.mark.realdata
def test_iea_equals_the_country_car_sales(staged, test_data):
    folder = test_data / "iea_global_ev_data_2024"
    expected = pd.read_csv(folder / "iea_ev_car_sales_by_country_2010-2023.csv")
    stored = _values(staged, "iea")
    for row in expected.itertuples():
        key = (int(row.year), row.iso3)
        assert stored[(*key, "ev_sales_cars")] == row.ev_sales_cars, row
        if pd.notna(row.ev_stock_cars):
            assert stored[(*key, "ev_stock_cars")] == row.ev_stock_cars, row
        else:
            assert (*key, "ev_stock_cars") not in stored
        if pd.notna(row.ev_sales_share_pct):  # the cross-check rounds float32 shares
            assert stored[(*key, "ev_sales_share_cars_pct")] == pytest.approx(
                row.ev_sales_share_pct, abs=1e-6
            )
    # country-years the cross-check lacks have no sales (stock or share only)
    listed = {(int(r.year), r.iso3) for r in expected.itertuples()}
    extra = {k for k in stored if (k[0], k[1]) not in listed and k[1] not in ("WLD", "EU27")}
    assert extra
    assert all(indicator != "ev_sales_cars" for _, _, indicator in extra)
    # by hand from the publisher's rows: World 2023 BEV 9,500,000 + PHEV 4,300,000; China
    # 5,400,000 + 2,700,000 and a sales share of 38 %; Mexico 13,000 + 2,200
    assert stored[(2023, "WLD", "ev_sales_cars")] == 13_800_000
    assert stored[(2023, "CHN", "ev_sales_cars")] == 8_100_000
    assert stored[(2023, "CHN", "ev_sales_share_cars_pct")] == 38
    assert stored[(2023, "MEX", "ev_sales_cars")] == 15_200
    assert (2023, "EU27", "ev_sales_cars") in stored
    assert not {c for _, c, _ in stored} & {"Europe", "Rest of the world"}
    countries = staged.rows("country_indicators", source="iea")  # aggregates left out
    assert not set(countries["country"]) & {"WLD", "EU27"}
    [dataset] = staged.datasets().query("source == 'iea'").itertuples()
    assert (dataset.name, dataset.vintage) == ("iea-global-ev-data", "iea-gevo-2024")


@pytest.mark.realdata
def test_importing_again_changes_nothing(staged, test_data):
    before = staged.datasets()
    counts = staged.execute("SELECT count(*) AS n FROM country_indicators")["n"].iloc[0]
    for module in MODULES:
        for relative, importer in module.STAGED:
            assert importer(staged, test_data / relative).created is False
    pd.testing.assert_frame_equal(staged.datasets(), before)
    assert staged.execute("SELECT count(*) AS n FROM country_indicators")["n"].iloc[0] == counts


@pytest.mark.realdata
def test_every_name_in_the_staged_files_is_mapped(test_data):
    lists = test_data / "top500_lists_2022_2025/raw"
    names = set().union(*(pd.read_csv(p)["Country"] for p in lists.glob("TOP500_*.csv")))
    assert {top500.iso3_by_name(n, top500.NAMES) for n in names} >= {"USA", "KOR", "RUS"}
    assert None not in {top500.iso3_by_name(n, top500.NAMES) for n in names}
    regions = pd.read_csv(test_data / "iea_global_ev_data_2024/IEA_Global_EV_Data_2024.csv")
    countries = set(regions["region"]) - set(iea.AGGREGATES) - set(iea.SKIPPED_REGIONS)
    assert None not in {top500.iso3_by_name(n, iea.NAMES) for n in countries}


@pytest.mark.realdata
def test_pull_through_the_cli_then_status(test_data, tmp_path, monkeypatch):
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VINCULO_MIRROR", str(test_data))
    runner = CliRunner()
    first = runner.invoke(main, ["data", "pull", *INFRASTRUCTURE])
    assert first.exit_code == 0, first.output + first.stderr
    assert first.stdout.count(" imported ") == 7  # four lists, one file each for the others
    second = runner.invoke(main, ["data", "pull", *INFRASTRUCTURE])
    assert second.exit_code == 0
    assert second.stdout.count("already loaded") == 7
    status = runner.invoke(main, ["data", "status"]).stdout
    for name, vintage in [
        *((f"top500-{v}", f"top500-{v}") for v in ("2022-11", "2023-11", "2024-11", "2025-06")),
        ("ucs-satellite-database", "ucs-2023-05-01"),
        ("usgs-mcs-world-data", "usgs-mcs2025"),
        ("iea-global-ev-data", "iea-gevo-2024"),
    ]:
        line = next(x for x in status.splitlines() if f" {name} " in x)
        assert f" {vintage} " in line
        assert "country_indicators" in line


# ====================================================================== small files
TOP500_HEADER = "Rank,Name,Country,Rmax [TFlop/s],Rpeak [TFlop/s]\n"
UCS_HEADER = '"Name of Satellite, Alternate Names",Country of Operator/Owner,Users\n'
USGS_HEADER = (
    "SOURCE,COMMODITY,COUNTRY,TYPE,UNIT_MEAS,PROD_2023,PROD_EST_ 2024,PROD_NOTES,CAP_2023,"
    "CAP_EST_ 2024,CAP_NOTES,RESERVES_2024,RESERVE_NOTES\n"
)
IEA_HEADER = "region,category,parameter,mode,powertrain,year,unit,value\n"
LI = '"Mine production, lithium content",metric tons'


def test_top500_sums_a_list_and_reads_both_number_styles(store, tmp_path):
    path = tmp_path / "TOP500_202406.csv"
    path.write_text(
        TOP500_HEADER + '1,A,United States,"1,000.50",2000\n2,B,"Korea, South",250,300\n'
        "3,C,United States,99.5,100\n4,D,Germany,1e3,2000\n"
    )
    result = top500.import_list(store, path)
    assert (result.rows, result.vintage) == (8, "top500-2024-06")
    assert _values(store, "top500") == {
        (2024, "USA", "top500_rmax_tflops"): 1100.0,
        (2024, "USA", "top500_systems"): 2.0,
        (2024, "KOR", "top500_rmax_tflops"): 250.0,
        (2024, "KOR", "top500_systems"): 1.0,
        (2024, "DEU", "top500_rmax_tflops"): 1000.0,
        (2024, "DEU", "top500_systems"): 1.0,
        (2024, "WLD", "top500_rmax_tflops"): 2350.0,
        (2024, "WLD", "top500_systems"): 4.0,
    }
    assert store.datasets()["name"].tolist() == ["top500-2024-06"]


def test_top500_reads_the_publishers_workbook(store, tmp_path):
    path = tmp_path / "TOP500_202411.xlsx"
    pd.DataFrame(
        {"Rank": [1, 2], "Country": ["Japan", "Japan"], "Rmax [TFlop/s]": [442010.0, 1.5]}
    ).to_excel(path, index=False)
    top500.import_list(store, path)
    assert _values(store, "top500")[(2024, "JPN", "top500_rmax_tflops")] == 442011.5
    bad = tmp_path / "TOP500_202306.xlsx"
    pd.DataFrame({"Country": ["Japan", "Mordor"], "Rmax [TFlop/s]": [1, 2]}).to_excel(
        bad, index=False
    )
    with pytest.raises(EvidenceError, match=r"row 3, column 'Country': unknown country"):
        top500.import_list(store, bad)


def test_ucs_counts_fractions_and_keeps_non_countries_in_the_world_total(store, tmp_path, caplog):
    path = tmp_path / "UCS-Satellite-Database 5-1-2023.csv"
    path.write_text(
        UCS_HEADER + "Starlink-1007,USA,Commercial\nSat A,USA/Japan,Civil\nSat B,ESA,Civil\n"
        "OneWeb-0012,United Kingdom,Commercial\nSat C,Sinapore,Civil\nSat D,Poland/UK,Civil\n"
        "Sat E,ESA/Russia,Government\n"
    )
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.ucs"):
        result = ucs.import_database(store, path)
    assert result.vintage == "ucs-2023-05-01"
    assert "ESA 1.5 held by operators that are no country" in caplog.text
    values = _values(store, "ucs")
    everything = {c: v for (_, c, i), v in values.items() if i == "satellites_operated"}
    assert everything == {
        "USA": 1.5,
        "JPN": 0.5,
        "GBR": 1.5,
        "SGP": 1.0,
        "POL": 0.5,
        "RUS": 0.5,
        "WLD": 7.0,
    }
    breadth = {
        c: v
        for (_, c, i), v in values.items()
        if i == "satellites_operated_excl_megaconstellations"
    }
    assert breadth == {"USA": 0.5, "JPN": 0.5, "SGP": 1.0, "POL": 0.5, "GBR": 0.5, "RUS": 0.5,
                       "WLD": 5.0}  # fmt: skip
    assert {year for year, _, _ in values} == {2023}


def test_ucs_reads_the_publishers_workbook(store, tmp_path):
    path = tmp_path / "UCS-Satellite-Database 5-1-2023.xlsx"
    pd.DataFrame(
        {
            "Name of Satellite, Alternate Names": ["Aalto-1", "AAt-4"],
            "Country of Operator/Owner": ["Finland", "Denmark"],
        }
    ).to_excel(path, index=False)
    assert ucs.import_database(store, path).rows == 6


def test_usgs_reads_the_publishers_quirks(store, tmp_path, caplog):
    path = tmp_path / "MCS2025_World_Data.csv"
    path.write_text(
        USGS_HEADER
        + f"MCS2025,Lithium ,United States,{LI},,,W for 23-24,,,,1800000,\n"
        + f'MCS2025,Lithium ,Chile,{LI},41400,"49,000 ",,,,,9300000 ,\n'
        + f"MCS2025,Lithium ,Other Countries,{LI},,,,,,,2800000,\n"
        + f"MCS2025,Lithium ,World total (rounded),{LI},204000,240000,Excludes U.S.,,,,"
        ">30000000,\n"
        + 'MCS2025,Copper ,Chile,"Mine production, copper",thousand metric tons,5250,5300,'
        ",,,,190000,\n"
        + "MCS2025,Cobalt,Canada ,Refinery production,metric tons,1,1,,,,,,\n"
        + 'MCS2025,Nickel,Canada ,"Mine production, nickel content",thousand metric tons,'
        "159,190,,,,,NA,\n"
    )
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.usgs"):
        result = usgs.import_world_data(store, path)
    assert result.vintage == "usgs-mcs2025"
    assert _values(store, "usgs") == {
        (2024, "USA", "lithium_reserves_t"): 1_800_000,
        (2023, "CHL", "lithium_mine_production_t"): 41_400,
        (2024, "CHL", "lithium_mine_production_t"): 49_000,
        (2024, "CHL", "lithium_reserves_t"): 9_300_000,
        (2023, "WLD", "lithium_mine_production_t"): 204_000,
        (2024, "WLD", "lithium_mine_production_t"): 240_000,
        (2023, "CAN", "nickel_mine_production_t"): 159_000,  # thousand metric tons
        (2024, "CAN", "nickel_mine_production_t"): 190_000,
    }
    log = caplog.text
    assert "1 'Other Countries' row(s)" in log
    assert "1 row(s) of other TYPEs (cobalt 'Refinery production')" in log
    assert "2 withheld (empty, PROD_NOTES 'W ...') (United States lithium PROD_2023" in log
    assert "1 lower bound" in log
    assert "1 'NA' (not available) (Canada nickel RESERVES_2024)" in log


def test_usgs_reads_a_cp1252_file(store, tmp_path):
    path = tmp_path / "MCS2025_World_Data.csv"
    path.write_bytes(
        (
            USGS_HEADER + 'MCS2025,Cobalt,Côte d’Ivoire,"Mine production, cobalt content",'
            "metric tons,10,20,,,,,,\n"
        ).encode("cp1252")
    )
    usgs.import_world_data(store, path)
    assert _values(store, "usgs")[(2024, "CIV", "cobalt_mine_production_t")] == 20


def test_iea_sums_bev_and_phev_of_historical_cars(store, tmp_path, caplog):
    path = tmp_path / "IEA Global EV Data 2024.csv"
    path.write_text(
        IEA_HEADER + "Mexico,Historical,EV sales,Cars,BEV,2023,Vehicles,13000\n"
        "Mexico,Historical,EV sales,Cars,PHEV,2023,Vehicles,2200\n"
        "Mexico,Historical,EV sales,Cars,FCEV,2023,Vehicles,5\n"
        "Mexico,Historical,EV sales share,Cars,EV,2023,percent,1.3\n"
        "Mexico,Projection-STEPS,EV sales,Cars,BEV,2030,Vehicles,99999\n"
        "Mexico,Historical,EV sales,Buses,BEV,2023,Vehicles,10\n"
        "Korea,Historical,EV stock,Cars,BEV,2023,Vehicles,500\n"
        "Europe,Historical,EV sales,Cars,BEV,2023,Vehicles,1\n"
        "Rest of the world,Historical,EV sales,Cars,BEV,2023,Vehicles,2\n"
        "World,Historical,EV sales,Cars,BEV,2023,Vehicles,9500000\n"
        "World,Historical,EV sales,Cars,PHEV,2023,Vehicles,4300000\n"
        "EU27,Historical,EV sales share,Cars,EV,2023,percent,22\n"
    )
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.iea"):
        result = iea.import_ev_data(store, path)
    assert (result.rows, result.vintage) == (5, "iea-gevo-2024")
    assert "skipped 2 row(s) of regional aggregates" in caplog.text
    assert _values(store, "iea") == {
        (2023, "MEX", "ev_sales_cars"): 15_200,
        (2023, "MEX", "ev_sales_share_cars_pct"): 1.3,
        (2023, "KOR", "ev_stock_cars"): 500,  # no PHEV row: none
        (2023, "WLD", "ev_sales_cars"): 13_800_000,
        (2023, "EU27", "ev_sales_share_cars_pct"): 22,
    }


def test_country_name_tables_point_at_known_codes():
    known = set(locations_table()["code"])
    for module in MODULES:
        assert set(module.NAMES.values()) <= known, module.__name__
    assert {
        top500.iso3_by_name("Korea, South", top500.NAMES),
        ucs.NAMES["Sinapore"],
        ucs.NAMES["UK"],
        usgs.NAMES["Congo (Kinshasa)"],
        usgs.NAMES["Burma"],
        iea.NAMES["Korea"],
        iea.NAMES["Turkiye"],
    } == {"KOR", "SGP", "GBR", "COD", "MMR", "TUR"}
    assert set(iea.AGGREGATES.values()) <= known


# ---------------------------------------------------------------------- bad files
BAD = [
    # (module, file name, content, message)
    (top500, "TOP500_202411.csv", "Rank,Name,Rmax [TFlop/s]\n1,A,5\n", r"\['Country'\] not found"),
    (
        top500,
        "TOP500_202411.csv",
        TOP500_HEADER + "1,A,Japan,5,6\n2,B,Atlantis,5,6\n",
        r"TOP500_202411.csv: line 3, column 'Country': unknown country name\(s\) \['Atlantis'\]",
    ),
    (
        top500,
        "TOP500_202411.csv",
        TOP500_HEADER + "1,A,Japan,5,6\n2,B,Japan,n/a,6\n",
        r"line 3, column 'Rmax \[TFlop/s\]': not a number \('n/a'\)",
    ),
    (top500, "top500_november.csv", TOP500_HEADER + "1,A,Japan,5,6\n", "TOP500_YYYYMM"),
    (
        ucs,
        "UCS-Satellite-Database_2023-05-01.csv",
        "Name,Country of Operator/Owner\nA,USA\n",
        r"\['Name of Satellite, Alternate Names'\] not found",
    ),
    (
        ucs,
        "UCS-Satellite-Database_2023-05-01.csv",
        UCS_HEADER + "A,USA,Civil\nB,USA/Atlantis,Civil\n",
        r"line 3, column 'Country of Operator/Owner': unknown country name\(s\) \['Atlantis'\]",
    ),
    (
        ucs,
        "UCS-Satellite-Database_2023-05-01.csv",
        UCS_HEADER + "A,USA,Civil\nB,,Civil\n",
        r"line 3, column 'Country of Operator/Owner': empty",
    ),
    (ucs, "UCS-Satellite-Database.csv", UCS_HEADER + "A,USA,Civil\n", "cannot tell the edition"),
    (
        usgs,
        "MCS2025_World_Data.csv",
        USGS_HEADER.replace("RESERVES_2024", "RESERVES"),
        r"expected one RESERVES_<year> column",
    ),
    (
        usgs,
        "MCS2025_World_Data.csv",
        USGS_HEADER + f"MCS2025,Lithium,Chile,{LI},1,2,,,,,3,\nMCS2025,Lithium,Gondor,{LI},1,2,"
        ",,,,3,\n",
        r"line 3, column 'COUNTRY': unknown country name\(s\) \['Gondor'\]",
    ),
    (
        usgs,
        "MCS2025_World_Data.csv",
        USGS_HEADER + f"MCS2025,Lithium,Chile,{LI},1,2,,,,,3,\nMCS2025,Nickel,Chile,{LI},1,"
        "12x00,,,,,3,\n",
        r"line 3, column 'PROD_EST_ 2024': not a number \('12x00'\)",
    ),
    (
        usgs,
        "MCS2025_World_Data.csv",
        USGS_HEADER + 'MCS2025,Lithium,Chile,"Mine production",kilograms,1,2,,,,,3,\n',
        r"line 2, column 'UNIT_MEAS': unit 'kilograms'",
    ),
    (
        usgs,
        "MCS2025_World_Data.csv",
        USGS_HEADER + f"MCS2025,Lithium,Chile,{LI},1,2,,,,,3,\nMCS2025,Lithium,Chile ,{LI},1,2,"
        ",,,,3,\n",
        r"line 2, line 3, column 'COUNTRY': \['Chile'\] appear\(s\) twice",
    ),
    (
        iea,
        "IEA Global EV Data 2024.csv",
        "region,category,parameter,mode,powertrain,year,value\nMexico,Historical,EV sales,"
        "Cars,BEV,2023,1\n",
        r"\['unit'\] not found",
    ),
    (
        iea,
        "IEA Global EV Data 2024.csv",
        IEA_HEADER + "Mexico,Historical,EV sales,Cars,BEV,2023,Vehicles,1\n"
        "Narnia,Historical,EV sales,Cars,BEV,2023,Vehicles,1\n",
        r"line 3, column 'region': unknown country name\(s\) \['Narnia'\]",
    ),
    (
        iea,
        "IEA Global EV Data 2024.csv",
        IEA_HEADER + "Mexico,Historical,EV sales,Cars,BEV,2023,Vehicles,1\n"
        "Mexico,Historical,EV stock,Cars,BEV,2023,Vehicles,lots\n",
        r"line 3, column 'value': not a number \('lots'\)",
    ),
    (
        iea,
        "IEA Global EV Data 2024.csv",
        IEA_HEADER + "Mexico,Historical,EV sales,Cars,BEV,2023,GWh,1\n",
        r"line 2, column 'unit': unit 'GWh' for ev_sales_cars, expected 'Vehicles'",
    ),
]


@pytest.mark.parametrize(
    ("module", "name", "content", "message"),
    BAD,
    ids=[f"{case[0].__name__.rsplit('.', 1)[1]}-{i}" for i, case in enumerate(BAD)],
)
def test_bad_files_are_errors_that_change_nothing(store, tmp_path, module, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    [(_, importer)] = module.STAGED[:1]
    with pytest.raises(EvidenceError, match=message) as raised:
        importer(store, path)
    assert str(path) in str(raised.value)
    assert store.datasets().empty
    assert store.execute("SELECT count(*) AS n FROM country_indicators")["n"].iloc[0] == 0


# the originals layout of a mirror (files as the publishers name them) through the CLI
GOOD_AND_BAD = {
    "top500": (
        "top500/TOP500_202406.csv",
        TOP500_HEADER + "1,A,Japan,5,6\n",
        "top500/TOP500_202411.csv",
        TOP500_HEADER + "1,A,Japan,5,6\n2,B,Japan,,6\n",
        "TOP500_202411.csv: line 3, column 'Rmax [TFlop/s]': empty",
    ),
    "ucs": (
        "ucs/UCS-Satellite-Database 1-1-2023.csv",
        UCS_HEADER + "A,USA,Civil\n",
        "ucs/UCS-Satellite-Database 5-1-2023.csv",
        UCS_HEADER + "A,USA,Civil\nB,Mordor,Civil\n",
        "5-1-2023.csv: line 3, column 'Country of Operator/Owner': unknown country name(s)",
    ),
    "usgs": (
        None,
        None,
        "usgs/MCS2025_World_Data.csv",
        USGS_HEADER + f"MCS2025,Lithium,Chile,{LI},1,abc,,,,,3,\n",
        "MCS2025_World_Data.csv: line 2, column 'PROD_EST_ 2024': not a number ('abc')",
    ),
    "iea": (
        "iea/IEA Global EV Data 2023.csv",
        IEA_HEADER + "Mexico,Historical,EV sales,Cars,BEV,2022,Vehicles,1\n",
        "iea/IEA Global EV Data 2024.csv",
        IEA_HEADER + "Mexico,Historical,EV sales,Cars,BEV,2023,Vehicles,-1\n",
        "IEA Global EV Data 2024.csv: line 2, column 'value': negative",
    ),
}


@pytest.mark.parametrize("source", INFRASTRUCTURE)
def test_a_bad_original_through_the_cli_exits_2_and_leaves_the_store(source, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VINCULO_MIRROR", str(mirror))
    good, good_content, bad, bad_content, message = GOOD_AND_BAD[source]
    runner = CliRunner()
    if good is not None:
        (mirror / good).parent.mkdir(parents=True, exist_ok=True)
        (mirror / good).write_text(good_content)
        loaded = runner.invoke(main, ["data", "pull", source])
        assert loaded.exit_code == 0, loaded.output
        assert " imported " in loaded.stdout
    before = runner.invoke(main, ["data", "status"]).stdout
    (mirror / bad).parent.mkdir(parents=True, exist_ok=True)
    (mirror / bad).write_text(bad_content)
    failed = runner.invoke(main, ["data", "pull", source])
    assert failed.exit_code == 2
    assert message in failed.stderr
    assert runner.invoke(main, ["data", "status"]).stdout == before


# ---------------------------------------------------------------------- download (mock network)
ITEM = f"https://www.sciencebase.gov/catalog/item/{usgs.SCIENCEBASE_ITEM}"
FILE = f"https://www.sciencebase.gov/catalog/file/get/{usgs.SCIENCEBASE_ITEM}?f=__disk__ab"
WORLD_DATA = USGS_HEADER + f"MCS2025,Lithium ,Chile,{LI},41400,49000,,,,,9300000,\n"


class ScienceBase:
    """The item's JSON and its file, from memory. The JSON's shape (``files`` with ``name``
    and ``url``) is as third-party downloaders read it, not a recorded answer."""

    def __init__(self, files: list[dict[str, str]]) -> None:
        self.files = files
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        if str(request.url) == f"{ITEM}?format=json":
            return httpx.Response(200, json={"id": usgs.SCIENCEBASE_ITEM, "files": self.files})
        if str(request.url) == FILE:
            return httpx.Response(200, content=WORLD_DATA.encode())
        return httpx.Response(404, text="not here")


def test_usgs_is_found_on_sciencebase_downloaded_and_imported(store, tmp_path):
    network = ScienceBase([{"name": "MCS2025_World_Data.xml", "url": f"{FILE}x"},
                           {"name": usgs.FILE_NAME, "url": FILE}])  # fmt: skip
    [pulled] = pull(
        store, ["usgs"], mirror=None, home=tmp_path, transport=httpx.MockTransport(network)
    )
    assert pulled.path == tmp_path / "downloads" / "usgs" / usgs.FILE_NAME
    assert network.requests == [f"{ITEM}?format=json", FILE]
    assert _values(store, "usgs")[(2024, "CHL", "lithium_mine_production_t")] == 49_000
    [again] = pull(
        store, ["usgs"], mirror=None, home=tmp_path, transport=httpx.MockTransport(network)
    )
    assert again.result.created is False
    assert network.requests.count(FILE) == 1  # the complete file is not fetched again


def test_an_item_without_the_file_is_a_clear_error(store, tmp_path):
    network = ScienceBase([{"name": "MCS2025_World_Data.xml", "url": FILE}])
    with pytest.raises(EvidenceError, match=r"no file MCS2025_World_Data\.csv listed"):
        pull(store, ["usgs"], mirror=None, home=tmp_path, transport=httpx.MockTransport(network))
    assert store.datasets().empty


def test_the_mirror_only_sources_say_so_without_a_mirror(store, tmp_path):
    for name in ("top500", "ucs", "iea"):
        assert not any(o.downloadable for o in SOURCES[name].originals)
        with pytest.raises(EvidenceError, match=f"{name}: no public download address"):
            pull(store, [name], mirror=None, home=tmp_path)
