"""The shared search-as-you-type picker, as a Django widget.

``PickerWidget("institutions")`` writes the form's own field (a text input, a text area
for several values, or a ``<select>``) inside a ``<div class="picker">`` that names the
search endpoint (:mod:`vinculo.web.search`). ``vinculo/picker.js`` turns it into a WAI-ARIA
combobox: the field is hidden and keeps the real value (ids or codes), a visible input
searches by name. Without JavaScript the field stays as it is and takes the id or code
(or, for a ``<select>``, the choice), so the server-side validation is the same either way:
a bad value gets the field's error, in the user's language.

Pages with a picker load ``vinculo/picker.js`` and ``vinculo/picker.css``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

__all__ = ["PickerWidget", "picker_values"]


def picker_values(value: Any) -> list[str]:
    """The ids or codes in a field's value as written in the form (split on commas,
    semicolons and white space)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v).strip()]
    return [token for token in re.split(r"[\s,;]+", str(value)) if token]


class PickerWidget(forms.Widget):
    """A picker over ``source`` (``institutions``, ``countries``, ``agreements``,
    ``opportunities``). ``multiple``: several values (a text area, one per line).
    ``fallback``: the widget written for the field (default: a text input, or a text area
    with ``multiple``); a ``Select`` keeps its sorted choices as the no-script form.
    Set ``user`` (the form does) so that chosen values are shown by name, read through the
    user's scope."""

    def __init__(
        self,
        source: str,
        *,
        multiple: bool = False,
        fallback: forms.Widget | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.source = source
        self.multiple = multiple
        if fallback is None:
            fallback = forms.Textarea(attrs={"rows": 2}) if multiple else forms.TextInput()
        self.fallback = fallback
        self.user: Any = None

    def __deepcopy__(self, memo: dict[int, Any]) -> PickerWidget:
        copy = super().__deepcopy__(memo)
        copy.fallback = self.fallback.__deepcopy__(memo)
        copy.user = self.user
        return copy  # type: ignore[no-any-return]

    @property
    def is_hidden(self) -> bool:
        return False

    def format_value(self, value: Any) -> Any:
        return self.fallback.format_value(value)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return self.fallback.value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return self.fallback.value_omitted_from_data(data, files, name)

    def id_for_label(self, id_: str) -> str:
        return self.fallback.id_for_label(id_)

    def use_required_attribute(self, initial: Any) -> bool:
        return False  # the visible input is the script's; the browser must not block on it

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        self.fallback.choices = getattr(self, "choices", getattr(self.fallback, "choices", []))
        field = self.fallback.render(name, value, {**self.attrs, **(attrs or {})}, renderer)
        known: dict[str, str] = {}
        if self.user is not None and not isinstance(self.fallback, forms.Select):
            from vinculo.web.search import labels

            known = labels(self.source, self.user, picker_values(self.format_value(value)))
        return format_html(
            '<div class="picker" data-picker-url="{}" data-picker-multiple="{}" '
            'data-picker-labels="{}" data-picker-none="{}" data-picker-remove="{}" '
            'data-picker-hint="{}">{}</div>',
            reverse("search:source", kwargs={"source": self.source}),
            "true" if self.multiple else "false",
            json.dumps(known, ensure_ascii=False),
            gettext("Nothing matches."),
            gettext("Remove"),
            gettext("Type to search, then choose with the arrow keys and Enter."),
            field,
        )
