"""The diaspora panel of the insights country page: aggregates (count, institutions,
priorities; no names) for the roles that may see the researchers in that country — the
planners, the administrators and the officers of a post there; nothing for the others."""

from __future__ import annotations

from functools import cache
from typing import Any

from vinculo.web.accounts.models import Role
from vinculo.web.people.selectors import PEOPLE_ROLES, post_countries, researchers_visible_to

__all__ = ["can_see_diaspora", "dashboard_diaspora", "diaspora_map", "diaspora_panel"]


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


#: How many host countries the dashboard card's table lists (the map shows them all).
CARD_ROWS = 12


def dashboard_diaspora(user: Any, limit: int | None = None) -> list[dict[str, Any]] | None:
    """For the dashboard: the host countries of Mexico's researchers in the diaspora, the
    most first (the stored figures, one query; the first ``limit``, all by default), each
    with its top priority — every country for the central roles, the host countries of
    their posts for an officer; None for the roles that see no researchers (the card is
    left out). The card's table lists the first :data:`CARD_ROWS`, its map all."""
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


def diaspora_map(rows: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """The dashboard card's world map, from the card's own rows
    (:func:`dashboard_diaspora`, already scoped to the user's role): per host country its
    code, its ISO 3166-1 numeric code (the map's features carry those), its name in the
    page's language and its count; Mexico (drawn apart) and the links to each country's
    diaspora page. None when there are no rows (no map)."""
    from django.urls import reverse
    from django.utils.translation import get_language
    from django.utils.translation import gettext as _

    from vinculo.strategy.i18n import country_name

    if not rows:
        return None
    numeric = _iso_numeric()
    language = "en" if (get_language() or "es").startswith("en") else "es"
    home = "MEX"
    return {
        "countries": [
            {
                "code": row["country"],
                "numeric": numeric.get(row["country"], ""),
                "name": row["name"],
                "count": row["count"],
            }
            for row in rows
        ],
        "home": {
            "code": home,
            "numeric": numeric.get(home, ""),
            "name": country_name(home, language),
        },
        "country_url": reverse("people:diaspora", args=["XXX"]),
        "labels": {"researchers": _("researchers in the diaspora")},
    }


@cache
def _iso_numeric() -> dict[str, str]:
    """ISO3 → ISO 3166-1 numeric code without its leading zeros, as the dashboard's
    partner map reads the map's features (``insights.services``)."""
    from vinculo.evidence.countries import locations_table

    table = locations_table()
    return {
        str(code): str(int(n))
        for code, n in zip(table["code"], table["numeric"], strict=True)
        if isinstance(n, str) and n.isdigit()
    }
