"""TF-IDF features of texts: word stems, stem bigrams and character n-grams of the stems."""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import sparse

from vinculo.text.tokens import words

__all__ = ["Counts", "Vectorizer"]

FloatArray = npt.NDArray[np.float64]


class Counts(NamedTuple):
    """Texts × features counts, and the features of the columns."""

    matrix: sparse.csr_matrix
    features: tuple[str, ...]


@lru_cache(maxsize=65_536)
def _char_grams(stem: str, low: int, high: int) -> tuple[str, ...]:
    padded = f"<{stem}>"
    return tuple(
        "~" + padded[i : i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)
    )


class Vectorizer:
    r"""Texts → sparse TF-IDF rows, and back from a row's weights to the words of a text.

    Three kinds of features (:func:`vinculo.text.tokens.tokenize` gives the stems): each
    stem, each pair of consecutive stems (stopwords between them are skipped, so
    "baterías de litio" gives ``bateri liti``), and the character n-grams of each stem
    padded with ``<`` and ``>`` (``~<ba``, ``~bat``, ...), which let cognates that stem
    differently still meet (``vehicul``/``vehicl``, ``clim``/``climat``).

    A feature's weight in a text is

    .. math:: x_f = (1 + \log c_f)\,\Big(1 + \log\frac{1 + n}{1 + \mathrm{df}_f}\Big)

    with :math:`c_f` its count in the text, :math:`n` the number of training texts and
    :math:`\mathrm{df}_f` the number that contain it (smoothed IDF). The word block (stems
    and bigrams) and the character block are normalised apart to Euclidean lengths
    :math:`\sqrt{1 - s}` and :math:`\sqrt{s}` (:math:`s` = ``char_weight``), so a text
    has length 1 and the many character n-grams do not drown the words.

    Parameters
    ----------
    bigrams
        Include pairs of consecutive stems.
    sublinear
        Term frequency ``1 + log(count)`` (True) or the count itself (False), as
        scikit-learn's ``TfidfVectorizer(sublinear_tf=...)``.
    char_ngrams
        Lengths (lowest, highest) of the character n-grams, or None for none.
    char_weight
        Share :math:`s` of the squared length given to the character block, in [0, 1).
    min_df_chars
        Keep character n-grams found in at least this many training texts (stems and
        bigrams are all kept: a keyword of the priorities file may occur once).

    Examples
    --------
    >>> v = Vectorizer(char_ngrams=None).fit(["solar energy", "wind energy"])
    >>> v.features_
    ('energi', 'solar', 'solar energi', 'wind', 'wind energi')
    >>> X = v.transform(["solar energy"])
    >>> [round(float(x), 3) for x in X.toarray()[0]]
    [0.45, 0.632, 0.632, 0.0, 0.0]

    (IDF of ``energi``: 1 + log(3/3) = 1; of ``solar`` and ``solar energi``: 1 + log(3/2) =
    1.405; divided by the length √(1 + 2 · 1.405²) = 2.225.)
    """

    def __init__(
        self,
        *,
        bigrams: bool = True,
        sublinear: bool = True,
        char_ngrams: tuple[int, int] | None = (3, 5),
        char_weight: float = 0.5,
        min_df_chars: int = 2,
    ) -> None:
        self.bigrams = bigrams
        self.sublinear = sublinear
        self.char_ngrams = char_ngrams
        self.char_weight = char_weight
        self.min_df_chars = min_df_chars

    # ------------------------------------------------------------ analysis
    def _analyze(self, text: str) -> tuple[list[tuple[str, int, int]], Counter[str]]:
        found = words(unicodedata.normalize("NFC", text))
        stems = [s for s, _, _ in found]
        counts: Counter[str] = Counter(stems)
        if self.bigrams:
            counts.update(f"{a} {b}" for a, b in pairwise(stems))
        if self.char_ngrams is not None:
            low, high = self.char_ngrams
            for s in stems:
                counts.update(_char_grams(s, low, high))
        return found, counts

    # ------------------------------------------------------------ counting
    def count(self, texts: Iterable[str]) -> Counts:
        """How often each feature occurs in each text (columns: the texts' own features).

        Counting is the slow part; :meth:`fit_counts` and :meth:`weigh` reuse the counts
        (e.g. across the folds of a cross-validation).
        """
        index: dict[str, int] = {}
        indptr = [0]
        indices: list[int] = []
        data: list[int] = []
        for text in texts:
            for feature, times in self._analyze(text)[1].items():
                indices.append(index.setdefault(feature, len(index)))
                data.append(times)
            indptr.append(len(indices))
        matrix = sparse.csr_matrix(
            (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), indptr),
            shape=(len(indptr) - 1, len(index)),
        )
        return Counts(matrix, tuple(index))

    # ------------------------------------------------------------ fitting
    def fit(self, texts: Iterable[str]) -> Vectorizer:
        """Learn the vocabulary and the IDF of ``texts``; returns ``self``."""
        return self.fit_counts(self.count(texts))

    def fit_counts(self, counts: Counts, rows: npt.ArrayLike | None = None) -> Vectorizer:
        """:meth:`fit` on counted texts (``rows``: only those rows); returns ``self``."""
        if not 0 <= self.char_weight < 1:
            raise ValueError(f"char_weight must be in [0, 1), not {self.char_weight}")
        matrix = counts.matrix if rows is None else counts.matrix[np.asarray(rows)]
        n = matrix.shape[0]
        frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
        is_char = np.array([f.startswith("~") for f in counts.features], dtype=bool)
        keep = (frequency > 0) & (~is_char | (frequency >= self.min_df_chars))
        column = {counts.features[j]: int(j) for j in np.flatnonzero(keep)}
        word_features = sorted(f for f in column if not f.startswith("~"))
        char_features = sorted(f for f in column if f.startswith("~"))
        self.features_: tuple[str, ...] = tuple(word_features + char_features)
        self.vocabulary_: dict[str, int] = {f: i for i, f in enumerate(self.features_)}
        self.n_word_features_: int = len(word_features)
        df = frequency[[column[f] for f in self.features_]] if self.features_ else frequency[:0]
        self.idf_: FloatArray = 1.0 + np.log((1.0 + n) / (1.0 + df))
        return self

    @property
    def n_features(self) -> int:
        return len(self.features_)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The TF-IDF rows of ``texts`` (features unseen in training are ignored)."""
        return self.weigh(self.count(texts))

    def weigh(self, counts: Counts, rows: npt.ArrayLike | None = None) -> sparse.csr_matrix:
        """:meth:`transform` of counted texts (``rows``: only those rows)."""
        matrix = counts.matrix if rows is None else counts.matrix[np.asarray(rows)]
        vocabulary = self.vocabulary_
        target = np.array([vocabulary.get(f, -1) for f in counts.features], dtype=np.int64)
        columns = target[matrix.indices]
        kept = columns >= 0
        row_of = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))[kept]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(row_of, minlength=matrix.shape[0]))])
        X = sparse.csr_matrix(
            (matrix.data[kept], columns[kept], indptr), shape=(matrix.shape[0], self.n_features)
        )
        X.sort_indices()
        tf = 1.0 + np.log(X.data) if self.sublinear else X.data
        X.data = tf * self.idf_[X.indices]
        row_of = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        is_char = X.indices >= self.n_word_features_
        char_share = self.char_weight if self.char_ngrams is not None else 0.0
        squares = X.data**2
        scale = np.ones_like(X.data)
        for part, share in ((~is_char, 1.0 - char_share), (is_char, char_share)):
            norms = np.sqrt(np.bincount(row_of[part], squares[part], minlength=X.shape[0]))
            safe = np.where(norms > 0, norms, 1.0)
            scale[part] = math.sqrt(share) / safe[row_of[part]]
        X.data = X.data * scale
        return X

    # ------------------------------------------------------------ explanation
    def attribute(self, text: str, weights: FloatArray) -> list[list[tuple[str, float]]]:
        r"""Split the score :math:`\sum_f x_f w_f` of ``text`` among its words.

        A stem's term :math:`x_f w_f` goes to the words that gave it (in equal parts), a
        bigram's to the span of text from its first word to its second, a character
        n-gram's to the words that contain it, in proportion to how often.

        Parameters
        ----------
        text
            The text.
        weights
            Features × scores (e.g. the coefficients of some labels), or one vector.

        Returns
        -------
        list of lists of (str, float)
            Per score: the words as written (lower case), each with its contribution
            summed over its occurrences, the largest first; the contributions add up to
            :math:`\sum_f x_f w_f`.

        Examples
        --------
        >>> v = Vectorizer(char_ngrams=None).fit(["solar energy", "wind energy"])
        >>> w = np.array([0.0, 2.0, 1.0, 0.0, 0.0])  # solar 2, "solar energi" 1
        >>> [(t, round(c, 3)) for t, c in v.attribute("Solar Energy!", w)[0]]
        [('solar', 1.263), ('solar energy', 0.632), ('energy', 0.0)]
        """
        matrix = np.asarray(weights, dtype=np.float64)
        if matrix.ndim == 1:
            matrix = matrix[:, None]
        nfc = unicodedata.normalize("NFC", text)
        found, counts = self._analyze(nfc)
        row = self.transform([nfc])
        # each feature's contribution to each score: x_f * w_f
        contribution = {
            int(i): value * matrix[i] for i, value in zip(row.indices, row.data, strict=True)
        }
        zero = np.zeros(matrix.shape[1])
        share: defaultdict[str, FloatArray] = defaultdict(lambda: np.zeros(matrix.shape[1]))
        vocabulary = self.vocabulary_

        def part(feature: str) -> FloatArray:
            index = vocabulary.get(feature)
            return zero if index is None else contribution[index] / counts[feature]

        def surface(start: int, end: int) -> str:
            return " ".join(nfc[start:end].lower().split())

        for position, (stem, start, end) in enumerate(found):
            word = surface(start, end)
            share[word] += part(stem)
            if self.bigrams and position + 1 < len(found):
                following, _, following_end = found[position + 1]
                share[surface(start, following_end)] += part(f"{stem} {following}")
            if self.char_ngrams is not None:
                for gram in _char_grams(stem, *self.char_ngrams):
                    share[word] += part(gram)
        terms = list(share)
        totals = np.array([share[t] for t in terms]).reshape(len(terms), matrix.shape[1])
        result = []
        for column in range(matrix.shape[1]):
            ranked = sorted(
                zip(terms, totals[:, column].tolist(), strict=True),
                key=lambda item: (-item[1], item[0]),
            )
            result.append(ranked)
        return result

    # ------------------------------------------------------------ persistence
    def state(self) -> dict[str, Any]:
        """The parameters and the vocabulary, as JSON-ready values (IDF apart)."""
        return {
            "bigrams": self.bigrams,
            "sublinear": self.sublinear,
            "char_ngrams": list(self.char_ngrams) if self.char_ngrams else None,
            "char_weight": self.char_weight,
            "min_df_chars": self.min_df_chars,
            "features": list(self.features_),
            "n_word_features": self.n_word_features_,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], idf: FloatArray) -> Vectorizer:
        """The vectorizer that :meth:`state` and ``idf_`` describe."""
        grams = state["char_ngrams"]
        vectorizer = cls(
            bigrams=bool(state["bigrams"]),
            sublinear=bool(state.get("sublinear", True)),
            char_ngrams=(int(grams[0]), int(grams[1])) if grams else None,
            char_weight=float(state["char_weight"]),
            min_df_chars=int(state["min_df_chars"]),
        )
        vectorizer.features_ = tuple(str(f) for f in state["features"])
        vectorizer.vocabulary_ = {f: i for i, f in enumerate(vectorizer.features_)}
        vectorizer.n_word_features_ = int(state["n_word_features"])
        vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
        if vectorizer.idf_.shape != (len(vectorizer.features_),):
            raise ValueError("the IDF and the vocabulary have different lengths")
        return vectorizer
