"""Reference data from the evidence layer: countries (ISO 3166, CLDR names) and
institutions (the evidence store's ROR table)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from vinculo.evidence.countries import locations_table
from vinculo.strategy.i18n import country_name
from vinculo.web.accounts.permissions import ADMIN_ROLES, require_role
from vinculo.web.audit.models import AuditEvent
from vinculo.web.audit.services import audit_record, diff
from vinculo.web.registry.models import Country, Institution, search_key

__all__ = ["ImportSummary", "countries_sync", "institutions_import_from_store"]


@dataclass(frozen=True)
class ImportSummary:
    """What a synchronisation did, row by row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


def _audit_event(actor: Any, action: str, obj: Any, changes: dict[str, Any]) -> AuditEvent:
    """An unsaved audit event, for bulk writes of reference data (values already plain)."""
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        changes={key: [before, after] for key, (before, after) in changes.items()},
    )


@transaction.atomic
def countries_sync(*, actor: Any = None) -> ImportSummary:
    """Create or rename the countries (ISO 3166 alpha-3, kind ``country`` of
    :func:`vinculo.evidence.countries.locations_table`), named in Spanish and English by
    CLDR. ``actor`` None is the system (a command); a user must be an administrator."""
    if actor is not None:
        require_role(actor, ADMIN_ROLES)
    table = locations_table()
    codes = table.loc[table["kind"] == "country", "code"].tolist()
    existing = {country.code: country for country in Country.objects.all()}
    created = updated = unchanged = 0
    for code in codes:
        names = {"name_es": country_name(code, "es"), "name_en": country_name(code, "en")}
        country = existing.get(code)
        if country is None:
            country = Country.objects.create(code=code, **names)
            audit_record(
                actor=actor,
                action="country.sync",
                obj=country,
                changes={key: (None, value) for key, value in names.items()},
            )
            created += 1
            continue
        changes = diff(country, names)
        if not changes:
            unchanged += 1
            continue
        for key, value in names.items():
            setattr(country, key, value)
        country.save()
        audit_record(actor=actor, action="country.sync", obj=country, changes=changes)
        updated += 1
    return ImportSummary(created=created, updated=updated, unchanged=unchanged)


def _strings(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value if item is not None and item != ""]


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


@transaction.atomic
def institutions_import_from_store(*, store: Any, actor: Any = None) -> ImportSummary:
    """Create or update institutions from the evidence store's ``institutions`` table
    (:class:`vinculo.evidence.store.EvidenceStore`), matched by ROR id: importing the same
    table twice changes nothing. Withdrawn ROR records and unknown country codes are
    skipped; missing countries are created first (:func:`countries_sync`). One audit
    record per created or changed institution."""
    if actor is not None:
        require_role(actor, ADMIN_ROLES)
    rows = store.rows("institutions")
    if "status" in rows.columns:
        rows = rows[rows["status"].fillna("active") != "withdrawn"]
    rows = rows.drop_duplicates("ror_id", keep="last")
    skipped = 0
    countries = set(Country.objects.values_list("code", flat=True))
    if not set(rows["country"]) <= countries:
        countries_sync(actor=actor)
        countries = set(Country.objects.values_list("code", flat=True))
    existing = {
        institution.ror_id: institution
        for institution in Institution.objects.filter(ror_id__in=rows["ror_id"].tolist())
    }
    fields = ("name", "country_id", "city", "types", "aliases")
    new: list[Institution] = []
    changed: list[tuple[Institution, dict[str, tuple[Any, Any]]]] = []
    unchanged = 0
    for row in rows.itertuples(index=False):
        if row.country not in countries:
            skipped += 1
            continue
        values = {
            "name": _text(row.name),
            "country_id": row.country,
            "city": _text(getattr(row, "city", "")),
            "types": _strings(row.types),
            "aliases": _strings(row.aliases),
        }
        institution = existing.get(row.ror_id)
        if institution is None:
            institution = Institution(ror_id=row.ror_id, **values)
            institution.search_text = search_key(institution.name, *institution.aliases)
            new.append(institution)
            continue
        changes = diff(institution, values)
        if not changes:
            unchanged += 1
            continue
        for key, value in values.items():
            setattr(institution, key, value)
        institution.search_text = search_key(institution.name, *institution.aliases)
        changed.append((institution, changes))
    # bulk writes: a full ROR dump is ~100,000 institutions (save() per row takes minutes)
    Institution.objects.bulk_create(new, batch_size=1000)
    Institution.objects.bulk_update(
        [institution for institution, _changes in changed],
        [*fields, "search_text"],
        batch_size=1000,
    )
    events = [
        _audit_event(
            actor,
            "institution.import",
            institution,
            {"ror_id": (None, institution.ror_id)}
            | {key: (None, getattr(institution, key)) for key in fields},
        )
        for institution in new
    ]
    events += [
        _audit_event(actor, "institution.import", institution, changes)
        for institution, changes in changed
    ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return ImportSummary(
        created=len(new), updated=len(changed), unchanged=unchanged, skipped=skipped
    )
