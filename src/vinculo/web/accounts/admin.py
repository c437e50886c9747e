"""Django's admin for administrators: users with their role, posts and language."""

from __future__ import annotations

from typing import ClassVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from vinculo.web.accounts.models import ApiToken, User


@admin.register(User)
class VinculoUserAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "role", "language", "is_active", "last_login")
    list_filter = ("role", "language", "is_active")
    filter_horizontal = ("posts", "groups", "user_permissions")
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("Vínculo", {"fields": ("role", "posts", "language")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Vínculo", {"fields": ("role", "posts", "language")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    readonly_fields: ClassVar[tuple[str, ...]] = ("prefix", "created_at", "last_used_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request: object) -> bool:
        return False  # tokens are issued by a service that shows the key once
