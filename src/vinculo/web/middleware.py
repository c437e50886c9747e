"""Requests carrying NUL characters are refused (400) before any view: PostgreSQL text
cannot hold them, and no user text needs them. Checked: the query string, and JSON or
form-encoded bodies (uploaded files, which may hold any byte, are not inspected)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

_TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded")


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query.lower() or "\x00" in query or "\x00" in request.path:
            return HttpResponseBadRequest("NUL characters are not accepted")
        if request.content_type in _TEXT_BODIES:
            body = request.body
            if b"\x00" in body or b"\\u0000" in body or b"%00" in body:
                return HttpResponseBadRequest("NUL characters are not accepted")
        return self.get_response(request)
