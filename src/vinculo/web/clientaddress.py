"""The client's address, for the login lockout and the password-reset throttle.

Directly exposed, it is ``REMOTE_ADDR``. Behind reverse proxies that address is the
proxy's, the same for everyone, and a lockout on (user name, address) would again lock a
user name for everyone: ``VINCULO_TRUSTED_PROXIES`` (settings.TRUSTED_PROXIES) says how
many proxies stand in front of the application, each appending the address it was reached
from to ``X-Forwarded-For``; the client is the entry that many places from the right (the
entries further left are written by the client and not trusted). Set it to the real number:
too high, and a client chooses its own address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str:
    """The client's IP address, or "" when the request has none (a request built in code,
    e.g. the test client's login): the lockout's log stores addresses in an IP column,
    which PostgreSQL checks."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    remote = remote if _valid(remote) else ""
    proxies = int(getattr(settings, "TRUSTED_PROXIES", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote  # fewer hops than configured: not through the proxies
    client = forwarded[-proxies]
    return client if _valid(client) else remote
