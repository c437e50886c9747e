"""Mobility: the programmes the agreements create (scholarships, exchanges, visiting
positions, joint degrees) and the people who moved through them, kept minimal.

A :class:`MobilityRecord` is one stay: a direction (``out``: a person from Mexico goes to
the partner; ``in``: a person from the partner comes to Mexico), where from and where to
(institution and country), when, in what field and priority, with what funding. The person
is a reference, not a profile: ``person_name`` is optional and ``person_reference`` is the
programme's own code for the stay; both are shown and exported only to planners and
administrators (``selectors.can_see_person``)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vinculo.web.registry.models import Agreement, Country, Institution, Post


class Programme(models.Model):
    class Kind(models.TextChoices):
        SCHOLARSHIP = "scholarship", _("Scholarship")
        EXCHANGE = "exchange", _("Exchange")
        VISITING = "visiting", _("Visiting position")
        JOINT_DEGREE = "joint_degree", _("Joint degree")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="programmes",
        verbose_name=_("agreement"),
    )  # fmt: skip
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    renewal_notice_days = models.PositiveIntegerField(_("renewal alert (days)"), default=90)
    seats_per_year = models.PositiveIntegerField(_("places per year"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class MobilityRecord(models.Model):
    class Direction(models.TextChoices):
        OUT = "out", _("Outgoing (from Mexico)")
        IN = "in", _("Incoming (to Mexico)")

    class Funding(models.TextChoices):
        HOME = "home", _("Mexican funding")
        PARTNER = "partner", _("Partner's funding")
        JOINT = "joint", _("Joint funding")
        OTHER = "other", _("Other or none")

    # the person, minimal: an optional name and the programme's own reference
    person_name = models.CharField(_("person's name"), max_length=200, blank=True)
    person_reference = models.CharField(_("person's reference"), max_length=100, blank=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    partner_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="mobility_records",
        verbose_name=_("partner country"),
    )  # fmt: skip
    from_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("from institution"),
    )  # fmt: skip
    to_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("to institution"),
    )  # fmt: skip
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="records", null=True, blank=True,
        verbose_name=_("programme"),
    )  # fmt: skip
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="mobility_records", null=True, blank=True,
        verbose_name=_("post"),
    )  # fmt: skip
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    field = models.CharField(_("field"), max_length=200, blank=True)
    priority = models.CharField(_("priority"), max_length=50, blank=True)
    funding = models.CharField(_("funding"), max_length=10, choices=Funding.choices,
                               default=Funding.OTHER)  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mobility record")
        verbose_name_plural = _("mobility records")
        ordering: ClassVar[list[str]] = ["-starts_on", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="mobility_ends_after_start",
            )
        ]


# ---------------------------------------------------------------- human capital (3:2:3)
def _model_choices() -> list[tuple[str, str]]:
    from vinculo.strategy.training import default_models

    return [(m.id, m.name["en"]) for m in default_models().values()]


class TrainingProgramme(models.Model):
    """A programme training specialists for the strategic projects, staged by a training
    model of ``strategy/data/training-models.yaml`` (the 3:2:3 model or another)."""

    name = models.CharField(_("name"), max_length=200)
    model = models.CharField(_("training model"), max_length=40, choices=_model_choices)
    profile = models.CharField(_("specialist profile"), max_length=100)
    priority = models.CharField(_("priority"), max_length=50, blank=True)
    institutions = models.ManyToManyField(
        Institution, blank=True, related_name="training_programmes",
        verbose_name=_("delivering institutions"),
    )  # fmt: skip
    projects = models.ManyToManyField(
        "registry.Project", blank=True, related_name="training_programmes",
        verbose_name=_("projects it trains for"),
    )  # fmt: skip
    mobility_programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("mobility programme (the stay abroad)"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingCohort(models.Model):
    programme = models.ForeignKey(TrainingProgramme, on_delete=models.CASCADE,
                                  related_name="cohorts")  # fmt: skip
    start_year = models.PositiveIntegerField(_("start year"))
    seats = models.PositiveIntegerField(_("seats"))
    enrolled = models.PositiveIntegerField(_("enrolled"))
    completion_rate = models.FloatField(_("expected completion rate"), default=1.0)
    # graduates per stage id of the model, as recorded ({"training": 18, "abroad": 15})
    graduates_by_stage = models.JSONField(_("graduates per stage"), default=dict, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["programme", "start_year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["programme", "start_year"], name="one_cohort_a_year"),
            models.CheckConstraint(
                condition=models.Q(completion_rate__gte=0) & models.Q(completion_rate__lte=1),
                name="completion_rate_share",
            ),
        ]


class ProjectNeed(models.Model):
    """Specialists of a profile a strategic project needs by a year."""

    project = models.ForeignKey("registry.Project", on_delete=models.CASCADE,
                                related_name="specialist_needs")  # fmt: skip
    profile = models.CharField(_("specialist profile"), max_length=100)
    year = models.PositiveIntegerField(_("year"))
    specialists = models.PositiveIntegerField(_("specialists needed"))

    class Meta:
        ordering: ClassVar[list[str]] = ["project", "profile", "year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["project", "profile", "year"], name="one_need_a_year")
        ]
