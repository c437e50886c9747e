"""The people library on fixtures in OpenAlex's and ORCID's documented JSON shapes,
hand-checked: see the fixture files under tests/strategy/fixtures/people/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vinculo.strategy.people import (
    PeopleError,
    diaspora,
    identity_match,
    merge,
    name_key,
    normalise_openalex,
    normalise_orcid,
    parse_openalex_author,
    parse_orcid_record,
    rank_by_fit,
)

FIXTURES = Path(__file__).parent / "fixtures" / "people"


@pytest.fixture(scope="module")
def authors():
    data = json.loads((FIXTURES / "openalex_authors.json").read_text(encoding="utf-8"))
    return {a.openalex_id: a for a in map(parse_openalex_author, data["results"])}


@pytest.fixture(scope="module")
def record():
    return parse_orcid_record(json.loads((FIXTURES / "orcid_record.json").read_text("utf-8")))


def test_openalex_parse(authors):
    maria = authors["A5000000001"]
    assert maria.name == "María José Hernández Ruiz"
    assert maria.orcid is None
    assert (maria.works, maria.citations) == (42, 1310)
    assert maria.topics == ("Advancements in Battery Materials", "Lithium-ion battery electrolytes")
    first, second = maria.affiliations
    assert (first.institution, first.country, first.start, first.end, first.current) == (
        "Max Planck Society",
        "DE",
        2014,
        2024,
        True,
    )
    assert (second.country, second.start, second.end, second.current) == ("MX", 2008, 2012, False)
    assert second.ror == "https://ror.org/01tmp8f25"
    assert authors["A5000000005"].orcid == "0000-0002-1825-0097"


def test_orcid_parse(record):
    assert record.name == "Ana García López"
    assert record.orcid == "0000-0002-1825-0097"
    education, employment = sorted(record.affiliations, key=lambda a: a.kind)
    assert (education.kind, education.country, education.start, education.end) == (
        "education",
        "MX",
        2005,
        2010,
    )
    assert (employment.kind, employment.country, employment.start, employment.end) == (
        "employment",
        "GB",
        2012,
        None,
    )
    assert employment.current
    assert not education.current
    assert employment.ror == "https://ror.org/052gg0110"
    # the public e-mail in the record is not read
    assert "example.org" not in repr(record)


def test_diaspora_mexico_then_abroad(authors):
    verdict = diaspora(authors["A5000000001"])
    assert verdict.status == "diaspora"
    assert verdict.reason == "origin_and_abroad"
    assert verdict.hosts == ("DE",)
    facts = [(e.fact, e.affiliation.institution) for e in verdict.evidence]
    assert facts == [
        ("origin", "Universidad Nacional Autónoma de México"),
        ("current_abroad", "Max Planck Society"),
    ]


def test_diaspora_returnee_is_not(authors):
    # CINVESTAV 2005-09 -> Caltech 2010-16 -> UNAM 2017-24
    verdict = diaspora(authors["A5000000002"])
    assert (verdict.status, verdict.reason, verdict.hosts) == ("not_diaspora", "current_home", ())
    assert [e.fact for e in verdict.evidence] == ["current_home"]


def test_diaspora_two_simultaneous_affiliations(authors):
    # UNAM and Sorbonne both current: a joint appointment with one post at home
    verdict = diaspora(authors["A5000000003"])
    assert (verdict.status, verdict.reason, verdict.hosts) == (
        "not_diaspora",
        "current_home",
        ("FR",),
    )
    assert sorted(e.fact for e in verdict.evidence) == ["current_abroad", "current_home"]


def test_diaspora_no_country_is_unknown(authors):
    verdict = diaspora(authors["A5000000004"])
    assert (verdict.status, verdict.reason, verdict.evidence) == ("unknown", "unknown_current", ())


def test_diaspora_needs_evidence_of_origin(authors, record):
    ana = authors["A5000000005"]  # Oxford only in OpenAlex
    assert diaspora(ana).reason == "no_origin"
    # her ORCID record shows a degree at UNAM: merged, she is in the diaspora
    assert identity_match(ana, record).kind == "orcid"
    merged = merge(ana, record)
    verdict = diaspora(merged)
    assert (verdict.status, verdict.hosts) == ("diaspora", ("GB",))
    # the UNAM degree (2005) is both the earliest affiliation and a Mexican degree;
    # Oxford is current in both sources
    assert [e.fact for e in verdict.evidence] == [
        "origin",
        "degree",
        "current_abroad",
        "current_abroad",
    ]
    assert merged.openalex_id == "A5000000005"
    assert merged.orcid == "0000-0002-1825-0097"
    assert {a.source for a in merged.affiliations} == {"openalex", "orcid"}


def test_name_shared_by_two_people_is_never_merged(authors):
    ana, other = authors["A5000000005"], authors["A5000000006"]
    assert name_key(ana.name) == name_key(other.name) == "ana garcia lopez"
    match = identity_match(ana, other)
    assert (match.kind, match.merge) == ("none", False)
    assert match.reason == "different ORCIDs"
    with pytest.raises(PeopleError, match=r"orcid: .* different people"):
        merge(ana, other)
    assert diaspora(other).reason == "no_origin"


def test_same_name_same_institution_without_ids_is_for_review(authors):
    maria = authors["A5000000001"]
    template = parse_openalex_author(
        {
            "id": "A5000000099",
            "display_name": "Hernández Ruiz, María José",
            "affiliations": [
                {
                    "institution": {
                        "id": "x",
                        "ror": "https://ror.org/024mw5h28",
                        "display_name": "MPG",
                        "country_code": "DE",
                    },
                    "years": [2020],
                }
            ],
        }
    )
    # different OpenAlex ids and no ORCID on either: a suggestion, not a merge
    match = identity_match(maria, template)
    assert (match.kind, match.merge) == ("review", False)
    stranger = parse_openalex_author({"id": "A1", "display_name": "María José Hernández Ruiz"})
    assert identity_match(maria, stranger).kind == "none"  # no shared institution


def test_name_key_is_accent_and_order_insensitive():
    assert name_key("García López, Ana") == name_key("ANA GARCIA-LOPEZ") == "ana garcia lopez"
    assert name_key("A. García López") != name_key("Ana García López")


def test_identifiers():
    assert normalise_orcid("https://orcid.org/0000-0002-1694-233x") == "0000-0002-1694-233X"
    assert normalise_openalex("https://openalex.org/a5023888391") == "A5023888391"
    with pytest.raises(PeopleError, match="checksum"):
        normalise_orcid("0000-0002-1825-0098")
    with pytest.raises(PeopleError, match="openalex_id"):
        normalise_openalex("W123")


def test_bad_country_names_the_field():
    data = {
        "id": "A1",
        "display_name": "X",
        "affiliations": [{"institution": {"id": "i", "country_code": "Mexico"}, "years": [2020]}],
    }
    with pytest.raises(PeopleError, match=r"affiliations\[0\]\.country_code: 'Mexico'"):
        parse_openalex_author(data)


def test_rank_by_fit_across_languages(authors):
    people = list(authors.values())
    fits = rank_by_fit(
        "Baterías de ion de litio para vehículos eléctricos", [p.topics for p in people]
    )
    ranked = [people[f.index].openalex_id for f in fits]
    # María (battery materials, lithium-ion electrolytes) first, Ana (EV batteries) next;
    # semiconductors, satellites, literature and no topics do not fit
    assert ranked == ["A5000000001", "A5000000005"]
    assert set(fits[0].terms) == {"bateri", "liti", "ion"}
    assert fits[0].topics == people[0].topics
    assert 0 < fits[1].score < fits[0].score <= 1
