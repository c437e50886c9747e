"""The Content-Security-Policy (vinculo.web.csp) and the pages' own resources.

Every answer of the permission matrix carries the strict policy (asserted in
test_permission_matrix.test_matrix); here: the admin, the API documentation, the error
pages, the nonce, and that no page loads a script, stylesheet, font or image from another
origin (the pages of the matrix for every persona, the admin's and the documentation's),
nor does any stylesheet it links.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest
from django.contrib import admin as django_admin
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests.web.conftest import PERSONAS, Registry, assert_strict_policy, login
from tests.web.test_permission_matrix import ROWS, TARGETS
from vinculo.web import csp
from vinculo.web.accounts.models import ApiToken, Role, User

pytestmark = pytest.mark.django_db

STATIC = "/static/"
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)


class _Resources(HTMLParser):
    """The addresses a page makes the browser load: scripts, stylesheets and icons (link),
    images, media, frames, objects; and ``url()`` in style attributes or elements."""

    LOADS: ClassVar[dict[str, tuple[str, ...]]] = {
        "script": ("src",),
        "link": ("href",),
        "img": ("src", "srcset"),
        "source": ("src", "srcset"),
        "video": ("src", "poster"),
        "audio": ("src",),
        "track": ("src",),
        "iframe": ("src",),
        "frame": ("src",),
        "embed": ("src",),
        "object": ("data",),
        "input": ("src",),
        "image": ("href", "xlink:href"),
        "use": ("href", "xlink:href"),
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.stylesheets: list[str] = []
        self.inline: list[str] = []  # inline <script>/<style> without a nonce, style=""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and "alternate" in values.get("rel", "").split():
            pass  # a link to another version of the page, not a load
        elif tag == "link" and "canonical" in values.get("rel", "").split():
            pass
        else:
            for name in self.LOADS.get(tag, ()):
                if values.get(name):
                    self.urls.extend(part.split()[0] for part in values[name].split(","))
        if tag == "link" and "stylesheet" in values.get("rel", "").split():
            self.stylesheets.append(values.get("href", ""))
        if "style" in values:
            self.inline.append(f'<{tag} style="{values["style"]}">')
        if any(name.startswith("on") for name in values):
            self.inline.append(f"<{tag}> with an event handler attribute")
        if tag == "style" or (
            tag == "script"
            and not values.get("src")
            and values.get("type", "") not in ("application/json", "application/ld+json")
        ):
            self._in = tag
            if not values.get("nonce"):
                self.inline.append(f"<{tag}> without a nonce")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.urls.extend(_CSS_URL.findall(data))


def _foreign(url: str) -> bool:
    """Whether the address is on another origin (``data:`` is not: it is in the page)."""
    url = url.strip()
    if url.startswith("data:") or url.startswith("#"):
        return False
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def _stylesheet_urls(href: str) -> list[str]:
    """The addresses a stylesheet of this site loads (``url()``, ``@import``); data: URIs,
    which may hold any text, left out."""
    assert href.startswith(STATIC), f"a stylesheet outside the static files: {href}"
    found = finders.find(urlsplit(href).path[len(STATIC) :])
    assert found, f"{href}: no such static file"
    text = Path(found).read_text(encoding="utf-8", errors="replace")
    text = re.sub(r"url\(\s*['\"]?data:[^)]*\)", "", text)
    return _CSS_URL.findall(text)


def _assert_own_resources(response: Any, where: str) -> None:
    parser = _Resources()
    parser.feed(response.content.decode())
    foreign = [url for url in parser.urls if _foreign(url)]
    assert not foreign, f"{where} loads from another origin: {foreign}"
    assert not parser.inline, f"{where} has inline code the policy refuses: {parser.inline}"
    for href in parser.stylesheets:
        foreign = [url for url in _stylesheet_urls(href) if _foreign(url)]
        assert not foreign, f"{where}: {href} loads from another origin: {foreign}"


def _pages(persona: str, registry: Registry) -> list[str]:
    """Every page of the matrix that ``persona`` may open (GET, 200)."""
    paths = [
        reverse(route, kwargs=TARGETS[target](registry))
        for route, method, target, statuses in ROWS
        if method == "GET" and ":" in route and statuses[persona] == 200
    ]
    return list(dict.fromkeys(paths))


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_loads_anything_from_another_origin(registry, persona):
    client = login(persona, registry)
    checked = 0
    for path in _pages(persona, registry):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict_policy(response)
        if response.get("Content-Type", "").startswith("text/html"):
            _assert_own_resources(response, path)
            checked += 1
    assert checked, "no page was checked"


@pytest.fixture
def staff(registry: Registry) -> Client:
    user = User.objects.create_superuser(
        "root", password="a-long-test-password-1", role=Role.ADMINISTRATOR, language="en"
    )
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_sends_the_policy_and_loads_only_its_own_files(registry, staff):
    token, _key = ApiToken.issue(user=registry.users["planner"], name="sync script")
    admin_user = registry.users["planner"]
    paths = [
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{admin_user.pk}/change/",
        "/admin/accounts/user/add/",
        "/admin/accounts/apitoken/",
        f"/admin/accounts/apitoken/{token.pk}/change/",
        f"/admin/accounts/user/{admin_user.pk}/password/",
    ]
    for path in paths:
        response = staff.get(path)
        assert response.status_code == 200, path
        assert_strict_policy(response)
        _assert_own_resources(response, path)
    anonymous_login = Client().get("/admin/login/")
    assert_strict_policy(anonymous_login)
    _assert_own_resources(anonymous_login, "/admin/login/")


def test_the_admin_change_list_style_carries_the_nonce(registry, staff, monkeypatch):
    """Django's change list has one inline <style> (a list without actions): ours gives
    it the request's nonce, the one the header names."""
    model_admin = django_admin.site._registry[ApiToken]
    monkeypatch.setattr(model_admin, "actions_on_top", False)
    monkeypatch.setattr(model_admin, "actions_on_bottom", False)
    response = staff.get("/admin/accounts/apitoken/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce
    assert f'<style nonce="{nonce.group(1)}">' in response.content.decode()
    _assert_own_resources(response, "/admin/accounts/apitoken/")


def test_the_api_documentation_is_served_from_the_application(viewer):
    response = viewer.get("/api/v1/docs")
    assert response.status_code == 200
    assert_strict_policy(response)
    _assert_own_resources(response, "/api/v1/docs")
    parser = _Resources()
    parser.feed(response.content.decode())
    assert parser.urls, "the documentation loads Swagger UI"
    for url in parser.urls:  # Swagger UI and its favicons, from ninja's static files
        assert url.startswith(f"{STATIC}ninja/"), url
        assert finders.find(url[len(STATIC) :]), f"{url}: not among the static files"
    # no badge from validator.swagger.io: the Swagger UI settings turn it off
    assert '"validatorUrl": null' in response.content.decode()


def test_error_pages_and_the_login_send_the_policy(registry, viewer):
    for response in (
        viewer.get("/no/such/page/"),
        viewer.post(reverse("insights:home")),  # 405
        Client().get(reverse("accounts:login")),
        Client().get("/api/v1/no-such-operation"),
        Client().get("/?q=%00"),  # refused before any view
    ):
        assert_strict_policy(response)


def test_each_request_has_its_own_nonce(registry, viewer):
    first = viewer.get(reverse("insights:home"))["Content-Security-Policy"]
    second = viewer.get(reverse("insights:home"))["Content-Security-Policy"]
    assert re.search(r"'nonce-[\w-]{20,}'", first)
    assert first != second


def test_report_only_mode(registry, viewer, settings):
    settings.CSP_REPORT_ONLY = True
    response = viewer.get(reverse("insights:home"))
    assert "Content-Security-Policy" not in response
    assert "'nonce-" in response["Content-Security-Policy-Report-Only"]


def test_style_hashes_of_a_prepared_document():
    html = b"<html><head><style>\nbody { color: red }\n</style></head><style>p{}</style>"
    assert csp.style_hashes(html) == [
        csp.sha256_source(b"\nbody { color: red }\n"),
        csp.sha256_source(b"p{}"),
    ]
    # the value a browser computes: base64 of the SHA-256 of the element's text
    assert csp.sha256_source(b"p{}") == "sha256-gG2yISYereRMiG2lMXrbiUgi0Ubw9p7QCeWcroOvy9Y="
