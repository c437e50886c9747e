"""Insight pages: the home dashboard and the posts' briefs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, IntegerField, QuerySet, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from vinculo.strategy.i18n import country_name, share
from vinculo.strategy.naming import naming_policy
from vinculo.web import csp
from vinculo.web.accounts.permissions import READ_ROLES, require_role
from vinculo.web.formatting import number
from vinculo.web.forums.panels import forum_gap_panel, forums_led_lines
from vinculo.web.insights import briefs as preparation
from vinculo.web.insights.models import BriefJob, Snapshot
from vinculo.web.insights.naming import (
    country_label,
    current_countries,
    excluded,
    fold,
    matches,
    name_key,
    shown_partners,
    source_text,
)
from vinculo.web.insights.selectors import coverage, snapshot_derived, snapshot_for
from vinculo.web.mobility.selectors import talent_flows
from vinculo.web.people.panels import diaspora_panel
from vinculo.web.pipeline.selectors import opportunities_visible_to
from vinculo.web.pipeline.summaries import funnel_bars
from vinculo.web.registry.models import Agreement
from vinculo.web.registry.selectors import (
    agreements_filter,
    agreements_visible_to,
    post_get_for_user,
    posts_visible_to,
)
from vinculo.web.transfer.selectors import regime_points

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


#: a country page's address with this in place of the code (the charts' links)
_CODE = "XXX"


def _country_url(code: str) -> str:
    return reverse("insights:country", args=[code])


def _component_labels() -> dict[str, str]:
    return {
        "science": _("science"),
        "technology": _("technology"),
        "trade": _("trade"),
        "infrastructure": _("infrastructure"),
    }


def _heat(payload: dict[str, Any], chosen: str, language: str) -> dict[str, Any]:
    """The heat map of the chosen priority: its components' scores for the home country
    and its top partners (a snapshot without them: every priority of the home country,
    the chosen one highlighted). Rows, columns, cells (column, row, score) and the table
    that stands for the chart."""
    components = list(payload["components"])
    labels = _component_labels()
    columns = [labels.get(c, c) for c in components]
    home = payload["home"]
    by_country = payload.get("heat_countries", {}).get(chosen)
    if by_country is not None:
        codes = [c for c in by_country["countries"] if c == home or not excluded(c)]
        scores = {(c, k): v for c, k, v in by_country["cells"]}
        rows = [
            {"code": code, "name": country_label(code, language), "home": code == home,
             "scores": [scores.get((code, k)) for k in components]}
            for code in codes
        ]  # fmt: skip
        highlight = None
    else:
        scores = {(r["priority"], r["component"]): r["score"] for r in payload["heat"]}
        rows = [
            {"code": "", "name": _named(p, language), "home": False,
             "scores": [scores.get((p["id"], k)) for k in components]}
            for p in payload["priorities"]
        ]  # fmt: skip
        highlight = next(i for i, p in enumerate(payload["priorities"]) if p["id"] == chosen)
    cells = [
        [x, y, round(score)]
        for y, row in enumerate(rows)
        for x, score in enumerate(row["scores"])
        if score is not None
    ]
    return {
        "by_country": by_country is not None,
        "rows": [row["name"] for row in rows],
        "codes": [row["code"] if not row["home"] else "" for row in rows],
        "columns": columns,
        "cells": cells,
        "highlight": highlight,
        "table": rows,
    }


def _product_name(code: str, language: str) -> str:
    """An HS 4-digit product's short name (atlas-common-data), or "" when unknown."""
    from vinculo.strategy.reciprocity import product_names

    table = product_names()
    code = str(code)[:4].zfill(4)
    if code not in table.index:
        return ""
    return str(table.at[code, f"name_{language}"])


_CLASSIFICATIONS = {
    "hs92": "HS 1992", "hs96": "HS 1996", "hs02": "HS 2002", "hs07": "HS 2007",
    "hs12": "HS 2012", "hs17": "HS 2017", "hs22": "HS 2022", "sitc": "SITC",
}  # fmt: skip


def classification_name(code: str) -> str:
    """A trade classification as its publishers write it ("hs07": "HS 2007")."""
    return _CLASSIFICATIONS.get(str(code).lower(), str(code).upper())


def _basis_label(basis: str) -> str:
    """What a component is measured on, in words (the store's taxonomy ids otherwise)."""
    labels = {
        "openalex-subfield": _("publications in OpenAlex subfields"),
        "openalex-field": _("publications in OpenAlex fields"),
        "ncses15": _("publications in NCSES fields"),
        "wipo35": _("patents in WIPO technology fields"),
        "resources": _("infrastructure and resource indicators"),
    }
    if basis in labels:
        return labels[basis]
    if basis.lower() in _CLASSIFICATIONS:
        return _("exports (%(classification)s)") % {"classification": classification_name(basis)}
    return basis


def _chain(payload: dict[str, Any], chosen: str, language: str) -> dict[str, Any] | None:
    """The chosen priority's value chain: each stage's score and RCA, the weakest stage(s)
    (the lowest score: the gap), the closest next product with its name."""
    chain = payload["chains"].get(chosen)
    if chain is None:
        return None
    scored = [s["score"] for s in chain["stages"] if s.get("score") is not None]
    lowest = min(scored) if scored else None
    stages = [
        {
            "id": s["id"],
            "name": s["names"].get(language) or s["id"],
            "score": s.get("score"),
            "rca": s.get("rca"),
            "weakest": lowest is not None and s.get("score") == lowest,
            "year": s.get("year"),
            "classification": classification_name(s.get("classification", "")),
            "leaders": [{"code": c, "name": country_label(c, language)} for c in s["leaders"]],
            "source": source_text(s.get("vintage")),
        }
        for s in chain["stages"]
    ]
    step = chain.get("next_step")
    if step:
        stage = next((s["name"] for s in stages if s["id"] == step.get("stage")), "")
        step = {**step, "name": _product_name(step["product"], language), "stage_name": stage}
    return {"stages": stages, "weakest": [s["name"] for s in stages if s["weakest"]],
            "next_step": step}  # fmt: skip


def _dashboard(snapshot: Snapshot, language: str, chosen: str) -> _Dashboard:
    payload = snapshot.payload
    priority = next(p for p in payload["priorities"] if p["id"] == chosen)
    home = payload["home"]
    scores = {
        code: score
        for code, score in payload["partners"][chosen]["scores"].items()
        if not excluded(code)
    }  # the naming policy's excluded partners are not shown (the model ranked them)
    shown = sorted(scores.items(), key=lambda item: (-item[1], name_key(item[0])))
    names = {code: country_label(code, language) for code, _score in shown}
    network = [
        {**row, "name": country_label(row["partner"], language)} for row in payload["network"]
    ]
    heat = _heat(payload, chosen, language)
    chain = _chain(payload, chosen, language)
    data = {
        "language": language,
        "priority": chosen,
        "priority_name": _named(priority, language),
        "home": home,
        "home_name": payload["home_names"].get(language, home),
        "country_url": _country_url(_CODE),
        "priorities": payload["priorities"],
        "heat": {k: v for k, v in heat.items() if k != "table"},
        "components": payload["components"],
        "scores": scores,
        "names": names,
        "top": shown_partners(payload["partners"][chosen]["top"])[:10],
        "network": network,
        "chain": chain,
        "iso_numeric": payload["iso_numeric"],
    }
    context = {
        "snapshot": snapshot,
        "priorities": payload["priorities"],
        "chosen": chosen,
        "priority_name": data["priority_name"],
        "home_name": data["home_name"],
        "language": language,
        "top": data["top"],
        "heat": heat,
        "map_rows": [(code, names[code], score) for code, score in shown],
        "network": network,
        "network_source": source_text(payload.get("coauthorship_vintage")),
        "chain": chain,
    }
    return _Dashboard(
        panels=mark_safe(render_to_string("insights/partials/home_panels.html", context)),
        data=_json_text(data)[1:-1],
    )


def _coverage_rows(
    found: dict[str, Any], snapshot: Snapshot, language: str
) -> tuple[list[str], list[dict[str, Any]]]:
    """The coverage matrix as a table: the priorities' names, and per partner its name and
    each priority's count (None for none: a gap, shown blank)."""
    priorities = {p["id"]: _named(p, language) for p in snapshot.payload["priorities"]}
    counts = {(partner, priority): n for partner, priority, n in found["cells"]}
    rows = [
        {"code": partner, "name": country_label(partner, language),
         "counts": [counts.get((partner, p)) or None for p in found["priorities"]]}
        for partner in found["partners"]
    ]  # fmt: skip
    return [priorities.get(p, p) for p in found["priorities"]], rows


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Capability heat map, partner map, co-authorship network, value chain, coverage."""
    require_role(request.user, READ_ROLES)
    pipeline = funnel_bars(opportunities_visible_to(request.user))
    snapshot = snapshot_for()
    capital = _capital(request.user)
    diaspora = _diaspora(request.user)
    forum_gap = forum_gap_panel(request.user, (get_language() or "es")[:2])
    if snapshot is None:
        context = {
            "pipeline": pipeline, "capital": capital, "forum_gap": forum_gap,
            "diaspora": diaspora, "diaspora_map": _diaspora_map(diaspora),
        }  # fmt: skip
        return render(request, "insights/empty.html", context, status=200)
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
        "works": _("publications"),
        "agreements": _("agreements"),
        "rca": _("RCA"),
        "stage_score": _("stage score"),
        "no_chain": _("This priority declares no value chain."),
        **_component_labels(),
    }
    found = coverage(request.user, snapshot)
    columns, rows = _coverage_rows(found, snapshot, language)
    found = {**found, "names": {row["code"]: row["name"] for row in rows}}
    context = {
        "panels": dashboard.panels,
        "dashboard_data": _json_script("dashboard-data", dashboard.data, coverage=found),
        "labels": labels,
        "pipeline": pipeline,
        "coverage_columns": columns,
        "coverage_rows": rows,
        "capital": capital,
        "diaspora": diaspora,
        "diaspora_map": _diaspora_map(diaspora),
        "forum_gap": forum_gap,
    }
    return render(request, "insights/home.html", context)


def _diaspora(user: Any) -> list[dict[str, Any]] | None:
    """The diaspora per host country (``people.panels.dashboard_diaspora``) where the
    people app is installed; None otherwise or for roles that see no researchers."""
    from django.apps import apps

    if not apps.is_installed("vinculo.web.people"):
        return None
    from vinculo.web.people.panels import dashboard_diaspora

    return dashboard_diaspora(user)


def _diaspora_map(rows: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """The diaspora card's world map, drawn from the card's rows only
    (``people.panels.diaspora_map``); None without rows."""
    if not rows:
        return None
    from vinculo.web.people.panels import diaspora_map

    return diaspora_map(rows)


def _capital(user: Any) -> list[dict[str, Any]] | None:
    """The open specialist gaps (``mobility.selectors.capital_summary``) where the mobility
    app is installed; None otherwise (the card is left out)."""
    from django.apps import apps

    if not apps.is_installed("vinculo.web.mobility"):
        return None
    from vinculo.web.mobility.selectors import capital_summary

    return capital_summary(user)


def _countries(snapshot: Snapshot, language: str) -> list[dict[str, Any]]:
    """Every country the snapshot knows (today's: no historic ones) but the home country,
    by name in the language (accents and case ignored), with the priorities it is a
    candidate partner in."""
    payload = snapshot.payload
    candidate: dict[str, list[tuple[str, int]]] = {}
    for priority in payload["priorities"]:
        for row in shown_partners(payload["partners"][priority["id"]]["ranked"]):
            candidate.setdefault(row["partner"], []).append(
                (_named(priority, language), int(row["rank"]))
            )
    rows = [
        {"code": code, "name": country_label(code, language),
         "other": country_label(code, "en" if language == "es" else "es"),
         "candidate": sorted(candidate.get(code, []), key=lambda item: item[1])}
        for code in payload["iso_numeric"]
        if code != payload["home"] and code in current_countries()
    ]  # fmt: skip
    for row in rows:
        row["search"] = fold(" ".join((row["name"], row["other"], row["code"])))
    rows.sort(key=lambda row: name_key(row["name"]))
    return rows


@login_required
@require_safe
def countries(request: HttpRequest) -> HttpResponse:
    """Every country with a page, by name in the user's language; ``q`` filters them by
    name (in either language) or code, accents and case ignored."""
    require_role(request.user, READ_ROLES)
    snapshot, empty = _snapshot_or_empty(request)
    if empty is not None:
        return empty
    language = (get_language() or "es")[:2]
    rows = snapshot_derived(snapshot, _countries, language)
    query = request.GET.get("q", "").strip()[:100]
    shown = [r for r in rows if matches(query, r["name"], r["other"], r["code"])] if query else rows
    context = {
        "rows": shown,
        "query": query,
        "total": len(rows),
        "shown_html": format_html('<span id="countries-shown">{}</span>', number(len(shown), 0)),
    }
    return render(request, "insights/countries.html", context)


@login_required
@require_safe
def evidence(request: HttpRequest) -> HttpResponse:
    """The evidence behind every figure: each dataset in the store (table, source, name,
    vintage, rows), and the OpenAlex works snapshot builds with their provenance."""
    require_role(request.user, READ_ROLES)
    snapshot, empty = _snapshot_or_empty(request)
    if empty is not None:
        return empty
    datasets = sorted(
        (
            {
                **row,  # a copy: the payload is shared by every request
                "rows": number(float(row["row_count"]), 0)
                if str(row["row_count"]).isdigit()
                else "",
                "snapshot": row["source"] == "openalex-snapshot",
            }
            for row in snapshot.payload.get("datasets", [])
        ),
        key=lambda d: (d["canonical_table"], d["source"], d["name"], d["vintage"]),
    )
    builds = [
        {
            **build,
            "works": number(float(build["works_kept"]), 0),
            "merged": number(float(build["merged_dropped"]), 0),
            "tables": [
                {"table": t["table"], "rows": number(float(t["rows"]), 0)} for t in build["tables"]
            ],
        }
        for build in snapshot.payload.get("snapshot_builds", [])
    ]
    context = {"datasets": datasets, "builds": builds, "computed": snapshot.computed_at}
    return render(request, "insights/evidence.html", context)


def _brief_states(posts: list[Any]) -> dict[int, dict[str, Any]]:
    """Each post's preparation as the briefs list shows it, from its newest job and
    whether an earlier one is ready (one query; the current key is not computed per post:
    a newer key always means a newer job)."""
    fingerprint = preparation.current_fingerprint()
    latest: dict[int, BriefJob] = {}
    ready: set[int] = set()
    for job in BriefJob.objects.filter(post__in=[p.pk for p in posts]).order_by("created_at"):
        latest[job.post_id] = job
        if job.state == BriefJob.State.DONE:
            ready.add(job.post_id)
    states = {}
    for post in posts:
        job = latest.get(post.pk)
        if job is None:
            states[post.pk] = {"state": "none", "text": _("prepared when first opened")}
            continue
        other = post.pk in ready and job.state != BriefJob.State.DONE
        if job.state == BriefJob.State.DONE:
            current = job.fingerprint == fingerprint
            text = _("ready") if current else _("ready (earlier evidence)")
        elif job.state == BriefJob.State.FAILED:
            text = _("preparation failed") + (
                " " + _("(an earlier version is available)") if other else ""
            )
        elif other:
            text = _("being updated: %(percent)s %%") % {"percent": job.percent}
        else:
            text = _("being prepared: %(percent)s %%") % {"percent": job.percent}
        states[post.pk] = {"state": job.state, "text": text, "percent": job.percent}
    return states


@login_required
@require_safe
def briefs(request: HttpRequest) -> HttpResponse:
    """The posts the user may see, each with its brief in Spanish and English, HTML or PDF,
    and the state of its preparation."""
    require_role(request.user, READ_ROLES)
    mine = request.user.posts.through.objects.filter(user_id=request.user.pk).values("post_id")
    posts = list(
        posts_visible_to(request.user)
        .select_related("host_country")
        .annotate(own=Case(When(pk__in=mine, then=1), default=0, output_field=IntegerField()))
        .order_by("-own", "name")
    )
    preparation.kick()  # jobs queued by refresh_insights or a process that ended
    states = _brief_states(posts)
    language = (get_language() or "es")[:2]
    rows = [
        {
            "post": post,
            "own": bool(post.own),
            "country": country_label(post.host_country_id, language),
            "preparation": states[post.pk],
        }
        for post in posts
    ]
    return render(request, "insights/briefs.html", {"rows": rows, "language": language})


def _job_status(job: BriefJob | None, ready: BriefJob | None) -> dict[str, Any]:
    """A preparation's state as the status endpoint and the waiting page give it."""
    if job is None:
        return {"state": "none", "done": 0, "total": len(preparation.STEPS), "percent": 0,
                "step": "", "step_label": "", "ready": False, "stale": ready is not None,
                "error": ""}  # fmt: skip
    return {
        "state": job.state,
        "done": job.done,
        "total": job.total or len(preparation.STEPS),
        "percent": job.percent,
        "step": job.step,
        "step_label": preparation.step_label(job.step) if job.step else "",
        "ready": job.state == BriefJob.State.DONE,
        "stale": ready is not None and ready.pk != job.pk,
        "error": job.error if job.state == BriefJob.State.FAILED else "",
    }


def _brief_request(request: HttpRequest, post_id: int) -> Any:
    """The post (404 outside the user's posts) and its current key (404 without an
    evidence store)."""
    require_role(request.user, READ_ROLES)
    post = post_get_for_user(request.user, post_id)  # 404 outside the user's posts
    key = preparation.current_key(post)
    if key is None:
        raise Http404("no evidence store")
    return post, key


@login_required
@require_safe
def post_brief(request: HttpRequest, post_id: int, file_format: str) -> HttpResponse:
    """A post's brief (``?lang=es|en``): HTML shown in the browser, PDF downloaded. The
    prepared file at once; while a newer one is prepared, the older one (the
    ``X-Vinculo-Brief`` header says so); with none, a page with the preparation's progress
    (the preparation is started if nobody did). ``?retry=1`` starts a failed one again."""
    language = request.GET.get("lang") or (get_language() or "es")[:2]
    if language not in preparation.LANGUAGES or file_format not in preparation.FORMATS:
        require_role(request.user, READ_ROLES)
        raise Http404
    post, key = _brief_request(request, post_id)
    job, ready = preparation.prepared(post, key)
    missing = job is not None and job.state == BriefJob.State.DONE and job != ready
    if job is None or missing or job.state != BriefJob.State.DONE:
        job = preparation.queue_brief(
            post, user=request.user, again=request.GET.get("retry") == "1", force=missing
        )
    if ready is not None:
        path = preparation.job_file(ready, language, file_format)
        if path.exists():
            name = f"brief-{post.host_country_id}-{language}.{file_format}"
            content_type = "application/pdf" if file_format == "pdf" else "text/html; charset=utf-8"
            response = FileResponse(
                path.open("rb"), content_type=content_type, as_attachment=file_format == "pdf",
                filename=name,
            )  # fmt: skip
            if file_format == "html":  # its <style>, prepared without this request's nonce
                csp.allow_styles(response, path.read_bytes())
            if job is not None and ready.pk != job.pk:
                response["X-Vinculo-Brief"] = f"stale; {job.state} {job.percent}%"
            else:
                response["X-Vinculo-Brief"] = "current"
            return response
    status = _job_status(job, None)
    here = f"{request.path}?lang={language}"
    context = {
        "post": post,
        "status": status,
        "language": language,
        "here": here,
        "status_url": reverse("insights:post-brief-status", args=[post.pk]),
        "waiting": status["state"] in ("queued", "running", "none"),
    }
    response = render(request, "insights/brief_preparing.html", context)
    response["X-Vinculo-Brief"] = f"preparing; {status['state']} {status['percent']}%"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_safe
def post_brief_status(request: HttpRequest, post_id: int) -> HttpResponse:
    """The preparation of a post's brief for its current key, as JSON (the waiting page
    polls it): state, steps done of total, percent, the step in words, whether it is
    ready, whether an older version is, the error of a failed one."""
    post, key = _brief_request(request, post_id)
    job, ready = preparation.prepared(post, key)
    response = JsonResponse(_job_status(job, ready))
    response["Cache-Control"] = "no-store"
    return response


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
                "leader": country_label(row.get("leader"), language) or "—",
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
    """(title, partner country's name, status) of each agreement, in the active language."""
    statuses = {value: str(label) for value, label in Agreement.Status.choices}
    language = (get_language() or "es")[:2]
    return [
        (title, country_label(country, language), statuses.get(status, status))
        for title, country, status in agreements.values_list(
            "title", "partner_country_id", "status"
        )
    ]


def _priority_sections(snapshot: Snapshot, priority_id: str, language: str) -> SafeString:
    """A priority's gaps, ranked partners and value chain, rendered (they come from the
    snapshot alone)."""
    payload = snapshot.payload
    ranked = payload["partners"][priority_id]["ranked"]
    listed = shown_partners(ranked)
    labels = _labels()
    chain = payload["chains"].get(priority_id)
    if chain is not None:
        shown = _chain(payload, priority_id, language)
        assert shown is not None
        chain = {
            **shown,
            "stages": [
                {**stage, "resource_lines": _resource_lines(raw, payload, language)}
                for stage, raw in zip(shown["stages"], chain["stages"], strict=True)
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
                "basis_label": _basis_label(str(g.get("basis", ""))),
                "share_text": share(g["world_share"], language)
                if g.get("world_share") is not None
                else "—",
                "leader_share_text": share(g["leader_share"], language)
                if g.get("leader_share") is not None
                else "",
                "leader_name": country_label(g.get("leader"), language),
                "most_specialised_name": country_label(g.get("most_specialised"), language),
                "source": source_text(g.get("vintage")),
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
        "partners": listed[:20],
        "candidates": len(ranked),
        "withheld": len(ranked) - len(listed),
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
        "priority_id": priority_id,
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
        found = next((r for r in shown_partners(ranked) if r["partner"] == code), None)
        withheld = excluded(code) and any(r["partner"] == code for r in ranked)
        rows.append({"priority": _named(priority, language), "id": priority["id"],
                     "row": found, "candidates": len(ranked), "excluded": withheld})  # fmt: skip
    context = {
        "home_name": payload["home_names"].get(language, payload["home"]),
        "language": language,
        "rows": rows,
        "series": payload["coauthorship"].get(code, []),
        "series_source": source_text(payload.get("coauthorship_vintage", "")),
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
    policy = naming_policy()
    context = {
        "code": code,
        "name": country_name(code, language),
        "caveat": policy.caveat(code, language),
        "sections": snapshot_derived(snapshot, _country_sections, code, language),
        "agreements": _agreement_lines(agreements.order_by("-updated_at")[:_LISTED]),
        "posts": posts_visible_to(request.user).filter(host_country_id=code),
        "forums_led": forums_led_lines(request.user, code, language),
        "regime": regime_points(request.user, code, language),
        "diaspora": diaspora_panel(request.user, code),
        "talent": talent_flows(code),
    }
    return render(request, "insights/country.html", context)
