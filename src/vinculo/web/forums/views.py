"""Forum pages: the list, the coverage of the priorities (the influence gap), a forum with
its leads, meetings, positions and (for planners, legal officers and administrators) its
delegates, the forms that record them, and the meetings as iCalendar."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vinculo.strategy.forums import STATUSES
from vinculo.web.accounts.permissions import require_role
from vinculo.web.feedback import error_summary
from vinculo.web.forums import presenters
from vinculo.web.forums.forms import DelegateForm, EventForm, OutcomeForm, PositionForm
from vinculo.web.forums.ical import calendar
from vinculo.web.forums.selectors import (
    DELEGATE_ROLES,
    FORUM_WRITE_ROLES,
    can_see_delegates,
    can_write,
    coverage_rows,
    delegate_count,
    delegates_for,
    events_for,
    events_visible_to,
    forums_visible,
    positions_for,
    record_get,
    registry,
)
from vinculo.web.forums.services import (
    delegate_create,
    delegate_remove,
    event_create,
    position_create,
    position_set_outcome,
)
from vinculo.web.registry.forms import add_service_errors


def _language() -> str:
    return (get_language() or "es")[:2]


@login_required
@require_safe
def forum_list(request: HttpRequest) -> HttpResponse:
    language = _language()
    priority = request.GET.get("priority", "")
    status = request.GET.get("status", "")
    forums = forums_visible(request.user, priority, status)
    context = {
        "forums": [presenters.forum_line(f, language) for f in forums],
        "priorities": presenters.priority_options(language),
        "statuses": [(s, presenters.status_label(s)) for s in STATUSES],
        "chosen_priority": priority,
        "chosen_status": status,
        "updated": registry().updated,
    }
    return render(request, "forums/list.html", context)


@login_required
@require_safe
def coverage_page(request: HttpRequest) -> HttpResponse:
    language = _language()
    rows = coverage_rows(request.user)
    context = {
        "rows": [presenters.coverage_line(row, language) for row in rows],
        "updated": registry().updated,
    }
    return render(request, "forums/coverage.html", context)


@login_required
@require_safe
def forum_detail(request: HttpRequest, slug: str) -> HttpResponse:
    record = record_get(request.user, slug)
    language = _language()
    see_people = can_see_delegates(request.user)
    context = {
        "forum": presenters.forum_full(record, language),
        "events": events_for(request.user, slug),
        "positions": positions_for(request.user, slug),
        "can_write": can_write(request.user),
        "see_delegates": see_people,
        "delegates": delegates_for(request.user, slug) if see_people else None,
        "delegate_count": None if see_people else delegate_count(slug),
    }
    return render(request, "forums/detail.html", context)


def _form_page(
    request: HttpRequest, slug: str, form: Any, heading: str, hint: str = ""
) -> HttpResponse:
    record = record_get(request.user, slug)
    context = {
        "forum": presenters.forum_line(record, _language()),
        "form": form,
        "heading": heading,
        "hint": hint,
        "errors": error_summary(form),
    }
    return render(request, "forums/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_add(request: HttpRequest, slug: str) -> HttpResponse:
    record_get(request.user, slug)
    require_role(request.user, FORUM_WRITE_ROLES)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event_create(actor=request.user, slug=slug, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Meeting added."))
            return redirect("forums:detail", slug=slug)
    return _form_page(request, slug, form, _("Add a meeting"))


@login_required
@require_http_methods(["GET", "POST"])
def position_add(request: HttpRequest, slug: str) -> HttpResponse:
    events = events_for(request.user, slug)
    require_role(request.user, FORUM_WRITE_ROLES)
    form = PositionForm(request.POST or None, events=events)
    if request.method == "POST" and form.is_valid():
        try:
            position_create(actor=request.user, slug=slug, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Position added."))
            return redirect("forums:detail", slug=slug)
    return _form_page(request, slug, form, _("Add a position"))


@login_required
@require_http_methods(["GET", "POST"])
def position_outcome(request: HttpRequest, slug: str, position_id: int) -> HttpResponse:
    positions = positions_for(request.user, slug)
    require_role(request.user, FORUM_WRITE_ROLES)
    position = get_object_or_404(positions, pk=position_id)
    form = OutcomeForm(request.POST or None, instance=position)
    if request.method == "POST" and form.is_valid():
        try:
            position_set_outcome(
                actor=request.user, slug=slug, position_id=position.pk, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Outcome saved."))
            return redirect("forums:detail", slug=slug)
    return _form_page(request, slug, form, _("Outcome of a position"), position.title)


@login_required
@require_http_methods(["GET", "POST"])
def delegate_add(request: HttpRequest, slug: str) -> HttpResponse:
    events = events_for(request.user, slug)
    require_role(request.user, DELEGATE_ROLES)
    form = DelegateForm(request.POST or None, events=events)
    if request.method == "POST" and form.is_valid():
        try:
            delegate_create(actor=request.user, slug=slug, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Delegate added."))
            return redirect("forums:detail", slug=slug)
    hint = _(
        "A person's data: only planners, legal officers and administrators see it, and no "
        "export contains it. Record what the delegation needs, nothing more."
    )
    return _form_page(request, slug, form, _("Add a delegate"), hint)


@login_required
@require_POST
def delegate_delete(request: HttpRequest, slug: str, delegate_id: int) -> HttpResponse:
    delegate_remove(actor=request.user, slug=slug, delegate_id=delegate_id)
    messages.success(request, _("Delegate removed."))
    return redirect("forums:detail", slug=slug)


def _ics(body: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_safe
def calendar_all(request: HttpRequest) -> HttpResponse:
    language = _language()
    names = {f.id: f.name.get(language, f.id) for f in registry().forums}
    events = events_visible_to(request.user)
    return _ics(calendar(events, names, _("Technical forums")), "forums.ics")


@login_required
@require_safe
def calendar_forum(request: HttpRequest, slug: str) -> HttpResponse:
    record = record_get(request.user, slug)
    name = record.name.get(_language(), slug)
    events = events_for(request.user, slug).select_related("forum")
    return _ics(calendar(events, {slug: name}, name), f"{slug}.ics")
