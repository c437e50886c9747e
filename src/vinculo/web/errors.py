"""Error pages in the user's language, inside the page frame, with a way back: 403, 404,
405 and 500 for the browser. The API (``/api/``) keeps its JSON errors.

Django answers a method a view does not take (``require_POST``...) with an empty 405;
:class:`MethodNotAllowedPage` gives browsers the page instead (the ``Allow`` header kept).
The 500 page is rendered without the database or the request's context (whatever failed
may fail again), in the language the request was in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

_API = "/api/"


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    if request.path.startswith(_API):  # an address under the API that no operation serves
        return JsonResponse({"detail": title}, status=status)
    referer = request.META.get("HTTP_REFERER", "")
    back = (
        referer
        if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
        else ""
    )
    context = {"status": status, "error_title": title, "error_text": text, "back_url": back}
    return HttpResponse(loader.render_to_string("error.html", context, request), status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        _("You may not do this"),
        _("Your role does not allow this page or action. Ask a planner or an administrator "
          "if you need it."),
    )  # fmt: skip


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        _("Page not found"),
        _("The address does not lead to a page, or what it names is not visible to you."),
    )


def not_allowed(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        405,
        _("This address is a form's action"),
        _("It saves what a form sends and cannot be opened as a page. Go back to the page "
          "of the form, or to the dashboard."),
    )  # fmt: skip


def server_error(request: HttpRequest) -> HttpResponse:
    # no context processors: the database may be what failed
    context = {
        "status": 500,
        "error_title": _("Something went wrong"),
        "error_text": _(
            "The error was recorded. Nothing you sent was half-saved: try again in a moment."
        ),
    }
    html = loader.get_template("error_500.html").render(context)
    return HttpResponse(html, status=500)


class MethodNotAllowedPage:
    """An empty 405 for a browser page becomes the localized page (``Allow`` kept)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.content
            and not request.path.startswith(_API)
        ):
            page: Any = not_allowed(request)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page  # type: ignore[no-any-return]
        return response
