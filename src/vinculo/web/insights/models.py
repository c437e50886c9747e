"""Precomputed insights: the strategy engine's results for the home country, computed once
per evidence vintage (about 20 s) so that dashboards answer in milliseconds."""

from __future__ import annotations

from typing import ClassVar

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
