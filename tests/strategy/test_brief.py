"""The brief for a post, on the staged real data: Mexico's brief for the post in France.

One store per module (pulled from VINCULO_TEST_DATA into a temporary folder, with one
hostile ROR record added), three of the shipped priorities (one with a value chain) to keep
the runtime small; the evidence is collected once and put into both languages.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from vinculo.evidence.pull import pull
from vinculo.evidence.sources.ror import import_ror_records
from vinculo.evidence.store import EvidenceStore
from vinculo.strategy import brief as brief_module
from vinculo.strategy.brief import (
    Brief,
    ContextEntry,
    InstitutionEntry,
    PostContext,
    PostEvidence,
    collect_evidence,
    country_name,
    localize,
    render_html,
    write_brief,
)
from vinculo.strategy.capability import CapabilityModel
from vinculo.strategy.i18n import ENGLISH, message, number, text
from vinculo.strategy.priorities import default_priorities

pytestmark = pytest.mark.realdata

LANGUAGES = ("es", "en")
CHOSEN = (
    "health-security",
    "lithium-value-chain",
    "aerospace",
    "supercomputing",
)  # lithium: a chain
HOST = "FRA"
TODAY = date(2026, 11, 30)
HOSTILE = "<script>alert(1)</script>"
SECTIONS = {
    "summary": "brief.section.summary",
    "context": "brief.section.context",
    "capabilities": "brief.section.capabilities",
    "coauthorship": "brief.section.coauthorship",
    "value-chains": "brief.section.value_chains",
    "institutions": "brief.section.institutions_curated",
    "scoring": "brief.section.scoring",
    "glossary": "brief.section.glossary",
    "sources": "brief.section.technical",
}


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def store(test_data: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("brief")
    store = EvidenceStore(folder / "evidence.duckdb")
    pull(store, mirror=test_data)
    # a hostile institution name in France, matching every keyword of "aerospace" so that
    # it is among the leading institutions the brief shows
    words = " ".join(default_priorities().priority("aerospace").keywords["en"])
    hostile = pd.DataFrame(
        {
            "ror_id": ["https://ror.org/00hostile"],
            "name": [f"{HOSTILE} {words}"],
            "types": ["education"],
            "country_code": ["FR"],
            "lat": [48.85],
            "lng": [2.35],
            "acronyms": [None],
            "aliases_labels": [None],
            "status": ["active"],
            "city": ["Paris"],
        }
    )
    path = folder / "hostile_ror.parquet"
    hostile.to_parquet(path)
    import_ror_records(store, path)
    yield store
    store.close()


@pytest.fixture(scope="module")
def model(store: EvidenceStore) -> CapabilityModel:
    shipped = default_priorities()
    chosen = tuple(p for p in shipped.priorities if p.id in CHOSEN)
    return CapabilityModel(store, dataclasses.replace(shipped, priorities=chosen))


@pytest.fixture(scope="module")
def evidence(model: CapabilityModel) -> PostEvidence:
    return collect_evidence(model, HOST)


@pytest.fixture(scope="module")
def briefs(evidence: PostEvidence) -> dict[str, Brief]:
    return {language: localize(evidence, language, today=TODAY) for language in LANGUAGES}


@pytest.fixture(scope="module")
def pages(briefs: dict[str, Brief]) -> dict[str, str]:
    return {language: render_html(brief) for language, brief in briefs.items()}


class _Visible(HTMLParser):
    """The text a reader sees (and a screen reader reads): everything but <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def section(html: str, ident: str) -> str:
    found = re.search(rf'<section id="{ident}"[^>]*>(.*?)</section>', html, re.DOTALL)
    assert found, f"no section {ident}"
    return visible(found.group(1))


def post_sections(html: str) -> str:
    """The visible text of the bilateral relationship (its sections nest)."""
    start = html.index('<section id="context"')
    return visible(html[start : html.index('<section id="capabilities"', start)])


def _pdftotext() -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext is not installed (poppler-utils): the PDF's text is not checked")
    return tool


# ---------------------------------------------------------------- content


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_section_is_there_with_its_title_in_the_language(pages, briefs, language):
    html, brief = pages[language], briefs[language]
    assert f'<html lang="{"es-MX" if language == "es" else "en-US"}">' in html
    assert 'id="cover"' in html
    assert 'id="contents"' in html
    for ident, key in SECTIONS.items():
        title = text(key, language, host=brief.host_name)
        assert title in section(html, ident), ident
        assert f'href="#{ident}"' in html  # in the contents
    for ident in CHOSEN:
        for prefix in ("capabilities", "institutions", "scoring"):
            assert f'id="{prefix}-{ident}"' in html
    assert 'id="chain-lithium-value-chain"' in html  # the only chosen priority with a chain
    assert 'id="chain-aerospace"' not in html
    # title, names and date in the language
    host, home = ("Francia", "México") if language == "es" else ("France", "Mexico")
    assert (brief.host_name, brief.home_name) == (host, home)
    assert brief.title == text("brief.title", language, host=host)
    assert brief.date_text == (
        "30 de noviembre de 2026" if language == "es" else "November 30, 2026"
    )
    assert brief.date_text in visible(html)
    # every chart is inline SVG with a title
    # a capability chart per priority, one value chain, the co-authorship line
    assert html.count("<svg ") == html.count("<title id=") == len(CHOSEN) + 1 + 1


def test_the_host_standing_is_the_recommendation(evidence, briefs):
    """Rank, score and factors are partners.recommend's; the contributions add up to the
    score; the priorities are ordered by the host's rank over the candidates, then its
    score, then the priorities file's order (the rule the brief states)."""
    by_id = {p.priority.id: p for p in evidence.priorities}
    brief = briefs["en"]
    assert [p.id for p in brief.priorities if p.standing] != []
    file_order = [p.priority.id for p in evidence.priorities]
    ranked = [p for p in brief.priorities if p.standing]
    keys = [
        (p.standing.rank / p.standing.candidates, -p.standing.score, file_order.index(p.id))
        for p in ranked
    ]
    assert keys == sorted(keys)
    # not a candidate: last, in the file's order
    rest = [p.id for p in brief.priorities if p.standing is None]
    assert rest == sorted(rest, key=file_order.index)
    assert [p.id for p in brief.priorities] == [p.id for p in ranked] + rest
    assert "rank over candidates" in visible(render_html(brief))
    for item in brief.priorities:
        found = by_id[item.id]
        if item.standing is None:
            assert found.host is None
            assert item.note
            continue
        host = next(r for r in found.recommendations if r.partner == HOST)
        assert (item.standing.rank, item.standing.score) == (host.rank, host.score)
        assert item.standing.candidates == len(found.recommendations)
        total = sum(f.contribution for f in item.standing.factors)
        assert total == pytest.approx(item.standing.score, abs=1e-12)
        assert [f.factor for f in item.standing.factors] == list(host.values)


def test_coauthorship_equals_the_staged_file_and_the_store(test_data, store, briefs, pages):
    # the staged OpenAlex file itself: MX-FR co-authored works per year
    staged = pd.read_csv(
        test_data
        / "openalex_country_coauthorship_1990_2023/country_coauthorship_works_by_year.csv.gz",
        keep_default_na=False,
    )
    pair = staged[(staged["iso2_a"] == "MX") & (staged["iso2_b"] == "FR") & (staged["year"] > 0)]
    expected = dict(zip(pair["year"], pair["works"].astype(float), strict=True))
    assert expected[2023] == 1609  # the README's figure for France in 2023
    rows = store.execute(
        "SELECT year, works FROM coauthorship JOIN datasets USING (dataset_id) "
        "WHERE source = 'openalex' AND field IS NULL AND country_a = 'FRA' AND country_b = 'MEX'"
    )
    assert dict(zip(rows["year"], rows["works"], strict=True)) == expected
    for language in LANGUAGES:
        brief = briefs[language]
        assert dict(brief.coauthorship.years) == expected
        assert brief.coauthorship.latest == (2023, 1609.0)
        shown = section(pages[language], "coauthorship")
        sentence = text(
            "brief.coauthorship.latest",
            language,
            year=2023,
            home=brief.home_name,
            host=brief.host_name,
            works=number(1609, language, 0),
        )
        assert sentence in shown
        assert "1,609" in shown  # es-MX and en-US both group thousands with a comma
        assert number(expected[2018], language, 0) in shown  # five years before


def test_capabilities_are_the_models(model, briefs):
    positions = model.positions()
    gaps = model.gaps().set_index(["priority", "component"])
    brief = briefs["es"]
    for item in brief.priorities:
        assert item.capabilities or item.absent
        for row in item.capabilities:
            if row.indicator:  # one infrastructure indicator, named in the language
                continue
            mine = positions[
                (positions["priority"] == item.id)
                & (positions["component"] == row.component)
                & positions["primary"]
            ].set_index("country")
            assert row.basis == mine["basis"].iloc[0]
            assert row.home_share == pytest.approx(mine.loc["MEX", "world_share"])
            assert row.host_value == pytest.approx(mine.loc["FRA", "specialization"])
            assert row.host_score == pytest.approx(mine.loc["FRA", "score"])
            assert row.gap == pytest.approx(gaps.loc[(item.id, row.component), "gap"])
            assert row.year == int(mine["year"].iloc[0])
            assert row.world_position == (row.countries >= 30)
            assert row.vintage
    supercomputing = next(p for p in brief.priorities if p.id == "supercomputing")
    assert any("Ningún código del Sistema Armonizado" in line for line in supercomputing.absent)
    aerospace = next(p for p in brief.priorities if p.id == "aerospace")
    indicators = [r.basis for r in aerospace.capabilities if r.indicator]
    assert indicators == ["Satélites operados", "Satélites operados sin Starlink ni OneWeb"]
    # what Mexico offers France, every time: in the priority, or at large
    assert all(p.offers or p.general_offers for p in brief.priorities)
    general = {p.general_offers for p in brief.priorities}
    assert len(general) == 1  # the same everywhere: said once on page 1, not per priority
    for item in brief.priorities:
        assert not set(item.offers) & set(item.general_offers)


def test_value_chain_stages(briefs, evidence):
    item = next(p for p in briefs["es"].priorities if p.id == "lithium-value-chain")
    assert item.chain is not None
    ids = [s.id for s in item.chain.stages]
    declared = [
        s.id
        for s in next(e for e in evidence.priorities if e.priority.id == item.id).priority.chain
    ]
    assert ids == [i for i in declared if i in ids]
    assert len(ids) >= 3
    for stage in item.chain.stages:
        assert stage.home_rca is not None
        assert stage.host_rca is not None
        assert 1 <= len(stage.leaders) <= 5
        shares = [leader.world_share for leader in stage.leaders]
        assert shares == sorted(shares, reverse=True)
    assert item.chain.host_ahead == sum(s.host_rca > s.home_rca for s in item.chain.stages)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_untranslated_string_and_no_raw_key(pages, language):
    shown = visible(pages[language])
    other = "en" if language == "es" else "es"
    for key in ENGLISH:
        if message(key, other) == message(key, language):
            continue
        for fragment in re.split(r"\{[^}]*\}", message(key, other)):
            fragment = fragment.strip(" .,:;()«»“”")
            if len(fragment.split()) > 3:
                assert fragment not in shown, (key, fragment)
    for key in ENGLISH:
        assert key not in shown
    assert not re.search(r"\b(?:brief|reason|factor|component|metric|table)\.[a-z_]+", shown)
    assert "{" not in shown
    assert "}" not in shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_is_loaded_from_outside(pages, language):
    html = pages[language]
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"<script\b", html, re.I)
    assert not re.search(r"@import|url\(", html, re.I)


def test_institutions_are_curated_never_keyword_matches(evidence, briefs, pages):
    """The ROR record whose name holds every keyword of "aerospace" is not shown: the
    brief lists only the institutions the post curated, with their sources, by kind
    (research, government, company), escaped; a priority without any says the post is to
    complete it."""
    for html in pages.values():
        assert "00hostile" not in html
        assert "&lt;script&gt;" not in html
    for brief in briefs.values():
        assert all(p.institutions == () for p in brief.priorities)
    curated = PostContext(
        institutions=(
            InstitutionEntry("aerospace", "Entreprise " + HOSTILE, "company", source_publisher="P"),
            InstitutionEntry(
                "aerospace",
                "Centre national d'études spatiales",
                "government",
                acronym="CNES",
                city="Paris",
                source_publisher="ROR",
                source_title="Centre National d'Études Spatiales",
                source_url="https://ror.org/04h1h0y33",
                source_date=date(2026, 12, 4),
            ),
            InstitutionEntry("aerospace", "Observatoire de Paris", "research"),
        )
    )
    for language in LANGUAGES:
        brief = localize(evidence, language, today=TODAY, context=curated)
        aerospace = next(p for p in brief.priorities if p.id == "aerospace")
        assert [i.kind for i in aerospace.institutions] == ["research", "government", "company"]
        html = render_html(brief)
        assert HOSTILE not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        shown = section(html, "institutions")
        assert "(CNES)" in shown
        assert "https://ror.org/04h1h0y33" in shown
        for kind in ("research", "government", "company"):
            assert text(f"brief.institutions.kind.{kind}", language) in shown
        pending = text("brief.pending.embassy", language)
        assert shown.count(pending) == len(brief.priorities) - 1
    with pytest.raises(ValueError, match="kind 'lab'"):
        localize(
            evidence,
            "es",
            context=PostContext(institutions=(InstitutionEntry("aerospace", "X", "lab"),)),
        )


def test_the_host_not_being_a_candidate_is_said(evidence):
    """A priority where the host is not a candidate: no rank or score, the reason said."""
    first = dataclasses.replace(evidence.priorities[0], host=None, missing="share")
    changed = dataclasses.replace(evidence, priorities=(first, *evidence.priorities[1:]))
    for language in LANGUAGES:
        brief = localize(changed, language, today=TODAY)
        item = next(p for p in brief.priorities if p.id == first.priority.id)
        assert item.standing is None
        assert item.position == len(brief.priorities)
        expected = text(
            "brief.not_candidate",
            language,
            host=country_name(HOST, language),
            home=country_name("MEX", language),
            why=text("brief.not_candidate.share", language),
        )
        assert item.note == expected
        shown = visible(render_html(brief))
        assert expected in shown
        assert text("brief.not_candidate_short", language) in shown


def test_rejects_a_bad_host_or_language(model, evidence):
    with pytest.raises(ValueError, match="home country"):
        collect_evidence(model, "MEX")
    with pytest.raises(ValueError, match="not a country"):
        collect_evidence(model, "XYZ")
    with pytest.raises(ValueError, match="language 'fr'"):
        localize(evidence, "fr")


def test_rendering_is_deterministic(briefs, pages):
    assert render_html(briefs["es"]) == pages["es"]


# ---------------------------------------------------------------- files


def test_write_html_atomically(briefs, pages, tmp_path):
    target = tmp_path / "out" / "brief.html"
    assert write_brief(briefs["es"], target) == target
    assert target.read_text(encoding="utf-8") == pages["es"]
    write_brief(briefs["en"], target)  # replaces the file
    assert target.read_text(encoding="utf-8") == pages["en"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["brief.html"]  # no temp file
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # as open() would create it


def test_a_failed_write_leaves_the_previous_file(briefs, pages, tmp_path, monkeypatch):
    target = tmp_path / "brief.pdf"
    target.write_bytes(b"%PDF- the previous brief")

    def broken(html: str) -> bytes:
        raise RuntimeError("renderer died")

    monkeypatch.setattr(brief_module, "_pdf", broken)
    with pytest.raises(RuntimeError, match="renderer died"):
        write_brief(briefs["es"], target)
    assert target.read_bytes() == b"%PDF- the previous brief"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.pdf"]  # the temporary file is gone


@pytest.mark.parametrize("name", ["brief.docx", "brief", "brief.html.txt"])
def test_write_refuses_other_suffixes(briefs, tmp_path, name):
    with pytest.raises(ValueError, match=r"\.html or \.pdf"):
        write_brief(briefs["es"], tmp_path / name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_has_pages_and_text_in_the_language(briefs, tmp_path, language):
    tool = _pdftotext()
    target = write_brief(briefs[language], tmp_path / "brief.pdf")
    assert target.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["brief.pdf"]
    output = subprocess.run(
        [tool, "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [page for page in output.split("\f") if page.strip()]
    assert len(pages) >= 2
    flat = re.sub(r"\s+", " ", output)
    assert briefs[language].host_name in flat
    other = "en" if language == "es" else "es"
    title = text("brief.section.coauthorship", language)
    assert title in flat
    assert text("brief.section.coauthorship", other) not in flat
    page_label = f"{text('brief.page', language)} 2 {text('brief.page_of', language)} {len(pages)}"
    assert page_label in flat  # the @page counter in the footer


def test_the_post_sections_are_shown_or_said_to_be_completed(evidence):
    """The fixed sections never disappear: empty, each says the post is to complete it
    (the Embassy, or the Consulate for a consulate); filled, it shows the entries by date."""
    host_es, host_en = country_name(HOST, "es"), country_name(HOST, "en")
    empty = {language: localize(evidence, language, today=TODAY) for language in LANGUAGES}
    assert empty["es"].post_name == f"Embajada de México en {host_es}"
    assert empty["en"].post_name == f"Embassy of Mexico in {host_en}"
    assert [c.id for c in empty["es"].context] == [
        "legal",
        "agreements",
        "opportunities",
        "counterparts",
        "agenda",
    ]
    page = {language: visible(render_html(b)) for language, b in empty.items()}
    context = {language: post_sections(render_html(b)) for language, b in empty.items()}
    assert context["es"].count("Por completar por la Embajada.") == 5
    assert context["en"].count("To be completed by the Embassy.") == 5
    assert "representación" not in page["es"]
    # the cover: issuing unit, classification and data cut-off, configurable
    assert "Uso interno" in page["es"]
    assert "Internal use" in page["en"]
    newest = max(
        [r.year for p in empty["es"].priorities for r in p.capabilities]
        + [y for y, _ in empty["es"].coauthorship.years]
    )
    assert empty["es"].data_cutoff == empty["en"].data_cutoff == str(newest)
    consulate = localize(
        evidence,
        "es",
        today=TODAY,
        post_kind="consulate",
        post_city="Estrasburgo",
        issuing_unit="Unidad de prueba",
        classification="Reservado",
        data_cutoff="2023",
        context=PostContext(
            legal_framework="Convenio básico en vigor.",
            agenda=(
                ContextEntry("Segunda reunión", date(2027, 3, 1)),
                ContextEntry("Primera reunión", date(2027, 1, 15), status="confirmada"),
            ),
        ),
    )
    html = visible(render_html(consulate))
    assert consulate.post_name == "Consulado de México en Estrasburgo"
    assert post_sections(render_html(consulate)).count("Por completar por el Consulado.") == 3
    assert "Convenio básico en vigor." in html
    assert html.index("Primera reunión") < html.index("Segunda reunión")
    assert "(confirmada)" in html
    for shown in ("Unidad de prueba", "Reservado", "2023"):
        assert shown in html
    with pytest.raises(ValueError, match="post_city"):
        localize(evidence, "es", today=TODAY, post_kind="consulate")


# ---------------------------------------------------------------- print quality


def _pdftoppm() -> str:
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.skip("pdftoppm is not installed (poppler-utils): the PDF's pages are not checked")
    return tool


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_pages_print_cleanly(briefs, tmp_path, language):
    """Every page rendered to an image: the ink stays inside the page's margins (no column
    cut at the edge), no page but the last is nearly empty, and page 1 is the executive
    summary (after the cover lines)."""
    from PIL import Image

    tool = _pdftoppm()
    pdf = write_brief(briefs[language], tmp_path / "brief.pdf")
    subprocess.run([tool, "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert 4 <= len(images) <= 20
    margin_mm = 16 - 4  # the @page side margins, less a tolerance for glyph overhang
    for number_, path in enumerate(images, start=1):
        with Image.open(path) as image:
            gray = image.convert("L")
            width, height = gray.size
            ink = gray.point(lambda v: 255 if v < 200 else 0).getbbox()
        assert ink is not None, f"page {number_} is blank"
        left, _, right, _ = ink
        edge = width * margin_mm / 210
        assert left >= edge, (number_, ink, width)
        assert right <= width - edge, (number_, ink, width)
        # the body's ink ends above the footer; a page that ends before 40 % of its height
        # (the footer aside) is nearly empty
        body = gray.crop((0, 0, width, int(height * 0.93))).point(lambda v: 255 if v < 200 else 0)
        box = body.getbbox()
        if number_ < len(images):
            assert box is not None, number_
            assert box[3] >= height * 0.40, (number_, box, height)
    flat = re.sub(
        r"\s+",
        " ",
        subprocess.run(
            [_pdftotext(), "-f", "1", "-l", "1", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout,
    )
    assert text("brief.section.summary", language) in flat
    assert text("brief.summary.bottom_line", language) in flat
    assert text("brief.summary.priorities", language, host=briefs[language].host_name) in flat
