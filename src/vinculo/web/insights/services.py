"""Computing the insight snapshot from the evidence store with the strategy engine; the
writes of a post's own brief sections (a new version each save) and of the curated host
institutions (audited), each in one transaction."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vinculo.evidence.countries import locations_table
from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.capability import COMPONENTS, CapabilityModel
from vinculo.strategy.chain import stage_table, value_chain
from vinculo.strategy.i18n import country_name
from vinculo.strategy.partners import FACTORS, co_authorship_with, recommend
from vinculo.strategy.priorities import Priorities, default_priorities
from vinculo.web.audit.services import audit_record, diff
from vinculo.web.insights.models import HostInstitution, PostSectionVersion, Snapshot
from vinculo.web.insights.notify import posts_changed, posts_in_country
from vinculo.web.insights.selectors import can_write_host_institutions, can_write_sections
from vinculo.web.registry.models import Country, Post
from vinculo.web.registry.selectors import priority_ids

_TOP_PARTNERS = 30
_NETWORK = 25
_HEAT_PARTNERS = 9  # the heat map of a priority: the home country and its top partners


def store_fingerprint(store: EvidenceStore) -> str:
    """A hash of the datasets in the store: a new import means a new snapshot."""
    datasets = store.datasets()[["dataset_id", "file_sha256", "vintage"]]
    text = json.dumps(datasets.astype(str).values.tolist())
    return hashlib.sha256(text.encode()).hexdigest()


def _cache(store_path: Path) -> Path:
    """The strategy engine's cache beside the evidence store (as the CLI keeps it)."""
    return store_path.parent / "cache" / "strategy"


def _names(code: str) -> dict[str, str]:
    return {language: country_name(code, language) for language in ("es", "en")}


def _payload(model: CapabilityModel, priorities: Priorities) -> dict[str, Any]:
    home = priorities.home
    gaps = model.gaps()
    heat = (
        gaps.groupby(["priority", "component"])[["score", "gap"]].mean().reset_index()
        if not gaps.empty
        else gaps
    )
    locations = set(
        locations_table().query("kind == 'country'")["code"]
    )  # aggregates (WLD) are not partners
    numeric = {
        str(code): str(int(n))
        for code, n in zip(locations_table()["code"], locations_table()["numeric"], strict=True)
        if isinstance(n, str) and n.isdigit()
    }
    partners: dict[str, Any] = {}
    chains: dict[str, Any] = {}
    for priority in priorities.priorities:
        chain = stage_table(model, priority.id)
        try:
            found = recommend(model, priority.id, chain=chain)
        except LookupError:
            found = []
        partners[priority.id] = {
            "scores": {r.partner: round(r.score, 4) for r in found},
            "candidates": len(found),
            "ranked": [
                {
                    "partner": r.partner,
                    "names": _names(r.partner),
                    "rank": r.rank,
                    "score": r.score,
                    "contributions": r.contributions,
                    "rank_range": list(r.rank_range),
                    "stable": r.stable,
                    "reasons": {lang: r.reasons_text(lang) for lang in ("es", "en")},
                    "offers": {lang: r.offers_text(lang) for lang in ("es", "en")},
                    "reasons_structured": r.structured(),
                    "offers_structured": r.structured_offers(),
                }
                for r in found
            ],
        }
        partners[priority.id]["top"] = partners[priority.id]["ranked"][:_TOP_PARTNERS]
        if priority.chain and not chain.empty:
            view = value_chain(model, priority.id)
            chains[priority.id] = {
                "gap_stage": view.gap_stage,
                "next_step": view.next_step,
                "stages": [
                    {
                        "id": s.stage.id,
                        "names": s.stage.name,
                        "rca": s.rca,
                        "world_share": s.world_share,
                        "score": s.score,
                        "leaders": s.leaders["country"].tolist(),
                        "year": s.year,
                        "classification": s.classification,
                        "vintage": s.vintage,
                        "resources": json.loads(s.resources.to_json(orient="records")),
                    }
                    for s in view.stages
                ],
            }
    scores = model.scores()
    heat_countries: dict[str, Any] = {}
    for priority in priorities.priorities:
        countries = [home] + [
            row["partner"] for row in partners[priority.id]["ranked"][:_HEAT_PARTNERS]
        ]
        rows = scores[(scores["priority"] == priority.id) & scores["country"].isin(countries)]
        heat_countries[priority.id] = {
            "countries": countries,
            "cells": [
                [str(row.country), str(row.component), round(float(row.score), 1)]
                for row in rows.itertuples()
                if row.score == row.score  # not NaN
            ],
        }
    series = co_authorship_with(model, home)
    coauthorship = {
        str(partner): [[int(y), float(w)] for y, w in zip(g["year"], g["works"], strict=True)]
        for partner, g in series.groupby("partner")
    }
    last = series.sort_values("year").groupby("partner").tail(1)
    network = [
        {
            "partner": str(row.partner),
            "names": _names(str(row.partner)),
            "works": float(row.works),
            "year": int(row.year),
            "vintage": f"{row.source} {row.vintage}",
        }
        for row in last.itertuples()
        if str(row.partner) in locations
    ]
    network.sort(key=lambda row: (-row["works"], row["partner"]))
    return {
        "home": home,
        "home_names": _names(home),
        "title": priorities.title,
        "priorities": [
            {"id": p.id, "names": p.name, "chain": bool(p.chain)} for p in priorities.priorities
        ],
        "components": list(COMPONENTS),
        "factors": list(FACTORS),
        "gaps": json.loads(gaps.to_json(orient="records")),
        "absent": {p.id: model.absent(p.id) for p in priorities.priorities},
        "heat": json.loads(heat.to_json(orient="records")),
        # per priority: its components' scores for the home country and its top partners
        "heat_countries": heat_countries,
        "partners": partners,
        "chains": chains,
        "network": network[:_NETWORK],
        "coauthorship": coauthorship,
        "coauthorship_vintage": network[0]["vintage"] if network else "",
        "iso_numeric": numeric,
        "datasets": json.loads(
            model.store.datasets()[["canonical_table", "source", "name", "vintage", "row_count"]]
            .astype(str)
            .to_json(orient="records")
        ),
        "snapshot_builds": _snapshot_builds(model),
    }


def _snapshot_builds(model: CapabilityModel) -> list[dict[str, Any]]:
    """The OpenAlex works snapshot builds loaded in the store (vinculo.evidence.snapshot),
    newest first: vintage, engine, snapshot date, partitions and files read, works kept,
    merged ids dropped, and the tables with their rows."""
    found = model.store.execute(
        "SELECT d.vintage, d.canonical_table, d.row_count, b.engine, b.snapshot_date, "
        "b.provenance FROM snapshot_builds b JOIN datasets d USING (dataset_id) "
        "ORDER BY d.dataset_id DESC"
    )
    builds: dict[str, dict[str, Any]] = {}
    for row in found.itertuples(index=False):
        provenance = json.loads(str(row.provenance))
        stats = provenance.get("stats", {})
        build = builds.setdefault(
            str(row.vintage),
            {
                "vintage": str(row.vintage),
                "engine": str(row.engine),
                "snapshot_date": str(row.snapshot_date),
                "partitions": len(provenance.get("partitions", [])),
                "files": int(provenance.get("files", 0)),
                "works_kept": int(stats.get("works_kept", 0)),
                "merged_dropped": int(stats.get("merged_dropped", 0)),
                "tables": [],
            },
        )
        build["tables"].append({"table": str(row.canonical_table), "rows": int(row.row_count)})
    return list(builds.values())


def insights_refresh(
    *, store_path: Path, priorities: Priorities | None = None, force: bool = False
) -> Snapshot:
    """The snapshot of the evidence in ``store_path`` (computed unless it exists)."""
    priorities = priorities or default_priorities()
    with EvidenceStore(store_path, read_only=True) as store:
        fingerprint = store_fingerprint(store)
        existing = Snapshot.objects.filter(home=priorities.home, fingerprint=fingerprint).first()
        if existing is not None and not force:
            return existing
        start = time.perf_counter()
        model = CapabilityModel(store, priorities, cache_folder=_cache(store_path))
        model.require()
        payload = _payload(model, priorities)
        seconds = time.perf_counter() - start
    from vinculo.web.insights.briefs import queue_every_post
    from vinculo.web.insights.briefs import store_path as brief_store

    with transaction.atomic():
        Snapshot.objects.filter(home=priorities.home, fingerprint=fingerprint).delete()
        snapshot = Snapshot.objects.create(
            home=priorities.home, fingerprint=fingerprint, payload=payload, seconds=seconds
        )
        if store_path.resolve() == brief_store().resolve():
            queue_every_post()  # new evidence: every post's brief is to be prepared again
    return snapshot


# ---------------------------------------------------------------- a post's brief sections
#: the longest entry text and status (a line of the brief, not a document)
ENTRY_TEXT_MAX = 500
ENTRY_STATUS_MAX = 100


def _entries(section: str, entries: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The entries as stored (text and status stripped, the date as ISO text), checked."""
    cleaned: list[dict[str, Any]] = []
    errors: list[Any] = []
    for position, entry in enumerate(entries, start=1):
        text = str(entry.get("text") or "").strip()
        status = str(entry.get("status") or "").strip()
        when = entry.get("date")
        if isinstance(when, str):
            try:
                when = date.fromisoformat(when) if when else None
            except ValueError:
                errors.append(_("Entry %(n)s: the date is not a date.") % {"n": position})
                continue
        if not text:
            errors.append(_("Entry %(n)s: write its text.") % {"n": position})
        elif len(text) > ENTRY_TEXT_MAX or len(status) > ENTRY_STATUS_MAX:
            errors.append(_("Entry %(n)s is too long.") % {"n": position})
        if section == PostSectionVersion.Section.AGENDA and when is None:
            errors.append(_("Entry %(n)s: give the date of the event.") % {"n": position})
        cleaned.append({"text": text, "date": when.isoformat() if when else None, "status": status})
    if errors:
        raise ValidationError({"entries": errors})
    return cleaned


@transaction.atomic
def section_save(
    *,
    actor: Any,
    post: Post,
    section: str,
    based_on: int,
    text: str = "",
    entries: Sequence[Mapping[str, Any]] = (),
) -> PostSectionVersion | None:
    """Save a section of the post's brief as its next version (``None`` when it is the same
    as the latest: nothing to save). ``text`` is the legal framework's; ``entries`` (text,
    date, status) the counterparts' or the agenda's (where each needs a date).

    ``based_on`` is the number of the version the user edited (0: none): when someone
    saved another since, nothing is written (ValidationError) so that neither overwrites
    the other unseen. Raises PermissionDenied unless the actor writes the post's sections.
    After the commit, ``post_data_changed`` is sent for the post.
    """
    if not can_write_sections(actor, post):
        raise PermissionDenied
    if section not in PostSectionVersion.Section.values:
        raise ValidationError({"section": [_("Unknown section.")]})
    Post.objects.select_for_update().filter(pk=post.pk).first()  # one save at a time
    latest = (
        PostSectionVersion.objects.filter(post=post, section=section).order_by("-number").first()
    )
    number = latest.number if latest else 0
    if based_on != number:
        raise ValidationError(
            _(
                "Someone saved a newer version (%(number)s) while you were editing: nothing "
                "was saved. Your text is still here; compare it with the newer version and "
                "save again."
            )
            % {"number": number},
            code="stale",
        )
    if section == PostSectionVersion.Section.LEGAL:
        text, stored = text.strip(), []
    else:
        text, stored = "", _entries(section, entries)
    if latest is not None and latest.text == text and latest.entries == stored:
        return None
    version = PostSectionVersion.objects.create(
        post=post, section=section, number=number + 1, text=text, entries=stored, author=actor
    )
    before = {"text": latest.text, "entries": latest.entries} if latest else {}
    audit_record(
        actor=actor,
        action="post_section.save",
        obj=version,
        changes={
            "section": (None, section),
            "number": (number or None, number + 1),
            "text": (before.get("text"), text),
            "entries": (before.get("entries"), stored),
        },
    )
    posts_changed(PostSectionVersion, [post.pk])
    return version


# ---------------------------------------------------------------- host institutions
_HOST_FIELDS = (
    "priority",
    "kind",
    "name",
    "acronym",
    "city",
    "institution",
    "source_publisher",
    "source_title",
    "source_url",
    "source_date",
)


def _check_host(row: HostInstitution) -> None:
    errors: dict[str, list[Any]] = {}
    try:
        row.full_clean(exclude=["created_by"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if row.priority and row.priority not in priority_ids():
        errors.setdefault("priority", []).append(_("Unknown priority."))
    if row.source_url and not row.source_url.lower().startswith(("https://", "http://")):
        errors.setdefault("source_url", []).append(_("Give a web address (https://…)."))
    if errors:
        raise ValidationError(errors)


def _host_values(row: HostInstitution) -> dict[str, Any]:
    return {name: getattr(row, name) for name in _HOST_FIELDS}


@transaction.atomic
def host_institution_create(*, actor: Any, country: Country, **values: Any) -> HostInstitution:
    """Add an institution to the curated list of ``country`` (``values``: the fields of
    :class:`HostInstitution`; the source is required). After the commit,
    ``post_data_changed`` is sent for every post in the country."""
    unknown = set(values) - set(_HOST_FIELDS)
    if unknown:
        raise TypeError(f"host_institution_create: unknown field(s) {sorted(unknown)}")
    if not can_write_host_institutions(actor, country.code):
        raise PermissionDenied
    row = HostInstitution(country=country, created_by=actor, **_stripped(values))
    _check_host(row)
    row.save()
    audit_record(
        actor=actor,
        action="host_institution.create",
        obj=row,
        changes={"country": (None, country.code)}
        | {name: (None, value) for name, value in _host_values(row).items()},
    )
    posts_changed(HostInstitution, posts_in_country(country.code))
    return row


@transaction.atomic
def host_institution_update(
    *, actor: Any, host_institution: HostInstitution, **changes: Any
) -> HostInstitution:
    """Change a curated institution; only what differs is saved and audited."""
    unknown = set(changes) - set(_HOST_FIELDS)
    if unknown:
        raise TypeError(f"host_institution_update: unknown field(s) {sorted(unknown)}")
    if not can_write_host_institutions(actor, host_institution.country_id):
        raise PermissionDenied
    values = _stripped(changes)
    changed = diff(host_institution, values)
    for name, value in values.items():
        setattr(host_institution, name, value)
    _check_host(host_institution)
    if changed:
        host_institution.save()
        audit_record(
            actor=actor, action="host_institution.update", obj=host_institution, changes=changed
        )
        posts_changed(HostInstitution, posts_in_country(host_institution.country_id))
    return host_institution


@transaction.atomic
def host_institution_remove(*, actor: Any, host_institution: HostInstitution) -> None:
    """Take an institution off the curated list; the audit trail keeps every field."""
    if not can_write_host_institutions(actor, host_institution.country_id):
        raise PermissionDenied
    code = host_institution.country_id
    audit_record(
        actor=actor,
        action="host_institution.remove",
        obj=host_institution,
        changes={"country": (code, None)}
        | {name: (value, None) for name, value in _host_values(host_institution).items()},
    )
    host_institution.delete()
    posts_changed(HostInstitution, posts_in_country(code))


def _stripped(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
