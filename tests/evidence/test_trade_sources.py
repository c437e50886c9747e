"""Importers of the public trade downloads (Atlas, BACI, UN Comtrade): small files shaped like
the originals, real values in the store, and bad files that name file, line and column and
change nothing."""

from __future__ import annotations

import gzip
import logging
import re
from pathlib import Path

import pandas as pd
import pytest

from vinculo.evidence.sources import atlas, baci, comtrade
from vinculo.evidence.sources.atlas import import_country_product_year
from vinculo.evidence.sources.baci import import_baci
from vinculo.evidence.sources.comtrade import import_comtrade_bulk
from vinculo.evidence.store import EvidenceError, EvidenceStore

# ----------------------------------------------------------------------------- fixtures

# Atlas, current release (hs92_country_product_year_4.csv): the Growth Lab's column order.
ATLAS_CURRENT = """\
country_id,country_iso3_code,product_id,product_hs92_code,year,export_value,import_value,global_market_share,export_rca,distance,cog,pci
484,MEX,650,0101,2021,1520331,2849977,0.00047,0.21,0.93,-0.05,-1.27
484,MEX,1700,8703,2021,40181652224,9563251200,0.0536,3.05,0.71,0.12,1.02
484,MEX,1891,9999,2021,12000,0,0.0012,0,,,
484,MEX,1892,XXXX,2021,5000,0,,,,,
484,MEX,651,0102,2021,0,1222,0,0,0.95,-0.02,-1.1
250,FRA,650,0101,2021,1184402816,22123,0.367,8.5,0.85,0.3,-1.27
250,FRA,1700,8703,2021,14612271104,30100000000,0.0195,0.81,0.66,0.2,1.02
999,ANS,650,0101,2021,1234,0,,,,,
484,MEX,650,0101,2020,1350000,2000000,0.0004,0.2,0.93,-0.05,-1.2
"""

# Atlas, previous release (country_hsproduct4digit_year.tab as served by Dataverse:
# tab-separated, text in double quotes), the same data plus a services row.
ATLAS_PREVIOUS_HEADER = (
    "location_id\tproduct_id\tyear\texport_value\timport_value\texport_rca\tproduct_status\t"
    "cog\tdistance\tnormalized_distance\tnormalized_cog\tnormalized_pci\texport_rpop\tis_new\t"
    "hs_eci\ths_coi\tpci\tlocation_code\ths_product_code"
)
ATLAS_PREVIOUS_ROWS = [
    ("138", "650", "2021", "1520331", "2849977", "MEX", "0101"),
    ("138", "1700", "2021", "40181652224", "9563251200", "MEX", "8703"),
    ("138", "1891", "2021", "12000", "0", "MEX", "9999"),
    ("138", "1892", "2021", "5000", "0", "MEX", "XXXX"),
    ("138", "4001", "2021", "29800000000", "0", "MEX", "travel"),
    ("138", "651", "2021", "0", "1222", "MEX", "0102"),
    ("75", "650", "2021", "1184402816", "22123", "FRA", "0101"),
    ("75", "1700", "2021", "14612271104", "30100000000", "FRA", "8703"),
    ("250", "650", "2021", "1234", "0", "ANS", "0101"),
    ("138", "650", "2020", "1350000", "2000000", "MEX", "0101"),
]


def _atlas_previous(separator: str = "\t") -> str:
    lines = [ATLAS_PREVIOUS_HEADER.replace("\t", separator)]
    for location, product, year, exports, imports, code, hs in ATLAS_PREVIOUS_ROWS:
        fields = [location, product, year, exports, imports, "0.2", '"present"', "0.1", "0.9",
                  "0.4", "0.3", "-0.5", "0.0001", "0", "0.61", "0.4", "-1.2", f'"{code}"',
                  f'"{hs}"']  # fmt: skip
        lines.append(separator.join(fields))
    return "\n".join(lines) + "\n"


ATLAS_EXPECTED = [
    (2020, "MEX", "0101", 1350000.0),
    (2021, "FRA", "0101", 1184402816.0),
    (2021, "FRA", "8703", 14612271104.0),
    (2021, "MEX", "0101", 1520331.0),
    (2021, "MEX", "8703", 40181652224.0),
    (2021, "MEX", "9999", 12000.0),
]

# BACI HS92, release V202401b: t,i,j,k,v,q with numeric country codes (CEPII's 251 France,
# 842 USA, 490 "Other Asia, nes"), HS6 codes with leading zeros, v in thousands of USD.
BACI = """\
t,i,j,k,v,q
2022,251,842,010121,1523.411,12.5
2022,251,4,010121,0.736,0.01
2022,251,842,870323,20104.92,1950.3
2022,842,251,010121,310.2,2.8
2022,842,4,010121,12.05,NA
2022,842,251,870323,88412.7,10311
2022,842,4,870323,5.5,
2022,490,842,847130,1000,20
"""
BACI_COUNTRIES = """\
country_code,country_name,country_iso2,country_iso3
4,Afghanistan,AF,AFG
251,France,FR,FRA
490,"Other Asia, nes",,S19
516,Namibia,NA,NAM
842,USA,US,USA
"""

# UN Comtrade+ bulk file (COMTRADE-FINAL-CA...gz): tab-separated, gzip, codes only.
COMTRADE_COLUMNS = [
    "typeCode",
    "freqCode",
    "refPeriodId",
    "refYear",
    "refMonth",
    "period",
    "reporterCode",
    "flowCode",
    "partnerCode",
    "partner2Code",
    "classificationCode",
    "classificationSearchCode",
    "isOriginalClassification",
    "cmdCode",
    "aggrLevel",
    "isLeaf",
    "customsCode",
    "mosCode",
    "motCode",
    "qtyUnitCode",
    "qty",
    "isQtyEstimated",
    "altQtyUnitCode",
    "altQty",
    "isAltQtyEstimated",
    "netWgt",
    "isNetWgtEstimated",
    "grossWgt",
    "isGrossWgtEstimated",
    "cifvalue",
    "fobvalue",
    "primaryValue",
    "legacyEstimationFlag",
    "isReported",
    "isAggregate",
]
COMTRADE_BULK_NAME = "COMTRADE-FINAL-CA8422022H6[2024-03-01].gz"


def _comtrade_row(flow, partner, cmd, level, value, *, partner2="0", customs="C00", mot="0",
                  reporter="842", freq="A", classification="H6"):  # fmt: skip
    cells = dict.fromkeys(COMTRADE_COLUMNS, "")
    cells.update(
        typeCode="C", freqCode=freq, refPeriodId="20220101", refYear="2022", refMonth="52",
        period="2022", reporterCode=reporter, flowCode=flow, partnerCode=partner,
        partner2Code=partner2, classificationCode=classification, classificationSearchCode="HS",
        isOriginalClassification="True", cmdCode=cmd, aggrLevel=level, isLeaf="False",
        customsCode=customs, mosCode="0", motCode=mot, qtyUnitCode="8", qty="1200",
        isQtyEstimated="False", altQtyUnitCode="-1", altQty="0", isAltQtyEstimated="False",
        netWgt="1200", isNetWgtEstimated="False", grossWgt="0", isGrossWgtEstimated="False",
        cifvalue="", fobvalue=value, primaryValue=value, legacyEstimationFlag="0",
        isReported="True", isAggregate="True",
    )  # fmt: skip
    return "\t".join(cells[c] for c in COMTRADE_COLUMNS)


COMTRADE_ROWS = [
    _comtrade_row("X", "0", "TOTAL", "0", "2064786950574"),
    _comtrade_row("X", "0", "01", "2", "1234567"),
    _comtrade_row("X", "0", "0101", "4", "1006120449.5"),  # kept
    _comtrade_row("X", "0", "010121", "6", "700311881"),
    _comtrade_row("M", "0", "0101", "4", "5000"),  # imports
    _comtrade_row("RX", "0", "0101", "4", "777"),  # re-exports
    _comtrade_row("X", "124", "0101", "4", "300"),  # to Canada
    _comtrade_row("X", "0", "0101", "4", "200", partner2="124"),
    _comtrade_row("X", "0", "0101", "4", "100", customs="C01"),
    _comtrade_row("X", "0", "0101", "4", "90", mot="9100"),
    _comtrade_row("X", "0", "8703", "4", "55938144512"),  # kept
    _comtrade_row("X", "0", "8471", "4", "0"),  # zero: left out
]


def _comtrade_bulk(rows: list[str]) -> bytes:
    return gzip.compress(("\t".join(COMTRADE_COLUMNS) + "\n" + "\n".join(rows) + "\n").encode())


# Legacy UN Comtrade CSV download: names with spaces, trade flow 2 = export, text quoted.
COMTRADE_LEGACY = """\
Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,2nd Partner Code,2nd Partner,2nd Partner ISO,Customs Proc. Code,Customs,Mode of Transport Code,Mode of Transport,Commodity Code,Commodity,Qty Unit Code,Qty Unit,Qty,Alt Qty Unit Code,Alt Qty Unit,Alt Qty,Netweight (kg),Gross weight (kg),Trade Value (US$),CIF Trade Value (US$),FOB Trade Value (US$),Flag
H4,2016,2016,2016,4,0,1,Import,36,Australia,AUS,0,World,WLD,,,,,,,,0101,"Horses, asses, mules and hinnies; live",5,Number of items,1520,,,,,,91128858,,,0
H4,2016,2016,2016,4,0,2,Export,36,Australia,AUS,0,World,WLD,,,,,,,,0101,"Horses, asses, mules and hinnies; live",5,Number of items,4093,,,,,,1398835890,,,0
H4,2016,2016,2016,4,0,2,Export,36,Australia,AUS,156,China,CHN,,,,,,,,0101,"Horses, asses, mules and hinnies; live",5,Number of items,102,,,,,,35000000,,,0
H4,2016,2016,2016,2,0,2,Export,36,Australia,AUS,0,World,WLD,,,,,,,,01,Live animals,1,No Quantity,,,,,,,1500000000,,,0
H4,2016,2016,2016,4,0,2,Export,251,France,FRA,0,World,WLD,,,,,,,,0101,"Horses, asses, mules and hinnies; live",5,Number of items,30120,,,,,,1226000000,,,0
H4,2016,2016,2016,4,0,2,Export,490,"Other Asia, nes",S19,0,World,WLD,,,,,,,,0101,"Horses, asses, mules and hinnies; live",5,Number of items,12,,,,,,2500000,,,0
H4,2016,2016,2016,4,0,3,Re-Export,36,Australia,AUS,0,World,WLD,,,,,,,,0101,"Horses, asses, mules and hinnies; live",5,Number of items,2,,,,,,45000,,,0
"""  # noqa: E501


@pytest.fixture
def store(tmp_path):
    with EvidenceStore(tmp_path / "evidence.duckdb") as opened:
        yield opened


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _tuples(frame: pd.DataFrame) -> list[tuple[int, str, str, float]]:
    rows = frame.sort_values(["year", "country", "product"])
    return [
        (int(r.year), r.country, r.product, float(r.value_usd))
        for r in rows.itertuples(index=False)
    ]


def _unchanged(store: EvidenceStore, before: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    pd.testing.assert_frame_equal(store.datasets(), before[0])
    pd.testing.assert_frame_equal(store.rows("exports", include_aggregates=True), before[1])


def _snapshot(store: EvidenceStore) -> tuple[pd.DataFrame, pd.DataFrame]:
    return store.datasets(), store.rows("exports", include_aggregates=True)


# ----------------------------------------------------------------------------- Atlas


def test_atlas_current_layout(store, tmp_path, caplog):
    path = _write(tmp_path, "hs92_country_product_year_4.csv", ATLAS_CURRENT)
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.atlas"):
        result = import_country_product_year(store, path, vintage="2025-v1")
    assert result.created
    assert result.rows == 6
    rows = store.rows("exports", source="atlas")
    assert _tuples(rows) == ATLAS_EXPECTED
    assert set(rows["classification"]) == {"hs92"}
    assert set(rows["vintage"]) == {"2025-v1"}
    # ANS (undeclared), XXXX (discrepancies) and the zero flow are left out, and counted
    assert "1 rows of non-countries ['ANS']" in caplog.text
    assert "1 rows of products that are no goods ['XXXX']" in caplog.text
    assert "1 rows with export_value 0" in caplog.text
    again = import_country_product_year(store, path)
    assert not again.created
    assert again.dataset_id == result.dataset_id
    datasets = store.datasets()
    assert len(datasets) == 1
    assert datasets.loc[0, "name"] == "hs92_country_product_year_4"
    assert datasets.loc[0, "row_count"] == 6


@pytest.mark.parametrize(
    ("name", "separator"),
    [("country_hsproduct4digit_year.tab", "\t"), ("country_hsproduct4digit_year.csv", ",")],
)
def test_atlas_previous_layout_gives_the_same_rows(tmp_path, name, separator):
    with EvidenceStore(tmp_path / "current.duckdb") as current:
        import_country_product_year(
            current, _write(tmp_path, "hs92_country_product_year_4.csv", ATLAS_CURRENT)
        )
        expected = current.rows("exports")
    with EvidenceStore(tmp_path / "previous.duckdb") as previous:
        import_country_product_year(previous, _write(tmp_path, name, _atlas_previous(separator)))
        got = previous.rows("exports")
    columns = ["year", "country", "product", "classification", "value_usd"]
    pd.testing.assert_frame_equal(
        got[columns].sort_values(columns).reset_index(drop=True),
        expected[columns].sort_values(columns).reset_index(drop=True),
    )
    assert _tuples(got) == ATLAS_EXPECTED


def test_atlas_gzip_and_lost_leading_zeros(store, tmp_path):
    text = ATLAS_CURRENT.replace(",0101,", ",101,")
    path = _write(tmp_path, "hs92_country_product_year_4.csv.gz", gzip.compress(text.encode()))
    import_country_product_year(store, path)
    assert _tuples(store.rows("exports")) == ATLAS_EXPECTED


def test_atlas_windows_line_ends(store, tmp_path):
    path = tmp_path / "hs92_country_product_year_4.csv"
    path.write_bytes(ATLAS_CURRENT.replace("\n", "\r\n").encode())
    import_country_product_year(store, path)
    assert _tuples(store.rows("exports")) == ATLAS_EXPECTED
    bad = tmp_path / "bad.csv"
    bad.write_bytes(ATLAS_CURRENT.replace("FRA", "FRX").replace("\n", "\r\n").encode())
    with pytest.raises(EvidenceError, match=r"line 7, line 8, column 'country_iso3_code'"):
        import_country_product_year(store, bad)


def test_atlas_releases_are_vintages_of_one_dataset(store, tmp_path):
    older = _write(tmp_path, "country_hsproduct4digit_year.tab", _atlas_previous())
    newer = _write(
        tmp_path, "hs92_country_product_year_4.csv", ATLAS_CURRENT.replace("1350000", "1360000")
    )
    import_country_product_year(store, older, vintage="2019-v4")
    import_country_product_year(store, newer, vintage="2025")
    assert store.datasets()["vintage"].tolist() == ["2019-v4", "2025"]
    latest = store.rows("exports").query("year == 2020")["value_usd"].tolist()
    assert latest == [1360000.0]  # the release imported last
    first = store.rows("exports", vintage="2019-v4").query("year == 2020")["value_usd"].tolist()
    assert first == [1350000.0]


def test_atlas_layouts_are_detected_from_the_header():
    assert atlas.detect_layout(ATLAS_CURRENT.splitlines()[0].split(",")).name == "current"
    assert atlas.detect_layout(ATLAS_PREVIOUS_HEADER.split("\t")).name == "previous"
    with pytest.raises(EvidenceError, match="bilateral"):
        atlas.detect_layout(["country_iso3_code", "partner_iso3_code", "product_hs92_code"])


def _replace_line(text: str, line: int, old: str, new: str) -> str:
    lines = text.splitlines(keepends=True)
    assert old in lines[line - 1], (line, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "".join(lines)


ATLAS_BAD = [
    ("empty.csv", "", "the file is empty"),
    ("header.csv", ATLAS_CURRENT.splitlines()[0] + "\n", "no rows"),
    ("columns.csv", ATLAS_CURRENT.replace("export_value", "exports"),
     r"column\(s\) \['export_value'\] not found"),
    ("layout.csv", BACI, "not an Atlas country × product × year layout"),
    ("bilateral.csv", ATLAS_CURRENT.replace("product_id,", "partner_iso3_code,"),
     "a bilateral file"),
    ("text.csv", _replace_line(ATLAS_CURRENT, 7, "1184402816", "n/a"),
     r"line 7, column 'export_value': not a number \('n/a'\)"),
    ("negative.csv", _replace_line(ATLAS_CURRENT, 3, "40181652224", "-40181652224"),
     r"line 3, column 'export_value': negative"),
    ("country.csv", ATLAS_CURRENT.replace("FRA", "FRX"),
     r"line 7, line 8, column 'country_iso3_code': unknown iso3 country code\(s\) \['FRX'\]"),
    ("blank.csv", _replace_line(ATLAS_CURRENT, 2, "MEX", ""),
     r"line 2, column 'country_iso3_code': empty"),
    ("product.csv", _replace_line(ATLAS_CURRENT, 3, "8703", "87O3"),
     r"line 3, column 'product_hs92_code': not an HS92 4-digit code: \['87O3'\]"),
    ("six.csv", _replace_line(ATLAS_CURRENT, 3, "8703", "870323"),
     r"line 3, column 'product_hs92_code': not an HS92 4-digit code"),
    ("year.csv", _replace_line(ATLAS_CURRENT, 10, "2020", "20x0"),
     r"line 10, column 'year': not a number \('20x0'\)"),
    ("fraction.csv", _replace_line(ATLAS_CURRENT, 10, "2020", "2020.5"),
     r"line 10, column 'year': not a whole number"),
    ("twice.csv", ATLAS_CURRENT + ATLAS_CURRENT.splitlines()[1] + "\n",
     r"line 2, line 11, column 'product_hs92_code': more than one row for year 2021"),
    ("ragged.csv", ATLAS_CURRENT + "484,MEX,650,0103,2021,1,2,3,4,5,6,7,8\n",
     "line 11.*cannot be read|CSV Error on Line: 11"),
    ("utf16.csv", ATLAS_CURRENT.encode("utf-16"), "not UTF-8 text"),
    ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00", "not UTF-8 text"),
    ("zipped.csv", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "a zip archive: extract"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "message"), ATLAS_BAD, ids=[b[0] for b in ATLAS_BAD])
def test_atlas_bad_files_name_file_line_and_column_and_change_nothing(
    store, tmp_path, name, content, message
):
    import_country_product_year(store, _write(tmp_path, "good.csv", ATLAS_CURRENT))
    before = _snapshot(store)
    with pytest.raises(EvidenceError, match=message) as error:
        import_country_product_year(store, _write(tmp_path, name, content))
    assert name in str(error.value)
    _unchanged(store, before)


def test_atlas_staged_importer_is_kept():
    (relative, importer), *others = atlas.STAGED
    assert not others
    assert relative == "atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet"
    assert importer is atlas.import_staged_hs92_2016


# ----------------------------------------------------------------------------- BACI


def _baci(folder: Path, content: str = BACI, name: str = "BACI_HS92_Y2022_V202401b.csv") -> Path:
    _write(folder, "country_codes_V202401b.csv", BACI_COUNTRIES)
    return _write(folder, name, content)


def test_baci_aggregates_exporter_product_year_in_usd(store, tmp_path, caplog):
    path = _baci(tmp_path)
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.baci"):
        result = import_baci(store, path)
    assert result.created
    assert result.vintage == "V202401b"
    rows = store.rows("exports", source="baci")
    # summed over the importers (two each), thousands of USD -> USD; leading zeros kept
    assert _tuples(rows) == [
        (2022, "FRA", "010121", pytest.approx(1524147.0)),
        (2022, "FRA", "870323", pytest.approx(20104920.0)),
        (2022, "USA", "010121", pytest.approx(322250.0)),
        (2022, "USA", "870323", pytest.approx(88418200.0)),
    ]
    assert set(rows["classification"]) == {"hs92"}
    # 490 "Other Asia, nes" is no country: skipped, counted, never stored
    assert "1 flows (1000 thousand USD)" in caplog.text
    assert "Other Asia, nes" in caplog.text
    assert "S19" not in set(store.rows("exports", include_aggregates=True)["country"])
    assert not import_baci(store, path).created
    datasets = store.datasets()
    assert datasets[["name", "vintage", "row_count"]].values.tolist() == [
        ["BACI_HS92_Y2022", "V202401b", 4]
    ]


def test_baci_revision_from_the_file_name_and_exact_thousands(store, tmp_path):
    content = "t,i,j,k,v,q\n2021,842,251,10121,0.001,\n2021,842,4,010121,   2.5,NA\n"
    result = import_baci(store, _baci(tmp_path, content, "BACI_HS17_Y2021_V202401b.csv"))
    assert result.vintage == "V202401b"
    rows = store.rows("exports")
    assert rows[["year", "country", "product", "classification"]].values.tolist() == [
        [2021, "USA", "010121", "hs17"]
    ]
    assert rows["value_usd"].tolist() == [2501.0]  # 1 USD + 2,500 USD, exactly


def test_baci_without_the_country_file_reads_iso_numeric(store, tmp_path):
    path = _write(
        tmp_path, "BACI_HS92_Y2022_V202401b.csv", "t,i,j,k,v,q\n2022,250,840,010121,1,1\n"
    )
    import_baci(store, path)
    assert store.rows("exports")["country"].tolist() == ["FRA"]
    (tmp_path / "alone").mkdir()
    bad = _write(tmp_path / "alone", "BACI_HS92_Y2022_V202401b.csv", BACI)
    with pytest.raises(
        EvidenceError,
        match=r"line 2, line 3, line 4, line 5, line 6 and 3 more, column 'i': unknown "
        r"country code\(s\) \['251', '842'\].*country_codes_V202401b.csv not found",
    ):
        import_baci(store, bad)


def test_baci_country_file_of_older_releases_and_given_explicitly(store, tmp_path):
    older = tmp_path / "codes.csv"
    older.write_text(
        "country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,"
        "iso_3digit_alpha\n251,France,France,FR,FRA\n842,USA,United States of America,US,USA\n"
        '4,Afghanistan,Afghanistan,AF,AFG\n490,"Other Asia, nes","Other Asia, not elsewhere '
        'specified",N/A,S19\n',
        encoding="utf-8",
    )
    path = _write(tmp_path, "BACI_HS92_Y2022_V202401b.csv", BACI)
    import_baci(store, path, country_codes=older, vintage="mine")
    rows = store.rows("exports")
    assert sorted(set(rows["country"])) == ["FRA", "USA"]
    assert set(rows["vintage"]) == {"mine"}


BACI_BAD = [
    ("BACI_HS92_Y2022_V202401b.csv", "", "the file is empty"),
    ("BACI_HS92_Y2022_V202401b.csv", "t,i,j,k,v,q\n", "no rows"),
    ("BACI_HS92_Y2022_V202401b.csv", BACI.replace("t,i,j,k,v,q", "t,i,j,k,value,q"),
     r"column\(s\) \['v'\] not found"),
    ("BACI_HS92_Y2022_V202401b.csv", _replace_line(BACI, 4, "20104.92", "20,104.92"),
     "CSV Error on Line: 4"),
    ("BACI_HS92_Y2022_V202401b.csv", _replace_line(BACI, 4, "20104.92", "n/a"),
     r"line 4, column 'v': not a number \('n/a'\)"),
    ("BACI_HS92_Y2022_V202401b.csv", _replace_line(BACI, 5, "842,251", "999,251"),
     r"line 5, column 'i': unknown country code\(s\) \['999'\]"),
    ("BACI_HS92_Y2022_V202401b.csv", _replace_line(BACI, 2, "251,842", "251,998"),
     r"line 2, column 'j': unknown country code\(s\) \['998'\]"),
    ("BACI_HS92_Y2022_V202401b.csv", _replace_line(BACI, 3, "2022", "2021"),
     r"line 3, column 't': not the year of the file name \(2022\)"),
    ("BACI_HS92_Y2022_V202401b.csv", _replace_line(BACI, 4, "870323", "8703"),
     r"line 4, column 'k': not an HS 6-digit code: '8703'"),
    ("BACI_HS92_Y2022_V202401b.csv", _replace_line(BACI, 2, "1523.411", ""),
     r"line 2, column 'v': empty"),
    ("baci_2022.csv", BACI, "not a BACI file name"),
    ("BACI_HS92_Y2022_V202401b.csv", ATLAS_CURRENT, r"column\(s\) \['t', 'i', 'j', 'k', 'v'\]"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "message"), BACI_BAD, ids=[str(n) for n in range(len(BACI_BAD))]
)
def test_baci_bad_files_name_file_line_and_column_and_change_nothing(
    store, tmp_path, name, content, message
):
    import_baci(store, _baci(tmp_path))
    before = _snapshot(store)
    folder = tmp_path / "bad"
    folder.mkdir()
    with pytest.raises(EvidenceError, match=message) as error:
        import_baci(store, _baci(folder, content, name))
    assert name in str(error.value)
    _unchanged(store, before)


# ----------------------------------------------------------------------------- Comtrade


def test_comtrade_bulk_keeps_exports_to_the_world_totals(store, tmp_path, caplog):
    path = _write(tmp_path, COMTRADE_BULK_NAME, _comtrade_bulk(COMTRADE_ROWS))
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.comtrade"):
        result = import_comtrade_bulk(store, path)
    assert result.created
    assert result.vintage == "2024-03-01"  # the publication date in the file name
    rows = store.rows("exports", source="comtrade")
    assert _tuples(rows) == [
        (2022, "USA", "0101", 1006120449.5),
        (2022, "USA", "8703", 55938144512.0),
    ]
    assert set(rows["classification"]) == {"hs22"}
    assert "1 of value 0" in caplog.text
    assert not import_comtrade_bulk(store, path).created
    assert store.datasets()["name"].tolist() == ["COMTRADE-FINAL-CA8422022H6 (4-digit)"]
    six = import_comtrade_bulk(store, path, digits=6)
    assert six.created
    six_rows = store.rows("exports", source="comtrade").query("product.str.len() == 6")
    assert _tuples(six_rows) == [(2022, "USA", "010121", 700311881.0)]


def test_comtrade_with_iso_and_description_columns_comma_separated(store, tmp_path):
    columns = [*COMTRADE_COLUMNS[:7], "reporterISO", "reporterDesc", *COMTRADE_COLUMNS[7:]]
    lines = [",".join(columns)]
    for reporter, iso, desc, value in [
        ("251", "FRA", "France", "1226000000"),
        ("490", "S19", '"Other Asia, nes"', "2500000"),
        ("842", "USA", "USA", "1006120449"),
    ]:
        cells = _comtrade_row("X", "0", "0101", "4", value, reporter=reporter).split("\t")
        lines.append(",".join([*cells[:7], iso, desc, *cells[7:]]))
    path = _write(tmp_path, "comtrade_extract.csv", "\n".join(lines) + "\n")
    import_comtrade_bulk(store, path)
    assert _tuples(store.rows("exports")) == [
        (2022, "FRA", "0101", 1226000000.0),
        (2022, "USA", "0101", 1006120449.0),
    ]


def test_comtrade_legacy_layout(store, tmp_path):
    import_comtrade_bulk(store, _write(tmp_path, "comtrade_2016_H4.csv", COMTRADE_LEGACY))
    rows = store.rows("exports")
    # exports (2) to the World (0) at 4 digits; France's Comtrade code 251 via its ISO code,
    # "Other Asia, nes" (490) skipped
    assert _tuples(rows) == [
        (2016, "AUS", "0101", 1398835890.0),
        (2016, "FRA", "0101", 1226000000.0),
    ]
    assert set(rows["classification"]) == {"hs12"}


def test_comtrade_reporter_codes_without_iso_column(store, tmp_path):
    rows = [
        _comtrade_row("X", "0", "0101", "4", "10", reporter="699"),
        _comtrade_row("X", "0", "0101", "4", "20", reporter="36"),
        _comtrade_row("X", "0", "0101", "4", "30", reporter="97"),
    ]
    import_comtrade_bulk(store, _write(tmp_path, "bulk.txt", _comtrade_bulk(rows)))
    assert _tuples(store.rows("exports")) == [
        (2022, "AUS", "0101", 20.0),
        (2022, "IND", "0101", 10.0),
    ]


def test_comtrade_layouts_and_classification_override(store, tmp_path):
    assert comtrade.detect_layout(COMTRADE_COLUMNS).name == "comtrade+"
    assert comtrade.detect_layout(COMTRADE_LEGACY.splitlines()[0].split(",")).name == "legacy"
    path = _write(tmp_path, "legacy.csv", COMTRADE_LEGACY.replace("\nH4,", "\nHS,"))
    with pytest.raises(EvidenceError, match=r"column 'Classification': not an HS revision"):
        import_comtrade_bulk(store, path)
    import_comtrade_bulk(store, path, classification="H4")
    assert set(store.rows("exports")["classification"]) == {"hs12"}
    with pytest.raises(EvidenceError, match="digits must be 2, 4 or 6"):
        import_comtrade_bulk(store, path, digits=5)


def _comtrade_text(rows: list[str]) -> str:
    return "\t".join(COMTRADE_COLUMNS) + "\n" + "\n".join(rows) + "\n"


COMTRADE_BAD = [
    ("empty.txt", "", "the file is empty"),
    ("header.txt", _comtrade_text([]), "no rows"),
    ("columns.txt", _comtrade_text(COMTRADE_ROWS).replace("primaryValue", "value"),
     "not a UN Comtrade bulk layout"),
    ("value.txt", _comtrade_text([*COMTRADE_ROWS[:3], _comtrade_row("X", "0", "8703", "4", "abc")]),
     r"line 5, column 'primaryValue': not a number \('abc'\)"),
    ("negative.txt", _comtrade_text([_comtrade_row("X", "0", "8703", "4", "-5")]),
     r"line 2, column 'primaryValue': negative"),
    ("reporter.txt", _comtrade_text([_comtrade_row("X", "0", "8703", "4", "5", reporter="998")]),
     r"line 2, column 'reporterCode': unknown reporter code\(s\) \['998'\]"),
    ("monthly.txt", _comtrade_text([_comtrade_row("X", "0", "8703", "4", "5", freq="M")]),
     r"line 2, column 'freqCode': not annual"),
    ("sitc.txt", _comtrade_text([_comtrade_row("X", "0", "8703", "4", "5", classification="S4")]),
     r"line 2, column 'classificationCode': not an HS revision"),
    ("code.txt", _comtrade_text([_comtrade_row("X", "0", "101", "4", "5")]),
     r"line 2, column 'cmdCode': not a 4-digit HS code: \['101'\]"),
    ("twice.txt", _comtrade_text([*COMTRADE_ROWS, COMTRADE_ROWS[2]]),
     r"line 4, line 14, column 'cmdCode': more than one export row to the World"),
    ("atlas.txt", ATLAS_CURRENT, "not a UN Comtrade bulk layout"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "message"), COMTRADE_BAD, ids=[b[0] for b in COMTRADE_BAD]
)
def test_comtrade_bad_files_name_file_line_and_column_and_change_nothing(
    store, tmp_path, name, content, message
):
    import_comtrade_bulk(store, _write(tmp_path, COMTRADE_BULK_NAME, _comtrade_bulk(COMTRADE_ROWS)))
    before = _snapshot(store)
    with pytest.raises(EvidenceError, match=message) as error:
        import_comtrade_bulk(store, _write(tmp_path, name, content))
    assert name in str(error.value)
    _unchanged(store, before)


# ----------------------------------------------------------------------------- all three


@pytest.mark.parametrize("module", [atlas, baci, comtrade])
def test_every_module_names_its_downloads_and_mirror_layout(module):
    assert module.DOWNLOADS
    for url, relative in module.DOWNLOADS:
        assert re.match(r"https://", url)
        assert not Path(relative).is_absolute()
    assert "Mirror layout" in (module.__doc__ or "")
