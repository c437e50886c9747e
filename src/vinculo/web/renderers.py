"""The form renderer: Django's Jinja2 renderer (the same HTML as Django's form templates,
a fraction of their cost), falling back to Django's template engine for a widget whose
template exists only there (the admin's ``auth/widgets/read_only_password_hash.html``,
without which the admin's page of a user answered 500)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
