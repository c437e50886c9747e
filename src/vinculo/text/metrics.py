"""Scores of multi-label suggestions: per-label precision, recall, F1 and macro-F1."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

__all__ = ["LabelScore", "Report", "evaluate"]


@dataclass(frozen=True)
class LabelScore:
    """The scores of one label; precision (recall) is NaN with nothing predicted (true)."""

    label: str
    precision: float
    recall: float
    f1: float  # NaN where the label has no support (it cannot be scored)
    support: int  # true positives + false negatives
    predicted: int  # true positives + false positives


@dataclass(frozen=True)
class Report:
    """Per-label scores and their macro average over the labels with support."""

    labels: tuple[LabelScore, ...]

    @property
    def macro_f1(self) -> float:
        """Mean F1 of the labels with support (NaN if none has)."""
        scored = [s.f1 for s in self.labels if s.support > 0]
        return sum(scored) / len(scored) if scored else float("nan")

    def table(self) -> str:
        """The report as aligned text."""
        lines = [f"{'label':22s} {'precision':>9s} {'recall':>7s} {'F1':>6s} "
                 f"{'support':>7s} {'predicted':>9s}"]  # fmt: skip
        for s in self.labels:
            lines.append(
                f"{s.label:22s} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} "
                f"{s.support:7d} {s.predicted:9d}"
            )
        scored = sum(s.support > 0 for s in self.labels)
        lines.append(f"{'macro-F1':22s} {'':9s} {'':7s} {self.macro_f1:6.3f}  ({scored} labels)")
        return "\n".join(lines)


def evaluate(
    truth: Sequence[Collection[str]],
    predicted: Sequence[Collection[str]],
    labels: Sequence[str],
    *,
    unknown: Sequence[Collection[str]] | None = None,
) -> Report:
    r"""Precision, recall and F1 of each label, and the macro-F1.

    .. math::

        P = \frac{tp}{tp + fp}, \quad R = \frac{tp}{tp + fn}, \quad
        F_1 = \frac{2\,tp}{2\,tp + fp + fn}

    per label, counting the items that carry it; macro-F1 is the plain mean of
    :math:`F_1` over the labels with support (:math:`tp + fn > 0`). A label an item is
    ``unknown`` for is not counted for that item.

    Parameters
    ----------
    truth, predicted
        For each item, its true and its predicted labels.
    labels
        The labels to score, in the order of the report.
    unknown
        For each item, labels to leave out of its counts.

    Returns
    -------
    Report

    Examples
    --------
    Two items; ``a`` is found once out of two and predicted once wrongly, ``b`` is right:

    >>> report = evaluate([{"a"}, {"a", "b"}], [{"b"}, {"a", "b"}], ["a", "b"])
    >>> [(s.label, s.precision, s.recall, round(s.f1, 3)) for s in report.labels]
    [('a', 1.0, 0.5, 0.667), ('b', 0.5, 1.0, 0.667)]
    >>> round(report.macro_f1, 3)
    0.667
    """
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} true label sets but {len(predicted)} predicted")
    if unknown is not None and len(unknown) != len(truth):
        raise ValueError(f"{len(truth)} items but {len(unknown)} unknown label sets")
    scores = []
    for label in labels:
        tp = fp = fn = 0
        for i, (true, guess) in enumerate(zip(truth, predicted, strict=True)):
            if unknown is not None and label in unknown[i]:
                continue
            tp += label in true and label in guess
            fp += label not in true and label in guess
            fn += label in true and label not in guess
        nan = float("nan")
        scores.append(
            LabelScore(
                label=label,
                precision=tp / (tp + fp) if tp + fp else nan,
                recall=tp / (tp + fn) if tp + fn else nan,
                f1=2 * tp / (2 * tp + fp + fn) if tp + fn else nan,
                support=tp + fn,
                predicted=tp + fp,
            )
        )
    return Report(tuple(scores))
