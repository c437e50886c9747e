"""The page frame's navigation, for every template (a context processor): the main
entries with the one the page belongs to marked (``aria-current="page"``), the signed-in
officer's own posts (each with its brief), and the administrator's link to the admin site.

A page belongs to an entry by its URL name (namespace and name prefixes below), so a new
page of an app falls under its entry without touching the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vinculo.web.accounts.models import Role


@dataclass(frozen=True)
class Entry:
    label: Any  # a lazy translation
    url_name: str
    pages: tuple[str, ...]  # "namespace:name" prefixes of the pages under this entry
    roles: frozenset[str] | None = None  # who sees the entry (None: every role)


ENTRIES = (
    Entry(_("Dashboard"), "insights:home", ("insights:home", "insights:priority")),
    Entry(_("Countries"), "insights:countries", ("insights:countries", "insights:country")),
    Entry(_("Briefs"), "insights:briefs", ("insights:briefs", "insights:post-brief")),
    Entry(_("Evidence"), "insights:evidence", ("insights:evidence",)),
    Entry(_("Opportunities"), "pipeline:list", ("pipeline:",)),
    Entry(_("Agreements"), "registry:agreement_list", ("registry:agreement", "registry:ip_")),
    Entry(_("Renewals"), "registry:renewal_list", ("registry:renewal",)),
    Entry(_("Posts"), "registry:post_list", ("registry:post",)),
    Entry(_("Institutions"), "registry:institution_list", ("registry:institution",)),
    Entry(_("Projects"), "registry:project_list", ("registry:project", "registry:milestone")),
    Entry(_("Forums"), "forums:list", ("forums:",)),
    Entry(_("Transfer models"), "transfer:comparison", ("transfer:",)),
    Entry(_("Mobility"), "mobility:flows", ("mobility:",)),
    # researchers are people's data: the entry only for the roles that may open the list
    Entry(
        _("Researchers"),
        "people:list",
        ("people:",),
        frozenset({Role.OFFICER, Role.PLANNER, Role.ADMINISTRATOR}),
    ),
)


def _current(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name:
        return ""
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def navigation(request: HttpRequest) -> dict[str, Any]:
    """``back_path``: where the language switch returns (this page on a GET; empty after a
    POST, whose address is a form's action); ``nav``: the entries (label, url, current);
    ``my_posts``: an officer's posts (name, page, brief); ``admin_url`` for
    administrators. Anonymous visitors get ``back_path`` only."""
    back = {"back_path": request.get_full_path() if request.method in ("GET", "HEAD") else ""}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return back
    current = _current(request)
    nav = [
        {
            "label": entry.label,
            "url": reverse(entry.url_name),
            "current": any(current.startswith(prefix) for prefix in entry.pages),
        }
        for entry in ENTRIES
        if entry.roles is None or user.role in entry.roles
    ]
    context: dict[str, Any] = {**back, "nav": nav}
    if user.role == Role.OFFICER:
        context["my_posts"] = [
            {
                "name": post.name,
                "url": reverse("registry:post_detail", kwargs={"post_id": post.pk}),
                "brief": reverse(
                    "insights:post-brief", kwargs={"post_id": post.pk, "file_format": "html"}
                ),
            }
            for post in user.posts.order_by("name").only("pk", "name")
        ]
    if user.is_staff:
        context["admin_url"] = reverse("admin:index")
    return context
