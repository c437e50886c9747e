"""The Spanish catalogue is complete and its compiled form is the one in use."""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.pofile import read_po

import vinculo.web

LOCALE = Path(vinculo.web.__file__).parent / "locale" / "es" / "LC_MESSAGES"


def _catalog():
    with (LOCALE / "django.po").open("rb") as handle:
        return read_po(handle, locale="es")


def test_every_message_has_its_spanish():
    untranslated = [
        message.id
        for message in _catalog()
        if message.id
        and (
            "fuzzy" in message.flags
            or not (all(message.string) if isinstance(message.string, tuple) else message.string)
        )
    ]
    assert not untranslated, f"fill these in django.po, then compilemessages: {untranslated}"


def test_the_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for message in _catalog():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            found = compiled.ngettext(message.id[0], message.id[1], 1)
            expected = message.string[0]
        elif message.context:  # pgettext: the same words, another meaning (a gender)
            found, expected = compiled.pgettext(message.context, message.id), message.string
        else:
            found, expected = compiled.gettext(message.id), message.string
        if found != expected:
            stale.append(message.id)
    assert not stale, f"django.mo is older than django.po: run compilemessages ({stale[:5]})"
