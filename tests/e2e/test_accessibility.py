"""WCAG 2.2 AA, checked by axe-core (4.12, through axe-playwright-python) in Chromium on
every page of the permission matrix that a persona may open, as that persona: no
violation of impact "serious" or "critical". Spanish for every persona, English for the
planner (who sees the most). The failure lists each rule, its impact, the first elements
and the page."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.pages import log_in, pages_for, snapshot, speak
from tests.web.conftest import Registry

pytestmark = pytest.mark.layout

SEVERE = ("serious", "critical")
#: WCAG 2.0-2.2 A and AA, and axe's best practices
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _violations(page: Any, axe: Axe) -> list[str]:
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS},
                                     "resultTypes": ["violations"]})  # fmt: skip
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in SEVERE:
            continue
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


@pytest.mark.parametrize(
    ("persona", "language"),
    [("viewer", "es"), ("officer_a", "es"), ("legal", "es"), ("planner", "es"),
     ("planner", "en"), ("admin", "es")],
)  # fmt: skip
def test_no_serious_accessibility_violation_on_any_page(
    page: Any,
    registry: Registry,
    persona: str,
    language: str,
) -> None:
    snapshot()
    log_in(page, speak(registry, persona, language))
    axe = Axe()
    problems: dict[str, list[str]] = {}
    paths = pages_for(persona, registry)
    assert len(paths) >= 15  # the matrix gives every role a site to read
    for path in paths:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        page.wait_for_load_state("load")
        found = _violations(page, axe)
        if found:
            problems[path] = found
    assert not problems, "\n".join(f"{p}: {v}" for p, vs in problems.items() for v in vs)


def test_the_login_page_has_no_serious_violation(page: Any) -> None:
    page.goto("/accounts/login/")
    assert _violations(page, Axe()) == []
