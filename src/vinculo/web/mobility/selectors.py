"""Reads of the mobility app, scoped by the user's role and posts.

Who sees what: officers see the programmes of the agreements they see
(``registry.selectors.agreements_visible_to``) and the records of those programmes or of
their posts; every other role sees them all. The person fields (``person_name``,
``person_reference``) are for planners and administrators only (:func:`can_see_person`):
empty for the others in pages, API and exports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from vinculo.web.accounts.models import Role
from vinculo.web.mobility.models import MobilityRecord, Programme
from vinculo.web.registry.selectors import agreements_visible_to, user_post_ids

__all__ = [
    "PERSON_ROLES",
    "Flow",
    "can_see_person",
    "flows",
    "programmes_due",
    "programmes_visible_to",
    "record_row",
    "records_visible_to",
    "researchers_matched",
    "talent_flows",
]

#: who sees a mobility record's person fields
PERSON_ROLES = frozenset({Role.PLANNER, Role.ADMINISTRATOR})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def can_see_person(user: Any) -> bool:
    return _active(user) and user.role in PERSON_ROLES


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    programmes = Programme.objects.select_related("agreement", "agreement__partner_country")
    if not _active(user):
        return programmes.none()
    return programmes.filter(agreement__in=agreements_visible_to(user))


def records_visible_to(user: Any) -> QuerySet[MobilityRecord]:
    records = MobilityRecord.objects.select_related(
        "partner_country", "programme", "from_institution", "to_institution", "post"
    )
    if not _active(user):
        return records.none()
    if user.role == Role.OFFICER:
        return records.filter(
            Q(programme__in=programmes_visible_to(user)) | Q(post_id__in=user_post_ids(user))
        )
    return records


def programme_get_for_user(user: Any, programme_id: int) -> Programme:
    try:
        return programmes_visible_to(user).get(pk=programme_id)
    except Programme.DoesNotExist:
        raise Http404("No such programme") from None


def programmes_due(today: date, programmes: QuerySet[Programme]) -> list[Programme]:
    """Programmes ending within their renewal notice (``ends_on - renewal_notice_days <=
    today``), the agreements' rule (``registry.selectors.renewals_due``); those ended
    less than a year ago are included too (a programme that lapsed unnoticed). Soonest
    first."""
    due = [
        p
        for p in programmes.filter(ends_on__isnull=False, ends_on__gte=today - timedelta(365))
        if p.ends_on is not None and p.ends_on - timedelta(days=p.renewal_notice_days) <= today
    ]
    return sorted(due, key=lambda p: (p.ends_on, p.pk))


@dataclass
class Flow:
    """The stays with one partner in one priority ("" = no priority): started per year,
    in and out; ``balance`` = in - out (positive: the partner sends more than it gets)."""

    partner: str
    priority: str
    incoming: int = 0
    outgoing: int = 0
    years: dict[int, list[int]] = field(default_factory=dict)  # year: [in, out]

    @property
    def balance(self) -> int:
        return self.incoming - self.outgoing


def flows(records: QuerySet[MobilityRecord]) -> list[Flow]:
    """The flows per partner country and priority, largest first (by in + out)."""
    found: dict[tuple[str, str], Flow] = {}
    years: dict[tuple[str, str], dict[int, list[int]]] = defaultdict(dict)
    for partner, priority, direction, starts_on in records.values_list(
        "partner_country_id", "priority", "direction", "starts_on"
    ):
        key = (partner, priority)
        flow = found.setdefault(key, Flow(partner, priority))
        counts = years[key].setdefault(starts_on.year, [0, 0])
        if direction == MobilityRecord.Direction.IN:
            flow.incoming += 1
            counts[0] += 1
        else:
            flow.outgoing += 1
            counts[1] += 1
    for key, flow in found.items():
        flow.years = dict(sorted(years[key].items()))
    return sorted(found.values(), key=lambda f: (-(f.incoming + f.outgoing), f.partner, f.priority))


def record_row(user: Any, record: MobilityRecord) -> dict[str, Any]:
    """A record as the API and the exports give it: the person fields empty for roles
    below planner."""
    person = can_see_person(user)
    return {
        "id": record.pk,
        "person_name": record.person_name if person else "",
        "person_reference": record.person_reference if person else "",
        "direction": record.direction,
        "partner_country": record.partner_country_id,
        "from_institution": record.from_institution.ror_id if record.from_institution else "",
        "to_institution": record.to_institution.ror_id if record.to_institution else "",
        "programme": record.programme_id,
        "post": record.post_id,
        "starts_on": record.starts_on.isoformat(),
        "ends_on": record.ends_on.isoformat() if record.ends_on else "",
        "field": record.field,
        "priority": record.priority,
        "funding": record.funding,
    }


# ---------------------------------------------------------------- human capital (3:2:3)
def researchers_matched(project: Any) -> dict[tuple[str, str], int]:
    """The researchers matched to ``project`` per (project name, profile): those a planner
    shortlisted for one of its specialist profiles (the people app's project shortlist,
    from the matching of the project's text); none where that app is not installed."""
    from django.apps import apps
    from django.db.models import Count

    if not apps.is_installed("vinculo.web.people"):
        return {}
    from vinculo.web.people.models import ProjectShortlistEntry

    counted = (
        ProjectShortlistEntry.objects.filter(project=project)
        .values("profile")
        .annotate(n=Count("id"))
        .values_list("profile", "n")
    )
    return {(project.name, profile): n for profile, n in counted}


def project_gaps(project: Any) -> list[Any]:
    """The project's specialist gap per profile and year (``strategy.training.gaps``), with
    the training programmes and partner countries that could close it."""
    from vinculo.strategy.training import Cohort, Need, default_models, gaps
    from vinculo.web.mobility.models import TrainingCohort

    models_ = default_models()
    needs = [
        Need(project.name, n.profile, n.year, n.specialists) for n in project.specialist_needs.all()
    ]
    if not needs:
        return []
    cohorts = []
    for cohort in (
        TrainingCohort.objects.filter(
            programme__projects=project, programme__model__in=list(models_)
        )
        .select_related("programme")
        .prefetch_related("programme__institutions")
    ):
        programme = cohort.programme
        model = models_[programme.model]
        partners = tuple(
            sorted({i.country_id for i in programme.institutions.all() if i.country_id != "MEX"})
        )
        cohorts.append(
            Cohort(
                programme=programme.name, model=model, start_year=cohort.start_year,
                enrolled=cohort.enrolled, completion_rate=cohort.completion_rate,
                ready=cohort.graduates_by_stage.get(model.ready_after),
                profile=programme.profile, partner_countries=partners,
            )
        )  # fmt: skip
    return gaps(needs, cohorts, matched=researchers_matched(project))


def capital_summary(user: Any, limit: int = 10) -> list[dict[str, Any]]:
    """For the dashboard: the open specialist gaps of the projects the user sees, soonest
    first (project, profile, year, gap, needed). Two queries whatever the numbers of
    projects and cohorts (the needs; the cohorts of their projects), one without needs."""
    from vinculo.strategy.training import Cohort, Need, default_models, gaps
    from vinculo.web.mobility.models import ProjectNeed, TrainingCohort
    from vinculo.web.registry.selectors import projects_visible_to

    needs = list(
        ProjectNeed.objects.filter(project__in=projects_visible_to(user)).select_related("project")
    )
    if not needs:
        return []
    models_ = default_models()
    by_project: dict[int, list[Cohort]] = defaultdict(list)
    for row in TrainingCohort.objects.filter(
        programme__projects__in={n.project_id for n in needs}, programme__model__in=list(models_)
    ).values("programme__name", "programme__model", "programme__profile", "programme__projects",
             "start_year", "enrolled", "completion_rate", "graduates_by_stage"):  # fmt: skip
        model = models_[row["programme__model"]]
        by_project[row["programme__projects"]].append(
            Cohort(
                programme=row["programme__name"], model=model, start_year=row["start_year"],
                enrolled=row["enrolled"], completion_rate=row["completion_rate"],
                ready=(row["graduates_by_stage"] or {}).get(model.ready_after),
                profile=row["programme__profile"],
            )
        )  # fmt: skip
    projects = {n.project_id: n.project for n in needs}
    rows = []
    for project_id, project in projects.items():
        own = [Need(project.name, n.profile, n.year, n.specialists)
               for n in needs if n.project_id == project_id]  # fmt: skip
        for gap in gaps(own, by_project[project_id], matched=researchers_matched(project)):
            if gap.gap > 0:
                rows.append({"project": project, "profile": gap.profile, "year": gap.year,
                             "gap": gap.gap, "needed": gap.needed})  # fmt: skip
    return sorted(rows, key=lambda r: (r["year"], -r["gap"], r["project"].name))[:limit]


def talent_flows(country: str) -> dict[str, Any] | None:
    """The evidence store's talent flows with ``country`` (``strategy.talent``), or None
    when the store is missing or does not hold those sources."""
    from vinculo.evidence.store import EvidenceError, EvidenceStore
    from vinculo.strategy.talent import talent_with
    from vinculo.web.insights.briefs import store_path

    path = store_path()
    if not path.exists():
        return None
    try:
        with EvidenceStore(path, read_only=True) as store:
            found = talent_with(store, "MEX", country, top=10)
    except EvidenceError:
        return None
    if found.empty:
        return None
    return found.as_dict()
