"""Opportunities as plain rows for the API, the exports and the pages, redacted for the
reader: the single place where confidential fields are let through or blanked."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from vinculo.web.pipeline.models import Opportunity
from vinculo.web.pipeline.scoring import CRITERIA, rubric_decision
from vinculo.web.pipeline.selectors import CONFIDENTIAL_FIELDS, confidential_check

__all__ = ["EXPORT_COLUMNS", "opportunity_row", "opportunity_rows", "scores_of"]

#: The columns of the exports, in order.
EXPORT_COLUMNS = (
    "id",
    "title",
    "kind",
    "status",
    "post",
    "post_name",
    "host_country",
    "deadline",
    "priorities",
    "priorities_confirmed",
    "suggested_priorities",
    "fit",
    "rubric_total",
    "rubric_outcome",
    "owner",
    "agreement",
    "amount_offered",
    "amount_requested",
    "currency",
    "contact_name",
    "contact_email",
    "contact_phone",
    "redacted",
    "created_at",
    "updated_at",
    "version",
    "description",
)


def scores_of(opportunity: Opportunity) -> dict[str, int | None]:
    return {name: getattr(opportunity, f"score_{name}") for name in CRITERIA}


def opportunity_row(opportunity: Opportunity, *, confidential: bool) -> dict[str, Any]:
    """One opportunity as a flat row; the confidential fields are ``None`` unless
    ``confidential`` (and ``redacted`` says which case it is)."""
    decision = rubric_decision(scores_of(opportunity))
    row: dict[str, Any] = {
        "id": opportunity.pk,
        "title": opportunity.title,
        "kind": opportunity.kind,
        "status": opportunity.status,
        "post": opportunity.post_id,
        "post_name": opportunity.post.name,
        "host_country": opportunity.host_country_id,
        "deadline": opportunity.deadline,
        "priorities": list(opportunity.priorities),
        "priorities_confirmed": opportunity.priorities_confirmed,
        "suggested_priorities": [
            {"id": s["id"], "confidence": s["confidence"]} for s in opportunity.suggested_priorities
        ],
        "fit": opportunity.fit,
        "rubric_total": decision.total,
        "rubric_outcome": decision.outcome,
        "owner": opportunity.owner.username if opportunity.owner else None,
        "agreement": opportunity.agreement_id,
        "redacted": not confidential,
        "created_at": opportunity.created_at,
        "updated_at": opportunity.updated_at,
        "version": opportunity.version,
        "description": opportunity.description,
    }
    for name in CONFIDENTIAL_FIELDS:
        row[name] = getattr(opportunity, name) if confidential else None
    return row


def opportunity_rows(user: Any, opportunities: Iterable[Opportunity]) -> Iterator[dict[str, Any]]:
    """Rows for ``user``, each redacted as :func:`~.selectors.confidential_check` says."""
    visible = confidential_check(user)
    for opportunity in opportunities:
        yield opportunity_row(opportunity, confidential=visible(opportunity))
