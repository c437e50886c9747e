"""The brief's section on the host's technology-transfer model and IP regime, in both
languages, from the shipped records (no evidence store needed: the section depends on the
host only)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from vinculo.strategy.brief import PostEvidence, localize, render_html
from vinculo.strategy.transfer import default_transfer_models

TODAY = date(2026, 12, 5)


def evidence(host: str) -> PostEvidence:
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
    )


def transfer_html(host: str, language: str) -> str:
    page = render_html(localize(evidence(host), language, today=TODAY))
    start = page.index('<section id="context-transfer">')
    return page[start : page.index("</section>", start)]


HEADINGS = {
    ("FRA", "en"): "Technology transfer and IP regime of France",
    ("FRA", "es"): "Transferencia de tecnología y régimen de PI de Francia",
    ("ESP", "en"): "Technology transfer and IP regime of Spain",
    ("ESP", "es"): "Transferencia de tecnología y régimen de PI de España",
    ("IND", "en"): "Technology transfer and IP regime of India",
    ("IND", "es"): "Transferencia de tecnología y régimen de PI de India",
}


@pytest.mark.parametrize(("host", "language"), sorted(HEADINGS))
def test_the_brief_has_the_transfer_section(host: str, language: str) -> None:
    html = transfer_html(host, language)
    assert HEADINGS[host, language] in html
    model = default_transfer_models()[host]
    for dimension in model.known:
        for fact in model.dimension(dimension):
            assert fact.source.url.replace("&", "&amp;") in html
    first = model.dimension("inventor_remuneration")[0]
    assert first.text[language].replace("'", "&#39;").replace('"', "&#34;")[:40] in html
    other = "es" if language == "en" else "en"
    assert first.text[other][:40] not in html
    names = {
        "en": ("Inventor remuneration", "Ownership of publicly funded results"),
        "es": ("Remuneración del inventor", "Titularidad de resultados con fondos públicos"),
    }[language]
    for name in names:
        assert f"<h4>{name}</h4>" in html
    record = f"Record version {model.version}" if language == "en" else "Registro versión"
    assert record in html
    assert "pending" not in html  # complete records: no unsourced dimension


def test_a_partial_record_names_what_is_not_sourced() -> None:
    html = transfer_html("DEU", "en")
    assert "Not sourced, so not stated as facts: Spin-off rules, Public-private joint labs," in html
    assert "<h4>Inventor remuneration</h4>" in html
    assert "<h4>Spin-off rules</h4>" not in html
    html = transfer_html("DEU", "es")
    assert "Sin fuente, por lo que no se afirman como hechos: Reglas de spin-off" in html


def test_no_record_is_said() -> None:
    html = transfer_html("ITA", "en")
    assert "Vínculo has no technology-transfer record for Italy yet." in html
    assert "<h4>" not in html


# ---------------------------------------------------------------- the forums the host leads
def forums_html(host: str, language: str, registry=True) -> str:  # type: ignore[no-untyped-def]
    page = render_html(localize(evidence(host), language, today=TODAY, forums=registry))
    start = page.index('<section id="context-forums">')
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_brief_lists_the_forums_the_host_leads_with_mexicos_seat(language: str) -> None:
    """France leads two forums of the shipped registry (checked against the file): each
    is listed with France's role, Mexico's status and the lead's source; the gap counts
    those where Mexico has no known seat."""
    from vinculo.strategy.forums import default_forums

    registry = default_forums()
    led = [forum for forum in registry.forums if forum.led_by("FRA")]
    assert led
    html = forums_html("FRA", language)
    heading = {"es": "Foros técnicos que encabeza Francia", "en": "Technical forums France leads"}
    assert heading[language] in html
    assert html.count("<li>") == len(led)
    for forum in led:
        assert forum.led_by("FRA")[0].source.url.replace("&", "&amp;") in html
    seatless = sum(forum.mexico.status in ("absent", "unknown") for forum in led)
    gap = {
        "es": f"México no tiene un lugar conocido en {seatless} de estos {len(led)} foros",
        "en": f"Mexico has no known seat in {seatless} of these {len(led)} forums",
    }
    assert (gap[language] in html) == bool(seatless)
    status = {"es": "desconocido (sin fuente pública)", "en": "unknown (no public source found)"}
    assert (status[language] in html) == any(f.mexico.status == "unknown" for f in led)


@pytest.mark.parametrize(("host", "language"), [("ESP", "es"), ("IND", "en")])
def test_a_host_that_leads_no_registered_forum_is_said_so(host: str, language: str) -> None:
    html = forums_html(host, language)
    name = {"ESP": "España", "IND": "India"}[host]
    assert name in html
    assert "<li>" not in html
    assert {"es": "Ninguna fuente pública", "en": "No public source"}[language] in html


def test_without_a_registry_the_brief_has_no_forums_section() -> None:
    page = render_html(localize(evidence("FRA"), "en", today=TODAY, forums=None))
    assert 'id="context-forums"' not in page


# ---------------------------------------------------------------- the diaspora (issue 13)
def test_the_diaspora_section_gives_counts_and_institutions_never_names() -> None:
    from vinculo.strategy.brief import DiasporaFigures

    figures = DiasporaFigures(
        count=3,
        by_priority={"batteries": 2, "aerospace": 1, "supercomputing": 0},
        institutions=(("CNRS", 2), ("Sorbonne Université", 1)),
    )
    for language, total, priorities in (
        ("es", "Investigadores de México en la diáspora con un puesto actual en Francia, "
         "según los perfiles que tiene Vínculo: 3, en CNRS y Sorbonne Université.",
         "En las prioridades:"),
        ("en", "Researchers of Mexico in the diaspora with a current post in France, from the "
         "profiles Vínculo holds: 3, at CNRS and Sorbonne Université.",
         "In the priorities:"),
    ):  # fmt: skip
        brief = localize(evidence("FRA"), language, today=TODAY, diaspora=figures)
        assert brief.diaspora is not None
        assert brief.diaspora.lines[0] == total
        # no priority briefs in this evidence: the ids stand for the names
        assert brief.diaspora.lines[1] == f"{priorities} batteries 2; aerospace 1"
        page = render_html(brief)
        start = page.index('<section id="context-diaspora">')
        assert "Sorbonne Université" in page[start : page.index("</section>", start)]
    empty = localize(evidence("FRA"), "en", today=TODAY, diaspora=DiasporaFigures(count=0))
    assert empty.diaspora is not None
    assert empty.diaspora.lines == (
        "No profile Vínculo holds places a researcher of Mexico in the diaspora in France.",
    )
    assert localize(evidence("FRA"), "en", today=TODAY).diaspora is None
