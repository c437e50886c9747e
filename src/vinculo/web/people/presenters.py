"""Researchers as plain data for pages, the API and exports — the one place the contact
fields are redacted (:func:`vinculo.web.people.selectors.redact`)."""

from __future__ import annotations

from typing import Any

from vinculo.web.people.models import Researcher
from vinculo.web.people.selectors import redact
from vinculo.web.people.services import DiasporaSummary, verdict

__all__ = ["diaspora", "profile", "researcher", "shortlist_entry"]


def researcher(user: Any, r: Researcher) -> dict[str, Any]:
    return redact(
        user,
        {
            "id": r.pk,
            "name": r.name,
            "orcid": r.orcid,
            "openalex_id": r.openalex_id,
            "email": r.email,
            "topics": list(r.topics),
            "works_count": r.works_count,
            "cited_by_count": r.cited_by_count,
            "diaspora": r.diaspora,
            "hosts": list(r.hosts),
        },
    )


def shortlist_entry(user: Any, entry: Any) -> dict[str, Any]:
    """A shortlist entry (an opportunity's, a project's, an agreement's): the researcher
    (redacted for the user), the fit's score and reasons, the profile for a project's."""
    out = {
        "researcher": researcher(user, entry.researcher),
        "score": entry.score,
        "reasons": entry.reasons,
    }
    if hasattr(entry, "profile"):
        out["profile"] = entry.profile
    return out


def profile(user: Any, r: Researcher) -> dict[str, Any]:
    v = verdict(r)
    return researcher(user, r) | {
        "diaspora_reason": v.reason,
        "evidence": [
            {
                "fact": e.fact,
                "institution": e.affiliation.institution,
                "country": e.affiliation.country,
                "start": e.affiliation.start,
                "end": e.affiliation.end,
                "source": e.affiliation.source,
            }
            for e in v.evidence
        ],
        "affiliations": list(
            r.affiliations.values(
                "institution",
                "ror",
                "country",
                "start_year",
                "end_year",
                "kind",
                "current",
                "source",
            )
        ),
    }


def diaspora(
    user: Any, summary: DiasporaSummary, estimate: dict[str, Any] | None = None
) -> dict[str, Any]:
    from django.utils.translation import get_language

    from vinculo.strategy.i18n import country_name

    language = "en" if (get_language() or "es").startswith("en") else "es"
    return {
        "country": summary.country,
        "country_name": country_name(summary.country, language),
        "count": summary.count,
        "institutions": summary.institutions,
        "topics": summary.topics,
        "works": summary.works,
        "citations": summary.citations,
        "with_mexican_ties": summary.with_mexican_ties,
        "researchers": [researcher(user, r) for r in summary.researchers],
        "estimate": estimate,
        "priority": summary.priority,
        "by_priority": [
            {"id": pid, "name": _priority_name(pid), "count": n, "current": pid == summary.priority}
            for pid, n in summary.by_priority
        ],
    }


def _priority_name(priority_id: str) -> str:
    from django.utils.translation import get_language

    from vinculo.web.people.summaries import shipped_priorities

    language = "en" if (get_language() or "es").startswith("en") else "es"
    p = shipped_priorities().get(priority_id)
    return (p.name.get(language) or p.id) if p is not None else priority_id
