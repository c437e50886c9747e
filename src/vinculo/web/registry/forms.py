"""Forms of the registry pages. They only parse and check input: the writes are the
services', which the views call with ``form.cleaned_data``. Labels come from the models'
(translated) verbose names."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vinculo.strategy.naming import naming_policy
from vinculo.text.tokens import name_key
from vinculo.web.accounts.models import Role
from vinculo.web.pickers import PickerWidget
from vinculo.web.registry.models import (
    Agreement,
    Country,
    Institution,
    IPTerms,
    Milestone,
    Outcome,
    Project,
)
from vinculo.web.registry.selectors import (
    agreements_visible_to,
    posts_visible_to,
    priority_choices,
    user_post_ids,
)
from vinculo.web.registry.services import MAX_DOCUMENT_BYTES, STATUS_TRANSITIONS
from vinculo.web.registry.widgets import Select

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _field(model: type[Model], name: str, **kwargs: Any) -> Any:
    """The model field's form field (its translated label, choices and limits)."""
    return model._meta.get_field(name).formfield(**kwargs)


def country_label(country: Country) -> str:
    """A country's name in the active language: the diplomatic naming policy's where it
    names the country (a stored name may predate the policy file), else the stored one."""
    language = "es" if (get_language() or "es").startswith("es") else "en"
    named = naming_policy().name(country.code, language)
    if named is not None:
        return named
    return country.name_es if language == "es" else country.name_en


def country_choices(countries: QuerySet[Country]) -> list[tuple[str, str]]:
    """(code, name in the active language) of ``countries``, sorted by that name, accents
    ignored (read as plain values: a choice list needs no model instances); the naming
    policy's names first, as :func:`country_label`."""
    language = "es" if (get_language() or "es").startswith("es") else "en"
    policy = naming_policy()
    choices = [
        (code, policy.name(code, language) or name)
        for code, name in countries.values_list("code", f"name_{language}")
    ]
    return sorted(choices, key=lambda choice: name_key(choice[1]))


def set_picker_user(form: forms.Form, user: Any) -> None:
    """Give the form's pickers the user, whose scope names the values already chosen."""
    for field in form.fields.values():
        if isinstance(field.widget, PickerWidget):
            field.widget.user = user


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """A model choice list read with one plain query. Django's own iterator reads with
    ``QuerySet.iterator()``, which on PostgreSQL opens a server-side cursor (DECLARE,
    FETCH, CLOSE, and WITH HOLD materialises it): three round trips for a few dozen rows."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    """Django's ``ModelChoiceField`` with :class:`ListedChoiceIterator`."""

    iterator = ListedChoiceIterator


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's ``ModelMultipleChoiceField`` with :class:`ListedChoiceIterator`."""

    iterator = ListedChoiceIterator


class CountryChoiceIterator(ListedChoiceIterator):
    """The countries sorted by their name in the active language, accents ignored (the
    queryset's own order is the ISO code: "Aruba, Afganistán, Angola...")."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from sorted(
            (self.choice(obj) for obj in self.queryset.all()), key=lambda c: name_key(c[1])
        )


class CountryChoiceField(ModelChoiceField):
    """A country by its code, named and sorted in the active language. Its default widget
    is the picker (search by name or code; without script: the sorted list)."""

    iterator = CountryChoiceIterator
    widget = PickerWidget("countries", fallback=Select())

    def label_from_instance(self, obj: Any) -> str:
        return country_label(obj)

    def to_python(self, value: Any) -> Any:
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


class PriorityField(forms.MultipleChoiceField):
    """The national priorities, named in the active language."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self._choices_now, **kwargs)

    @staticmethod
    def _choices_now() -> list[tuple[str, str]]:
        return priority_choices((get_language() or "es")[:2])


class InstitutionsField(forms.CharField):
    """Institutions chosen by name in the picker, which sends their ROR ids (or their
    number in Vínculo); typed by hand (without script): ROR ids (``https://ror.org/…`` or
    the short id) or numbers, separated by commas or new lines."""

    default_error_messages = {  # noqa: RUF012 (Django's own pattern)
        "unknown": _(
            "Unknown institution(s): %(values)s. Search them by name and choose them from "
            "the list (or give their ROR ids)."
        ),
        "one": _("Give one institution."),
    }

    def __init__(self, *, multiple: bool = True, **kwargs: Any) -> None:
        self.multiple = multiple
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _(
                "Search by name, acronym, ROR id or country and choose from the list "
                "(without JavaScript: ROR ids such as 01tmp8f25, separated by commas)."
            ),
        )
        kwargs.setdefault("widget", PickerWidget("institutions", multiple=multiple))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Institution):
            value = [value]
        if isinstance(value, QuerySet | list | tuple):
            return "\n".join(
                (i.ror_id or str(i.pk)) if isinstance(i, Institution) else str(i) for i in value
            )
        return value

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        tokens = [token for token in re.split(r"[\s,;]+", text or "") if token]
        found: list[Institution] = []
        unknown: list[str] = []
        for token in tokens:
            short = token.rstrip("/").rsplit("/", 1)[-1]
            institution = Institution.objects.filter(
                ror_id__in=[token, f"https://ror.org/{short}"]
            ).first()
            if institution is None and token.isdigit():
                institution = Institution.objects.filter(pk=int(token)).first()
            if institution is None:
                unknown.append(token)
            elif institution not in found:
                found.append(institution)
        if unknown:
            raise ValidationError(
                self.error_messages["unknown"],
                code="unknown",
                params={"values": ", ".join(unknown)},
            )
        if self.multiple:
            return found
        if len(found) > 1:
            raise ValidationError(self.error_messages["one"], code="one")
        return found[0] if found else None


class KeptHTMLForm(forms.Form):
    """A form whose HTML is kept per process. Django writes a form through a template per
    field (milliseconds a form, on every page that shows one), yet what ``as_div`` writes
    depends only on the form's class, prefix and ids, the language, the fields' choices
    and the submitted values: that is the key. A form with errors or initial values is
    written afresh. Only for forms whose fields take nothing else from the request (no
    initial values set per user); choices from the user's scope are fine, being in the
    key. The most recently used ``_KEPT`` renderings are kept."""

    _KEPT = 128
    _rendered: ClassVar[OrderedDict[tuple[Hashable, ...], SafeString]] = OrderedDict()
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def as_div(self) -> SafeString:
        if self.initial or (self.is_bound and self.errors):
            return super().as_div()
        key = self._html_key()
        with self._lock:
            rendered = self._rendered.get(key)
            if rendered is not None:
                self._rendered.move_to_end(key)
                return rendered
        rendered = super().as_div()
        with self._lock:
            self._rendered[key] = rendered
            while len(self._rendered) > self._KEPT:
                self._rendered.popitem(last=False)
        return rendered

    def _html_key(self) -> tuple[Hashable, ...]:
        choices = tuple(
            (name, tuple(field.choices))
            for name, field in self.fields.items()
            if isinstance(field, forms.ChoiceField)
        )
        values: tuple[Hashable, ...] = ()
        if self.is_bound:
            values = tuple(
                (name, tuple(self.data.getlist(self.add_prefix(name))))
                if hasattr(self.data, "getlist")
                else (name, repr(self.data.get(self.add_prefix(name))))
                for name in self.fields
            )
        return (type(self), self.prefix, self.auto_id, get_language(), choices, values)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields where the form has them,
    else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


# ---------------------------------------------------------------- agreements
class AgreementForm(forms.Form):
    title = _field(Agreement, "title")
    kind = _field(Agreement, "kind")
    status = _field(Agreement, "status")
    post = ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=_("Post"),
        widget=Select,
    )
    partner_country = CountryChoiceField(queryset=Country.objects.all(), label=_("Partner country"))
    institutions = InstitutionsField(label=_("Parties"))
    priorities = PriorityField(label=_("Priorities covered"), required=False)
    signed_on = _field(Agreement, "signed_on", widget=_DATE)
    effective_on = _field(Agreement, "effective_on", widget=_DATE)
    expires_on = _field(Agreement, "expires_on", widget=_DATE)
    renewal_notice_days = _field(Agreement, "renewal_notice_days")
    shared = _field(Agreement, "shared")
    summary = _field(
        Agreement,
        "summary",
        help_text=_(
            "Every reader sees the summary, viewers included: do not write IP terms or "
            "other confidential terms here."
        ),
    )

    def __init__(self, *args: Any, user: Any, agreement: Agreement | None = None, **kwargs: Any):
        if agreement is not None:
            kwargs.setdefault("initial", self.initial_from(agreement))
        super().__init__(*args, **kwargs)
        posts = posts_visible_to(user)
        post_field = self.fields["post"]
        post_field.queryset = posts
        if user.role == Role.OFFICER:
            post_field.queryset = posts.filter(pk__in=user_post_ids(user))
            post_field.required = True
        else:
            post_field.required = False
            post_field.empty_label = _("— none (a central agreement) —")
        if agreement is not None:
            del self.fields["status"]  # the status moves through its own workflow
        set_picker_user(self, user)

    @staticmethod
    def initial_from(agreement: Agreement) -> dict[str, Any]:
        return {
            "title": agreement.title,
            "kind": agreement.kind,
            "post": agreement.post_id,
            "partner_country": agreement.partner_country_id,
            "institutions": list(agreement.institutions.all()),
            "priorities": agreement.priorities,
            "signed_on": agreement.signed_on,
            "effective_on": agreement.effective_on,
            "expires_on": agreement.expires_on,
            "renewal_notice_days": agreement.renewal_notice_days,
            "shared": agreement.shared,
            "summary": agreement.summary,
        }


#: Statuses that end an agreement: choosing one must be confirmed.
ENDING_STATUSES = frozenset({Agreement.Status.EXPIRED, Agreement.Status.TERMINATED})


class AgreementStatusForm(KeptHTMLForm):
    """The next status: nothing chosen at first (no status is one click away), and a
    status that ends the agreement (expired, terminated) only with the box ticked."""

    status = forms.ChoiceField(label=_("New status"), widget=Select)
    confirm = forms.BooleanField(
        label=_("I confirm the change: expired or terminated ends the agreement."),
        required=False,
        help_text=_("Required for “Expired” and “Terminated” (terminated is final)."),
    )

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = STATUS_TRANSITIONS[agreement.status]
        self.fields["status"].choices = [
            ("", _("— choose —")),
            *((value, label) for value, label in Agreement.Status.choices if value in allowed),
        ]
        if not allowed & ENDING_STATUSES:
            del self.fields["confirm"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") in ENDING_STATUSES and not data.get("confirm"):
            self.add_error(
                "confirm",
                _("Tick the box to confirm “%(status)s”: it ends the agreement.")
                % {"status": Agreement.Status(data["status"]).label},
            )
        return data


class IPTermsForm(forms.Form):
    background_ip = _field(IPTerms, "background_ip")
    foreground_ip = _field(IPTerms, "foreground_ip")
    licensing = _field(IPTerms, "licensing")
    royalty_home_percent = _field(IPTerms, "royalty_home_percent", min_value=0, max_value=100)
    publication_rights = _field(IPTerms, "publication_rights")
    confidentiality_years = _field(IPTerms, "confidentiality_years")
    jurisdiction = _field(IPTerms, "jurisdiction")

    @staticmethod
    def initial_from(terms: IPTerms | None) -> dict[str, Any]:
        if terms is None:
            return {}
        return {name: getattr(terms, name) for name in IPTermsForm.base_fields}

    def terms(self) -> dict[str, Any] | None:
        """In the agreement form (optional section): None when left empty, else the cleaned
        terms; call after ``is_valid``."""
        if not self.has_changed():
            return None
        return dict(self.cleaned_data)

    def is_valid_or_empty(self) -> bool:
        """Valid, or left entirely empty (the section is optional)."""
        return not self.has_changed() or self.is_valid()


class DocumentForm(KeptHTMLForm):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # interpolated here, not at import: in the language of the request
        self.fields["file"].help_text = _("PDF, DOCX, ODT, PNG or JPEG; at most %(limit)s MB.") % {
            "limit": MAX_DOCUMENT_BYTES >> 20
        }


class OutcomeForm(KeptHTMLForm):
    kind = _field(Outcome, "kind", widget=Select)
    description = _field(Outcome, "description")
    reference = _field(Outcome, "reference")
    occurred_on = _field(Outcome, "occurred_on", widget=_DATE)


class AgreementFilterForm(KeptHTMLForm):
    """The agreement list's filters (all optional)."""

    q = forms.CharField(label=_("Search"), required=False)
    country = forms.ChoiceField(
        label=_("Partner country"),
        required=False,
        widget=PickerWidget("countries", fallback=Select()),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), *Agreement.Status.choices],
        widget=Select,
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False, widget=Select)
    post = forms.TypedChoiceField(
        label=_("Post"), required=False, coerce=int, empty_value=None, widget=Select
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = agreements_visible_to(user).values_list("partner_country_id", flat=True)
        self.fields["country"].choices = [
            ("", _("Any")),
            *country_choices(Country.objects.filter(code__in=partners)),
        ]
        self.fields["priority"].choices = [
            ("", _("Any")),
            *priority_choices((get_language() or "es")[:2]),
        ]
        self.fields["post"].choices = [
            ("", _("Any")),
            *posts_visible_to(user).values_list("pk", "name"),
        ]


class InstitutionSearchForm(KeptHTMLForm):
    q = forms.CharField(label=_("Name or name variant"), required=False)
    country = forms.ChoiceField(
        label=_("Country"), required=False, widget=PickerWidget("countries", fallback=Select())
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any")), *country_choices(Country.objects.all())]


# ---------------------------------------------------------------- projects
class ProjectForm(forms.Form):
    name = _field(Project, "name")
    description = _field(Project, "description")
    priorities = PriorityField(label=_("Priorities"), required=False)
    lead_institution = InstitutionsField(label=_("Lead institution"), multiple=False)
    partner_institutions = InstitutionsField(label=_("Partner institutions"))
    budget_usd = _field(Project, "budget_usd", min_value=0)
    status = _field(Project, "status")
    agreements = ModelMultipleChoiceField(
        queryset=None,  # type: ignore[arg-type]
        required=False,
        label=_("Agreements"),
    )

    def __init__(self, *args: Any, user: Any, project: Project | None = None, **kwargs: Any):
        if project is not None:
            kwargs.setdefault("initial", self.initial_from(project))
        super().__init__(*args, **kwargs)
        self.fields["agreements"].queryset = agreements_visible_to(user).order_by("title")
        set_picker_user(self, user)

    @staticmethod
    def initial_from(project: Project) -> dict[str, Any]:
        return {
            "name": project.name,
            "description": project.description,
            "priorities": project.priorities,
            "lead_institution": project.lead_institution,
            "partner_institutions": list(project.partner_institutions.all()),
            "budget_usd": project.budget_usd,
            "status": project.status,
            "agreements": list(project.agreements.all()),
        }


class MilestoneForm(forms.Form):
    title = _field(Milestone, "title")
    due_on = _field(Milestone, "due_on", widget=_DATE)


class MilestoneDoneForm(forms.Form):
    done = forms.BooleanField(required=False)
