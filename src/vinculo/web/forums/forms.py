"""Forms of the forum pages; the services validate again."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from vinculo.web.forums.models import Delegate, ForumEvent, Position


class _DateInput(forms.DateInput):
    input_type = "date"


class EventForm(forms.ModelForm):
    class Meta:
        model = ForumEvent
        fields: ClassVar[list[str]] = [
            "title", "starts_on", "ends_on", "city", "country", "online", "url",
        ]  # fmt: skip
        widgets: ClassVar[dict[str, Any]] = {
            "starts_on": _DateInput(),
            "ends_on": _DateInput(),
        }

    url = forms.URLField(label=_("address"), required=False, assume_scheme="https")

    def clean_country(self) -> str:
        code = (self.cleaned_data.get("country") or "").strip().upper()
        if code and (len(code) != 3 or not code.isalpha()):
            raise forms.ValidationError(_("Give the ISO 3166 alpha-3 code, e.g. FRA."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("A meeting cannot end before it starts."))
        return data


class _WithEvent(forms.ModelForm):
    def __init__(self, *args: Any, events: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events if events is not None else ForumEvent.objects.none()
        self.fields["event"].required = False


class PositionForm(_WithEvent):
    class Meta:
        model = Position
        fields: ClassVar[list[str]] = [
            "title", "event", "submitted_on", "summary", "outcome", "outcome_notes",
        ]  # fmt: skip
        widgets: ClassVar[dict[str, Any]] = {"submitted_on": _DateInput()}


class DelegateForm(_WithEvent):
    class Meta:
        model = Delegate
        fields: ClassVar[list[str]] = ["name", "institution", "role", "email", "event"]


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Position
        fields: ClassVar[list[str]] = ["outcome", "outcome_notes"]
