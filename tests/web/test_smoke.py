"""The web application starts, serves its login page and its OpenAPI document."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_login_page_and_api_document(client):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert b"csrfmiddlewaretoken" in page.content
    # the API's document and its documentation are for users (tests/web/test_shell.py)
    assert client.get("/api/v1/openapi.json").status_code == 401
    assert client.get("/api/v1/docs").status_code == 302


def test_pages_need_a_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_nul_characters_are_refused_before_any_view(client, django_user_model):
    user = django_user_model.objects.create_user("vera", password="pw-for-tests-1", role="viewer")
    client.force_login(user)
    assert client.get("/api/v1/registry/agreements?priority=a%00b").status_code == 400
    assert client.get("/registry/agreements/?q=x%00").status_code == 400
    response = client.post("/api/v1/registry/agreements", data='{"title": "a\\u0000"}',
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert client.get("/api/v1/registry/agreements?priority=aerospace").status_code == 200
