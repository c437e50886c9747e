"""Form widgets of the registry that write their markup in Python.

Django renders a ``<select>`` through one template per option: for the list of countries
(about 250 options) that is most of a page's time. :class:`Select` writes the very markup
of Django's ``select.html`` / ``select_option.html`` / ``attrs.html`` directly (to the
line breaks).
"""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["Select"]


def _escape(value: Any) -> str:
    """``conditional_escape``, with a short way for plain strings (most option values and
    labels: the same ``html.escape`` as Django's ``escape``)."""
    return html.escape(value) if type(value) is str else conditional_escape(value)


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``: ``name="value"``, a bare ``name`` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{_escape(value)}"')
    return "".join(parts)


class Select(forms.Select):
    """``forms.Select`` with the same HTML, written without a template per option."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{_escape(option["value"])}"'
                f"{_attrs(option['attrs'])}>{_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every value above is escaped
