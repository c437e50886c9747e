"""Global technical forums in the web app. What a forum is, who leads it and Mexico's
status come from the versioned registry (``vinculo/strategy/data/forums.yaml``); a
:class:`Forum` row only anchors what the app records about it: meetings, Mexico's
delegates (people: seen by planners, legal officers and administrators only) and the
positions Mexico submitted, with their outcome."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Forum(models.Model):
    """A forum of the registry, by its id there (created on first use: ``sync_forums``)."""

    slug = models.SlugField(_("forum id"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering: ClassVar[list[str]] = ["slug"]

    def __str__(self) -> str:
        return self.slug


class ForumEvent(models.Model):
    """A meeting of a forum: a plenary, a working-group session, a ministerial."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country (ISO3)"), max_length=3, blank=True)
    online = models.BooleanField(_("online"), default=False)
    url = models.URLField(_("address"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("forum meeting")
        verbose_name_plural = _("forum meetings")
        ordering: ClassVar[list[str]] = ["starts_on", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="forum_event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on})"


class Delegate(models.Model):
    """A person in Mexico's delegation to a forum. People's data, kept minimal: seen only
    by planners, legal officers and administrators; never exported."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="delegates")
    event = models.ForeignKey(
        ForumEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="delegates"
    )
    name = models.CharField(_("name"), max_length=200)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    role = models.CharField(_("role in the delegation"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering: ClassVar[list[str]] = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A position Mexico submitted to a forum (a comment, a vote, a proposal) and what
    became of it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        ADOPTED = "adopted", _("Adopted")
        PARTIAL = "partial", _("Partly adopted")
        REJECTED = "rejected", _("Not adopted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="positions")
    event = models.ForeignKey(
        ForumEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="positions"
    )
    title = models.CharField(_("title"), max_length=200)
    submitted_on = models.DateField(_("submitted on"))
    summary = models.TextField(_("summary"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_notes = models.TextField(_("outcome notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering: ClassVar[list[str]] = ["-submitted_on", "-pk"]

    def __str__(self) -> str:
        return self.title
