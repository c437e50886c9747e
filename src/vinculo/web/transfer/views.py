"""Transfer pages under /transfer/: the comparison (countries × dimensions, each cell with
its sources) and, for planners and legal officers, editing a dimension with its history."""

from __future__ import annotations

import yaml
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from vinculo.evidence.countries import locations_table
from vinculo.strategy.transfer import DIMENSION_NAMES, DIMENSIONS
from vinculo.web.accounts.permissions import LEGAL_ROLES, require_role
from vinculo.web.feedback import error_summary
from vinculo.web.transfer.selectors import transfer_history, transfer_latest
from vinculo.web.transfer.services import transfer_dimension_save


def _language() -> str:
    return "en" if (get_language() or "es")[:2] == "en" else "es"


def _country_names() -> dict[str, str]:
    """Country names in the page's language (the naming policy's, as everywhere)."""
    from vinculo.strategy.i18n import country_name

    language = _language()
    table = locations_table()
    return {code: country_name(code, language) for code in table["code"]}


def _cell(facts: list[dict], language: str) -> list[dict]:
    return [{"text": f["text"][language], "source": f["source"]} for f in facts]


@login_required
@require_safe
def comparison(request: HttpRequest) -> HttpResponse:
    """Countries × dimensions; a cell lists its sourced facts, an empty cell says the
    dimension is not sourced (never a fact)."""
    table = transfer_latest(request.user)
    language = _language()
    names = _country_names()
    can_edit = request.user.role in LEGAL_ROLES
    rows = [
        {
            "code": country,
            "name": names.get(country, country),
            "cells": [
                {
                    "dimension": d,
                    "facts": _cell(dims[d].facts, language) if d in dims else [],
                    "version": dims[d].number if d in dims else None,
                }
                for d in DIMENSIONS
            ],
        }
        for country, dims in sorted(table.items())
    ]
    context = {
        "rows": rows,
        "dimensions": [(d, DIMENSION_NAMES[d][language]) for d in DIMENSIONS],
        "can_edit": can_edit,
    }
    return render(request, "transfer/comparison.html", context)


class DimensionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Facts (YAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "A list of facts, each with text (es, en) and source (publisher, title, url, "
            "date, date_kind, quote). Leave empty if nothing is sourced."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def dimension_edit(request: HttpRequest, country: str, dimension: str) -> HttpResponse:
    require_role(request.user, LEGAL_ROLES)
    if dimension not in DIMENSIONS:
        raise Http404
    versions = transfer_history(request.user, country, dimension)
    latest = versions[0]
    initial = (
        yaml.safe_dump(latest.facts, allow_unicode=True, sort_keys=False, width=100)
        if latest.facts
        else ""
    )
    form = DimensionForm(request.POST or None, initial={"text": initial})
    if request.method == "POST" and form.is_valid():
        try:
            transfer_dimension_save(
                user=request.user,
                country=country,
                dimension=dimension,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("text", message)
        else:
            messages.success(request, _("Saved a new version."))
            return redirect("transfer:comparison")
    context = {
        "form": form,
        "country": country,
        "country_name": _country_names().get(country, country),
        "dimension": dimension,
        "dimension_name": DIMENSION_NAMES[dimension][_language()],
        "versions": versions,
        "errors": error_summary(form),
    }
    return render(request, "transfer/dimension_form.html", context)
