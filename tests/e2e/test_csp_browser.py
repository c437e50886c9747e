"""The browser enforces the application's Content-Security-Policy, and the tests see its
violations: every ``page`` fixture fails its test on one (tests/e2e/conftest.py); here, that
the watch does catch an inline script, an inline style attribute and another origin's
image, and that the API documentation (Swagger UI, served by the application) and the
password pages run under the policy without one."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import csp_violations, watch_console
from tests.e2e.test_browser import PASSWORD, log_in, make_user, said

pytestmark = pytest.mark.django_db(transaction=True)


def test_violations_are_seen(browser: Any, live_server: Any) -> None:
    context = browser.new_context(base_url=live_server.url)
    messages = watch_console(context)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.evaluate(
            """() => {
              const box = document.createElement('div');
              box.innerHTML = '<p style="color: red">styled</p><img src="https://example.org/x.png">';
              document.body.appendChild(box);
              const script = document.createElement('script');
              script.textContent = 'window.ranInline = true';
              document.body.appendChild(script);
            }"""
        )
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.ranInline === undefined")  # blocked
    finally:
        context.close()
    found = "\n".join(csp_violations(messages))
    assert "style-src" in found
    assert "script-src" in found
    assert "img-src" in found


def test_the_api_documentation_runs_under_the_policy(page: Any) -> None:
    make_user("viewer")
    log_in(page, "e2e-viewer")
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .information-container")).to_be_visible()
    expect(page.get_by_text("/api/v1/me").first).to_be_visible()
    # the page fixture fails the test on any violation


def test_the_account_page_and_password_reset_run_under_the_policy(page: Any) -> None:
    make_user("officer", email="officer@example.org")
    page.goto("/accounts/login/")
    page.get_by_role("link", name=said("Forgot your password?", "es")).click()
    page.locator("input[name=email]").fill("officer@example.org")
    page.get_by_role("button", name=said("Send the link", "es")).click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/sent/$"))
    log_in(page, "e2e-officer", PASSWORD)
    page.goto("/accounts/")
    page.locator("input[name=name]").fill("nightly export")
    page.get_by_role("button", name=said("Create the token", "es")).click()
    expect(page.locator("code.token-key")).to_be_visible()
