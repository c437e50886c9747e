"""Multi-label classification of free text into the priorities of a priorities file, with
the evidence of each suggestion: the words that drove it and the most similar known items."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from vinculo.strategy.priorities import Priorities, default_priorities
from vinculo.text.corpus import Example
from vinculo.text.errors import TextError
from vinculo.text.features import Counts, Vectorizer
from vinculo.text.logistic import sigmoid_scores
from vinculo.text.priors import prior_examples

__all__ = [
    "DEFAULT_MODEL_FILE",
    "DEFAULT_THRESHOLD",
    "Neighbour",
    "PriorityClassifier",
    "Suggestion",
    "default_model",
    "train",
]

#: The shipped model: the priorities file of Mexico 2026 (with its scope texts) and the
#: 428 hand-labelled EU call topics, written by
#: ``vinculo classify-train --eu-calls ../shared/data -o`` this file (docs/text.md).
DEFAULT_MODEL_FILE = Path(__file__).with_name("data") / "classifier-mex-2026.npz"

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: The threshold of a model with no cross-validated threshold at all (e.g. trained on the
#: priorities file alone). On the training part of the EU call topics, the priorities file
#: with its scope texts alone scores macro-F1 0.57 at 0.3, 0.60 at 0.5 and 0.62 at 0.7;
#: kept at 0.3 because short texts (an officer's note) get lower confidences than long
#: calls (docs/text.md).
DEFAULT_THRESHOLD = 0.3

_PARAMETERS = (
    "C",
    "prior_weight",
    "scope",
    "bigrams",
    "sublinear",
    "char_ngrams",
    "char_weight",
    "min_df_chars",
    "folds",
    "min_positives",
    "thresholds",
    "threshold",
    "random_state",
)


@dataclass(frozen=True)
class Neighbour:
    """A known item (a labelled example or a text of the priorities file) like the text."""

    id: str
    title: str
    similarity: float  # cosine of the two TF-IDF rows, in [0, 1]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "similarity": round(self.similarity, 4)}


@dataclass(frozen=True)
class Suggestion:
    """One priority suggested for a text, with its evidence."""

    priority: str  # the priority's id
    confidence: float  # the model's probability that the priority applies, in [0, 1]
    threshold: float  # the priority's threshold: suggested when confidence >= threshold
    terms: tuple[str, ...]  # words of the text that raised the confidence most, first first
    similar: tuple[Neighbour, ...]  # the most similar known items with this priority

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.priority,
            "confidence": round(self.confidence, 4),
            "threshold": round(self.threshold, 4),
            "terms": list(self.terms),
            "similar": [n.as_dict() for n in self.similar],
        }


class PriorityClassifier:
    r"""Suggest priorities for a text: TF-IDF features and one logistic regression per
    priority, trained on the priorities file's own texts plus any labelled examples.

    The model (docs/text.md):

    1. Features (:class:`vinculo.text.features.Vectorizer`): accent-folded, stemmed words
       (one light stemmer for Spanish and English) and, optionally, pairs of consecutive
       words and character n-grams of the stems, weighted by TF-IDF.
    2. Training texts: the priorities file's names, descriptions, keywords and value-chain
       stages in every language it has, with the scope texts of the shipped priorities
       when ``scope`` (:func:`prior_examples`, each weighted ``prior_weight``) — enough
       to work with no labelled data — plus the labelled
       examples given to :meth:`fit` (weight 1), e.g. officers' corrections. An example is
       a negative for every priority it does not carry, except those it is ``unknown``
       for.
    3. One L2-penalised logistic regression per priority (scikit-learn's
       ``LogisticRegression``, liblinear, inverse penalty ``C``), its classes weighted
       ``"balanced"`` so that a priority with few examples is not drowned: the
       confidence is its probability.
    4. A threshold per priority, from ``folds``-fold cross-validated probabilities of
       the labelled examples. ``thresholds="global"``: one probability
       threshold for every priority, the one that maximises the macro-F1 of those
       probabilities. ``thresholds="shared"`` (the default): one rule for all —
       a text is suggested when its log-odds stand ``k`` standard deviations above the
       mean log-odds of the priority's negatives, the same ``k`` for every priority,
       chosen to maximise the mean F1 over the priorities with positives; a priority
       with a few examples (too few to place a threshold of its own) borrows the
       choice of the others. ``thresholds="own"``: each priority with at least
       ``min_positives`` labelled positives gets the threshold that maximises its own F1
       (the middle of the best range), the others the median of those. Without
       labelled examples: ``threshold`` if given, else :data:`DEFAULT_THRESHOLD`. A text
       may get no priority at all.
    5. Evidence: the words whose features add most to the priority's score
       (:meth:`Vectorizer.attribute`), and the training texts of that priority most
       similar to the text (cosine of the TF-IDF rows).

    Follows scikit-learn's contract: ``__init__`` stores the parameters, :meth:`fit`
    learns the attributes ending in ``_`` and returns ``self``.

    Parameters
    ----------
    priorities
        The priorities (default: :func:`~vinculo.strategy.priorities.default_priorities`).
    C
        Inverse strength of the L2 penalty.
    prior_weight
        Weight of each text of the priorities file relative to a labelled example.
    scope
        Add the scope texts (:func:`~vinculo.text.priors.scope_examples`) of the
        priorities they describe.
    bigrams, sublinear, char_ngrams, char_weight, min_df_chars
        The features (:class:`~vinculo.text.features.Vectorizer`).
    folds
        Folds of the cross-validation that sets the thresholds.
    min_positives
        Labelled positives a priority needs for a threshold of its own (``"own"``).
    thresholds
        ``"global"``, ``"shared"`` or ``"own"`` (see step 4).
    threshold
        Threshold of the priorities without one of their own (None: see above).
    random_state
        Seed of the assignment of examples to folds.

    Examples
    --------
    With nothing but the priorities file:

    >>> model = PriorityClassifier().fit()
    >>> best = model.suggest("Cooperación en satélites de observación de la Tierra")[0]
    >>> best.priority, best.confidence > 0.9
    ('aerospace', True)
    >>> best.terms[:3]
    ('satélites', 'observación', 'tierra')
    >>> best.similar[0].id
    'aerospace:keyword:es:3'
    >>> model.suggest("Intercambio de estudiantes de música y danza")
    []
    """

    def __init__(
        self,
        priorities: Priorities | None = None,
        *,
        C: float = 10.0,
        prior_weight: float = 1.0,
        scope: bool = True,
        bigrams: bool = False,
        sublinear: bool = False,
        char_ngrams: tuple[int, int] | None = None,
        char_weight: float = 0.3,
        min_df_chars: int = 2,
        folds: int = 5,
        min_positives: int = 3,
        thresholds: str = "shared",
        threshold: float | None = None,
        random_state: int = 0,
    ) -> None:
        self.priorities = priorities
        self.C = C
        self.prior_weight = prior_weight
        self.scope = scope
        self.bigrams = bigrams
        self.sublinear = sublinear
        self.char_ngrams = char_ngrams
        self.char_weight = char_weight
        self.min_df_chars = min_df_chars
        self.folds = folds
        self.min_positives = min_positives
        self.thresholds = thresholds
        self.threshold = threshold
        self.random_state = random_state

    def get_params(self) -> dict[str, Any]:
        """The parameters (except ``priorities``), as given to ``__init__``."""
        return {name: getattr(self, name) for name in _PARAMETERS}

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        texts: Sequence[str] = (),
        labels: Sequence[Collection[str]] = (),
        *,
        ids: Sequence[str] | None = None,
        titles: Sequence[str] | None = None,
        unknown: Sequence[Collection[str]] | None = None,
    ) -> PriorityClassifier:
        """Train on the priorities file and the labelled ``texts``; returns ``self``.

        Parameters
        ----------
        texts
            Labelled texts (none: the priorities file alone).
        labels
            For each text, the ids of its priorities (empty: none of them).
        ids, titles
            For each text, how to name it when it is shown as a similar item (default:
            ``example 1``, ``example 2``, ... and the start of the text).
        unknown
            For each text, priorities it is neither a positive nor a negative for.

        Raises
        ------
        TextError
            Lengths that differ, a text that is not a non-empty string, an unknown
            priority id (the message names the position, from 0).
        """
        if self.folds < 2:
            raise ValueError(f"folds must be at least 2, not {self.folds}")
        if self.thresholds not in ("global", "shared", "own"):
            raise ValueError(
                f"thresholds must be 'global', 'shared' or 'own', not {self.thresholds!r}"
            )
        priorities = self.priorities or default_priorities()
        ids_known = tuple(p.id for p in priorities.priorities)
        n = len(texts)
        given = {"labels": labels, "ids": ids, "titles": titles, "unknown": unknown}
        for name, values in given.items():
            if values is not None and len(values) != n:
                raise TextError(f"{len(texts)} texts but {len(values)} {name}")
        labelled: list[Example] = []
        for i, text in enumerate(texts):
            if not isinstance(text, str) or not text.strip():
                problem = "empty text" if isinstance(text, str) else "not a string"
                raise TextError(f"texts[{i}]: {problem}")
            for field, ids_given in (
                ("labels", labels[i]),
                ("unknown", unknown[i] if unknown else ()),
            ):
                if isinstance(ids_given, str):
                    raise TextError(f"{field}[{i}]: a collection of priority ids, not a string")
                wrong = sorted(set(ids_given) - set(ids_known))
                if wrong:
                    raise TextError(
                        f"{field}[{i}]: unknown priority {wrong[0]!r}; one of: "
                        + ", ".join(ids_known)
                    )
            labelled.append(
                Example(
                    text,
                    frozenset(labels[i]),
                    id=ids[i] if ids else f"example {i + 1}",
                    title=titles[i] if titles else " ".join(text.split())[:80],
                    unknown=frozenset(unknown[i]) if unknown else frozenset(),
                )
            )
        priors = prior_examples(priorities, scope=self.scope)
        everything = priors + labelled
        Y, known = _indicators(everything, ids_known)
        weights = (
            known * np.array([self.prior_weight] * len(priors) + [1.0] * len(labelled))[:, None]
        )

        vectorizer = self._vectorizer()
        counts = vectorizer.count(e.text for e in everything)
        X = vectorizer.fit_counts(counts).weigh(counts)
        coef, intercept = _fit_logistic(X, Y, weights, self.C)

        self.labels_: tuple[str, ...] = ids_known
        self.names_: dict[str, dict[str, str]] = {p.id: dict(p.name) for p in priorities.priorities}
        self.vectorizer_ = vectorizer
        self.coef_: FloatArray = coef
        self.intercept_: FloatArray = intercept
        self.n_priors_: int = len(priors)
        self.n_examples_: int = len(labelled)
        self.train_ids_: tuple[str, ...] = tuple(e.id for e in everything)
        self.train_titles_: tuple[str, ...] = tuple(e.title for e in everything)
        self.train_labels_: BoolArray = (Y > 0) & known
        self.train_rows_: sparse.csr_matrix = _unit_rows(X)
        # transposed too (features × texts): a text's product with it reads only its features
        self.train_columns_: sparse.csr_matrix = sparse.csr_matrix(self.train_rows_.T)
        self.thresholds_, self.threshold_sources_ = self._thresholds(
            counts, Y, weights, len(priors)
        )
        return self

    def _vectorizer(self) -> Vectorizer:
        return Vectorizer(
            bigrams=self.bigrams,
            sublinear=self.sublinear,
            char_ngrams=self.char_ngrams,
            char_weight=self.char_weight,
            min_df_chars=self.min_df_chars,
        )

    def _thresholds(
        self, counts: Counts, Y: FloatArray, weights: FloatArray, n_priors: int
    ) -> tuple[FloatArray, tuple[str, ...]]:
        """Per-priority thresholds from out-of-fold probabilities of the labelled texts
        (rows ``n_priors`` on of ``counts``, ``Y`` and ``weights``)."""
        k = Y.shape[1]
        chosen = np.full(k, np.nan)
        sources = ["default"] * k
        labelled_Y, known = Y[n_priors:], weights[n_priors:] > 0
        truth = (labelled_Y > 0) & known
        positives = truth.sum(axis=0)
        own = (positives >= self.min_positives) & (self.thresholds == "own")
        shared = np.full(k, self.thresholds == "shared")
        common = np.full(k, self.thresholds == "global")
        wanted = own.any() or ((shared | common) & (positives > 0)).any()
        if wanted and len(labelled_Y) >= 2 * self.folds:
            scores = self._out_of_fold(counts, Y, weights, n_priors)
            if common.any():
                chosen[:] = _global_threshold(scores, truth, known)
                sources = ["global"] * k
            for j in map(int, np.flatnonzero(own)):
                chosen[j] = _best_threshold(scores[known[:, j], j], truth[known[:, j], j])
                sources[j] = "cross-validated"
            if shared.any():
                for j, limit in _shared_thresholds(scores, truth, known, shared).items():
                    chosen[j] = limit
                    sources[j] = "shared"
        if self.threshold is not None:
            fallback = float(self.threshold)
        elif not np.isnan(chosen).all():
            fallback = float(np.nanmedian(chosen))
        else:
            fallback = DEFAULT_THRESHOLD
        return np.where(np.isnan(chosen), fallback, chosen), tuple(sources)

    def _out_of_fold(
        self, counts: Counts, Y: FloatArray, weights: FloatArray, n_priors: int
    ) -> FloatArray:
        """Probabilities of each labelled text from a model trained without its fold (and
        with every text of the priorities file)."""
        n = Y.shape[0]
        fold = np.full(n, -1)
        fold[n_priors:] = _folds(
            Y[n_priors:], weights[n_priors:] > 0, self.folds, self.random_state
        )
        scores = np.zeros((n - n_priors, Y.shape[1]))
        for number in range(self.folds):
            inside = np.flatnonzero(fold != number)
            outside = np.flatnonzero(fold == number)
            vectorizer = self._vectorizer().fit_counts(counts, inside)
            coef, intercept = _fit_logistic(
                vectorizer.weigh(counts, inside), Y[inside], weights[inside], self.C
            )
            scores[outside - n_priors] = sigmoid_scores(
                vectorizer.weigh(counts, outside), coef, intercept
            )
        return scores

    # ------------------------------------------------------------------ predicting
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise TextError("the classifier is not trained: call fit() or load() first")

    def predict_proba(self, texts: Sequence[str]) -> FloatArray:
        """The confidence of every priority (columns in the order of ``labels_``)."""
        self._check_fitted()
        return sigmoid_scores(self.vectorizer_.transform(list(texts)), self.coef_, self.intercept_)

    def predict(
        self, texts: Sequence[str], *, threshold: float | None = None
    ) -> list[frozenset[str]]:
        """The priorities of each text: those whose confidence reaches their threshold
        (``thresholds_``, or ``threshold`` for all)."""
        chosen = self.predict_proba(texts) >= self._limits(threshold)
        return [frozenset(self.labels_[j] for j in np.flatnonzero(row)) for row in chosen]

    def _limits(self, threshold: float | None) -> FloatArray:
        if threshold is None:
            return self.thresholds_
        return np.full(len(self.labels_), float(threshold))

    def suggest(
        self,
        text: str,
        *,
        threshold: float | None = None,
        top: int | None = None,
        n_terms: int = 5,
        n_similar: int = 3,
    ) -> list[Suggestion]:
        """The priorities suggested for one text, most confident first, with evidence.

        Parameters
        ----------
        text
            The text, e.g. an opportunity's title and description.
        threshold
            Suggest the priorities whose confidence reaches it (default: each priority's
            own, ``thresholds_``).
        top
            At most this many suggestions.
        n_terms, n_similar
            How many words of the text and how many similar known items to give.

        Returns
        -------
        list of Suggestion
            Possibly empty: the text may fit none of the priorities.
        """
        return self.suggest_many(
            [text], threshold=threshold, top=top, n_terms=n_terms, n_similar=n_similar
        )[0]

    def suggest_many(
        self,
        texts: Sequence[str],
        *,
        threshold: float | None = None,
        top: int | None = None,
        n_terms: int = 5,
        n_similar: int = 3,
    ) -> list[list[Suggestion]]:
        """:meth:`suggest` for many texts at once (faster than one by one)."""
        self._check_fitted()
        rows = self.vectorizer_.transform(list(texts))
        probabilities = sigmoid_scores(rows, self.coef_, self.intercept_)
        limits = self._limits(threshold)
        similarity = np.asarray((_unit_rows(rows) @ self.train_columns_).todense())
        result: list[list[Suggestion]] = []
        for i, text in enumerate(texts):
            ranked = np.argsort(-probabilities[i], kind="stable")
            chosen = [int(j) for j in ranked if probabilities[i, j] >= limits[j]][:top]
            if not chosen:
                result.append([])
                continue
            attributions = self.vectorizer_.attribute(text, self.coef_[:, chosen])
            suggestions = []
            for j, attribution in zip(chosen, attributions, strict=True):
                terms = tuple(t for t, value in attribution[:n_terms] if value > 0)
                suggestions.append(
                    Suggestion(
                        priority=self.labels_[j],
                        confidence=float(probabilities[i, j]),
                        threshold=float(limits[j]),
                        terms=terms,
                        similar=self._neighbours(similarity[i], j, n_similar),
                    )
                )
            result.append(suggestions)
        return result

    def _neighbours(self, similarity: FloatArray, label: int, count: int) -> tuple[Neighbour, ...]:
        candidates = np.flatnonzero(self.train_labels_[:, label] & (similarity > 0))
        best = candidates[np.argsort(-similarity[candidates], kind="stable")][:count]
        return tuple(
            Neighbour(self.train_ids_[i], self.train_titles_[i], float(similarity[i])) for i in best
        )

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the trained model to ``path`` (a NumPy ``.npz`` archive with a JSON
        header; no pickles). The file appears whole or not at all. Returns the path."""
        from vinculo.text.persistence import save_model

        self._check_fitted()
        return save_model(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> PriorityClassifier:
        """A model written by :meth:`save`.

        Raises
        ------
        TextError
            The file cannot be read or is not such a model.
        """
        from vinculo.text.persistence import load_model

        return load_model(path, cls)


def default_model(priorities: Priorities | None = None) -> PriorityClassifier:
    """The shipped model (:data:`DEFAULT_MODEL_FILE`, trained on the EU call topics) when
    ``priorities`` has the same priority ids as the shipped file (default: it does), else
    a model trained now on ``priorities`` alone (zero-shot)."""
    chosen = priorities or default_priorities()
    ids = tuple(p.id for p in chosen.priorities)
    if DEFAULT_MODEL_FILE.is_file():
        model = PriorityClassifier.load(DEFAULT_MODEL_FILE)
        if model.labels_ == ids:
            return model
    return PriorityClassifier(chosen).fit()


def train(
    examples: Iterable[Example], *, priorities: Priorities | None = None, **parameters: Any
) -> PriorityClassifier:
    """A :class:`PriorityClassifier` trained on the priorities file and ``examples``.

    Parameters
    ----------
    examples
        Labelled examples (e.g. officers' corrections: the text of an opportunity and the
        priorities it really has); may be empty.
    priorities
        The priorities (default: the shipped file).
    **parameters
        Other parameters of :class:`PriorityClassifier`.

    Examples
    --------
    >>> from vinculo.text.corpus import Example
    >>> model = train([Example("Cooperación en baterías de sodio", {"batteries"}),
    ...                Example("Intercambio de estudiantes de música", set())])
    >>> model.n_examples_
    2
    """
    given = list(examples)
    return PriorityClassifier(priorities, **parameters).fit(
        [e.text for e in given],
        [e.labels for e in given],
        ids=[e.id or f"example {i + 1}" for i, e in enumerate(given)],
        titles=[e.title or " ".join(e.text.split())[:80] for e in given],
        unknown=[e.unknown for e in given],
    )


# ---------------------------------------------------------------------- helpers
def _indicators(examples: Sequence[Example], labels: Sequence[str]) -> tuple[FloatArray, BoolArray]:
    """Y (1 for a label an example carries) and known (False where it is unknown)."""
    Y = np.array([[label in e.labels for label in labels] for e in examples], dtype=np.float64)
    known = np.array([[label not in e.unknown for label in labels] for e in examples], dtype=bool)
    return Y.reshape(len(examples), len(labels)), known.reshape(len(examples), len(labels))


def _unit_rows(X: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ X)


def _folds(Y: FloatArray, known: BoolArray, folds: int, seed: int) -> npt.NDArray[np.int64]:
    """Fold numbers stratified by label set: texts with the same labels are shuffled
    (``seed``) and dealt round-robin, continuing from one set to the next."""
    rng = np.random.default_rng(seed)
    keys = [tuple(row) for row in np.where(known, Y, -1).astype(int).tolist()]
    shuffle = rng.permutation(len(keys))
    order = sorted(range(len(keys)), key=lambda i: (keys[i], shuffle[i]))
    fold = np.zeros(len(keys), dtype=np.int64)
    for rank, i in enumerate(order):
        fold[i] = rank % folds
    return fold


def _fit_logistic(
    X: sparse.csr_matrix, Y: FloatArray, weights: FloatArray, C: float
) -> tuple[FloatArray, FloatArray]:
    """One L2-penalised logistic regression per priority: scikit-learn's
    ``LogisticRegression`` (liblinear, ``class_weight="balanced"``), each text weighted by
    its weight for that priority (0: unknown, left out). Returns the coefficients
    (features × priorities) and intercepts; a priority without both classes gets zeros and
    an intercept of -10 (never suggested)."""
    from sklearn.linear_model import LogisticRegression

    coef = np.zeros((X.shape[1], Y.shape[1]))
    intercept = np.full(Y.shape[1], -10.0)
    for j in range(Y.shape[1]):
        rows = np.flatnonzero(weights[:, j] > 0)
        y = Y[rows, j] > 0
        if y.all() or not y.any():
            continue
        model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear")
        model.fit(X[rows], y, sample_weight=weights[rows, j])
        coef[:, j] = model.coef_[0]
        intercept[j] = float(model.intercept_[0])
    return coef, intercept


#: The thresholds ``thresholds="global"`` chooses among.
GLOBAL_GRID = np.round(np.arange(0.1, 0.901, 0.05), 2)


def _global_threshold(scores: FloatArray, truth: BoolArray, known: BoolArray) -> float:
    """The one probability threshold of :data:`GLOBAL_GRID` that maximises the macro-F1
    of the out-of-fold ``scores`` over the priorities with positives (the middle of the
    best range)."""
    columns = [j for j in range(truth.shape[1]) if truth[known[:, j], j].any()]
    f1 = np.zeros(len(GLOBAL_GRID))
    for j in columns:
        labels = truth[known[:, j], j]
        predicted = scores[known[:, j], j][None, :] >= GLOBAL_GRID[:, None]
        tp = (predicted & labels[None, :]).sum(axis=1)
        fp = (predicted & ~labels[None, :]).sum(axis=1)
        fn = (~predicted & labels[None, :]).sum(axis=1)
        f1 += np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
    top = np.flatnonzero(np.isclose(f1, f1.max()))
    return float(GLOBAL_GRID[top[len(top) // 2]])


def _shared_thresholds(
    scores: FloatArray, truth: BoolArray, known: BoolArray, columns: BoolArray
) -> dict[int, float]:
    """Thresholds for the priorities of ``columns`` from one rule: log-odds ``k`` standard
    deviations above the mean of the priority's negatives (out-of-fold ``scores``), ``k``
    in [0, 10] maximising the mean F1 over those with positives (the middle of the best
    range). A priority with fewer than 5 negatives gets none."""
    logits = np.log(np.clip(scores, 1e-9, 1 - 1e-9) / np.clip(1 - scores, 1e-9, 1))
    spread: dict[int, tuple[float, float]] = {}
    for j in map(int, np.flatnonzero(columns)):
        negatives = logits[known[:, j] & ~truth[:, j], j]
        if len(negatives) >= 5:
            spread[j] = (float(negatives.mean()), max(float(negatives.std()), 1e-6))
    scored = [j for j in spread if truth[known[:, j], j].any()]
    grid = np.round(np.arange(0.0, 10.001, 0.1), 1)
    best_k = 3.0  # (no positives to learn from: three standard deviations)
    if scored:
        f1 = np.zeros(len(grid))
        for j in scored:
            mean, sd = spread[j]
            z = (logits[known[:, j], j] - mean) / sd
            labels = truth[known[:, j], j]
            predicted = z[None, :] >= grid[:, None]
            tp = (predicted & labels[None, :]).sum(axis=1)
            fp = (predicted & ~labels[None, :]).sum(axis=1)
            fn = (~predicted & labels[None, :]).sum(axis=1)
            f1 += np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
        top = np.flatnonzero(np.isclose(f1, f1.max()))
        best_k = float(grid[top[len(top) // 2]])
    return {j: float(1 / (1 + np.exp(-(mean + best_k * sd)))) for j, (mean, sd) in spread.items()}


def _best_threshold(scores: FloatArray, truth: BoolArray) -> float:
    """The threshold in [0.05, 0.95] that maximises F1 (the middle of the best range)."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    predicted = scores[None, :] >= grid[:, None]
    tp = (predicted & truth[None, :]).sum(axis=1)
    fp = (predicted & ~truth[None, :]).sum(axis=1)
    fn = (~predicted & truth[None, :]).sum(axis=1)
    f1 = np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
    best = np.flatnonzero(np.isclose(f1, f1.max()))
    return float(grid[best[len(best) // 2]]) if f1.max() > 0 else 0.5
