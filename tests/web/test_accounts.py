"""Accounts: the login lockout on (user name, client address), the password reset by
e-mail (both languages, throttled, no enumeration), the password change, and the user's API
tokens (create with a name, revoke; per role)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.web.conftest import PASSWORD, PERSONAS, Registry, login
from vinculo.web.accounts import services
from vinculo.web.accounts.models import ApiToken, PasswordResetRequest
from vinculo.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-password-2"
SIGNED_IN = [persona for persona in PERSONAS if persona != "anonymous"]


def _fail(client: Client, username: str, times: int) -> list[int]:
    url = reverse("accounts:login")
    return [
        client.post(url, {"username": username, "password": "wrong"}).status_code
        for _ in range(times)
    ]


# ---------------------------------------------------------------- lockout
def test_brute_force_from_one_address_is_locked(registry):
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert _fail(client, "olga", 5) == [200, 200, 200, 200, 429]
    locked = client.post(reverse("accounts:login"), {"username": "olga", "password": PASSWORD})
    assert locked.status_code == 429  # the right password too, from that address
    assert "_auth_user_id" not in client.session


def test_a_name_alone_cannot_lock_its_owner_out(registry):
    """Someone guessing officers' names from one address locks only that pair: the officer
    signs in from their own address."""
    _fail(Client(REMOTE_ADDR="203.0.113.7"), "olga", 8)
    officer = Client(REMOTE_ADDR="198.51.100.20")
    response = officer.post(reverse("accounts:login"), {"username": "olga", "password": PASSWORD})
    assert response.status_code == 302
    assert officer.session["_auth_user_id"] == str(registry.users["officer_a"].pk)


def test_behind_a_proxy_the_client_is_the_forwarded_address(registry, settings):
    """Behind one reverse proxy (VINCULO_TRUSTED_PROXIES=1) every request comes from the
    proxy's address: the lockout uses the client's, from X-Forwarded-For, and an entry the
    client wrote itself (further left) is not believed."""
    settings.TRUSTED_PROXIES = 1
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20, 203.0.113.7")
    assert _fail(attacker, "olga", 5)[-1] == 429
    # the attacker cannot pose as the officer by writing their address first: still locked
    again = attacker.post(reverse("accounts:login"), {"username": "olga", "password": PASSWORD})
    assert again.status_code == 429
    officer = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    response = officer.post(reverse("accounts:login"), {"username": "olga", "password": PASSWORD})
    assert response.status_code == 302


# ---------------------------------------------------------------- password reset
def _ask_reset(client: Client, address: str, language: str = "en") -> object:
    return client.post(
        reverse("accounts:password_reset"), {"email": address}, HTTP_ACCEPT_LANGUAGE=language
    )


def _link(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.mark.parametrize("language", ["en", "es"])
def test_reset_by_e_mail(registry, language):
    user = registry.users["officer_a"]
    user.language = language
    user.save()
    client = Client()
    response = _ask_reset(client, "OLGA@example.org", language)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olga@example.org"]
    # the e-mail in the account's language
    if language == "es":
        assert "contraseña" in message.subject.lower()
        assert "Hola olga" in message.body
    else:
        assert "password" in message.subject.lower()
        assert "Hello olga" in message.body
    # the link leads to the form (Django moves the token to the session first)
    page = client.get(_link(message), follow=True)
    assert page.status_code == 200
    assert b"new_password1" in page.content
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="user.password_reset", object_id=str(user.pk))
    # the link works once
    assert b"new_password1" not in client.get(_link(message), follow=True).content
    signed_in = Client().post(
        reverse("accounts:login"), {"username": "olga", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


@pytest.mark.parametrize("language", ["en", "es"])
def test_reset_pages_in_both_languages(registry, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    expected = {
        "accounts:password_reset": ("Forgotten password", "Contraseña olvidada"),
        "accounts:password_reset_done": ("Check your e-mail", "Revise su correo"),
        "accounts:password_reset_complete": ("Password saved", "Contraseña guardada"),
        "accounts:login": ("Forgot your password?", "¿Olvidó su contraseña?"),
    }
    for route, (english, spanish) in expected.items():
        text = client.get(reverse(route)).content.decode()
        assert (spanish if language == "es" else english) in text, route
    bad = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "not-a-valid-token"])
    ).content.decode()
    assert ("Solicite uno nuevo" if language == "es" else "Ask for a new one") in bad


def test_the_answer_is_the_same_whether_the_address_has_an_account(registry):
    known = _ask_reset(Client(), "olga@example.org")
    unknown = _ask_reset(Client(), "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1  # only the account's owner gets an e-mail
    same_pages = [
        Client().get(response["Location"]).content.decode() for response in (known, unknown)
    ]
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", same_pages[0]) == strip.sub("", same_pages[1])


def test_reset_requests_are_throttled_per_address_and_per_client(registry):
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [_ask_reset(client, "olga@example.org").status_code for _ in range(4)]
    assert statuses == [302] * services.RESET_PER_ADDRESS + [429]
    assert len(mail.outbox) == services.RESET_PER_ADDRESS
    # the same limit for an address nobody has: the throttle reveals nothing either
    statuses = [_ask_reset(client, "nobody@example.org").status_code for _ in range(4)]
    assert statuses == [302] * services.RESET_PER_ADDRESS + [429]
    # per client: another address from the same client, past the client's limit
    for n in range(services.RESET_PER_CLIENT):
        _ask_reset(client, f"someone{n}@example.org")
    assert _ask_reset(client, "vera@example.org").status_code == 429
    # the owner's own address, from elsewhere, is still throttled (per address) ...
    assert _ask_reset(Client(REMOTE_ADDR="198.51.100.20"), "olga@example.org").status_code == 429
    # ... and another user from elsewhere is not
    assert _ask_reset(Client(REMOTE_ADDR="198.51.100.20"), "lena@example.org").status_code == 302
    # typed addresses are kept as hashes only
    assert not PasswordResetRequest.objects.filter(address_hash__contains="@")


# ---------------------------------------------------------------- password change
@pytest.mark.parametrize("persona", SIGNED_IN)
def test_users_change_their_password(registry, persona):
    client = login(persona, registry)
    user = registry.users[persona]
    wrong = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:account")).status_code == 200  # still signed in
    assert AuditEvent.objects.filter(action="user.password_change", object_id=str(user.pk))


# ---------------------------------------------------------------- API tokens
@pytest.mark.parametrize("persona", SIGNED_IN)
def test_each_role_creates_names_uses_and_revokes_its_tokens(registry, persona):
    client = login(persona, registry)
    user = registry.users[persona]
    created = client.post(reverse("accounts:token_create"), {"name": "nightly export"})
    assert created.status_code == 302
    page = client.get(reverse("accounts:account")).content.decode()
    key = re.search(r'<code class="token-key">([^<]+)</code>', page)
    assert key, "the new key is shown"
    token = ApiToken.objects.get(user=user, name="nightly export")
    assert token.key_hash == ApiToken.hash(key.group(1))
    assert "nightly export" in page
    # shown once
    assert key.group(1) not in client.get(reverse("accounts:account")).content.decode()
    # the token works for the API, as this user
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key.group(1)}")
    me = api.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["role"] == user.role
    # revoked: the key stops working
    revoked = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert revoked.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert api.get("/api/v1/me").status_code == 401
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"api_token.create", "api_token.revoke"} <= actions


def test_a_token_needs_a_name_and_others_tokens_are_out_of_reach(registry):
    client = login("officer_b", registry)
    empty = client.post(reverse("accounts:token_create"), {"name": "  "})
    assert empty.status_code == 200
    assert 'class="error-summary"' in empty.content.decode()
    assert not ApiToken.objects.filter(user=registry.users["officer_b"]).exists()
    # officer A's token: not listed, not revocable (it does not exist for B)
    page = client.get(reverse("accounts:account")).content.decode()
    assert registry.token_a.name not in page
    revoke = client.post(reverse("accounts:token_revoke", args=[registry.token_a.pk]))
    assert revoke.status_code == 404
    assert ApiToken.objects.filter(pk=registry.token_a.pk).exists()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_account_pages_in_both_languages(registry: Registry, language):
    client = login("officer_a", registry)
    client.post(reverse("accounts:language"), {"language": language})
    page = client.get(reverse("accounts:account")).content.decode()
    assert ("Sus tokens de la API" if language == "es" else "Your API tokens") in page
    assert registry.token_a.name in page
    change = client.get(reverse("accounts:password_change")).content.decode()
    assert ("Cambiar su contraseña" if language == "es" else "Change your password") in change
