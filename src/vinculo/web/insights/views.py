"""Insight pages: the home dashboard and the posts' briefs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from vinculo.settings import vinculo_home
from vinculo.strategy.capability import MissingEvidenceError
from vinculo.strategy.i18n import country_name, share
from vinculo.web.accounts.permissions import READ_ROLES, require_role
from vinculo.web.formatting import number
from vinculo.web.insights.models import Snapshot
from vinculo.web.insights.selectors import coverage, snapshot_derived, snapshot_for
from vinculo.web.insights.services import brief_file
from vinculo.web.pipeline.selectors import opportunities_visible_to
from vinculo.web.pipeline.summaries import funnel_bars
from vinculo.web.registry.models import Agreement
from vinculo.web.registry.selectors import (
    agreements_filter,
    agreements_visible_to,
    post_get_for_user,
    posts_visible_to,
)

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _json_text(value: Any) -> str:
    """``value`` as JSON, escaped as Django's ``json_script`` escapes it (no ``<``, ``>``
    or ``&``: safe inside a script element)."""
    return json.dumps(value, cls=DjangoJSONEncoder).translate(_JSON_ESCAPES)


def _json_script(element_id: str, members: str, **live: Any) -> SafeString:
    """What ``json_script`` makes of an object whose ``members`` were serialized once
    (:func:`_json_text` of a dict, without its braces), with the ``live`` members added
    now: a large object shared by every user is not serialized again on each request."""
    parts = [members] if members else []
    parts += [f"{_json_text(name)}: {_json_text(value)}" for name, value in live.items()]
    text = mark_safe("{" + ", ".join(parts) + "}")  # escaped above
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, text)


@dataclass(frozen=True)
class _Dashboard:
    """The home page for one priority and language, all but the user's coverage."""

    panels: SafeString  # the rendered panels (their charts are drawn from the data below)
    data: str  # the members of the chart data as escaped JSON text, without the coverage


def _dashboard(snapshot: Snapshot, language: str, chosen: str) -> _Dashboard:
    payload = snapshot.payload
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
    }
    context = {
        "snapshot": snapshot,
        "priorities": payload["priorities"],
        "chosen": chosen,
        "language": language,
        "top": data["top"],
    }
    return _Dashboard(
        panels=mark_safe(render_to_string("insights/partials/home_panels.html", context)),
        data=_json_text(data)[1:-1],
    )


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Capability heat map, partner map, co-authorship network, value chain, coverage."""
    require_role(request.user, READ_ROLES)
    pipeline = funnel_bars(opportunities_visible_to(request.user))
    snapshot = snapshot_for()
    if snapshot is None:
        return render(request, "insights/empty.html", {"pipeline": pipeline}, status=200)
    payload = snapshot.payload
    ids = [p["id"] for p in payload["priorities"]]
    chosen = request.GET.get("priority", "")
    if chosen not in ids:
        chosen = next((p["id"] for p in payload["priorities"] if p["chain"]), ids[0])
    language = (get_language() or "es")[:2]
    dashboard = snapshot_derived(snapshot, _dashboard, language, chosen)
    labels = {
        "capability": _("capability score"),
        "score": _("score"),
        "works": _("works"),
        "agreements": _("agreements"),
        "rca": _("RCA"),
        "gap_stage": _("Gap stage"),
        "next_step": _("Closest next step"),
        "science": _("science"),
        "technology": _("technology"),
        "trade": _("trade"),
        "infrastructure": _("infrastructure"),
        "no_chain": _("This priority declares no value chain."),
    }
    context = {
        "panels": dashboard.panels,
        "dashboard_data": _json_script(
            "dashboard-data", dashboard.data, coverage=coverage(request.user, snapshot)
        ),
        "labels": labels,
        "pipeline": pipeline,
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
        "infrastructure": _("infrastructure and resources"),
        "strength": _("strength"),
        "complementarity": _("complementarity"),
        "ties": _("ties"),
        "capacity": _("capacity"),
        "proximity": _("proximity"),
    }


def _resource_lines(stage: dict[str, Any], payload: dict[str, Any], language: str) -> list[str]:
    """The infrastructure indicators tied to a value-chain stage, one sentence each."""
    home = payload["home_names"].get(language, payload["home"])
    lines = []
    for row in stage.get("resources", []):
        value = row.get("value")
        lines.append(
            _(
                "%(indicator)s (%(year)s): %(home)s %(value)s %(unit)s, %(share)s of the world; "
                "frontier %(leader)s (%(leader_share)s)"
            )
            % {
                "indicator": row["names"].get(language, row["indicator"]),
                "year": row["year"],
                "home": home,
                "value": number(value, 0, language) if value is not None else "—",
                "unit": row.get("unit", ""),
                "share": share(row["world_share"], language)
                if row.get("world_share") is not None
                else "—",
                "leader": row.get("leader") or "—",
                "leader_share": share(row["leader_share"], language)
                if row.get("leader_share") is not None
                else "—",
            }
        )
    return lines


def _snapshot_or_empty(request: HttpRequest) -> Any:
    snapshot = snapshot_for()
    if snapshot is None:
        return None, render(request, "insights/empty.html")
    return snapshot, None


def _named(entry: dict[str, Any], language: str) -> str:
    return str(entry.get("names", {}).get(language) or entry.get("id") or "")


def _agreement_lines(agreements: QuerySet[Agreement]) -> list[tuple[str, str, str]]:
    """(title, partner country, status in the active language) of each agreement."""
    statuses = {value: str(label) for value, label in Agreement.Status.choices}
    return [
        (title, country, statuses.get(status, status))
        for title, country, status in agreements.values_list(
            "title", "partner_country_id", "status"
        )
    ]


def _priority_sections(snapshot: Snapshot, priority_id: str, language: str) -> SafeString:
    """A priority's gaps, ranked partners and value chain, rendered (they come from the
    snapshot alone)."""
    payload = snapshot.payload
    ranked = payload["partners"][priority_id]["ranked"]
    labels = _labels()
    chain = payload["chains"].get(priority_id)
    if chain is not None:
        chain = {
            **chain,
            "stages": [
                {**stage, "resource_lines": _resource_lines(stage, payload, language)}
                for stage in chain["stages"]
            ],
        }
    absent = payload.get("absent", {}).get(priority_id, {})
    context = {
        "language": language,
        "home_name": payload["home_names"].get(language, payload["home"]),
        "gaps": [
            {
                **g,
                "component_label": labels[g["component"]],
                "share_text": share(g["world_share"], language)
                if g.get("world_share") is not None
                else "—",
                "leader_share_text": share(g["leader_share"], language)
                if g.get("leader_share") is not None
                else "",
            }
            for g in payload["gaps"]
            if g["priority"] == priority_id
        ],
        "absent": [
            _("No evidence of %(component)s: %(reason)s")
            % {
                "component": labels[component],
                "reason": reason.get(language)
                or _("the evidence store has no data of this component for the priority."),
            }
            for component, reason in absent.items()
        ],
        "partners": ranked[:20],
        "candidates": len(ranked),
        "chain": chain,
        "factors": [labels[f] for f in payload["factors"]],
    }
    return mark_safe(render_to_string("insights/partials/priority_sections.html", context))


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
    covering = agreements_filter(agreements_visible_to(request.user), priority=priority_id)
    context = {
        "priority_name": _named(priority, language),
        "sections": snapshot_derived(snapshot, _priority_sections, priority_id, language),
        "agreements": _agreement_lines(covering.order_by("-updated_at")[:_LISTED]),
        "agreements_count": covering.count(),
    }
    return render(request, "insights/priority.html", context)


def _country_sections(snapshot: Snapshot, code: str, language: str) -> SafeString:
    """A partner country's standing in every priority and its co-authorship with the home
    country, rendered (they come from the snapshot alone)."""
    payload = snapshot.payload
    rows = []
    for priority in payload["priorities"]:
        ranked = payload["partners"][priority["id"]]["ranked"]
        found = next((r for r in ranked if r["partner"] == code), None)
        rows.append({"priority": _named(priority, language), "id": priority["id"],
                     "row": found, "candidates": len(ranked)})  # fmt: skip
    context = {
        "home_name": payload["home_names"].get(language, payload["home"]),
        "language": language,
        "rows": rows,
        "series": payload["coauthorship"].get(code, []),
        "series_vintage": payload.get("coauthorship_vintage", ""),
    }
    return mark_safe(render_to_string("insights/partials/country_sections.html", context))


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
    agreements = agreements_visible_to(request.user).filter(partner_country_id=code)
    context = {
        "code": code,
        "name": country_name(code, language),
        "sections": snapshot_derived(snapshot, _country_sections, code, language),
        "agreements": _agreement_lines(agreements.order_by("-updated_at")[:_LISTED]),
        "posts": posts_visible_to(request.user).filter(host_country_id=code),
    }
    return render(request, "insights/country.html", context)
