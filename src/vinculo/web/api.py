"""The REST API, ``/api/v1/``: one NinjaAPI object; each app adds its router. Scripts
authenticate with a token (``Authorization: Bearer <token>``), the browser with its
session (CSRF-checked on writes). OpenAPI at ``/api/v1/openapi.json``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from ninja import NinjaAPI, Schema, Swagger
from ninja.security import HttpBearer, SessionAuth

from vinculo.web.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        # the language middleware ran before the token was read: answer in the user's
        translation.activate(found.user.language)
        request.LANGUAGE_CODE = found.user.language  # type: ignore[attr-defined]
        return found.user


def _signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The documentation (``/docs``) and the OpenAPI document are for users: a browser
    session, or a script's token; otherwise the page sends to the login and the document
    answers 401."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and TokenAuth().authenticate(request, header[7:]):
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": "Unauthorized"}, status=401)
        return redirect_to_login(request.get_full_path())

    return guarded


api = NinjaAPI(
    title="Vínculo API",
    version="1",
    description="Science-diplomacy intelligence: registry, insights and pipeline.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Swagger UI from ninja's own static files ("ninja" in INSTALLED_APPS), not a CDN; no
    # badge from validator.swagger.io either: the page loads nothing from another origin
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=_signed_in,
    auth=[TokenAuth(), SessionAuth(csrf=True)],
)


class MeOut(Schema):
    username: str
    role: str
    language: str
    posts: list[int]


@api.get("/me", response=MeOut, tags=["accounts"], summary="The authenticated user")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "username": user.username,
        "role": user.role,
        "language": user.language,
        "posts": sorted(user.posts.values_list("id", flat=True)),
    }


api.add_router("/registry", "vinculo.web.registry.api.router")
api.add_router("/insights", "vinculo.web.insights.api.router")
api.add_router("/pipeline", "vinculo.web.pipeline.api.router")
api.add_router("/people", "vinculo.web.people.api.router")
api.add_router("/mobility", "vinculo.web.mobility.api.router")
api.add_router("/transfer", "vinculo.web.transfer.api.router")
api.add_router("/forums", "vinculo.web.forums.api.router")
