"""The diaspora panel of the insights country page: aggregates (count, institutions,
priorities; no names) for the roles that may see the researchers in that country — the
planners, the administrators and the officers of a post there; nothing for the others."""

from __future__ import annotations

from typing import Any

from vinculo.web.accounts.models import Role
from vinculo.web.people.selectors import PEOPLE_ROLES, post_countries, researchers_visible_to

__all__ = ["can_see_diaspora", "diaspora_panel"]


def can_see_diaspora(user: Any, country: str) -> bool:
    """Whether ``user`` may see the researchers in ``country`` (ISO3)."""
    if not getattr(user, "is_authenticated", False) or user.role not in PEOPLE_ROLES:
        return False
    return user.role != Role.OFFICER or country in post_countries(user)


def diaspora_panel(user: Any, country: str) -> dict[str, Any] | None:
    """The diaspora in ``country`` as the country page shows it, or None when the user
    may not see it."""
    from vinculo.web.people.presenters import _priority_name
    from vinculo.web.people.services import stored_diaspora

    if not can_see_diaspora(user, country):
        return None
    summary = stored_diaspora(researchers_visible_to(user), country, top=5)
    return {
        "count": summary.count,
        "institutions": summary.institutions,
        "with_mexican_ties": summary.with_mexican_ties,
        "by_priority": [
            {"id": pid, "name": _priority_name(pid), "count": n}
            for pid, n in summary.by_priority
            if n
        ],
    }
