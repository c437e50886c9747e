"""The page frame (issue 18): the skip link, the navigation with the current page marked,
an officer's own posts and their briefs in the header, the administrator's way to the
admin site, the language switch (also on the login page, and never back to a form's
action), localized error pages with a way back, and the API's documentation served from
the project's own files to signed-in users only."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tests.web.conftest import Registry, login
from vinculo.web.accounts.models import ApiToken
from vinculo.web.errors import server_error

pytestmark = pytest.mark.django_db


def _speaking(registry: Registry, persona: str, language: str):
    user = registry.users[persona]
    user.language = language
    user.save(update_fields=["language"])
    return login(persona, registry)


def _current(html: str) -> list[str]:
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', html)


@pytest.mark.parametrize(
    ("language", "skip", "expected"),
    [("en", "Skip to content", "Opportunities"), ("es", "Saltar al contenido", "Oportunidades")],
)
def test_the_skip_link_comes_first_and_the_current_page_is_marked(
    registry: Registry, language: str, skip: str, expected: str
) -> None:
    client = _speaking(registry, "planner", language)
    html = client.get(reverse("pipeline:list")).content.decode()
    body = html.split("<body>", 1)[1]
    first_link = re.search(r"<a [^>]*>[^<]*</a>", body)
    assert first_link is not None
    assert first_link.group(0) == f'<a class="skip-link" href="#content">{skip}</a>'
    assert '<main id="content" tabindex="-1">' in html
    assert _current(html) == [expected]
    detail = reverse("pipeline:detail", kwargs={"opportunity_id": registry.opportunity_a.pk})
    assert _current(client.get(detail).content.decode()) == [expected]  # a page under it
    agreement = reverse(
        "registry:agreement_detail", kwargs={"agreement_id": registry.agreement_a.pk}
    )
    agreements = "Agreements" if language == "en" else "Acuerdos"
    assert _current(client.get(agreement).content.decode()) == [agreements]
    assert _current(client.get("/").content.decode()) == [
        "Dashboard" if language == "en" else "Tablero"
    ]


def test_an_officer_sees_their_posts_and_their_briefs_in_the_header(registry: Registry) -> None:
    html = _speaking(registry, "officer_a", "es").get("/").content.decode()
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    post = registry.post_a
    assert "Sus representaciones:" in header
    assert (
        f'href="{reverse("registry:post_detail", kwargs={"post_id": post.pk})}">{post.name}</a>'
        in header
    )
    brief = reverse("insights:post-brief", kwargs={"post_id": post.pk, "file_format": "html"})
    assert f'href="{brief}">informe</a>' in header
    assert registry.post_b.name not in header  # not theirs
    planner = _speaking(registry, "planner", "es").get("/").content.decode()
    assert "Sus representaciones:" not in planner


@pytest.mark.parametrize(
    ("persona", "sees_researchers"),
    [
        ("viewer", False),
        ("legal", False),
        ("officer_a", True),
        ("planner", True),
        ("admin", True),
    ],
)
def test_the_researchers_entry_only_for_the_roles_that_may_open_the_list(
    registry: Registry, persona: str, sees_researchers: bool
) -> None:
    """Every role gets the forums, transfer-model and mobility entries; the researchers
    (people's data) only those who may open the list (the permission matrix's 200s)."""
    client = _speaking(registry, persona, "en")
    nav = client.get("/").content.decode().split('<nav aria-label="Main">', 1)[1]
    nav = nav.split("</nav>", 1)[0]
    for name in ("forums:list", "transfer:comparison", "mobility:flows"):
        assert f'href="{reverse(name)}"' in nav
    assert (f'href="{reverse("people:list")}"' in nav) is sees_researchers
    assert client.get(reverse("people:list")).status_code == (200 if sees_researchers else 403)


def test_only_staff_get_the_link_to_the_admin_site(registry: Registry) -> None:
    admin = registry.users["admin"]
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    assert f'href="{reverse("admin:index")}"' in login("admin", registry).get("/").content.decode()
    assert (
        f'href="{reverse("admin:index")}"'
        not in login("planner", registry).get("/").content.decode()
    )


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Page not found"), ("es", "Página no encontrada")]
)
def test_a_missing_page_is_said_in_the_users_language_with_a_way_back(
    registry: Registry, language: str, title: str
) -> None:
    client = _speaking(registry, "planner", language)
    response = client.get("/no/such/page/", HTTP_REFERER="http://testserver/pipeline/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert f'<html lang="{language}">' in html
    assert 'href="/"' in html  # the dashboard
    assert 'href="http://testserver/pipeline/"' in html  # the page it came from
    assert 'aria-label="Main"' in html or 'aria-label="Principal"' in html  # the frame
    # a link from another site is not offered as the way back
    other = client.get("/no/such/page/", HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in other


def test_a_forbidden_page_is_said_in_spanish(registry: Registry) -> None:
    response = _speaking(registry, "viewer", "es").get(reverse("registry:agreement_create"))
    assert response.status_code == 403
    assert "<h1>No tiene permiso para esto</h1>" in response.content.decode()


def test_opening_a_forms_action_gives_a_page_not_a_bare_405(registry: Registry) -> None:
    client = _speaking(registry, "planner", "es")
    url = reverse("pipeline:status", kwargs={"opportunity_id": registry.opportunity_a.pk})
    response = client.get(url)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "<h1>Esta dirección es la acción de un formulario</h1>" in response.content.decode()
    api = client.get("/api/v1/pipeline/opportunities/999999/transitions")
    assert api.status_code == 404
    assert api.json() == {"detail": "Página no encontrada"}  # the API stays JSON


def test_the_server_error_page_needs_no_database_and_speaks_the_language() -> None:
    request = RequestFactory().get("/")
    with translation.override("es"):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Algo salió mal</h1>" in html
    assert 'href="/"' in html


def test_switching_language_after_a_failed_post_lands_on_a_page_that_opens(
    registry: Registry,
) -> None:
    client = _speaking(registry, "planner", "es")
    action = reverse("pipeline:status", kwargs={"opportunity_id": registry.opportunity_a.pk})
    detail = reverse("pipeline:detail", kwargs={"opportunity_id": registry.opportunity_a.pk})
    # the switch posted from a page whose address is the action: next names the action
    response = client.post(
        reverse("accounts:language"),
        {"language": "en", "next": action},
        HTTP_REFERER=f"http://testserver{detail}",
    )
    assert response.status_code == 302
    assert response["Location"] == detail  # back where the form was, not to a 405
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert '<html lang="en">' in page.content.decode()
    # nothing to go back to: the dashboard
    response = client.post(reverse("accounts:language"), {"language": "es", "next": action})
    assert response["Location"] == "/"
    # another site is never a destination
    response = client.post(
        reverse("accounts:language"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_after_a_post_the_switch_does_not_name_the_action(registry: Registry) -> None:
    client = _speaking(registry, "planner", "es")
    url = reverse("registry:agreement_create")
    html = client.post(url, {"title": ""}).content.decode()  # refused: the form again
    switch = html.split('action="/accounts/language/"', 1)[1].split("</form>", 1)[0]
    assert 'name="next" value=""' in switch
    assert f'name="next" value="{url}"' in client.get(url).content.decode()


@pytest.mark.parametrize(("language", "other"), [("es", "English"), ("en", "Español")])
def test_the_login_page_has_the_language_switch(language: str, other: str, client) -> None:
    client.cookies["django_language"] = language
    html = client.get("/accounts/login/").content.decode()
    assert f'<html lang="{language}">' in html
    assert f">{other}</button>" in html
    target = "en" if language == "es" else "es"
    switched = client.post(
        reverse("set_language"), {"language": target, "next": "/accounts/login/"}
    )
    assert switched.status_code == 302
    again = client.get("/accounts/login/").content.decode()
    assert f'<html lang="{target}">' in again


def test_the_api_documentation_is_for_users_and_loads_nothing_from_outside(
    registry: Registry,
) -> None:
    anonymous = login("anonymous", registry)
    response = anonymous.get("/api/v1/docs")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert anonymous.get("/api/v1/openapi.json").status_code == 401
    html = login("viewer", registry).get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle" in s for s in sources)
    assert sources
    assert all(s.startswith("/") for s in sources), sources  # same origin only
    _, key = ApiToken.issue(user=registry.users["viewer"], name="docs")
    document = anonymous.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert document.status_code == 200
    assert document.json()["info"]["title"] == "Vínculo API"
