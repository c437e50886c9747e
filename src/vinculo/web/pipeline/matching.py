"""Text folding for search, and near-duplicate detection between opportunities.

Two records of the same offer (logged by two consulates, or twice by one) share most of
their words even when edited: the similarity is the Jaccard index of their sets of content
words (accents and case folded, short and very common words dropped), with the title's
words counted twice as heavily. It does not match a record with its translation.

>>> a = words("Laboratorio de baterías de litio busca socio mexicano para celdas")
>>> b = words("Busca socio mexicano: laboratorio de baterías de litio (celdas)")
>>> round(jaccard(a, b), 2)
1.0
>>> fold("Energía  ÉOLICA")
'energia eolica'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from vinculo.text.tokens import fold as folded

__all__ = ["DUPLICATE_THRESHOLD", "fold", "jaccard", "most_similar", "signature", "words"]

#: Similarity from which two opportunities are flagged as possible duplicates.
DUPLICATE_THRESHOLD = 0.6

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "are",
        "was",
        "were",
        "been",
        "has",
        "have",
        "had",
        "not",
        "but",
        "its",
        "their",
        "our",
        "your",
        "into",
        "over",
        "under",
        "about",
        "between",
        "within",
        "will",
        "would",
        "can",
        "could",
        "may",
        "should",
        "also",
        "such",
        "los",
        "las",
        "del",
        "por",
        "para",
        "con",
        "una",
        "unos",
        "unas",
        "que",
        "como",
        "mas",
        "pero",
        "sus",
        "sin",
        "sobre",
        "entre",
        "desde",
        "esta",
        "este",
        "estos",
        "estas",
        "ese",
        "esos",
        "esas",
        "son",
        "fue",
        "han",
        "hay",
        "muy",
        "ser",
        "tiene",
        "tienen",
        "nos",
        "les",
    ]
)


def fold(text: str) -> str:
    """Lower case, accents removed (:func:`vinculo.text.tokens.fold`), runs of spaces
    collapsed: how search text is stored."""
    return " ".join(folded(text).split())


def words(text: str) -> frozenset[str]:
    """The content words of ``text`` (folded; 3 letters or more; common words dropped)."""
    return frozenset(w for w in _WORD.findall(fold(text)) if len(w) >= 3 and w not in _STOP)


def signature(title: str, description: str) -> frozenset[str]:
    """The words compared between records: the title's marked so they weigh twice."""
    title_words = words(title)
    return frozenset(title_words | {f"t:{w}" for w in title_words} | words(description))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def most_similar(
    target: frozenset[str],
    candidates: Iterable[tuple[int, frozenset[str]]],
    *,
    threshold: float = DUPLICATE_THRESHOLD,
    limit: int = 5,
) -> Sequence[tuple[int, float]]:
    """(id, similarity) of the candidates at or above ``threshold``, most similar first."""
    found = [(key, jaccard(target, other)) for key, other in candidates]
    found = [(key, score) for key, score in found if score >= threshold]
    return sorted(found, key=lambda item: (-item[1], item[0]))[:limit]
