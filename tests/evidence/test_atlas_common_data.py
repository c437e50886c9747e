"""GDP and population from the WDI cache bundled in atlas-common-data: the installed file,
values checked against the package, pulls that never touch the network, bad files."""

from __future__ import annotations

from importlib import metadata

import httpx
import pandas as pd
import pytest
from click.testing import CliRunner

from vinculo.cli import main
from vinculo.evidence.pull import SOURCES, Bundled, Source, pull
from vinculo.evidence.sources.atlas_common_data import COLUMNS, import_wdi_cache
from vinculo.evidence.store import EvidenceError, EvidenceStore

VERSION = metadata.version("atlas-common-data")


def _no_network(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a request was sent: {request.url}")


@pytest.fixture
def store(tmp_path):
    with EvidenceStore(tmp_path / "evidence.duckdb") as opened:
        yield opened


def test_the_installed_cache_offline_in_both_modes(store, tmp_path):
    assert VERSION == "1.1.1", "the values below were read from 1.1.1: check them again"
    network = pull(
        store,
        ["atlas-common-data"],
        mirror=None,
        home=tmp_path / "home",
        transport=httpx.MockTransport(_no_network),
    )
    [result] = network.results
    assert result.path.name == "wdi_data.parquet"
    assert result.path.parent.parent.parent.name == "atlas_common_data"  # read in place
    assert (result.result.rows, result.result.vintage) == (108_521, "atlas-common-data-1.1.1")
    # the same file from the mirror path: recognized, nothing written
    again = pull(store, ["atlas-common-data"], mirror=tmp_path / "empty", home=tmp_path / "h")
    assert [r.result.created for r in again] == [False]
    assert len(store.datasets()) == 1
    dataset = store.datasets().iloc[0]
    assert (dataset["source"], dataset["name"]) == ("atlas-common-data", "wdi-cache")

    rows = store.rows("country_indicators", source="atlas-common-data")
    assert set(rows["indicator"]) == set(COLUMNS.values())
    mexico = rows.query("country == 'MEX' and year == 2023").set_index("indicator")["value"]
    # read from atlas_common_data/data/cache/wdi_data.parquet (1.1.1), row MEX 2023:
    # gdp 1798317581486.88, gdp_ppp 3275042077168.85, population 129739759
    assert mexico["NY.GDP.MKTP.CD"] == 1_798_317_581_486.88
    assert mexico["NY.GDP.MKTP.PP.CD"] == 3_275_042_077_168.85
    assert mexico["SP.POP.TOTL"] == 129_739_759
    # and against the package's own reader of the same file
    from atlas_common_data.sources import wdi as package_wdi

    frame = pd.read_parquet(package_wdi._BUNDLED_WDI_CACHE)
    assert {code: col for col, code in COLUMNS.items()} == package_wdi.WDIData.WDI_INDICATORS
    expected = frame[list(COLUMNS)].notna().sum().sum()
    assert len(rows) == expected == 108_521  # 210 economies, 1960-2024, no aggregates
    assert rows["year"].max() == 2024
    assert rows["country"].nunique() == 210


def _cache(**changes: object) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"iso3_code": ["MEX", "NAM"], "year": [2023, 2023], "country_id": [484, 516]}
        | {column: [1.0, None] for column in COLUMNS}
    )
    return frame.assign(**changes)


def test_empty_cells_are_skipped_and_values_kept(store, tmp_path):
    path = tmp_path / "wdi_data.parquet"
    _cache(current_account=[-5.0, -1.5]).to_parquet(path, index=False)
    result = import_wdi_cache(store, path, vintage="v")
    assert result.rows == 12 + 1  # every MEX series, NAM's current account
    namibia = store.rows("country_indicators").query("country == 'NAM'")
    assert namibia[["indicator", "value"]].values.tolist() == [["BN.CAB.XOKA.CD", -1.5]]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (_cache().drop(columns="population"), r"column\(s\) \['population'\] not found"),
        (_cache(iso3_code=["MEX", "XXQ"]), r"row 2, column 'iso3_code': unknown iso3"),
        (_cache(gdp=["1.0", "lots"]), r"row 2, column 'gdp': not a number \('lots'\)"),
        (_cache(iso3_code=["MEX", "MEX"]), r"row 1, row 2, column 'iso3_code': the same economy"),
    ],
)
def test_bad_files_name_the_row_and_column_and_change_nothing(store, tmp_path, frame, message):
    path = tmp_path / "wdi_data.parquet"
    frame.to_parquet(path, index=False)
    with pytest.raises(EvidenceError, match=message) as raised:
        import_wdi_cache(store, path, vintage="v")
    assert "wdi_data.parquet" in str(raised.value)
    assert store.datasets().empty


def _package(tmp_path, monkeypatch, frame: pd.DataFrame) -> None:
    """An importable package ``fakebundle`` holding ``data/cache/wdi_data.parquet``."""
    folder = tmp_path / "site" / "fakebundle"
    (folder / "data" / "cache").mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    frame.to_parquet(folder / "data" / "cache" / "wdi_data.parquet", index=False)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    bundled = Bundled(
        "fakebundle",
        "data/cache/wdi_data.parquet",
        lambda store, path: import_wdi_cache(store, path, vintage="v"),
    )
    monkeypatch.setitem(SOURCES, "fake", Source("fake", "a bundled file", bundled=[bundled]))


def test_a_bad_bundled_file_fails_the_cli_with_exit_code_2(tmp_path, monkeypatch):
    _package(tmp_path, monkeypatch, _cache(gdp=["1.0", "lots"]))
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("VINCULO_MIRROR", raising=False)
    result = CliRunner().invoke(main, ["data", "pull", "fake"])
    assert result.exit_code == 2
    assert "wdi_data.parquet: row 2, column 'gdp': not a number ('lots')" in result.output
    with EvidenceStore(tmp_path / "home" / "evidence.duckdb") as store:
        assert store.datasets().empty


def test_a_package_that_is_not_installed_is_skipped_or_an_error_when_named(tmp_path, monkeypatch):
    missing = Source("ghost", "nothing", bundled=[Bundled("no_such_package_here", "x", print)])
    monkeypatch.setitem(SOURCES, "ghost", missing)
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        with pytest.raises(EvidenceError, match="ghost: the Python package 'no_such_package_here'"):
            pull(store, ["ghost"], mirror=tmp_path)
        report = pull(store, mirror=tmp_path)
        assert "not installed" in report.skipped["ghost"]
        assert [r.source for r in report] == ["atlas-common-data"]  # the real one still loads
