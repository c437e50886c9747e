"""Insight pages: the home dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vinculo.web.accounts.permissions import READ_ROLES, require_role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    return render(request, "insights/home.html", {})
