"""The forums registry (issue 15, part 3): the shipped file and the validator's errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from vinculo.strategy.forums import (
    STATUSES,
    ForumsError,
    coverage,
    default_forums,
    load_forums,
)
from vinculo.strategy.priorities import default_priorities

PRIORITIES = ("energy-transition", "batteries", "lithium-value-chain")

SOURCE = """\
        publisher: IEC
        title: Voting result
        url: "https://www.iec.ch/dyn/www/f?p=103:52"
        date: "2021-03-05"
        passage: "Mexico | P | 2021-03-04 | Y | - |"
"""

GOOD = f"""\
version: 1
updated: 2026-12-05
forums:
  - id: iec-tc-82
    name: {{es: IEC TC 82, en: IEC TC 82}}
    kind: standards-committee
    body: IEC
    scope: {{es: Fotovoltaica, en: Photovoltaics}}
    priorities: [energy-transition]
    mexico:
      status: participating
      source:
{SOURCE}
  - id: iso-tc-333
    name: {{es: Litio, en: Lithium}}
    kind: standards-committee
    body: ISO
    scope: {{es: Litio, en: Lithium}}
    priorities: [lithium-value-chain, batteries]
    leads:
      - country: CHN
        role: secretariat
        source:
{textwrap.indent(SOURCE, "    ")}
    mexico:
      status: absent
      source:
{SOURCE}
  - id: iec-tc-21
    name: {{es: Baterías, en: Batteries}}
    kind: standards-committee
    body: IEC
    scope: {{es: Baterías, en: Batteries}}
    priorities: [batteries]
    mexico:
      status: unknown
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "forums.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def fails(tmp_path: Path, text: str) -> str:
    with pytest.raises(ForumsError) as caught:
        load_forums(write(tmp_path, text), PRIORITIES)
    return str(caught.value)


# ---------------------------------------------------------------- the shipped registry


def test_shipped_registry_has_forty_forums_with_sourced_status() -> None:
    registry = default_forums()
    sourced = [f for f in registry.forums if f.mexico.known]
    assert len(registry.forums) >= 40
    assert len(sourced) >= 40
    for forum in sourced:
        assert forum.mexico.source is not None, forum.id
        assert forum.mexico.source.url.startswith("http"), forum.id
        assert forum.mexico.source.passage, forum.id
    for forum in registry.forums:
        if not forum.mexico.known:
            assert forum.mexico.source is None, forum.id
        for lead in forum.leads:
            assert lead.source.passage, forum.id


def test_shipped_registry_names_only_real_priorities_and_covers_them_all() -> None:
    ids = {p.id for p in default_priorities().priorities}
    registry = default_forums()
    named = {p for forum in registry.forums for p in forum.priorities}
    assert named <= ids
    assert named == ids  # every priority has at least one forum


def test_shipped_registry_facts_rest_on_their_passages() -> None:
    registry = default_forums()
    pv = registry.forum("iec-tc-82")
    assert pv.mexico.status == "participating"
    assert pv.mexico.source is not None
    assert "Mexico | P" in pv.mexico.source.passage
    wind = registry.forum("iea-wind-tcp")
    assert wind.mexico.status == "absent"
    lithium = registry.forum("iso-tc-333")
    assert {(lead.country, lead.role) for lead in lithium.leads} == {
        ("CHN", "secretariat"),
        ("CHN", "chair"),
    }
    assert lithium.mexico.status == "unknown"
    # a status only one of two sources supports is left unknown, with the reason
    assert registry.forum("iea-pvps-tcp").mexico.status == "unknown"
    assert "31 members" in registry.forum("iea-pvps-tcp").mexico.note


def test_shipped_registry_knows_which_forums_mexico_leads() -> None:
    led = {forum.id for forum in default_forums().led_by("MEX")}
    assert {"copant-tc-151", "mi-materials-challenge"} <= led
    assert "iso-tc-333" not in led


def test_unknown_forum_suggests_the_closest_id() -> None:
    with pytest.raises(ForumsError, match="did you mean 'iso-tc-333'"):
        default_forums().forum("iso-tc-33")


# ---------------------------------------------------------------- coverage


def test_coverage_groups_forums_by_status_and_names_gap_leaders(tmp_path: Path) -> None:
    registry = load_forums(write(tmp_path, GOOD), PRIORITIES)
    rows = {row.priority: row for row in coverage(registry, PRIORITIES)}
    batteries = rows["batteries"]
    assert [f.id for f in batteries.absent] == ["iso-tc-333"]
    assert [f.id for f in batteries.unknown] == ["iec-tc-21"]
    assert batteries.participating == ()
    assert batteries.known == 1
    assert batteries.presence == 0.0
    assert batteries.gap_leaders == ("CHN",)
    energy = rows["energy-transition"]
    assert energy.presence == 1.0
    assert energy.gap_leaders == ()
    assert [row.priority for row in coverage(registry, PRIORITIES)] == list(PRIORITIES)


def test_coverage_of_a_priority_without_known_status_has_no_presence(tmp_path: Path) -> None:
    text = GOOD.replace("priorities: [batteries]", "priorities: [energy-transition]")
    registry = load_forums(write(tmp_path, text), PRIORITIES)
    (row,) = coverage(registry, ["batteries"])
    assert row.presence == 0.0  # iso-tc-333 is known (absent)
    (empty,) = coverage(registry, ["no-such-priority"])
    assert empty.forums == ()
    assert empty.presence is None


# ---------------------------------------------------------------- bad files


def test_a_status_without_source_fails_naming_line_and_key(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    mexico:\n      status: participating\n      source:\n" + SOURCE,
        "    mexico:\n      status: participating\n",
    )
    message = fails(tmp_path, text)
    assert "forums.yaml: line 10, forums[0].mexico:" in message
    assert "needs a source" in message


def test_an_unknown_status_with_a_source_fails(tmp_path: Path) -> None:
    text = GOOD.replace(
        "      status: unknown\n", "      status: unknown\n      source:\n" + SOURCE
    )
    message = fails(tmp_path, text)
    assert "forums[2].mexico.source" in message
    assert "an unknown status carries no source" in message


def test_a_misspelt_status_is_named_with_a_suggestion(tmp_path: Path) -> None:
    message = fails(tmp_path, GOOD.replace("status: absent", "status: absnet"))
    assert "forums[1].mexico.status" in message
    assert "did you mean 'absent'" in message
    for status in STATUSES:
        assert status in message


def test_an_alpha2_country_gets_the_alpha3_hint(tmp_path: Path) -> None:
    message = fails(tmp_path, GOOD.replace("country: CHN", "country: CN"))
    assert "forums[1].leads[0].country" in message
    assert "the alpha-3 code is 'CHN'" in message


def test_an_unknown_priority_is_named(tmp_path: Path) -> None:
    message = fails(tmp_path, GOOD.replace("[energy-transition]", "[energy-transiton]"))
    assert "line 9, forums[0].priorities[0]" in message
    assert "did you mean 'energy-transition'" in message


def test_a_bad_source_date_url_and_passage_are_rejected(tmp_path: Path) -> None:
    assert "is not a date" in fails(tmp_path, GOOD.replace('"2021-03-05"', '"2021-13-05"', 1))
    assert "quote the date as text" in fails(
        tmp_path, GOOD.replace('"2021-03-05"', "2021-03-05", 1)
    )
    assert "is not an http(s) address" in fails(
        tmp_path, GOOD.replace('"https://www.iec.ch/dyn/www/f?p=103:52"', "www.iec.ch", 1)
    )
    long = "x" * 900
    message = fails(tmp_path, GOOD.replace('"Mexico | P | 2021-03-04 | Y | - |"', long, 1))
    assert "forums[0].mexico.source.passage" in message
    assert "900 characters" in message


def test_duplicate_ids_unknown_keys_and_missing_languages_fail(tmp_path: Path) -> None:
    duplicate = GOOD.replace("id: iec-tc-21", "id: iec-tc-82")
    assert "duplicate forum id 'iec-tc-82' (first at line 4)" in fails(tmp_path, duplicate)
    unknown_key = GOOD.replace("    body: IEC\n", "    body: IEC\n    bodi: IEC\n", 1)
    assert "unknown key 'bodi'" in fails(tmp_path, unknown_key)
    missing = GOOD.replace("{es: IEC TC 82, en: IEC TC 82}", "{en: IEC TC 82}")
    message = fails(tmp_path, missing)
    assert "forums[0].name" in message
    assert "missing key 'es'" in message


def test_unreadable_files_fail_cleanly(tmp_path: Path) -> None:
    assert "the file is empty" in fails(tmp_path, "")
    assert "invalid YAML" in fails(tmp_path, "forums: [unclosed\n")
    assert "format version 2 is not supported" in fails(
        tmp_path, GOOD.replace("version: 1", "version: 2")
    )
    with pytest.raises(ForumsError, match="cannot read"):
        load_forums(tmp_path / "missing.yaml", PRIORITIES)
