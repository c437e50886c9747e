"""Reads of the pipeline, scoped to the user: the authorization chokepoints of this app.

==============  =========================  ===============================  ==================
who             read                       write                            contacts, amounts
==============  =========================  ===============================  ==================
administrator,  every opportunity          everything; every transition     yes
planner
officer         their posts' opportunities log for their posts; edit them    their posts' ones
                (another post's: 404)      while submitted or on hold;
                                           withdraw a submitted one
legal           every opportunity          comments; negotiation → agreed   redacted
                                           → active (the agreement's side)
viewer          every opportunity          nothing (403)                    redacted
==============  =========================  ===============================  ==================

Outside one's scope an opportunity does not exist (404); inside it, an action the role may
not take is 403. Confidential fields (contact details and amounts) are redacted by
:func:`can_see_confidential` in pages, the API and exports alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from vinculo.web.accounts.models import Role
from vinculo.web.pipeline.matching import fold
from vinculo.web.pipeline.models import Attachment, Opportunity
from vinculo.web.registry.selectors import CENTRAL_ROLES, user_post_ids

__all__ = [
    "COMMENT_ROLES",
    "CONFIDENTIAL_FIELDS",
    "EDITABLE_STATUSES",
    "SUBMIT_ROLES",
    "TRANSITIONS",
    "TRANSITION_ACTOR_ROLES",
    "TRANSITION_ROLES",
    "attachment_get_for_user",
    "can_edit",
    "can_see_confidential",
    "can_transition",
    "confidential_check",
    "confidential_posts",
    "opportunities_filter",
    "opportunities_visible_to",
    "opportunity_get_for_user",
    "transitions_for",
]

Status = Opportunity.Status

#: Log opportunities (an officer: for their own posts).
SUBMIT_ROLES = frozenset({Role.ADMINISTRATOR, Role.PLANNER, Role.OFFICER})
#: Comment on the opportunities one may read.
COMMENT_ROLES = frozenset({Role.ADMINISTRATOR, Role.PLANNER, Role.OFFICER, Role.LEGAL})
#: What only the logging post and the central roles see.
CONFIDENTIAL_FIELDS = (
    "amount_offered",
    "amount_requested",
    "currency",
    "contact_name",
    "contact_email",
    "contact_phone",
)
#: An officer edits their opportunity while it waits for the planners.
EDITABLE_STATUSES = frozenset({Status.SUBMITTED, Status.ON_HOLD})

#: The workflow. ``expired`` is set by the expiry command (no update for a configured time)
#: and ``merged`` by a merge; neither is a transition anyone chooses.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.SCREENING, Status.ON_HOLD, Status.REJECTED, Status.CLOSED}),
    Status.SCREENING: frozenset({Status.ASSESSMENT, Status.ON_HOLD, Status.REJECTED}),
    Status.ASSESSMENT: frozenset({Status.NEGOTIATION, Status.ON_HOLD, Status.REJECTED}),
    Status.NEGOTIATION: frozenset({Status.AGREED, Status.ON_HOLD, Status.REJECTED}),
    Status.AGREED: frozenset({Status.ACTIVE, Status.CLOSED}),
    Status.ACTIVE: frozenset({Status.CLOSED}),
    Status.ON_HOLD: frozenset(
        {Status.SCREENING, Status.ASSESSMENT, Status.NEGOTIATION, Status.REJECTED, Status.CLOSED}
    ),
    Status.EXPIRED: frozenset({Status.SCREENING, Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.MERGED: frozenset(),
}

#: Who may take a transition besides the central roles (who may take them all). An officer
#: only for their posts' opportunities (:func:`can_transition`).
TRANSITION_ROLES: dict[tuple[str, str], frozenset[Role]] = {
    (Status.SUBMITTED, Status.CLOSED): frozenset({Role.OFFICER}),  # withdrawn by the post
    (Status.NEGOTIATION, Status.AGREED): frozenset({Role.LEGAL}),
    (Status.AGREED, Status.ACTIVE): frozenset({Role.LEGAL}),
}


#: Roles that take any transition at all (viewers never do: 403).
TRANSITION_ACTOR_ROLES = CENTRAL_ROLES | {
    role for roles in TRANSITION_ROLES.values() for role in roles
}


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def _pk(value: int) -> int:
    if not 1 <= value <= 2**63 - 1:
        raise Http404("No such opportunity")
    return value


def opportunities_visible_to(user: Any) -> QuerySet[Opportunity]:
    """The opportunities the user may read (see the module's table)."""
    opportunities = Opportunity.objects.select_related("post", "host_country", "owner")
    if not _active(user):
        return opportunities.none()
    if user.role == Role.OFFICER:  # the user's posts as a subquery: no query of its own
        return opportunities.filter(post__in=user.posts.values("id"))
    return opportunities


def opportunity_get_for_user(
    user: Any,
    opportunity_id: int,
    *,
    related: tuple[str, ...] = (),
    annotate: dict[str, Any] | None = None,
) -> Opportunity:
    """The opportunity if the user may read it, else 404; ``related``: foreign keys read
    in the same query (``select_related``); ``annotate``: expressions read with it."""
    records = opportunities_visible_to(user)
    if related:
        records = records.select_related(*related)
    if annotate:
        records = records.annotate(**annotate)
    try:
        return records.get(pk=_pk(opportunity_id))
    except Opportunity.DoesNotExist:
        raise Http404("No such opportunity") from None


def confidential_posts(user: Any) -> Callable[[int], bool]:
    """Who sees contacts and amounts, as a test of an opportunity's post id (the user's
    posts are read once, for lists and exports): the logging post's officers, planners
    and administrators."""
    if not _active(user):
        return lambda post_id: False
    if user.role in CENTRAL_ROLES:
        return lambda post_id: True
    if user.role == Role.OFFICER:
        posts = user_post_ids(user)
        return lambda post_id: post_id in posts
    return lambda post_id: False


def confidential_check(user: Any) -> Callable[[Opportunity], bool]:
    """:func:`confidential_posts` as a test of an opportunity."""
    visible = confidential_posts(user)
    return lambda opportunity: visible(opportunity.post_id)


def can_see_confidential(user: Any, opportunity: Opportunity) -> bool:
    """See :func:`confidential_check`."""
    return confidential_check(user)(opportunity)


def can_edit(user: Any, opportunity: Opportunity) -> bool:
    """Change the opportunity's description, parties, amounts and contacts."""
    if not _active(user):
        return False
    if user.role in CENTRAL_ROLES:
        return opportunity.status != Status.MERGED
    return (
        user.role == Role.OFFICER
        and opportunity.post_id in user_post_ids(user)
        and opportunity.status in EDITABLE_STATUSES
    )


def can_transition(user: Any, opportunity: Opportunity, status: str) -> bool:
    """Whether ``user`` may move ``opportunity`` to ``status`` now (workflow and role)."""
    if not _active(user) or status not in TRANSITIONS.get(opportunity.status, frozenset()):
        return False
    if user.role in CENTRAL_ROLES:
        return True
    roles = TRANSITION_ROLES.get((opportunity.status, status), frozenset())
    if user.role not in roles:
        return False
    return user.role != Role.OFFICER or opportunity.post_id in user_post_ids(user)


def transitions_for(user: Any, opportunity: Opportunity) -> list[str]:
    """The statuses ``user`` may move ``opportunity`` to, in workflow order."""
    order = list(Status.values)
    return sorted(
        (
            s
            for s in TRANSITIONS.get(opportunity.status, ())
            if can_transition(user, opportunity, s)
        ),
        key=order.index,
    )


def opportunities_filter(
    opportunities: QuerySet[Opportunity],
    *,
    status: str | None = None,
    priority: str | None = None,
    country: str | None = None,
    post: int | None = None,
    kind: str | None = None,
    q: str | None = None,
) -> QuerySet[Opportunity]:
    """Narrow a scoped queryset by status, priority (confirmed, else suggested), host country,
    post, type and words of the title or description (accents and case ignored)."""
    if status:
        opportunities = opportunities.filter(status=status)
    if country:
        opportunities = opportunities.filter(host_country_id=country.upper())
    if post:
        opportunities = opportunities.filter(post_id=post)
    if kind:
        opportunities = opportunities.filter(kind=kind)
    if priority:
        opportunities = opportunities.filter(priority_keys__contains=f"|{priority}|")
    for word in fold(q or "").split():
        opportunities = opportunities.filter(search_text__contains=word)
    return opportunities


def attachment_get_for_user(user: Any, opportunity_id: int, attachment_id: int) -> Attachment:
    """An attachment: 404 outside the opportunity's scope; 403 for the roles that never
    see confidential parts (viewers, legal officers): attachments are confidential like
    the contacts."""
    opportunity = opportunity_get_for_user(user, opportunity_id)
    if not can_see_confidential(user, opportunity):
        raise PermissionDenied
    try:
        return opportunity.attachments.get(pk=_pk(attachment_id))
    except Attachment.DoesNotExist:
        raise Http404("No such attachment") from None
