"""Template filters of the registry: names in the active language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from vinculo.web.pickers import PickerWidget
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


@register.simple_tag(takes_context=True)
def picker(context: Any, source: str, name: str, field_id: str, required: bool = False) -> str:
    """``{% picker "opportunities" "duplicate" "id_merge_duplicate" %}``: a picker for a
    hand-written form (without script: a text field taking the id), values named in the
    scope of the page's user."""
    widget = PickerWidget(source)
    widget.user = context.get("user")
    attrs: dict[str, Any] = {"id": field_id}
    if required:
        attrs["required"] = True
    return widget.render(name, None, attrs)
