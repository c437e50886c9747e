"""Registry pages. Thin: scope and role come from the selectors (404 / 403), writes from the
services; a failed write re-renders its page with the errors next to the fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vinculo.evidence.store import EvidenceError, EvidenceStore
from vinculo.settings import vinculo_home
from vinculo.web.accounts.permissions import ADMIN_ROLES, require_role
from vinculo.web.feedback import error_summary
from vinculo.web.registry.forms import (
    AgreementFilterForm,
    AgreementForm,
    AgreementStatusForm,
    DocumentForm,
    InstitutionSearchForm,
    IPTermsForm,
    MilestoneDoneForm,
    MilestoneForm,
    OutcomeForm,
    ProjectForm,
    add_service_errors,
    country_label,
)
from vinculo.web.registry.models import Agreement, Institution, IPTerms, Project
from vinculo.web.registry.selectors import (
    AGREEMENT_CREATE_ROLES,
    CENTRAL_ROLES,
    IP_TERMS_ROLES,
    agreement_get_for_user,
    agreements_filter,
    agreements_visible_to,
    can_see_budget,
    can_see_ip_terms,
    can_write_agreement,
    document_get_for_user,
    institution_get_for_user,
    institutions_search,
    institutions_visible_to,
    milestone_get_for_user,
    post_get_for_user,
    posts_visible_to,
    priorities_named,
    project_get_for_user,
    projects_visible_to,
    renewals_due,
)
from vinculo.web.registry.services import (
    STATUS_TRANSITIONS,
    agreement_create,
    agreement_set_status,
    agreement_update,
    countries_sync,
    document_upload,
    institutions_import_from_store,
    ip_terms_set,
    milestone_add,
    milestone_set_done,
    outcome_add,
    project_create,
    project_update,
)
from vinculo.web.registry.services.documents import download
from vinculo.web.transfer.selectors import regime_points

PAGE_SIZE = 50


def _list_template(request: HttpRequest, page: str, partial: str) -> str:
    """HTMX refreshes only the table; without HTMX the whole page."""
    return f"registry/partials/{partial}" if request.headers.get("HX-Request") else page


def detail_urls(name: str, argument: str) -> Callable[[int], str]:
    """``reverse(name, kwargs={argument: pk})`` for the many rows of a list: the route is
    reversed once, with a marker in place of the id (reversing costs 20 µs a row)."""
    marker = 987654321  # an id, so the route's converter takes it; appears once below
    prefix, suffix = reverse(name, kwargs={argument: marker}).split(str(marker))
    return lambda pk: f"{prefix}{pk}{suffix}"


# ---------------------------------------------------------------- agreements
@dataclass(frozen=True)
class AgreementRow:
    """A line of the agreement list, as shown in the page's language (names, labels and
    date written once here: template lookups and filters cost more per cell)."""

    url: str
    title: str
    shared: bool
    country: str
    status: str
    post: str
    priorities: str
    expires: str


def agreement_rows(agreements: Iterable[Agreement]) -> list[AgreementRow]:
    language = (get_language() or "es")[:2]
    statuses = {value: str(label) for value, label in Agreement.Status.choices}
    central = _("central")
    url = detail_urls("registry:agreement_detail", "agreement_id")
    return [
        AgreementRow(
            url=url(agreement.pk),
            title=agreement.title,
            shared=agreement.shared,
            country=country_label(agreement.partner_country),
            status=statuses.get(agreement.status, agreement.status),
            post=agreement.post.name if agreement.post else central,
            priorities=priorities_named(agreement.priorities, language),
            expires=date_format(agreement.expires_on, "SHORT_DATE_FORMAT")
            if agreement.expires_on
            else "—",
        )
        for agreement in agreements
    ]


@login_required
@require_safe
def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = agreements_visible_to(request.user).order_by("-updated_at", "-pk")
    form = AgreementFilterForm(request.GET or None, user=request.user)
    if form.is_bound:
        if form.is_valid():
            agreements = agreements_filter(agreements, **form.cleaned_data)
        else:
            agreements = agreements.none()
    page = Paginator(agreements, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": agreement_rows(page.object_list),
        "can_create": request.user.role in AGREEMENT_CREATE_ROLES,
        # "no match" only when something was asked for; else "no agreements yet"
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
    }
    template = _list_template(request, "registry/agreement_list.html", "agreement_table.html")
    return render(request, template, context)


def _detail_context(request: HttpRequest, agreement: Agreement, **forms: Any) -> dict[str, Any]:
    user = request.user
    can_write = can_write_agreement(user, agreement)
    confidential = can_see_ip_terms(user, agreement)
    context: dict[str, Any] = {
        "can_match": _can_match(user),
        "agreement": agreement,
        "institutions": agreement.institutions.select_related("country"),
        "outcomes": agreement.outcomes.order_by("-occurred_on", "-pk"),
        "projects": projects_visible_to(user).filter(agreements=agreement),
        "can_write": can_write,
        "can_see_ip_terms": confidential,
        "can_set_ip_terms": user.role in IP_TERMS_ROLES,
        "regime": regime_points(user, agreement.partner_country_id, get_language() or "es"),
    }
    if confidential:
        try:
            context["ip_terms"] = agreement.ip_terms
        except IPTerms.DoesNotExist:
            context["ip_terms"] = None
        context["documents"] = agreement.documents.order_by("-uploaded_at", "-pk")
    if can_write:
        if STATUS_TRANSITIONS[agreement.status]:
            context["status_form"] = forms.get("status_form") or AgreementStatusForm(
                agreement=agreement
            )
        context["document_form"] = forms.get("document_form") or DocumentForm()
        context["outcome_form"] = forms.get("outcome_form") or OutcomeForm()
    return context


@login_required
@require_safe
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_get_for_user(request.user, agreement_id)
    return render(request, "registry/agreement_detail.html", _detail_context(request, agreement))


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create_view(request: HttpRequest) -> HttpResponse:
    require_role(request.user, AGREEMENT_CREATE_ROLES)
    form = AgreementForm(request.POST or None, user=request.user)
    # the IP terms, confidential and optional, for the roles that set them
    ip_form = (
        # optional here: no "required" for the browser (the form checks when filled in)
        IPTermsForm(request.POST or None, prefix="ip", use_required_attribute=False)
        if request.user.role in IP_TERMS_ROLES
        else None
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (ip_form is None or ip_form.is_valid_or_empty())
    ):
        try:
            agreement = agreement_create(
                actor=request.user,
                ip_terms=ip_form.terms() if ip_form is not None else None,
                **form.cleaned_data,
            )
        except ValidationError as error:
            _add_agreement_errors(form, ip_form, error)
        else:
            messages.success(request, _("Agreement registered."))
            return redirect("registry:agreement_detail", agreement_id=agreement.pk)
    if ip_form is not None and ip_form.is_bound and not ip_form.has_changed():
        # left empty while the agreement has errors: shown empty again, not as errors
        ip_form = IPTermsForm(prefix="ip", use_required_attribute=False)
    errors = error_summary(form) + (error_summary(ip_form) if ip_form is not None else [])
    context = {"form": form, "ip_form": ip_form, "agreement": None, "errors": errors}
    return render(request, "registry/agreement_form.html", context)


def _add_agreement_errors(
    form: AgreementForm, ip_form: IPTermsForm | None, error: ValidationError
) -> None:
    """A service's errors on the agreement form, those of the IP terms on their section."""
    if ip_form is not None and hasattr(error, "error_dict"):
        ip_errors = {k: v for k, v in error.error_dict.items() if k in ip_form.fields}
        if ip_errors:
            add_service_errors(ip_form, ValidationError(ip_errors))
            rest = {k: v for k, v in error.error_dict.items() if k not in ip_form.fields}
            if rest:
                add_service_errors(form, ValidationError(rest))
            return
    add_service_errors(form, error)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_get_for_user(request.user, agreement_id, write=True)
    form = AgreementForm(request.POST or None, user=request.user, agreement=agreement)
    renewing = request.GET.get("renew") == "1"
    if renewing:  # from the renewals list: the new expiry date is what to write
        form.fields["expires_on"].widget.attrs["autofocus"] = True
    if request.method == "POST" and form.is_valid():
        try:
            agreement_update(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect("registry:agreement_detail", agreement_id=agreement.pk)
    context = {
        "form": form,
        "agreement": agreement,
        "can_set_ip_terms": request.user.role in IP_TERMS_ROLES,
        "renewing": renewing,
        "errors": error_summary(form),
    }
    return render(request, "registry/agreement_form.html", context)


@login_required
@require_POST
def agreement_status(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_get_for_user(request.user, agreement_id, write=True)
    form = AgreementStatusForm(request.POST, agreement=agreement)
    if form.is_valid():
        try:
            agreement_set_status(
                actor=request.user, agreement=agreement, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Status changed."))
            return redirect("registry:agreement_detail", agreement_id=agreement.pk)
    context = _detail_context(request, agreement, status_form=form)
    return render(request, "registry/agreement_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def ip_terms_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_get_for_user(request.user, agreement_id)
    require_role(request.user, IP_TERMS_ROLES)
    try:
        terms: IPTerms | None = agreement.ip_terms
    except IPTerms.DoesNotExist:
        terms = None
    form = IPTermsForm(request.POST or None, initial=IPTermsForm.initial_from(terms))
    if request.method == "POST" and form.is_valid():
        try:
            ip_terms_set(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("IP terms saved."))
            return redirect("registry:agreement_detail", agreement_id=agreement.pk)
    context = {"form": form, "agreement": agreement, "errors": error_summary(form)}
    return render(request, "registry/ip_terms_form.html", context)


@login_required
@require_POST
def document_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_get_for_user(request.user, agreement_id, write=True)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document_upload(
                actor=request.user, agreement=agreement, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Document attached."))
            return redirect("registry:agreement_detail", agreement_id=agreement.pk)
    context = _detail_context(request, agreement, document_form=form)
    return render(request, "registry/agreement_detail.html", context)


@login_required
@require_safe
def document_download(request: HttpRequest, agreement_id: int, document_id: int) -> HttpResponse:
    return download(document_get_for_user(request.user, agreement_id, document_id))


@login_required
@require_POST
def outcome_create(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_get_for_user(request.user, agreement_id, write=True)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            outcome_add(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Outcome recorded."))
            return redirect("registry:agreement_detail", agreement_id=agreement.pk)
    context = _detail_context(request, agreement, outcome_form=form)
    return render(request, "registry/agreement_detail.html", context)


@login_required
@require_safe
def renewal_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    due = renewals_due(today, agreements_visible_to(request.user))
    rows = []
    for agreement in due:
        days_left = (agreement.expires_on - today).days
        renew = can_write_agreement(request.user, agreement)  # renewing edits the agreement
        rows.append((agreement, days_left, max(0, -days_left), renew))
    return render(request, "registry/renewal_list.html", {"rows": rows, "today": today})


# ---------------------------------------------------------------- posts
@login_required
@require_safe
def post_list(request: HttpRequest) -> HttpResponse:
    posts = posts_visible_to(request.user)
    return render(request, "registry/post_list.html", {"posts": posts})


@login_required
@require_safe
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_get_for_user(request.user, post_id)
    agreements = agreements_visible_to(request.user).filter(post=post)
    return render(request, "registry/post_detail.html", {"post": post, "agreements": agreements})


# ---------------------------------------------------------------- institutions
@dataclass(frozen=True)
class InstitutionRow:
    """A line of the institution list, its country named in the page's language."""

    url: str
    name: str
    country: str
    city: str
    ror_id: str | None


def institution_rows(institutions: Iterable[Institution]) -> list[InstitutionRow]:
    url = detail_urls("registry:institution_detail", "institution_id")
    return [
        InstitutionRow(
            url=url(institution.pk),
            name=institution.name,
            country=country_label(institution.country),
            city=institution.city,
            ror_id=institution.ror_id,
        )
        for institution in institutions
    ]


@login_required
@require_safe
def institution_list(request: HttpRequest) -> HttpResponse:
    institutions = institutions_visible_to(request.user)
    form = InstitutionSearchForm(request.GET or None)
    if form.is_bound:
        if form.is_valid():
            institutions = institutions_search(institutions, **form.cleaned_data)
        else:
            institutions = institutions.none()
    page = Paginator(institutions.order_by("name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "rows": institution_rows(page.object_list),
        "can_sync": request.user.role in ADMIN_ROLES,
    }
    template = _list_template(request, "registry/institution_list.html", "institution_table.html")
    return render(request, template, context)


@login_required
@require_safe
def institution_detail(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = institution_get_for_user(request.user, institution_id)
    context = {
        "institution": institution,
        "agreements": agreements_visible_to(request.user).filter(institutions=institution),
        "projects": projects_visible_to(request.user)
        .filter(Q(lead_institution=institution) | Q(partner_institutions=institution))
        .distinct(),
    }
    return render(request, "registry/institution_detail.html", context)


@login_required
@require_POST
def reference_sync(request: HttpRequest) -> HttpResponse:
    """Countries and institutions from the evidence store (administrators)."""
    require_role(request.user, ADMIN_ROLES)
    path = vinculo_home() / "evidence.duckdb"
    countries = countries_sync(actor=request.user)
    if not path.exists():
        messages.warning(
            request,
            _("Countries updated; there is no evidence store yet, so no institutions."),
        )
        return redirect("registry:institution_list")
    try:
        with EvidenceStore(path, read_only=True) as store:
            institutions = institutions_import_from_store(store=store, actor=request.user)
    except EvidenceError as error:
        messages.error(request, str(error))
        return redirect("registry:institution_list")
    messages.success(
        request,
        _(
            "Countries: %(countries)s new. Institutions: %(created)s new, %(updated)s "
            "updated, %(unchanged)s unchanged, %(skipped)s skipped."
        )
        % {
            "countries": countries.created,
            "created": institutions.created,
            "updated": institutions.updated,
            "unchanged": institutions.unchanged,
            "skipped": institutions.skipped,
        },
    )
    return redirect("registry:institution_list")


# ---------------------------------------------------------------- projects
@login_required
@require_safe
def project_list(request: HttpRequest) -> HttpResponse:
    context = {
        "projects": projects_visible_to(request.user),
        "can_create": request.user.role in CENTRAL_ROLES,
        "can_see_budget": can_see_budget(request.user),
    }
    return render(request, "registry/project_list.html", context)


def _project_context(request: HttpRequest, project: Project, **forms: Any) -> dict[str, Any]:
    can_write = request.user.role in CENTRAL_ROLES
    return {
        "project": project,
        "partners": project.partner_institutions.all(),
        "agreements": agreements_visible_to(request.user).filter(projects=project),
        "milestones": project.milestones.all(),
        "can_write": can_write,
        "can_see_budget": can_see_budget(request.user),
        "milestone_form": forms.get("milestone_form") or (MilestoneForm() if can_write else None),
        "capital_gaps": _capital_gaps(project),
        "can_match": _can_match(request.user),
    }


def _can_match(user: Any) -> bool:
    """Whether the page links to the researchers who fit the record (the people app's
    roles, where that app is installed)."""
    from django.apps import apps

    if not apps.is_installed("vinculo.web.people"):
        return False
    from vinculo.web.people.selectors import PEOPLE_ROLES

    return bool(getattr(user, "role", None) in PEOPLE_ROLES)


def _capital_gaps(project: Project) -> list[Any] | None:
    """The project's specialist gaps (``mobility.selectors.project_gaps``) where that app
    is installed; None otherwise (the page leaves the section out)."""
    from django.apps import apps

    if not apps.is_installed("vinculo.web.mobility"):
        return None
    from vinculo.web.mobility.selectors import project_gaps

    return project_gaps(project)


@login_required
@require_safe
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_for_user(request.user, project_id)
    return render(request, "registry/project_detail.html", _project_context(request, project))


@login_required
@require_http_methods(["GET", "POST"])
def project_create_view(request: HttpRequest) -> HttpResponse:
    require_role(request.user, CENTRAL_ROLES)
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = project_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Project saved."))
            return redirect("registry:project_detail", project_id=project.pk)
    context = {"form": form, "project": None, "errors": error_summary(form)}
    return render(request, "registry/project_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_for_user(request.user, project_id, write=True)
    form = ProjectForm(request.POST or None, user=request.user, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            project_update(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Project saved."))
            return redirect("registry:project_detail", project_id=project.pk)
    context = {"form": form, "project": project, "errors": error_summary(form)}
    return render(request, "registry/project_form.html", context)


@login_required
@require_POST
def milestone_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_for_user(request.user, project_id, write=True)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            milestone_add(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Milestone added."))
            return redirect("registry:project_detail", project_id=project.pk)
    context = _project_context(request, project, milestone_form=form)
    return render(request, "registry/project_detail.html", context)


@login_required
@require_POST
def milestone_done(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = milestone_get_for_user(request.user, milestone_id, write=True)
    form = MilestoneDoneForm(request.POST)
    form.is_valid()  # a missing box is "not done"
    milestone_set_done(actor=request.user, milestone=milestone, done=form.cleaned_data["done"])
    return redirect("registry:project_detail", project_id=milestone.project_id)
