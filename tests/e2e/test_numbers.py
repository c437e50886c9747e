"""The charts write numbers as the tables and the briefs do (es-MX: 0.52, 11,873), in the
browser: a tooltip of the value chain, of the co-authorship network and of a country's
co-authorship line, in Spanish and in English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import log_in, make_user
from tests.web.test_insights import _small_payload
from vinculo.web.insights.models import Snapshot


def _payload() -> dict[str, Any]:
    payload = _small_payload()
    payload["chains"]["lithium-value-chain"]["stages"][0]["rca"] = 0.521
    payload["network"][0]["works"] = 11873.0
    payload["coauthorship"]["FRA"] = [[2022, 1234.567], [2023, 11873.0]]
    return payload


def _tooltip(page: Any, chart: str, series: int, item: int) -> Any:
    """Shows the tooltip of one item of a drawn chart, as hovering it does; the tooltip is
    an element inside the chart's container."""
    expect(page.locator(f"#{chart}")).to_have_attribute("data-rendered", "1")
    page.evaluate(
        """([id, series, item]) => echarts.getInstanceByDom(document.getElementById(id))
               .dispatchAction({ type: "showTip", seriesIndex: series, dataIndex: item })""",
        [chart, series, item],
    )
    return page.locator(f"#{chart}")


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_charts_write_numbers_as_the_pages_do(page: Any, language: str) -> None:
    Snapshot.objects.create(home="MEX", fingerprint="numbers", payload=_payload())
    user = make_user("planner", language=language)
    log_in(page, user.username)
    page.goto("/?priority=lithium-value-chain")
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert page.evaluate("() => vinculoNumbers.format(1234.567, 2)") == "1,234.57"
    chain = _tooltip(page, "chart-chain", 0, 0)  # an RCA of 0.521, two decimals as the table
    expect(chain).to_contain_text(re.compile(r"\b0\.52(?!\d)"))
    expect(chain).not_to_contain_text("0,52")
    network = _tooltip(page, "chart-network", 0, 1)  # node 0 is the home country
    expect(network).to_contain_text("11,873")
    page.goto("/countries/FRA/")
    line = _tooltip(page, "chart-coauthorship", 0, 1)
    expect(line).to_contain_text("11,873")
    expect(line).not_to_contain_text("11873")
