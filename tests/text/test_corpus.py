"""Weak labels of EU topic codes, topic texts without codes, the deterministic split, and
the scores."""

from __future__ import annotations

import math

import pytest

from vinculo.text import (
    Example,
    eu_topic_family,
    eu_topic_text,
    eu_topic_unknown,
    evaluate,
    label_eu_topic,
    split_examples,
)


@pytest.mark.parametrize(
    ("topic", "labels"),
    [
        ("HORIZON-CL4-2026-SPACE-03-11", {"aerospace"}),
        ("EDF-2026-DA-SPACE-PRS-STEP", {"aerospace"}),
        ("EDF-2026-DA-AIR-STFS", {"aerospace"}),
        ("EDF-2026-DA-ACC-AIRDEF-EATMI", set()),  # air defence is not aircraft
        ("HORIZON-JU-EUROHPC-2026-QML-07-01", {"supercomputing"}),
        ("HORIZON-CL5-2027-01-D1-08", {"climate-change"}),
        ("HORIZON-CL5-2026-09-D2-04", {"batteries"}),
        ("HORIZON-CL5-2027-04-Two-Stage-D2-07", {"batteries"}),
        ("HORIZON-CL5-2027-07-D3-11", {"energy-transition"}),
        ("HORIZON-CL5-2027-05-D4-09", {"energy-transition"}),
        ("HORIZON-CL5-2027-03-D5-04", {"electromobility"}),
        ("HORIZON-CL5-2026-10-D6-01", set()),  # automated driving, not electric
        ("HORIZON-MISS-2026-01-CLIMA-02", {"climate-change"}),
        ("HORIZON-CL6-2027-02-CLIMATE-03", {"climate-change"}),
        ("LIFE-2026-SAP-CLIMA-CCA", {"climate-change"}),
        ("LIFE-2026-CET-ENERCOM", {"energy-transition"}),
        ("LIFE-2026-PLP-ENER-GOV", {"energy-transition"}),
        ("LIFE-2026-SAP-NAT-NATURE", set()),
        ("CEF-E-2026-PCI-PMI-STUDIES", {"energy-transition"}),
        ("CEF-T-2026-AFIFGEN-COSTS", {"electromobility"}),
        ("CEF-T-2026-CORECOEN-RAIL-WORKS", set()),
        ("RENEWFM-2026-INVEST-TECH-SPEC", {"energy-transition"}),
        ("HORIZON-CID-2027-01-02", {"energy-transition"}),
        ("HORIZON-HLTH-2027-01-DISEASE-05", {"health-security"}),
        ("HORIZON-HLTH-2027-01-ENVHLTH-MISSCLIMA-03", {"health-security", "climate-change"}),
        ("HORIZON-JU-GH-EDCTP3-2026-03-DIGIT-02", {"health-security"}),
        ("HORIZON-JU-IHI-2026-13-two-stage-01", {"health-security"}),
        ("HORIZON-MISS-2026-02-CANCER-04", {"health-security"}),
        ("HORIZON-MISS-2027-04-CIT-01", set()),
        ("HORIZON-EURATOM-2026-01-01", set()),
        ("HORIZON-CL2-2026-01-DEMOCRACY-01", set()),
        ("EuropeAid/186091/DD/ACT/ZA", set()),
    ],
)
def test_labels_from_the_code(topic, labels):
    assert label_eu_topic({"topicId": topic}) == labels


def test_labels_never_read_the_text():
    row = {
        "topicId": "HORIZON-CL2-2026-01-DEMOCRACY-01",
        "title": "Lithium batteries",
        "description": "Satellites, vaccines and electric vehicles.",
    }
    assert label_eu_topic(row) == set()


def test_unknown_priorities():
    assert eu_topic_unknown({"topicId": "HORIZON-CL5-2026-09-D2-01"}) == {"lithium-value-chain"}
    assert eu_topic_unknown({"topicId": "HORIZON-MISS-2027-04-CIT-05"}) == {
        "climate-change",
        "energy-transition",
    }
    # a cities-mission topic that is also an adaptation topic is a climate positive
    assert eu_topic_unknown({"topicId": "HORIZON-MISS-2027-07-CLIMA-CIT-NEB-01"}) == {
        "energy-transition"
    }
    assert eu_topic_unknown({"topicId": "HORIZON-CL2-2026-01-DEMOCRACY-01"}) == set()


def test_families():
    assert eu_topic_family({"topicId": "HORIZON-CL4-2027-SPACE-03-84"}) == "HORIZON CL4 SPACE"
    assert eu_topic_family({"topicId": "HORIZON-CL6-2027-02-CLIMATE-04"}) == ("HORIZON CL6 CLIMATE")
    assert eu_topic_family({"topicId": "CEF-T-2026-AFIFGEN-COSTS"}) == "CEF T"
    assert eu_topic_family({"topicId": "EDF-2026-LS-DIS-NT"}) == "EDF"


def test_topic_text_loses_codes_not_words():
    row = {
        "topicId": "HORIZON-CL5-2026-10-D2-03",
        "title": "Next-Generation Lithium-based Batteries (Batt4EU Partnership)",
        "description": "Expected Outcome: state-of-the-art cells. See HORIZON-CL5-2026-10-D2-03 "
        "and EuropeAid/186002/DD/ACT/MA.",
        "keywords": ["HORIZON-CL5-2026-10-D2-03", "HORIZON-CL5-2026-10", "Batteries"],
    }
    text = eu_topic_text(row)
    assert "D2" not in text
    assert "186002" not in text
    assert "Next-Generation Lithium-based Batteries (Batt4EU Partnership)" in text
    assert "state-of-the-art cells" in text
    assert text.endswith("Batteries")


def test_topic_text_with_missing_fields():
    assert eu_topic_text({"title": "Wind", "description": None, "keywords": float("nan")}) == (
        "Wind"
    )


def pool():
    examples = [Example(f"aero {i}", {"aerospace"}, id=f"a{i}") for i in range(5)]
    examples += [Example(f"none {i}", set(), id=f"n{i}") for i in range(20)]
    examples += [Example("lonely", {"supercomputing"}, id="s0")]
    examples += [Example(f"pair {i}", {"batteries"}, id=f"b{i}") for i in range(2)]
    return examples


def test_split_is_deterministic_disjoint_and_stratified():
    train, test = split_examples(pool(), 0.3, seed=0)
    again = split_examples(pool(), 0.3, seed=0)
    assert (train, test) == again
    assert {e.id for e in train}.isdisjoint({e.id for e in test})
    assert len(train) + len(test) == len(pool())
    assert sum("aerospace" in e.labels for e in test) == 2  # round(0.3 × 5)
    assert sum(not e.labels for e in test) == 6  # round(0.3 × 20)
    assert sum("batteries" in e.labels for e in test) == 1  # at least one of two
    assert all("supercomputing" not in e.labels for e in test)  # a single one stays
    other = split_examples(pool(), 0.3, seed=1)
    assert other != (train, test)


def test_strata_keep_every_family_on_both_sides():
    examples = [Example(f"t{i}", {"aerospace"}, id=str(i)) for i in range(8)]
    strata = ["space"] * 6 + ["aircraft"] * 2
    train, test = split_examples(examples, 0.25, strata=strata)
    family = dict(zip((e.id for e in examples), strata, strict=True))
    assert {family[e.id] for e in test} == {"space", "aircraft"}
    assert {family[e.id] for e in train} == {"space", "aircraft"}


def test_scores_by_hand():
    truth = [{"a"}, {"a", "b"}, set(), {"c"}]
    predicted = [{"a"}, {"b"}, {"a"}, set()]
    report = evaluate(truth, predicted, ["a", "b", "c", "d"])
    a, b, c, d = report.labels
    # a: tp 1 (item 0), fn 1 (item 1), fp 1 (item 2)
    assert (a.precision, a.recall, a.f1, a.support, a.predicted) == (0.5, 0.5, 0.5, 2, 2)
    assert (b.precision, b.recall, b.f1) == (1.0, 1.0, 1.0)
    assert c.f1 == 0.0
    assert math.isnan(c.precision)
    assert math.isnan(d.f1)  # no support: not in the macro average
    assert d.support == 0
    assert report.macro_f1 == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    assert "macro-F1" in report.table()


def test_unknown_cells_are_not_scored():
    report = evaluate([set(), {"a"}], [{"a"}, {"a"}], ["a"], unknown=[{"a"}, set()])
    assert report.labels[0].precision == 1.0  # the false positive was unknown


# ---------------------------------------------------------------- hand labels
def test_the_hand_labels_record_both_annotators_and_every_adjudication():
    """The shipped hand labels: 428 topics; where the two annotators agreed the label is
    theirs, elsewhere an adjudication gives the reason; the counts are those documented
    beside the file."""
    import csv
    from collections import Counter

    from vinculo.text import EU_HAND_LABELS, load_hand_labels

    labels = load_hand_labels()
    with EU_HAND_LABELS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(labels) == 428
    for row in rows:
        final = frozenset(x for x in row["labels"].split(";") if x)
        assert labels[row["topicId"]] == final
        if row["decision"] == "agreed":
            assert row["annotator_a"] == row["annotator_b"] == row["labels"]
            assert not row["adjudication"]
        else:
            assert row["decision"] == "adjudicated"
            assert row["annotator_a"] != row["annotator_b"]
            assert len(row["adjudication"]) > 20
    assert sum(r["decision"] == "adjudicated" for r in rows) == 15
    counts = Counter(label for found in labels.values() for label in found)
    assert counts == {
        "energy-transition": 42,
        "climate-change": 39,
        "health-security": 22,
        "aerospace": 15,
        "supercomputing": 6,
        "batteries": 6,
        "electromobility": 5,
        "lithium-value-chain": 3,
    }
    assert sum(not found for found in labels.values()) == 303
    documented = EU_HAND_LABELS.with_suffix(".md").read_text(encoding="utf-8")
    assert "413 of 428" in documented
    assert "| supercomputing | 6 | 6 | 6 | 1.000 |" in documented


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("topicId\nA\n", "missing column(s) labels"),
        ("topicId,labels\nA,batteries\nA,\n", "row 3, topicId: A is repeated"),
        ("topicId,labels\n,batteries\n", "row 2, topicId: empty"),
        ("topicId,labels\nA,batteries;baterias\n", "row 2, labels: unknown priority baterias"),
        (b"topicId,labels\nA,\xff\n", "cannot read"),
    ],
)
def test_a_bad_hand_label_file_names_the_row_and_field(tmp_path, content, message):
    from vinculo.text import TextError, load_hand_labels

    path = tmp_path / "labels.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(TextError, match=r"labels\.csv") as raised:
        load_hand_labels(path)
    assert message in str(raised.value)


def test_folds_hold_each_example_once_and_share_every_label():
    from vinculo.text import fold_examples

    pool = [
        Example(f"text {i}", {"batteries"} if i % 10 == 0 else set(), id=f"t{i}")
        for i in range(100)
    ]
    strata = ["x" if i % 2 else "y" for i in range(100)]
    folds = fold_examples(pool, 5, seed=3, strata=strata)
    assert fold_examples(pool, 5, seed=3, strata=strata) == folds  # deterministic
    assert fold_examples(pool, 5, seed=4, strata=strata) != folds
    assert [folds.count(f) for f in range(5)] == [20] * 5
    positives = [folds[i] for i in range(100) if pool[i].labels]
    assert sorted(positives) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    with pytest.raises(ValueError, match="at least 2"):
        fold_examples(pool, 1)
