"""The unseen-text evaluation of the shipped classifier (docs/text.md, "Unseen texts"): the
committed labels file is consistent with its procedure and with the figures reported."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from vinculo.strategy.priorities import default_priorities

FILE = Path(__file__).parents[2] / "src/vinculo/text/data/external-calls-2026-12-labels.csv"


def _rows() -> list[dict[str, str]]:
    with FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _set(text: str) -> frozenset[str]:
    return frozenset(x for x in text.split(";") if x)


def test_the_labels_follow_the_procedure():
    rows = _rows()
    ids = {p.id for p in default_priorities().priorities}
    assert len(rows) == 135
    assert len({r["url"] for r in rows}) == 135
    for row in rows:
        for column in ("labels", "annotator_a", "annotator_b", "predicted"):
            assert _set(row[column]) <= ids, (row["item"], column)
        agreed = _set(row["annotator_a"]) == _set(row["annotator_b"])
        assert row["decision"] == ("agreed" if agreed else "adjudicated")
        if agreed:
            assert _set(row["labels"]) == _set(row["annotator_a"])
        else:
            assert row["adjudication"].strip()
    assert sum(r["decision"] == "agreed" for r in rows) == 131


def test_the_reported_figures_come_from_the_file():
    rows = _rows()
    labels = [p.id for p in default_priorities().priorities]
    truth = np.array([[lab in _set(r["labels"]) for lab in labels] for r in rows])
    predicted = np.array([[lab in _set(r["predicted"]) for lab in labels] for r in rows])
    f1 = []
    for j in range(len(labels)):
        t, p = truth[:, j], predicted[:, j]
        tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())
        if t.any():
            f1.append(2 * tp / (2 * tp + fp + fn))
    assert round(float(np.mean(f1)), 3) == 0.762
    aerospace = labels.index("aerospace")
    found = int((truth[:, aerospace] & predicted[:, aerospace]).sum())
    assert (found, int(truth[:, aerospace].sum())) == (5, 14)
    assert sum(1 for r in rows if not _set(r["predicted"])) == 89
