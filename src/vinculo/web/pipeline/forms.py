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
from vinculo.web.pipeline.selectors import opportunities_visible_to, transitions_for
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


def countries_by_name(countries: Any = None) -> list[tuple[str, str]]:
    """(code, name in the active language) of ``countries`` (default: all), sorted by the
    name as a reader looks it up (Afganistán, Alemania, Angola…), not by ISO code."""
    return country_choices(countries if countries is not None else Country.objects.all())


class OpportunityForm(forms.Form):
    """Log or edit an opportunity. The post is one of the user's (officers) or any (central
    roles); the host country is the partner's, chosen every time (not the post's: an
    embassy in France also hears of German offers)."""

    title = _field("title")
    description = _field("description", widget=forms.Textarea(attrs={"rows": 8}))
    kind = _field("kind")
    post = ModelChoiceField(queryset=None, label=_("Post"), widget=Select)  # type: ignore[arg-type]
    host_country = CountryChoiceField(
        queryset=Country.objects.all(),
        label=_("Host country"),
        empty_label=_("Choose…"),
        widget=Select,
        help_text=_("The partner's country: where the offer comes from (not your post's)."),
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
        self.fields["host_country"].choices = [("", _("Choose…")), *countries_by_name()]

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


#: The statuses that end an opportunity's life (no way back): a move there is confirmed.
DESTRUCTIVE_STATUSES = frozenset({Opportunity.Status.CLOSED, Opportunity.Status.REJECTED})


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"), widget=Select)
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
        label=_("Note or reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept as a comment. Say why when you close or reject it."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that closing or rejecting ends the opportunity: it cannot be reopened."
        ),
        required=False,
    )

    #: What an error summary calls a field whose label is a sentence.
    summary_labels = {"confirm": _("Confirmation")}  # noqa: RUF012

    def __init__(self, *args: Any, user: Any, opportunity: Opportunity, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": opportunity.version})
        super().__init__(*args, **kwargs)
        self.fields["agreement"].widget.user = user  # names a chosen agreement, in scope
        allowed = transitions_for(user, opportunity)
        # nothing chosen beforehand: a status is picked on purpose
        self.fields["status"].choices = [
            ("", _("Choose…")),
            *((value, label) for value, label in Opportunity.Status.choices if value in allowed),
        ]
        self.destructive = [s for s in allowed if s in DESTRUCTIVE_STATUSES]
        if not self.destructive:
            del self.fields["confirm"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") in DESTRUCTIVE_STATUSES and not data.get("confirm"):
            self.add_error(
                "confirm",
                _("Tick the box to confirm: “%(status)s” ends the opportunity.")
                % {"status": Opportunity.Status(data["status"]).label},
            )
        return data


#: What the scores of each review criterion mean (vinculo.web.pipeline.scoring): shown
#: beside the field, so that two planners score alike.
SCORE_GUIDANCE = {
    "relevance": _(
        "How much it serves the national priorities. 0: none of them; 1: touches one "
        "loosely; 3: serves a priority directly; 5: closes a gap the strategy names."
    ),
    "capacity": _(
        "Can the partner deliver. 0: no evidence; 1: small or unknown track record; 3: "
        "proven in the field; 5: a leading institution with the money and people committed."
    ),
    "added_value": _(
        "What it brings that the country lacks. 0: nothing new; 1: available at home "
        "already; 3: complements national capacities; 5: access to what the country cannot "
        "get otherwise."
    ),
    "feasibility": _(
        "Terms, amounts and deadline. 0: impossible as offered; 1: major obstacles; 3: "
        "workable with some negotiation; 5: clear terms, funding and a realistic deadline."
    ),
}


def _score_field(label: Any, name: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=5, help_text=SCORE_GUIDANCE[name])


class ScoreForm(forms.Form):
    """The four criteria of the rubric, 0–5, pre-filled with the scores saved."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    relevance = _score_field(_("Relevance to the priorities"), "relevance")
    capacity = _score_field(_("Partner capacity"), "capacity")
    added_value = _score_field(_("Added value"), "added_value")
    feasibility = _score_field(_("Feasibility"), "feasibility")
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
        # only what is confirmed is ticked: the classifier's suggestions are marked in
        # the labels, never shown as if they were saved
        chosen = list(opportunity.priorities) if opportunity.priorities_confirmed else []
        kwargs.setdefault("initial", {"version": opportunity.version, "priorities": chosen})
        super().__init__(*args, **kwargs)
        suggested = {s["id"] for s in opportunity.suggested_priorities}
        if suggested:
            marker = _("suggested")
            self.fields["priorities"].choices = [
                (key, f"{name} ({marker})" if key in suggested else name)
                for key, name in priority_choices((get_language() or "es")[:2])
            ]


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
    duplicate = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={"invalid": _("Choose the opportunity to merge from the list.")},
    )


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
        "-updated_at": _("Recently changed first"),
        "updated_at": _("Longest without changes first"),
        "deadline": _("Nearest deadline first"),
        "-fit": _("Best strategic fit first"),
        "title": _("Title (A–Z)"),
        "-created_at": _("Recently logged first"),
    }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = (get_language() or "es")[:2]
        self.fields["priority"].choices = [("", _("Any")), *priority_choices(language)]
        posts = posts_visible_to(user)
        # the host countries of the opportunities the reader can see: an embassy in France
        # also logs German offers, so not only its posts' countries
        hosts = opportunities_visible_to(user).order_by().values("host_country_id")
        countries = Country.objects.filter(code__in=hosts)
        self.fields["country"].choices = [("", _("Any")), *countries_by_name(countries)]
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
