"""The pipeline's REST endpoints, ``/api/v1/pipeline/…``: opportunities (logged once per
idempotency key), their workflow, scores, priorities, comments and history, the classifier,
and the funnel. Same chokepoints as the pages; a change made on a stale version is 409.
"""

# No ``from __future__ import annotations``: Ninja resolves the annotations of paginated
# views in its own module (see registry.api).
import enum
import functools
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from vinculo.web.accounts.permissions import READ_ROLES, require_role
from vinculo.web.pipeline import classify
from vinculo.web.pipeline.models import Opportunity
from vinculo.web.pipeline.presenters import opportunity_row, opportunity_rows, scores_of
from vinculo.web.pipeline.selectors import (
    SUBMIT_ROLES,
    attachment_get_for_user,
    can_see_confidential,
    opportunities_filter,
    opportunities_visible_to,
    opportunity_get_for_user,
    transitions_for,
)
from vinculo.web.pipeline.services import (
    ConflictError,
    IdempotencyKeyReusedError,
    attachment_add,
    comment_add,
    opportunity_assign,
    opportunity_score,
    opportunity_submit,
    opportunity_submit_once,
    opportunity_transition,
    opportunity_update,
    priorities_confirm,
    request_fingerprint,
)
from vinculo.web.pipeline.summaries import ORDERINGS, funnel_for, history_events
from vinculo.web.registry.api import Pages, _json_errors
from vinculo.web.registry.api.payloads import document_out, invalid
from vinculo.web.registry.api.schemas import ERRORS, DocumentOut, ErrorOut, Id, plain_values
from vinculo.web.registry.models import Country
from vinculo.web.registry.selectors import (
    CENTRAL_ROLES,
    agreements_visible_to,
    institutions_visible_to,
    posts_visible_to,
)
from vinculo.web.registry.services.documents import download

router = Router(tags=["pipeline"])
PAGE_SIZE = 50
CONFLICT: dict[int, Any] = {**ERRORS, 409: ErrorOut}

OpportunityKind = enum.StrEnum("OpportunityKind", {m.name: m.value for m in Opportunity.Kind})  # type: ignore[misc]
OpportunityStatus = enum.StrEnum("OpportunityStatus", {m.name: m.value for m in Opportunity.Status})  # type: ignore[misc]
#: The sort orders, named for the OpenAPI document (``-x``: descending).
Ordering = enum.StrEnum(
    "OpportunityOrdering",
    {key.lstrip("-").upper() + ("_DESC" if key.startswith("-") else ""): key for key in ORDERINGS},
)  # type: ignore[misc]
Amount = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1, description="the version the change is made on")]
Text = Annotated[str, Field(max_length=20_000)]
IdempotencyKey = Annotated[str | None, Field(None, max_length=200)]


# ---------------------------------------------------------------- schemas
class SuggestionOut(Schema):
    id: str
    confidence: float
    terms: list[str] = Field(default_factory=list)
    similar: list[str] = Field(default_factory=list)


class OpportunitySummaryOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    post: int
    host_country: str
    deadline: date | None
    priorities: list[str]
    priorities_confirmed: bool
    fit: float | None
    rubric_outcome: str
    owner: str | None
    redacted: bool
    amount_offered: Decimal | None
    amount_requested: Decimal | None
    currency: str | None
    updated_at: datetime
    version: int


class DuplicateOut(Schema):
    id: int | None = Field(description="null when the other record is outside your scope")
    similarity: float
    resolved: bool


class OpportunityOut(OpportunitySummaryOut):
    description: str
    language: str
    institutions: list[int]
    suggested_priorities: list[SuggestionOut]
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    scores: dict[str, int | None]
    rubric_total: int | None
    review_comment: str
    fit_reasons: list[str]
    agreement: int | None
    merged_into: int | None
    duplicates: list[DuplicateOut]
    transitions: list[str]
    created_at: datetime


class OpportunityIn(Schema):
    title: Annotated[str, Field(max_length=300)]
    description: Text
    kind: OpportunityKind
    post: Id
    host_country: str | None = Field(None, description="ISO3; the post's country if absent")
    institutions: list[Id] = Field(default_factory=list)
    amount_offered: Amount | None = None
    amount_requested: Amount | None = None
    currency: str = Field("", max_length=3)
    deadline: date | None = None
    contact_name: str = Field("", max_length=200)
    contact_email: str = Field("", max_length=254)
    contact_phone: str = Field("", max_length=50)
    priorities: list[str] | None = Field(
        None, description="confirmed priority ids; leave out to keep the classifier's"
    )
    language: str = Field("", max_length=8)


class OpportunityPatch(Schema):
    version: Version
    title: Annotated[str, Field(max_length=300)] | None = None
    description: Text | None = None
    kind: OpportunityKind | None = None
    host_country: str | None = None
    institutions: list[Id] | None = None
    amount_offered: Amount | None = None
    amount_requested: Amount | None = None
    currency: str | None = Field(None, max_length=3)
    deadline: date | None = None
    contact_name: str | None = Field(None, max_length=200)
    contact_email: str | None = Field(None, max_length=254)
    contact_phone: str | None = Field(None, max_length=50)


class TransitionIn(Schema):
    version: Version
    status: OpportunityStatus
    agreement: Id | None = None
    note: str = Field("", max_length=5000)


class ScoreIn(Schema):
    version: Version
    relevance: int = Field(ge=0, le=5)
    capacity: int = Field(ge=0, le=5)
    added_value: int = Field(ge=0, le=5)
    feasibility: int = Field(ge=0, le=5)
    comment: str = Field("", max_length=5000)


class ScoreOut(Schema):
    total: int | None
    outcome: str
    blocking: list[str]
    opportunity: OpportunityOut


class OwnerIn(Schema):
    version: Version
    owner: str | None = Field(
        None, max_length=150, description="a planner's or administrator's user name; null: nobody"
    )


class PrioritiesIn(Schema):
    version: Version
    priorities: list[str]


class CommentIn(Schema):
    text: Annotated[str, Field(max_length=5000)]


class CommentOut(Schema):
    id: int
    author: str
    text: str
    created_at: datetime


class HistoryOut(Schema):
    at: datetime
    actor: str | None
    action: str
    opportunity: int
    changes: dict[str, Any]


class ClassifyIn(Schema):
    text: Text


class OpportunityFilters(Schema):
    q: str | None = Field(None, max_length=200, description="words of the title or description")
    status: OpportunityStatus | None = None
    priority: str | None = Field(None, max_length=60)
    country: str | None = Field(None, max_length=3, description="host country, ISO3")
    post: Id | None = None
    kind: OpportunityKind | None = None
    sort: Ordering = Field(Ordering(ORDERINGS[0]))  # type: ignore[valid-type]


class FunnelOut(Schema):
    statuses: dict[str, int]
    priorities: dict[str, int]
    countries: dict[str, int]


# ---------------------------------------------------------------- helpers
def _conflicts(view: Callable[..., Any]) -> Callable[..., Any]:
    """:class:`ConflictError` -> 409 with the current version."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except ConflictError as error:
            raise HttpError(
                409,
                _(
                    "Someone else changed this opportunity (it is now at version %(now)s; "
                    "you had version %(then)s). Reload it and try again."
                )
                % {"now": error.opportunity.version, "then": error.expected},
            ) from None

    return wrapper


def _out(user: Any, opportunity: Opportunity) -> dict[str, Any]:
    confidential = can_see_confidential(user, opportunity)
    row = opportunity_row(opportunity, confidential=confidential)
    visible = set(
        opportunities_visible_to(user)
        .filter(pk__in=[f.other_id for f in opportunity.duplicate_flags.all()])
        .values_list("pk", flat=True)
    )
    language = getattr(user, "language", "en") or "en"
    row.update(
        language=opportunity.language,
        institutions=sorted(opportunity.institutions.values_list("pk", flat=True)),
        suggested_priorities=opportunity.suggested_priorities,
        scores=scores_of(opportunity),
        review_comment=opportunity.review_comment,
        fit_reasons=list(opportunity.fit_reasons.get(language, [])),
        merged_into=opportunity.merged_into_id,
        duplicates=[
            {
                "id": flag.other_id if flag.other_id in visible else None,
                "similarity": flag.similarity,
                "resolved": flag.resolved,
            }
            for flag in opportunity.duplicate_flags.all()
        ],
        transitions=transitions_for(user, opportunity),
    )
    return row


def _references(user: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Ids and codes of a request as the objects the services take (only those the user
    may see; anything else is a 422 on that field)."""
    if values.get("post") is not None:
        post = posts_visible_to(user).filter(pk=values["post"]).first()
        if post is None:
            raise invalid("post", _("No such post."))
        values["post"] = post
    if values.get("host_country") is not None:
        country = Country.objects.filter(pk=str(values["host_country"]).upper()).first()
        if country is None:
            raise invalid("host_country", _("No such country."))
        values["host_country"] = country
    if values.get("institutions") is not None:
        wanted = set(values["institutions"])
        found = list(institutions_visible_to(user).filter(pk__in=wanted))
        if len(found) != len(wanted):
            raise invalid("institutions", _("No such institution."))
        values["institutions"] = found
    return values


# ---------------------------------------------------------------- opportunities
@router.get(
    "/opportunities",
    response=list[OpportunitySummaryOut],
    operation_id="pipeline_opportunity_list",
    summary="Opportunities the caller may see, filtered, searched and sorted",
)
@paginate(Pages, page_size=PAGE_SIZE)
def opportunity_list(request: HttpRequest, filters: Query[OpportunityFilters]) -> Any:
    values = plain_values(filters)
    order = values.pop("sort")
    found = opportunities_filter(opportunities_visible_to(request.user), **values)
    return _Rows(request.user, found.order_by(order, "-pk"))


class _Rows:
    """A lazily sliced, redacted queryset (the paginator counts it, then slices a page)."""

    def __init__(self, user: Any, queryset: Any) -> None:
        self.user, self.queryset = user, queryset

    def count(self) -> int:
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return list(opportunity_rows(self.user, self.queryset[page]))


@router.post(
    "/opportunities",
    response={200: OpportunityOut, 201: OpportunityOut, **ERRORS},
    operation_id="pipeline_opportunity_create",
    summary="Log an opportunity; with an Idempotency-Key, a retry returns the first one (200)",
)
@_json_errors
def opportunity_post(
    request: HttpRequest,
    payload: OpportunityIn,
    idempotency_key: Annotated[IdempotencyKey, Header(alias="Idempotency-Key")] = None,
) -> Any:
    require_role(request.user, SUBMIT_ROLES)
    values = _references(request.user, plain_values(payload))
    if idempotency_key:
        try:
            opportunity, created = opportunity_submit_once(
                actor=request.user,
                key=idempotency_key,
                fingerprint=request_fingerprint(payload.model_dump(mode="json")),
                **values,
            )
        except IdempotencyKeyReusedError:
            raise HttpError(
                422, _("This Idempotency-Key was used for a different submission.")
            ) from None
    else:
        opportunity, created = opportunity_submit(actor=request.user, **values), True
    opportunity = opportunity_get_for_user(request.user, opportunity.pk)
    return Status(201 if created else 200, _out(request.user, opportunity))


@router.get(
    "/opportunities/{opportunity_id}",
    response={200: OpportunityOut, **ERRORS},
    operation_id="pipeline_opportunity_get",
    summary="One opportunity (contacts and amounts redacted unless yours to see)",
)
@_json_errors
def opportunity_get(request: HttpRequest, opportunity_id: int) -> Any:
    return _out(request.user, opportunity_get_for_user(request.user, opportunity_id))


@router.patch(
    "/opportunities/{opportunity_id}",
    response={200: OpportunityOut, **CONFLICT},
    operation_id="pipeline_opportunity_update",
    summary="Change some fields (made on a version; 409 if it changed meanwhile)",
)
@_json_errors
@_conflicts
def opportunity_patch(request: HttpRequest, opportunity_id: int, payload: OpportunityPatch) -> Any:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    data = plain_values(payload, exclude_unset=True)
    version = data.pop("version")
    nullable = {"amount_offered", "amount_requested", "deadline"}
    values = {k: v for k, v in data.items() if v is not None or k in nullable}
    for name in ("currency", "contact_name", "contact_email", "contact_phone"):
        if name in data and data[name] is None:
            values[name] = ""
    opportunity_update(
        actor=request.user,
        opportunity=opportunity,
        version=version,
        **_references(request.user, values),
    )
    return _out(request.user, opportunity_get_for_user(request.user, opportunity_id))


@router.post(
    "/opportunities/{opportunity_id}/status",
    response={200: OpportunityOut, **CONFLICT},
    operation_id="pipeline_opportunity_transition",
    summary="Move an opportunity along the workflow (as the role allows)",
)
@_json_errors
@_conflicts
def opportunity_status(request: HttpRequest, opportunity_id: int, payload: TransitionIn) -> Any:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    agreement = None
    if payload.agreement is not None:
        agreement = agreements_visible_to(request.user).filter(pk=payload.agreement).first()
        if agreement is None:
            raise invalid("agreement", _("No such agreement."))
    opportunity_transition(
        actor=request.user,
        opportunity=opportunity,
        version=payload.version,
        status=payload.status.value,
        agreement=agreement,
        note=payload.note,
    )
    return _out(request.user, opportunity_get_for_user(request.user, opportunity_id))


@router.post(
    "/opportunities/{opportunity_id}/score",
    response={200: ScoreOut, **CONFLICT},
    operation_id="pipeline_opportunity_score",
    summary="Score the four review criteria (planners, administrators)",
)
@_json_errors
@_conflicts
def opportunity_score_post(request: HttpRequest, opportunity_id: int, payload: ScoreIn) -> Any:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    values = plain_values(payload)
    decision = opportunity_score(
        actor=request.user,
        opportunity=opportunity,
        version=values.pop("version"),
        comment=values.pop("comment"),
        scores=values,
    )
    return {
        "total": decision.total,
        "outcome": decision.outcome,
        "blocking": list(decision.blocking),
        "opportunity": _out(request.user, opportunity_get_for_user(request.user, opportunity_id)),
    }


@router.post(
    "/opportunities/{opportunity_id}/owner",
    response={200: OpportunityOut, **CONFLICT},
    operation_id="pipeline_opportunity_assign",
    summary="Give the opportunity an owner (planners, administrators)",
)
@_json_errors
@_conflicts
def opportunity_owner(request: HttpRequest, opportunity_id: int, payload: OwnerIn) -> Any:
    from django.contrib.auth import get_user_model

    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    require_role(request.user, CENTRAL_ROLES)
    owner = None
    if payload.owner:
        owner = get_user_model().objects.filter(username=payload.owner).first()
        if owner is None:
            raise invalid("owner", _("The owner is a planner or an administrator."))
    opportunity_assign(
        actor=request.user, opportunity=opportunity, version=payload.version, owner=owner
    )
    return _out(request.user, opportunity_get_for_user(request.user, opportunity_id))


@router.put(
    "/opportunities/{opportunity_id}/priorities",
    response={200: OpportunityOut, **CONFLICT},
    operation_id="pipeline_opportunity_priorities",
    summary="Confirm or correct the priorities (kept as labelled data for the classifier)",
)
@_json_errors
@_conflicts
def opportunity_priorities(request: HttpRequest, opportunity_id: int, payload: PrioritiesIn) -> Any:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    priorities_confirm(
        actor=request.user,
        opportunity=opportunity,
        version=payload.version,
        priorities=payload.priorities,
    )
    return _out(request.user, opportunity_get_for_user(request.user, opportunity_id))


@router.get(
    "/opportunities/{opportunity_id}/comments",
    response={200: list[CommentOut], **ERRORS},
    operation_id="pipeline_comment_list",
)
@_json_errors
def comment_list(request: HttpRequest, opportunity_id: int) -> Any:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    return [
        {"id": c.pk, "author": c.author.username, "text": c.text, "created_at": c.created_at}
        for c in opportunity.comments.select_related("author")
    ]


@router.post(
    "/opportunities/{opportunity_id}/comments",
    response={201: CommentOut, **ERRORS},
    operation_id="pipeline_comment_create",
)
@_json_errors
def comment_post(request: HttpRequest, opportunity_id: int, payload: CommentIn) -> Any:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    comment = comment_add(actor=request.user, opportunity=opportunity, text=payload.text)
    return Status(
        201,
        {
            "id": comment.pk,
            "author": request.user.get_username(),
            "text": comment.text,
            "created_at": comment.created_at,
        },
    )


def _attachment_out(attachment: Any) -> dict[str, Any]:
    return document_out(
        attachment,
        reverse(
            "api:pipeline_attachment_download",
            kwargs={"opportunity_id": attachment.opportunity_id, "attachment_id": attachment.pk},
        ),
    )


@router.get(
    "/opportunities/{opportunity_id}/attachments",
    response={200: list[DocumentOut], **ERRORS},
    operation_id="pipeline_attachment_list",
    summary="The attachments (confidential: the logging post, planners, administrators)",
)
@_json_errors
def attachment_list(request: HttpRequest, opportunity_id: int) -> Any:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    if not can_see_confidential(request.user, opportunity):
        raise PermissionDenied
    return [_attachment_out(a) for a in opportunity.attachments.order_by("uploaded_at", "pk")]


@router.post(
    "/opportunities/{opportunity_id}/attachments",
    response={201: DocumentOut, **ERRORS},
    operation_id="pipeline_attachment_create",
    summary="Attach a file (multipart field `file`: PDF, DOCX, ODT, PNG or JPEG, 10 MB)",
)
@_json_errors
def attachment_post(request: HttpRequest, opportunity_id: int, file: File[UploadedFile]) -> Any:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    attachment = attachment_add(actor=request.user, opportunity=opportunity, upload=file)
    return Status(201, _attachment_out(attachment))


@router.get(
    "/opportunities/{opportunity_id}/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    operation_id="pipeline_attachment_download",
    url_name="pipeline_attachment_download",
    summary="An attachment's file",
)
@_json_errors
def attachment_download(request: HttpRequest, opportunity_id: int, attachment_id: int) -> Any:
    return download(attachment_get_for_user(request.user, opportunity_id, attachment_id))


@router.get(
    "/opportunities/{opportunity_id}/history",
    response={200: list[HistoryOut], **ERRORS},
    operation_id="pipeline_history",
    summary="Every recorded change, with those of the records merged into it",
)
@_json_errors
def history(request: HttpRequest, opportunity_id: int) -> Any:
    opportunity = opportunity_get_for_user(request.user, opportunity_id)
    return [
        {
            "at": event.at,
            "actor": event.actor.username if event.actor else None,
            "action": event.action,
            "opportunity": event.opportunity,
            "changes": event.changes,
        }
        for event in history_events(request.user, opportunity)
    ]


@router.post(
    "/classify",
    response={200: list[SuggestionOut], **ERRORS},
    operation_id="pipeline_classify",
    summary="Suggest national priorities for a text (Spanish or English)",
)
@_json_errors
def classify_post(request: HttpRequest, payload: ClassifyIn) -> Any:
    require_role(request.user, READ_ROLES)
    return classify.suggest(payload.text)


@router.get(
    "/funnel",
    response=FunnelOut,
    operation_id="pipeline_funnel",
    summary="Opportunities per status, priority and host country (the caller's scope)",
)
def funnel_get(request: HttpRequest) -> Any:
    return funnel_for(request.user)
