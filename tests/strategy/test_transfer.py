"""The transfer-model files: the shipped records and the validator's errors on bad files."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from vinculo.strategy.transfer import (
    DIMENSION_NAMES,
    DIMENSIONS,
    TransferError,
    default_transfer_models,
    load_transfer_model,
    load_transfer_models,
)

GOOD = """\
country: FRA
version: 2
reviewed: "2026-12-05"
coverage: partial
dimensions:
  ownership:
    - text:
        en: The employer owns.
        es: El empleador es titular.
      source:
        publisher: Someone
        title: A page
        url: https://example.org/page
        date: "2024-05"
        date_kind: published
        quote: "the passage"
"""


def write(tmp_path: Path, text: str, name: str = "FRA.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------ the shipped records


def test_shipped_records_meet_the_issue_targets() -> None:
    models = default_transfer_models()
    for country in ("FRA", "ESP", "IND", "MEX"):
        model = models[country]
        assert model.coverage == "complete"
        assert model.known == DIMENSIONS
        assert model.unknown == ()
    partial = {c for c, m in models.items() if m.coverage == "partial"}
    assert partial == {"USA", "DEU", "KOR", "JPN", "CHN", "CAN", "BRA", "CHL", "ARG"}
    for model in models.values():
        assert model.version >= 1
        assert isinstance(model.reviewed, dt.date)
        assert model.fact_count >= 1


def test_every_shipped_fact_is_sourced_and_bilingual() -> None:
    for model in default_transfer_models().values():
        for dimension, facts in model.facts.items():
            assert dimension in DIMENSIONS
            for fact in facts:
                assert fact.text["en"]
                assert fact.text["es"]
                assert fact.source.url.startswith(("http://", "https://"))
                assert fact.source.publisher
                assert fact.source.title
                assert fact.source.quote
                assert re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", fact.source.date)
                assert fact.source.date_kind in ("published", "accessed")


def test_known_facts_of_france_and_mexico() -> None:
    models = default_transfer_models()
    france = models["FRA"].dimension("inventor_remuneration")
    assert "50%" in france[0].text["en"]
    assert "50%" in france[0].source.quote
    mexico = models["MEX"].dimension("inventor_remuneration")
    assert "70 por ciento" in mexico[0].source.quote
    assert models["ARG"].dimension("ownership") == ()
    assert "ownership" in models["ARG"].unknown


def test_dimension_names_cover_both_languages() -> None:
    assert set(DIMENSION_NAMES) == set(DIMENSIONS)
    for names in DIMENSION_NAMES.values():
        assert set(names) == {"es", "en"}


def test_unknown_dimension_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown dimension 'patents'"):
        default_transfer_models()["FRA"].dimension("patents")


# ------------------------------------------------------------ a good file and a directory


def test_load_a_good_file(tmp_path: Path) -> None:
    model = load_transfer_model(write(tmp_path, GOOD))
    assert model.country == "FRA"
    assert model.version == 2
    assert model.reviewed == dt.date(2026, 12, 5)
    assert model.known == ("ownership",)
    assert model.dimension("ownership")[0].source.date == "2024-05"


def test_one_bad_file_fails_the_directory(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    write(tmp_path, GOOD.replace("FRA", "ESP").replace("version: 2", "version: 0"), "ESP.yaml")
    with pytest.raises(TransferError, match=r"^ESP\.yaml: line 2, version: expected a version"):
        load_transfer_models(tmp_path)


# ------------------------------------------------------------ bad files: file, line, key


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "country: FRA",
            "country: ESP",
            r"FRA\.yaml: line 1, country: the country 'ESP' does not match",
        ),
        ("country: FRA", "country: FRX", r"line 1, country: 'FRX' is not an ISO 3166"),
        (
            "version: 2",
            "version: two",
            r"line 2, version: expected a whole number, got the text 'two'",
        ),
        (
            'reviewed: "2026-12-05"',
            'reviewed: "2026-13-05"',
            r"line 3, reviewed: '2026-13-05' is not a calendar date",
        ),
        (
            'reviewed: "2026-12-05"',
            'reviewed: "2026-12"',
            r"line 3, reviewed: '2026-12': give the full date",
        ),
        (
            "coverage: partial",
            "coverage: partiel",
            r"line 4, coverage: 'partiel' is not one of complete, partial "
            r"\(did you mean 'partial'\?\)",
        ),
        (
            "coverage: partial",
            "coverage: complete",
            r"line 4, coverage: 'complete' needs a sourced fact in every dimension; "
            r"missing: instruments",
        ),
        (
            "  ownership:",
            "  ownrship:",
            r"line 6, dimensions\.ownrship: unknown key 'ownrship' \(did you mean 'ownership'\?\)",
        ),
        (
            "        es: El empleador es titular.\n",
            "",
            r"line 7, dimensions\.ownership\[0\]\.text: missing key 'es'",
        ),
        (
            "url: https://example.org/page",
            "url: www.example.org",
            r"line 13, dimensions\.ownership\[0\]\.source\.url: "
            r"'www\.example\.org' is not an http\(s\) address",
        ),
        (
            'quote: "the passage"',
            'quote: ""',
            r"line 16, dimensions\.ownership\[0\]\.source\.quote: "
            r"expected the passage the fact rests on, got an empty text",
        ),
        (
            'date: "2024-05"',
            "date: 2024",
            r"line 14, dimensions\.ownership\[0\]\.source\.date: expected a date",
        ),
        (
            "date_kind: published",
            "date_kind: seen",
            r"line 15, dimensions\.ownership\[0\]\.source\.date_kind: 'seen' is not one of",
        ),
        (
            "        publisher: Someone\n",
            "",
            r"line 10, dimensions\.ownership\[0\]\.source: missing key 'publisher'",
        ),
        (
            "        title: A page\n",
            "        title: A page\n        title: Again\n",
            r"line 13, dimensions\.ownership\[0\]\.source\.title: "
            r"duplicate key \(first at line 12\)",
        ),
    ],
)
def test_bad_file_names_file_line_and_key(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in GOOD
    with pytest.raises(TransferError, match=expected):
        load_transfer_model(write(tmp_path, GOOD.replace(old, new, 1)))


def test_long_quote_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace('quote: "the passage"', f'quote: "{"x" * 700}"')
    with pytest.raises(
        TransferError, match=r"line 16, .*quote: a quote is a short passage \(at most 600"
    ):
        load_transfer_model(write(tmp_path, text))


def test_duplicate_fact_is_refused(tmp_path: Path) -> None:
    fact = GOOD.split("  ownership:\n", 1)[1]
    text = GOOD + fact
    with pytest.raises(
        TransferError,
        match=r"line 17, dimensions\.ownership\[1\]: the same fact as dimensions\.ownership\[0\]",
    ):
        load_transfer_model(write(tmp_path, text))


def test_empty_and_invalid_yaml(tmp_path: Path) -> None:
    with pytest.raises(TransferError, match=r"^FRA\.yaml: line 1: the file is empty"):
        load_transfer_model(write(tmp_path, ""))
    with pytest.raises(
        TransferError, match=r"^FRA\.yaml: line 3: invalid YAML: while parsing a flow sequence"
    ):
        load_transfer_model(write(tmp_path, "country: FRA\nversion: [1\n"))
    with pytest.raises(TransferError, match=r"line 6, dimensions\.ownership: empty list"):
        load_transfer_model(write(tmp_path, GOOD.split("  ownership:")[0] + "  ownership: []\n"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TransferError, match="cannot read"):
        load_transfer_model(tmp_path / "NOPE.yaml")
