"""Content-Security-Policy on every response: a strict policy, with a nonce per request.

Scripts, styles, fonts, images and connections come from this site only; no inline script
or style runs unless it carries the request's nonce (``{{ csp_nonce }}`` in templates, from
the context processor below) or its hash is listed by the view (:func:`allow_styles`, for a
document prepared in advance such as a post's brief). No plugin (``object-src 'none'``), no
``<base>`` rewriting, forms post to this site only, and no page may be framed.

``data:`` images are allowed: they are not another origin (the Swagger UI's stylesheet draws
its icons with them, ECharts exports its charts as them). ``style-src`` has no
``'unsafe-inline'``: a ``style=""`` attribute in markup is refused (styles set from a script
through the DOM, ``element.style``, are not markup and stay allowed).

Written here rather than taken from a package: Django 5.2 has no CSP of its own, and the
policy is a few lines. ``VINCULO_CSP_REPORT_ONLY=1`` (settings.CSP_REPORT_ONLY) sends it as
``Content-Security-Policy-Report-Only`` to try a change on a running site.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"
_STYLE_HASHES = "_vinculo_csp_style_hashes"
_STYLE_BLOCK = re.compile(rb"<style\b[^>]*>(.*?)</style\s*>", re.DOTALL | re.IGNORECASE)


def policy(nonce: str, style_hashes: Iterable[str] = ()) -> str:
    """The policy's text for one response."""
    styles = " ".join(f"'{value}'" for value in style_hashes)
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": f"'self' 'nonce-{nonce}'" + (f" {styles}" if styles else ""),
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def sha256_source(text: bytes) -> str:
    """A CSP hash source (without its quotes) for an inline element's exact content."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode("ascii")


def style_hashes(html: bytes) -> list[str]:
    """The hash sources of every ``<style>`` element of an HTML document."""
    return list(dict.fromkeys(sha256_source(match) for match in _STYLE_BLOCK.findall(html)))


def allow_styles(response: HttpResponse, html: bytes) -> HttpResponse:
    """Let the ``<style>`` elements of ``html`` (the response's document, served as it was
    prepared, without the request's nonce) apply: their hashes join ``style-src``."""
    setattr(response, _STYLE_HASHES, style_hashes(html))
    return response


class ContentSecurityPolicyMiddleware:
    """Give the request its nonce (``request.csp_nonce``) and the response the policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        header = REPORT_ONLY_HEADER if getattr(settings, "CSP_REPORT_ONLY", False) else HEADER
        if header not in response:
            response[header] = policy(nonce, getattr(response, _STYLE_HASHES, ()))
        return response


def nonce(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``csp_nonce`` for the rare inline element a template needs."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
