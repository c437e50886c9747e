"""The priority classifier: zero-shot Spanish and English, evidence, corrections, files."""

from __future__ import annotations

import numpy as np
import pytest

from vinculo.strategy.priorities import default_priorities
from vinculo.text import (
    DEFAULT_THRESHOLD,
    Example,
    PriorityClassifier,
    TextError,
    prior_examples,
    train,
)

BATTERIES_ES = "Baterías de ion de litio para vehículos eléctricos"
SATELLITES_EN = "Satellite earth observation"
UNRELATED = "Intercambio de estudiantes de música y danza"


@pytest.fixture(scope="module")
def zero_shot() -> PriorityClassifier:
    """Trained on the priorities file alone."""
    return PriorityClassifier().fit()


_REEFS = "Arrecifes de coral: restauración ante el calentamiento del océano"
_CORRECTIONS = [
    Example(_REEFS, {"climate-change"}, id="c1"),
    Example("Blanqueamiento de corales por olas de calor marinas", {"climate-change"}),
    Example("Corales y praderas marinas frente al cambio climático", {"climate-change"}),
    Example("Inteligencia artificial en las aulas: tutores para estudiantes", set()),
    Example("Herramientas de inteligencia artificial para maestros de escuela", set()),
    Example("Festival de cine y coproducciones audiovisuales", set()),
    Example("Becas de posgrado en ingeniería de baterías de estado sólido", {"batteries"}),
    Example("Reciclaje de baterías de vehículos eléctricos", {"batteries", "electromobility"}),
    Example("Celdas de baterías de sodio para almacenamiento", {"batteries"}),
    Example("Autobuses eléctricos y estaciones de carga", {"electromobility"}),
    Example("Taxis eléctricos en la ciudad", {"electromobility"}),
    Example("Motos eléctricas de reparto", {"electromobility"}),
]


@pytest.fixture(scope="module")
def corrected() -> PriorityClassifier:
    """Trained on the priorities file and a dozen corrections (enough to cross-validate)."""
    return train(_CORRECTIONS)


def ids(suggestions):
    return [s.priority for s in suggestions]


def test_spanish_batteries_and_electric_vehicles_with_no_training(zero_shot):
    found = zero_shot.suggest(BATTERIES_ES)
    assert set(ids(found)) == {"batteries", "electromobility"}
    by_id = {s.priority: s for s in found}
    assert "baterías" in by_id["batteries"].terms
    assert {"vehículos", "eléctricos"} & set(by_id["electromobility"].terms)
    assert by_id["batteries"].similar[0].id.startswith("batteries:")
    assert all(0 < s.similarity <= 1 for s in by_id["batteries"].similar)


def test_english_satellites_with_no_training(zero_shot):
    found = zero_shot.suggest(SATELLITES_EN)
    assert ids(found) == ["aerospace"]
    assert found[0].confidence > 0.9
    assert {"satellite", "earth", "observation"} <= set(found[0].terms)
    assert found[0].similar[0].title == "Earth observation"


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("Vacunas contra el dengue y vigilancia epidemiológica", "health-security"),
        ("Exploración y extracción de litio en salmueras", "lithium-value-chain"),
        ("Green hydrogen production from offshore wind", "energy-transition"),
        ("Electric buses for public transport", "electromobility"),
        ("Supercómputo para simulación numérica", "supercomputing"),
        ("Adaptación al cambio climático y gestión del agua", "climate-change"),
        ("Véhicules électriques et batteries lithium-ion", "batteries"),  # French
    ],
)
def test_each_priority_from_its_own_words(zero_shot, text, priority):
    assert ids(zero_shot.suggest(text))[0] == priority


def test_a_text_may_fit_no_priority(zero_shot):
    assert zero_shot.suggest(UNRELATED) == []
    assert zero_shot.predict([UNRELATED]) == [frozenset()]


def test_suggestions_are_ordered_and_limited(zero_shot):
    found = zero_shot.suggest(BATTERIES_ES)
    confidences = [s.confidence for s in found]
    assert confidences == sorted(confidences, reverse=True)
    assert len(zero_shot.suggest(BATTERIES_ES, top=1)) == 1
    assert len(zero_shot.suggest(UNRELATED, threshold=0.0)) == 8
    assert zero_shot.suggest(SATELLITES_EN, threshold=1.0) == []
    assert zero_shot.suggest(SATELLITES_EN, n_terms=1, n_similar=1)[0].terms == ("satellite",)


def test_probabilities_and_predictions_agree(zero_shot):
    texts = [BATTERIES_ES, SATELLITES_EN, UNRELATED]
    proba = zero_shot.predict_proba(texts)
    assert proba.shape == (3, 8)
    for row, predicted in zip(proba, zero_shot.predict(texts), strict=True):
        limits = zip(zero_shot.labels_, row, zero_shot.thresholds_, strict=True)
        expected = {priority for priority, x, t in limits if x >= t}
        assert predicted == expected
    assert zero_shot.suggest_many(texts) == [zero_shot.suggest(t) for t in texts]


def test_with_no_labelled_data_the_threshold_is_the_default(zero_shot):
    assert np.all(zero_shot.thresholds_ == DEFAULT_THRESHOLD)
    assert set(zero_shot.threshold_sources_) == {"default"}
    assert zero_shot.n_examples_ == 0
    assert zero_shot.n_priors_ == len(prior_examples(default_priorities(), scope=True))
    assert zero_shot.n_priors_ > len(prior_examples(default_priorities()))  # + scope texts


def test_corrections_change_the_suggestions(zero_shot, corrected):
    reef = "Monitoreo de arrecifes de coral y blanqueamiento"
    before = {s.priority: s.confidence for s in zero_shot.suggest(reef, threshold=0.0)}
    after = corrected.suggest(reef)
    assert ids(after)[0] == "climate-change"
    assert after[0].confidence > before["climate-change"] + 0.3
    assert {"arrecifes", "coral"} <= set(after[0].terms)
    assert "c1" in [n.id for n in after[0].similar]  # a correction is a known item now
    # corrections saying "none of them" lower a keyword's pull
    classroom = "Inteligencia artificial para la educación primaria"
    [ai] = zero_shot.predict_proba([classroom])[:, [7]].ravel()
    [ai_after] = corrected.predict_proba([classroom])[:, [7]].ravel()
    assert ai_after < ai


def test_the_default_threshold_rule_is_shared(corrected):
    """By default (chosen grouped by call, docs/text.md) one rule, k standard deviations
    above each priority's negatives, chosen on the corrections' cross-validated
    probabilities, sets every priority's threshold."""
    assert set(corrected.threshold_sources_) == {"shared"}
    assert corrected.get_params()["thresholds"] == "shared"


def test_global_threshold_when_asked():
    """thresholds="global": one probability threshold for every priority, even one with
    no positive."""
    common = train(_CORRECTIONS, thresholds="global")
    assert set(common.threshold_sources_) == {"global"}
    assert len(set(common.thresholds_)) == 1
    assert 0.1 <= common.thresholds_[0] <= 0.9


def test_shared_thresholds_when_asked():
    """thresholds="shared": one rule (k standard deviations above each priority's
    negatives' log-odds), so a threshold per priority."""
    shared = train(_CORRECTIONS, thresholds="shared")
    assert set(shared.threshold_sources_) == {"shared"}
    assert np.all((shared.thresholds_ > 0) & (shared.thresholds_ < 1))
    assert len(set(np.round(shared.thresholds_, 6))) == len(shared.labels_)


def test_own_thresholds_where_a_priority_has_enough_positives():
    own = train(_CORRECTIONS, thresholds="own")
    sources = dict(zip(own.labels_, own.threshold_sources_, strict=True))
    assert sources["climate-change"] == "cross-validated"
    assert sources["batteries"] == "cross-validated"
    assert sources["aerospace"] == "default"  # no labelled positive
    thresholds = dict(zip(own.labels_, own.thresholds_, strict=True))
    cross_validated = [thresholds[p] for p, s in sources.items() if s == "cross-validated"]
    assert thresholds["aerospace"] == pytest.approx(float(np.median(cross_validated)))
    with pytest.raises(ValueError, match="thresholds must be"):
        PriorityClassifier(thresholds="mine").fit()


def test_the_shared_rule_places_k_from_every_priority():
    """Two priorities with negatives' log-odds of different spread: k is the number of
    standard deviations that catches both positives and no negative, and each threshold
    sits k of its own deviations above its own negatives."""
    from vinculo.text.classifier import _shared_thresholds

    def probability(logit):
        return 1 / (1 + np.exp(-np.asarray(logit, dtype=float)))

    # rows 0-4: negatives of both; row 5: a positive of a; row 6: a positive of b
    a = [-5.0, -4.0, -3.0, -4.0, -4.0, -1.0, -4.0]
    b = [-2.5, -1.5, -2.0, -2.0, -2.0, -2.0, -0.5]
    scores = np.column_stack([probability(a), probability(b)])
    truth = np.zeros((7, 2), dtype=bool)
    truth[5, 0] = truth[6, 1] = True
    known = np.ones((7, 2), dtype=bool)
    limits = _shared_thresholds(scores, truth, known, np.array([True, True]))
    # a's negatives: mean -4, sd sqrt(1/3); b's: mean -2, sd sqrt(1/12). In both, the
    # highest negative stands 1.73 deviations above the mean and the positive 5.20: every
    # k of the grid from 1.8 to 5.1 separates them (34 values), and the middle one is 3.5
    k, sd_a, sd_b = 3.5, np.sqrt(1 / 3), np.sqrt(1 / 12)
    assert limits[0] == pytest.approx(float(probability(-4 + k * sd_a)))
    assert limits[1] == pytest.approx(float(probability(-2 + k * sd_b)))
    assert scores[6, 1] >= limits[1] > scores[1, 1]
    assert scores[5, 0] >= limits[0] > scores[2, 0]


def test_an_unknown_label_is_neither_positive_nor_negative():
    text = "Programa binacional de cooperación en arrecifes coralinos"
    common = {"texts": [text], "unknown": [{"climate-change"}]}
    positive = PriorityClassifier().fit(labels=[{"climate-change"}], **common)
    negative = PriorityClassifier().fit(labels=[set()], **common)
    assert np.array_equal(positive.coef_, negative.coef_)
    assert not positive.train_labels_[-1].any()


def test_save_and_load_give_identical_predictions(corrected, tmp_path):
    path = corrected.save(tmp_path / "models" / "classifier.npz")
    assert [p.name for p in path.parent.iterdir()] == ["classifier.npz"]  # no temporary left
    loaded = PriorityClassifier.load(path)
    texts = [BATTERIES_ES, SATELLITES_EN, UNRELATED, "Monitoreo de arrecifes de coral"]
    assert np.array_equal(loaded.predict_proba(texts), corrected.predict_proba(texts))
    assert loaded.suggest_many(texts) == corrected.suggest_many(texts)
    assert np.array_equal(loaded.thresholds_, corrected.thresholds_)
    assert loaded.get_params() == corrected.get_params()
    assert loaded.names_["aerospace"]["es"] == "Industria aeroespacial y satélites"


def test_load_refuses_other_files(tmp_path):
    with pytest.raises(TextError, match="no such file"):
        PriorityClassifier.load(tmp_path / "missing.npz")
    text_file = tmp_path / "notes.npz"
    text_file.write_text("not a model", encoding="utf-8")
    with pytest.raises(TextError, match="not a Vínculo classifier model"):
        PriorityClassifier.load(text_file)
    other = tmp_path / "other.npz"
    np.savez(other, header=np.array('{"format": "something else"}'))
    with pytest.raises(TextError, match="found 'something else'"):
        PriorityClassifier.load(other)


@pytest.mark.parametrize(
    ("texts", "labels", "message"),
    [
        (["ok", "  "], [set(), set()], r"texts\[1\]: empty text"),
        (["ok"], [{"batteries", "bananas"}], r"labels\[0\]: unknown priority 'bananas'"),
        (["ok"], ["batteries"], r"labels\[0\]: a collection of priority ids, not a string"),
        (["ok", "fine"], [set()], "2 texts but 1 labels"),
    ],
)
def test_fit_refuses_bad_examples(texts, labels, message):
    with pytest.raises(TextError, match=message):
        PriorityClassifier().fit(texts, labels)


def test_an_untrained_model_says_so():
    with pytest.raises(TextError, match="not trained"):
        PriorityClassifier().suggest("texto")


def test_suggestion_as_dict(zero_shot):
    found = zero_shot.suggest(SATELLITES_EN)[0].as_dict()
    assert set(found) == {"id", "confidence", "threshold", "terms", "similar"}
    assert found["id"] == "aerospace"
    assert set(found["similar"][0]) == {"id", "title", "similarity"}


def test_the_shipped_model_is_trained_on_the_eu_topics():
    from vinculo.text import default_model

    model = default_model()
    assert model.n_examples_ == 428
    assert set(model.threshold_sources_) == {"shared"}
    found = model.suggest("Drones and unmanned aerial vehicles for border surveillance")
    assert "aerospace" in ids(found)
    found = model.suggest("Satellite navigation receivers for positioning and timing")
    assert ids(found)[0] == "aerospace"


def test_scope_texts_cover_what_the_priorities_file_left_out():
    from vinculo.text import scope_examples

    texts = scope_examples(default_priorities())
    aerospace = " ".join(e.text for e in texts if e.labels == {"aerospace"})
    for words in ("drones", "space missions", "satellite navigation", "vehículos aéreos"):
        assert words in aerospace
    outside = [e for e in texts if not e.labels]
    assert outside
    assert all(e.id.startswith("outside:") for e in outside)


def test_tf_idf_agrees_with_scikit_learn():
    """Vectorizer(bigrams=False, char_ngrams=None, sublinear=False) is scikit-learn's
    TfidfVectorizer (smoothed IDF, L2 rows) on the same stems."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from vinculo.text import Vectorizer, tokenize

    texts = ["Baterías de litio y baterías de sodio", "Energía solar", "solar batteries"]
    ours = Vectorizer(bigrams=False, char_ngrams=None, sublinear=False).fit(texts)
    theirs = TfidfVectorizer(analyzer=tokenize).fit(texts)
    order = [theirs.vocabulary_[f] for f in ours.features_]
    expected = theirs.transform(texts).toarray()[:, order]
    np.testing.assert_allclose(ours.transform(texts).toarray(), expected, atol=1e-10)
