"""Insight pages: the home dashboard and the posts' briefs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from vinculo.settings import vinculo_home
from vinculo.strategy.capability import MissingEvidenceError
from vinculo.strategy.i18n import country_name
from vinculo.web.accounts.permissions import READ_ROLES, require_role
from vinculo.web.insights.selectors import coverage, snapshot_for
from vinculo.web.insights.services import brief_file
from vinculo.web.registry.selectors import (
    agreements_filter,
    agreements_visible_to,
    post_get_for_user,
    posts_visible_to,
)


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Capability heat map, partner map, co-authorship network, value chain, coverage."""
    require_role(request.user, READ_ROLES)
    snapshot = snapshot_for()
    if snapshot is None:
        return render(request, "insights/empty.html", status=200)
    payload = snapshot.payload
    ids = [p["id"] for p in payload["priorities"]]
    chosen = request.GET.get("priority", "")
    if chosen not in ids:
        chosen = next((p["id"] for p in payload["priorities"] if p["chain"]), ids[0])
    language = (get_language() or "es")[:2]
    data = {
        "language": language,
        "priority": chosen,
        "home": payload["home"],
        "home_name": payload["home_names"].get(language, payload["home"]),
        "priorities": payload["priorities"],
        "heat": payload["heat"],
        "components": payload["components"],
        "scores": payload["partners"][chosen]["scores"],
        "top": payload["partners"][chosen]["top"][:10],
        "network": payload["network"],
        "chain": payload["chains"].get(chosen),
        "iso_numeric": payload["iso_numeric"],
        "coverage": coverage(request.user, snapshot),
    }
    labels = {
        "percentile": _("percentile"),
        "score": _("score"),
        "works": _("works"),
        "agreements": _("agreements"),
        "rca": _("RCA"),
        "gap_stage": _("Gap stage"),
        "next_step": _("Closest next step"),
        "science": _("science"),
        "technology": _("technology"),
        "trade": _("trade"),
        "no_chain": _("This priority declares no value chain."),
    }
    context = {
        "labels": labels,
        "data": data,
        "snapshot": snapshot,
        "priorities": payload["priorities"],
        "chosen": chosen,
        "language": language,
        "top": data["top"],
        "datasets": payload["datasets"],
    }
    return render(request, "insights/home.html", context)


@login_required
@require_safe
def briefs(request: HttpRequest) -> HttpResponse:
    """The posts the user may see, each with its brief in Spanish and English, HTML or PDF."""
    require_role(request.user, READ_ROLES)
    posts = posts_visible_to(request.user).select_related("host_country")
    return render(request, "insights/briefs.html", {"posts": posts})


@login_required
@require_safe
def post_brief(request: HttpRequest, post_id: int, file_format: str) -> HttpResponse:
    """A post's brief (``?lang=es|en``): HTML shown in the browser, PDF downloaded."""
    require_role(request.user, READ_ROLES)
    post = post_get_for_user(request.user, post_id)  # 404 outside the user's posts
    language = request.GET.get("lang") or (get_language() or "es")[:2]
    if language not in ("es", "en") or file_format not in ("html", "pdf"):
        raise Http404
    store = vinculo_home() / "evidence.duckdb"
    if not store.exists():
        raise Http404("no evidence store")
    try:
        path = brief_file(
            host=post.host_country_id, language=language, file_format=file_format,
            store_path=store,
        )  # fmt: skip
    except MissingEvidenceError as error:
        raise Http404(str(error)) from None
    name = f"brief-{post.host_country_id}-{language}.{file_format}"
    content_type = "application/pdf" if file_format == "pdf" else "text/html; charset=utf-8"
    return FileResponse(
        path.open("rb"), content_type=content_type, as_attachment=file_format == "pdf",
        filename=name,
    )  # fmt: skip


_LISTED = 50  # agreements listed on a priority's page (the count says how many in all)


def _labels() -> dict[str, str]:
    """The names of components and factors in the active language."""
    return {
        "science": _("science"),
        "technology": _("technology"),
        "trade": _("trade"),
        "strength": _("strength"),
        "complementarity": _("complementarity"),
        "ties": _("ties"),
        "capacity": _("capacity"),
        "proximity": _("proximity"),
    }


def _snapshot_or_empty(request: HttpRequest) -> Any:
    snapshot = snapshot_for()
    if snapshot is None:
        return None, render(request, "insights/empty.html")
    return snapshot, None


def _named(entry: dict[str, Any], language: str) -> str:
    return str(entry.get("names", {}).get(language) or entry.get("id") or "")


@login_required
@require_safe
def priority_page(request: HttpRequest, priority_id: str) -> HttpResponse:
    """One priority: the home country's gaps, the ranked partners with their reasons, the
    value chain, and the agreements (visible to the user) that cover it."""
    require_role(request.user, READ_ROLES)
    snapshot, empty = _snapshot_or_empty(request)
    if empty is not None:
        return empty
    payload = snapshot.payload
    priority = next((p for p in payload["priorities"] if p["id"] == priority_id), None)
    if priority is None:
        raise Http404
    language = (get_language() or "es")[:2]
    ranked = payload["partners"][priority_id]["ranked"]
    covering = agreements_filter(agreements_visible_to(request.user), priority=priority_id)
    agreements = list(covering.order_by("-updated_at")[:_LISTED])  # fmt: skip
    context = {
        "priority": priority,
        "priority_name": _named(priority, language),
        "language": language,
        "gaps": [
            {**g, "component_label": _labels()[g["component"]]}
            for g in payload["gaps"]
            if g["priority"] == priority_id
        ],
        "partners": ranked[:20],
        "candidates": len(ranked),
        "chain": payload["chains"].get(priority_id),
        "agreements": agreements,
        "agreements_count": covering.count(),
        "factors": [_labels()[f] for f in payload["factors"]],
    }
    return render(request, "insights/priority.html", context)


@login_required
@require_safe
def country_page(request: HttpRequest, code: str) -> HttpResponse:
    """One country as a partner: its rank and reasons in every priority, co-authorship with
    the home country over time, the agreements with it the user may see."""
    require_role(request.user, READ_ROLES)
    snapshot, empty = _snapshot_or_empty(request)
    if empty is not None:
        return empty
    payload = snapshot.payload
    code = code.upper()
    if code not in payload["iso_numeric"] or code == payload["home"]:
        raise Http404
    language = (get_language() or "es")[:2]
    rows = []
    for priority in payload["priorities"]:
        ranked = payload["partners"][priority["id"]]["ranked"]
        found = next((r for r in ranked if r["partner"] == code), None)
        rows.append({"priority": _named(priority, language), "id": priority["id"],
                     "row": found, "candidates": len(ranked)})  # fmt: skip
    series = payload["coauthorship"].get(code, [])
    context = {
        "code": code,
        "name": country_name(code, language),
        "home_name": payload["home_names"].get(language, payload["home"]),
        "language": language,
        "rows": rows,
        "series": series,
        "series_vintage": payload.get("coauthorship_vintage", ""),
        "agreements": agreements_visible_to(request.user)
        .filter(partner_country_id=code)
        .order_by("-updated_at")[:_LISTED],
        "posts": posts_visible_to(request.user).filter(host_country_id=code),
    }
    return render(request, "insights/country.html", context)
