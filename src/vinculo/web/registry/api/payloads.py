"""From models to response payloads (redacted for the caller), and from request ids and
codes to the objects the services take (only those the caller may see)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Schema

from vinculo.web.registry.api.schemas import IPTermsOut, plain_values
from vinculo.web.registry.models import Agreement, Country, Institution, IPTerms, Post, Project
from vinculo.web.registry.selectors import (
    agreements_visible_to,
    can_see_budget,
    can_see_ip_terms,
    institutions_visible_to,
    posts_visible_to,
)


def invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def document_out(record: Any, url: str) -> dict[str, Any]:
    """A stored upload (agreement document, opportunity attachment) as ``DocumentOut``."""
    return {
        "id": record.pk,
        "name": record.original_name,
        "content_type": record.content_type,
        "size": record.size,
        "uploaded_at": record.uploaded_at,
        "url": url,
    }


def institution_ref(institution: Institution) -> dict[str, Any]:
    return {
        "id": institution.pk,
        "name": institution.name,
        "ror_id": institution.ror_id,
        "country": institution.country_id,
    }


def agreement_out(user: Any, agreement: Agreement) -> dict[str, Any]:
    visible = can_see_ip_terms(user, agreement)
    terms = IPTerms.objects.filter(agreement=agreement).first() if visible else None
    documents = None
    if visible:
        documents = [
            document_out(
                document,
                reverse(
                    "registry:document_download",
                    kwargs={"agreement_id": agreement.pk, "document_id": document.pk},
                ),
            )
            for document in agreement.documents.order_by("uploaded_at", "pk")
        ]
    return {
        "id": agreement.pk,
        "title": agreement.title,
        "kind": agreement.kind,
        "status": agreement.status,
        "post": agreement.post_id,
        "partner_country": agreement.partner_country_id,
        "institutions": [
            institution_ref(institution)
            for institution in agreement.institutions.order_by("name", "pk")
        ],
        "priorities": agreement.priorities,
        "signed_on": agreement.signed_on,
        "effective_on": agreement.effective_on,
        "expires_on": agreement.expires_on,
        "renewal_notice_days": agreement.renewal_notice_days,
        "shared": agreement.shared,
        "summary": agreement.summary,
        "created_by": agreement.created_by.get_username(),
        "created_at": agreement.created_at,
        "updated_at": agreement.updated_at,
        "outcomes": [
            {
                "id": outcome.pk,
                "kind": outcome.kind,
                "description": outcome.description,
                "reference": outcome.reference,
                "occurred_on": outcome.occurred_on,
            }
            for outcome in agreement.outcomes.order_by("occurred_on", "pk")
        ],
        "confidential_visible": visible,
        "ip_terms": None
        if terms is None
        else {name: getattr(terms, name) for name in IPTermsOut.model_fields},
        "documents": documents,
    }


def post_out(post: Post) -> dict[str, Any]:
    return {
        "id": post.pk,
        "name": post.name,
        "kind": post.kind,
        "host_country": post.host_country_id,
        "city": post.city,
    }


def institution_out(institution: Institution) -> dict[str, Any]:
    return {
        "id": institution.pk,
        "ror_id": institution.ror_id,
        "name": institution.name,
        "country": institution.country_id,
        "city": institution.city,
        "types": institution.types,
        "aliases": institution.aliases,
    }


def project_out(user: Any, project: Project) -> dict[str, Any]:
    lead = project.lead_institution
    return {
        "id": project.pk,
        "name": project.name,
        "description": project.description,
        "priorities": project.priorities,
        "lead_institution": None if lead is None else institution_ref(lead),
        "partner_institutions": [
            institution_ref(i) for i in project.partner_institutions.order_by("name", "pk")
        ],
        "budget_usd": project.budget_usd if can_see_budget(user) else None,
        "status": project.status,
        "agreements": sorted(
            agreements_visible_to(user).filter(projects=project).values_list("pk", flat=True)
        ),
        "milestones": [
            {"id": m.pk, "title": m.title, "due_on": m.due_on, "done": m.done}
            for m in project.milestones.all()
        ],
        "updated_at": project.updated_at,
    }


# ---------------------------------------------------------------- references in input
def _country(code: str) -> Country:
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise invalid("partner_country", _("Unknown country code."))
    return country


def _post(user: Any, post_id: int | None) -> Post | None:
    if post_id is None:
        return None
    post = posts_visible_to(user).filter(pk=post_id).first()
    if post is None:
        raise invalid("post", _("Unknown post."))
    return post


def _institutions(user: Any, ids: list[int], field: str) -> list[Institution]:
    found = {i.pk: i for i in institutions_visible_to(user).filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise invalid(
            field, _("Unknown institution(s): %(values)s.") % {"values": ", ".join(missing)}
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


def _agreements(user: Any, ids: list[int]) -> list[Agreement]:
    found = {a.pk: a for a in agreements_visible_to(user).filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise invalid(
            "agreements", _("Unknown agreement(s): %(values)s.") % {"values": ", ".join(missing)}
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


def agreement_values(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Ids and codes of the payload -> the objects the services take."""
    if "partner_country" in data:
        data["partner_country"] = _country(data["partner_country"])
    if "post" in data:
        data["post"] = _post(user, data["post"])
    if "institutions" in data:
        data["institutions"] = _institutions(user, data["institutions"], "institutions")
    return data


def project_values(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    if "lead_institution" in data:
        lead = data["lead_institution"]
        data["lead_institution"] = (
            None if lead is None else _institutions(user, [lead], "lead_institution")[0]
        )
    if "partner_institutions" in data:
        data["partner_institutions"] = _institutions(
            user, data["partner_institutions"], "partner_institutions"
        )
    if "agreements" in data:
        data["agreements"] = _agreements(user, data["agreements"])
    return data


def patch_values(payload: Schema, nullable: set[str]) -> dict[str, Any]:
    """The fields sent; null only where the model allows it."""
    data = plain_values(payload, exclude_unset=True)
    for name, value in list(data.items()):
        if value is None and name not in nullable:
            raise invalid(name, _("This field cannot be null."))
    return data
