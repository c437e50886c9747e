"""The keyboard alone (WCAG 2.1.1, 2.4.1, 3.2.2, 3.3.1): logging in; the skip link as the
first stop, taking the focus to the content; the dashboard's priority selector, which
changes nothing until its button is pressed; and an opportunity logged field by field
with Tab, whose refusal moves the focus to the error summary."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import snapshot, speak
from tests.web.conftest import PASSWORD, Registry
from vinculo.web.pipeline.models import Opportunity


def _focused(page: Any) -> str:
    """The focused element, as ``tag#id[name]`` (what a test can compare)."""
    return str(
        page.evaluate(
            "() => { const e = document.activeElement; return e.tagName.toLowerCase() + "
            "(e.id ? '#' + e.id : '') + (e.name ? '[' + e.name + ']' : '') +"
            "(e.classList.length ? '.' + e.classList[0] : ''); }"
        )
    )


def _tab_to(page: Any, wanted: str, most: int = 80) -> None:
    """Press Tab until the element ``wanted`` (as :func:`_focused` says it) has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if _focused(page).startswith(wanted):
            return
    raise AssertionError(f"{wanted} never took the focus (last: {_focused(page)})")


def _log_in_by_keyboard(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    assert _focused(page) == "input[username]"  # the field has the focus on arrival
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert _focused(page) == "input[password]"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/$"))


def test_log_in_and_skip_to_the_content_by_keyboard(
    page: Any,
    registry: Registry,
) -> None:
    _log_in_by_keyboard(page, speak(registry, "planner", "es"))
    page.keyboard.press("Tab")
    assert _focused(page) == "a.skip-link"  # the first stop
    expect(page.locator("a.skip-link")).to_be_in_viewport()  # and visible while focused
    page.keyboard.press("Enter")
    assert _focused(page) == "main#content"
    page.keyboard.press("Tab")  # the next stop is inside the content, past the header
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_the_priority_selector_waits_for_its_button(
    page: Any,
    registry: Registry,
) -> None:
    snapshot()
    _log_in_by_keyboard(page, speak(registry, "planner", "es"))
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    _tab_to(page, "select#priority-select")
    before = page.locator("select#priority-select").input_value()
    page.keyboard.press("ArrowUp")  # the snapshot's two priorities: the other one
    page.wait_for_timeout(500)
    assert navigations == []  # nothing reloaded
    assert _focused(page).startswith("select#priority-select")  # the focus stayed
    chosen = page.locator("select#priority-select").input_value()
    assert (before, chosen) == ("lithium-value-chain", "aerospace")
    page.keyboard.press("Tab")
    assert _focused(page).startswith("button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]priority={re.escape(chosen)}"))


@pytest.mark.parametrize("language", ["es", "en"])
def test_an_opportunity_is_logged_by_keyboard_and_a_refusal_takes_the_focus(
    page: Any,
    registry: Registry,
    language: str,
) -> None:
    _log_in_by_keyboard(page, speak(registry, "officer_a", language))
    page.goto("/pipeline/new/")
    _tab_to(page, "input#id_title")
    page.keyboard.type("Laboratorio de baterías busca socio mexicano")
    page.keyboard.press("Tab")
    assert _focused(page).startswith("textarea#id_description")
    page.keyboard.type("Acceso a la línea piloto de celdas de ion de litio y cofinanciamiento.")
    _tab_to(page, "select#id_kind")
    page.keyboard.type("Coinv" if language == "es" else "Co-inv")  # a select finds by typing
    _tab_to(page, "select#id_host_country")
    page.keyboard.type("Alemania" if language == "es" else "Germany")
    _tab_to(page, "input#id_amount_offered")
    page.keyboard.type("50000")  # an amount without its currency: refused by the server
    _tab_to(page, "button")
    while page.evaluate("() => document.activeElement.type") != "submit":
        page.keyboard.press("Tab")
    page.wait_for_load_state("networkidle")  # the suggestions asked for as one types
    page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert not Opportunity.objects.filter(title__startswith="Laboratorio de baterías").exists()
    # the summary's link takes the focus to the field; the currency typed, the form goes
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert _focused(page) == "input#id_currency[currency]"
    page.keyboard.type("EUR")
    while page.evaluate("() => document.activeElement.type") != "submit":
        page.keyboard.press("Tab")
    page.wait_for_load_state("networkidle")  # the suggestions asked for as one types
    page.keyboard.press("Enter")
    # the new opportunity's page (a redirect keeps the fragment the summary's link left)
    expect(page).to_have_url(re.compile(r"/pipeline/\d+/(#id_currency)?$"))
    logged = Opportunity.objects.get(title__startswith="Laboratorio de baterías")
    assert (logged.kind, logged.host_country_id, logged.currency) == ("co_investment", "DEU", "EUR")
    assert int(logged.amount_offered or 0) == 50000
