"""Authorization chokepoints. Views and API endpoints never test roles themselves: they call
these, which raise 403 (PermissionDenied) for a role that is too low, and selectors that
raise 404 (Http404) for objects outside the user's scope, so their existence is not
revealed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from vinculo.web.accounts.models import Role

READ_ROLES = frozenset(Role)
WRITE_ROLES = frozenset({Role.ADMINISTRATOR, Role.PLANNER, Role.OFFICER})
LEGAL_ROLES = frozenset({Role.ADMINISTRATOR, Role.PLANNER, Role.LEGAL})
ADMIN_ROLES = frozenset({Role.ADMINISTRATOR})


def require_role(user: Any, roles: frozenset[Role]) -> None:
    """403 unless the (authenticated, active) user has one of ``roles``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied
    if user.role not in roles:
        raise PermissionDenied


def can_see_confidential(user: Any) -> bool:
    """Viewers never see confidential fields (IP terms, contacts, amounts)."""
    return bool(getattr(user, "is_authenticated", False)) and user.role != Role.VIEWER
