"""A person at the browser: logging in through the real form, the dashboard with one's
role, the language switch, logging out."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import expect

from vinculo.web.accounts.models import Role, User

PASSWORD = "a long demo passphrase 42"


def said(text: str, language: str) -> str:
    """``text`` as the application shows it in ``language`` (its translation catalogues)."""
    with translation.override(language):
        return translation.gettext(text)


def role_label(role: str, language: str) -> str:
    with translation.override(language):
        return str(Role(role).label)


def make_user(role: str, **extra: Any) -> User:
    return User.objects.create_user(username=f"e2e-{role}", password=PASSWORD, role=role, **extra)


def log_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Through the login form, as a person would: the page, the fields, the button."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name=said("Log in", "es")).click()
    expect(page).to_have_url(re.compile(r"/$"))


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_role_logs_in_and_sees_the_dashboard(page: Any, role: str) -> None:
    user = make_user(role)
    log_in(page, user.username)
    expect(page.locator("h1")).to_have_text(said("Dashboard", "es"))
    who = page.locator(".session .who")
    expect(who).to_contain_text(user.username)
    expect(who).to_contain_text(role_label(role, "es"))
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_a_wrong_password_is_refused_on_the_form(page: Any) -> None:
    user = make_user("viewer")
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill("not the password")
    page.get_by_role("button", name=said("Log in", "es")).click()
    expect(page.locator("p.error")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_the_language_switch_turns_the_page_to_english(page: Any) -> None:
    # the switch must change visible strings: pick ones the catalogues translate
    assert said("Log out", "es") != said("Log out", "en")
    user = make_user("planner")
    log_in(page, user.username)
    logout = page.locator("form[action$='/accounts/logout/'] button")
    expect(logout).to_have_text(said("Log out", "es"))
    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(logout).to_have_text("Log out")
    expect(page.locator(".session .who")).to_contain_text(role_label("planner", "en"))
    expect(page.get_by_role("button", name="Español")).to_be_visible()
    user.refresh_from_db()
    assert user.language == "en"  # kept on the profile: the next login is in English too


def test_logging_out_ends_the_session(page: Any) -> None:
    user = make_user("officer")
    log_in(page, user.username)
    page.locator("form[action$='/accounts/logout/'] button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("input[name=username]")).to_be_visible()
    page.goto("/")  # the dashboard asks for a login again
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
