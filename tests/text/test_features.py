"""TF-IDF features: lengths, counting reused across folds, attribution of a score."""

from __future__ import annotations

import numpy as np
import pytest

from vinculo.text import Vectorizer

TEXTS = [
    "Baterías de ion de litio para vehículos eléctricos",
    "Lithium-ion batteries for electric buses",
    "Satélites de observación de la Tierra",
    "Earth observation satellites and launchers",
    "Vacunas y vigilancia epidemiológica",
]


@pytest.mark.parametrize("char_ngrams", [None, (3, 5)])
def test_rows_have_unit_length(char_ngrams):
    vectorizer = Vectorizer(char_ngrams=char_ngrams, min_df_chars=1).fit(TEXTS)
    X = vectorizer.transform(TEXTS)
    assert np.allclose(np.sqrt(X.multiply(X).sum(axis=1)).A.ravel(), 1.0)


def test_blocks_have_the_lengths_of_their_shares():
    # word block √(1 − s), character block √s
    vectorizer = Vectorizer(char_weight=0.3, min_df_chars=1).fit(TEXTS)
    X = vectorizer.transform(TEXTS[:1]).toarray()[0]
    split = vectorizer.n_word_features_
    assert np.linalg.norm(X[:split]) == pytest.approx(np.sqrt(0.7))
    assert np.linalg.norm(X[split:]) == pytest.approx(np.sqrt(0.3))
    assert all(f.startswith("~") for f in vectorizer.features_[split:])
    assert not any(f.startswith("~") for f in vectorizer.features_[:split])


def test_unseen_words_give_an_empty_row():
    vectorizer = Vectorizer().fit(TEXTS)
    assert vectorizer.transform(["xyzzy quux"]).nnz == 0


def test_character_ngrams_need_two_texts_by_default():
    vectorizer = Vectorizer().fit(["qwxy", "solar", "solar"])
    assert "~qwx" not in vectorizer.vocabulary_
    assert "~sol" in vectorizer.vocabulary_
    assert "qwxi" in vectorizer.vocabulary_  # words are all kept (y -> i)


def test_fitting_on_counted_rows_equals_fitting_on_those_texts():
    # the cross-validation counts once and fits each fold on some rows
    rows = [0, 2, 3]
    counts = Vectorizer().count(TEXTS)
    on_rows = Vectorizer().fit_counts(counts, rows)
    direct = Vectorizer().fit([TEXTS[i] for i in rows])
    assert on_rows.features_ == direct.features_
    assert np.array_equal(on_rows.idf_, direct.idf_)
    held_out = [1, 4]
    expected = direct.transform([TEXTS[i] for i in held_out]).toarray()
    assert np.allclose(on_rows.weigh(counts, held_out).toarray(), expected)


def test_idf_by_hand():
    vectorizer = Vectorizer(char_ngrams=None, bigrams=False).fit(["solar wind", "solar", "hydro"])
    idf = dict(zip(vectorizer.features_, vectorizer.idf_, strict=True))
    assert idf["solar"] == pytest.approx(1 + np.log(4 / 3))  # in 2 of 3 texts
    assert idf["wind"] == pytest.approx(1 + np.log(4 / 2))  # in 1 of 3


def test_attributions_add_up_to_the_score():
    vectorizer = Vectorizer(min_df_chars=1).fit(TEXTS)
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(vectorizer.n_features, 2))
    text = "Baterías de litio y baterías de sodio"
    score = vectorizer.transform([text]).toarray()[0] @ weights
    for column, attribution in enumerate(vectorizer.attribute(text, weights)):
        assert sum(value for _, value in attribution) == pytest.approx(score[column])
        values = [value for _, value in attribution]
        assert values == sorted(values, reverse=True)
    terms = [term for term, _ in vectorizer.attribute(text, weights[:, 0])[0]]
    assert "baterías" in terms
    assert "baterías de litio" in terms  # a bigram spans the stopword, as written


def test_state_round_trip():
    vectorizer = Vectorizer(char_weight=0.4).fit(TEXTS)
    copy = Vectorizer.from_state(vectorizer.state(), vectorizer.idf_)
    assert np.array_equal(copy.transform(TEXTS).toarray(), vectorizer.transform(TEXTS).toarray())


def test_char_weight_is_checked():
    with pytest.raises(ValueError, match="char_weight"):
        Vectorizer(char_weight=1.0).fit(TEXTS)
