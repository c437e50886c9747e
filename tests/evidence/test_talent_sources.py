"""Talent sources (issue #13): CONACYT scholarships abroad aggregated without names, and
MPIDR scholars' migration flows; checked against the staged files read independently."""

from __future__ import annotations

import gzip
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from vinculo.evidence.pull import pull
from vinculo.evidence.sources import conacyt_becas, scholar_migration
from vinculo.evidence.sources.conacyt_becas import iso3_by_spanish_name, levels
from vinculo.evidence.store import EvidenceStore

HARMONIZED = "conacyt_scholarships_abroad_2012_2023/becas_extranjero_2012_2023_harmonized.csv.gz"
FLOWS = "scholar_migration_scopus_1998_2017/zhao2023_gender_pnas/0_OD_migration_flow.csv"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("HOLANDA", "NLD"),
        ("PAISES BAJOS", "NLD"),
        ("PAÍSES BAJOS", "NLD"),
        ("ESPAÑA", "ESP"),
        ("ESTADOS UNIDOS ", "USA"),
        ("Estados Unidos", "USA"),
        ("REINO UNIDO", "GBR"),
        ("INGLATERRA", "GBR"),
        ("JAPON", "JPN"),
        ("REP. CHECA", "CZE"),
        ("REP. DE COREA", "KOR"),
        ("AUTRALIA", "AUS"),
        ("BOSNIA-HERZEGOVINA", "BIH"),
        ("SUDAFRICA", "ZAF"),
        ("Canada", "CAN"),
    ],
)
def test_spanish_country_variants(name, code):
    assert iso3_by_spanish_name(name) == code


@pytest.mark.parametrize("name", ["N/D", "", "ATLANTIDA"])
def test_unknown_names_are_not_guessed(name):
    assert iso3_by_spanish_name(name) is None


def test_levels_from_the_varying_codes():
    codes = ["1. DOC", "DOCTORADO", "2. MAE", "MAESTRIA", "MAESTRÍA", "3. ESP", "ESPECIALIDAD",
             "LICENCIATURA", "4. EST TEC", "S/D", None]  # fmt: skip
    assert levels(pd.Series(codes)).tolist() == [
        "doctorado", "doctorado", "maestría", "maestría", "maestría", "especialidad",
        "especialidad", "otro", "otro", "otro", "otro",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def talent_store(test_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("talent") / "evidence.duckdb"
    with EvidenceStore(path) as store:
        pull(store, ["ror", "conacyt-becas", "scholar-migration"], mirror=test_data)
    return path


@pytest.fixture(scope="module")
def raw(test_data: Path) -> pd.DataFrame:
    with gzip.open(test_data / HARMONIZED, "rt", encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str)


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c)).upper().strip()


def test_no_name_column_is_stored(talent_store):
    with EvidenceStore(talent_store, read_only=True) as store:
        columns = set(store.execute("DESCRIBE scholarships")["column_name"])
        assert not {c for c in columns if "nombre" in c or "becario" in c or "consec" in c}
        assert "name" not in columns
        assert columns >= {"country", "institution", "ror_id", "scholarships", "new_starts"}


def test_match_rate_reported(talent_store, raw, caplog):
    with EvidenceStore(talent_store, read_only=True) as store:
        report = conacyt_becas.last_report(store)
    assert report.rows == len(raw) == 59_526
    # the only unmatched rows: 3 "N/D" and 3 empty cells, nothing guessed
    assert report.unmatched_countries == {"N/D": 3, "(empty)": 3}
    assert report.country_rows == 59_520
    assert report.country_share == pytest.approx(59_520 / 59_526)
    assert raw["pais"].isna().sum() == 3
    assert 0 < report.ror_institutions < report.institutions


def test_import_logs_the_report(test_data, tmp_path, caplog):
    with EvidenceStore(tmp_path / "e.duckdb") as store, caplog.at_level("WARNING"):
        conacyt_becas.import_harmonized(store, test_data / HARMONIZED)
    text = caplog.text
    assert "matched for 59,520 of 59,526 rows (99.99%)" in text
    assert "'N/D' (3)" in text
    assert "'(empty)' (3)" in text
    assert "no ROR institutions in the store" in text


@pytest.mark.parametrize(
    ("year", "host", "names"), [(2016, "FRA", {"FRANCIA"}), (2019, "ESP", {"ESPAÑA"})]
)
def test_year_figures_match_the_raw_file(talent_store, raw, year, host, names):
    country = raw["pais"].fillna("").map(_plain)
    rows = raw[(raw["year"] == str(year)) & country.isin(
        {_plain(n) for n in names})]  # fmt: skip
    starts = (rows["inicio_beca"].str[:4] == str(year)).sum()
    amount = pd.to_numeric(rows["importe_total_mxn"]).sum()
    doctor = rows["nivel_estudios"].isin(["1. DOC", "DOCTORADO"]).sum()
    with EvidenceStore(talent_store, read_only=True) as store:
        got = store.execute(
            "SELECT sum(scholarships) n, sum(new_starts) s, sum(amount_mxn) a, "
            "sum(scholarships) FILTER (WHERE level = 'doctorado') d "
            "FROM scholarships WHERE year = ? AND country = ?",
            [year, host],
        ).iloc[0]
    assert len(rows) > 100
    assert got["n"] == len(rows)
    assert got["s"] == starts
    assert got["a"] == pytest.approx(amount)
    assert got["d"] == doctor


def test_netherlands_variants_land_together(talent_store, raw):
    expected = raw["pais"].fillna("").map(_plain).isin({"HOLANDA", "PAISES BAJOS"}).sum()
    with EvidenceStore(talent_store, read_only=True) as store:
        got = store.execute(
            "SELECT sum(scholarships) n, count(DISTINCT country_name) v FROM scholarships "
            "WHERE country = 'NLD'"
        ).iloc[0]
    assert got["n"] == expected == 2263 + 769 + 4
    assert got["v"] == 3


def test_migration_flows(talent_store, test_data):
    flows = pd.read_csv(test_data / FLOWS)
    mexico_usa = flows[(flows["from"] == "Mexico") & (flows["to"] == "United States")]
    with EvidenceStore(talent_store, read_only=True) as store:
        got = store.rows("scholar_migration", source=scholar_migration.SOURCE)
    assert len(got) == len(flows) == 23_412
    pair = got[(got["country_from"] == "MEX") & (got["country_to"] == "USA")]
    assert pair.set_index("period_start")["scholars"].to_dict() == dict(
        zip(mexico_usa["period_year"].str[:4].astype(int), mexico_usa["all_period_flow"],
            strict=True)
    )  # fmt: skip
    assert pair.loc[pair["period_start"] == 2008, "scholars"].item() == 535
