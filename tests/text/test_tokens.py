"""Tokenizer: accent folding, stopwords, the shared Spanish-English stemmer."""

from __future__ import annotations

import pytest

from vinculo.text import STOPWORDS, fold, stem, tokenize


def test_fold_strips_accents_and_case():
    assert fold("Transición ENERGÉTICA") == "transicion energetica"
    assert fold("Año, pingüino, Straße, Ærø") == "ano, pinguino, strasse, ærø"


def test_spanish_tokens_drop_stopwords_and_split_hyphens():
    assert tokenize("Las baterías de ion-litio para los vehículos eléctricos") == [
        "bateri",
        "ion",
        "liti",
        "vehicul",
        "electric",
    ]


def test_english_tokens_drop_stopwords_numbers_and_single_letters():
    assert tokenize("The lithium-ion batteries of 2026 (phase 2, a test)") == [
        "liti",
        "ion",
        "bateri",
        "fase",
        "test",
    ]


def test_words_with_digits_are_kept_whole():
    assert tokenize("CO2 emissions and 6G networks") == ["co2", "emision", "6g", "network"]


@pytest.mark.parametrize(
    ("spanish", "english"),
    [
        ("baterías", "batteries"),
        ("batería", "battery"),
        ("satélites", "satellites"),
        ("energía", "energy"),
        ("litio", "lithium"),
        ("sodio", "sodium"),
        ("eléctricos", "electric"),
        ("transición", "transition"),
        ("mitigación", "mitigation"),
        ("capacidad", "capacity"),
        ("emisiones", "emissions"),
        ("hidrógeno", "hydrogen"),
        ("fotovoltaica", "photovoltaic"),
        ("supercómputo", "supercomputing"),
        ("sistemas", "systems"),
    ],
)
def test_cognates_share_a_stem(spanish, english):
    assert stem(fold(spanish)) == stem(fold(english))


def test_short_words_are_not_stemmed():
    assert stem("ion") == "ion"
    assert stem("gas") == "gas"


def test_stopwords_are_folded_and_cover_both_languages():
    assert all(word == fold(word) for word in STOPWORDS)
    assert {"para", "tambien", "the", "which"} <= STOPWORDS


def test_other_scripts_and_empty_texts():
    assert tokenize("") == []
    assert tokenize("  ...  ") == []
    assert tokenize("Электромобили и батареи") == ["электромобили", "батареи"]
    assert tokenize("電池") == ["電池"]
