"""What a post's brief takes from the web app (issue #17): the fixed sections of
:class:`vinculo.strategy.brief.PostContext`, filled from the post's data.

- **Legal framework, counterparts, agenda**: the latest version of each of the post's own
  sections (:class:`~vinculo.web.insights.models.PostSectionVersion`).
- **Agreements**: those an officer of the post sees with the host country: the post's own
  and those shared with every post whose partner is the host country, in negotiation,
  signed or in force; each with its status, its expiry and whether its renewal is due
  (``registry.selectors.renewals_due``'s rule: within its notice, or past its expiry while
  still in force). Dated by signature (else entry into force).
- **Opportunities**: the post's open ones in the pipeline (``pipeline.services.
  OPEN_STATUSES``), dated by their deadline.
- **Institutions**: the curated list of the host country
  (:class:`~vinculo.web.insights.models.HostInstitution`), in the priorities' order.

Statuses are written in the active language: build inside ``translation.override(lang)``
for each language of the brief. ``version`` is a short hash of the data themselves (ids,
texts, status codes, dates, the post's name, kind and city), not of their wording, so it
is the same in both languages and changes whenever the post's data change — a section, an
institution, an agreement or opportunity, or the day an agreement's renewal falls due.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import astuple
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vinculo.strategy.brief import ContextEntry, InstitutionEntry, PostContext
from vinculo.web.insights.models import HostInstitution, PostSectionVersion
from vinculo.web.insights.selectors import latest_sections
from vinculo.web.pipeline.models import Opportunity
from vinculo.web.pipeline.services import OPEN_STATUSES
from vinculo.web.registry.models import Agreement, Post
from vinculo.web.registry.selectors import priority_ids

__all__ = ["AGREEMENT_STATUSES", "build_post_context"]

#: the agreements a brief lists: cooperation under way or in force
AGREEMENT_STATUSES = (
    Agreement.Status.NEGOTIATION,
    Agreement.Status.SIGNED,
    Agreement.Status.IN_FORCE,
)
_RENEWABLE = (Agreement.Status.SIGNED, Agreement.Status.IN_FORCE)
_VERSION_LENGTH = 12


def _renewal_due(agreement: Agreement, today: date) -> bool:
    return (
        agreement.status in _RENEWABLE
        and agreement.expires_on is not None
        and agreement.expires_on - timedelta(days=agreement.renewal_notice_days) <= today
    )


def _agreement_status(agreement: Agreement, due: bool) -> str:
    parts = [str(Agreement.Status(agreement.status).label)]
    if agreement.expires_on is not None:
        parts.append(_("expires %(date)s") % {"date": date_format(agreement.expires_on)})
    if due:
        parts.append(_("renewal due"))
    return " · ".join(parts)


def _entry(raw: dict[str, Any]) -> ContextEntry:
    when = raw.get("date")
    return ContextEntry(
        text=raw["text"],
        date=date.fromisoformat(when) if when else None,
        status=raw.get("status", ""),
    )


def build_post_context(post: Post) -> tuple[PostContext, str, str]:
    """The post's :class:`PostContext`, its kind (``"embassy"`` or ``"consulate"``) and its
    city, as ``vinculo.strategy.brief.localize`` takes them (see the module's docstring).
    Reads the database in five queries; not scoped to a user (the brief is the post's)."""
    today = timezone.localdate()
    host = post.host_country_id
    facts: dict[str, Any] = {"post": [post.pk, post.name, post.kind, post.city, host]}

    sections = latest_sections(post)
    for key, version in sections.items():
        facts[key] = [version.number, version.text, version.entries] if version else None
    legal = sections[PostSectionVersion.Section.LEGAL]
    counterparts = sections[PostSectionVersion.Section.COUNTERPARTS]
    agenda = sections[PostSectionVersion.Section.AGENDA]

    agreements = (
        Agreement.objects.filter(Q(post=post) | Q(shared=True, partner_country_id=host))
        .filter(status__in=AGREEMENT_STATUSES)
        .order_by(
            F("signed_on").asc(nulls_last=True),
            F("effective_on").asc(nulls_last=True),
            "title",
            "pk",
        )
    )
    agreement_entries = []
    facts["agreements"] = []
    for agreement in agreements:
        due = _renewal_due(agreement, today)
        signed = agreement.signed_on or agreement.effective_on
        agreement_entries.append(
            ContextEntry(
                text=agreement.title, date=signed, status=_agreement_status(agreement, due)
            )
        )
        facts["agreements"].append(
            [agreement.pk, agreement.title, agreement.status, signed, agreement.expires_on, due]
        )

    opportunities = (
        Opportunity.objects.filter(post=post, status__in=OPEN_STATUSES)
        .only("pk", "title", "status", "deadline")
        .order_by(F("deadline").asc(nulls_last=True), "title", "pk")
    )
    opportunity_entries = []
    facts["opportunities"] = []
    for opportunity in opportunities:
        opportunity_entries.append(
            ContextEntry(
                text=opportunity.title,
                date=opportunity.deadline,
                status=str(Opportunity.Status(opportunity.status).label),
            )
        )
        facts["opportunities"].append(
            [opportunity.pk, opportunity.title, opportunity.status, opportunity.deadline]
        )

    order = {priority: i for i, priority in enumerate(priority_ids())}
    rows = sorted(
        HostInstitution.objects.filter(country_id=host),
        key=lambda r: (order.get(r.priority, len(order)), r.kind, r.name.casefold(), r.pk),
    )
    institutions = tuple(
        InstitutionEntry(
            priority=row.priority,
            name=row.name,
            kind=row.kind,
            acronym=row.acronym,
            city=row.city,
            source_title=row.source_title,
            source_publisher=row.source_publisher,
            source_url=row.source_url,
            source_date=row.source_date,
        )
        for row in rows
    )
    facts["institutions"] = [
        [row.pk, *astuple(entry)] for row, entry in zip(rows, institutions, strict=True)
    ]

    text = json.dumps(facts, sort_keys=True, default=str, ensure_ascii=False)
    version = hashlib.sha256(text.encode()).hexdigest()[:_VERSION_LENGTH]
    context = PostContext(
        legal_framework=legal.text if legal else "",
        agreements=tuple(agreement_entries),
        opportunities=tuple(opportunity_entries),
        counterparts=tuple(_entry(e) for e in counterparts.entries) if counterparts else (),
        agenda=tuple(_entry(e) for e in agenda.entries) if agenda else (),
        institutions=institutions,
        version=version,
    )
    return context, str(post.kind), post.city
