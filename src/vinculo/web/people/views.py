"""Researchers' pages under /people/ (namespace ``people``): the list and search, a
profile with the diaspora rule and its evidence, the diaspora in one host country, the
import, the reviewed merges, the erasure, and the matching and shortlist of an
opportunity. Authorization through the selectors (vinculo.web.people.selectors)."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from vinculo.strategy.people import PeopleError
from vinculo.web.accounts.permissions import require_role
from vinculo.web.paging import open_page
from vinculo.web.people import presenters
from vinculo.web.people.imports import COLUMNS, import_json, import_table
from vinculo.web.people.models import (
    AgreementShortlistEntry,
    MergeSuggestion,
    ProjectShortlistEntry,
    Researcher,
)
from vinculo.web.people.selectors import (
    ERASE_ROLES,
    MERGE_ROLES,
    can_see_contact,
    can_shortlist_agreement,
    researcher_get_for_user,
    researchers_found,
    researchers_visible_to,
    shortlist,
    shortlist_agreement,
    shortlist_opportunity,
)
from vinculo.web.people.services import (
    agreement_shortlist_add,
    agreement_text,
    diaspora_for,
    matches_for,
    merge_accept,
    migration_estimate,
    opportunity_text,
    project_profiles,
    project_shortlist_add,
    project_text,
    researcher_erase,
    shortlist_add,
)
from vinculo.web.pipeline.imports import ImportFailedError

#: Researchers per page of the list (read without a count: vinculo.web.paging).
PAGE = 50
#: The export's columns: the presenter's, so the contact fields are redacted as on pages.
EXPORT_COLUMNS = (
    "id", "name", "orcid", "openalex_id", "email", "topics", "works_count",
    "cited_by_count", "diaspora", "hosts",
)  # fmt: skip


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=200)
    country = forms.CharField(label=gettext_lazy("Country (ISO3)"), required=False, max_length=3)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (.json, .csv or .xlsx)"))


@login_required
@require_http_methods(["GET"])
def researcher_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    searched = form.cleaned_data if form.is_valid() else {}
    found = researchers_found(request.user, searched.get("q", ""), searched.get("country", ""))
    page = open_page(found, request.GET.get("page"), PAGE)
    rows = [presenters.researcher(request.user, r) for r in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "contact": can_see_contact(request.user),
        "can_import": request.user.role in MERGE_ROLES,
        "suggestions": (
            MergeSuggestion.objects.filter(status=MergeSuggestion.Status.PENDING).select_related(
                "researcher", "candidate"
            )[:50]
            if request.user.role in MERGE_ROLES
            else []
        ),
    }
    return render(request, "people/list.html", context)


@login_required
@require_http_methods(["GET"])
def researcher_export(request: HttpRequest) -> HttpResponse:
    """The researchers in the caller's scope as CSV (searched as the list), contact fields
    redacted unless planner or administrator."""
    form = SearchForm(request.GET or None)
    searched = form.cleaned_data if form.is_valid() else {}
    found = researchers_found(
        request.user, searched.get("q", ""), searched.get("country", "")
    ).queryset()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="researchers.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    for researcher in found.iterator():
        row = presenters.researcher(request.user, researcher)
        writer.writerow(
            [
                "; ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
                for v in (row[c] for c in EXPORT_COLUMNS)
            ]
        )
    return response


@login_required
@require_http_methods(["GET"])
def researcher_detail(request: HttpRequest, researcher_id: int) -> HttpResponse:
    researcher = researcher_get_for_user(request.user, researcher_id)
    context = {
        "profile": presenters.profile(request.user, researcher),
        "contact": can_see_contact(request.user),
        "can_erase": request.user.role in ERASE_ROLES,
    }
    return render(request, "people/detail.html", context)


@login_required
@require_http_methods(["POST"])
def researcher_erase_view(request: HttpRequest, researcher_id: int) -> HttpResponse:
    require_role(request.user, ERASE_ROLES)
    researcher = researcher_get_for_user(request.user, researcher_id)
    researcher_erase(actor=request.user, researcher=researcher)
    messages.success(request, _("The person was erased everywhere."))
    return redirect("people:list")


@login_required
@require_http_methods(["GET"])
def diaspora(request: HttpRequest, code: str) -> HttpResponse:
    code = code.upper()
    if len(code) != 3 or not code.isalpha():
        raise Http404("No such country")
    chosen = request.GET.get("priority", "")
    priority = None
    if chosen:
        from vinculo.web.people.summaries import shipped_priorities

        known = shipped_priorities()
        if chosen not in known:
            raise Http404("No such priority")
        priority = known[chosen]
    summary = diaspora_for(request.user, code, priority=priority)
    estimate = None if summary.count or priority is not None else migration_estimate(code)
    context = {"summary": presenters.diaspora(request.user, summary, estimate)}
    return render(request, "people/diaspora.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def researcher_import(request: HttpRequest) -> HttpResponse:
    require_role(request.user, MERGE_ROLES)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.name or ""
        reader = import_json if name.lower().endswith(".json") else import_table
        try:
            report, outcome = reader(actor=request.user, handle=upload, name=name)
        except ImportFailedError as failure:
            report = failure.report
            status = 400
        else:
            messages.success(
                request,
                _("%(created)s created, %(merged)s merged, %(review)s to review.")
                % {
                    "created": len(outcome.created),
                    "merged": len(outcome.merged),
                    "review": len(outcome.suggestions),
                },
            )
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "people/import.html",
        {"form": form, "report": report, "columns": COLUMNS},
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def merge(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    require_role(request.user, MERGE_ROLES)
    suggestion = MergeSuggestion.objects.filter(
        pk=suggestion_id if 0 < suggestion_id < 2**63 else 0,
        status=MergeSuggestion.Status.PENDING,
    ).first()
    if suggestion is None:
        raise Http404("No such suggestion")
    if request.POST.get("decision") == "reject":
        suggestion.status = MergeSuggestion.Status.REJECTED
        suggestion.decided_by = request.user
        suggestion.save()
        return redirect("people:list")
    kept = merge_accept(actor=request.user, suggestion=suggestion)
    return redirect("people:detail", researcher_id=kept.pk)


def _posted_researcher(request: HttpRequest) -> Researcher:
    """The researcher a shortlist form posts (``researcher``: a number), in the user's
    scope; anything else is 404."""
    text = request.POST.get("researcher", "")
    if not text.isdigit() or len(text) > 18:
        raise Http404("No such researcher")
    return researcher_get_for_user(request.user, int(text))


@login_required
@require_http_methods(["GET", "POST"])
def matches(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = shortlist_opportunity(request.user, opportunity_id)
    if request.method == "POST":
        researcher = _posted_researcher(request)
        shortlist_add(actor=request.user, opportunity=opportunity, researcher=researcher)
        return redirect("people:matches", opportunity_id=opportunity.pk)
    text = opportunity_text(opportunity)
    found = [
        {**m, "researcher": presenters.researcher(request.user, m["researcher"])}
        for m in matches_for(request.user, f"opportunity:{opportunity.pk}", text)
    ]
    listed = [
        {"researcher": presenters.researcher(request.user, e.researcher), "score": e.score,
         "reasons": e.reasons}
        for e in shortlist(request.user, opportunity)
    ]  # fmt: skip
    context = {"opportunity": opportunity, "matches": found, "shortlist": listed}
    return render(request, "people/matches.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_matches(request: HttpRequest, project_id: int) -> HttpResponse:
    """The researchers who fit a strategic project (its name and description); planners
    and administrators shortlist them for one of the project's specialist profiles (the
    researchers matched in its 3:2:3 gap)."""
    from vinculo.web.registry.selectors import project_get_for_user

    visible = researchers_visible_to(request.user)
    project = project_get_for_user(request.user, project_id)
    status = 200
    if request.method == "POST":
        require_role(request.user, MERGE_ROLES)
        researcher = _posted_researcher(request)
        try:
            project_shortlist_add(actor=request.user, project=project, researcher=researcher,
                                  profile=request.POST.get("profile", ""))  # fmt: skip
        except PeopleError as error:
            messages.error(request, str(error))
            status = 400
        else:
            return redirect("people:project_matches", project_id=project.pk)
    found = matches_for(request.user, f"project:{project.pk}", project_text(project))
    listed = ProjectShortlistEntry.objects.filter(project=project, researcher__in=visible)
    context = {
        "record_title": project.name,
        "back": reverse("registry:project_detail", args=[project.pk]),
        "heading": _("Researchers who fit this project"),
        "matches": [
            {**m, "researcher": presenters.researcher(request.user, m["researcher"])} for m in found
        ],
        "profiles": project_profiles(project),
        "can_shortlist": request.user.role in MERGE_ROLES,
        "shortlist": [
            {
                "researcher": presenters.researcher(request.user, e.researcher),
                "profile": e.profile,
                "score": e.score,
            }
            for e in listed.select_related("researcher")
        ],
    }
    return render(request, "people/record_matches.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_matches(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """The researchers who fit an agreement (its title and summary); the central roles and
    the officers of the agreement's post keep a shortlist on it."""
    from vinculo.web.registry.selectors import agreement_get_for_user

    visible = researchers_visible_to(request.user)  # 403 for the roles that read none, first
    agreement = agreement_get_for_user(request.user, agreement_id)
    can_shortlist = can_shortlist_agreement(request.user, agreement)
    if request.method == "POST":
        agreement = shortlist_agreement(request.user, agreement.pk)
        researcher = _posted_researcher(request)
        agreement_shortlist_add(actor=request.user, agreement=agreement, researcher=researcher)
        return redirect("people:agreement_matches", agreement_id=agreement.pk)
    found = matches_for(request.user, f"agreement:{agreement.pk}", agreement_text(agreement))
    listed = (
        AgreementShortlistEntry.objects.filter(agreement=agreement, researcher__in=visible)
        if can_shortlist
        else AgreementShortlistEntry.objects.none()
    )
    context = {
        "record_title": agreement.title,
        "back": reverse("registry:agreement_detail", args=[agreement.pk]),
        "heading": _("Researchers who fit this agreement"),
        "matches": [
            {**m, "researcher": presenters.researcher(request.user, m["researcher"])} for m in found
        ],
        "can_shortlist": can_shortlist,
        "agreement_shortlist": can_shortlist,
        "shortlist": [
            {"researcher": presenters.researcher(request.user, e.researcher), "score": e.score}
            for e in listed.select_related("researcher")
        ],
    }
    return render(request, "people/record_matches.html", context)


__all__ = [
    "agreement_matches",
    "diaspora",
    "matches",
    "merge",
    "project_matches",
    "researcher_detail",
    "researcher_erase_view",
    "researcher_export",
    "researcher_import",
    "researcher_list",
]
