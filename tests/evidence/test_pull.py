"""vinculo data pull from a mirror folder laid out like ../shared/data."""

from __future__ import annotations

import io
import shutil
import zipfile

import httpx
import pytest
from click.testing import CliRunner

from vinculo.cli import main
from vinculo.evidence.pull import SOURCES, pull
from vinculo.evidence.store import EvidenceError, EvidenceStore


def test_unknown_sources_and_empty_mirrors_are_clear_errors(tmp_path):
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        with pytest.raises(EvidenceError, match="needs a mirror folder or a home folder"):
            pull(store, mirror=None)
        with pytest.raises(EvidenceError, match=r"unknown source\(s\) \['cepii'\]"):
            pull(store, ["cepii"], mirror=tmp_path)
        with pytest.raises(EvidenceError, match="atlas: nothing of it in the mirror"):
            pull(store, ["atlas"], mirror=tmp_path)
        with pytest.raises(EvidenceError, match="ncses: no public download address"):
            pull(store, ["ncses"], mirror=None, home=tmp_path)
        report = pull(store, mirror=tmp_path)  # everything: what is missing is reported
        # only what an installed package bundles is there without a mirror
        assert [r.source for r in report] == ["atlas-common-data"]
        bundled = {s for s, source in SOURCES.items() if source.bundled}
        assert set(report.skipped) == {
            s for s, source in SOURCES.items() if source.default and s not in bundled
        }
        assert "fetched from its API" in report.skipped["wdi"]
        assert set(store.datasets()["source"]) == {"atlas-common-data"}


@pytest.mark.realdata
def test_pull_from_the_staged_mirror_then_again(test_data, tmp_path, monkeypatch):
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VINCULO_MIRROR", str(test_data))
    runner = CliRunner()
    first = runner.invoke(main, ["data", "pull"])
    assert first.exit_code == 0, first.output + first.stderr
    expected = sum(len(source.staged) + len(source.bundled) for source in SOURCES.values())
    assert first.stdout.count(" imported ") == expected
    assert "baci              skipped: nothing of it in the mirror" in first.stdout
    assert "wdi        skipped" not in first.stdout  # its bulk CSV files are staged
    second = runner.invoke(main, ["data", "pull"])
    assert second.stdout.count("already loaded") == expected
    status = runner.invoke(main, ["data", "status"])
    assert "162,910 rows" in status.stdout
    assert "dataverse-via-scca-2020-04-27" in status.stdout
    # the four imports of this change, with their vintages and row counts
    lines = status.stdout.splitlines()

    def listed(*words: str) -> bool:
        return any(all(word in line for word in words) for line in lines)

    assert listed("wdi", "GB.XPD.RSDV.GD.ZS", "wdi-2026-07-13", "3,198 rows")
    assert listed("wdi", "SP.POP.SCIE.RD.P6", "wdi-2026-07-13", "2,475 rows")
    assert listed("atlas-common-data", "wdi-cache", "atlas-common-data-1.1.1", "108,521 rows")
    assert listed("atlas", "atlas-eci-hs92", "growth-lab-dataverse-2024", "4,319 rows")
    assert listed("atlas", "atlas-eci-hs12", "growth-lab-dataverse-2024", "1,885 rows")
    assert listed("atlas", "atlas-eci-sitc", "growth-lab-dataverse-2024", "4,319 rows")
    assert listed("atlas", "atlas-pci", "growth-lab-dataverse-2024", "37,257 rows")
    assert listed("atlas", "world-export-value-usd", "growth-lab-dataverse-2024", "37,257 rows")
    assert listed("openalex", "openalex-country-subfield", "openalex-2025-12-03", "535,554 rows")


@pytest.mark.realdata
def test_a_pull_that_fails_midway_keeps_what_was_complete(test_data, tmp_path):
    mirror = tmp_path / "mirror"
    for relative, _ in SOURCES["atlas"].staged:
        (mirror / relative).parent.mkdir(parents=True, exist_ok=True)
        if not (mirror / relative).exists():  # a file holding several indicators: once
            shutil.copy(test_data / relative, mirror / relative)
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        with pytest.raises(EvidenceError, match="ots: nothing of it in the mirror"):
            pull(store, ["atlas", "ots"], mirror=mirror)
        atlas_files = len(SOURCES["atlas"].staged)
        assert len(store.datasets()) == atlas_files  # atlas complete, ots not started
        for relative, _ in SOURCES["ots"].staged:
            (mirror / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(test_data / relative, mirror / relative)
        results = pull(store, ["atlas", "ots"], mirror=mirror)
        assert [r.result.created for r in results] == [False] * atlas_files + [True]


# ---------------------------------------------------------------- downloads (mock network)
BACI_URL = "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V202401b.zip"
BACI_2021 = "t,i,j,k,v,q\n2021,251,842,870323,100.5,1\n2021,842,251,870323,7,2\n"
BACI_2022 = "t,i,j,k,v,q\n2022,251,842,870323,200,1\n2022,251,4,870323,0.25,\n"
BACI_COUNTRIES = (
    "country_code,country_name,country_iso2,country_iso3\n"
    "4,Afghanistan,AF,AFG\n251,France,FR,FRA\n842,USA,US,USA\n"
)


def _baci_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("BACI_HS92_Y2021_V202401b.csv", BACI_2021)
        archive.writestr("BACI_HS92_Y2022_V202401b.csv", BACI_2022)
        archive.writestr("country_codes_V202401b.csv", BACI_COUNTRIES)
        archive.writestr("product_codes_HS92_V202401b.csv", "code,description\n870323,Cars\n")
        archive.writestr("Readme.txt", "BACI")
    return buffer.getvalue()


class Network:
    """The public addresses, served from memory; the first BACI answer drops midway."""

    def __init__(self, drop_first: bool = False) -> None:
        self.baci = _baci_zip()
        self.drop_first = drop_first
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(
            f"{request.url.host}{request.url.path} {request.headers.get('Range', '')}"
        )
        if str(request.url) != BACI_URL:
            return httpx.Response(404, text="not here")
        start = int(request.headers.get("Range", "bytes=0-")[6:].rstrip("-"))
        body = self.baci[start:]
        headers = {"Content-Length": str(len(body))}
        if start:
            headers["Content-Range"] = f"bytes {start}-{len(self.baci) - 1}/{len(self.baci)}"
        if self.drop_first:
            self.drop_first = False
            return httpx.Response(200, headers=headers, stream=_Drops(body[: len(body) // 2]))
        return httpx.Response(206 if start else 200, headers=headers, content=body)


class _Drops(httpx.SyncByteStream):
    def __init__(self, part: bytes) -> None:
        self.part = part

    def __iter__(self):
        yield self.part
        raise httpx.ReadError("connection reset")


def test_a_source_is_downloaded_extracted_imported_and_not_fetched_again(tmp_path):
    network = Network(drop_first=True)
    seen: list[tuple[str, int, int | None]] = []
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        report = pull(
            store,
            ["baci"],
            mirror=None,
            home=tmp_path,
            transport=httpx.MockTransport(network),
            progress=lambda name, done, total: seen.append((name, done, total)),
        )
        assert [r.path.name for r in report] == [
            "BACI_HS92_Y2021_V202401b.csv",
            "BACI_HS92_Y2022_V202401b.csv",
        ]
        assert all(r.result.created for r in report)
        # the dropped connection was resumed from where it stopped
        size = len(network.baci)
        assert network.requests == [
            "www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V202401b.zip ",
            f"www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V202401b.zip bytes={size // 2}-",
        ]
        assert seen[-1] == ("BACI_HS92_V202401b.zip", size, size)
        zipped = tmp_path / "downloads" / "baci" / "BACI_HS92_V202401b.zip"
        assert zipped.read_bytes() == network.baci
        assert (zipped.parent / "BACI_HS92_V202401b" / "country_codes_V202401b.csv").exists()
        rows = store.rows("exports", source="baci").sort_values(["year", "country"])
        assert rows[["year", "country", "value_usd"]].values.tolist() == [
            [2021, "FRA", 100500.0],
            [2021, "USA", 7000.0],
            [2022, "FRA", 200250.0],
        ]
        again = pull(store, ["baci"], mirror=None, home=tmp_path,
                     transport=httpx.MockTransport(network))  # fmt: skip
        assert [r.result.created for r in again] == [False, False]
        assert len(network.requests) == 2  # the complete zip is not fetched again


def test_the_originals_layout_of_a_mirror(tmp_path):
    mirror = tmp_path / "mirror"
    folder = mirror / "baci" / "BACI_HS92_V202401b"  # the zip, extracted
    folder.mkdir(parents=True)
    (folder / "BACI_HS92_Y2021_V202401b.csv").write_text(BACI_2021)
    (folder / "country_codes_V202401b.csv").write_text(BACI_COUNTRIES)
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        report = pull(store, mirror=mirror, home=tmp_path / "home")
        assert [(r.source, r.path.name) for r in report] == [
            ("baci", "BACI_HS92_Y2021_V202401b.csv"),
            ("atlas-common-data", "wdi_data.parquet"),  # bundled in an installed package
        ]
        assert "baci" not in report.skipped
        assert "atlas" in report.skipped
        (mirror / "baci" / "BACI_HS92_V202401b.zip").write_bytes(_baci_zip())
        report = pull(store, ["baci"], mirror=mirror, home=tmp_path / "home")
        assert [r.result.created for r in report] == [False, True]  # 2021 already loaded


def _wdi_page(request: httpx.Request) -> httpx.Response:
    code = request.url.path.rsplit("/", 1)[1]
    meta = {"page": 1, "pages": 1, "per_page": 1000, "total": 2, "sourceid": "2",
            "lastupdated": "2026-10-28"}  # fmt: skip
    observations = [
        {"indicator": {"id": code, "value": code}, "country": {"id": "MX", "value": "Mexico"},
         "countryiso3code": "MEX", "date": "2021", "value": 1.5, "unit": "", "obs_status": "",
         "decimal": 1},
        {"indicator": {"id": code, "value": code}, "country": {"id": "1W", "value": "World"},
         "countryiso3code": "WLD", "date": "2021", "value": 2.5, "unit": "", "obs_status": "",
         "decimal": 1},
    ]  # fmt: skip
    if request.url.params.get("per_page") == "1":  # the release probe
        meta |= {"per_page": 1, "pages": 2}
        observations = observations[:1]
    return httpx.Response(200, json=[meta, observations])


def test_an_api_source_through_pull(tmp_path):
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        report = pull(
            store, ["wdi"], mirror=None, home=tmp_path, transport=httpx.MockTransport(_wdi_page)
        )
        assert len(report) == 8  # one dataset per indicator
        assert {r.result.vintage for r in report} == {"wdi-2026-10-28"}
        rows = store.rows("country_indicators", source="wdi")
        assert rows.query("indicator == 'GB.XPD.RSDV.GD.ZS'")["value"].tolist() == [1.5]
        assert (tmp_path / "cache" / "wdi").is_dir()
        with pytest.raises(EvidenceError, match="wdi: it is fetched from its API"):
            pull(store, ["wdi"], mirror=tmp_path)
