"""The priority classifier (``vinculo.text``) on real EU funding call topics.

Labels the 428 staged call topics — by hand (``--labels hand``, the default: two
annotators, disagreements adjudicated, ``src/vinculo/text/data/eu-call-topics-2026-labels.md``)
or from their codes (``--labels codes``: ``vinculo.text.corpus.label_eu_topic``, weak
labels) — splits them deterministically into train and test (``split_examples``: by label
set and code family, hashed topic codes, 30 % held out), and prints:

- the split sizes and the label counts of each split;
- held-out scores: a classifier trained on the priorities file and the training split
  (thresholds cross-validated on the training split only), scored on the test split —
  per-label precision, recall, F1, support, predicted, and macro-F1 over the labels with
  support;
- cross-validated scores (``--folds``, default 5): every topic predicted by a model that
  never saw it (trained on the other folds, thresholds cross-validated within them),
  pooled over the folds — per-label figures on all the positives rather than the one or
  two a 30 % split holds out of a small label;
- the same for the zero-shot classifier (the priorities file alone, no EU text) and for
  a keyword baseline (a priority is suggested when one of its keywords, accent-folded,
  in any language, occurs in the text);
- training time (median of ``--repeat`` runs, cross-validation included) and throughput in
  texts per second: ``suggest_many`` (with evidence) and ``predict_proba`` on short texts
  (the topics' titles, repeated to ``--short`` texts) and on the long test texts (median
  4,600 characters).

It prints figures; it asserts nothing (the tests hold a floor under the held-out macro-F1).

Usage (from the project root)::

    .venv/bin/python benchmarks/classify.py
    .venv/bin/python benchmarks/classify.py --data ../shared/data --repeat 3 --json out.json

Data come from ``--data`` (default ``$VINCULO_TEST_DATA``, else ``../shared/data``), read
in place.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _data_folder(given: str | None) -> Path:
    return Path(given or os.environ.get("VINCULO_TEST_DATA") or ROOT.parent / "shared" / "data")


def _keyword_baseline(texts: list[str], priorities: Any) -> list[frozenset[str]]:
    from vinculo.text import fold

    patterns = {
        p.id: [f" {' '.join(fold(k).split())} " for words in p.keywords.values() for k in words]
        for p in priorities.priorities
    }
    found = []
    for text in texts:
        folded = (
            " " + " ".join("".join(c if c.isalnum() else " " for c in fold(text)).split()) + " "
        )
        found.append(frozenset(i for i, keys in patterns.items() if any(k in folded for k in keys)))
    return found


def _rate(function: Any, texts: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function(texts)
        times.append(time.perf_counter() - started)
    return len(texts) / statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="staged data folder (default: $VINCULO_TEST_DATA)")
    parser.add_argument(
        "--labels", choices=["hand", "codes"], default="hand", help="the topics' labels"
    )
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (0: none)")
    parser.add_argument("--test-fraction", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=0, help="seed of the split")
    parser.add_argument(
        "--strata",
        choices=["family", "labels"],
        default="family",
        help="split within label set and code family (default), or label set only",
    )
    parser.add_argument(
        "--seeds", type=int, default=0, help="also score the splits of seeds 0 .. N-1"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs timed per figure")
    parser.add_argument("--short", type=int, default=2000, help="short texts timed")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    from vinculo.strategy.priorities import default_priorities
    from vinculo.text import (
        PriorityClassifier,
        eu_examples,
        eu_folds,
        eu_split,
        evaluate,
        load_eu_topics,
        split_examples,
        train,
    )

    data = _data_folder(args.data)
    frame = load_eu_topics(data, args.labels)
    examples = eu_examples(frame)

    def split(seed: int) -> tuple[list[Any], list[Any]]:
        if args.strata == "family":
            return eu_split(frame, args.test_fraction, seed=seed)
        return split_examples(examples, args.test_fraction, seed=seed)

    train_set, test_set = split(args.seed)
    priorities = default_priorities()
    labels = [p.id for p in priorities.priorities]
    print(f"vinculo.text on {data / 'eu_funding_calls_2026'}; Python {platform.python_version()}")
    print(f"labels: {'by hand' if args.labels == 'hand' else 'from the topic codes'}")
    strata = "label set and code family" if args.strata == "family" else "label set"
    print(f"split: {len(examples)} topics → train {len(train_set)}, test {len(test_set)} "
          f"(test fraction {args.test_fraction}, seed {args.seed}, strata: {strata})")  # fmt: skip
    print(f"{'label':22s} {'train':>6s} {'test':>6s}")
    for label in labels:
        counts = [sum(label in e.labels for e in part) for part in (train_set, test_set)]
        print(f"{label:22s} {counts[0]:6d} {counts[1]:6d}")
    none = [sum(not e.labels for e in part) for part in (train_set, test_set)]
    print(f"{'(none of them)':22s} {none[0]:6d} {none[1]:6d}")

    truth = [e.labels for e in test_set]
    unknown = [e.unknown for e in test_set]
    texts = [e.text for e in test_set]
    figures: dict[str, Any] = {"train": len(train_set), "test": len(test_set)}

    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        model = train(train_set, priorities=priorities)
        times.append(time.perf_counter() - started)
    figures["train_seconds"] = statistics.median(times)
    zero_shot = PriorityClassifier(priorities).fit()

    runs = {
        "held-out (priorities file + EU training split)": model.predict(texts),
        "zero-shot (priorities file alone)": zero_shot.predict(texts),
        "keyword baseline (a keyword occurs)": _keyword_baseline(texts, priorities),
    }
    for name, predicted in runs.items():
        report = evaluate(truth, predicted, labels, unknown=unknown)
        print(f"\n{name}: macro-F1 {report.macro_f1:.3f}")
        print(report.table())
        figures[name] = {
            "macro_f1": report.macro_f1,
            "labels": {
                s.label: [s.precision, s.recall, s.f1, s.support, s.predicted]
                for s in report.labels
            },
        }
    chosen = zip(labels, model.thresholds_, model.threshold_sources_, strict=True)
    shown = [f"{label} {t:.2f} ({source})" for label, t, source in chosen]
    print("\nthresholds: " + ", ".join(shown))

    if args.folds:
        folds = eu_folds(frame, args.folds, seed=args.seed)
        pooled: list[frozenset[str]] = [frozenset()] * len(examples)
        for fold in range(args.folds):
            inside = [e for e, f in zip(examples, folds, strict=True) if f != fold]
            held = [i for i, f in enumerate(folds) if f == fold]
            fitted = train(inside, priorities=priorities)
            for i, found in zip(
                held, fitted.predict([examples[i].text for i in held]), strict=True
            ):
                pooled[i] = found
        report = evaluate(
            [e.labels for e in examples], pooled, labels, unknown=[e.unknown for e in examples]
        )
        print(f"\ncross-validated ({args.folds} folds by label set and code family, seed "
              f"{args.seed}; each topic predicted by a model that never saw it): "
              f"macro-F1 {report.macro_f1:.3f}")  # fmt: skip
        print(report.table())
        figures["cross-validated"] = {
            "folds": args.folds,
            "macro_f1": report.macro_f1,
            "labels": {
                s.label: [s.precision, s.recall, s.f1, s.support, s.predicted]
                for s in report.labels
            },
        }
        zero = evaluate(
            [e.labels for e in examples],
            zero_shot.predict([e.text for e in examples]),
            labels,
            unknown=[e.unknown for e in examples],
        )
        print(f"zero-shot on all {len(examples)} topics: macro-F1 {zero.macro_f1:.3f}")
        figures["zero-shot, all topics"] = zero.macro_f1

    if args.seeds:
        scores: dict[str, list[float]] = {"held-out": [], "zero-shot": []}
        per_label: dict[str, list[float]] = {label: [] for label in labels}
        for seed in range(args.seeds):
            part_train, part_test = split(seed)
            truth_s = [e.labels for e in part_test]
            unknown_s = [e.unknown for e in part_test]
            fitted = train(part_train, priorities=priorities)
            for name, fitted_model in (("held-out", fitted), ("zero-shot", zero_shot)):
                predicted = fitted_model.predict([e.text for e in part_test])
                report = evaluate(truth_s, predicted, labels, unknown=unknown_s)
                scores[name].append(report.macro_f1)
                if name == "held-out":
                    for score in report.labels:
                        if score.support:
                            per_label[score.label].append(score.f1)
        for name, values in scores.items():
            shown = " ".join(f"{v:.3f}" for v in values)
            print(f"\n{name} macro-F1 over the splits of seeds 0-{args.seeds - 1}: "
                  f"mean {statistics.mean(values):.3f}, sd {statistics.stdev(values):.3f}, "
                  f"min {min(values):.3f}, max {max(values):.3f} ({shown})")  # fmt: skip
        shown = ", ".join(
            f"{label} {statistics.mean(values):.2f}"
            for label, values in per_label.items()
            if values
        )
        print(f"held-out F1 of each label, mean over the splits: {shown}")
        figures["seeds"] = scores

    titles = [str(t) for t in frame["title"]]
    short = (titles * (args.short // len(titles) + 1))[: args.short]
    rates = {
        "suggest_many, short texts": _rate(model.suggest_many, short, args.repeat),
        "predict_proba, short texts": _rate(model.predict_proba, short, args.repeat),
        "suggest one at a time, short texts": _rate(
            lambda batch: [model.suggest(t) for t in batch], short[:500], args.repeat
        ),
        "suggest_many, long texts": _rate(model.suggest_many, texts, args.repeat),
    }
    mean_short = statistics.mean(len(t) for t in short)
    mean_long = statistics.mean(len(t) for t in texts)
    print(f"\ntraining: {figures['train_seconds']:.2f} s (median of {args.repeat}; "
          f"{len(train_set)} texts + {model.n_priors_} of the priorities file, "
          f"{model.vectorizer_.n_features:,} features, 5-fold thresholds included)")  # fmt: skip
    for name, rate in rates.items():
        size = mean_long if "long" in name else mean_short
        print(f"{name:36s} {rate:9,.0f} texts/s (mean {size:,.0f} characters)")
    figures["texts_per_second"] = rates
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=float), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
