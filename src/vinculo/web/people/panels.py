"""The diaspora panel of the insights country page: aggregates (count, institutions,
priorities; no names) for the roles that may see the researchers in that country — the
planners, the administrators and the officers of a post there; nothing for the others."""

from __future__ import annotations

from typing import Any

from vinculo.web.accounts.models import Role
from vinculo.web.people.selectors import PEOPLE_ROLES, post_countries, researchers_visible_to

__all__ = ["can_see_diaspora", "dashboard_diaspora", "diaspora_panel"]


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


def dashboard_diaspora(user: Any, limit: int = 12) -> list[dict[str, Any]] | None:
    """For the dashboard: the host countries with the most of Mexico's researchers in the
    diaspora (the stored figures, one query), each with its top priority — every country
    for the central roles, the host countries of their posts for an officer; None for the
    roles that see no researchers (the card is left out)."""
    from django.utils.translation import get_language

    from vinculo.strategy.i18n import country_name
    from vinculo.web.people.models import DiasporaCountry
    from vinculo.web.people.presenters import _priority_name

    if not getattr(user, "is_authenticated", False) or user.role not in PEOPLE_ROLES:
        return None
    rows = DiasporaCountry.objects.all()
    if user.role == Role.OFFICER:  # one query: the posts' countries as a subquery
        from vinculo.web.registry.models import Post

        rows = rows.filter(country__in=Post.objects.filter(officers=user).values("host_country_id"))
    found: dict[str, dict[str, Any]] = {}
    for row in rows.order_by("country", "priority"):
        entry = found.setdefault(row.country, {"country": row.country, "count": 0, "top": None})
        if not row.priority:
            entry["count"] = row.count
        elif row.count and (entry["top"] is None or row.count > entry["top"][1]):
            entry["top"] = (row.priority, row.count)
    ranked = sorted(found.values(), key=lambda e: (-e["count"], e["country"]))[:limit]
    language = "en" if (get_language() or "es").startswith("en") else "es"
    largest = max((e["count"] for e in ranked), default=0) or 1
    return [
        {
            **e,
            "name": country_name(e["country"], language),
            "largest": largest,
            "top_name": _priority_name(e["top"][0]) if e["top"] else "",
            "top_count": e["top"][1] if e["top"] else 0,
        }
        for e in ranked
    ]
