"""Reads that summarise: the funnel and the breakdowns of the dashboard, the sort orders of
the lists, and an opportunity's history (with the records merged into it), redacted."""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vinculo.strategy.naming import naming_policy
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
    "HistoryChange",
    "HistoryEntry",
    "HistoryRow",
    "funnel",
    "funnel_bars",
    "funnel_for",
    "history_events",
    "history_rows",
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


# ---------------------------------------------------------------- history, as read
#: What the history calls each recorded change (fields of the model and the other keys
#: the services record).
_CHANGE_LABELS: dict[str, Any] = {
    "suggested_priorities": _("suggested priorities"),
    "priorities": _("confirmed priorities"),
    "duplicates": _("possible duplicates"),
    "comment": _("comment"),
    "outcome": _("review outcome"),
    "merged": _("merged into this one"),
    "merged_into": _("merged into"),
    "score_relevance": _("relevance score"),
    "score_capacity": _("partner capacity score"),
    "score_added_value": _("added value score"),
    "score_feasibility": _("feasibility score"),
    "review_comment": _("review comment"),
    "attachment": _("attachment"),
    "size": _("size (bytes)"),
    "idle_days": _("days without changes"),
}
_ACTION_LABELS: dict[str, Any] = {
    "opportunity.submit": _("Logged"),
    "opportunity.update": _("Edited"),
    "opportunity.priorities": _("Priorities confirmed"),
    "opportunity.score": _("Scored"),
    "opportunity.status": _("Status changed"),
    "opportunity.assign": _("Owner changed"),
    "opportunity.comment": _("Comment added"),
    "opportunity.merge": _("Merged another opportunity into this one"),
    "opportunity.merged": _("Merged into another opportunity"),
    "opportunity.expire": pgettext_lazy("opportunity", "Expired"),
    "opportunity.attach": _("File attached"),
    "opportunity.import": _("Imported"),
}
_OUTCOMES: dict[str, Any] = {
    "publish": _("take it forward"),
    "hold": _("hold: ask the post for more"),
    "reject": _("reject"),
    "blocked": _("blocked: a criterion scored zero"),
}


@dataclass(frozen=True)
class HistoryChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryRow:
    at: datetime  # aware: the template shows it in local time
    who: str
    action: str
    opportunity: int
    changes: list[HistoryChange]


def _label_of(name: str) -> str:
    if name in _CHANGE_LABELS:
        return str(_CHANGE_LABELS[name])
    try:
        return str(Opportunity._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a key of an older record: shown as it is
        return name


def _user_name(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def history_rows(
    entries: list[HistoryEntry], opportunity: Opportunity, language: str, user: Any = None
) -> list[HistoryRow]:
    """The history as people read it: field labels, choice labels, names of users,
    posts, countries, institutions and priorities in ``language`` (the page's), numbers
    of other opportunities, dates as dates. Names already read with the opportunity cost
    no query; the others are read at once per kind."""
    from django.contrib.auth import get_user_model
    from django.utils.dateparse import parse_date
    from django.utils.formats import date_format

    from vinculo.web.registry.models import Country, Institution, Post
    from vinculo.web.registry.selectors import priority_choices

    wanted: dict[str, set[str]] = {
        "user": set(), "post": set(), "country": set(), "inst": set(), "agreement": set()
    }  # fmt: skip
    kinds = {"owner": "user", "post": "post", "host_country": "country",
             "institutions": "inst", "agreement": "agreement"}  # fmt: skip
    for entry in entries:
        for name, change in entry.changes.items():
            if name in kinds and isinstance(change, (list, tuple)):
                for value in change:
                    for item in value if isinstance(value, list) else [value]:
                        if item not in (None, "", "…"):
                            wanted[kinds[name]].add(str(item))
    users: dict[str, str] = {}
    posts: dict[str, str] = {}
    countries: dict[str, str] = {}
    institutions: dict[str, str] = {}
    country_field = "name_es" if language == "es" else "name_en"
    if opportunity.owner_id is not None and opportunity.owner is not None:
        users[str(opportunity.owner_id)] = _user_name(opportunity.owner)
    for entry in entries:
        if entry.actor is not None:
            users[str(entry.actor.pk)] = _user_name(entry.actor)
    posts[str(opportunity.post_id)] = opportunity.post.name
    host = opportunity.host_country
    countries[host.code] = naming_policy().name(host.code, language) or getattr(
        host, country_field
    )  # the diplomatic naming policy's name first, as the registry's labels
    missing = {u for u in wanted["user"] - set(users) if u.isdigit()}
    if missing:
        for user in get_user_model().objects.filter(pk__in=missing):
            users[str(user.pk)] = _user_name(user)
    missing = {p for p in wanted["post"] - set(posts) if p.isdigit()}
    if missing:
        found = Post.objects.filter(pk__in=missing).values_list("pk", "name")
        posts.update((str(pk), name) for pk, name in found)
    missing = wanted["country"] - set(countries)
    if missing:
        stored = Country.objects.filter(code__in=missing).values_list("code", country_field)
        countries.update(
            (code, naming_policy().name(code, language) or name) for code, name in stored
        )
    missing = {i for i in wanted["inst"] if i.isdigit()}
    if missing:
        institutions.update(
            (str(pk), n)
            for pk, n in Institution.objects.filter(pk__in=missing).values_list("pk", "name")
        )
    agreements: dict[str, str] = {}
    missing = {a for a in wanted["agreement"] if a.isdigit()}
    if missing and user is not None:  # the titles of those the user may see
        from vinculo.web.registry.selectors import agreements_visible_to

        found = agreements_visible_to(user).filter(pk__in=missing).values_list("pk", "title")
        agreements.update((str(pk), title) for pk, title in found)
    priorities = dict(priority_choices(language))
    statuses = dict(Opportunity.Status.choices)
    kinds_of = dict(Opportunity.Kind.choices)

    def one(name: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, list):
            return ", ".join(one(name, item) for item in value)
        text = str(value)
        if text == "…":
            return text
        if name == "status":
            return str(statuses.get(text, text))
        if name == "kind":
            return str(kinds_of.get(text, text))
        if name == "owner":
            return users.get(text, text)
        if name == "post":
            return posts.get(text, text)
        if name == "host_country":
            return countries.get(text, text)
        if name == "institutions":
            return institutions.get(text, text)
        if name == "agreement":
            return agreements.get(text, f"#{text}")
        if name in ("priorities", "suggested_priorities"):
            return str(priorities.get(text, text))
        if name in ("duplicates", "merged", "merged_into"):
            return f"#{text}"
        if name == "outcome":
            return str(_OUTCOMES.get(text, text))
        if name == "comment":
            return str(_("added"))
        if name == "deadline":
            day = parse_date(text)
            return date_format(day, "SHORT_DATE_FORMAT") if day else text
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        return text

    rows = []
    for entry in entries:
        changes = [
            HistoryChange(_label_of(name), one(name, change[0]), one(name, change[1]))
            for name, change in entry.changes.items()
            if isinstance(change, (list, tuple)) and len(change) == 2 and change[0] != change[1]
        ]
        rows.append(
            HistoryRow(
                at=entry.at,
                who=users.get(str(entry.actor.pk), "") if entry.actor is not None else "Vínculo",
                action=str(_ACTION_LABELS.get(entry.action, entry.action)),
                opportunity=entry.opportunity,
                changes=changes,
            )
        )
    return rows
