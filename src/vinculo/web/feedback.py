"""The error summary at the top of a form that failed: what went wrong, each error linked
to its field, in the form's order (templates/partials/error_summary.html renders it;
static/vinculo/errors.js moves the focus to it). One for every form of the site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ErrorItem", "error_summary"]


@dataclass(frozen=True)
class ErrorItem:
    """A line of an error summary: the field's label and its error, linked to the field
    (``href`` empty for errors of the whole form)."""

    href: str
    label: str
    message: str


def error_summary(form: Any, ids: dict[str, str] | None = None) -> list[ErrorItem]:
    """The errors of a bound form as the summary at its top lists them, in the form's
    order of fields; ``ids`` names the element of a field the form does not render."""
    if not form.is_bound or not form.errors:
        return []
    items = [ErrorItem("", "", str(message)) for message in form.non_field_errors()]
    for name, field in form.fields.items():
        for message in form.errors.get(name, []):
            target = (ids or {}).get(name, "")
            if not target and not field.widget.is_hidden:
                target = form[name].id_for_label or ""
            short = getattr(form, "summary_labels", {}).get(name)
            label = str(short or field.label or name).rstrip(":") if target else ""
            items.append(ErrorItem(f"#{target}" if target else "", label, str(message)))
    return items
