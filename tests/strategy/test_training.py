"""The human-capital gap, checked by hand, and the training-models file."""

from __future__ import annotations

import pytest

from vinculo.strategy.training import (
    Cohort,
    Need,
    TrainingModelError,
    expected_ready,
    gaps,
    load_models,
)

MODELS = load_models()


def test_the_packaged_models():
    model = MODELS["3-2-3"]
    assert [s.years for s in model.stages] == [3, 2, 3]
    assert model.years_to_ready == 5  # ready after the stay abroad: 3 + 2
    assert model.source["publisher"] == "Mexico Business News"
    assert "assumption" in model.note["en"]
    assert MODELS["masters-2"].years_to_ready == 2


def test_gap_by_hand():
    hpc = "hpc-engineer"
    cohorts = [
        # 2022 + 5 = 2027: 20 enrolled x 0.8 = 16
        Cohort("HPC 3:2:3", MODELS["3-2-3"], 2022, 20, 0.8, profile=hpc,
               partner_countries=("FRA",)),
        # 2023 + 5 = 2028: 7 recorded as ready (the rate is not used)
        Cohort("HPC 3:2:3", MODELS["3-2-3"], 2023, 10, 0.8, ready=7, profile=hpc,
               partner_countries=("ESP",)),
        # 2027 + 2 = 2029: 5 x 1.0
        Cohort("MSc HPC", MODELS["masters-2"], 2027, 5, profile=hpc),
        # another profile: never counted for hpc
        Cohort("Batteries", MODELS["3-2-3"], 2020, 50, profile="battery-chemist"),
    ]  # fmt: skip
    needs = [Need("Coatlicue", hpc, year, n) for year, n in
             ((2026, 10), (2027, 30), (2028, 30), (2029, 30), (2030, 40))]  # fmt: skip
    found = gaps(needs, cohorts, matched={("Coatlicue", hpc): 2})
    table = [(g.year, g.needed, g.expected, g.matched, g.gap) for g in found]
    assert table == [
        (2026, 10, 0.0, 2, 8.0),  # 10 - 0 - 2
        (2027, 30, 16.0, 2, 12.0),  # 30 - 16 - 2
        (2028, 30, 23.0, 2, 5.0),  # 30 - (16 + 7) - 2
        (2029, 30, 28.0, 2, 0.0),  # 30 - (16 + 7 + 5) - 2 = 0
        (2030, 40, 28.0, 2, 10.0),  # 40 - 28 - 2
    ]
    assert found[0].programmes == ("HPC 3:2:3", "MSc HPC")
    assert found[0].partner_countries == ("ESP", "FRA")
    assert expected_ready(cohorts, "battery-chemist", 2025) == 50.0
    assert expected_ready(cohorts, "battery-chemist", 2024) == 0.0


def test_a_surplus_is_no_gap():
    cohorts = [Cohort("P", MODELS["masters-2"], 2024, 12, profile="x")]
    (found,) = gaps([Need("Project", "x", 2026, 10)], cohorts)
    assert (found.expected, found.gap) == (12.0, 0.0)


def test_bad_file_names_file_and_key(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(
        "models:\n  - id: a\n    name: {es: A, en: A}\n    note: {es: n, en: n}\n"
        "    stages: [{id: s, name: {es: S, en: S}, years: 2}]\n    ready_after: t\n"
    )
    with pytest.raises(TrainingModelError, match=r"a: ready_after 't' is no stage"):
        load_models(path)
    path.write_text("models:\n  - id: a\n    name: {es: A, en: A}\n")
    with pytest.raises(TrainingModelError, match=r"m\.yaml: models\[0\]: missing key 'stages'"):
        load_models(path)
