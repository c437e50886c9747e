"""What the forum pages and the dashboard panel show, built from the registry's records:
plain dictionaries, labels translated, countries named by the naming policy."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from vinculo.strategy.forums import Forum, PriorityCoverage, Source
from vinculo.web.forums.selectors import priority_names
from vinculo.web.insights.naming import country_label

_STATUS_LABELS = {
    "participating": _("Participating"),
    "observer": _("Observer"),
    "absent": _("Absent"),
    "unknown": _("Unknown (no public source found)"),
}
ROLE_LABELS = {
    "secretariat": _("Secretariat"),
    "chair": _("Chair"),
    "co-chair": _("Co-chair"),
    "vice-chair": _("Vice-chair"),
    "co-lead": _("Co-lead"),
    "convener": _("Convener"),
    "founder": _("Founder"),
}
_KIND_LABELS = {
    "standards-committee": _("Standards committee"),
    "intergovernmental-body": _("Intergovernmental body"),
    "technology-programme": _("Technology collaboration programme"),
    "ministerial-initiative": _("Ministerial initiative"),
    "regulatory-forum": _("Regulatory forum"),
    "research-network": _("Research network"),
}


def status_label(status: str) -> Any:
    return _STATUS_LABELS.get(status, status)


def priority_options(language: str) -> list[tuple[str, str]]:
    return list(priority_names(language).items())


def source_dict(source: Source | None) -> dict[str, str] | None:
    if source is None:
        return None
    return {
        "publisher": source.publisher,
        "title": source.title,
        "url": source.url,
        "date": source.date,
        "passage": source.passage,
    }


def forum_line(forum: Forum, language: str) -> dict[str, Any]:
    names = priority_names(language)
    return {
        "id": forum.id,
        "name": forum.name.get(language, forum.id),
        "body": forum.body,
        "kind": _KIND_LABELS.get(forum.kind, forum.kind),
        "priorities": [(p, names.get(p, p)) for p in forum.priorities],
        "status": forum.mexico.status,
        "status_label": status_label(forum.mexico.status),
        "leaders": sorted({lead.country for lead in forum.leads}),
    }


def forum_full(forum: Forum, language: str) -> dict[str, Any]:
    line = forum_line(forum, language)
    line.update(
        scope=forum.scope.get(language, ""),
        detail=forum.mexico.detail.get(language, ""),
        note=forum.mexico.note,
        source=source_dict(forum.mexico.source),
        leads=[
            {
                "country": lead.country,
                "country_name": country_label(lead.country, language),
                "role": ROLE_LABELS.get(lead.role, lead.role),
                "source": source_dict(lead.source),
            }
            for lead in forum.leads
        ],
    )
    return line


def coverage_line(row: PriorityCoverage, language: str) -> dict[str, Any]:
    names = priority_names(language)

    def entries(forums: tuple[Forum, ...]) -> list[dict[str, str]]:
        return [{"id": f.id, "name": f.name.get(language, f.id)} for f in forums]

    return {
        "priority": row.priority,
        "name": names.get(row.priority, row.priority),
        "participating": entries(row.participating),
        "observer": entries(row.observer),
        "absent": entries(row.absent),
        "unknown": entries(row.unknown),
        "seated": len(row.participating) + len(row.observer),
        "presence": None if row.presence is None else round(100 * row.presence),
        "gap_leaders": [(code, country_label(code, language)) for code in row.gap_leaders],
    }
