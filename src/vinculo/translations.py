"""The product's one translation workflow: gettext catalogues for the web application and
for the strategy layer's briefs and reasons, extracted, merged and compiled by one
command (``scripts/messages``, which runs ``python -m vinculo.translations``).

English is the source language everywhere; Spanish (as written in Mexico) is in two
``.po`` files, each compiled to the ``.mo`` beside it, both committed:

* ``web/locale/es/LC_MESSAGES/django.po``: the web application's strings, extracted by
  Django's ``makemessages`` (it reads Django templates; it needs GNU gettext's
  ``xgettext`` and ``msgmerge``);
* ``strategy/locale/es/LC_MESSAGES/strategy.po``: reasons, offers and the briefing note,
  extracted by Babel from the ``N_(key, english)`` entries of
  :mod:`vinculo.strategy.catalogue` (context = the key, msgid = the English text), merged
  with Babel (a changed English text keeps its old Spanish marked fuzzy for review).

Both ``.mo`` files are compiled by Babel. ``tests/test_translations.py`` fails on an
untranslated or fuzzy string in either catalogue, on a ``.mo`` older than its ``.po``, and
on a ``strategy.po`` that does not match the catalogue's English (docs/translations.md).

This module imports no Django: the web step runs ``makemessages`` in a subprocess.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.util import LOCALTZ

__all__ = [
    "CATALOGUES",
    "KEYWORDS",
    "LANGUAGE",
    "Catalogue",
    "compile_catalogue",
    "extract_strategy",
    "main",
    "merged_strategy",
]

PACKAGE = Path(__file__).resolve().parent
LANGUAGE = "es"
#: Babel's keyword for the strategy catalogue: ``N_(key, english)`` is
#: ``pgettext_noop(context=key, message=english)``.
KEYWORDS = {"N_": ((1, "c"), 2)}
_METHODS = [("**.py", "python")]
_HEADER = """\
# Spanish translation of Vínculo's strategy layer: reasons, offers and briefs.
# Copyright (C) 2026 Vínculo developers
# This file is distributed under the same license as Vínculo (Apache-2.0).
# The context (msgctxt) of each message is its key, a stable code; the msgid is the
# English text (vinculo/strategy/catalogue.py). "{name}" is a parameter: keep it as it
# is. A glossary entry is "term|meaning": keep the one "|".
#"""
_DATES = ('"POT-Creation-Date:', '"PO-Revision-Date:')


@dataclass(frozen=True)
class Catalogue:
    """One gettext catalogue of the product: its name, source ``.po`` and compiled ``.mo``."""

    name: str
    po: Path

    @property
    def mo(self) -> Path:
        return self.po.with_suffix(".mo")


CATALOGUES = (
    Catalogue("web", PACKAGE / "web" / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"),
    Catalogue(
        "strategy", PACKAGE / "strategy" / "locale" / LANGUAGE / "LC_MESSAGES" / "strategy.po"
    ),
)
WEB, STRATEGY = CATALOGUES


def extract_strategy() -> Catalog:
    """The strategy layer's messages as a template catalogue (a ``.pot``), in the order of
    the source: every ``N_(key, english)`` under ``vinculo/strategy``."""
    root = PACKAGE / "strategy"
    template = Catalog(project="Vínculo", version="0.1.0", fuzzy=False)
    for filename, line, message, comments, context in extract_from_dir(
        root, _METHODS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        template.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return template


def merged_strategy() -> Catalog:
    """``strategy.po`` merged with a fresh extraction: new messages untranslated, removed
    ones obsolete, and a changed English text under the same key keeps its old Spanish,
    marked fuzzy with the old English beside it (``#|``) for review. Matching is by key
    only: a new key never borrows the Spanish of another with similar English."""
    template = extract_strategy()
    if STRATEGY.po.exists():
        with STRATEGY.po.open("rb") as handle:
            catalog = read_po(handle, locale=LANGUAGE)
        before = {str(m.context): m for m in catalog if m.id and m.context and m.string}
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        for message in catalog:
            old = before.get(message.context or "")
            if message.id and old is not None and old.id != message.id and not message.string:
                message.string = old.string
                message.flags.add("fuzzy")
                message.previous_id = [str(old.id)]
                catalog.obsolete.pop((str(old.id), str(message.context)), None)
    else:
        catalog = Catalog(locale=LANGUAGE, project="Vínculo", version="0.1.0")
        catalog.update(template)
    catalog.header_comment = _HEADER
    catalog.fuzzy = False
    catalog.msgid_bugs_address = ""
    catalog.copyright_holder = "Vínculo developers"
    catalog.language_team = "Spanish (Mexico)"
    catalog.last_translator = "Vínculo developers"
    return catalog


def po_text(catalog: Catalog) -> str:
    """A catalogue written as ``.po`` text the way the workflow writes it."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=88, include_lineno=False, include_previous=True)
    return buffer.getvalue().decode("utf-8")


def mo_bytes(po: Path) -> bytes:
    """The compiled form of a ``.po`` file (fuzzy translations left out)."""
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=LANGUAGE)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _same_but_dates(old: str, new: str) -> bool:
    def strip(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith(_DATES)]

    return strip(old) == strip(new)


def _write_po(path: Path, catalog: Catalog) -> bool:
    """Write ``catalog`` to ``path`` unless only its dates would change; True if written."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if old and _same_but_dates(old, po_text(catalog)):
        return False
    now = datetime.now(LOCALTZ)
    catalog.creation_date = now
    catalog.revision_date = now
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(po_text(catalog), encoding="utf-8")
    return True


def compile_catalogue(catalogue: Catalogue) -> bool:
    """Compile the ``.po`` to its ``.mo``; True if the ``.mo`` changed."""
    compiled = mo_bytes(catalogue.po)
    if catalogue.mo.exists() and catalogue.mo.read_bytes() == compiled:
        return False
    catalogue.mo.write_bytes(compiled)
    return True


def extract_web() -> bool:
    """Run Django's ``makemessages`` for the web application; True if ``django.po``
    changed beyond its dates (a run that changes only the dates is undone)."""
    before = WEB.po.read_text(encoding="utf-8") if WEB.po.exists() else ""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "vinculo.web.settings_test"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE.parent), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "django", "makemessages", "-l", LANGUAGE]
    subprocess.run(
        [*command, "--add-location", "file", "--verbosity", "0"],
        cwd=PACKAGE / "web",
        env=env,
        check=True,
    )
    after = WEB.po.read_text(encoding="utf-8")
    if before and _same_but_dates(before, after):
        WEB.po.write_text(before, encoding="utf-8")
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/messages",
        description="Extract the product's messages (web and strategy) into their Spanish "
        ".po files, then compile every .po to its .mo.",
    )
    parser.add_argument(
        "--compile-only", action="store_true", help="only compile the .po files (no extraction)"
    )
    args = parser.parse_args(argv)
    if not args.compile_only:
        if extract_web():
            print(f"updated {WEB.po.relative_to(PACKAGE.parent)}")
        if _write_po(STRATEGY.po, merged_strategy()):
            print(f"updated {STRATEGY.po.relative_to(PACKAGE.parent)}")
    for catalogue in CATALOGUES:
        if compile_catalogue(catalogue):
            print(f"compiled {catalogue.mo.relative_to(PACKAGE.parent)}")
    pending = []
    for catalogue in CATALOGUES:
        with catalogue.po.open("rb") as handle:
            catalog = read_po(handle, locale=LANGUAGE)
        pending += [
            f"{catalogue.name}: {message.context or ''} {message.id!r}"
            for message in catalog
            if message.id and ("fuzzy" in message.flags or not _translated(message.string))
        ]
    if pending:
        print(f"{len(pending)} message(s) to translate or review (untranslated or fuzzy):")
        print("\n".join(f"  {line}" for line in pending))
        return 1
    return 0


def _translated(string: object) -> bool:
    return all(string) if isinstance(string, tuple | list) else bool(string)


if __name__ == "__main__":
    raise SystemExit(main())
