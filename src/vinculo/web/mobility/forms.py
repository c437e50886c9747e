from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=_("CSV (UTF-8) or Excel (.xlsx), one stay per row."),
    )


class RecordForm(forms.Form):
    """One mobility record, as a row of the import (the same checks:
    :func:`vinculo.web.mobility.imports.parse_row`); the lists are the user's own."""

    direction = forms.ChoiceField(label=_("direction"))
    partner_country = forms.ChoiceField(label=_("partner country"))
    starts_on = forms.DateField(label=_("starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("ends"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    from_institution = forms.CharField(
        label=_("from institution"), required=False, max_length=100,
        help_text=_("ROR id, e.g. https://ror.org/01tmp8f25"),
    )  # fmt: skip
    to_institution = forms.CharField(
        label=_("to institution"), required=False, max_length=100,
        help_text=_("ROR id, e.g. https://ror.org/01tmp8f25"),
    )  # fmt: skip
    programme = forms.ChoiceField(label=_("programme"), required=False)
    post = forms.ChoiceField(label=_("post"), required=False)
    field = forms.CharField(label=_("field"), required=False, max_length=200)
    priority = forms.ChoiceField(label=_("priority"), required=False)
    funding = forms.ChoiceField(label=_("funding"))
    person_name = forms.CharField(
        label=_("person's name"), required=False, max_length=200,
        help_text=_("Optional; seen only by planners and administrators."),
    )  # fmt: skip
    person_reference = forms.CharField(
        label=_("person's reference"), required=False, max_length=100
    )

    def __init__(self, *args: Any, user: Any, language: str, **kwargs: Any) -> None:
        from vinculo.strategy.i18n import country_name
        from vinculo.web.mobility.models import MobilityRecord
        from vinculo.web.mobility.selectors import programmes_visible_to
        from vinculo.web.registry.models import Country
        from vinculo.web.registry.selectors import posts_visible_to, priority_choices

        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["direction"].choices = MobilityRecord.Direction.choices
        self.fields["funding"].choices = MobilityRecord.Funding.choices
        self.fields["funding"].initial = MobilityRecord.Funding.OTHER
        countries = [
            (code, country_name(code, language) or code)
            for code in Country.objects.exclude(pk="MEX").values_list("pk", flat=True)
        ]
        self.fields["partner_country"].choices = blank + sorted(countries, key=lambda c: c[1])
        self.fields["programme"].choices = blank + [
            (str(p.pk), p.name) for p in programmes_visible_to(user).order_by("name")
        ]
        self.fields["post"].choices = blank + [
            (str(p.pk), p.name) for p in posts_visible_to(user).order_by("name")
        ]
        self.fields["priority"].choices = blank + list(priority_choices(language))

    def row(self) -> dict[str, str]:
        """The cleaned values as the importer's row (text, dates ISO)."""
        data = self.cleaned_data
        return {
            name: (value.isoformat() if hasattr(value, "isoformat") else str(value or ""))
            for name, value in data.items()
        }
