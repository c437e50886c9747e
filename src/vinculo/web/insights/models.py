"""Precomputed insights: the strategy engine's results for the home country, computed once
per evidence vintage (about 20 s) so that dashboards answer in milliseconds."""

from __future__ import annotations

from typing import ClassVar

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
