"""Forms of the pipeline pages: they parse and check input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vinculo.web.accounts.models import Role
from vinculo.web.pickers import PickerWidget
from vinculo.web.pipeline.models import Opportunity
from vinculo.web.pipeline.scoring import CRITERIA
from vinculo.web.pipeline.selectors import transitions_for
from vinculo.web.pipeline.summaries import ORDERINGS
from vinculo.web.registry.forms import (
    CountryChoiceField,
    InstitutionsField,
    KeptHTMLForm,
    ModelChoiceField,
    PriorityField,
    country_choices,
)
from vinculo.web.registry.models import Country
from vinculo.web.registry.selectors import posts_visible_to, priority_choices
from vinculo.web.registry.widgets import Select

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _field(name: str, **kwargs: Any) -> Any:
    return Opportunity._meta.get_field(name).formfield(**kwargs)


class OpportunityForm(forms.Form):
    """Log or edit an opportunity. The post is one of the user's (officers) or any (central
    roles); the host country defaults to the post's."""

    title = _field("title")
    description = _field("description", widget=forms.Textarea(attrs={"rows": 8}))
    kind = _field("kind")
    post = ModelChoiceField(queryset=None, label=_("Post"), widget=Select)  # type: ignore[arg-type]
    host_country = CountryChoiceField(
        queryset=Country.objects.all(),
        label=_("Host country"),
        required=False,
        widget=Select,
        help_text=_("The post's country if left empty."),
    )
    institutions = InstitutionsField(label=_("Partner institutions"))
    amount_offered = _field("amount_offered", min_value=0)
    amount_requested = _field("amount_requested", min_value=0)
    currency = _field("currency", help_text=_("ISO code, e.g. USD, EUR, MXN."))
    deadline = _field("deadline", widget=_DATE)
    contact_name = _field("contact_name")
    contact_email = _field("contact_email")
    contact_phone = _field("contact_phone")

    def __init__(self, *args: Any, user: Any, opportunity: Opportunity | None = None, **kwargs):
        if opportunity is not None:
            kwargs.setdefault("initial", self.initial_from(opportunity))
        super().__init__(*args, **kwargs)
        posts = posts_visible_to(user).order_by("name")
        self.fields["post"].queryset = posts
        if user.role == Role.OFFICER and len(posts) == 1:
            self.fields["post"].initial = posts[0]
        if opportunity is not None:
            del self.fields["post"]  # an opportunity stays with the post that logged it

    @staticmethod
    def initial_from(opportunity: Opportunity) -> dict[str, Any]:
        values = {
            name: getattr(opportunity, name)
            for name in OpportunityForm.base_fields
            if name not in ("post", "host_country", "institutions")
        }
        values["host_country"] = opportunity.host_country_id
        values["institutions"] = list(opportunity.institutions.all())
        return values

    def values(self) -> dict[str, Any]:
        """The cleaned data as the services take them (empty host country: the post's)."""
        data = dict(self.cleaned_data)
        for name in ("title", "description"):
            data[name] = data[name].strip()
        for name in ("currency", "contact_name", "contact_email", "contact_phone"):
            data[name] = data.get(name) or ""
        if data.get("host_country") is None:
            data.pop("host_country", None)
        return data


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    agreement = forms.IntegerField(
        label=_("Agreement"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("Needed to mark it agreed: search by title, partner country or post."),
        widget=PickerWidget("agreements"),
        error_messages={"invalid": _("Choose an agreement from the list (or give its number).")},
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any, opportunity: Opportunity, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": opportunity.version})
        super().__init__(*args, **kwargs)
        self.fields["agreement"].widget.user = user  # names a chosen agreement, in scope
        allowed = transitions_for(user, opportunity)
        self.fields["status"].choices = [
            (value, label) for value, label in Opportunity.Status.choices if value in allowed
        ]


class ScoreForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    relevance = forms.IntegerField(label=_("Relevance to the priorities"), min_value=0, max_value=5)
    capacity = forms.IntegerField(label=_("Partner capacity"), min_value=0, max_value=5)
    added_value = forms.IntegerField(label=_("Added value"), min_value=0, max_value=5)
    feasibility = forms.IntegerField(label=_("Feasibility"), min_value=0, max_value=5)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, opportunity: Opportunity, **kwargs: Any) -> None:
        initial = {"version": opportunity.version, "comment": opportunity.review_comment}
        initial.update({name: getattr(opportunity, f"score_{name}") for name in CRITERIA})
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def scores(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in CRITERIA}


class PrioritiesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    priorities = PriorityField(label=_("Priorities"), required=False)

    def __init__(self, *args: Any, opportunity: Opportunity, **kwargs: Any) -> None:
        chosen = (
            opportunity.priorities
            if opportunity.priorities_confirmed
            else [s["id"] for s in opportunity.suggested_priorities]
        )
        kwargs.setdefault("initial", {"version": opportunity.version, "priorities": chosen})
        super().__init__(*args, **kwargs)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class OwnerForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    owner = ModelChoiceField(queryset=None, label=_("Owner"), required=False)  # type: ignore[arg-type]

    def __init__(self, *args: Any, opportunity: Opportunity, **kwargs: Any) -> None:
        from django.contrib.auth import get_user_model

        kwargs.setdefault(
            "initial", {"version": opportunity.version, "owner": opportunity.owner_id}
        )
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, role__in=[Role.ADMINISTRATOR, Role.PLANNER])
            .order_by("username")
        )


class MergeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    duplicate = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=_("CSV (UTF-8) or Excel (.xlsx), one opportunity per row."),
    )


class FilterForm(KeptHTMLForm):
    """The list's filters, search and sort (all optional)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), *Opportunity.Status.choices],
        widget=Select,
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False, widget=Select)
    country = forms.ChoiceField(label=_("Host country"), required=False, widget=Select)
    post = forms.TypedChoiceField(
        label=_("Post"), required=False, coerce=int, empty_value=None, widget=Select
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Any")), *Opportunity.Kind.choices],
        widget=Select,
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, widget=Select)

    SORT_LABELS = {  # noqa: RUF012
        # changed (any edit or step) and logged (created) said apart: issue 18
        "-updated_at": _("Changed most recently"),
        "updated_at": _("Unchanged the longest"),
        "deadline": _("Deadline"),
        "-fit": _("Strategic fit"),
        "title": _("Title"),
        "-created_at": _("Logged most recently"),
    }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = (get_language() or "es")[:2]
        self.fields["priority"].choices = [("", _("Any")), *priority_choices(language)]
        posts = posts_visible_to(user)
        countries = Country.objects.filter(code__in=posts.values("host_country_id"))
        self.fields["country"].choices = [("", _("Any")), *country_choices(countries)]
        self.fields["post"].choices = [
            ("", _("Any")),
            *posts.order_by("name").values_list("pk", "name"),
        ]
        self.fields["sort"].choices = [(key, self.SORT_LABELS[key]) for key in ORDERINGS]

    def values(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "sort"}
        return data

    def ordering(self) -> str:
        return self.cleaned_data.get("sort") or ORDERINGS[0]
