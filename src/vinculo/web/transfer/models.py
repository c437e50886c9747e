"""Technology-transfer models and IP regimes in the database: one versioned record per
country and dimension, seeded from the repository's files (``vinculo.strategy.transfer``)
and editable by planners and legal officers. Every save adds a version; none is changed or
deleted (like the brief's sections, ``insights.PostSectionVersion``)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vinculo.strategy.transfer import DIMENSIONS


class TransferDimensionVersion(models.Model):
    class Origin(models.TextChoices):
        FILE = "file", _("Repository file")
        WEB = "web", _("Edited in Vínculo")

    country = models.CharField(_("country"), max_length=3)
    dimension = models.CharField(
        _("dimension"), max_length=30, choices=[(d, d) for d in DIMENSIONS]
    )
    number = models.PositiveIntegerField(_("version"))
    # [{"text": {"es", "en"}, "source": {publisher, title, url, date, date_kind, quote}}]
    facts = models.JSONField(_("facts"), default=list, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    file_version = models.PositiveIntegerField(_("file version"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        blank=True, verbose_name=_("author"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("transfer-model version")
        verbose_name_plural = _("transfer-model versions")
        ordering: ClassVar[list[str]] = ["country", "dimension", "-number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["country", "dimension", "number"], name="transfer_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.dimension} v{self.number}"
