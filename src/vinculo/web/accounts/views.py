"""Account pages: the language switch (kept on the user's profile)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vinculo.web.accounts.services import user_set_language


@login_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the user's language (every page follows it) and go back."""
    code = request.POST.get("language", "")
    if code not in ("es", "en"):
        return HttpResponseBadRequest("language: es or en")
    user_set_language(user=request.user, language=code)
    back = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return redirect(back)
