"""The dashboard in a real browser, on the staged evidence: every chart and the world map
draw something; an agreement with IP terms, entered through the forms, shows in the
coverage matrix; a post's brief downloads in both languages; the language switch changes
every string of the page."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import log_in, make_user, said
from vinculo.evidence.pull import pull
from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.capability import CapabilityModel
from vinculo.strategy.i18n import country_name
from vinculo.strategy.priorities import default_priorities
from vinculo.web.insights.models import Snapshot
from vinculo.web.insights.naming import current_countries
from vinculo.web.insights.services import _payload

pytestmark = pytest.mark.realdata

MEXICO = default_priorities()
PRIORITIES = replace(
    MEXICO,
    priorities=tuple(p for p in MEXICO.priorities if p.id in ("lithium-value-chain", "aerospace")),
)
CHARTS = ("chart-heat", "chart-map", "chart-network", "chart-chain", "chart-coverage")
LOCALE = Path(__file__).resolve().parents[2] / "src/vinculo/web/locale/es/LC_MESSAGES/django.po"


@pytest.fixture(scope="module")
def evidence(test_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("e2e-home")
    with EvidenceStore(folder / "evidence.duckdb") as store:
        pull(store, mirror=test_data)
    return folder


@pytest.fixture(scope="module")
def payload(evidence: Path) -> dict[str, Any]:
    with EvidenceStore(evidence / "evidence.duckdb", read_only=True) as store:
        return _payload(CapabilityModel(store, PRIORITIES), PRIORITIES)


def _painted(page: Any, chart: str) -> int:
    """Non-white pixels of the chart's canvas (0 for a blank chart)."""
    return int(
        page.evaluate(
            """(id) => {
                const canvas = document.querySelector('#' + id + ' canvas');
                if (!canvas) { return 0; }
                const data = canvas.getContext('2d').getImageData(
                    0, 0, canvas.width, canvas.height).data;
                let painted = 0;
                for (let i = 0; i < data.length; i += 4) {
                    const ink = data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245;
                    if (data[i + 3] > 0 && ink) { painted += 1; }
                }
                return painted;
            }""",
            chart,
        )
    )


def test_every_chart_and_the_map_render(page: Any, payload: dict[str, Any]) -> None:
    Snapshot.objects.create(home="MEX", fingerprint="e2e", payload=payload)
    user = make_user("planner")
    log_in(page, user.username)
    page.goto("/?priority=lithium-value-chain")
    for chart in CHARTS:
        expect(page.locator(f"#{chart}")).to_have_attribute("data-rendered", "1")
        assert _painted(page, chart) > 500, chart
    # the map has countries in it: the partner with the best score has a colour
    assert page.evaluate("() => Object.keys(JSON.parse("
                         "document.getElementById('dashboard-data').textContent).scores).length"
                         ) > 30  # fmt: skip


def test_an_agreement_with_ip_terms_shows_in_the_coverage_matrix(
    page: Any, payload: dict[str, Any]
) -> None:
    from vinculo.web.registry.models import Agreement, Country
    from vinculo.web.registry.services import countries_sync

    countries_sync()
    Snapshot.objects.create(home="MEX", fingerprint="e2e", payload=payload)
    france = Country.objects.get(code="FRA")
    legal = make_user("legal")
    log_in(page, legal.username)

    def france_aerospace() -> int:
        page.goto("/?priority=aerospace")
        data = json.loads(page.locator("#dashboard-data").text_content() or "{}")
        cells = {(c[0], c[1]): c[2] for c in data["coverage"]["cells"]}
        return int(cells[("FRA", "aerospace")])

    assert france_aerospace() == 0
    page.goto("/registry/agreements/new/")
    page.locator("input[name=title]").fill("Cooperación en satélites de observación")
    page.locator("select[name=kind]").select_option("government")
    country = page.get_by_role("combobox", name=said("Partner country", "es"))  # the picker
    country.press_sequentially("Francia")
    expect(country).to_have_attribute("aria-expanded", "true")
    country.press("ArrowDown")
    country.press("Enter")
    page.locator("input[name=priorities][value=aerospace]").check()
    page.get_by_role("button", name=said("Save", "es")).click()
    agreement = Agreement.objects.get(partner_country=france)
    expect(page).to_have_url(re.compile(rf"/registry/agreements/{agreement.pk}/$"))
    page.goto(f"/registry/agreements/{agreement.pk}/ip-terms/")
    page.locator("select[name=background_ip]").select_option("each_party")
    page.locator("select[name=foreground_ip]").select_option("joint")
    page.locator("select[name=licensing]").select_option("non_exclusive")
    page.locator("input[name=royalty_home_percent]").fill("50")
    page.locator("input[name=jurisdiction]").fill("México")
    page.get_by_role("button", name=said("Save", "es")).click()
    agreement.refresh_from_db()
    assert agreement.ip_terms.licensing == "non_exclusive"
    assert france_aerospace() == 1


def test_a_posts_brief_downloads_in_both_languages(
    page: Any, evidence: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vinculo.web.registry.models import Country, Post

    monkeypatch.setenv("VINCULO_HOME", str(evidence))
    france = Country.objects.create(code="FRA", name_es="Francia", name_en="France")
    paris = Post.objects.create(name="Embajada de México en Francia", kind="embassy",
                                host_country=france, city="París")  # fmt: skip
    officer = make_user("officer")
    officer.posts.add(paris)
    log_in(page, officer.username)
    page.goto("/briefs/")
    expect(page.locator("table")).to_contain_text("Embajada de México en Francia")
    # the first reader sees the preparation's progress; the brief opens once it is ready
    page.goto(f"/posts/{paris.pk}/brief.html?lang=es", timeout=120_000)
    expect(page.locator("#brief-preparation, html[lang^=es]").first).to_be_attached()
    for _ in range(240):
        status = page.request.get(f"/posts/{paris.pk}/brief/status/").json()
        if status["ready"] or status["state"] == "failed":
            break
        page.wait_for_timeout(500)
    assert status["ready"], status
    for language, title in (("es", "Francia"), ("en", "France")):
        html = page.request.get(f"/posts/{paris.pk}/brief.html?lang={language}", timeout=120_000)
        assert html.ok
        assert f'<html lang="{language}' in html.text()
        assert title in html.text()
        pdf = page.request.get(f"/posts/{paris.pk}/brief.pdf?lang={language}", timeout=120_000)
        assert pdf.ok
        assert pdf.body()[:4] == b"%PDF"
        assert "attachment" in pdf.headers["content-disposition"]


def _catalogue() -> list[tuple[str, str]]:
    """(English, Spanish) pairs of the catalogue that differ and have two words or more."""
    text = LOCALE.read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', text, flags=re.MULTILINE)
    return [
        (en, es)
        for en, es in pairs
        if en != es and " " in en and " " in es and "%" not in en and "{" not in en
    ]


@pytest.mark.parametrize("path", ["/?priority=aerospace", "/registry/agreements/", "/briefs/"])
def test_the_language_switch_changes_every_string(
    page: Any, payload: dict[str, Any], path: str
) -> None:
    Snapshot.objects.create(home="MEX", fingerprint="e2e", payload=payload)
    user = make_user("planner")
    log_in(page, user.username)
    page.goto(path)
    spanish = page.locator("body").inner_text()
    pairs = _catalogue()
    assert not [en for en, es in pairs if en in spanish and es not in spanish]
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    english = page.locator("body").inner_text()
    assert english != spanish
    left = [es for en, es in pairs if es in english and en not in english]
    assert not left, left


# where to click a large country on the world map (longitude, latitude)
_CENTRES = {"USA": (-100.0, 40.0), "BRA": (-52.0, -10.0), "CHN": (103.0, 35.0),
            "RUS": (95.0, 62.0), "CAN": (-105.0, 58.0), "AUS": (134.0, -25.0)}  # fmt: skip


def test_clicking_the_map_opens_the_countrys_page_and_the_wheel_scrolls(
    page: Any, payload: dict[str, Any]
) -> None:
    Snapshot.objects.create(home="MEX", fingerprint="e2e", payload=payload)
    log_in(page, make_user("viewer").username)
    page.set_viewport_size({"width": 1400, "height": 800})
    page.goto("/?priority=aerospace")
    chart = page.locator("#chart-map")
    expect(chart).to_have_attribute("data-rendered", "1")
    # the wheel over the map scrolls the page (no zoom)
    chart.scroll_into_view_if_needed()
    page.evaluate("() => window.scrollTo(0, 0)")
    box = chart.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 300)
    page.wait_for_function("() => window.scrollY > 0")
    scores = payload["partners"]["aerospace"]["scores"]
    code = next(c for c in _CENTRES if c in scores)
    point = page.evaluate(
        "([lng, lat]) => echarts.getInstanceByDom(document.getElementById('chart-map'))"
        ".convertToPixel({seriesIndex: 0}, [lng, lat])",
        list(_CENTRES[code]),
    )
    box = chart.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    expect(page).to_have_url(re.compile(rf"/countries/{code}/$"))
    expect(page.locator("h1")).to_have_text(country_name(code, "es"))


def test_the_priority_selector_waits_for_its_button_and_the_heat_map_follows(
    page: Any, payload: dict[str, Any]
) -> None:
    Snapshot.objects.create(home="MEX", fingerprint="e2e", payload=payload)
    log_in(page, make_user("planner").username)
    page.goto("/?priority=lithium-value-chain")
    expect(page.locator("#chart-heat")).to_have_attribute("data-rendered", "1")

    def heat_rows() -> list[str]:
        return list(
            page.evaluate(
                "() => echarts.getInstanceByDom(document.getElementById('chart-heat'))"
                ".getOption().yAxis[0].data"
            )
        )

    lithium = heat_rows()
    assert lithium[0] == "México"
    assert lithium[1:] == [r["names"]["es"] for r in
                           payload["partners"]["lithium-value-chain"]["ranked"][:9]]  # fmt: skip
    select = page.locator("#priority-select")
    select.focus()
    page.keyboard.press("ArrowDown")  # WCAG 3.2.2: choosing does not reload the page
    page.wait_for_timeout(500)
    expect(page).to_have_url(re.compile(r"\?priority=lithium-value-chain$"))
    expect(select).to_be_focused()
    select.select_option("aerospace")
    page.get_by_role("button", name=said("Show", "es"), exact=True).click()
    expect(page).to_have_url(re.compile(r"priority=aerospace"))
    expect(page.locator("#chart-heat")).to_have_attribute("data-rendered", "1")
    aerospace = heat_rows()
    assert aerospace[1:] == [r["names"]["es"] for r in
                             payload["partners"]["aerospace"]["ranked"][:9]]  # fmt: skip
    assert aerospace != lithium


def test_every_country_priority_and_brief_is_within_three_clicks(
    page: Any, payload: dict[str, Any]
) -> None:
    """Following only links (<a href>) from the dashboard, breadth first: every country
    page, every priority page and the brief of every post the user may see. Country pages
    and briefs are not opened (each is a target; there are 270 countries): the pages
    crawled are the dashboard, the priorities, the countries index and the briefs list."""
    from vinculo.web.registry.models import Country, Post

    Snapshot.objects.create(home="MEX", fingerprint="e2e", payload=payload)
    france = Country.objects.create(code="FRA", name_es="Francia", name_en="France")
    paris = Post.objects.create(name="Embajada de México en Francia", kind="embassy",
                                host_country=france, city="París")  # fmt: skip
    officer = make_user("officer")
    officer.posts.add(paris)
    log_in(page, officer.username)
    wanted = {f"/countries/{c}/" for c in payload["iso_numeric"]
              if c != "MEX" and c in current_countries()}  # fmt: skip
    wanted |= {f"/priorities/{p['id']}/" for p in payload["priorities"]}
    wanted.add(f"/posts/{paris.pk}/brief.html")
    seen: dict[str, int] = {"/": 0}
    frontier = ["/"]
    for depth in (1, 2, 3):
        following = []
        for url in frontier:
            if url.startswith(("/posts/", "/countries/")) and url != "/countries/":
                continue  # a target: not crawled
            page.goto(url)
            hrefs = page.eval_on_selector_all(
                "main a[href]", "nodes => nodes.map(n => n.getAttribute('href'))"
            )
            for href in hrefs:
                path = href.split("?")[0]
                if (
                    path.startswith("/")
                    and path not in seen
                    and (path in wanted or path in ("/countries/", "/briefs/"))
                ):
                    seen[path] = depth
                    following.append(path)
        frontier = following
    missing = wanted - set(seen)
    assert not missing, sorted(missing)[:10]


def test_the_coverage_matrix_and_the_network_open_country_pages(
    page: Any, payload: dict[str, Any]
) -> None:
    Snapshot.objects.create(home="MEX", fingerprint="e2e", payload=payload)
    log_in(page, make_user("viewer").username)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto("/?priority=aerospace")
    data = json.loads(page.locator("#dashboard-data").text_content() or "{}")
    coverage = page.locator("#chart-coverage")
    expect(coverage).to_have_attribute("data-rendered", "1")
    coverage.scroll_into_view_if_needed()
    first = data["coverage"]["partners"][0]
    # the first partner's row, first priority's cell (a blank cell: a gap)
    point = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-coverage'))"
        ".convertToPixel({seriesIndex: 0}, [0, 0])"
    )
    box = coverage.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    expect(page).to_have_url(re.compile(rf"/countries/{first}/$"))
    page.go_back()
    network = page.locator("#chart-network")
    expect(network).to_have_attribute("data-rendered", "1")
    network.scroll_into_view_if_needed()
    page.wait_for_timeout(3000)  # the force layout settles
    top = data["network"][0]
    position = page.evaluate(
        """(name) => {
            const chart = echarts.getInstanceByDom(document.getElementById('chart-network'));
            const series = chart.getModel().getSeriesByIndex(0).getData();
            for (let i = 0; i < series.count(); i += 1) {
                if (series.getName(i) === name) { return series.getItemLayout(i); }
            }
            return null;
        }""",
        top["name"],
    )
    assert position is not None
    box = network.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + position[0], box["y"] + position[1])
    expect(page).to_have_url(re.compile(rf"/countries/{top['partner']}/$"))


def test_the_countries_index_filters_as_one_types(page: Any, payload: dict[str, Any]) -> None:
    Snapshot.objects.create(home="MEX", fingerprint="e2e", payload=payload)
    log_in(page, make_user("viewer").username)
    page.goto("/countries/")
    rows = page.locator("#countries tbody tr:visible")
    assert rows.count() > 200
    page.locator("#country-filter").press_sequentially("BELG")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bélgica")
    expect(page.locator("#countries-shown")).to_have_text("1")
    page.locator("#country-filter").fill("")
    page.locator("#country-filter").press_sequentially("alemania")
    rows.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/countries/DEU/$"))
