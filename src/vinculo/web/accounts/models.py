"""Users, their role and the diplomatic posts they work for; API tokens for scripts."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user may do. Scope (which posts) is separate: see :class:`User.posts`."""

    ADMINISTRATOR = "administrator", _("Administrator")
    PLANNER = "planner", _("Planner")  # central: sees and writes everything
    OFFICER = "officer", _("Post officer")  # writes for their posts, sees them and shared
    LEGAL = "legal", _("Legal / technology-transfer officer")  # agreements and IP terms
    VIEWER = "viewer", _("Viewer")  # read-only, no confidential fields


class User(AbstractUser):
    """A person using Vínculo: a role, the posts they belong to, their language."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    posts = models.ManyToManyField(
        "registry.Post", blank=True, related_name="officers", verbose_name=_("posts")
    )
    language = models.CharField(
        _("language"), max_length=5, choices=[("es", "Español"), ("en", "English")], default="es"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_central(self) -> bool:
        """Sees every post: administrators and planners."""
        return self.role in (Role.ADMINISTRATOR, Role.PLANNER)


class ApiToken(models.Model):
    """A token for scripts (``Authorization: Bearer <token>``); only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering: ClassVar[list[str]] = ["-created_at"]

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        """A new token; the key is returned once and never stored."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=cls.hash(key), prefix=key[:8])
        return token, key

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PasswordResetRequest(models.Model):
    """One request of a password-reset e-mail, kept for the throttle (per address typed and
    per client address): the typed address is stored as its hash, whether an account has
    it or not, so the table says nothing about who has an account."""

    address_hash = models.CharField(max_length=64, db_index=True)
    client = models.CharField(max_length=45, db_index=True)
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    @staticmethod
    def hash(address: str) -> str:
        return hashlib.sha256(address.strip().lower().encode()).hexdigest()
