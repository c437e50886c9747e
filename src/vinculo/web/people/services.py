"""Writes of the people app, each in a transaction with its audit entry; and the reads
computed from the library (:mod:`vinculo.strategy.people`): the diaspora per country and
the matching of an opportunity.

Audit entries never hold personal data: ids, counts and file names only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vinculo.evidence.countries import to_iso3
from vinculo.strategy import people as lib
from vinculo.web.accounts.permissions import require_role
from vinculo.web.audit.services import audit_record
from vinculo.web.people import summaries
from vinculo.web.people.models import (
    Affiliation,
    AgreementShortlistEntry,
    DiasporaCountry,
    MergeSuggestion,
    ProjectShortlistEntry,
    Researcher,
    ShortlistEntry,
)
from vinculo.web.people.selectors import ERASE_ROLES, MERGE_ROLES, PEOPLE_ROLES
from vinculo.web.pipeline.models import Opportunity

__all__ = [
    "DiasporaSummary",
    "ImportOutcome",
    "agreement_shortlist_add",
    "agreement_text",
    "diaspora_for",
    "diaspora_in",
    "iso3",
    "match_opportunity",
    "match_text",
    "matches_for",
    "merge_accept",
    "opportunity_text",
    "project_profiles",
    "project_shortlist_add",
    "project_text",
    "purge_expired",
    "rank_all",
    "researcher_erase",
    "save_records",
    "shortlist_add",
    "stored_diaspora",
    "to_library",
]


@cache
def iso3(code: str) -> str:
    """ISO3 from an ISO2 (or ISO3) code; ``""`` if unknown or empty."""
    code = (code or "").strip().upper()
    if not code:
        return ""
    scheme = "iso2" if len(code) == 2 else "iso3"
    value = to_iso3(pd.Series([code]), scheme).iloc[0]
    return "" if pd.isna(value) else str(value)


def to_library(researcher: Researcher) -> lib.Researcher:
    """The stored record as the library's, to apply the rule to."""
    return lib.Researcher(
        name=researcher.name,
        orcid=researcher.orcid,
        openalex_id=researcher.openalex_id,
        affiliations=tuple(
            lib.Affiliation(
                institution=a.institution,
                country=a.country or None,
                start=a.start_year,
                end=a.end_year,
                kind=a.kind,  # type: ignore[arg-type]
                current=a.current,
                ror=a.ror or None,
                source=a.source,
            )
            for a in researcher.affiliations.all()
        ),
        topics=tuple(researcher.topics),
        works=researcher.works_count,
        citations=researcher.cited_by_count,
    )


def verdict(researcher: Researcher) -> lib.Verdict:
    """The diaspora rule on the stored record (countries are ISO3 here)."""
    return lib.diaspora(to_library(researcher), home="MEX")


def _refresh(researcher: Researcher, names: tuple[str, ...] = ()) -> None:
    """Apply the rule again and add the keys of ``names`` (a source's name variants)."""
    v = verdict(researcher)
    researcher.diaspora = v.status
    researcher.diaspora_reason = v.reason
    researcher.hosts = list(v.hosts)
    researcher.priorities = summaries.priorities_of(researcher.topics)
    keys = {*researcher.name_keys, lib.name_key(researcher.name)}
    keys.update(lib.name_key(n) for n in names)
    researcher.name_keys = sorted(k for k in keys if k)
    researcher.name_key = lib.name_key(researcher.name)[:200]
    researcher.save()


@dataclass
class ImportOutcome:
    created: list[int] = field(default_factory=list)
    merged: list[tuple[int, str]] = field(default_factory=list)  # id, "orcid"/"openalex"
    suggestions: list[int] = field(default_factory=list)  # MergeSuggestion ids


def _affiliation_rows(researcher: Researcher, record: lib.Researcher) -> None:
    have = {
        (a.institution, a.country, a.start_year, a.end_year, a.kind)
        for a in researcher.affiliations.all()
    }
    for a in record.affiliations:
        country = iso3(a.country or "")
        key = (a.institution, country, a.start, a.end, a.kind)
        if key in have:
            continue
        have.add(key)
        Affiliation.objects.create(
            researcher=researcher,
            institution=a.institution[:300],
            ror=(a.ror or "")[:40],
            country=country,
            start_year=a.start,
            end_year=a.end,
            kind=a.kind,
            current=a.current,
            source=a.source[:255],
        )


def _institution_keys(researcher: Researcher) -> set[str]:
    keys = set()
    for ror, name in researcher.affiliations.values_list("ror", "institution"):
        if ror:
            keys.add(ror.rstrip("/").rsplit("/", 1)[-1].lower())
        keys.add(lib.name_key(name))
    return keys


def save_records(
    *, actor: Any, records: list[lib.Researcher], source: str, email: dict[int, str] | None = None
) -> ImportOutcome:
    """Store ``records`` (parsed by the library), merging by ORCID then OpenAlex id and
    suggesting (never doing) the name + institution merges. Planners and administrators
    only. One transaction; one audit entry without personal data."""
    require_role(actor, MERGE_ROLES)
    outcome = ImportOutcome()
    now = timezone.now()
    touched: set[int] = set()
    before: set[str] = set()
    with transaction.atomic():
        for n, record in enumerate(records):
            found = None
            how = ""
            if record.orcid:
                found = Researcher.objects.filter(orcid=record.orcid).first()
                how = "orcid"
            if found is None and record.openalex_id:
                found = Researcher.objects.filter(openalex_id=record.openalex_id).first()
                how = "openalex"
                if (
                    found is not None
                    and found.orcid
                    and record.orcid
                    and found.orcid != record.orcid
                ):
                    found = None  # the same OpenAlex id with another ORCID: not merged
            if found is None:
                found = Researcher.objects.create(
                    name=record.name[:200], orcid=record.orcid, openalex_id=record.openalex_id,
                    last_seen_at=now,
                )  # fmt: skip
                outcome.created.append(found.pk)
            else:
                outcome.merged.append((found.pk, how))
                if found.pk not in touched:
                    before |= summaries.countries_of([found.pk])
                found.orcid = found.orcid or record.orcid
                found.openalex_id = found.openalex_id or record.openalex_id
            found.topics = list(dict.fromkeys([*found.topics, *record.topics]))
            for name, value in (
                ("works_count", record.works),
                ("cited_by_count", record.citations),
            ):
                if value is not None:
                    setattr(found, name, max(value, getattr(found, name) or 0))
            if email and email.get(n):
                found.email = email[n]
            found.sources = list(dict.fromkeys([*found.sources, source]))
            found.last_seen_at = now
            _affiliation_rows(found, record)
            _refresh(found, (record.name, *record.alternatives))
            touched.add(found.pk)
        summaries.researchers_changed(touched, before)
        for pk in outcome.created:
            _suggest_merges(Researcher.objects.get(pk=pk), outcome)
        audit_record(
            actor=actor,
            action="researcher.import",
            obj=Researcher(pk=0),
            changes={
                "source": (None, source),
                "created": (None, len(outcome.created)),
                "merged": (None, len(outcome.merged)),
                "suggestions": (None, len(outcome.suggestions)),
            },
        )
    return outcome


def _suggest_merges(researcher: Researcher, outcome: ImportOutcome) -> None:
    """A pending suggestion for each other record with the same name key and a shared
    institution (ROR id or institution name key), unless both have an ORCID."""
    mine = _institution_keys(researcher)
    others = Researcher.objects.exclude(pk=researcher.pk).filter(name_key__in=researcher.name_keys)
    for other in others:
        if researcher.orcid and other.orcid:
            continue  # two ORCIDs: two people
        if not _institution_keys(other) & mine:
            continue
        pair = Q(researcher=other, candidate=researcher) | Q(researcher=researcher, candidate=other)
        if MergeSuggestion.objects.filter(pair).exists():
            continue
        suggestion = MergeSuggestion.objects.create(
            researcher=other, candidate=researcher, reason="same name and a shared institution"
        )
        outcome.suggestions.append(suggestion.pk)


def merge_accept(*, actor: Any, suggestion: MergeSuggestion) -> Researcher:
    """Accept a suggestion: one record's affiliations, topics and shortlist entries go to
    the other (the one with an identifier, else the older), which is kept; the first is
    deleted. Planners and administrators."""
    require_role(actor, MERGE_ROLES)
    with transaction.atomic():
        kept, gone = suggestion.researcher, suggestion.candidate
        # the record with an identifier (ORCID, then OpenAlex id), else the older, is kept
        rank = lambda r: (not r.orcid, not r.openalex_id, r.pk)  # noqa: E731
        kept, gone = sorted((kept, gone), key=rank)
        for attribute in ("orcid", "openalex_id"):
            x, y = getattr(kept, attribute), getattr(gone, attribute)
            if x and y and x != y:
                raise lib.PeopleError(f"{attribute}: different identifiers, not one person")
        identifiers = {"orcid": gone.orcid, "openalex_id": gone.openalex_id}
        gone_id = gone.pk
        before = summaries.countries_of([kept.pk]) | summaries.removing([gone.pk])
        gone.affiliations.update(researcher=kept)
        for entry in ShortlistEntry.objects.filter(researcher=gone):
            if ShortlistEntry.objects.filter(
                opportunity=entry.opportunity, researcher=kept
            ).exists():
                entry.delete()
            else:
                entry.researcher = kept
                entry.save()
        suggestion.status = MergeSuggestion.Status.ACCEPTED
        suggestion.decided_by = actor
        suggestion.decided_at = timezone.now()
        suggestion.save()
        gone.delete()
        kept.orcid = kept.orcid or identifiers["orcid"]
        kept.openalex_id = kept.openalex_id or identifiers["openalex_id"]
        kept.topics = list(dict.fromkeys([*kept.topics, *gone.topics]))
        kept.email = kept.email or gone.email
        kept.sources = list(dict.fromkeys([*kept.sources, *gone.sources]))
        _refresh(kept, (gone.name,))
        summaries.researchers_changed([kept.pk], before)
        audit_record(
            actor=actor, action="researcher.merge", obj=kept,
            changes={"merged": (gone_id, kept.pk)},
        )  # fmt: skip
    return kept


def researcher_erase(*, actor: Any, researcher: Researcher) -> int:
    """Remove a person everywhere (record, affiliations, suggestions, shortlist entries);
    the audit entry keeps the record's number and what was removed, no personal data.
    Administrators only."""
    require_role(actor, ERASE_ROLES)
    with transaction.atomic():
        pk = researcher.pk
        counts = {
            "affiliations": researcher.affiliations.count(),
            "shortlist_entries": ShortlistEntry.objects.filter(researcher=researcher).count(),
            "project_shortlist_entries": ProjectShortlistEntry.objects.filter(
                researcher=researcher
            ).count(),
            "agreement_shortlist_entries": AgreementShortlistEntry.objects.filter(
                researcher=researcher
            ).count(),
        }
        MergeSuggestion.objects.filter(candidate=researcher).delete()
        MergeSuggestion.objects.filter(researcher=researcher).delete()
        before = summaries.removing([pk])
        researcher.delete()
        summaries.refresh_countries(before)
        audit_record(
            actor=actor, action="researcher.erase", obj=Researcher(pk=pk),
            changes={k: (v, 0) for k, v in counts.items()},
        )  # fmt: skip
    return pk


def purge_expired(*, now: datetime | None = None, days: int | None = None) -> int:
    """Erase the researchers not seen (imported or confirmed) for ``days``
    (``RESEARCHER_RETENTION_DAYS``); one audit entry with the count."""
    now = now or timezone.now()
    days = settings.RESEARCHER_RETENTION_DAYS if days is None else days
    with transaction.atomic():
        expired = Researcher.objects.filter(last_seen_at__lt=now - timedelta(days=days))
        ids = list(expired.values_list("id", flat=True))
        MergeSuggestion.objects.filter(candidate__in=ids).delete()
        MergeSuggestion.objects.filter(researcher__in=ids).delete()
        before = summaries.removing(ids)
        Researcher.objects.filter(id__in=ids).delete()
        summaries.refresh_countries(before)
        if ids:
            audit_record(
                actor=None, action="researcher.purge", obj=Researcher(pk=0),
                changes={"erased": (len(ids), 0), "retention_days": (None, days)},
            )  # fmt: skip
    return len(ids)


# -- reads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DiasporaSummary:
    """The diaspora in one host country, within the user's scope."""

    country: str
    count: int
    institutions: list[tuple[str, int]]
    topics: list[tuple[str, int]]
    works: int
    citations: int
    with_mexican_ties: int  # with a past affiliation in Mexico (ties; not co-authorship)
    researchers: list[Researcher]
    #: (priority id, how many of the country's diaspora work on it), every priority
    by_priority: list[tuple[str, int]] = field(default_factory=list)
    priority: str = ""  # the priority the summary is limited to ("" for all)


def in_priority(researchers: list[Researcher], priority: Any) -> list[Researcher]:
    """The researchers with a topic that holds one of the priority's keywords whole, in
    any language (:func:`vinculo.strategy.people.priority_hits`)."""
    keywords = [w for ws in priority.keywords.values() for w in ws] or list(priority.name.values())
    return [r for r in researchers if lib.priority_hits(r.topics, keywords)]


def _summary(
    country: str,
    figures: dict[str, dict[str, Any]],
    listed: Any,
    *,
    top: int,
    priority: Any,
) -> DiasporaSummary:
    chosen = figures.get(priority.id if priority is not None else "") or {}
    ids = list(chosen.get("listed", ()))
    order = {pk: n for n, pk in enumerate(ids)}
    found = sorted(listed.filter(pk__in=ids), key=lambda r: order[r.pk]) if ids else []
    return DiasporaSummary(
        country=country,
        count=chosen.get("count", 0),
        institutions=[tuple(x) for x in chosen.get("institutions", ())][:top],
        topics=[tuple(x) for x in chosen.get("topics", ())][:top],
        works=chosen.get("works", 0),
        citations=chosen.get("citations", 0),
        with_mexican_ties=chosen.get("with_mexican_ties", 0),
        researchers=found,
        by_priority=[
            (pid, figures.get(pid, {}).get("count", 0)) for pid in summaries.priority_ids()
        ],
        priority=priority.id if priority is not None else "",
    )


def diaspora_in(
    researchers: Any, country: str, *, top: int = 10, priority: Any = None
) -> DiasporaSummary:
    """``researchers`` (already scoped) in the diaspora with a current affiliation in
    ``country`` (ISO3), computed from the profiles; with ``priority`` (a
    :class:`~vinculo.strategy.priorities.Priority`), only those whose topics fall in it.
    ``by_priority`` counts the country's diaspora in every priority of the shipped file
    either way. ``researchers`` lists the first :data:`summaries.LISTED` (most works)."""
    figures = summaries.diaspora_figures(researchers, country, top=max(top, 1))
    return _summary(country, figures, researchers, top=top, priority=priority)


def stored_diaspora(
    researchers: Any, country: str, *, top: int = 10, priority: Any = None
) -> DiasporaSummary:
    """The same as :func:`diaspora_in` over every profile, read from the stored rows
    (:class:`~vinculo.web.people.models.DiasporaCountry`); the listed researchers are
    fetched through ``researchers`` (the caller's scope, which must hold every
    researcher currently in ``country``)."""
    figures = {
        row.priority: {
            "count": row.count, "works": row.works, "citations": row.citations,
            "with_mexican_ties": row.with_mexican_ties, "institutions": row.institutions,
            "topics": row.topics, "listed": row.listed,
        }
        for row in DiasporaCountry.objects.filter(country=country)
    }  # fmt: skip
    return _summary(country, figures, researchers, top=top, priority=priority)


def diaspora_for(
    user: Any, country: str, *, top: int = 10, priority: Any = None
) -> DiasporaSummary:
    """The diaspora in ``country`` as ``user`` may see it: the stored figures when the
    user sees every researcher there (the central roles, an officer of a post in that
    country), else computed over the user's scope (researchers with a current
    affiliation both there and in one of the officer's host countries)."""
    from vinculo.web.people.panels import can_see_diaspora
    from vinculo.web.people.selectors import researchers_visible_to

    scope = researchers_visible_to(user)
    read = stored_diaspora if can_see_diaspora(user, country) else diaspora_in
    return read(scope, country, top=top, priority=priority)


def match_opportunity(
    researchers: Any, opportunity: Opportunity, *, top: int = 20
) -> list[dict[str, Any]]:
    """The researchers (already scoped) who fit the opportunity, best first, with the
    reasons: the shared words, the topics, works, current institutions, the verdict. The
    ranking is :func:`vinculo.strategy.people.rank_by_fit`'s with the IDF of every
    profile, computed in the database over the matching index
    (:func:`vinculo.web.people.summaries.top_matches`) at each call; the pages and the
    API read the kept rankings of :func:`matches_for`."""
    return match_text(researchers, opportunity_text(opportunity), top=top)


def match_text(researchers: Any, text: str, *, top: int = 20) -> list[dict[str, Any]]:
    """The researchers (already scoped) who fit ``text`` — a strategic project's name and
    description, an agreement's title and summary — ranked and explained as
    :func:`match_opportunity` does (computed at each call: not kept)."""
    ranked, idf = summaries.top_matches(text, researchers, top)
    return _with_reasons(researchers, text, ranked, idf)


def opportunity_text(opportunity: Any) -> str:
    return f"{opportunity.title}\n{opportunity.description}"


def project_text(project: Any) -> str:
    return f"{project.name}\n{project.description}"


def agreement_text(agreement: Any) -> str:
    return f"{agreement.title}\n{agreement.summary}"


def matches_for(user: Any, subject: str, text: str, *, top: int = 20) -> list[dict[str, Any]]:
    """The researchers in ``user``'s scope who fit ``text`` (the record ``subject``:
    ``"opportunity:12"``, ``"project:3"``, ``"agreement:7"``), ranked and explained as
    :func:`match_text` does, from the ranking kept for the record and the scope
    (:func:`vinculo.web.people.summaries.ranked_for`: computed at the first request,
    maintained through imports and erasures)."""
    from vinculo.web.people.selectors import scope_countries

    countries = scope_countries(user)  # the scope researchers_visible_to reads, once
    ranked, idf = summaries.ranked_for(subject, text, countries, top)
    return _with_reasons(summaries.in_countries(countries), text, ranked, idf)


#: The opportunities, projects and agreements whose rankings :func:`rank_all` computes.
OPEN_OPPORTUNITIES = ("submitted", "screening", "assessment", "negotiation", "agreed", "active")
OPEN_AGREEMENTS = ("draft", "negotiation", "signed", "in_force")
OPEN_PROJECTS = ("planned", "active", "paused")


def rank_all(progress: Any = None, *, top: int = 20) -> tuple[int, int]:
    """Compute the kept rankings of the open records ahead of their first view (the
    ``people_rank`` command, after ``people_refresh``): each open opportunity for the
    central roles and for the officers of its post (their scope: all their posts'
    countries), each open strategic project and agreement for the central roles.
    Only the rankings missing or whose text changed are computed (the rest are kept
    exact by the writes), so it can run often (cron). ``progress(done, total)`` is
    called as it goes; returns the rankings checked and those computed."""
    from vinculo.web.registry.models import Agreement, Project

    jobs: list[tuple[str, str, list[str] | None]] = []
    opportunities = Opportunity.objects.filter(status__in=OPEN_OPPORTUNITIES).select_related("post")
    for opportunity in opportunities.order_by("pk"):
        subject, text = f"opportunity:{opportunity.pk}", opportunity_text(opportunity)
        scopes: set[tuple[str, ...] | None] = {None}
        if opportunity.post_id:
            for officer in opportunity.post.officers.all():
                scopes.add(tuple(sorted(officer.posts.values_list("host_country_id", flat=True))))
        jobs.extend((subject, text, None if c is None else list(c)) for c in scopes)
    for project in Project.objects.filter(status__in=OPEN_PROJECTS).order_by("pk"):
        jobs.append((f"project:{project.pk}", project_text(project), None))
    for agreement in Agreement.objects.filter(status__in=OPEN_AGREEMENTS).order_by("pk"):
        jobs.append((f"agreement:{agreement.pk}", agreement_text(agreement), None))
    computed = 0
    for done, (subject, text, countries) in enumerate(jobs, start=1):
        if not summaries.is_kept(subject, text, countries, top):
            summaries.ranked_for(subject, text, countries, top)
            computed += 1
        if progress:
            progress(done, len(jobs))
    return len(jobs), computed


def _with_reasons(
    researchers: Any, text: str, ranked: list[tuple[int, float]], idf: dict[str, float]
) -> list[dict[str, Any]]:
    if not ranked:
        return []
    found = {r.pk: r for r in researchers.filter(pk__in=[pk for pk, _ in ranked])
             .prefetch_related("affiliations")}  # fmt: skip
    candidates = [found[pk] for pk, _ in ranked if pk in found]
    fits = {f.index: f for f in lib.rank_by_fit(text, [r.topics for r in candidates], idf=idf)}
    scores = dict(ranked)
    result = []
    for index, r in enumerate(candidates):
        fit = fits.get(index)
        if fit is None:
            continue
        current = [a for a in r.affiliations.all() if a.current]
        result.append(
            {
                "researcher": r,
                "score": round(scores[r.pk], 4),
                "reasons": {
                    "terms": list(fit.terms),
                    "topics": list(fit.topics),
                    "works": r.works_count,
                    "institutions": [a.institution for a in current],
                    "countries": sorted({a.country for a in current if a.country}),
                    "diaspora": r.diaspora,
                },
            }
        )
    return result


def project_profiles(project: Any) -> list[str]:
    """The specialist profiles ``project`` states it needs (the mobility app's needs)."""
    from django.apps import apps

    if not apps.is_installed("vinculo.web.mobility"):
        return []
    from vinculo.web.mobility.models import ProjectNeed

    return sorted(
        set(ProjectNeed.objects.filter(project=project).values_list("profile", flat=True))
    )


def project_shortlist_add(
    *, actor: Any, project: Any, researcher: Researcher, profile: str
) -> ProjectShortlistEntry:
    """Shortlist ``researcher`` for ``profile``, one of the specialist profiles ``project``
    needs (else :class:`~vinculo.strategy.people.PeopleError`), with the fit's score and
    reasons (recomputed). Planners and administrators: they own the projects."""
    require_role(actor, MERGE_ROLES)
    if profile not in project_profiles(project):
        raise lib.PeopleError(f"profile: {profile!r} is not a profile this project needs")
    return _shortlist(
        ProjectShortlistEntry, "project_shortlist.add", actor=actor, researcher=researcher,
        text=project_text(project), on={"project": project, "profile": profile},
    )  # fmt: skip


def agreement_shortlist_add(
    *, actor: Any, agreement: Any, researcher: Researcher
) -> AgreementShortlistEntry:
    """Shortlist ``researcher`` for ``agreement`` with the fit's score and reasons
    (recomputed: the client does not supply them). The caller checked the agreement
    (:func:`~vinculo.web.people.selectors.shortlist_agreement`) and the researcher
    (in the actor's scope)."""
    require_role(actor, PEOPLE_ROLES)
    return _shortlist(
        AgreementShortlistEntry, "agreement_shortlist.add", actor=actor, researcher=researcher,
        text=agreement_text(agreement), on={"agreement": agreement},
    )  # fmt: skip


def shortlist_add(
    *, actor: Any, opportunity: Opportunity, researcher: Researcher
) -> ShortlistEntry:
    """Save ``researcher`` on the opportunity's shortlist with the fit's score and reasons
    (recomputed: the client does not supply them)."""
    require_role(actor, PEOPLE_ROLES)
    return _shortlist(
        ShortlistEntry, "shortlist.add", actor=actor, researcher=researcher,
        text=opportunity_text(opportunity), on={"opportunity": opportunity},
    )  # fmt: skip


def _shortlist(
    model: Any,
    action: str,
    *,
    actor: Any,
    researcher: Researcher,
    text: str,
    on: dict[str, Any],
) -> Any:
    """Save (or update) ``researcher``'s entry of ``model`` for the record ``on`` (its
    first item; a project's also names the profile), with the fit to ``text``'s score and
    reasons, and an audit entry of ``action`` on the record."""
    record = next(iter(on.values()))
    with transaction.atomic():
        fits = match_text(Researcher.objects.filter(pk=researcher.pk), text)
        entry, _created = model.objects.update_or_create(
            researcher=researcher, **on,
            defaults={"score": fits[0]["score"] if fits else 0.0,
                      "reasons": fits[0]["reasons"] if fits else {}, "added_by": actor},
        )  # fmt: skip
        changes = {"researcher": (None, researcher.pk)}
        changes.update({k: (None, v) for k, v in on.items() if isinstance(v, str)})
        audit_record(actor=actor, action=action, obj=record, changes=changes)
    return entry


def migration_estimate(country: str, store: Any = None) -> dict[str, Any] | None:
    """Where no profiles exist: the country-level estimate from the scholar-migration
    flows (:func:`vinculo.strategy.talent.talent_with`), labelled an estimate — scholars
    who moved from Mexico to ``country`` and back, per period, not a count of people there
    now. None without an evidence store or without flows."""
    from vinculo.evidence.store import EvidenceStore
    from vinculo.strategy.talent import talent_with

    if store is None:
        from vinculo.web.insights.briefs import store_path

        path = store_path()
        if not path.exists():
            return None
        with EvidenceStore(path, read_only=True) as opened:
            return migration_estimate(country, opened)
    talent = talent_with(store, "MEX", country)
    if talent.migration.empty:
        return None
    rows = talent.migration.to_dict(orient="records")
    return {
        "kind": "estimate",
        "source": talent.vintages.get("scholar-migration", ""),
        "outflow": float(sum(r["outflow"] for r in rows)),
        "inflow": float(sum(r["inflow"] for r in rows)),
        "periods": [
            {k: (int(v) if k.startswith("period") else float(v)) for k, v in r.items()}
            for r in rows
        ],
    }


def diaspora_figures(country: str) -> Any:
    """The aggregates a post's brief shows of the diaspora in ``country`` (counts and
    institutions, no names; all profiles: the brief's readers are the post's officers and
    the planners): :class:`vinculo.strategy.brief.DiasporaFigures`."""
    from vinculo.strategy.brief import DiasporaFigures

    summary = stored_diaspora(Researcher.objects.all(), country, top=5)
    return DiasporaFigures(
        count=summary.count,
        by_priority=dict(summary.by_priority),
        institutions=tuple(summary.institutions),
    )


def diaspora_stamp(country: str) -> str:
    """What changes when the diaspora profiles in ``country`` change (for the brief's
    data version): their number and the newest import among them."""
    from django.db.models import Count, Max

    found = Researcher.objects.filter(
        diaspora=Researcher.Diaspora.DIASPORA,
        affiliations__current=True,
        affiliations__country=country,
    ).aggregate(n=Count("pk", distinct=True), newest=Max("last_seen_at"))
    return f"{found['n']}:{found['newest'].isoformat() if found['newest'] else ''}"
