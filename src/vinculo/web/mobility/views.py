"""Mobility pages under /mobility/: the flows per partner and priority (a chart and its
table), the programmes' renewal alerts, a partner's talent evidence (scholarships abroad,
scholars' migration), the import and the export."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from vinculo.web.accounts.permissions import READ_ROLES, WRITE_ROLES, require_role
from vinculo.web.feedback import error_summary
from vinculo.web.formatting import number
from vinculo.web.mobility.forms import ImportForm, RecordForm
from vinculo.web.mobility.imports import COLUMNS, REQUIRED, import_records, parse_row
from vinculo.web.mobility.models import MobilityRecord
from vinculo.web.mobility.selectors import (
    can_see_person,
    flows,
    programmes_due,
    programmes_visible_to,
    record_row,
    records_visible_to,
    talent_flows,
)
from vinculo.web.mobility.services import record_create
from vinculo.web.pipeline.exports import FORMATS, _safe_excel, _text
from vinculo.web.pipeline.imports import ImportFailedError
from vinculo.web.registry.models import Country
from vinculo.web.registry.selectors import priority_choices

EXPORT_FORMATS = ("csv", "xlsx")
#: the export's columns: the import's, with the record's number first (a file exported
#: by a planner can be read back by the importer once the ``id`` column is dropped)
EXPORT_COLUMNS = ("id", *COLUMNS)


def export_bytes(rows: Any, file_format: str) -> bytes:
    """The rows as CSV (UTF-8 with a BOM) or Excel, cells safe from formula injection
    (``pipeline.exports``)."""
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([_text(row[name]) for name in EXPORT_COLUMNS])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("mobility")
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        sheet.append([_safe_excel(row[name]) for name in EXPORT_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def chart_data(found: list[Any]) -> dict[str, Any]:
    """The chart's series: stays started per year, in and out, over every partner."""
    years: dict[int, list[int]] = {}
    for flow in found:
        for year, (incoming, outgoing) in flow.years.items():
            counts = years.setdefault(year, [0, 0])
            counts[0] += incoming
            counts[1] += outgoing
    ordered = sorted(years)
    return {
        "years": [str(y) for y in ordered],
        "incoming": [years[y][0] for y in ordered],
        "outgoing": [-years[y][1] for y in ordered],  # below the axis
        "labels": {"incoming": _("Incoming"), "outgoing": _("Outgoing")},
    }


#: the home country, the other end of every flow
HOME = "MEX"


def sankey_data(found: list[Any], names: dict[str, str], language: str) -> dict[str, Any]:
    """The Sankey diagram's nodes and links, from the flows the table shows: the partners
    that send stays to Mexico (incoming, at the left), Mexico, and the partners Mexico
    sends stays to (outgoing, at the right); ``by_priority`` splits both sides by priority
    (partner → priority → Mexico → priority → partner). A node's ``id`` tells the sides
    apart (a partner can be on both); its ``name`` is the country's or the priority's name
    in the page's language. Every link's ``value`` is a number of stays."""
    from vinculo.strategy.i18n import country_name

    priorities = dict(priority_choices(language))
    no_priority = _("No priority")
    home = {"id": HOME, "name": names.get(HOME) or country_name(HOME, language), "side": "home"}

    def country(side: str, code: str) -> dict[str, str]:
        return {"id": f"{side}:{code}", "name": names.get(code, code), "code": code, "side": side}

    def priority(side: str, pid: str) -> dict[str, str]:
        name = priorities.get(pid, pid) if pid else no_priority
        return {"id": f"{side}-priority:{pid}", "name": name, "priority": pid, "side": side}

    def add(links: dict[tuple[str, str], int], source: str, target: str, value: int) -> None:
        if value:
            links[(source, target)] = links.get((source, target), 0) + value

    nodes: dict[str, dict[str, str]] = {}
    split: dict[str, dict[str, str]] = {}
    links: dict[tuple[str, str], int] = {}
    split_links: dict[tuple[str, str], int] = {}
    for flow in found:
        for side, value in (("in", flow.incoming), ("out", flow.outgoing)):
            if not value:
                continue
            partner = country(side, flow.partner)
            middle = priority(side, flow.priority)
            nodes.setdefault(partner["id"], partner)
            split.setdefault(partner["id"], partner)
            split.setdefault(middle["id"], middle)
            if side == "in":
                add(links, partner["id"], HOME, value)
                add(split_links, partner["id"], middle["id"], value)
                add(split_links, middle["id"], HOME, value)
            else:
                add(links, HOME, partner["id"], value)
                add(split_links, HOME, middle["id"], value)
                add(split_links, middle["id"], partner["id"], value)

    def listed(found_nodes: dict[str, dict[str, str]]) -> list[dict[str, str]]:
        return [home, *found_nodes.values()] if found_nodes else []

    def as_links(found_links: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
        return [{"source": s, "target": t, "value": v} for (s, t), v in found_links.items()]

    return {
        "home": HOME,
        "nodes": listed(nodes),
        "links": as_links(links),
        "by_priority": {"nodes": listed(split), "links": as_links(split_links)},
        "labels": {
            "stays": _("stays"),
            "incoming": _("Incoming"),
            "outgoing": _("Outgoing"),
        },
    }


@login_required
@require_safe
def flows_page(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    records = records_visible_to(request.user)
    country = request.GET.get("country", "").upper()
    if country:
        records = records.filter(partner_country_id=country)
    found = flows(records)
    names = dict(Country.objects.values_list("code", "name_es" if _lang() == "es" else "name_en"))
    priorities = dict(priority_choices(_lang()))
    context = {
        "flows": [
            {
                "flow": f,
                "name": names.get(f.partner, f.partner),
                "priority": priorities.get(f.priority, f.priority),
            }
            for f in found
        ],
        "chart": chart_data(found),
        "sankey": sankey_data(found, names, _lang()),
        "incoming": sum(f.incoming for f in found),
        "outgoing": sum(f.outgoing for f in found),
        "partners_in": len({f.partner for f in found if f.incoming}),
        "partners_out": len({f.partner for f in found if f.outgoing}),
        "due": programmes_due(date.today(), programmes_visible_to(request.user)),
        "programmes": programmes_visible_to(request.user).order_by("name")[:200],
        "country": country,
        "country_name": names.get(country, ""),
        "talent": talent_flows(country) if country else None,
        "strength": _strength(country) if country else [],
        "can_write": request.user.role in WRITE_ROLES,
        "total": records.count(),
    }
    return render(request, "mobility/flows.html", context)


def _lang() -> str:
    return (get_language() or "es")[:2]


def _strength(country: str) -> list[dict[str, Any]]:
    """The partner's standing in each priority, from the dashboard's snapshot
    (``strategy.partners.recommend``): rank among the candidates and score; empty without
    a snapshot."""
    from vinculo.strategy.priorities import default_priorities
    from vinculo.web.insights.selectors import snapshot_for

    snapshot = snapshot_for()
    if snapshot is None:
        return []
    language = _lang()
    rows = []
    for priority in default_priorities().priorities:
        found = (snapshot.payload.get("partners") or {}).get(priority.id) or {}
        ranked = next((r for r in found.get("ranked", []) if r.get("partner") == country), None)
        rows.append({
            "priority": priority.name[language],
            "rank": ranked["rank"] if ranked else None,
            "score": ranked["score"] if ranked else None,
            "candidates": found.get("candidates", 0),
        })  # fmt: skip
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    require_role(request.user, WRITE_ROLES)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_records(actor=request.user, handle=upload, name=upload.name or "")
        except ImportFailedError as failure:
            report = failure.report
            status = 400
        else:
            messages.success(
                request,
                _("%(count)s mobility records imported.")
                % {"count": number(len(report.created), 0)},
            )
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "report": report,
        "errors": error_summary(form),
        "columns": COLUMNS,
        "required": REQUIRED,
        "directions": MobilityRecord.Direction.choices,
        "fundings": MobilityRecord.Funding.choices,
    }
    return render(request, "mobility/import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def record_create_page(request: HttpRequest) -> HttpResponse:
    """A mobility record by hand: the import's checks on one row (officers for their
    posts and programmes, planners, administrators)."""
    require_role(request.user, WRITE_ROLES)
    form = RecordForm(request.POST or None, user=request.user, language=_lang())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values, errors = parse_row(request.user, 1, form.row())
            for error in errors:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            if not errors:
                record_create(actor=request.user, **values)
                messages.success(request, _("Mobility record saved."))
                return redirect("mobility:flows")
    context = {"form": form, "errors": error_summary(form)}
    return render(request, "mobility/record_form.html", context, status=status)


@login_required
@require_safe
def export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The records the user sees, as CSV or Excel; the person fields empty below planner."""
    require_role(request.user, READ_ROLES)
    if file_format not in EXPORT_FORMATS:
        raise Http404("No such format")
    rows = (record_row(request.user, r) for r in records_visible_to(request.user).iterator(2000))
    content_type, extension = FORMATS[file_format]
    response = HttpResponse(export_bytes(rows, file_format), content_type=content_type)
    now = timezone.localtime()
    response["Content-Disposition"] = (
        f'attachment; filename="mobility-{now:%Y%m%d-%H%M}.{extension}"'
    )
    response["X-Vinculo-Person-Fields"] = "shown" if can_see_person(request.user) else "redacted"
    return response


@login_required
@require_safe
def capital(request: HttpRequest) -> HttpResponse:
    """Every strategic project's specialist gap per profile and year."""
    from vinculo.strategy.training import default_models
    from vinculo.web.mobility.selectors import project_gaps
    from vinculo.web.registry.selectors import projects_visible_to

    require_role(request.user, READ_ROLES)
    language = _lang()
    models_ = [
        {
            "name": m.name[language],
            "stages": [{"name": s.name[language], "years": s.years} for s in m.stages],
            "note": m.note[language],
            "source": ", ".join(v for v in (m.source.get("publisher"), m.source.get("title"),
                                             m.source.get("date")) if v),
        }
        for m in default_models().values()
    ]  # fmt: skip
    rows = [
        {"project": p, "gaps": project_gaps(p)}
        for p in projects_visible_to(request.user).order_by("name")
    ]
    return render(request, "mobility/capital.html", {"rows": rows, "models": models_})
