"""The World Bank's bulk CSV download (API_<CODE>_DS2_en_csv_v2_<n>.csv): layout, skips,
vintages shared with the API pull, bad files, and the staged copies."""

from __future__ import annotations

import logging

import httpx
import pandas as pd
import pytest
from click.testing import CliRunner

from vinculo.cli import main
from vinculo.evidence.pull import SOURCES, pull
from vinculo.evidence.sources.wdi import STAGED, import_bulk_csv, pull_wdi
from vinculo.evidence.store import EvidenceError, EvidenceStore

# As the World Bank lays the file out (the staged copies' first lines, byte order mark
# included); two years, a country, an aggregate the store knows (WLD), one it does not
# (INX "Not classified") and an economy without values.
HEADER = (
    '\ufeff"Data Source","World Development Indicators",\n\n'
    '"Last Updated Date","2026-07-13",\n\n'
    '"Country Name","Country Code","Indicator Name","Indicator Code","2023","2024",\n'
)
NAME = '"Research and development expenditure (% of GDP)","GB.XPD.RSDV.GD.ZS"'
ROWS = (
    f'"Mexico","MEX",{NAME},"0.26746","0.25372",\n'
    f'"World","WLD",{NAME},"2.597378","",\n'
    f'"Not classified","INX",{NAME},"1.5","",\n'
    f'"Aruba","ABW",{NAME},"","",\n'
)


@pytest.fixture
def store(tmp_path):
    with EvidenceStore(tmp_path / "evidence.duckdb") as opened:
        yield opened


def _write(tmp_path, text: str, name: str = "API_GB.XPD.RSDV.GD.ZS_DS2_en_csv_v2_1.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_vintage_and_skips_as_the_api_importer(store, tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="vinculo.evidence.sources.wdi"):
        result = import_bulk_csv(store, _write(tmp_path, HEADER + ROWS))
    assert (result.rows, result.vintage) == (3, "wdi-2026-07-13")  # MEX twice, WLD once
    assert "skipped 1 row(s)" in caplog.text
    assert "INX Not classified" in caplog.text
    rows = store.rows("country_indicators", include_aggregates=True).sort_values(
        ["country", "year"]
    )
    assert rows[["year", "country", "indicator", "value"]].values.tolist() == [
        [2023, "MEX", "GB.XPD.RSDV.GD.ZS", 0.26746],
        [2024, "MEX", "GB.XPD.RSDV.GD.ZS", 0.25372],
        [2023, "WLD", "GB.XPD.RSDV.GD.ZS", 2.597378],
    ]
    assert set(store.rows("country_indicators")["country"]) == {"MEX"}  # aggregates apart
    dataset = store.datasets().iloc[0]
    assert (dataset["source"], dataset["name"]) == ("wdi", "GB.XPD.RSDV.GD.ZS")


def test_an_api_pull_of_a_newer_release_is_a_newer_vintage_of_the_same_dataset(store, tmp_path):
    import_bulk_csv(store, _write(tmp_path, HEADER + ROWS))

    def answer(request: httpx.Request) -> httpx.Response:
        meta = {"page": 1, "pages": 1, "per_page": 1000, "total": 1, "lastupdated": "2026-10-28"}
        row = {"countryiso3code": "MEX", "country": {"value": "Mexico"}, "date": "2024",
               "value": 0.26}  # fmt: skip
        return httpx.Response(200, json=[meta, [row]])

    pull_wdi(store, ["GB.XPD.RSDV.GD.ZS"], start=2023, end=2024,
             cache_folder=tmp_path / "cache", transport=httpx.MockTransport(answer))  # fmt: skip
    datasets = store.datasets()
    assert datasets["name"].tolist() == ["GB.XPD.RSDV.GD.ZS"] * 2
    assert datasets["vintage"].tolist() == ["wdi-2026-07-13", "wdi-2026-10-28"]
    latest = store.rows("country_indicators")
    assert latest[["year", "value", "vintage"]].values.tolist() == [[2024, 0.26, "wdi-2026-10-28"]]
    older = store.rows("country_indicators", vintage="wdi-2026-07-13")
    assert len(older) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEADER.replace('"Indicator Code",', '"Code",') + ROWS,
            r"line 5: column\(s\) \['Indicator Code'\] not found",
        ),
        (
            HEADER + ROWS.replace('"0.25372"', '"n/a"'),
            r"line 6, column '2024': not a number \('n/a'\)",
        ),
        (
            HEADER + ROWS.replace('"MEX"', '"Mexico!"'),
            r"line 6, column 'Country Code': not a World Bank country code \['Mexico!'\]",
        ),
        (
            HEADER + ROWS + f'"Mexico","MEX",{NAME},"1","",\n',
            r"line 6, line 10, column 'Country Code': the same economy appears twice",
        ),
        (
            HEADER + ROWS + '"Mexico","MEX","GDP","NY.GDP.MKTP.CD","1","",\n',
            r"line 10, column 'Indicator Code': one WDI code per file",
        ),
        (HEADER.replace('"Last Updated Date","2026-07-13",\n', "") + ROWS, "Last Updated Date"),
    ],
)
def test_bad_files_name_the_line_and_column_and_change_nothing(store, tmp_path, text, message):
    with pytest.raises(EvidenceError, match=message) as raised:
        import_bulk_csv(store, _write(tmp_path, text))
    assert "API_GB.XPD.RSDV.GD.ZS_DS2_en_csv_v2_1.csv" in str(raised.value)
    assert store.datasets().empty


def test_a_bad_staged_file_fails_the_cli_with_exit_code_2(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    for relative, _ in STAGED:
        (mirror / relative).parent.mkdir(parents=True, exist_ok=True)
        (mirror / relative).write_text(HEADER + ROWS, encoding="utf-8")
    bad = mirror / STAGED[1][0]
    bad.write_text(HEADER + ROWS.replace('"0.26746"', '"high"'), encoding="utf-8")
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VINCULO_MIRROR", str(mirror))
    result = CliRunner().invoke(main, ["data", "pull", "wdi"])
    assert result.exit_code == 2
    assert "line 6, column '2023': not a number ('high')" in result.output
    with EvidenceStore(tmp_path / "home" / "evidence.duckdb") as store:
        # the first file was complete and stays; the bad one left nothing
        assert store.datasets()["file_name"].tolist() == [STAGED[0][0].rsplit("/", 1)[1]]


def test_the_originals_layout_reads_the_zip_the_world_bank_serves(tmp_path):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("API_GB.XPD.RSDV.GD.ZS_DS2_en_csv_v2_232.csv", HEADER + ROWS)
        archive.writestr("Metadata_Country_API_GB.XPD.RSDV.GD.ZS_DS2_en_csv_v2_232.csv", "x\n")
    mirror = tmp_path / "mirror"
    (mirror / "wdi").mkdir(parents=True)
    (mirror / "wdi" / "GB.XPD.RSDV.GD.ZS.zip").write_bytes(buffer.getvalue())
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        report = pull(store, ["wdi"], mirror=mirror, home=tmp_path / "home")
        assert [(r.path.name, r.result.rows) for r in report] == [
            ("API_GB.XPD.RSDV.GD.ZS_DS2_en_csv_v2_232.csv", 3)
        ]
    originals = {o.path: o for o in SOURCES["wdi"].originals}
    bulk = originals["wdi/GB.XPD.RSDV.GD.ZS.zip"]
    assert (
        bulk.url == "https://api.worldbank.org/v2/en/indicator/GB.XPD.RSDV.GD.ZS?downloadformat=csv"
    )
    assert not bulk.downloadable  # the network path is the API


# ---------------------------------------------------------------- the staged copies
@pytest.mark.realdata
def test_the_staged_bulk_files(test_data, store):
    results = {p.rsplit("/", 1)[1][4:21]: f(store, test_data / p) for p, f in STAGED}
    # 3,198 and 2,475 values, counted in the files (pandas, skiprows=4): every value belongs
    # to a country or a known aggregate; CHI and INX rows are empty in both
    assert {code: r.rows for code, r in results.items()} == {
        "GB.XPD.RSDV.GD.ZS": 3_198,
        "SP.POP.SCIE.RD.P6": 2_475,
    }
    assert {r.vintage for r in results.values()} == {"wdi-2026-07-13"}
    rows = store.rows("country_indicators", include_aggregates=True)
    rd = rows[rows["indicator"] == "GB.XPD.RSDV.GD.ZS"].set_index(["country", "year"])["value"]
    # Mexico's line of the file ends "0.26746","0.25372","" (2023, 2024, 2025)
    mexico = rd.loc["MEX"]
    assert (int(mexico.index.max()), mexico.loc[2024], mexico.loc[2023]) == (
        2024,
        0.25372,
        0.26746,
    )
    assert rd.loc[("ISR", 2023)] == pytest.approx(6.35, abs=5e-3)  # the README's sanity list
    assert rd.loc[("WLD", 2023)] == pytest.approx(2.60, abs=5e-3)
    researchers = rows[rows["indicator"] == "SP.POP.SCIE.RD.P6"].set_index(["country", "year"])
    assert researchers.loc[("KOR", 2022), "value"] == pytest.approx(9435, abs=0.5)
    assert not rows["country"].isin(["CHI", "INX"]).any()
    # importing again changes nothing
    again = [f(store, test_data / p) for p, f in STAGED]
    assert [r.created for r in again] == [False, False]
    assert len(store.datasets()) == 2
    assert len(store.rows("country_indicators", include_aggregates=True)) == 3_198 + 2_475


@pytest.mark.realdata
def test_the_staged_files_hold_one_value_per_filled_cell(test_data, store):
    relative, importer = STAGED[0]
    importer(store, test_data / relative)
    frame = pd.read_csv(test_data / relative, skiprows=4)
    years = [c for c in frame.columns if c.isdigit()]
    assert int(frame[years].notna().sum().sum()) == 3_198
