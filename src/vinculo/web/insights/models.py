"""Precomputed insights: the strategy engine's results for the home country, computed once
per evidence vintage (about 20 s) so that dashboards answer in milliseconds; and what a
post's brief takes from the web app: the post's own sections (versioned) and the curated
host institutions per country and priority."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """The strategy engine's results for one home country and evidence fingerprint."""

    home = models.CharField(_("home country"), max_length=3)
    fingerprint = models.CharField(max_length=64)  # the evidence store's datasets, hashed
    payload = models.JSONField()
    computed_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0.0)

    class Meta:
        verbose_name = _("insight snapshot")
        verbose_name_plural = _("insight snapshots")
        ordering: ClassVar[list[str]] = ["-computed_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["home", "fingerprint"], name="one_snapshot_per_vintage")
        ]


class PostSectionVersion(models.Model):
    """One saved version of a section of a post's brief that the post writes itself (issue
    #17): the legal framework (a text), the counterparts and the agenda (entries). Every
    save adds a version (numbered 1, 2, … per post and section); the latest is the one the
    brief shows; none is ever changed or deleted, so nothing a user wrote is lost."""

    class Section(models.TextChoices):
        LEGAL = "legal", _("Legal framework")
        COUNTERPARTS = "counterparts", _("Counterparts")
        AGENDA = "agenda", _("Agenda")

    post = models.ForeignKey(
        "registry.Post", on_delete=models.PROTECT, related_name="section_versions",
        verbose_name=_("post"),
    )  # fmt: skip
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"), blank=True)  # the legal framework
    # counterparts and agenda: [{"text": str, "date": "YYYY-MM-DD" or null, "status": str}]
    entries = models.JSONField(_("entries"), default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("author"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("post brief section version")
        verbose_name_plural = _("post brief section versions")
        ordering: ClassVar[list[str]] = ["post", "section", "-number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["post", "section", "number"], name="one_number_per_post_section"
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("a section version is never changed: save a new version")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a section version is never deleted")

    def __str__(self) -> str:
        return f"{self.post_id} {self.section} v{self.number}"


class HostInstitution(models.Model):
    """A host institution a person chose for a priority, with the source of that choice:
    the curated list the brief shows (issue #17, item 5), never a keyword match. Research
    bodies, companies and government agencies are kept apart (``kind``). Every change is in
    the audit trail (before and after), a removal too."""

    class Kind(models.TextChoices):
        # the values are vinculo.strategy.brief.INSTITUTION_KINDS
        RESEARCH = "research", _("Research body")
        COMPANY = "company", _("Company")
        GOVERNMENT = "government", _("Government agency")

    country = models.ForeignKey(
        "registry.Country", on_delete=models.PROTECT, related_name="host_institutions",
        verbose_name=_("country"),
    )  # fmt: skip
    priority = models.CharField(_("priority"), max_length=64)  # a national priority's id
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("official name (in the host's language)"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.SET_NULL, related_name="host_entries",
        null=True, blank=True, verbose_name=_("institution in the registry"),
    )  # fmt: skip
    source_publisher = models.CharField(_("source: publisher"), max_length=200)
    source_title = models.CharField(_("source: title"), max_length=300)
    source_url = models.URLField(_("source: address (URL)"), max_length=500)
    source_date = models.DateField(_("source: date (or the day it was read)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("host institution")
        verbose_name_plural = _("host institutions")
        ordering: ClassVar[list[str]] = ["country", "priority", "kind", "name", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["country", "priority", "name"], name="one_host_institution_per_priority"
            )
        ]

    def __str__(self) -> str:
        return self.name


class BriefJob(models.Model):
    """One preparation of a post's brief (both languages, HTML and PDF) for one key: the
    evidence store's fingerprint and the post's data version. One job per key: a second
    request for the same key finds this one (``vinculo.web.insights.briefs``)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    post = models.ForeignKey(
        "registry.Post", on_delete=models.CASCADE, related_name="brief_jobs",
        verbose_name=_("post"),
    )  # fmt: skip
    fingerprint = models.CharField(max_length=64)  # the evidence store's datasets, hashed
    version = models.CharField(max_length=64)  # the post's data (context, kind, city), hashed
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveSmallIntegerField(default=0)  # steps done ...
    total = models.PositiveSmallIntegerField(default=0)  # ... of this many
    step = models.CharField(max_length=20, blank=True)  # the step under way (briefs.STEPS)
    error = models.TextField(blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("triggered by"),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)  # also touched by each step

    class Meta:
        verbose_name = _("brief preparation")
        verbose_name_plural = _("brief preparations")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["post", "fingerprint", "version"], name="one_brief_job_per_key"
            )
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["state"], name="brief_job_state"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.fingerprint[:8]}/{self.version[:8]} {self.state}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return round(100 * self.done / self.total) if self.total else 0
