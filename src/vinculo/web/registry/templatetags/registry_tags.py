"""Template filters of the registry: names in the active language."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from vinculo.web.registry.forms import country_label
from vinculo.web.registry.models import Country
from vinculo.web.registry.selectors import priorities_named

register = template.Library()


@register.filter
def country_name(country: Country | None) -> str:
    """``{{ agreement.partner_country|country_name }}``: Spanish or English, as the page."""
    return "" if country is None else country_label(country)


@register.filter
def priority_names(keys: list[str] | None) -> str:
    """``{{ agreement.priorities|priority_names }}``: the priorities' names, comma-separated."""
    return priorities_named(keys, (get_language() or "es")[:2])
