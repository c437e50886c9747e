"""Reads of the registry, scoped to the user: the authorization chokepoints of this app.

Who sees and writes what (views and the API never test roles themselves; they call these):

================  =====================  ============================  ======================
object            read                   write                         confidential part
================  =====================  ============================  ======================
agreement         central, legal,        central, legal: all;          IP terms, documents:
                  viewer: all;           officer: their posts' ones    central, legal, the
                  officer: their posts'  (a shared agreement of        officer of the
                  + shared ones          another post: read-only)      agreement's post
IP terms          as above               central, legal                (never viewers)
post              officer: their posts;  (Django admin only)           -
                  everyone else: all
institution       everyone with a login  (import from the evidence     -
                                         store: administrators)
project           everyone with a login  central                       budget: not viewers
================  =====================  ============================  ======================

"Central" is administrators and planners. Viewers read agreements (the portfolio is not
secret inside the ministry) but never their confidential parts. Outside one's scope an object
does not exist (``Http404``, so its existence is not revealed); inside it, a role too low
for the action gets ``PermissionDenied`` (403). So a viewer asking for a document gets 403
(the role never sees documents), an officer asking for another post's document gets 404.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from vinculo.strategy.priorities import Priorities, default_priorities
from vinculo.web.accounts.models import Role
from vinculo.web.registry.models import (
    Agreement,
    AgreementDocument,
    Institution,
    Milestone,
    Post,
    Project,
    search_key,
)

__all__ = [
    "AGREEMENT_CREATE_ROLES",
    "AGREEMENT_WIDE_ROLES",
    "CENTRAL_ROLES",
    "IP_TERMS_ROLES",
    "agreement_get_for_user",
    "agreements_filter",
    "agreements_visible_to",
    "can_see_budget",
    "can_see_ip_terms",
    "can_write_agreement",
    "covers_priority",
    "document_get_for_user",
    "institution_get_for_user",
    "institutions_search",
    "institutions_visible_to",
    "milestone_get_for_user",
    "post_get_for_user",
    "posts_visible_to",
    "priorities_named",
    "priority_choices",
    "priority_ids",
    "project_get_for_user",
    "projects_visible_to",
    "renewals_due",
    "user_post_ids",
]

#: Administrators and planners: the central roles (every post; the strategic projects).
CENTRAL_ROLES = frozenset({Role.ADMINISTRATOR, Role.PLANNER})
#: Read and write every agreement, whatever its post.
AGREEMENT_WIDE_ROLES = frozenset({Role.ADMINISTRATOR, Role.PLANNER, Role.LEGAL})
#: Register agreements (an officer: for their own posts only).
AGREEMENT_CREATE_ROLES = AGREEMENT_WIDE_ROLES | {Role.OFFICER}
#: Set IP and technology-transfer terms.
IP_TERMS_ROLES = frozenset({Role.ADMINISTRATOR, Role.PLANNER, Role.LEGAL})
#: Agreement statuses that can come up for renewal.
_ACTIVE_STATUSES = (Agreement.Status.SIGNED, Agreement.Status.IN_FORCE)


def _pk(value: int) -> int:
    """An id as the database can hold it; any other number names nothing (404), instead of
    overflowing the driver."""
    if not 1 <= value <= 2**63 - 1:
        raise Http404("No such object")
    return value


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def user_post_ids(user: Any) -> set[int]:
    """The ids of the posts the user belongs to (empty for anonymous visitors)."""
    if not _active(user):
        return set()
    return set(user.posts.values_list("id", flat=True))


def _user_posts(user: Any) -> QuerySet[Any]:
    """The ids of the user's posts as a subquery: a scoped query filters on them in the
    database, without a query of its own first."""
    memberships: QuerySet[Any] = user.posts.through.objects.filter(user_id=user.pk)
    return memberships.values("post_id")


# ---------------------------------------------------------------- agreements
def agreements_visible_to(user: Any) -> QuerySet[Agreement]:
    """The agreements the user may read (see the module's table)."""
    agreements = Agreement.objects.select_related("partner_country", "post")
    if not _active(user):
        return agreements.none()
    if user.role == Role.OFFICER:
        return agreements.filter(Q(post__in=_user_posts(user)) | Q(shared=True))
    return agreements


def can_write_agreement(user: Any, agreement: Agreement) -> bool:
    """Central roles and legal write every agreement; an officer those of their posts."""
    if not _active(user):
        return False
    if user.role in AGREEMENT_WIDE_ROLES:
        return True
    return user.role == Role.OFFICER and agreement.post_id in user_post_ids(user)


def can_see_ip_terms(user: Any, agreement: Agreement) -> bool:
    """IP terms and documents: central roles, legal, and the officers of the agreement's
    post (not the officers who see it only because it is shared; never viewers)."""
    if not _active(user):
        return False
    if user.role in AGREEMENT_WIDE_ROLES:
        return True
    return user.role == Role.OFFICER and agreement.post_id in user_post_ids(user)


def agreement_get_for_user(user: Any, agreement_id: int, *, write: bool = False) -> Agreement:
    """The agreement, if the user may read it (else 404) and, with ``write``, change it
    (else 403)."""
    try:
        agreement = (
            agreements_visible_to(user).select_related("created_by").get(pk=_pk(agreement_id))
        )
    except Agreement.DoesNotExist:
        raise Http404("No such agreement") from None
    if write and not can_write_agreement(user, agreement):
        raise PermissionDenied
    return agreement


def document_get_for_user(user: Any, agreement_id: int, document_id: int) -> AgreementDocument:
    """A document of an agreement: 404 outside the user's scope (the agreement, or another
    post's confidential files), 403 for viewers (their role never sees documents)."""
    agreement = agreement_get_for_user(user, agreement_id)
    if user.role == Role.VIEWER:
        raise PermissionDenied
    if not can_see_ip_terms(user, agreement):
        raise Http404("No such document")
    try:
        return agreement.documents.get(pk=_pk(document_id))
    except AgreementDocument.DoesNotExist:
        raise Http404("No such document") from None


def agreements_filter(
    agreements: QuerySet[Agreement],
    *,
    country: str | None = None,
    status: str | None = None,
    priority: str | None = None,
    post: int | None = None,
    q: str | None = None,
) -> QuerySet[Agreement]:
    """Narrow a (scoped) queryset by partner country, status, priority, post and words of
    the title or summary."""
    if country:
        agreements = agreements.filter(partner_country_id=country.upper())
    if status:
        agreements = agreements.filter(status=status)
    if post:
        agreements = agreements.filter(post_id=post)
    for word in (q or "").split():
        agreements = agreements.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    if priority:
        agreements = agreements.filter(covers_priority(priority))
    return agreements


def covers_priority(priority: str) -> Q:
    """The agreements whose priorities hold ``priority`` (ids are lower-case kebab-case,
    matched regardless of case). PostgreSQL tests JSON containment (``@>``, three times
    cheaper than matching text); SQLite has none, so there the list's JSON text is matched:
    a quoted id matches that id only."""
    if connection.features.supports_json_field_contains:
        return Q(priorities__contains=[priority.lower()])
    return Q(priorities__icontains=f'"{priority}"')


def renewals_due(today: date, agreements: QuerySet[Agreement] | None = None) -> list[Agreement]:
    """Signed or in-force agreements whose expiry is within their renewal notice
    (``expires_on - renewal_notice_days <= today``), soonest first. Those already past
    their expiry but still marked in force are included too: they are the most urgent.

    Pass the user's scoped queryset (:func:`agreements_visible_to`) to keep the scope.
    """
    candidates = (Agreement.objects.all() if agreements is None else agreements).filter(
        status__in=_ACTIVE_STATUSES, expires_on__isnull=False
    )
    due = [
        agreement
        for agreement in candidates
        if agreement.expires_on - timedelta(days=agreement.renewal_notice_days) <= today
    ]
    return sorted(due, key=lambda agreement: (agreement.expires_on, agreement.pk))


# ---------------------------------------------------------------- posts
def posts_visible_to(user: Any) -> QuerySet[Post]:
    """Officers see their posts; every other role sees them all."""
    posts = Post.objects.select_related("host_country")
    if not _active(user):
        return posts.none()
    if user.role == Role.OFFICER:
        return posts.filter(pk__in=_user_posts(user))
    return posts


def post_get_for_user(user: Any, post_id: int, *, write: bool = False) -> Post:
    """The post, if the user may read it (else 404); writing a post is for central roles."""
    try:
        post = posts_visible_to(user).get(pk=_pk(post_id))
    except Post.DoesNotExist:
        raise Http404("No such post") from None
    if write and user.role not in CENTRAL_ROLES:
        raise PermissionDenied
    return post


# ---------------------------------------------------------------- institutions
def institutions_visible_to(user: Any) -> QuerySet[Institution]:
    """Every user with a login reads the institutions (public ROR data)."""
    institutions = Institution.objects.select_related("country")
    return institutions if _active(user) else institutions.none()


def institutions_search(
    institutions: QuerySet[Institution], *, q: str | None = None, country: str | None = None
) -> QuerySet[Institution]:
    """Institutions whose name or a name variant holds every word of ``q`` (accents and
    case ignored: the search text is folded, see ``models.search_key``)."""
    if country:
        institutions = institutions.filter(country_id=country.upper())
    for word in search_key(q or "").split():
        institutions = institutions.filter(search_text__contains=word)
    return institutions


def institution_get_for_user(user: Any, institution_id: int) -> Institution:
    try:
        return institutions_visible_to(user).get(pk=_pk(institution_id))
    except Institution.DoesNotExist:
        raise Http404("No such institution") from None


# ---------------------------------------------------------------- projects
def projects_visible_to(user: Any) -> QuerySet[Project]:
    """The strategic projects are the national portfolio: every user with a login reads
    them (budgets are hidden from viewers: :func:`can_see_budget`)."""
    projects = Project.objects.select_related("lead_institution")
    return projects if _active(user) else projects.none()


def can_see_budget(user: Any) -> bool:
    return _active(user) and user.role != Role.VIEWER


def project_get_for_user(user: Any, project_id: int, *, write: bool = False) -> Project:
    """The project (else 404); with ``write``, 403 unless the user is central."""
    try:
        project = projects_visible_to(user).get(pk=_pk(project_id))
    except Project.DoesNotExist:
        raise Http404("No such project") from None
    if write and user.role not in CENTRAL_ROLES:
        raise PermissionDenied
    return project


def milestone_get_for_user(user: Any, milestone_id: int, *, write: bool = False) -> Milestone:
    """A milestone, through its project's chokepoint."""
    try:
        milestone = Milestone.objects.select_related("project").get(pk=_pk(milestone_id))
    except Milestone.DoesNotExist:
        raise Http404("No such milestone") from None
    project_get_for_user(user, milestone.project_id, write=write)
    return milestone


# ---------------------------------------------------------------- priorities
@cache
def _priorities() -> Priorities:
    return default_priorities()


def priority_ids() -> list[str]:
    """The identifiers of the national priorities (the shipped priorities file)."""
    return [priority.id for priority in _priorities().priorities]


def priority_choices(language: str) -> list[tuple[str, str]]:
    """(id, name in ``language``) of each national priority, for forms and filters."""
    return list(_priority_names(language).items())


@cache
def _priority_names(language: str) -> dict[str, str]:
    return {
        priority.id: priority.name.get(language) or priority.name.get("en") or priority.id
        for priority in _priorities().priorities
    }


def priorities_named(keys: list[str] | None, language: str) -> str:
    """The names of the priorities ``keys`` in ``language``, comma-separated (an unknown id
    as it is)."""
    names = _priority_names(language)
    return ", ".join(names.get(key, key) for key in keys or [])
