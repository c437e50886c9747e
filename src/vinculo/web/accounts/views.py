"""Account pages: the language switch (kept on the user's profile)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vinculo.web.accounts.services import user_set_language


def _answers_get(path: str) -> bool:
    """Whether the page at ``path`` (an address of this site) can be opened: it resolves,
    and its view is not one that answers 405 to a GET (a form's action, marked by
    ``require_POST``, which leaves its allowed methods on the wrapper's closure)."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return False
    view = match.func
    allowed = _allowed_methods(view)
    return allowed is None or "GET" in allowed


def _allowed_methods(view: object) -> set[str] | None:
    """The methods ``require_http_methods`` lets through ``view``; None when unrestricted."""
    while view is not None:
        for cell in getattr(view, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (
                isinstance(value, list)
                and value
                and all(isinstance(v, str) for v in value)
                and set(value) <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
            ):
                return set(value)
        view = getattr(view, "__wrapped__", None)
    return None


def back_to(request: HttpRequest, wanted: str) -> str:
    """Where to send the user after a switch: ``wanted`` when it is a page of this site
    that answers a GET, else the page they came from (Referer, same rules), else the
    dashboard."""
    for candidate in (wanted, request.META.get("HTTP_REFERER", "")):
        if not candidate:
            continue
        if not url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            continue
        parts = urlsplit(candidate)
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if _answers_get(local):
            return local
    return "/"


@login_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the user's language (every page follows it) and go back to a page that
    opens: never to a form's action, which answers 405 to a GET."""
    code = request.POST.get("language", "")
    if code not in ("es", "en"):
        return HttpResponseBadRequest("language: es or en")
    user_set_language(user=request.user, language=code)
    return redirect(back_to(request, request.POST.get("next", "")))
