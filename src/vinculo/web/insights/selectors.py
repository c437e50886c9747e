"""Reads for the insight pages: the snapshot, what derives from it alone (computed once per
process), and agreement coverage as the user may see it; the chokepoints of a post's own
brief sections and of the curated host institutions.

=====================  =============================  =====================================
object                 read                           write
=====================  =============================  =====================================
a post's sections      who reads the post             central: every post; officer: their
(legal framework,      (``posts_visible_to``: an      posts (another post does not exist
counterparts, agenda)  officer their posts)           for them: 404); legal, viewer: 403
host institutions      everyone with a login          central: every country; officer: the
(curated, per country                                 host countries of their posts (403
and priority)                                         elsewhere); legal, viewer: 403
=====================  =============================  =====================================

A post itself is written only by central roles (``registry.selectors.post_get_for_user``
with ``write``); its brief sections are the post's own work, so its officers write them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404

from vinculo.web.accounts.models import Role
from vinculo.web.accounts.permissions import WRITE_ROLES, require_role
from vinculo.web.insights.models import HostInstitution, PostSectionVersion, Snapshot
from vinculo.web.insights.naming import policy_version, shown_partners
from vinculo.web.registry.models import Agreement, Country, Post

__all__ = [
    "can_write_host_institutions",
    "can_write_sections",
    "coverage",
    "host_country_get_for_user",
    "host_institution_get_for_user",
    "host_institutions_visible_to",
    "latest_sections",
    "post_sections_get_for_user",
    "snapshot_derived",
    "snapshot_for",
]

T = TypeVar("T")

_PARSED: dict[tuple[int, Any], Snapshot] = {}
#: (snapshot id, computed at, builder, arguments) -> what the builder made of the snapshot
_DERIVED: dict[tuple[Hashable, ...], Any] = {}
#: a bound on _DERIVED (languages × priorities or partner countries × sections: far fewer)
_DERIVED_MAX = 4096


def snapshot_for(home: str | None = None) -> Snapshot | None:
    """The latest snapshot. Its payload (a megabyte of JSON) is parsed once per process:
    a request asks the database only for the latest snapshot's id."""
    query = Snapshot.objects.all()
    if home:
        query = query.filter(home=home)
    latest = query.values_list("pk", "computed_at").first()
    if latest is None:
        return None
    if latest not in _PARSED:
        found = Snapshot.objects.filter(pk=latest[0]).first()
        if found is None:
            return None
        _PARSED.clear()  # keep only the current one, and what derives from it
        _DERIVED.clear()
        _PARSED[latest] = found
    return _PARSED[latest]


def snapshot_derived(snapshot: Snapshot, build: Callable[..., T], *args: Hashable) -> T:
    """``build(snapshot, *args)``, computed once per process, snapshot and naming policy (a
    snapshot never changes: a new vintage is a new row; a changed policy file is a new
    version). Only for what derives from the snapshot, the policy and the arguments (a
    language, a priority, a country) and never from the user: the result is shared by
    every user."""
    key = (snapshot.pk, snapshot.computed_at, policy_version(), build, *args)
    try:
        return _DERIVED[key]  # type: ignore[no-any-return]
    except KeyError:
        pass
    value = build(snapshot, *args)
    if len(_DERIVED) >= _DERIVED_MAX:
        _DERIVED.clear()
    _DERIVED[key] = value
    return value


def _recommended(snapshot: Snapshot, top: int) -> list[str]:
    """The partners among each priority's ``top`` recommended, in order of appearance
    (those the naming policy excludes left out)."""
    payload = snapshot.payload
    partners: dict[str, None] = {}
    for priority in payload["priorities"]:
        for row in shown_partners(payload["partners"][priority["id"]]["top"])[:top]:
            partners.setdefault(row["partner"], None)
    return list(partners)


def coverage(user: Any, snapshot: Snapshot, *, top: int = 10) -> dict[str, Any]:
    """Agreements per (partner country, priority) among the agreements ``user`` may see,
    for each priority's top recommended partners: an empty cell is a gap (a recommended
    partner with no agreement covering the priority). Counted by the database: one row per
    partner country, one count per priority."""
    from vinculo.web.registry.selectors import agreements_visible_to, covers_priority

    partners = snapshot_derived(snapshot, _recommended, top)
    priorities = [p["id"] for p in snapshot.payload["priorities"]]
    columns = {f"priority_{i}": priority for i, priority in enumerate(priorities)}
    rows = (
        agreements_visible_to(user)
        .filter(partner_country_id__in=partners)
        .exclude(status__in=[Agreement.Status.EXPIRED, Agreement.Status.TERMINATED])
        .order_by()
        .values("partner_country")
        .annotate(
            **{
                column: Count("pk", filter=covers_priority(priority))
                for column, priority in columns.items()
            }
        )
    )
    counts = {
        (row["partner_country"], priority): row[column]
        for row in rows
        for column, priority in columns.items()
    }
    return {
        "partners": list(partners),
        "priorities": priorities,
        "cells": [
            [partner, priority, counts.get((partner, priority), 0)]
            for partner in partners
            for priority in priorities
        ],
    }


# ---------------------------------------------------------------- a post's brief sections
def can_write_sections(user: Any, post: Post) -> bool:
    """Central roles write every post's sections, an officer those of their posts."""
    from vinculo.web.registry.selectors import user_post_ids

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_central:
        return True
    return user.role == Role.OFFICER and post.pk in user_post_ids(user)


def post_sections_get_for_user(user: Any, post_id: int, *, write: bool = False) -> Post:
    """The post whose sections the user reads (404 outside their posts) and, with
    ``write``, edits (403 for a role that does not write them)."""
    from vinculo.web.registry.selectors import post_get_for_user

    post = post_get_for_user(user, post_id)  # 404 outside the user's scope
    if write:
        require_role(user, WRITE_ROLES)
        if not can_write_sections(user, post):
            raise PermissionDenied
    return post


def latest_sections(post: Post) -> dict[str, PostSectionVersion | None]:
    """The latest version of each section of the post (``None``: never written), in one
    query."""
    latest: dict[str, PostSectionVersion | None] = dict.fromkeys(PostSectionVersion.Section)
    for version in PostSectionVersion.objects.filter(post=post).select_related("author"):
        current = latest.get(version.section)
        if current is None or version.number > current.number:
            latest[version.section] = version
    return latest


# ---------------------------------------------------------------- host institutions
def host_institutions_visible_to(user: Any) -> QuerySet[HostInstitution]:
    """Every user with a login reads the curated lists (they cite public sources)."""
    rows = HostInstitution.objects.select_related("institution")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return rows.none()
    return rows


def can_write_host_institutions(user: Any, code: str) -> bool:
    """Central roles curate every country; an officer the host countries of their posts."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_central:
        return True
    return user.role == Role.OFFICER and user.posts.filter(host_country_id=code).exists()


def host_country_get_for_user(user: Any, code: str, *, write: bool = False) -> Country:
    """The country of a curated list (404 if unknown); with ``write``, 403 unless the user
    curates it."""
    try:
        country = Country.objects.get(pk=code.upper())
    except Country.DoesNotExist:
        raise Http404("No such country") from None
    if write:
        require_role(user, WRITE_ROLES)
        if not can_write_host_institutions(user, country.code):
            raise PermissionDenied
    return country


def host_institution_get_for_user(
    user: Any, code: str, institution_id: int, *, write: bool = False
) -> HostInstitution:
    """A curated institution of the country ``code`` (404 otherwise); ``write`` as for
    :func:`host_country_get_for_user`."""
    country = host_country_get_for_user(user, code, write=write)
    if not 1 <= institution_id <= 2**63 - 1:
        raise Http404("No such institution")
    try:
        return host_institutions_visible_to(user).get(pk=institution_id, country=country)
    except HostInstitution.DoesNotExist:
        raise Http404("No such institution") from None
