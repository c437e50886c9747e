"""Forms of a post's own brief sections and of the curated host institutions. They only
parse and check input: the writes are the services' (:mod:`vinculo.web.insights.services`),
which check again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vinculo.web.feedback import ErrorItem, error_summary
from vinculo.web.insights.models import HostInstitution, PostSectionVersion
from vinculo.web.insights.services import ENTRY_STATUS_MAX, ENTRY_TEXT_MAX
from vinculo.web.registry.forms import InstitutionsField, set_picker_user
from vinculo.web.registry.selectors import priority_choices

__all__ = [
    "EXTRA_ROWS",
    "HostInstitutionForm",
    "LegalForm",
    "SectionForms",
    "VersionForm",
]

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
#: empty rows offered below a section's entries
EXTRA_ROWS = 3


class VersionForm(forms.Form):
    """The version the user is editing (0: none yet), sent back with the section."""

    based_on = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class LegalForm(VersionForm):
    text = forms.CharField(
        label=_("Legal framework"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "The treaties and agreements in force between the two countries on science and "
            "technology, and their state. Left empty, the brief says the post is to complete it."
        ),
    )


class EntryForm(forms.Form):
    """A counterpart (text, optional date, status)."""

    text = forms.CharField(label=_("Text"), max_length=ENTRY_TEXT_MAX)
    date = forms.DateField(label=_("Date"), required=False, widget=_DATE)
    status = forms.CharField(label=_("Status"), max_length=ENTRY_STATUS_MAX, required=False)


class AgendaEntryForm(EntryForm):
    """An event of the agenda: its date is required."""

    date = forms.DateField(label=_("Date"), widget=_DATE)


class SectionForms:
    """The edit form of a section: the version edited and, for the legal framework, its
    text; for the counterparts and the agenda, their entries as a formset (a row per entry,
    empty rows to add some, a box to take one off)."""

    def __init__(
        self, section: str, data: Any = None, *, version: PostSectionVersion | None = None
    ) -> None:
        self.section = section
        based_on = version.number if version else 0
        if section == PostSectionVersion.Section.LEGAL:
            initial = {"based_on": based_on, "text": version.text if version else ""}
            self.form: VersionForm = LegalForm(data, initial=initial)
            self.entries: Any = None
            return
        self.form = VersionForm(data, initial={"based_on": based_on})
        form_class = AgendaEntryForm if section == PostSectionVersion.Section.AGENDA else EntryForm
        formset_class = forms.formset_factory(
            form_class, extra=EXTRA_ROWS, can_delete=True, max_num=200, validate_max=True
        )
        rows = [
            {
                "text": entry["text"],
                "date": entry.get("date") or None,
                "status": entry.get("status", ""),
            }
            for entry in (version.entries if version else [])
        ]
        self.entries = formset_class(data, initial=rows, prefix="entries")
        for number, form in enumerate(self.entries.forms, start=1):
            form.summary_labels = {  # type: ignore[attr-defined]
                name: _("Entry %(n)s: %(field)s") % {"n": number, "field": field.label}
                for name, field in form.fields.items()
            }

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        return (self.entries is None or self.entries.is_valid()) and valid

    def values(self) -> dict[str, Any]:
        """The arguments of ``services.section_save`` (after :meth:`is_valid`)."""
        values: dict[str, Any] = {"based_on": self.form.cleaned_data["based_on"]}
        if self.entries is None:
            values["text"] = self.form.cleaned_data["text"]
            return values
        values["entries"] = [
            form.cleaned_data
            for form in self.entries.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        return values

    def errors(self) -> list[ErrorItem]:
        """The error summary: the form's, then each row's (named by its number)."""
        items = error_summary(self.form)
        if self.entries is not None and self.entries.is_bound:
            items += [ErrorItem("", "", str(m)) for m in self.entries.non_form_errors()]
            for form in self.entries.forms:
                items += error_summary(form)
        return items


def _priority_choices() -> list[tuple[str, str]]:
    return [("", "---------"), *priority_choices((get_language() or "es")[:2])]


def _field(name: str, **kwargs: Any) -> Any:
    return HostInstitution._meta.get_field(name).formfield(**kwargs)


class HostInstitutionForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=_priority_choices)
    kind = _field("kind")
    name = _field("name")
    acronym = _field("acronym")
    city = _field("city")
    institution = InstitutionsField(
        label=_("Institution in the registry (optional)"),
        multiple=False,
        help_text=_(
            "Link the entry to an institution of the registry: search by name, acronym or "
            "ROR id and choose from the list (without JavaScript: its ROR id)."
        ),
    )
    source_publisher = _field("source_publisher")
    source_title = _field("source_title")
    source_url = _field("source_url", assume_scheme="https")
    source_date = _field("source_date", widget=_DATE)

    def __init__(
        self, *args: Any, user: Any, row: HostInstitution | None = None, **kwargs: Any
    ) -> None:
        if row is not None:
            kwargs.setdefault("initial", {name: getattr(row, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        set_picker_user(self, user)
