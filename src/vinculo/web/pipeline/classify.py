"""The classifier as the pipeline uses it (``vinculo.text``): one per process, trained at
first use on the priorities file and the labels officers confirmed, or read from the model
file ``manage.py train_classifier`` writes (``$VINCULO_HOME/classifier.npz``)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from vinculo.settings import vinculo_home

__all__ = ["labelled_examples", "model_path", "reset", "suggest", "train_model"]

_LOCK = threading.Lock()
_MODEL: dict[str, Any] = {}


def model_path() -> Path:
    return vinculo_home() / "classifier.npz"


def labelled_examples(limit: int = 20_000) -> list[Any]:
    """The priorities officers confirmed or corrected, as training examples (the latest
    label of each opportunity)."""
    from vinculo.text.corpus import Example
    from vinculo.web.pipeline.models import LabelledText

    latest: dict[Any, Any] = {}
    for row in LabelledText.objects.order_by("-labelled_at", "-pk")[:limit]:
        key = row.opportunity_id or f"text {row.pk}"
        latest.setdefault(key, row)
    return [
        Example(row.text, frozenset(row.priorities), id=f"opportunity {key}", title=row.text[:80])
        for key, row in latest.items()
    ]


def train_model() -> Any:
    """A classifier trained on the priorities file and the confirmed labels."""
    from vinculo.strategy.priorities import default_priorities
    from vinculo.text.classifier import train

    return train(labelled_examples(), priorities=default_priorities())


def _classifier() -> Any:
    with _LOCK:
        if "model" not in _MODEL:
            from vinculo.text.classifier import PriorityClassifier

            path = model_path()
            _MODEL["model"] = PriorityClassifier.load(path) if path.exists() else train_model()
        return _MODEL["model"]


def reset() -> None:
    """Forget the loaded model (after training a new one)."""
    with _LOCK:
        _MODEL.clear()


def suggest(text: str) -> list[dict[str, Any]]:
    """The suggested priorities of ``text``: [{id, confidence, terms, similar}], most
    confident first."""
    if not text.strip():
        return []
    return [
        {
            "id": s.priority,
            "confidence": round(float(s.confidence), 4),
            "terms": list(s.terms)[:8],
            "similar": [n.title for n in s.similar][:3],
        }
        for s in _classifier().suggest(text)
    ]
