"""One gettext workflow for the whole product (``scripts/messages``, vinculo.translations):
every catalogue, the web application's and the strategy layer's (reasons, offers, briefs),
is complete in Spanish, compiled from its source, and the strategy catalogue holds exactly
the messages of the code."""

from __future__ import annotations

import gettext
import re
import string

import pytest
from babel.messages.pofile import read_po

from vinculo.strategy.catalogue import ENGLISH
from vinculo.strategy.i18n import message as rendered
from vinculo.translations import CATALOGUES, LANGUAGE, STRATEGY, Catalogue, merged_strategy

ids = [c.name for c in CATALOGUES]


def _translated(string) -> bool:
    return all(string) if isinstance(string, tuple | list) else bool(string)


def _catalog(catalogue: Catalogue):
    with catalogue.po.open("rb") as handle:
        return read_po(handle, locale=LANGUAGE)


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=ids)
def test_every_message_has_its_spanish(catalogue):
    untranslated = [
        (message.context, message.id)
        for message in _catalog(catalogue)
        if message.id and ("fuzzy" in message.flags or not _translated(message.string))
    ]
    assert not untranslated, (
        f"translate (and clear the fuzzy flag) in {catalogue.po.name}, then run "
        f"scripts/messages: {untranslated}"
    )


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=ids)
def test_the_compiled_catalogue_matches_the_source(catalogue):
    with catalogue.mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for message in _catalog(catalogue):
        if not message.id or "fuzzy" in message.flags or not _translated(message.string):
            continue  # left out of the .mo on purpose: the test above names them
        if isinstance(message.id, tuple):
            found = compiled.ngettext(message.id[0], message.id[1], 1)
            expected = message.string[0]
        elif message.context:  # pgettext: the same words, another meaning (a gender, a key)
            found, expected = compiled.pgettext(message.context, message.id), message.string
        else:
            found, expected = compiled.gettext(message.id), message.string
        if found != expected:
            stale.append(message.id)
    assert not stale, f"{catalogue.mo.name} is older than its .po: run scripts/messages {stale[:5]}"


def test_the_strategy_catalogue_holds_the_messages_of_the_code():
    """strategy.po is what scripts/messages makes of the code: a message added to or
    changed in vinculo/strategy/catalogue.py without running it fails here."""
    on_file = {(m.context, m.id): m.string for m in _catalog(STRATEGY) if m.id}
    merged = {(m.context, m.id): m.string for m in merged_strategy() if m.id}
    assert set(merged) == {(key, english) for key, english in ENGLISH.items()}
    assert on_file == merged, "run scripts/messages"


def _fields(template: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(template) if name)


@pytest.mark.parametrize("key", list(ENGLISH))
def test_a_translation_keeps_the_parameters_and_the_glossary_bar(key):
    english, spanish = rendered(key, "en"), rendered(key, "es")
    assert _fields(spanish) == _fields(english)
    assert spanish.count("|") == english.count("|")
    if key.startswith("glossary."):
        assert english.count("|") == 1


def test_the_brief_template_holds_no_text_of_its_own():
    """Every word of the brief comes through t()/tq() from the catalogue; the keys it names
    are in it."""
    from importlib import resources

    html = resources.files("vinculo.strategy").joinpath("templates/brief.html").read_text()
    keys = set(re.findall(r"""\bt[q]?\(\s*['"]([a-z0-9_.]+)['"]""", html))
    assert keys
    unknown = [  # a key ending in "." is completed in the template ('brief.ask.' ~ component)
        k
        for k in keys
        if not (any(e.startswith(k) for e in ENGLISH) if k.endswith(".") else k in ENGLISH)
    ]
    assert not unknown, unknown
    body = re.sub(r"<style.*?</style>|\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", "", html, flags=re.S)
    words = re.findall(r"[^\W\d_]{3,}", re.sub(r"<[^>]*>", " ", body))
    assert not words, words
