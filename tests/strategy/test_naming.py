"""The diplomatic naming policy: the shipped file, another file by VINCULO_NAMING, the
names every surface takes from it, the candidates it excludes or flags, and clear errors
on a bad file."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import TEST_POLICY
from vinculo.strategy.i18n import Country, country_name
from vinculo.strategy.naming import (
    CANDIDATE,
    CATEGORIES,
    NamingPolicyError,
    load_naming,
    naming_policy,
)
from vinculo.strategy.partners import Recommendation, as_frame


@pytest.fixture(autouse=True)
def shipped(monkeypatch):
    monkeypatch.delenv("VINCULO_NAMING", raising=False)


def _recommendation(code: str, rank: int) -> Recommendation:
    return Recommendation(
        partner=code, name=code, score=1.0 / rank, values={}, rank=rank, rank_range=(rank, rank),
        contributions=dict.fromkeys(("strength", "complementarity", "ties", "capacity",
                                     "proximity"), 0.1),
        reasons={},
    )  # fmt: skip


def test_the_shipped_policy_is_sourced_and_keeps_taiwan_as_the_brief_had_it():
    policy = naming_policy()
    assert {"TWN", "HKG", "MAC", "XKX", "ESH", "FLK", "PSE"} <= set(policy.entries)
    for entry in policy.entries.values():
        assert entry.category in CATEGORIES
        assert entry.candidate in CANDIDATE
        assert entry.sources, entry.code
        for source in entry.sources:
            assert source.url.startswith("http")
            assert source.publisher
            assert source.title
            assert source.read == date(2026, 12, 4)
    taiwan = policy.entry("TWN")
    assert taiwan is not None
    assert (taiwan.category, taiwan.candidate) == ("no_diplomatic_relations", "allowed_with_caveat")
    assert taiwan.sources[0].url == "http://www.china.org.cn/english/features/81689.htm"
    assert "14 February 1972" in taiwan.sources[0].fact
    assert policy.caveat("TWN", "es").startswith(
        "México no mantiene relaciones diplomáticas con Taiwán;"
    )
    assert "Mexico does not maintain diplomatic relations with Taiwan" in policy.caveat("TWN", "en")
    assert policy.caveat("PSE", "en") == ""  # allowed without a caveat
    assert policy.caveat("FRA", "en") == ""
    assert policy.flag("FRA") is None


def test_names_follow_the_policy_everywhere_country_name_is_used():
    assert country_name("HKG", "en") == "Hong Kong, China"  # CLDR: "Hong Kong SAR China"
    assert country_name("PSE", "es") == "Palestina"  # CLDR: "Territorios Palestinos"
    assert country_name("FLK", "en") == "Falkland Islands (Malvinas)"
    assert country_name("FRA", "es") == "Francia"  # no entry: CLDR
    assert Country("HKG").render("es") == "Hong Kong, China"  # reasons quoting a country


def test_a_custom_file_renames_and_excludes(naming_file):
    naming_file()
    policy = naming_policy()
    assert country_name("FRA", "es") == "Francia (prueba)"
    assert country_name("FRA", "en") == "France (test)"
    assert country_name("TWN", "en") == "Taiwan"  # the shipped file no longer applies: CLDR
    assert policy.caveat("TWN", "en") == ""
    ranked = [_recommendation(c, i) for i, c in enumerate(("DEU", "FRA", "ITA"), start=1)]
    assert [r.partner for r in policy.shown(ranked)] == ["FRA", "ITA"]
    assert policy.caveats({"FRA", "DEU", "ITA"}, "es") == ["Aviso sobre Francia (prueba)."]
    assert policy.flag("FRA") == {
        "category": "special_region",
        "candidate": "allowed_with_caveat",
        "caveat": {"es": "Aviso sobre Francia (prueba).", "en": "Caveat on France (test)."},
    }
    # the export table: the excluded row left out, the others with their model rank and caveat
    table = as_frame(ranked, "en")
    assert table["partner"].tolist() == ["FRA", "ITA"]
    assert table["rank"].tolist() == [2, 3]
    assert table["name"].tolist() == ["France (test)", "Italy"]
    assert table["caveat"].tolist() == ["Caveat on France (test).", ""]


def test_a_changed_file_is_read_again(naming_file):
    naming_file()
    assert country_name("FRA", "en") == "France (test)"
    naming_file(TEST_POLICY.replace("France (test)", "France (second)"))
    assert country_name("FRA", "en") == "France (second)"


def test_the_brief_says_the_policys_caveats_and_leaves_out_the_excluded(naming_file):
    from vinculo.strategy.brief import _summary

    shipped = _summary([], "en", "FRA", {"TWN", "DEU"}, ()).sensitivities
    assert len(shipped) == 1
    assert "diplomatic relations with Taiwan" in shipped[0]
    naming_file()
    custom = _summary([], "es", "ITA", {"TWN", "DEU", "FRA"}, ()).sensitivities
    assert custom == ("Aviso sobre Francia (prueba).",)  # DEU excluded: not named at all


_ENTRY = """\
entries:
  - code: TWN
    category: no_diplomatic_relations
    names: {es: Taiwán, en: Taiwan}
    candidate: allowed_with_caveat
    caveat: {es: "Aviso.", en: "Caveat."}
    sources: [{publisher: P, title: T, url: "https://example.org", read: 2026-12-04}]
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("candidate: allowed_with_caveat", "candidate: hidden"),
         r"entries\[0\] \(TWN\): field 'candidate': 'hidden' is not one of allowed, "
         r"allowed_with_caveat, excluded"),
        (("category: no_diplomatic_relations", "category: enemy"),
         r"entries\[0\] \(TWN\): field 'category': 'enemy' is not one of"),
        (("code: TWN", "code: tw"), r"entries\[0\]: field 'code': 'tw' is not an ISO 3166"),
        (('caveat: {es: "Aviso.", en: "Caveat."}', 'caveat: {es: "Aviso."}'),
         r"entries\[0\] \(TWN\): field 'caveat.en': missing or empty text"),
        (("names: {es: Taiwán, en: Taiwan}", "names: Taiwan"),
         r"entries\[0\] \(TWN\): field 'names': expected a mapping with the keys es and en"),
        (("read: 2026-12-04", "read: yesterday"),
         r"entries\[0\] \(TWN\): field 'sources\[0\].read': the date the source was read"),
        (('url: "https://example.org"', "url: example.org"),
         r"entries\[0\] \(TWN\): field 'sources\[0\].url': 'example.org' is not an http\(s\) "
         r"address"),
        ((_ENTRY[_ENTRY.index("    sources:"):], ""),
         r"entries\[0\] \(TWN\): field 'sources': give at least one source"),
        (("    candidate:", "    colour: red\n    candidate:"),
         r"entries\[0\] \(TWN\): field 'colour': unknown"),
    ],
)  # fmt: skip
def test_a_bad_file_names_the_file_the_entry_and_the_field(tmp_path, change, message):
    path = tmp_path / "bad.yaml"
    path.write_text(_ENTRY.replace(*change), encoding="utf-8")
    with pytest.raises(NamingPolicyError, match=rf"^{tmp_path}/bad\.yaml: {message}"):
        load_naming(path)


def test_other_bad_files(tmp_path, naming_file):
    twice = tmp_path / "twice.yaml"
    twice.write_text(_ENTRY + _ENTRY.split("entries:\n")[1], encoding="utf-8")
    with pytest.raises(NamingPolicyError, match=r"entries\[1\] \(TWN\): .*listed twice"):
        load_naming(twice)
    broken = tmp_path / "broken.yaml"
    broken.write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(NamingPolicyError, match=r"broken\.yaml: line \d+: not valid YAML"):
        load_naming(broken)
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(NamingPolicyError, match=r"empty\.yaml: expected a mapping with the key"):
        load_naming(empty)
    with pytest.raises(NamingPolicyError, match=r"absent\.yaml: cannot read"):
        load_naming(tmp_path / "absent.yaml")
    naming_file(name="x.yaml").unlink()
    with pytest.raises(NamingPolicyError, match=r"^VINCULO_NAMING=.*x\.yaml: cannot read"):
        naming_policy()
