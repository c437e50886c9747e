"""The brief's talent section (scholarships the home country paid in the host, scholars'
migration between the two) in both languages, from the staged CONACYT lists and MPIDR
flows, checked against the raw files."""

from __future__ import annotations

import gzip
import html
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from babel.numbers import format_decimal

from vinculo.evidence.pull import pull
from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.brief import PostEvidence, localize, render_html
from vinculo.strategy.talent import talent_with

HARMONIZED = "conacyt_scholarships_abroad_2012_2023/becas_extranjero_2012_2023_harmonized.csv.gz"
FLOWS = "scholar_migration_scopus_1998_2017/zhao2023_gender_pnas/0_OD_migration_flow.csv"
TODAY = date(2026, 12, 5)
LOCALES = {"es": "es_MX", "en": "en_US"}


@pytest.fixture(scope="module")
def store_path(test_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("brief-talent") / "evidence.duckdb"
    with EvidenceStore(path) as store:
        pull(store, ["ror", "conacyt-becas", "scholar-migration"], mirror=test_data)
    return path


def evidence(store_path: Path, host: str) -> PostEvidence:
    with EvidenceStore(store_path, read_only=True) as store:
        talent = talent_with(store, "MEX", host, top=3)
    return PostEvidence(
        home="MEX",
        host=host,
        programme={"es": "Prioridades", "en": "Priorities"},
        indicator_names={},
        weights={"strength": 0.25, "complementarity": 0.3, "ties": 0.2, "capacity": 0.15},
        priorities=(),
        coauthorship=pd.DataFrame(columns=["year", "works", "source", "vintage"]),
        datasets=pd.DataFrame(
            columns=["source", "vintage", "retrieved_at", "url", "license", "file_name"]
        ),
        institutions_vintage="",
        talent=talent,
    )


def section(page: str) -> str:
    start = page.index('<section id="context-talent">')
    return html.unescape(page[start : page.index("</section>", start)])


def whole(value: float, language: str) -> str:
    return format_decimal(round(value), locale=LOCALES[language])


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_brief_states_the_talent_flows_with_france(store_path, test_data, language):
    with gzip.open(test_data / HARMONIZED, "rt", encoding="utf-8") as handle:
        raw = pd.read_csv(handle, dtype=str)
    france = raw[raw["pais"].str.strip() == "FRANCIA"]
    names = france["institucion"].str.split().str.join(" ")
    counts = names.value_counts()
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:3]
    flows = pd.read_csv(test_data / FLOWS)
    latest = flows["period_year"].max()
    period = flows[flows["period_year"] == latest]
    outflow = period[(period["from"] == "Mexico") & (period["to"] == "France")]
    inflow = period[(period["from"] == "France") & (period["to"] == "Mexico")]
    out_n, in_n = outflow["all_period_flow"].sum(), inflow["all_period_flow"].sum()

    brief = localize(evidence(store_path, "FRA"), language, today=TODAY)
    text = section(render_html(brief))
    years = f"{france['year'].astype(int).min()}–{france['year'].astype(int).max()}"
    count = whole(len(france), language)
    if language == "en":
        assert "Talent flows between Mexico and France" in text
        assert f"Scholarships Mexico paid for study in France, {years}: {count} " in text
        assert f"{whole(out_n, 'en')} from Mexico to France" in text
        assert f"{whole(in_n, 'en')} from France to Mexico" in text
        assert "(estimates)" in text
        assert "Aggregates, not people" in text
    else:
        assert "Flujos de talento entre México y Francia" in text
        assert f"Becas que México pagó para estudiar en Francia, {years}: {count} becas-año" in text
        assert f"{whole(out_n, 'es')} de México a Francia" in text
        assert f"{whole(in_n, 'es')} de Francia a México" in text
        assert "(estimaciones)" in text
        assert "Agregados, no personas" in text
    start, end = latest.split("-")
    assert f"{start}–{end}" in text
    net = round(in_n - out_n)
    assert (f"+{whole(net, language)}" if net > 0 else whole(net, language)) in text
    for name, _n in top:
        assert name in text
    assert "conacyt-becas conacyt-becas-2012-2023h1" in text
    # aggregates only: no scholar's name
    for person in france["nombre_becario"].head(50):
        assert str(person) not in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_brief_says_when_there_is_no_talent_evidence(store_path, language):
    text = section(render_html(localize(evidence(store_path, "ATA"), language, today=TODAY)))
    if language == "en":
        assert "The evidence holds no scholarship Mexico paid for study in Antarctica." in text
        assert "no estimate of scholars moving between Mexico and Antarctica" in text
    else:
        assert "ninguna beca que México haya pagado para estudiar en la Antártida" in text or (
            "ninguna beca que México haya pagado para estudiar en Antártida" in text
        )
        assert "no tiene estimaciones de investigadores" in text
