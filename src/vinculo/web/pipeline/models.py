"""Opportunities logged by the posts, and what happens to them: classification, duplicates,
review scores, the workflow, comments, attachments, idempotent API submissions, and the
priority labels officers confirm (kept as training data for the classifier)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vinculo.web.registry.models import Agreement, Country, Institution, Post


class Opportunity(models.Model):
    """A co-investment or cooperation opportunity found by a post."""

    class Kind(models.TextChoices):
        JOINT_RESEARCH = "joint_research", _("Joint research")
        CO_INVESTMENT = "co_investment", _("Co-investment")
        TECHNOLOGY_TRANSFER = "technology_transfer", _("Technology transfer")
        MOBILITY = "mobility", _("Researcher mobility")
        INFRASTRUCTURE = "infrastructure", _("Access to infrastructure")
        STANDARDS = "standards", _("Standards and technical forums")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SCREENING = "screening", _("Screening")
        ASSESSMENT = "assessment", _("Assessment")
        NEGOTIATION = "negotiation", _("Negotiation")
        AGREED = "agreed", _("Agreed")
        ACTIVE = "active", pgettext_lazy("opportunity", "Active")
        CLOSED = "closed", _("Closed")
        ON_HOLD = "on_hold", _("On hold")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", pgettext_lazy("opportunity", "Expired")
        MERGED = "merged", _("Merged")

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("post")
    )
    host_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="opportunities",
        verbose_name=_("host country"),
    )  # fmt: skip
    institutions = models.ManyToManyField(
        Institution, blank=True, related_name="opportunities",
        verbose_name=_("partner institutions"),
    )  # fmt: skip
    # confidential: the logging post, planners and administrators only
    amount_offered = models.DecimalField(_("amount offered"), max_digits=16, decimal_places=2,
                                         null=True, blank=True)  # fmt: skip
    amount_requested = models.DecimalField(_("amount requested"), max_digits=16,
                                           decimal_places=2, null=True, blank=True)  # fmt: skip
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    # ------------------------------------------------------------------------------------
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    suggested_priorities = models.JSONField(default=list, blank=True)  # [{id, confidence, terms}]
    priorities = models.JSONField(_("priorities"), default=list, blank=True)  # confirmed ids
    priorities_confirmed = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.SUBMITTED)  # fmt: skip
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        blank=True, verbose_name=_("owner"),
    )  # fmt: skip
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="opportunities", null=True,
        blank=True, verbose_name=_("agreement"),
    )  # fmt: skip
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="merged", null=True, blank=True
    )
    # the review rubric (0-5 each, None = not scored) and the strategic fit (0-100)
    score_relevance = models.PositiveSmallIntegerField(null=True, blank=True)
    score_capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    score_added_value = models.PositiveSmallIntegerField(null=True, blank=True)
    score_feasibility = models.PositiveSmallIntegerField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    fit = models.FloatField(null=True, blank=True)
    fit_reasons = models.JSONField(default=dict, blank=True)  # language -> [text]
    search_text = models.TextField(editable=False, blank=True)  # folded title and description
    signature = models.TextField(editable=False, blank=True)  # words compared for duplicates
    # the priorities in force (confirmed, else suggested) as "|id|id|", for filters and counts
    priority_keys = models.CharField(max_length=500, editable=False, blank=True)
    version = models.PositiveIntegerField(default=1)  # optimistic concurrency
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering: ClassVar[list[str]] = ["-updated_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "-updated_at"]),
            models.Index(fields=["post", "-updated_at"]),
            models.Index(fields=["host_country", "status"]),
            models.Index(fields=["deadline"]),
            models.Index(fields=["updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def priorities_in_force(self) -> list[str]:
        """The confirmed priorities, else the classifier's suggestions."""
        if self.priorities_confirmed:
            return list(self.priorities)
        return [s["id"] for s in self.suggested_priorities]

    def refresh_text(self) -> None:
        """Derive the search text, the duplicate signature and the priority keys (done on
        every save; call it before a ``bulk_create``)."""
        from vinculo.web.pipeline.matching import fold, signature

        self.search_text = fold(f"{self.title} {self.description}")
        self.signature = " ".join(sorted(signature(self.title, self.description)))
        keys = self.priorities_in_force
        self.priority_keys = f"|{'|'.join(keys)}|" if keys else ""

    @staticmethod
    def split_keys(priority_keys: str) -> list[str]:
        """The ids of a ``priority_keys`` value (as read by a ``values()`` query).

        >>> Opportunity.split_keys("|batteries|electromobility|"), Opportunity.split_keys("")
        (['batteries', 'electromobility'], [])
        """
        return [key for key in priority_keys.split("|") if key]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_text()
        fields = kwargs.get("update_fields")
        if fields is not None:
            extra = set()
            if {"title", "description"} & set(fields):
                extra |= {"search_text", "signature"}
            if {"priorities", "priorities_confirmed", "suggested_priorities"} & set(fields):
                extra.add("priority_keys")
            kwargs["update_fields"] = {*fields, *extra}
        super().save(*args, **kwargs)


class DuplicateFlag(models.Model):
    """A possible duplicate found on submit or import: ``opportunity`` resembles ``other``."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE,
                                    related_name="duplicate_flags")  # fmt: skip
    other = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField()
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["opportunity", "other"], name="one_flag_per_pair")
        ]
        ordering: ClassVar[list[str]] = ["-similarity"]


class Comment(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE,
                                    related_name="comments")  # fmt: skip
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]


class Attachment(models.Model):
    """A file attached to an opportunity (checked like agreement documents)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE,
                                    related_name="attachments")  # fmt: skip
    file = models.FileField(upload_to="opportunities/%Y/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Submission(models.Model):
    """An API submission's idempotency key: a retry with the same key returns the
    opportunity the first one created instead of creating another."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")  # fmt: skip
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of the request body
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "key"], name="one_submission_per_key")
        ]


class ImportBatch(models.Model):
    """A bulk import (CSV or Excel): written in the same transaction as its rows."""

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    imported_at = models.DateTimeField(auto_now_add=True)
    opportunities = models.ManyToManyField(Opportunity, related_name="+")


class LabelledText(models.Model):
    """A text with the priorities an officer confirmed or corrected: training data for the
    classifier (``vinculo.text``)."""

    text = models.TextField()
    priorities = models.JSONField(default=list)
    suggested = models.JSONField(default=list)  # what the classifier had said
    opportunity = models.ForeignKey(Opportunity, on_delete=models.SET_NULL, null=True,
                                    related_name="+")  # fmt: skip
    labelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    labelled_at = models.DateTimeField(auto_now_add=True)
