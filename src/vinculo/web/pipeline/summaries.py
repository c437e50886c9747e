"""Reads that summarise: the funnel and the breakdowns of the dashboard, the sort orders of
the lists, and an opportunity's history (with the records merged into it), redacted."""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from vinculo.web.accounts.models import Role
from vinculo.web.audit.models import AuditEvent
from vinculo.web.pipeline.models import Opportunity
from vinculo.web.pipeline.selectors import (
    CONFIDENTIAL_FIELDS,
    confidential_check,
    opportunities_visible_to,
)
from vinculo.web.registry.selectors import priority_ids, user_post_ids

__all__ = [
    "FUNNEL",
    "ORDERINGS",
    "HistoryEntry",
    "funnel",
    "funnel_bars",
    "funnel_for",
    "history_events",
]

#: The sort orders the lists accept (the first is the default).
ORDERINGS = ("-updated_at", "updated_at", "deadline", "-fit", "title", "-created_at")
#: The main line of the workflow, in order (the funnel's bars).
FUNNEL = (
    Opportunity.Status.SUBMITTED,
    Opportunity.Status.SCREENING,
    Opportunity.Status.ASSESSMENT,
    Opportunity.Status.NEGOTIATION,
    Opportunity.Status.AGREED,
    Opportunity.Status.ACTIVE,
    Opportunity.Status.CLOSED,
)


def funnel_bars(opportunities: QuerySet[Opportunity]) -> list[tuple[str, str, int]]:
    """(status, label, count) along the workflow's main line, then on hold, rejected and
    expired: the dashboard's pipeline panel (one aggregate query)."""
    counts = {
        row["status"]: row["n"]
        for row in opportunities.order_by().values("status").annotate(n=Count("id"))
    }
    shown = [*FUNNEL, Opportunity.Status.ON_HOLD, Opportunity.Status.REJECTED,
             Opportunity.Status.EXPIRED]  # fmt: skip
    return [(str(s), str(Opportunity.Status(s).label), counts.get(s, 0)) for s in shown]


def funnel(opportunities: QuerySet[Opportunity]) -> dict[str, dict[str, int]]:
    """Counts per status, per priority (confirmed, else suggested) and per host country.
    Merged records are not counted (their survivor is)."""
    live = opportunities.exclude(status=Opportunity.Status.MERGED).order_by()
    statuses = {row["status"]: row["n"] for row in live.values("status").annotate(n=Count("id"))}
    countries = {
        row["host_country"]: row["n"]
        for row in live.values("host_country").annotate(n=Count("id")).order_by("-n")
    }
    keys = priority_ids()
    per_priority = live.aggregate(
        **{
            f"p{i}": Count("id", filter=Q(priority_keys__contains=f"|{key}|"))
            for i, key in enumerate(keys)
        }
    )
    priorities = Counter({key: per_priority[f"p{i}"] for i, key in enumerate(keys)})
    return {
        "statuses": {status: statuses.get(status, 0) for status in Opportunity.Status.values},
        "priorities": {key: n for key, n in priorities.most_common() if n},
        "countries": countries,
    }


_FUNNELS: OrderedDict[tuple[Any, ...], dict[str, dict[str, int]]] = OrderedDict()
_FUNNELS_LOCK = threading.Lock()


def funnel_for(user: Any) -> dict[str, dict[str, int]]:
    """:func:`funnel` of the user's scope, kept per process until an opportunity of the
    scope changes (the key holds the scope, the count and the latest update: two cheap
    index reads instead of a count per priority over every record)."""
    opportunities = opportunities_visible_to(user)
    scope: tuple[Any, ...] = ("all",)
    if getattr(user, "role", None) == Role.OFFICER:
        scope = ("posts", *sorted(user_post_ids(user)))
    state = opportunities.order_by().aggregate(n=Count("id"), last=Max("updated_at"))
    key = (*scope, state["n"], state["last"])
    with _FUNNELS_LOCK:
        kept = _FUNNELS.get(key)
        if kept is not None:
            _FUNNELS.move_to_end(key)
            return kept
    counted = funnel(opportunities)
    with _FUNNELS_LOCK:
        _FUNNELS[key] = counted
        while len(_FUNNELS) > 64:
            _FUNNELS.popitem(last=False)
    return counted


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: Any
    action: str
    opportunity: int
    changes: dict[str, Any]


def history_events(
    user: Any, opportunity: Opportunity, merged: Iterable[Opportunity] | None = None
) -> list[HistoryEntry]:
    """The audit records of ``opportunity`` and of the records merged into it (``merged``,
    read here when not given), oldest first; confidential values (contacts, amounts)
    blanked where ``user`` may not see them."""
    if merged is None:
        merged = Opportunity.objects.filter(merged_into=opportunity)
    records = {opportunity.pk: opportunity}
    records.update({record.pk: record for record in merged})
    visible = confidential_check(user)
    events = (
        AuditEvent.objects.filter(
            object_type=Opportunity._meta.label_lower,
            object_id__in=[str(pk) for pk in records],
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    entries = []
    for event in events:
        record = records[int(event.object_id)]
        changes = dict(event.changes)
        if not visible(record):
            for name in CONFIDENTIAL_FIELDS:
                if name in changes:
                    changes[name] = ["…", "…"]
        entries.append(HistoryEntry(event.at, event.actor, event.action, record.pk, changes))
    return entries
