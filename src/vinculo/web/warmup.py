"""Warming the application before it serves, so that no user pays the first request.

A fresh process answers its first page slowly: Django imports every view module when the
URL configuration is first read, compiles each template on first use, reads the
translation catalogues, builds the reverse-URL tables per language and the Jinja2
environment of the forms, parses the shipped priorities and naming policy (YAML) and the
country names. ``vinculo serve`` loads the application once in gunicorn's master
(``preload_app``) and calls :func:`warm_up` there, before the workers are forked: they
inherit all of it, already done. What it does needs no database and no user: it touches
no data and opens no connection (a forked worker must not share one), and anything it
misses is only a slower first request, never an error.

``VINCULO_WARMUP=0`` turns it off (to measure the difference: scripts/first_requests.py).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)


def enabled() -> bool:
    return os.environ.get("VINCULO_WARMUP", "1").lower() not in ("0", "false", "no", "off")


def _template_names() -> list[str]:
    """Every Django template of the project and its apps (``*.html``, ``*.txt``), by the
    name templates use."""
    from django.conf import settings

    from vinculo.web import settings as web_settings

    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    package = Path(web_settings.__file__).parent
    roots += sorted(package.glob("*/templates"))
    names: list[str] = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".html", ".txt") and path.is_file():
                names.append(path.relative_to(root).as_posix())
    return names


def warm_up() -> dict[str, float]:
    """Do once what every process does on its first requests; return the seconds spent
    per step (for the log and the measurement script)."""
    import django.contrib.admin
    from django.conf import settings
    from django.db import connections
    from django.forms.renderers import get_default_renderer
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.test import Client
    from django.urls import get_resolver, reverse
    from django.utils import translation

    spent: dict[str, float] = {}

    def urls() -> None:
        get_resolver().url_patterns  # imports every view module  # noqa: B018
        django.contrib.admin.site.get_urls()

    def languages() -> None:
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                translation.gettext("Log in")  # reads the catalogues
                reverse("insights:home")  # the reverse table is built per language

    def templates() -> None:
        for name in _template_names():
            try:
                get_template(name)  # compiled once, kept by the cached loader
            except (TemplateDoesNotExist, TemplateSyntaxError):  # another engine's
                continue
        renderer = get_default_renderer()
        for form_template in ("django/forms/div.html", "django/forms/errors/list/ul.html"):
            renderer.get_template(form_template)

    def data_files() -> None:
        # the shipped files the pages read on first use: the priorities (YAML), the naming
        # policy, the country names (pycountry and the locations table)
        from vinculo.strategy.i18n import country_name
        from vinculo.strategy.naming import naming_policy
        from vinculo.web.registry.selectors import priority_choices

        naming_policy()
        for language, _name in settings.LANGUAGES:
            priority_choices(language)
            country_name("FRA", language)

    def requests() -> None:
        # whole requests through the middleware that need no database: the login pages
        hosts = [h for h in settings.ALLOWED_HOSTS if h and "*" not in h and h[0] != "."]
        client = Client(HTTP_HOST=hosts[0] if hosts else "localhost")
        for path in (reverse("accounts:login"), reverse("accounts:password_reset")):
            client.get(path, secure=True)

    for name, work in (
        ("urls", urls),
        ("languages", languages),
        ("templates", templates),
        ("data files", data_files),
        ("requests", requests),
    ):
        started = time.perf_counter()
        try:
            work()
        except Exception:  # a slower first request, never a server that does not start
            log.warning("warm-up: %s failed", name, exc_info=True)
        spent[name] = time.perf_counter() - started
    connections.close_all()  # nothing opened may reach the forked workers
    log.info("warm-up: %s", ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in spent.items()))
    return spent
