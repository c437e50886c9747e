"""Mexico's embassies from the Wikidata embassies file: the real file (checked against the
staged subset read independently) and small fixtures for the errors."""

from __future__ import annotations

import csv

import pytest

from vinculo.evidence.sources.embassies import STAGED, iso3_by_english_name, missions
from vinculo.evidence.store import EvidenceError

HEADER = "operator;jurisdictions;country;city;latitude;longitude;type;QID;\n"


def test_real_file_every_mexican_embassy(test_data):
    found = missions(test_data / STAGED)
    assert found.unmatched == {}
    assert found.without_coordinates == 0
    # the scout's subset, read with the csv module: 80 embassies, all with coordinates
    with (test_data / "embassies_wikidata_2022/mexico_missions_abroad.csv").open() as handle:
        subset = [r for r in csv.DictReader(handle) if r["type"] == "embassy"]
    assert len(subset) == 80
    assert len(found.found) == 80
    hosts = [m.host for m in found.found]
    assert len(set(hosts)) == 80  # one embassy per host country
    washington = next(m for m in found.found if m.host == "USA")
    assert (washington.city, washington.latitude, washington.longitude) == (
        "Washington, D.C.",
        38.9007,
        -77.044,
    )
    assert washington.qid == "Q23925187"
    # the embassy to the Holy See stands in Rome: its host is the Vatican, not Italy
    holy_see = next(m for m in found.found if m.host == "VAT")
    assert holy_see.city == "Rome"
    assert {"ITA", "VAT", "DNK", "CHN", "IRL", "CZE", "TUR"} <= set(hosts)
    algiers = next(m for m in found.found if m.host == "DZA")
    assert algiers.jurisdictions == ("DZA", "LBY", "MRT", "TUN")


def test_both_layouts_read_alike(test_data):
    original = missions(test_data / STAGED)
    subset = missions(test_data / "embassies_wikidata_2022/mexico_missions_abroad.csv")
    assert original.found == subset.found


def test_unknown_country_is_reported_not_guessed(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(
        HEADER
        + "Mexico;Atlantis;Atlantis;Poseidonia;1;2;embassy;Q1;\n"
        + "Mexico;France;France;Paris;48.86;2.29;embassy;http://www.wikidata.org/entity/Q2;\n"
        + "Mexico;Spain;Spain;Madrid;;;embassy;Q3;\n"
        + "Chile;France;France;Paris;48.8;2.3;embassy;Q4;\n"
        + "Mexico;France;France;Lyon;45.7;4.8;consulate general;Q5;\n",
        encoding="utf-8",
    )
    found = missions(path)
    assert found.unmatched == {"Atlantis": 1}
    assert found.without_coordinates == 1
    assert [(m.host, m.city, m.qid) for m in found.found] == [("FRA", "Paris", "Q2")]
    both = missions(path, kinds=("embassy", "consulate"))
    assert [(m.host, m.city, m.kind) for m in both.found] == [
        ("FRA", "Paris", "embassy"),
        ("FRA", "Lyon", "consulate"),
    ]


def test_bad_position_names_file_row_and_field(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(HEADER + "Mexico;France;France;Paris;148.86;2.29;embassy;Q2;\n")
    with pytest.raises(EvidenceError, match=r"e\.csv, row 2, field latitude"):
        missions(path)


def test_not_the_embassies_file(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(EvidenceError, match=r"other\.csv: no column 'operator'"):
        missions(path)


@pytest.mark.parametrize(
    ("name", "code"),
    [("United States of America", "USA"), ("Kingdom of Denmark", "DNK"), ("Vietnam", "VNM"),
     ("Republic of Ireland", "IRL"), ("South Korea", "KOR"), ("Russia", "RUS")],
)  # fmt: skip
def test_english_names(name, code):
    assert iso3_by_english_name(name) == code
