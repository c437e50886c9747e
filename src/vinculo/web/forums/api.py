"""``/api/v1/forums``: the registry's forums (with their sources), the influence gap, the
forums a country leads, meetings, positions and — for planners, legal officers and
administrators only — Mexico's delegates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from vinculo.strategy.forums import Forum as ForumRecord
from vinculo.web.forums.models import Delegate, ForumEvent, Position
from vinculo.web.forums.presenters import source_dict
from vinculo.web.forums.selectors import (
    coverage_rows,
    delegates_for,
    events_for,
    forums_led_by,
    forums_visible,
    positions_for,
    record_get,
)
from vinculo.web.forums.services import (
    delegate_create,
    event_create,
    position_create,
    position_set_outcome,
)

router = Router(tags=["forums"])


class SourceOut(Schema):
    publisher: str
    title: str
    url: str
    date: str
    passage: str


class LeadOut(Schema):
    country: str
    role: str
    source: SourceOut


class StatusOut(Schema):
    status: str
    detail: dict[str, str]
    note: str
    source: SourceOut | None


class ForumOut(Schema):
    id: str
    name: dict[str, str]
    kind: str
    body: str
    scope: dict[str, str]
    priorities: list[str]
    leads: list[LeadOut]
    mexico: StatusOut


class CoverageOut(Schema):
    priority: str
    participating: list[str]
    observer: list[str]
    absent: list[str]
    unknown: list[str]
    presence: float | None
    gap_leaders: list[str]


class EventIn(Schema):
    title: str
    starts_on: dt.date
    ends_on: dt.date
    city: str = ""
    country: str = ""
    online: bool = False
    url: str = ""


class EventOut(Schema):
    id: int
    forum: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    city: str
    country: str
    online: bool
    url: str


class PositionIn(Schema):
    title: str
    submitted_on: dt.date
    summary: str = ""
    outcome: str = Position.Outcome.PENDING
    outcome_notes: str = ""
    event: int | None = None


class PositionOut(Schema):
    id: int
    forum: str
    event: int | None
    title: str
    submitted_on: dt.date
    summary: str
    outcome: str
    outcome_notes: str


class DelegateIn(Schema):
    name: str
    institution: str = ""
    role: str = ""
    email: str = ""
    event: int | None = None


class DelegateOut(Schema):
    id: int
    name: str
    institution: str
    role: str
    email: str
    event: int | None


def _forum(record: ForumRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "kind": record.kind,
        "body": record.body,
        "scope": record.scope,
        "priorities": list(record.priorities),
        "leads": [
            {"country": lead.country, "role": lead.role, "source": source_dict(lead.source)}
            for lead in record.leads
        ],
        "mexico": {
            "status": record.mexico.status,
            "detail": record.mexico.detail,
            "note": record.mexico.note,
            "source": source_dict(record.mexico.source),
        },
    }


def _event(event: ForumEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "forum": event.forum.slug,
        "title": event.title,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "city": event.city,
        "country": event.country,
        "online": event.online,
        "url": event.url,
    }


def _position(position: Position) -> dict[str, Any]:
    return {
        "id": position.pk,
        "forum": position.forum.slug,
        "event": position.event_id,
        "title": position.title,
        "submitted_on": position.submitted_on,
        "summary": position.summary,
        "outcome": position.outcome,
        "outcome_notes": position.outcome_notes,
    }


def _delegate(d: Delegate) -> dict[str, Any]:
    return {
        "id": d.pk,
        "name": d.name,
        "institution": d.institution,
        "role": d.role,
        "email": d.email,
        "event": d.event_id,
    }


def _event_of(request: HttpRequest, slug: str, event_id: int | None) -> ForumEvent | None:
    """The forum's meeting of that id (422 for another forum's or none)."""
    if event_id is None:
        return None
    event = events_for(request.user, slug).filter(pk=event_id).first()
    if event is None:
        raise HttpError(422, "event: no such meeting of this forum")
    return event


def _invalid(error: ValidationError) -> HttpError:
    return HttpError(422, "; ".join(error.messages))


@router.get(
    "/", response=list[ForumOut], summary="The forums of the registry", operation_id="forums_list"
)
def forum_list(request: HttpRequest, priority: str = "", status: str = "") -> list[dict[str, Any]]:
    return [_forum(f) for f in forums_visible(request.user, priority, status)]


@router.get(
    "/coverage",
    response=list[CoverageOut],
    summary="The influence gap by priority",
    operation_id="forums_coverage",
)
def forum_coverage(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "priority": row.priority,
            "participating": [f.id for f in row.participating],
            "observer": [f.id for f in row.observer],
            "absent": [f.id for f in row.absent],
            "unknown": [f.id for f in row.unknown],
            "presence": row.presence,
            "gap_leaders": list(row.gap_leaders),
        }
        for row in coverage_rows(request.user)
    ]


@router.get(
    "/countries/{code}",
    response=list[ForumOut],
    summary="The forums a country leads",
    operation_id="forums_country",
)
def forum_country(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    return [_forum(f) for f in forums_led_by(request.user, code)]


@router.get(
    "/{slug}", response=ForumOut, summary="A forum, with its sources", operation_id="forums_get"
)
def forum_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _forum(record_get(request.user, slug))


@router.get(
    "/{slug}/events",
    response=list[EventOut],
    summary="A forum's meetings",
    operation_id="forums_event_list",
)
def event_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    return [_event(e) for e in events_for(request.user, slug).select_related("forum")]


@router.post(
    "/{slug}/events",
    response={201: EventOut},
    summary="Add a meeting",
    operation_id="forums_event_create",
)
def event_add(request: HttpRequest, slug: str, payload: EventIn) -> Status:
    try:
        event = event_create(actor=request.user, slug=slug, **payload.dict())
    except ValidationError as error:
        raise _invalid(error) from None
    return Status(201, _event(event))


@router.get(
    "/{slug}/positions",
    response=list[PositionOut],
    summary="Mexico's positions",
    operation_id="forums_position_list",
)
def position_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    return [_position(p) for p in positions_for(request.user, slug).select_related("forum")]


@router.post(
    "/{slug}/positions",
    response={201: PositionOut},
    summary="Add a position",
    operation_id="forums_position_create",
)
def position_add(request: HttpRequest, slug: str, payload: PositionIn) -> Status:
    values = payload.dict()
    event_id = values.pop("event")
    if values["outcome"] not in Position.Outcome.values:
        raise HttpError(422, f"outcome: one of {', '.join(Position.Outcome.values)}")
    event = _event_of(request, slug, event_id)
    try:
        position = position_create(actor=request.user, slug=slug, event=event, **values)
    except ValidationError as error:
        raise _invalid(error) from None
    return Status(201, _position(position))


class OutcomeIn(Schema):
    outcome: str
    outcome_notes: str = ""


@router.patch(
    "/{slug}/positions/{position_id}",
    response=PositionOut,
    summary="Record a position's outcome",
    operation_id="forums_position_update",
)
def position_update(
    request: HttpRequest, slug: str, position_id: int, payload: OutcomeIn
) -> dict[str, Any]:
    try:
        position = position_set_outcome(
            actor=request.user, slug=slug, position_id=position_id, **payload.dict()
        )
    except ValidationError as error:
        raise _invalid(error) from None
    return _position(position)


@router.get(
    "/{slug}/delegates",
    response=list[DelegateOut],
    summary="Mexico's delegates (planners, legal officers, administrators)",
    operation_id="forums_delegate_list",
)
def delegate_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    return [_delegate(d) for d in delegates_for(request.user, slug)]


@router.post(
    "/{slug}/delegates",
    response={201: DelegateOut},
    summary="Add a delegate (planners, legal officers, administrators)",
    operation_id="forums_delegate_create",
)
def delegate_add(request: HttpRequest, slug: str, payload: DelegateIn) -> Status:
    values = payload.dict()
    event = _event_of(request, slug, values.pop("event"))
    try:
        delegate = delegate_create(actor=request.user, slug=slug, event=event, **values)
    except ValidationError as error:
        raise _invalid(error) from None
    return Status(201, _delegate(delegate))
