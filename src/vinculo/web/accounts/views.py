"""Account pages: the language switch (kept on the user's profile); the user's own page
(their API tokens: create with a name, revoke; the password change); the password reset by
e-mail (Django's flow, throttled, the same answer whether an account has the address or
not, the e-mail in the account's language)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from vinculo.web.accounts.models import ApiToken
from vinculo.web.accounts.services import (
    api_token_create,
    api_token_revoke,
    reset_allowed,
    user_password_changed,
    user_set_language,
)
from vinculo.web.clientaddress import client_address


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


# ---------------------------------------------------------------- the user's own page
_NEW_KEY = "vinculo_new_api_token"  # the session entry showing a new token's key once


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the script that uses it."),
    )


def _account_page(request: HttpRequest, form: TokenForm, status: int = 200) -> HttpResponse:
    context = {
        "tokens": ApiToken.objects.filter(user=request.user),
        "form": form,
        "new_key": request.session.pop(_NEW_KEY, None),
        "errors": [
            {"href": f"#{form[name].id_for_label}", "label": form[name].label, "message": m}
            for name, found in form.errors.items()
            for m in found
        ],
        "return_path": reverse_lazy("accounts:account"),
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    """The user's page: their API tokens (a new one's key shown once) and the way to
    change their password."""
    return _account_page(request, TokenForm())


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form)
    token, key = api_token_create(user=request.user, name=form.cleaned_data["name"])
    # shown once by the next page, from the session (kept on the server), then forgotten
    request.session[_NEW_KEY] = {"name": token.name, "key": key}
    return redirect("accounts:account")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's own tokens (another user's does not exist here: 404;
    administrators revoke other people's in the admin)."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    name = token.name
    api_token_revoke(user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": name})
    return redirect("accounts:account")


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user_password_changed(user=form.user, actor=form.user, how="change")
        messages.success(self.request, _("Your password is changed."))
        return response


# ---------------------------------------------------------------- the password reset
class ResetForm(PasswordResetForm):
    """Django's form; each e-mail in its account's language."""

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        context = kwargs.get("context") or args[2]
        language = getattr(context["user"], "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(*args, **kwargs)


class PasswordReset(auth_views.PasswordResetView):
    """Ask for a reset link. The same answer (the "sent" page) whether an account has the
    address or not; throttled per address typed and per client (429 past the limit, which
    does not depend on the address either)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = ResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        address = form.cleaned_data["email"]
        if not reset_allowed(address=address, client=client_address(self.request)):
            return render(self.request, "accounts/password_reset_throttled.html", status=429)
        return super().form_valid(form)


class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user_password_changed(user=form.user, actor=form.user, how="reset")
        axes_reset(username=form.user.get_username())  # a locked-out owner may sign in again
        return response


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
