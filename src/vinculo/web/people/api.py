"""Researchers' REST endpoints, ``/api/v1/people/…``: the researchers in the caller's
scope (contact fields redacted unless planner or administrator), one profile with the
diaspora rule and its evidence, the diaspora per host country, the matching of an
opportunity and its shortlist. Same chokepoints as the pages (selectors)."""

# No ``from __future__ import annotations``: Ninja reads the annotations.
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from vinculo.strategy.people import PeopleError
from vinculo.web.accounts.permissions import require_role
from vinculo.web.people import presenters
from vinculo.web.people.imports import import_json, import_table
from vinculo.web.people.selectors import (
    MERGE_ROLES,
    researcher_get_for_user,
    researchers_found,
    researchers_visible_to,
    scope_countries,
    shortlist,
    shortlist_agreement,
    shortlist_opportunity,
)
from vinculo.web.people.services import (
    agreement_shortlist_add,
    agreement_text,
    diaspora_for,
    matches_for,
    migration_estimate,
    opportunity_text,
    project_shortlist_add,
    project_text,
    shortlist_add,
)
from vinculo.web.pipeline.imports import ImportFailedError
from vinculo.web.registry.api.schemas import ERRORS

router = Router(tags=["people"])


class ResearcherOut(Schema):
    id: int
    name: str
    orcid: str | None
    openalex_id: str | None
    email: str
    topics: list[str]
    works_count: int | None
    cited_by_count: int | None
    diaspora: str
    hosts: list[str]


class EvidenceOut(Schema):
    fact: str
    institution: str
    country: str | None
    start: int | None
    end: int | None
    source: str


class ProfileOut(ResearcherOut):
    diaspora_reason: str
    evidence: list[EvidenceOut]
    affiliations: list[dict[str, Any]]


class SearchIn(Schema):
    q: str = ""
    country: str = ""
    diaspora: bool | None = None
    #: the page (from 1) of ``limit`` researchers, in name order
    page: int = Field(1, ge=1, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class ShortlistIn(Schema):
    researcher: int


class MatchOut(Schema):
    researcher: ResearcherOut
    score: float
    reasons: dict[str, Any]


class DiasporaOut(Schema):
    country: str
    count: int
    institutions: list[tuple[str, int]]
    topics: list[tuple[str, int]]
    works: int
    citations: int
    with_mexican_ties: int
    researchers: list[ResearcherOut]
    estimate: dict[str, Any] | None


@router.get(
    "/researchers",
    response={200: list[ResearcherOut], **ERRORS},
    operation_id="people_researcher_list",
    summary="Researchers in the caller's scope, in name order (searched by name; pages of "
    "`limit`, at most 200)",
)
def researcher_list(request: HttpRequest, filters: Query[SearchIn]) -> Any:
    found = researchers_found(request.user, filters.q, filters.country, filters.diaspora)
    start = (filters.page - 1) * filters.limit
    rows = found[start : start + filters.limit]
    return [presenters.researcher(request.user, r) for r in rows]


@router.get(
    "/researchers/{researcher_id}",
    response={200: ProfileOut, **ERRORS},
    operation_id="people_researcher_get",
    summary="One researcher: affiliations, the diaspora rule's verdict and its evidence",
)
def researcher_get(request: HttpRequest, researcher_id: int) -> Any:
    return presenters.profile(request.user, researcher_get_for_user(request.user, researcher_id))


@router.get(
    "/diaspora/{code}",
    response={200: DiasporaOut, **ERRORS},
    operation_id="people_diaspora",
    summary="Mexico's diaspora in one host country (ISO3), in the caller's scope",
)
def diaspora(request: HttpRequest, code: str) -> Any:
    summary = diaspora_for(request.user, code.upper())
    estimate = None if summary.count else migration_estimate(code.upper())
    return presenters.diaspora(request.user, summary, estimate)


@router.get(
    "/opportunities/{opportunity_id}/matches",
    response={200: list[MatchOut], **ERRORS},
    operation_id="people_matches",
    summary="The researchers who fit an opportunity, best first, with the reasons",
)
def matches(request: HttpRequest, opportunity_id: int) -> Any:
    opportunity = shortlist_opportunity(request.user, opportunity_id)
    text = opportunity_text(opportunity)
    found = matches_for(request.user, f"opportunity:{opportunity.pk}", text)
    return [
        {**m, "researcher": presenters.researcher(request.user, m["researcher"])} for m in found
    ]


@router.get(
    "/projects/{project_id}/matches",
    response={200: list[MatchOut], **ERRORS},
    operation_id="people_project_matches",
    summary="The researchers who fit a strategic project (name and description), best first",
)
def project_matches(request: HttpRequest, project_id: int) -> Any:
    from vinculo.web.registry.selectors import project_get_for_user

    scope_countries(request.user)  # 403 for the roles that read no researcher, first
    project = project_get_for_user(request.user, project_id)
    found = matches_for(request.user, f"project:{project.pk}", project_text(project))
    return [
        {**m, "researcher": presenters.researcher(request.user, m["researcher"])} for m in found
    ]


class ProjectShortlistIn(Schema):
    researcher: int
    profile: str


class ProjectShortlistOut(Schema):
    researcher: ResearcherOut
    profile: str
    score: float
    reasons: dict[str, Any]


@router.get(
    "/projects/{project_id}/shortlist",
    response={200: list[ProjectShortlistOut], **ERRORS},
    operation_id="people_project_shortlist",
    summary="The researchers shortlisted for the project's specialist profiles (3:2:3)",
)
def project_shortlist(request: HttpRequest, project_id: int) -> Any:
    from vinculo.web.people.models import ProjectShortlistEntry
    from vinculo.web.registry.selectors import project_get_for_user

    visible = researchers_visible_to(request.user)
    project = project_get_for_user(request.user, project_id)
    entries = ProjectShortlistEntry.objects.filter(project=project, researcher__in=visible)
    return [
        presenters.shortlist_entry(request.user, e) for e in entries.select_related("researcher")
    ]


@router.post(
    "/projects/{project_id}/shortlist",
    response={201: ProjectShortlistOut, **ERRORS},
    operation_id="people_project_shortlist_add",
    summary="Shortlist a researcher for one of the project's specialist profiles "
    "(planners and administrators)",
)
def project_shortlist_add_api(
    request: HttpRequest, project_id: int, payload: ProjectShortlistIn
) -> Any:
    from vinculo.web.registry.selectors import project_get_for_user

    require_role(request.user, MERGE_ROLES)
    project = project_get_for_user(request.user, project_id)
    researcher = researcher_get_for_user(request.user, payload.researcher)
    try:
        entry = project_shortlist_add(actor=request.user, project=project,
                                      researcher=researcher, profile=payload.profile)  # fmt: skip
    except PeopleError as error:
        raise HttpError(400, str(error)) from None
    return Status(201, presenters.shortlist_entry(request.user, entry))


@router.get(
    "/agreements/{agreement_id}/matches",
    response={200: list[MatchOut], **ERRORS},
    operation_id="people_agreement_matches",
    summary="The researchers who fit an agreement (title and summary), best first",
)
def agreement_matches(request: HttpRequest, agreement_id: int) -> Any:
    from vinculo.web.registry.selectors import agreement_get_for_user

    scope_countries(request.user)  # 403 for the roles that read no researcher, first
    agreement = agreement_get_for_user(request.user, agreement_id)
    found = matches_for(request.user, f"agreement:{agreement.pk}", agreement_text(agreement))
    return [
        {**m, "researcher": presenters.researcher(request.user, m["researcher"])} for m in found
    ]


@router.get(
    "/agreements/{agreement_id}/shortlist",
    response={200: list[MatchOut], **ERRORS},
    operation_id="people_agreement_shortlist",
    summary="The agreement's shortlist (the central roles and its post's officers)",
)
def agreement_shortlist(request: HttpRequest, agreement_id: int) -> Any:
    from vinculo.web.people.models import AgreementShortlistEntry

    visible = researchers_visible_to(request.user)
    agreement = shortlist_agreement(request.user, agreement_id)
    entries = AgreementShortlistEntry.objects.filter(agreement=agreement, researcher__in=visible)
    return [
        presenters.shortlist_entry(request.user, e) for e in entries.select_related("researcher")
    ]


@router.post(
    "/agreements/{agreement_id}/shortlist",
    response={201: MatchOut, **ERRORS},
    operation_id="people_agreement_shortlist_add",
    summary="Shortlist a researcher in your scope for the agreement",
)
def agreement_shortlist_add_api(
    request: HttpRequest, agreement_id: int, payload: ShortlistIn
) -> Any:
    agreement = shortlist_agreement(request.user, agreement_id)
    researcher = researcher_get_for_user(request.user, payload.researcher)
    entry = agreement_shortlist_add(actor=request.user, agreement=agreement, researcher=researcher)
    return Status(201, presenters.shortlist_entry(request.user, entry))


@router.get(
    "/opportunities/{opportunity_id}/shortlist",
    response={200: list[MatchOut], **ERRORS},
    operation_id="people_shortlist",
    summary="The opportunity's shortlist (its post and the central roles only)",
)
def shortlist_get(request: HttpRequest, opportunity_id: int) -> Any:
    opportunity = shortlist_opportunity(request.user, opportunity_id)
    return [
        presenters.shortlist_entry(request.user, e) for e in shortlist(request.user, opportunity)
    ]


@router.post(
    "/opportunities/{opportunity_id}/shortlist",
    response={201: MatchOut, **ERRORS},
    operation_id="people_shortlist_add",
    summary="Add a researcher (one the caller may see) to the opportunity's shortlist",
)
def shortlist_post(request: HttpRequest, opportunity_id: int, payload: ShortlistIn) -> Any:
    opportunity = shortlist_opportunity(request.user, opportunity_id)
    researcher = researcher_get_for_user(request.user, payload.researcher)
    entry = shortlist_add(actor=request.user, opportunity=opportunity, researcher=researcher)
    return Status(201, presenters.shortlist_entry(request.user, entry))


class ImportOut(Schema):
    file: str
    rows: int
    created: list[int]
    merged: list[int]
    suggestions: list[int]


@router.post(
    "/import",
    response={201: ImportOut, **ERRORS},
    operation_id="people_import",
    summary="Import researchers from OpenAlex/ORCID JSON or a CSV/Excel template, all or "
    "nothing (422 naming each row and field)",
)
def researcher_import(request: HttpRequest, file: File[UploadedFile]) -> Any:
    require_role(request.user, MERGE_ROLES)
    name = file.name or ""
    reader = import_json if name.lower().endswith(".json") else import_table
    try:
        report, outcome = reader(actor=request.user, handle=file, name=name)
    except ImportFailedError as failure:
        errors = [
            {"row": e.row, "field": e.field, "message": e.message} for e in failure.report.errors
        ]
        raise HttpError(422, f"{name}: {errors}") from None
    return Status(
        201,
        {
            "file": name,
            "rows": report.rows,
            "created": outcome.created,
            "merged": [pk for pk, _how in outcome.merged],
            "suggestions": outcome.suggestions,
        },
    )
