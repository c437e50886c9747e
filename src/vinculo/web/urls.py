"""URLs: pages per app, the API under /api/v1/, Django's admin for administrators."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from vinculo.web.api import api

urlpatterns = [
    path("", include("vinculo.web.insights.urls")),
    path("accounts/", include("vinculo.web.accounts.urls")),
    path("registry/", include("vinculo.web.registry.urls")),
    path("pipeline/", include("vinculo.web.pipeline.urls")),
    path("people/", include("vinculo.web.people.urls")),
    path("mobility/", include("vinculo.web.mobility.urls")),
    path("forums/", include("vinculo.web.forums.urls")),
    path("search/", include("vinculo.web.search")),
    path("transfer/", include("vinculo.web.transfer.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# error pages in the user's language, inside the page frame (vinculo.web.errors)
handler403 = "vinculo.web.errors.forbidden"
handler404 = "vinculo.web.errors.not_found"
handler500 = "vinculo.web.errors.server_error"
