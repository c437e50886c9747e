"""Pages of what a post's brief takes from the web app: the post's own sections (read,
edit — each save a new version —, history) and the curated host institutions of a country
(list, add, edit, remove). Thin: scope and role from the selectors (404 / 403), writes
from the services; a failed write re-renders its form with the errors, nothing saved."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vinculo.web.accounts.permissions import READ_ROLES, require_role
from vinculo.web.feedback import error_summary
from vinculo.web.insights.forms import EXTRA_ROWS, HostInstitutionForm, SectionForms
from vinculo.web.insights.models import HostInstitution, PostSectionVersion
from vinculo.web.insights.naming import country_label
from vinculo.web.insights.postcontext import build_post_context
from vinculo.web.insights.selectors import (
    can_write_host_institutions,
    can_write_sections,
    host_country_get_for_user,
    host_institution_get_for_user,
    host_institutions_visible_to,
    latest_sections,
    post_sections_get_for_user,
)
from vinculo.web.insights.services import (
    host_institution_create,
    host_institution_remove,
    host_institution_update,
    section_save,
)
from vinculo.web.registry.forms import add_service_errors
from vinculo.web.registry.selectors import priority_choices

Section = PostSectionVersion.Section


def _section(section: str) -> str:
    if section not in Section.values:
        raise Http404("No such section")
    return section


def _language() -> str:
    return (get_language() or "es")[:2]


# ---------------------------------------------------------------- a post's sections
@login_required
@require_safe
def post_sections(request: HttpRequest, post_id: int) -> HttpResponse:
    """The post's own sections (their latest versions) and what the brief takes from the
    registry, the pipeline and the curated institutions, as the next brief will show it."""
    require_role(request.user, READ_ROLES)
    post = post_sections_get_for_user(request.user, post_id)
    latest = latest_sections(post)
    context, _kind, _city = build_post_context(post)
    names = dict(priority_choices(_language()))
    kinds = dict(HostInstitution.Kind.choices)
    context_data = {
        "post": post,
        "country": country_label(post.host_country_id, _language()),
        "sections": [(key, Section(key).label, latest[key]) for key in Section.values],
        "brief": context,
        "institutions": [
            (names.get(entry.priority, entry.priority), kinds.get(entry.kind, entry.kind), entry)
            for entry in context.institutions
        ],
        "can_edit": can_write_sections(request.user, post),
        "can_curate": can_write_host_institutions(request.user, post.host_country_id),
    }
    return render(request, "insights/post_sections.html", context_data)


@login_required
@require_http_methods(["GET", "POST"])
def post_section_edit(request: HttpRequest, post_id: int, section: str) -> HttpResponse:
    post = post_sections_get_for_user(request.user, post_id, write=True)
    section = _section(section)
    latest = latest_sections(post)[section]
    forms = SectionForms(section, request.POST or None, version=latest)
    if request.method == "POST" and forms.is_valid():
        try:
            saved = section_save(actor=request.user, post=post, section=section, **forms.values())
        except ValidationError as error:
            add_service_errors(forms.form, error)
            if getattr(error, "code", "") == "stale":  # the next save is based on the newest
                data = request.POST.copy()
                data["based_on"] = str(latest_sections(post)[section].number)  # type: ignore[union-attr]
                forms = SectionForms(section, data, version=latest)
                forms.is_valid()
                add_service_errors(forms.form, error)
        else:
            if saved is None:
                messages.info(request, _("Nothing changed: no new version was saved."))
            else:
                messages.success(
                    request, _("Saved as version %(number)s.") % {"number": saved.number}
                )
            return redirect("insights:post-brief-sections", post_id=post.pk)
    context = {
        "post": post,
        "section": section,
        "section_label": Section(section).label,
        "latest": latest,
        "form": forms.form,
        "entries": forms.entries,
        "extra_rows": EXTRA_ROWS,
        "errors": forms.errors(),
    }
    return render(request, "insights/post_section_form.html", context)


@login_required
@require_safe
def post_section_history(request: HttpRequest, post_id: int, section: str) -> HttpResponse:
    """Every saved version of a section, newest first, with its author and time."""
    require_role(request.user, READ_ROLES)
    post = post_sections_get_for_user(request.user, post_id)
    section = _section(section)
    versions = PostSectionVersion.objects.filter(post=post, section=section).select_related(
        "author"
    )
    context = {
        "post": post,
        "section": section,
        "section_label": Section(section).label,
        "versions": versions.order_by("-number"),
    }
    return render(request, "insights/post_section_history.html", context)


# ---------------------------------------------------------------- host institutions
@login_required
@require_safe
def host_institutions(request: HttpRequest, code: str) -> HttpResponse:
    """The curated institutions of a country, by priority, research bodies, companies and
    government agencies apart, each with its source."""
    require_role(request.user, READ_ROLES)
    country = host_country_get_for_user(request.user, code)
    rows = list(host_institutions_visible_to(request.user).filter(country=country))
    groups = []
    for priority, name in priority_choices(_language()):
        kinds = [
            (label, [row for row in rows if row.priority == priority and row.kind == kind])
            for kind, label in HostInstitution.Kind.choices
        ]
        groups.append((priority, name, [(label, found) for label, found in kinds if found]))
    context = {
        "country": country,
        "name": country_label(country.code, _language()),
        "groups": groups,
        "can_edit": can_write_host_institutions(request.user, country.code),
    }
    return render(request, "insights/host_institutions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def host_institution_add(request: HttpRequest, code: str) -> HttpResponse:
    country = host_country_get_for_user(request.user, code, write=True)
    form = HostInstitutionForm(
        request.POST or None, user=request.user, initial={"priority": request.GET.get("priority")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            host_institution_create(actor=request.user, country=country, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Institution added."))
            return redirect("insights:country-institutions", code=country.code)
    return _host_form(request, country, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def host_institution_edit(request: HttpRequest, code: str, institution_id: int) -> HttpResponse:
    row = host_institution_get_for_user(request.user, code, institution_id, write=True)
    form = HostInstitutionForm(request.POST or None, user=request.user, row=row)
    if request.method == "POST" and form.is_valid():
        try:
            host_institution_update(actor=request.user, host_institution=row, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Institution saved."))
            return redirect("insights:country-institutions", code=row.country_id)
    return _host_form(request, row.country, form, row)


def _host_form(
    request: HttpRequest, country: Any, form: HostInstitutionForm, row: HostInstitution | None
) -> HttpResponse:
    context = {
        "country": country,
        "name": country_label(country.code, _language()),
        "form": form,
        "row": row,
        "errors": error_summary(form),
    }
    return render(request, "insights/host_institution_form.html", context)


@login_required
@require_POST
def host_institution_delete(request: HttpRequest, code: str, institution_id: int) -> HttpResponse:
    row = host_institution_get_for_user(request.user, code, institution_id, write=True)
    host_institution_remove(actor=request.user, host_institution=row)
    messages.success(request, _("Institution removed from the list."))
    return redirect("insights:country-institutions", code=row.country_id)
