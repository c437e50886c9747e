"""Helpers shared by the registry's services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def ids(objects: Iterable[Any]) -> list[int]:
    """The sorted primary keys of model instances (how relations are audited)."""
    return sorted(obj.pk for obj in objects)
