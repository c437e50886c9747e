"""The classifier as the pipeline uses it (``vinculo.text``): one per process, trained at
first use on the priorities file and the labels officers confirmed, or read from the model
file that ``manage.py train_classifier`` and the daily ``pipeline_cron`` write
(``$VINCULO_HOME/classifier.npz``). A process looks at that file at most once a minute
and loads it again when it has changed, so a retrained model reaches every worker without
a restart."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vinculo.settings import vinculo_home

__all__ = [
    "labelled_examples",
    "model_path",
    "reset",
    "retrain",
    "retrain_due",
    "suggest",
    "train_model",
]

_LOCK = threading.Lock()
_MODEL: dict[str, Any] = {}
#: Seconds between two looks at the model file's modification time.
CHECK_EVERY = 60.0


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
    """A classifier trained on the priorities file and the confirmed labels; with no
    confirmed label yet, the shipped model (trained on the hand-labelled EU call topics,
    ``vinculo.text.default_model``)."""
    from vinculo.strategy.priorities import default_priorities
    from vinculo.text.classifier import default_model, train

    examples = labelled_examples()
    if not examples:
        return default_model(default_priorities())
    return train(examples, priorities=default_priorities())


def _stamp(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def _classifier() -> Any:
    with _LOCK:
        now = time.monotonic()
        if "model" in _MODEL and now - _MODEL["checked"] < CHECK_EVERY:
            return _MODEL["model"]
        path = model_path()
        stamp = _stamp(path)
        if "model" not in _MODEL or (stamp is not None and stamp != _MODEL["stamp"]):
            from vinculo.text.classifier import PriorityClassifier

            _MODEL["model"] = PriorityClassifier.load(path) if stamp else train_model()
            _MODEL["stamp"] = stamp
        _MODEL["checked"] = now
        return _MODEL["model"]


def retrain_due() -> bool:
    """Whether officers confirmed or corrected labels since the model file was written
    (or there are labels and no file)."""
    from vinculo.web.pipeline.models import LabelledText

    stamp = _stamp(model_path())
    if stamp is None:
        return LabelledText.objects.exists()
    written = datetime.fromtimestamp(stamp / 1e9, tz=UTC)
    return LabelledText.objects.filter(labelled_at__gt=written).exists()


def retrain() -> tuple[int, Path]:
    """Train on the priorities file and every confirmed label and save the model
    (atomically) where the pipeline reads it; returns the number of labels and the path."""
    started = time.time_ns()
    count = len(labelled_examples())
    path = train_model().save(model_path())
    # the file's time is when the labels were read: any confirmed during training is newer
    os.utime(path, ns=(started, started))
    reset()
    return count, path


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
