"""The real EU call topics (VINCULO_TEST_DATA): the labeller's counts against independent
pandas string operations on the codes, the hand labels against the topics, and the
classifier's held-out scores on both kinds of labels.

The floors are the figures measured on the default split (benchmarks/classify.py, seed 0,
strata by label set and code family; docs/text.md) minus a margin of 0.08 for BLAS and
platform differences that move a borderline text across a threshold.
"""

from __future__ import annotations

import pandas as pd
import pytest

from vinculo.text import (
    PriorityClassifier,
    eu_split,
    evaluate,
    label_eu_topic,
    load_eu_topics,
    train,
)
from vinculo.text.corpus import EU_CALLS_FILE

pytestmark = pytest.mark.realdata

# measured on eu_split's seed-0 split (priorities file + EU training split; priorities
# file alone). Floors against regressions, not the honest figure: that split was looked at
# while the earlier threshold rule was written (docs/text.md); the honest protocol is
# scripts/evaluate_classifier.py.
HELD_OUT_MACRO_F1 = {"codes": 0.737, "hand": 0.769}
ZERO_SHOT_MACRO_F1 = {"codes": 0.525, "hand": 0.673}
MARGIN = 0.08


@pytest.fixture(scope="module")
def topics(test_data) -> pd.DataFrame:
    return load_eu_topics(test_data)


@pytest.fixture(scope="module")
def raw(test_data) -> pd.DataFrame:
    return pd.read_parquet(test_data / EU_CALLS_FILE)


def count(frame: pd.DataFrame, priority: str) -> int:
    return int(frame["labels"].map(lambda labels: priority in labels).sum())


def test_the_labeller_counts_what_the_codes_say(topics, raw):
    code = raw["topicId"].str.upper()
    horizon_cl5 = code.str.startswith("HORIZON-CL5-")
    space = code.str.contains(r"(?:^|-)SPACE(?:-|$)")
    aircraft = code.str.startswith("EDF-") & code.str.contains(r"-AIR-")
    assert count(topics, "aerospace") == int((space | aircraft).sum()) == 15
    assert count(topics, "supercomputing") == int(code.str.contains("EUROHPC").sum()) == 3
    assert count(topics, "batteries") == int((horizon_cl5 & code.str.contains("-D2-")).sum())
    health = code.str.contains(r"-(?:HLTH|EDCTP3|IHI)-") | (
        code.str.startswith("HORIZON-MISS-") & code.str.contains("CANCER")
    )
    assert count(topics, "health-security") == int(health.sum()) == 32
    climate = (horizon_cl5 & code.str.contains("-D1-")) | code.str.contains("CLIMA")
    assert count(topics, "climate-change") == int(climate.sum()) == 20
    energy = (
        (horizon_cl5 & code.str.contains(r"-D[34]-"))
        | code.str.contains(r"^LIFE-.*-(?:CET|ENER)-")
        | code.str.startswith(("CEF-E-", "RENEWFM-", "HORIZON-CID-"))
    )
    assert count(topics, "energy-transition") == int(energy.sum()) == 36
    electric = (horizon_cl5 & code.str.contains("-D5-")) | code.str.contains(r"^CEF-T-.*AFIF")
    assert count(topics, "electromobility") == int(electric.sum()) == 6
    assert count(topics, "lithium-value-chain") == 0
    labelled = space | aircraft | code.str.contains("EUROHPC") | health | climate | energy
    labelled |= electric | (horizon_cl5 & code.str.contains("-D2-"))
    none = topics["labels"].map(len) == 0
    assert int(none.sum()) == int((~labelled).sum()) == 311  # none of the priorities


def test_every_topic_is_read_and_no_code_is_left_in_a_text(topics):
    assert len(topics) == 428
    for row in topics.itertuples():
        assert row.topicId not in row.text
        assert label_eu_topic({"topicId": row.topicId}) == set(row.labels)


@pytest.fixture(scope="module")
def by_hand(test_data) -> pd.DataFrame:
    return load_eu_topics(test_data, "hand")


def test_every_topic_has_a_hand_label(topics, by_hand):
    assert list(by_hand["topicId"]) == list(topics["topicId"])
    assert int(by_hand["unknown"].map(len).sum()) == 0
    assert count(by_hand, "lithium-value-chain") == 3
    # where the codes say a priority, the hand mostly agrees; where they disagree, the
    # documented noise: destination 5's shipping and airports, health beyond security
    both = sum(len(h & c) for h, c in zip(by_hand["labels"], topics["labels"], strict=True))
    assert both == 94  # of the 118 priorities the codes give (docs/text.md)


@pytest.fixture(scope="module", params=["codes", "hand"])
def split(request, topics, by_hand):
    return request.param, eu_split(topics if request.param == "codes" else by_hand)


def scores(model: PriorityClassifier, test) -> float:
    predicted = model.predict([e.text for e in test])
    labels = list(model.labels_)
    truth = [e.labels for e in test]
    report = evaluate(truth, predicted, labels, unknown=[e.unknown for e in test])
    return report.macro_f1


def test_the_split(split):
    labels, (train_set, test_set) = split
    sizes = {"codes": (297, 131), "hand": (304, 124)}[labels]
    assert (len(train_set), len(test_set)) == sizes
    assert {e.id for e in train_set}.isdisjoint(e.id for e in test_set)


def test_held_out_macro_f1(split):
    labels, (train_set, test_set) = split
    held_out = scores(train(train_set), test_set)
    zero_shot = scores(PriorityClassifier().fit(), test_set)
    assert held_out >= HELD_OUT_MACRO_F1[labels] - MARGIN
    assert zero_shot >= ZERO_SHOT_MACRO_F1[labels] - MARGIN
    assert held_out > zero_shot + 0.05  # the labelled examples help
