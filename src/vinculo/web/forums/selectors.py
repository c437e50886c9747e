"""Reads. The forums' descriptions come from the versioned registry; meetings and positions
are seen by every signed-in role; delegates (people) only by planners, legal officers and
administrators, and everyone else gets a 403 (API) or a redacted line (pages)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from vinculo.strategy.forums import Forum as ForumRecord
from vinculo.strategy.forums import ForumRegistry, PriorityCoverage, coverage, default_forums
from vinculo.strategy.priorities import default_priorities
from vinculo.web.accounts.models import Role
from vinculo.web.accounts.permissions import LEGAL_ROLES, READ_ROLES, require_role
from vinculo.web.forums.models import Delegate, Forum, ForumEvent, Position

#: who may see and record Mexico's delegates (people) and write meetings and positions
FORUM_WRITE_ROLES = LEGAL_ROLES
DELEGATE_ROLES = LEGAL_ROLES


@lru_cache(maxsize=1)
def registry() -> ForumRegistry:
    """The shipped registry (read once per process; it is part of the release)."""
    return default_forums()


def priority_names(language: str) -> dict[str, str]:
    return {p.id: p.name.get(language, p.id) for p in default_priorities().priorities}


def can_write(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in FORUM_WRITE_ROLES


def can_see_delegates(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in DELEGATE_ROLES


def record_get(user: Any, slug: str) -> ForumRecord:
    """The registry's forum, for a signed-in user; 404 for an unknown id."""
    require_role(user, READ_ROLES)
    for forum in registry().forums:
        if forum.id == slug:
            return forum
    raise Http404("No such forum")


def row_for(slug: str) -> Forum | None:
    return Forum.objects.filter(slug=slug).first()


def events_for(user: Any, slug: str) -> QuerySet[ForumEvent]:
    record_get(user, slug)
    return ForumEvent.objects.filter(forum__slug=slug)


def events_visible_to(user: Any) -> QuerySet[ForumEvent]:
    require_role(user, READ_ROLES)
    return ForumEvent.objects.select_related("forum")


def positions_for(user: Any, slug: str) -> QuerySet[Position]:
    record_get(user, slug)
    return Position.objects.filter(forum__slug=slug).select_related("event")


def delegates_for(user: Any, slug: str) -> QuerySet[Delegate]:
    """Mexico's delegates to a forum: 403 for roles that may not see people."""
    record_get(user, slug)
    require_role(user, DELEGATE_ROLES)
    return Delegate.objects.filter(forum__slug=slug).select_related("event")


def delegate_count(slug: str) -> int:
    return Delegate.objects.filter(forum__slug=slug).count()


def coverage_rows(user: Any) -> list[PriorityCoverage]:
    """The influence gap, priority by priority, in the priorities file's order."""
    require_role(user, READ_ROLES)
    return coverage(registry(), [p.id for p in default_priorities().priorities])


def forums_led_by(user: Any, country: str) -> tuple[ForumRecord, ...]:
    require_role(user, READ_ROLES)
    return registry().led_by(country.upper())


def is_viewer(user: Any) -> bool:
    return getattr(user, "role", None) == Role.VIEWER


def forums_visible(user: Any, priority: str = "", status: str = "") -> list[ForumRecord]:
    """The registry's forums, optionally those of a priority or of a status."""
    require_role(user, READ_ROLES)
    return [
        f
        for f in registry().forums
        if (not priority or priority in f.priorities) and (not status or f.mexico.status == status)
    ]
