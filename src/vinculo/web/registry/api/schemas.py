"""The registry API's request and response schemas (named in the OpenAPI document)."""

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.db import models
from ninja import Field, Schema

from vinculo.web.registry.models import Agreement, IPTerms, Outcome, Post, Project


class ErrorOut(Schema):
    detail: Any


ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

#: A database id as input: positive and within a 64-bit integer (larger ones are refused
#: with 422 instead of overflowing the database driver).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
#: A small count (days, years) within the database's positive integer range.
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]


def _enum(name: str, choices: type[models.TextChoices]) -> Any:
    """The model's choices as a named enum of the OpenAPI document (the models' own are
    all called ``Kind`` or ``Status``, and same-named schemas would overwrite each other)."""
    return enum.StrEnum(name, {member.name: member.value for member in choices})


AgreementKind = _enum("AgreementKind", Agreement.Kind)
AgreementStatus = _enum("AgreementStatus", Agreement.Status)
PostKind = _enum("PostKind", Post.Kind)
ProjectStatus = _enum("ProjectStatus", Project.Status)
IPOwnership = _enum("IPOwnership", IPTerms.Ownership)
IPLicensing = _enum("IPLicensing", IPTerms.Licensing)
OutcomeKind = _enum("OutcomeKind", Outcome.Kind)


def plain_values(payload: Schema, *, exclude_unset: bool = False) -> dict[str, Any]:
    """A payload as plain values (enum members become their strings)."""
    data = payload.model_dump(exclude_unset=exclude_unset)
    return {k: v.value if isinstance(v, enum.Enum) else v for k, v in data.items()}


class InstitutionRef(Schema):
    id: int
    name: str
    ror_id: str | None
    country: str


class InstitutionOut(Schema):
    id: int
    ror_id: str | None
    name: str
    country: str
    city: str
    types: list[str]
    aliases: list[str]


class InstitutionFilters(Schema):
    q: str | None = Field(None, description="words of the name or of a name variant")
    country: str | None = Field(None, description="ISO 3166 alpha-3 code")


class PostOut(Schema):
    id: int
    name: str
    kind: PostKind
    host_country: str
    city: str


class IPTermsOut(Schema):
    background_ip: IPOwnership
    foreground_ip: IPOwnership
    licensing: IPLicensing
    royalty_home_percent: Decimal | None
    publication_rights: str
    confidentiality_years: int | None
    jurisdiction: str


class IPTermsIn(Schema):
    background_ip: IPOwnership
    foreground_ip: IPOwnership
    licensing: IPLicensing
    royalty_home_percent: Decimal | None = Field(None, ge=0, le=100)
    publication_rights: str = ""
    confidentiality_years: Count | None = None
    jurisdiction: str = ""


class DocumentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime
    url: str


class OutcomeOut(Schema):
    id: int
    kind: OutcomeKind
    description: str
    reference: str
    occurred_on: date | None


class AgreementSummaryOut(Schema):
    id: int
    title: str
    kind: AgreementKind
    status: AgreementStatus
    post: int | None
    partner_country: str
    priorities: list[str]
    expires_on: date | None
    shared: bool
    updated_at: datetime

    @staticmethod
    def resolve_post(agreement: Agreement) -> int | None:
        return agreement.post_id

    @staticmethod
    def resolve_partner_country(agreement: Agreement) -> str:
        return agreement.partner_country_id


class AgreementOut(Schema):
    id: int
    title: str
    kind: AgreementKind
    status: AgreementStatus
    post: int | None
    partner_country: str
    institutions: list[InstitutionRef]
    priorities: list[str]
    signed_on: date | None
    effective_on: date | None
    expires_on: date | None
    renewal_notice_days: int
    shared: bool
    summary: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    outcomes: list[OutcomeOut]
    confidential_visible: bool = Field(
        description="whether the caller may see the IP terms and documents; when false both "
        "are null (hidden, not absent)"
    )
    ip_terms: IPTermsOut | None
    documents: list[DocumentOut] | None


class AgreementFilters(Schema):
    q: str | None = Field(None, description="words of the title or summary")
    country: str | None = Field(None, description="partner country, ISO 3166 alpha-3")
    status: AgreementStatus | None = None
    priority: str | None = Field(None, description="a national priority's id")
    post: Id | None = None


class AgreementIn(Schema):
    title: str
    kind: AgreementKind
    partner_country: str = Field(description="ISO 3166 alpha-3 code")
    post: Id | None = None
    status: AgreementStatus = AgreementStatus.DRAFT
    institutions: list[Id] = Field(default_factory=list, description="institution ids")
    priorities: list[str] = Field(default_factory=list, description="national priority ids")
    signed_on: date | None = None
    effective_on: date | None = None
    expires_on: date | None = None
    renewal_notice_days: Count = 90
    shared: bool = False
    summary: str = ""


class AgreementPatch(Schema):
    """Only the fields given are changed; the status has its own endpoint."""

    title: str | None = None
    kind: AgreementKind | None = None
    partner_country: str | None = None
    post: Id | None = None
    institutions: list[Id] | None = None
    priorities: list[str] | None = None
    signed_on: date | None = None
    effective_on: date | None = None
    expires_on: date | None = None
    renewal_notice_days: Count | None = None
    shared: bool | None = None
    summary: str | None = None


class StatusIn(Schema):
    status: AgreementStatus


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: date | None
    done: bool


class ProjectOut(Schema):
    id: int
    name: str
    description: str
    priorities: list[str]
    lead_institution: InstitutionRef | None
    partner_institutions: list[InstitutionRef]
    budget_usd: Decimal | None = Field(description="null for viewers")
    status: ProjectStatus
    agreements: list[int] = Field(description="ids of the linked agreements the caller sees")
    milestones: list[MilestoneOut]
    updated_at: datetime


class ProjectIn(Schema):
    name: str
    description: str = ""
    priorities: list[str] = Field(default_factory=list)
    lead_institution: Id | None = None
    partner_institutions: list[Id] = Field(default_factory=list)
    budget_usd: Decimal | None = Field(None, ge=0)
    status: ProjectStatus = ProjectStatus.PLANNED
    agreements: list[Id] = Field(default_factory=list)


class ProjectPatch(Schema):
    name: str | None = None
    description: str | None = None
    priorities: list[str] | None = None
    lead_institution: Id | None = None
    partner_institutions: list[Id] | None = None
    budget_usd: Decimal | None = Field(None, ge=0)
    status: ProjectStatus | None = None
    agreements: list[Id] | None = None


class RenewalOut(Schema):
    id: int
    title: str
    post: int | None
    partner_country: str
    status: AgreementStatus
    expires_on: date
    days_left: int
