"""Administrators manage users (role, posts, language) and reference data in Django's admin."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_user_with_a_role(client, django_user_model):
    admin = django_user_model.objects.create_user(
        "ada", password="pw-for-tests-1", role="administrator", is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "nuevo", "password1": "a long passphrase 9!", "password2":
         "a long passphrase 9!", "usable_password": "true", "role": "planner",
         "language": "en"},
    )  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    created = django_user_model.objects.get(username="nuevo")
    assert (created.role, created.language) == ("planner", "en")
    assert created.check_password("a long passphrase 9!")


def test_people_without_staff_status_do_not_reach_the_admin(client, django_user_model):
    planner = django_user_model.objects.create_user("pia", password="pw-for-tests-1",
                                                    role="planner")  # fmt: skip
    client.force_login(planner)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url
