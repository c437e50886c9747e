"""Writes of the strategic projects and their milestones (administrators and planners)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vinculo.web.accounts.permissions import require_role
from vinculo.web.audit.services import audit_record, diff
from vinculo.web.registry.models import Agreement, Institution, Milestone, Project
from vinculo.web.registry.selectors import CENTRAL_ROLES, agreements_visible_to, priority_ids
from vinculo.web.registry.services._common import ids as _ids

__all__ = ["milestone_add", "milestone_set_done", "project_create", "project_update"]

_PROJECT_FIELDS = frozenset(
    {
        "name",
        "description",
        "priorities",
        "lead_institution",
        "partner_institutions",
        "budget_usd",
        "status",
        "agreements",
    }
)


def _check_project(actor: Any, project: Project, agreements: Sequence[Agreement] | None) -> None:
    errors: dict[str, list[Any]] = {}
    try:
        project.full_clean(validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    unknown = sorted(set(project.priorities) - set(priority_ids()))
    if unknown:
        errors.setdefault("priorities", []).append(
            _("Unknown priorities: %(keys)s.") % {"keys": ", ".join(unknown)}
        )
    if project.budget_usd is not None and project.budget_usd < 0:
        errors.setdefault("budget_usd", []).append(_("A budget cannot be negative."))
    if agreements:
        visible = set(
            agreements_visible_to(actor)
            .filter(pk__in=[a.pk for a in agreements])
            .values_list("pk", flat=True)
        )
        if any(a.pk not in visible for a in agreements):
            errors.setdefault("agreements", []).append(_("Unknown agreement."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def project_create(
    *,
    actor: Any,
    name: str,
    description: str = "",
    priorities: Sequence[str] = (),
    lead_institution: Institution | None = None,
    partner_institutions: Sequence[Institution] = (),
    budget_usd: Decimal | None = None,
    status: str = Project.Status.PLANNED,
    agreements: Sequence[Agreement] = (),
) -> Project:
    """Add a strategic project (administrators and planners)."""
    require_role(actor, CENTRAL_ROLES)
    project = Project(
        name=name,
        description=description,
        priorities=list(priorities),
        lead_institution=lead_institution,
        budget_usd=budget_usd,
        status=status,
    )
    _check_project(actor, project, agreements)
    project.save()
    project.partner_institutions.set(partner_institutions)
    project.agreements.set(agreements)
    values = {
        "name": name,
        "description": description,
        "priorities": list(priorities),
        "lead_institution": lead_institution,
        "partner_institutions": _ids(partner_institutions),
        "budget_usd": budget_usd,
        "status": status,
        "agreements": _ids(agreements),
    }
    audit_record(
        actor=actor,
        action="project.create",
        obj=project,
        changes={key: (None, value) for key, value in values.items()},
    )
    return project


@transaction.atomic
def project_update(*, actor: Any, project: Project, **changes: Any) -> Project:
    """Change some fields of a strategic project; only the differences are audited."""
    unknown = set(changes) - _PROJECT_FIELDS
    if unknown:
        raise TypeError(f"project_update: unknown field(s) {sorted(unknown)}")
    require_role(actor, CENTRAL_ROLES)
    values = dict(changes)
    relations = {
        key: values.pop(key) for key in ("partner_institutions", "agreements") if key in values
    }
    if "priorities" in values:
        values["priorities"] = list(values["priorities"])
    changed: dict[str, tuple[Any, Any]] = dict(diff(project, values))
    for key, value in values.items():
        setattr(project, key, value)
    _check_project(actor, project, relations.get("agreements"))
    for key, objects in relations.items():
        manager = getattr(project, key)
        before, after = _ids(manager.all()), _ids(objects)
        if before != after:
            manager.set(objects)
            changed[key] = (before, after)
    if changed:
        project.save()
        audit_record(actor=actor, action="project.update", obj=project, changes=changed)
    return project


@transaction.atomic
def milestone_add(
    *, actor: Any, project: Project, title: str, due_on: date | None = None
) -> Milestone:
    require_role(actor, CENTRAL_ROLES)
    milestone = Milestone(project=project, title=title, due_on=due_on)
    milestone.full_clean()
    milestone.save()
    audit_record(
        actor=actor,
        action="milestone.add",
        obj=milestone,
        changes={
            "project": (None, project.pk),
            "title": (None, title),
            "due_on": (None, due_on),
        },
    )
    return milestone


@transaction.atomic
def milestone_set_done(*, actor: Any, milestone: Milestone, done: bool) -> Milestone:
    require_role(actor, CENTRAL_ROLES)
    if milestone.done != done:
        before = milestone.done
        milestone.done = done
        milestone.save(update_fields=["done"])
        audit_record(
            actor=actor, action="milestone.done", obj=milestone, changes={"done": (before, done)}
        )
    return milestone
