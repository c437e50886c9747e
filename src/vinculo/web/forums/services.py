"""Writes: each in a transaction with its audit event; the caller's role is checked here
too (a chokepoint, whatever the entry point: page, API, command)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from vinculo.web.accounts.permissions import require_role
from vinculo.web.audit.services import audit_record, diff
from vinculo.web.forums.models import Delegate, Forum, ForumEvent, Position
from vinculo.web.forums.selectors import DELEGATE_ROLES, FORUM_WRITE_ROLES, record_get, registry


def sync_forums() -> int:
    """Create a row for every forum of the registry that has none; returns how many."""
    existing = set(Forum.objects.values_list("slug", flat=True))
    new = [Forum(slug=f.id) for f in registry().forums if f.id not in existing]
    Forum.objects.bulk_create(new)
    return len(new)


def _forum(actor: Any, slug: str) -> Forum:
    record_get(actor, slug)
    forum, _created = Forum.objects.get_or_create(slug=slug)
    return forum


def _event_of(forum: Forum, event: ForumEvent | None) -> ForumEvent | None:
    if event is not None and event.forum_id != forum.pk:
        raise ValidationError({"event": _("That meeting belongs to another forum.")})
    return event


def _saved(row: Any) -> Any:
    """The row validated as its model says (lengths, choices, addresses), then saved: the
    same limits on SQLite and PostgreSQL, whatever the entry point."""
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def event_create(*, actor: Any, slug: str, **values: Any) -> ForumEvent:
    require_role(actor, FORUM_WRITE_ROLES)
    forum = _forum(actor, slug)
    if values["ends_on"] < values["starts_on"]:
        raise ValidationError({"ends_on": _("A meeting cannot end before it starts.")})
    values["country"] = (values.get("country") or "").strip().upper()
    event = _saved(ForumEvent(forum=forum, created_by=actor, **values))
    audit_record(actor=actor, action="forum_event.create", obj=event)
    return event


@transaction.atomic
def position_create(*, actor: Any, slug: str, **values: Any) -> Position:
    require_role(actor, FORUM_WRITE_ROLES)
    forum = _forum(actor, slug)
    values["event"] = _event_of(forum, values.get("event"))
    position = _saved(Position(forum=forum, created_by=actor, **values))
    audit_record(actor=actor, action="forum_position.create", obj=position)
    return position


@transaction.atomic
def delegate_create(*, actor: Any, slug: str, **values: Any) -> Delegate:
    require_role(actor, DELEGATE_ROLES)
    forum = _forum(actor, slug)
    values["event"] = _event_of(forum, values.get("event"))
    delegate = _saved(Delegate(forum=forum, created_by=actor, **values))
    # the audit names the row, not the person
    audit_record(actor=actor, action="forum_delegate.create", obj=delegate)
    return delegate


@transaction.atomic
def delegate_remove(*, actor: Any, slug: str, delegate_id: int) -> None:
    """Remove a delegate (a person's data: deleted, not archived); 404 outside the forum."""
    require_role(actor, DELEGATE_ROLES)
    record_get(actor, slug)
    delegate = Delegate.objects.filter(forum__slug=slug, pk=delegate_id).first()
    if delegate is None:
        raise Http404("No such delegate")
    audit_record(actor=actor, action="forum_delegate.remove", obj=delegate)
    delegate.delete()


@transaction.atomic
def position_set_outcome(
    *, actor: Any, slug: str, position_id: int, outcome: str, outcome_notes: str
) -> Position:
    """Record what became of a position; the audit keeps the outcome before and after."""
    require_role(actor, FORUM_WRITE_ROLES)
    record_get(actor, slug)
    position = Position.objects.select_for_update().filter(forum__slug=slug, pk=position_id).first()
    if position is None:
        raise Http404("No such position")
    changes = diff(position, {"outcome": outcome, "outcome_notes": outcome_notes})
    position.outcome, position.outcome_notes = outcome, outcome_notes
    position.full_clean(exclude=["created_by"])
    position.save(update_fields=["outcome", "outcome_notes"])
    if changes:
        audit_record(actor=actor, action="forum_position.outcome", obj=position, changes=changes)
    return position
