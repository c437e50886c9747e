"""The mobility page's Sankey diagram and the dashboard's map of Mexico's researchers
abroad, in a real browser under the Content-Security-Policy (a violation in the console
fails the test, see conftest.page): each chart draws on its canvas, from the data the page
embeds; the Sankey's check box splits the flows by priority; an officer's map holds only
the host countries of the officer's posts; a country on the map opens its diaspora page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.test_browser import PASSWORD, log_in
from tests.e2e.test_dashboard import _painted
from tests.web.conftest import Registry
from tests.web.test_insights import _small_payload
from tests.web.test_mobility import mobility  # noqa: F401  (the mobility records)
from tests.web.test_people import people  # noqa: F401  (the researcher profiles)
from vinculo.web.insights.models import Snapshot


def _as(page: Any, registry: Registry, persona: str, language: str = "es") -> None:
    user = registry.users[persona]
    user.set_password(PASSWORD)
    user.language = language
    user.save()
    log_in(page, user.username)


def _series(page: Any, chart: str) -> Any:
    """The chart's first series as ECharts holds it (its type, nodes or data, links)."""
    return page.evaluate(
        """(id) => {
            const s = echarts.getInstanceByDom(document.getElementById(id)).getOption().series[0];
            return { type: s.type, data: s.data, links: s.links || [] };
        }""",
        chart,
    )


def test_the_mobility_page_draws_the_sankey_and_splits_it_by_priority(
    page: Any,
    registry: Registry,
    mobility: Any,  # noqa: F811
) -> None:
    _as(page, registry, "planner")
    page.goto("/mobility/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    sankey = page.locator("#chart-sankey")
    expect(sankey).to_have_attribute("data-rendered", "1")
    expect(page.locator("#chart-mobility")).to_have_attribute("data-rendered", "1")
    expect(sankey.locator("canvas")).to_have_count(1)
    assert _painted(page, "chart-sankey") > 500
    drawn = _series(page, "chart-sankey")
    assert drawn["type"] == "sankey"
    assert sorted(n["name"] for n in drawn["data"]) == ["Alemania", "Francia", "Francia", "México"]
    links = {(link["source"], link["target"]): link["value"] for link in drawn["links"]}
    assert links == {("in:DEU", "MEX"): 3, ("in:FRA", "MEX"): 1, ("MEX", "out:FRA"): 3}
    # the table stays, the accessible alternative the chart points to
    expect(page.locator("#mobility-table-summary")).to_be_visible()
    expect(sankey).to_have_attribute("aria-describedby", "mobility-table-summary")

    split = page.get_by_label("Desglosar por prioridad")
    expect(split).to_be_visible()
    split.check()
    expect(sankey).to_have_attribute("data-split", "1")
    expect(sankey).to_have_attribute("data-rendered", "1")
    drawn = _series(page, "chart-sankey")
    assert {n["name"] for n in drawn["data"]} >= {"Baterías de alto desempeño", "Sin prioridad"}
    assert len(drawn["links"]) == 7
    assert _painted(page, "chart-sankey") > 500
    split.uncheck()
    expect(sankey).to_have_attribute("data-rendered", "1")
    assert len(_series(page, "chart-sankey")["links"]) == 3


def _diaspora_map(page: Any) -> dict[str, int]:
    """The host countries coloured on the drawn map, with their counts."""
    chart = page.locator("#chart-diaspora")
    expect(chart).to_have_attribute("data-rendered", "1")
    expect(chart.locator("canvas")).to_have_count(1)
    assert _painted(page, "chart-diaspora") > 500
    drawn = _series(page, "chart-diaspora")
    assert drawn["type"] == "map"
    return {d["name"]: d["value"] for d in drawn["data"] if d.get("value") is not None}


def test_the_dashboard_maps_the_diaspora_the_role_may_see(
    page: Any,
    registry: Registry,
    people: Any,  # noqa: F811
) -> None:
    """With a snapshot (beside the partner map) and without one (the empty dashboard)."""
    _as(page, registry, "planner")
    page.goto("/")  # no snapshot yet: the empty dashboard draws the card's map too
    assert _diaspora_map(page) == {"DEU": 1, "FRA": 1, "GBR": 1}
    Snapshot.objects.create(home="MEX", fingerprint="charts", payload=_small_payload())
    page.goto("/")
    expect(page.locator("#chart-map")).to_have_attribute("data-rendered", "1")
    assert _diaspora_map(page) == {"DEU": 1, "FRA": 1, "GBR": 1}
    expect(page.locator("#chart-diaspora")).to_have_attribute(
        "aria-describedby", "diaspora-table-caption"
    )
    expect(page.locator("#dashboard-diaspora tr[data-country]")).to_have_count(3)
    # a country on the map opens its diaspora page
    page.set_viewport_size({"width": 1400, "height": 900})
    chart = page.locator("#chart-diaspora")
    chart.scroll_into_view_if_needed()
    point = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-diaspora'))"
        ".convertToPixel({seriesIndex: 0}, [10.4, 51.1])"  # Germany
    )
    box = chart.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    expect(page).to_have_url(re.compile(r"/people/diaspora/DEU/$"))

    page.context.clear_cookies()
    _as(page, registry, "officer_a")  # post A, in France
    page.goto("/")
    assert _diaspora_map(page) == {"FRA": 1}
