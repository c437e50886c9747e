"""Reads of researchers, scoped to the user: the authorization chokepoints of this app.

==============  ====================================  ===================  ==============
who             researchers (pages, API, exports)     contact (e-mail)     shortlists
==============  ====================================  ===================  ==============
administrator,  every researcher                      yes                  every one
planner
officer         those with a current affiliation in   redacted             their posts'
                a host country of one of their posts                       opportunities'
                (another: 404)                                             and agreements'
                                                                           (their scope's
                                                                           researchers)
legal, viewer   none (403): they have no need for     —                    — (403)
                people's records
==============  ====================================  ===================  ==============

A researcher is linked to a post by the post's host country: the countries of the
researcher's *current* affiliations (docs/privacy.md). The diaspora counts per country
show names only within that scope.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from vinculo.strategy.people import name_key
from vinculo.web.accounts.models import Role
from vinculo.web.accounts.permissions import require_role
from vinculo.web.paging import rows_by_ids, serial
from vinculo.web.people.models import Researcher, ShortlistEntry
from vinculo.web.people.summaries import in_countries, in_place, place_walk
from vinculo.web.pipeline.models import Opportunity
from vinculo.web.pipeline.selectors import opportunity_get_for_user
from vinculo.web.registry.models import Post

__all__ = [
    "CONTACT_FIELDS",
    "ERASE_ROLES",
    "MERGE_ROLES",
    "PEOPLE_ROLES",
    "can_see_contact",
    "can_shortlist_agreement",
    "post_countries",
    "redact",
    "researcher_get_for_user",
    "researchers_found",
    "researchers_visible_to",
    "scope_countries",
    "shortlist_agreement",
    "shortlist_opportunity",
]

#: Who reads researchers' records at all.
PEOPLE_ROLES = frozenset({Role.ADMINISTRATOR, Role.PLANNER, Role.OFFICER})
#: Who imports, merges and sees contact fields.
MERGE_ROLES = frozenset({Role.ADMINISTRATOR, Role.PLANNER})
#: Who erases a person.
ERASE_ROLES = frozenset({Role.ADMINISTRATOR})
#: The contact fields: planners and administrators only.
CONTACT_FIELDS = ("email",)


def can_see_contact(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in MERGE_ROLES


def post_countries(user: Any) -> set[str]:
    """ISO3 codes of the host countries of the user's posts."""
    return set(Post.objects.filter(officers=user).values_list("host_country_id", flat=True))


def scope_countries(user: Any) -> list[str] | None:
    """The countries whose current researchers the user may read (``None``: every
    researcher); 403 for roles that read none."""
    require_role(user, PEOPLE_ROLES)
    if user.role == Role.OFFICER:
        return sorted(post_countries(user))
    return None


def researchers_visible_to(user: Any) -> QuerySet[Researcher]:
    """The researchers the user may read; 403 for roles that read none."""
    return in_countries(scope_countries(user))


class Found:
    """The researchers a search finds in a scope (:func:`researchers_found`), in the
    list's order (name, id), read a slice at a time: ``found[start:stop]``. One country
    walked (an officer's single host country, or the country filter) is read from the
    place index of that country in name order, which stops when the slice is full (a
    common surname among the USA's researchers at a million profiles: under 2 ms); any
    other scope from the researchers in name order (``queryset``)."""

    def __init__(
        self, scope: list[str] | None, q: str, country: str, in_diaspora: bool | None
    ) -> None:
        self.scope = scope
        self.words = name_key(q).split()
        self.country = country.strip().upper()
        self.in_diaspora = in_diaspora

    def _narrowed(self, rows: QuerySet[Any], diaspora: str) -> QuerySet[Any]:
        """``rows`` with every word in the name key and the diaspora filter (its field
        named ``diaspora`` from ``rows``)."""
        for word in self.words:
            rows = rows.filter(name_key__contains=word)
        if self.in_diaspora is not None:
            where = {diaspora: Researcher.Diaspora.DIASPORA}
            rows = rows.filter(**where) if self.in_diaspora else rows.exclude(**where)
        return rows

    def queryset(self) -> QuerySet[Researcher]:
        """Every researcher found, in name order (the export; the general reading)."""
        found = in_countries(self.scope)
        if self.country:
            found = found & in_countries([self.country])
        return self._narrowed(found, "diaspora")

    def walk(self) -> QuerySet[Any] | None:
        """The place rows found when one country is walked, in order; None otherwise."""
        if self.country:
            walked = self.country
        elif self.scope is not None and len(set(self.scope)) == 1:
            walked = self.scope[0]
        else:
            return None
        rows = place_walk(walked)
        if self.country and self.scope is not None and self.country not in self.scope:
            rows = rows.filter(researcher_id__in=in_place(self.scope).values("researcher_id"))
        return self._narrowed(rows, "researcher__diaspora")

    def __getitem__(self, part: slice) -> list[Researcher]:
        start, stop = part.start or 0, part.stop
        walk = self.walk()
        if walk is None:
            return rows_by_ids(self.queryset(), start, stop)
        with serial():
            ids = list(walk.values_list("researcher_id", flat=True)[start:stop])
        found = Researcher.objects.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


def researchers_found(
    user: Any, q: str = "", country: str = "", in_diaspora: bool | None = None
) -> Found:
    """The researchers the user may read that match ``q`` (accent- and order-insensitive:
    every word in the name key), currently in ``country`` (ISO3), in the diaspora or not;
    403 for roles that read none."""
    return Found(scope_countries(user), q, country, in_diaspora)


def researcher_get_for_user(user: Any, researcher_id: int) -> Researcher:
    if not 1 <= researcher_id <= 2**63 - 1:
        raise Http404("No such researcher")
    try:
        return researchers_visible_to(user).get(pk=researcher_id)
    except Researcher.DoesNotExist:
        raise Http404("No such researcher") from None


def redact(user: Any, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the contact fields emptied for those who may not see them."""
    if can_see_contact(user):
        return values
    return {k: ("" if k in CONTACT_FIELDS and v else v) for k, v in values.items()}


def shortlist_opportunity(user: Any, opportunity_id: int) -> Opportunity:
    """The opportunity whose shortlist the user may read and write: the central roles,
    and the officers of its post (another post's officer: 404, as the opportunity)."""
    require_role(user, PEOPLE_ROLES)
    opportunity = opportunity_get_for_user(user, opportunity_id)
    if user.role == Role.OFFICER and not user.posts.filter(pk=opportunity.post_id).exists():
        raise Http404("No such opportunity")
    return opportunity


def shortlist_agreement(user: Any, agreement_id: int) -> Any:
    """The agreement whose shortlist the user may read and write: the central roles, and
    the officers of its post (an officer who reads it because it is shared: 403; one who
    may not read it: 404, as the agreement)."""
    from vinculo.web.registry.selectors import agreement_get_for_user

    require_role(user, PEOPLE_ROLES)
    agreement = agreement_get_for_user(user, agreement_id)
    if not can_shortlist_agreement(user, agreement):
        raise PermissionDenied
    return agreement


def can_shortlist_agreement(user: Any, agreement: Any) -> bool:
    """The people roles, and for an officer only an agreement of one of their posts."""
    from vinculo.web.registry.selectors import user_post_ids

    if user.role not in PEOPLE_ROLES:
        return False
    return user.role != Role.OFFICER or agreement.post_id in user_post_ids(user)


def shortlist(user: Any, opportunity: Opportunity) -> QuerySet[ShortlistEntry]:
    if user.role not in PEOPLE_ROLES:
        raise PermissionDenied
    return ShortlistEntry.objects.filter(opportunity=opportunity).select_related("researcher")
