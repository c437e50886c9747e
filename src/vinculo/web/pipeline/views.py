"""Pipeline pages: the list (the planners' inbox, a post's own list), logging an
opportunity with live suggestions and duplicate warnings, the detail page with its
workflow, scores, comments and history, bulk import, exports and the funnel. Thin: scope
and role come from the selectors, writes from the services."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vinculo.strategy.naming import naming_policy
from vinculo.web.accounts.permissions import READ_ROLES, require_role
from vinculo.web.feedback import error_summary
from vinculo.web.formatting import number, numbers, short_dates
from vinculo.web.paging import open_page
from vinculo.web.pipeline import classify
from vinculo.web.pipeline.exports import (
    FORMATS,
    REPORT_FORMATS,
    export_bytes,
    report_bytes,
    report_rows,
    zone_label,
)
from vinculo.web.pipeline.forms import (
    CommentForm,
    FilterForm,
    ImportForm,
    MergeForm,
    OpportunityForm,
    OwnerForm,
    PrioritiesForm,
    ScoreForm,
    TransitionForm,
    countries_by_name,
)
from vinculo.web.pipeline.imports import COLUMNS, REQUIRED, ImportFailedError, import_file
from vinculo.web.pipeline.models import Attachment, Comment, DuplicateFlag, Opportunity
from vinculo.web.pipeline.presenters import opportunity_rows, scores_of
from vinculo.web.pipeline.scoring import rubric_decision
from vinculo.web.pipeline.selectors import (
    COMMENT_ROLES,
    SUBMIT_ROLES,
    attachment_get_for_user,
    can_edit,
    can_see_confidential,
    confidential_posts,
    opportunities_filter,
    opportunities_visible_to,
    opportunity_get_for_user,
    transitions_for,
)
from vinculo.web.pipeline.services import (
    ConflictError,
    attachment_add,
    comment_add,
    duplicates_for,
    opportunity_assign,
    opportunity_merge,
    opportunity_score,
    opportunity_submit,
    opportunity_transition,
    opportunity_update,
    priorities_confirm,
    title_duplicates,
)
from vinculo.web.pipeline.summaries import FUNNEL, funnel_for, history_events, history_rows
from vinculo.web.registry.forms import DocumentForm, add_service_errors
from vinculo.web.registry.models import Country, IPTerms
from vinculo.web.registry.selectors import (
    CENTRAL_ROLES,
    agreements_visible_to,
    can_see_ip_terms,
    posts_visible_to,
    priorities_named,
    priority_choices,
)
from vinculo.web.registry.services.documents import download
from vinculo.web.registry.views import detail_urls
from vinculo.web.transfer.selectors import regime_points

PAGE_SIZE = 50


@dataclass(frozen=True)
class OpportunityRow:
    """A line of the list as shown in the page's language (written once here: template
    filters and lookups cost more per cell)."""

    url: str
    title: str
    status: str
    post: str
    country: str
    priorities: str
    suggested: bool  # the classifier's, not confirmed yet
    fit: str
    amount: str | None  # None: confidential for this reader
    deadline: str
    updated: str


def table_html(rows: Iterable[OpportunityRow]) -> SafeString:
    """The table's rows, written at once (escaped by ``format_html``): a template costs
    about 10 µs a cell, and a page has 450 of them."""
    suggested = _("Suggested — not confirmed")
    confidential = format_html('<span class="redacted">{}</span>', _("confidential"))
    return format_html_join(
        "\n",
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                row.url,
                row.title,
                row.status,
                row.post,
                row.country,
                format_html(
                    '<span class="suggested">{}</span> <span class="badge badge-unconfirmed">{}'
                    "</span>",
                    row.priorities,
                    suggested,
                )
                if row.suggested and row.priorities != "—"
                else row.priorities,
                row.fit,
                confidential if row.amount is None else row.amount,
                row.deadline,
                row.updated,
            )
            for row in rows
        ),
    )


_COLUMNS = ("pk", "title", "status", "post_id", "post__name", "host_country_id",
            "host_country__name_es", "host_country__name_en", "priority_keys",
            "priorities_confirmed", "fit", "amount_offered", "currency", "deadline",
            "updated_at")  # fmt: skip


def opportunity_table_rows(user: Any, values: Iterable[dict[str, Any]]) -> list[OpportunityRow]:
    """The rows of the list from plain values (``_COLUMNS``): no model instances."""
    language = (get_language() or "es")[:2]
    country = "host_country__name_es" if language == "es" else "host_country__name_en"
    naming = naming_policy()  # the diplomatic naming policy's names before the stored ones
    statuses = {value: str(label) for value, label in Opportunity.Status.choices}
    visible = confidential_posts(user)
    url = detail_urls("pipeline:detail", "opportunity_id")
    short = short_dates()
    whole = numbers(0)
    rows = []
    for o in values:
        amount = None
        if visible(o["post_id"]):
            amount = "—"
            if o["amount_offered"] is not None:
                amount = f"{whole(o['amount_offered'])} {o['currency']}"
        rows.append(
            OpportunityRow(
                url=url(o["pk"]),
                title=o["title"],
                status=statuses.get(o["status"], o["status"]),
                post=o["post__name"],
                country=naming.name(o["host_country_id"], language) or o[country],
                priorities=priorities_named(Opportunity.split_keys(o["priority_keys"]), language)
                or "—",
                suggested=not o["priorities_confirmed"],
                fit="—" if o["fit"] is None else whole(o["fit"]),
                amount=amount,
                deadline=short(o["deadline"]) if o["deadline"] else "—",
                updated=short(localtime(o["updated_at"])),
            )
        )
    return rows


#: The largest export a page will produce at once (narrow the filters for more).
EXPORT_LIMIT = 200_000


def _filtered(request: HttpRequest) -> tuple[FilterForm, Any]:
    form = FilterForm(request.GET or None, user=request.user)
    found = opportunities_visible_to(request.user)
    order = "-updated_at"
    if form.is_bound:
        if form.is_valid():
            found = opportunities_filter(found, **form.values())
            order = form.ordering()
        else:
            found = found.none()
    return form, found.order_by(order, "-pk")


@login_required
@require_safe
def opportunity_list(request: HttpRequest) -> HttpResponse:
    """The planners' inbox (every post) and an officer's list (their posts): one page, the
    scope decides."""
    form, found = _filtered(request)
    page: Any
    if (
        form.is_bound
        and form.is_valid()
        and (form.cleaned_data.get("q") or form.cleaned_data.get("priority"))
    ):
        # word searches and the priority filter are not counted: the count would read
        # every match (vinculo.web.paging)
        page = open_page(found.values(*_COLUMNS), request.GET.get("page"), PAGE_SIZE)
    else:
        paginator = Paginator(found.values(*_COLUMNS), PAGE_SIZE)
        # counted on the rows alone: a count of the values would join posts and countries
        paginator.count = found.order_by().count()  # type: ignore[misc]  # (cached_property)
        page = paginator.get_page(request.GET.get("page"))
    rows = table_html(opportunity_table_rows(request.user, page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "can_submit": request.user.role in SUBMIT_ROLES,
        "is_central": request.user.role in CENTRAL_ROLES,
        "formats": list(REPORT_FORMATS),
        "data_formats": list(FORMATS),
    }
    template = (
        "pipeline/partials/table.html"
        if request.headers.get("HX-Request")
        else "pipeline/opportunity_list.html"
    )
    return render(request, template, context)


@login_required
@require_safe
def opportunity_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The list as filtered, as CSV, Excel or Parquet — redacted like the pages. The report
    (default, CSV and Excel) is for people; ``?variant=data`` (and Parquet) for programs."""
    require_role(request.user, READ_ROLES)
    if file_format not in FORMATS:
        raise Http404("No such format")
    variant = request.GET.get("variant", "report")
    if variant not in ("report", "data"):
        raise Http404("No such variant")
    if file_format not in REPORT_FORMATS:
        variant = "data"
    form, found = _filtered(request)
    found = found.select_related("owner", "post", "host_country")[:EXPORT_LIMIT]
    now = timezone.localtime()
    if variant == "data":
        content = export_bytes(opportunity_rows(request.user, found.iterator(2000)), file_format)
        name = "opportunities-data"
    else:
        notes = [
            (_("Exported at"), f"{now:%Y-%m-%d %H:%M} ({zone_label(now)})"),
            (_("Filters"), _filters_text(form) or _("None: every opportunity you may see")),
            (_("Times"), _("Local time (%(zone)s)") % {"zone": zone_label(now)}),
            (
                _("Confidential data"),
                _("Contacts and amounts are empty where your role may not see them."),
            ),
            (_("Data for machines"), _("Codes and UTC times: the same address with ?variant=data")),
        ]
        content = report_bytes(
            report_rows(request.user, found.iterator(2000)), file_format, notes=notes
        )
        name = _("opportunities")
    content_type, extension = FORMATS[file_format]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-{now:%Y%m%d-%H%M}.{extension}"'
    return response


def _filters_text(form: FilterForm) -> str:
    """The filters used, as the form shows them ("Status: Nueva; Search: baterías")."""
    if not form.is_bound or not form.is_valid():
        return ""
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        choices = dict(getattr(field, "choices", []) or [])
        shown = choices.get(value, choices.get(str(value), value))
        parts.append(f"{field.label}: {shown}")
    return "; ".join(parts)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, SUBMIT_ROLES)
    form = OpportunityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = opportunity_submit(
                actor=request.user, language=request.LANGUAGE_CODE[:2], **form.values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Opportunity logged."))
            if opportunity.duplicate_flags.exists():
                messages.warning(
                    request, _("It looks like opportunities already logged: see below.")
                )
            return redirect("pipeline:detail", opportunity_id=opportunity.pk)
    context = {"form": form, "opportunity": None, "errors": error_summary(form)}
    return render(request, "pipeline/opportunity_form.html", context)


@login_required
@require_POST
def suggest(request: HttpRequest) -> HttpResponse:
    """The live panel of the form (HTMX): suggested priorities with their evidence, and
    similar opportunities already logged (those outside the user's scope are said to
    exist, without showing them)."""
    require_role(request.user, SUBMIT_ROLES)
    title = request.POST.get("title", "")[:300]
    description = request.POST.get("description", "")[:20_000]
    text = f"{title}\n{description}".strip()
    suggestions = classify.suggest(text) if len(text) >= 20 else []
    names = dict(priority_choices(request.LANGUAGE_CODE[:2]))
    country = _country_of(request)
    # the title alone already finds the same offer (any post, any host country) before a
    # description is typed; with a description and a host country, whole records too
    scores = dict(title_duplicates(title=title))
    if country and description.strip() and len(text) >= 20:
        for pk, score in duplicates_for(title=title, description=description, host_country=country):
            scores[pk] = max(score, scores.get(pk, 0.0))
    found = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:5]
    duplicates: list[dict[str, Any]] = []
    if found:
        visible = {
            o.pk: o
            for o in opportunities_visible_to(request.user).filter(
                pk__in=[pk for pk, _score in found]
            )
        }
        duplicates = [{"opportunity": visible.get(pk), "similarity": score} for pk, score in found]
    return render(
        request,
        "pipeline/partials/suggestions.html",
        {
            "suggestions": [{**s, "name": names.get(s["id"], s["id"])} for s in suggestions],
            "duplicates": duplicates,
        },
    )


def _country_of(request: HttpRequest) -> str | None:
    """The host country the form names (none yet: ``None``)."""
    code = request.POST.get("host_country", "").strip().upper()
    if code and len(code) == 3 and Country.objects.filter(pk=code).exists():
        return code
    return None


def _detail_context(request: HttpRequest, opportunity: Opportunity, **forms: Any) -> dict[str, Any]:
    user = request.user
    language = request.LANGUAGE_CODE[:2]
    names = dict(priority_choices(language))

    # (opportunity_detail reads which of these exist with the opportunity: no query for
    # the empty ones; other callers' opportunities read them all)
    def has(name: str) -> bool:
        return bool(getattr(opportunity, f"has_{name}", True))

    flags = (
        list(opportunity.duplicate_flags.select_related("other", "other__post"))
        if has("flags")
        else []
    )
    visible_ids = (
        set(
            opportunities_visible_to(user)
            .filter(pk__in=[f.other_id for f in flags])
            .values_list("pk", flat=True)
        )
        if flags
        else set()
    )
    merged = (
        list(Opportunity.objects.filter(merged_into=opportunity).order_by("pk"))
        if has("merged")
        else []
    )
    context: dict[str, Any] = {
        "opportunity": opportunity,
        "confidential": can_see_confidential(user, opportunity),
        "can_edit": can_edit(user, opportunity),
        "is_central": user.role in CENTRAL_ROLES,
        # the researchers who fit it and its shortlist (vinculo.web.people): an officer who
        # sees the opportunity is one of its post's
        "can_match": user.role in CENTRAL_ROLES or user.role == "officer",
        "institutions": opportunity.institutions.select_related("country")
        if has("institutions")
        else [],
        "suggestions": [
            {**s, "name": names.get(s["id"], s["id"])} for s in opportunity.suggested_priorities
        ],
        "priorities": [names.get(p, p) for p in opportunity.priorities],
        "scores": scores_of(opportunity),
        "decision": rubric_decision(scores_of(opportunity)),
        "fit_reasons": opportunity.fit_reasons.get(language, []),
        "fit_vintage": opportunity.fit_reasons.get("vintage", ""),
        "duplicates": [(flag, flag.other_id in visible_ids) for flag in flags],
        "merged": merged,
        "comments": opportunity.comments.select_related("author") if has("comments") else [],
        "history": history_rows(
            history_events(user, opportunity, merged), opportunity, language, user
        ),
        "attachments": opportunity.attachments.all()
        if has("attachments") and can_see_confidential(user, opportunity)
        else [],
        "agreement_visible": bool(
            opportunity.agreement_id
            and agreements_visible_to(user).filter(pk=opportunity.agreement_id).exists()
        ),
    }
    context["last_change"] = context["history"][-1] if context["history"] else None
    context["regime"] = regime_points(user, opportunity.host_country_id, language)
    context["ip_terms"] = None
    if context["agreement_visible"]:
        agreement = opportunity.agreement
        if agreement is not None and can_see_ip_terms(user, agreement):
            context["ip_terms"] = IPTerms.objects.filter(agreement=agreement).first()
            context["ip_terms_shown"] = True
    context["suggested_ids"] = [s["id"] for s in opportunity.suggested_priorities]
    if transitions_for(user, opportunity):
        context["transition_form"] = forms.get("transition_form") or TransitionForm(
            user=user, opportunity=opportunity
        )
    if user.role in CENTRAL_ROLES and opportunity.status != Opportunity.Status.MERGED:
        context["score_form"] = forms.get("score_form") or ScoreForm(opportunity=opportunity)
        context["owner_form"] = forms.get("owner_form") or OwnerForm(opportunity=opportunity)
    if user.role in CENTRAL_ROLES or (
        context["confidential"] and opportunity.status != Opportunity.Status.MERGED
    ):
        context["priorities_form"] = forms.get("priorities_form") or PrioritiesForm(
            opportunity=opportunity
        )
    if user.role in COMMENT_ROLES:
        context["comment_form"] = forms.get("comment_form") or CommentForm()
    if context["can_edit"]:
        context["attachment_form"] = forms.get("attachment_form") or DocumentForm()
    return context


def _detail(request: HttpRequest, opportunity: Opportunity, status: int = 200, **forms: Any):
    context = _detail_context(request, opportunity, **forms)
    context["errors"] = {
        name: error_summary(form, {"duplicate": "id_merge_duplicate"})
        for name, form in forms.items()
    }
    return render(request, "pipeline/opportunity_detail.html", context, status=status)


#: Each action form of the detail page: the id of its ``<form>`` (the fragment a failed
#: action returns to) and how it is made again from what was posted.
ACTION_FORMS: dict[str, tuple[str, Callable[[Any, Opportunity, Any], Any]]] = {
    "transition_form": (
        "transition-form",
        lambda data, o, user: TransitionForm(data, user=user, opportunity=o),
    ),
    "score_form": ("score-form", lambda data, o, user: ScoreForm(data, opportunity=o)),
    "owner_form": ("owner-form", lambda data, o, user: OwnerForm(data, opportunity=o)),
    "priorities_form": (
        "priorities-form",
        lambda data, o, user: PrioritiesForm(data, opportunity=o),
    ),
    "comment_form": ("comment-form", lambda data, o, user: CommentForm(data)),
    "attachment_form": ("attachment-form", lambda data, o, user: DocumentForm(data, {})),
    "merge_form": ("merge-any", lambda data, o, user: MergeForm(data)),
}


def _session_key(opportunity_id: int) -> str:
    return f"pipeline.failed.{opportunity_id}"


def _keep_failure(request: HttpRequest, opportunity_id: int, form_name: str, form: Any) -> str:
    """Keep what was posted to a failed action and its errors in the session, for the
    detail page to show once; returns the detail URL with the form's fragment (the
    POST-redirect-GET of every action: the address bar never holds an action's URL)."""
    data = {
        key: values
        for key, values in request.POST.lists()
        if key != "csrfmiddlewaretoken" and len(values) < 100
    }
    errors = {field: [str(text) for text in texts] for field, texts in form.errors.items()}
    request.session[_session_key(opportunity_id)] = {
        "form": form_name,
        "data": data,
        "errors": errors,
    }
    anchor = ACTION_FORMS[form_name][0]
    return f"{reverse('pipeline:detail', kwargs={'opportunity_id': opportunity_id})}#{anchor}"


def _failed_forms(request: HttpRequest, opportunity: Opportunity) -> dict[str, Any]:
    """The failed action kept by :func:`_keep_failure` (read once), as its bound form
    with the errors it had: what the user typed is shown again."""
    key = _session_key(opportunity.pk)
    if key not in request.session:
        return {}
    kept = request.session.pop(key)
    name = kept.get("form") if isinstance(kept, dict) else None
    if name not in ACTION_FORMS:
        return {}
    form = ACTION_FORMS[name][1](MultiValueDict(kept["data"]), opportunity, request.user)
    errors = ErrorDict()
    for field, texts in kept["errors"].items():
        errors[field] = ErrorList(
            texts, error_class="nonfield" if field == NON_FIELD_ERRORS else None
        )
    form._errors = errors  # as they were when posted: not checked again
    form.cleaned_data = {}
    return {name: form}


@login_required
@require_safe
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = opportunity_get_for_user(
        request.user, opportunity_id, related=("created_by",), annotate=_PRESENT
    )
    return _detail(request, opportunity, **_failed_forms(request, opportunity))


# what the detail page lists, as "does any exist" read with the opportunity itself
_PRESENT = {
    "has_flags": Exists(DuplicateFlag.objects.filter(opportunity=OuterRef("pk"))),
    "has_merged": Exists(Opportunity.objects.filter(merged_into=OuterRef("pk"))),
    "has_institutions": Exists(
        Opportunity.institutions.through.objects.filter(opportunity=OuterRef("pk"))
    ),
    "has_comments": Exists(Comment.objects.filter(opportunity=OuterRef("pk"))),
    "has_attachments": Exists(Attachment.objects.filter(opportunity=OuterRef("pk"))),
}


def _conflict(request: HttpRequest, opportunity_id: int, anchor: str = "") -> HttpResponse:
    """A change made on a stale version: nothing was saved; back to the page as it is now."""
    messages.error(
        request,
        _(
            "Someone else changed this opportunity while you were looking at it; nothing "
            "was saved. Here it is as it is now: check and try again."
        ),
    )
    url = reverse("pipeline:detail", kwargs={"opportunity_id": opportunity_id})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _act(
    request: HttpRequest,
    opportunity: Opportunity,
    form_name: str,
    form: Any,
    write: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str],
) -> HttpResponse:
    """An action of the detail page: the form checked, the service called with its
    cleaned data. Saved: ``done(result)`` as a message, back to the page. Refused (by the
    form or the service): back to the page at the form, which shows what was posted with
    an error summary (:func:`_keep_failure`); made on a stale version: back to the page
    as it is now, with a message. Every answer is a redirect to the detail page."""
    if form.is_valid():
        try:
            result = write(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError:
            return _conflict(request, opportunity.pk, ACTION_FORMS[form_name][0])
        else:
            messages.success(request, done(result))
            return redirect("pipeline:detail", opportunity_id=opportunity.pk)
    messages.error(request, _("Nothing was saved: see the errors in the form."))
    return redirect(_keep_failure(request, opportunity.pk, form_name, form))


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    if not can_edit(request.user, opportunity):
        raise PermissionDenied
    form = OpportunityForm(request.POST or None, user=request.user, opportunity=opportunity)
    version = opportunity.version
    if request.method == "POST":
        posted = request.POST.get("version", "")
        version = int(posted) if posted.isdigit() and len(posted) < 10 else 0
    if request.method == "POST" and form.is_valid():
        try:
            opportunity_update(
                actor=request.user, opportunity=opportunity, version=version, **form.values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError:
            messages.error(
                request,
                _(
                    "Someone else changed this opportunity since you opened it; your changes "
                    "were not saved. They are still in the form: compare and save again."
                ),
            )
            opportunity.refresh_from_db()
            version = opportunity.version
            response = render(
                request,
                "pipeline/opportunity_form.html",
                {
                    "form": form,
                    "opportunity": opportunity,
                    "version": version,
                    "errors": error_summary(form),
                },
                status=409,
            )
            return response
        else:
            messages.success(request, _("Opportunity saved."))
            return redirect("pipeline:detail", opportunity_id=opportunity.pk)
    context = {
        "form": form,
        "opportunity": opportunity,
        "version": version,
        "errors": error_summary(form) if request.method == "POST" else [],
    }
    return render(request, "pipeline/opportunity_form.html", context)


@login_required
@require_POST
def opportunity_status(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    if not transitions_for(request.user, opportunity):
        raise PermissionDenied

    def write(data: dict[str, Any]) -> Opportunity:
        agreement = None
        if data["agreement"]:
            agreement = agreements_visible_to(request.user).filter(pk=data["agreement"]).first()
            if agreement is None:
                raise ValidationError({"agreement": [_("No such agreement.")]})
        return opportunity_transition(
            actor=request.user,
            opportunity=opportunity,
            version=data["version"],
            status=data["status"],
            agreement=agreement,
            note=data["note"],
        )

    form = TransitionForm(request.POST, user=request.user, opportunity=opportunity)
    return _act(
        request, opportunity, "transition_form", form, write, lambda _r: _("Status changed.")
    )


@login_required
@require_POST
def opportunity_score_view(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    require_role(request.user, CENTRAL_ROLES)
    form = ScoreForm(request.POST, opportunity=opportunity)
    return _act(
        request,
        opportunity,
        "score_form",
        form,
        lambda data: opportunity_score(
            actor=request.user,
            opportunity=opportunity,
            version=data["version"],
            scores=form.scores(),
            comment=data["comment"],
        ),
        lambda decision: _("Scores saved: %(total)s of 20.") % {"total": decision.total},
    )


@login_required
@require_POST
def opportunity_owner(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    require_role(request.user, CENTRAL_ROLES)
    form = OwnerForm(request.POST, opportunity=opportunity)
    return _act(
        request,
        opportunity,
        "owner_form",
        form,
        lambda data: opportunity_assign(
            actor=request.user,
            opportunity=opportunity,
            version=data["version"],
            owner=data["owner"],
        ),
        lambda _r: _("Owner saved."),
    )


@login_required
@require_POST
def opportunity_priorities(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    form = PrioritiesForm(request.POST, opportunity=opportunity)
    return _act(
        request,
        opportunity,
        "priorities_form",
        form,
        lambda data: priorities_confirm(
            actor=request.user,
            opportunity=opportunity,
            version=data["version"],
            priorities=data["priorities"],
        ),
        lambda _r: _("Priorities confirmed."),
    )


@login_required
@require_POST
def opportunity_comment(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    require_role(request.user, COMMENT_ROLES)
    return _act(
        request,
        opportunity,
        "comment_form",
        CommentForm(request.POST),
        lambda data: comment_add(actor=request.user, opportunity=opportunity, text=data["text"]),
        lambda _r: _("Comment added."),
    )


@login_required
@require_POST
def opportunity_merge_view(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    require_role(request.user, CENTRAL_ROLES)
    form = MergeForm(request.POST)

    def write(data: dict[str, Any]) -> Opportunity:
        try:
            duplicate = opportunity_get_for_user(request.user, data["duplicate"])
        except Http404:
            raise ValidationError(
                {"duplicate": [_("No opportunity with that number that you can see.")]}
            ) from None
        return opportunity_merge(
            actor=request.user, keep=opportunity, duplicate=duplicate, version=data["version"]
        )

    return _act(
        request,
        opportunity,
        "merge_form",
        form,
        write,
        lambda _r: _("Merged: both histories are kept here."),
    )


@login_required
@require_POST
def attachment_create(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    if not can_edit(request.user, opportunity):
        raise PermissionDenied
    return _act(
        request,
        opportunity,
        "attachment_form",
        DocumentForm(request.POST, request.FILES),
        lambda data: attachment_add(
            actor=request.user, opportunity=opportunity, upload=data["file"]
        ),
        lambda _r: _("File attached."),
    )


@login_required
@require_safe
def attachment_download(
    request: HttpRequest, opportunity_id: int, attachment_id: int
) -> HttpResponse:
    return download(attachment_get_for_user(request.user, opportunity_id, attachment_id))


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_import(request: HttpRequest) -> HttpResponse:
    require_role(request.user, SUBMIT_ROLES)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_file(actor=request.user, handle=upload, name=upload.name or "")
        except ImportFailedError as failure:
            report = failure.report
            status = 400
        else:
            messages.success(
                request,
                _("%(count)s opportunities imported.") % {"count": number(len(report.created), 0)},
            )
    elif request.method == "POST":
        status = 400
    language = request.LANGUAGE_CODE[:2]
    context = {
        "form": form,
        "report": report,
        "errors": error_summary(form),
        "columns": COLUMNS,
        "required": REQUIRED,
        "kinds": Opportunity.Kind.choices,
        "priorities": priority_choices(language),
        "posts": posts_visible_to(request.user).order_by("name").values_list("pk", "name"),
        "countries": countries_by_name(),
    }
    return render(request, "pipeline/import.html", context, status=status)


def import_template_row(user: Any) -> dict[str, str]:
    """The example row of the import template: valid for ``user`` as it stands (their
    first post; the values the importer accepts)."""
    post = posts_visible_to(user).order_by("name").first()
    return {
        "title": _("Battery laboratory seeks a Mexican partner"),
        "description": _(
            "The laboratory offers access to its pilot line and co-funding for joint "
            "research on battery recycling."
        ),
        "kind": Opportunity.Kind.JOINT_RESEARCH.value,
        "post": str(post.pk) if post else "",
        "host_country": post.host_country_id if post else "",
        "institutions": "",
        "priorities": "batteries",
        "amount_offered": "250000",
        "amount_requested": "",
        "currency": "EUR",
        "deadline": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "language": (get_language() or "es")[:2],
    }


@login_required
@require_safe
def import_template(request: HttpRequest) -> HttpResponse:
    """The import file to fill in: the headers the importer reads and one example row
    (CSV, UTF-8 with a byte-order mark so that Excel reads the accents)."""
    require_role(request.user, SUBMIT_ROLES)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerow({k: str(v) for k, v in import_template_row(request.user).items()})
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="opportunities-template.csv"'
    return response


@login_required
@require_safe
def pipeline_summary(request: HttpRequest) -> HttpResponse:
    """The funnel and the breakdowns by priority and host country (the user's scope)."""
    counts = funnel_for(request.user)
    names = dict(priority_choices(request.LANGUAGE_CODE[:2]))
    labels = dict(Opportunity.Status.choices)
    chart = {
        "funnel": [[str(labels[s]), counts["statuses"][s]] for s in FUNNEL],
        "priorities": [[names.get(k, k), n] for k, n in counts["priorities"].items()],
        "countries": list(counts["countries"].items())[:20],
    }
    side = [
        (str(labels[s]), counts["statuses"][s])
        for s in Opportunity.Status.values
        if s not in FUNNEL
    ]
    return render(
        request,
        "pipeline/summary.html",
        {"chart": chart, "side": side, "total": sum(counts["statuses"].values())},
    )
