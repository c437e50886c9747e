"""The registry's REST endpoints, ``/api/v1/registry/…``: agreements (their IP terms and
documents nested only for who may see them), institutions, posts, strategic projects and
renewal alerts. The same chokepoints as the pages: 404 outside one's scope, 403 for a role
too low, 401 without credentials, 422 for invalid input, always as JSON.

Here the router and its operations; ``schemas`` holds the named request and response
schemas, ``payloads`` turns models into (redacted) payloads and request ids into objects.
"""

# No ``from __future__ import annotations`` in this package: Ninja resolves the annotations
# of paginated views in its own module, where string annotations cannot be found.
import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination, paginate

from vinculo.web.accounts.permissions import require_role
from vinculo.web.registry.api.payloads import (
    agreement_out,
    agreement_values,
    institution_out,
    patch_values,
    post_out,
    project_out,
    project_values,
)
from vinculo.web.registry.api.schemas import (
    ERRORS,
    AgreementFilters,
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    AgreementSummaryOut,
    InstitutionFilters,
    InstitutionOut,
    IPTermsIn,
    IPTermsOut,
    PostOut,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    RenewalOut,
    StatusIn,
    plain_values,
)
from vinculo.web.registry.selectors import (
    AGREEMENT_CREATE_ROLES,
    CENTRAL_ROLES,
    agreement_get_for_user,
    agreements_filter,
    agreements_visible_to,
    institution_get_for_user,
    institutions_search,
    institutions_visible_to,
    post_get_for_user,
    posts_visible_to,
    project_get_for_user,
    projects_visible_to,
    renewals_due,
)
from vinculo.web.registry.services import (
    agreement_create,
    agreement_set_status,
    agreement_update,
    ip_terms_set,
    project_create,
    project_update,
)

router = Router(tags=["registry"])
PAGE_SIZE = 50


class Pages(PageNumberPagination):
    """Page numbers within reason (a huge page would overflow the database's offset)."""

    class Input(PageNumberPagination.Input):
        page: int = Field(1, ge=1, le=1_000_000)


def _json_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """PermissionDenied -> 403 and a service's ValidationError -> 422, as JSON (Http404
    is already turned into a JSON 404 by Ninja)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            raise HttpError(403, _("You do not have permission to do this.")) from None
        except DjangoValidationError as error:
            fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            raise NinjaValidationError(
                [
                    {
                        "loc": ["body", field] if field else ["body"],
                        "msg": str(message),
                        "type": "value_error",
                    }
                    for field, messages in fields.items()
                    for message in messages
                ]
            ) from None

    return wrapper


# ---------------------------------------------------------------- agreements
@router.get(
    "/agreements",
    response=list[AgreementSummaryOut],
    operation_id="registry_agreement_list",
    summary="Agreements the caller may see, filtered",
)
@paginate(Pages, page_size=PAGE_SIZE)
def agreement_list(request: HttpRequest, filters: Query[AgreementFilters]) -> Any:
    agreements = agreements_visible_to(request.user).order_by("-updated_at", "-pk")
    return agreements_filter(agreements, **plain_values(filters))


@router.get(
    "/agreements/{agreement_id}",
    response={200: AgreementOut, **ERRORS},
    operation_id="registry_agreement_get",
    summary="One agreement; IP terms and documents only for who may see them",
)
@_json_errors
def agreement_get(request: HttpRequest, agreement_id: int) -> Any:
    return agreement_out(request.user, agreement_get_for_user(request.user, agreement_id))


@router.post(
    "/agreements",
    response={201: AgreementOut, **ERRORS},
    operation_id="registry_agreement_create",
    summary="Register an agreement (officers: for their own posts)",
)
@_json_errors
def agreement_post(request: HttpRequest, payload: AgreementIn) -> Any:
    require_role(request.user, AGREEMENT_CREATE_ROLES)
    values = agreement_values(request.user, plain_values(payload))
    agreement = agreement_create(actor=request.user, **values)
    agreement.refresh_from_db()
    return Status(201, agreement_out(request.user, agreement))


@router.patch(
    "/agreements/{agreement_id}",
    response={200: AgreementOut, **ERRORS},
    operation_id="registry_agreement_update",
    summary="Change some fields of an agreement",
)
@_json_errors
def agreement_patch(request: HttpRequest, agreement_id: int, payload: AgreementPatch) -> Any:
    agreement = agreement_get_for_user(request.user, agreement_id, write=True)
    nullable = {"post", "signed_on", "effective_on", "expires_on"}
    values = agreement_values(request.user, patch_values(payload, nullable))
    agreement_update(actor=request.user, agreement=agreement, **values)
    return agreement_out(request.user, agreement_get_for_user(request.user, agreement_id))


@router.post(
    "/agreements/{agreement_id}/status",
    response={200: AgreementOut, **ERRORS},
    operation_id="registry_agreement_set_status",
    summary="Move an agreement along its workflow",
)
@_json_errors
def agreement_status(request: HttpRequest, agreement_id: int, payload: StatusIn) -> Any:
    agreement = agreement_get_for_user(request.user, agreement_id, write=True)
    agreement_set_status(actor=request.user, agreement=agreement, status=payload.status.value)
    return agreement_out(request.user, agreement)


@router.put(
    "/agreements/{agreement_id}/ip-terms",
    response={200: IPTermsOut, **ERRORS},
    operation_id="registry_ip_terms_set",
    summary="Set an agreement's IP and technology-transfer terms (legal, planners, admins)",
)
@_json_errors
def ip_terms_put(request: HttpRequest, agreement_id: int, payload: IPTermsIn) -> Any:
    agreement = agreement_get_for_user(request.user, agreement_id)
    terms = ip_terms_set(actor=request.user, agreement=agreement, **plain_values(payload))
    terms.refresh_from_db()  # decimals as stored (two places)
    return {name: getattr(terms, name) for name in IPTermsOut.model_fields}


@router.get(
    "/renewals",
    response=list[RenewalOut],
    operation_id="registry_renewal_list",
    summary="Agreements due for renewal (within their notice), soonest first",
)
def renewal_list(request: HttpRequest) -> Any:
    today = timezone.localdate()
    return [
        {
            "id": agreement.pk,
            "title": agreement.title,
            "post": agreement.post_id,
            "partner_country": agreement.partner_country_id,
            "status": agreement.status,
            "expires_on": agreement.expires_on,
            "days_left": (agreement.expires_on - today).days,
        }
        for agreement in renewals_due(today, agreements_visible_to(request.user))
    ]


# ---------------------------------------------------------------- institutions and posts
@router.get(
    "/institutions",
    response=list[InstitutionOut],
    operation_id="registry_institution_list",
    summary="Search institutions by name or name variant",
)
@paginate(Pages, page_size=PAGE_SIZE)
def institution_list(request: HttpRequest, filters: Query[InstitutionFilters]) -> Any:
    institutions = institutions_visible_to(request.user).order_by("name", "pk")
    found = institutions_search(institutions, **plain_values(filters))
    return found.values("id", "ror_id", "name", "country", "city", "types", "aliases")


@router.get(
    "/institutions/{institution_id}",
    response={200: InstitutionOut, **ERRORS},
    operation_id="registry_institution_get",
)
@_json_errors
def institution_get(request: HttpRequest, institution_id: int) -> Any:
    return institution_out(institution_get_for_user(request.user, institution_id))


@router.get(
    "/posts",
    response=list[PostOut],
    operation_id="registry_post_list",
    summary="The posts the caller may see (officers: their own)",
)
def post_list(request: HttpRequest) -> Any:
    return [post_out(post) for post in posts_visible_to(request.user)]


@router.get(
    "/posts/{post_id}",
    response={200: PostOut, **ERRORS},
    operation_id="registry_post_get",
)
@_json_errors
def post_get(request: HttpRequest, post_id: int) -> Any:
    return post_out(post_get_for_user(request.user, post_id))


# ---------------------------------------------------------------- projects
@router.get(
    "/projects",
    response=list[ProjectOut],
    operation_id="registry_project_list",
    summary="The strategic projects (budgets hidden from viewers)",
)
def project_list(request: HttpRequest) -> Any:
    return [project_out(request.user, p) for p in projects_visible_to(request.user)]


@router.get(
    "/projects/{project_id}",
    response={200: ProjectOut, **ERRORS},
    operation_id="registry_project_get",
)
@_json_errors
def project_get(request: HttpRequest, project_id: int) -> Any:
    return project_out(request.user, project_get_for_user(request.user, project_id))


@router.post(
    "/projects",
    response={201: ProjectOut, **ERRORS},
    operation_id="registry_project_create",
    summary="Add a strategic project (administrators and planners)",
)
@_json_errors
def project_post(request: HttpRequest, payload: ProjectIn) -> Any:
    require_role(request.user, CENTRAL_ROLES)
    project = project_create(
        actor=request.user, **project_values(request.user, plain_values(payload))
    )
    project.refresh_from_db()  # decimals as stored (two places)
    return Status(201, project_out(request.user, project))


@router.patch(
    "/projects/{project_id}",
    response={200: ProjectOut, **ERRORS},
    operation_id="registry_project_update",
    summary="Change some fields of a strategic project",
)
@_json_errors
def project_patch(request: HttpRequest, project_id: int, payload: ProjectPatch) -> Any:
    project = project_get_for_user(request.user, project_id, write=True)
    values = project_values(request.user, patch_values(payload, {"lead_institution", "budget_usd"}))
    project_update(actor=request.user, project=project, **values)
    return project_out(request.user, project_get_for_user(request.user, project_id))
