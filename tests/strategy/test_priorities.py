"""Priorities files: the shipped Mexico file, a second country's file, and bad files whose
errors name the file, the line and the key path."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from vinculo.strategy.priorities import (
    DEFAULT_FILE,
    NCSES15_FIELDS,
    WIPO35_FIELDS,
    Code,
    Priorities,
    PrioritiesError,
    Priority,
    Weights,
    default_priorities,
    load_priorities,
)

MEXICO_IDS = [
    "energy-transition",
    "health-security",
    "climate-change",
    "lithium-value-chain",
    "batteries",
    "electromobility",
    "aerospace",
    "supercomputing",
]
LITHIUM_STAGES = [
    "ores-concentrates",
    "lithium-chemicals",
    "cathode-battery-materials",
    "cells-accumulators",
    "packs-electric-vehicles",
]


@pytest.fixture(scope="module")
def mexico() -> Priorities:
    return default_priorities()


def _all_codes(priority: Priority) -> list[tuple[str, Code]]:
    """Every crosswalk entry of a priority and of its chain, with where it is."""
    found: list[tuple[str, Code]] = []
    groups = {"products": priority.products, "fields": priority.fields}
    groups["tech_fields"] = priority.tech_fields
    for stage in priority.chain:
        groups[f"chain.{stage.id}.products"] = stage.products
        groups[f"chain.{stage.id}.fields"] = stage.fields
    for where, mapping in groups.items():
        for taxonomy, codes in mapping.items():
            found += [(f"{priority.id}.{where}.{taxonomy}", code) for code in codes]
    return found


# ---------------------------------------------------------------- the shipped Mexico file


def test_the_shipped_file_loads(mexico):
    assert mexico.home == "MEX"
    assert mexico.languages == ("es",)
    assert set(mexico.title) >= {"es", "en"}
    assert mexico.path is not None
    assert mexico.path.name == Path(DEFAULT_FILE).name
    assert "MEX" not in mexico.peers
    assert len(mexico.peers) >= 5
    assert sum(mexico.weights.as_dict().values()) == pytest.approx(1.0, abs=1e-9)


def test_default_priorities_equals_loading_the_file(mexico):
    assert mexico.path is not None
    assert load_priorities(mexico.path) == mexico


def test_the_eight_priorities_of_the_strategy(mexico):
    assert [p.id for p in mexico.priorities] == MEXICO_IDS
    assert mexico.priority("batteries").name["en"] == "High-performance batteries"
    with pytest.raises(PrioritiesError, match="unknown priority 'lithium'"):
        mexico.priority("lithium")


@pytest.mark.parametrize("identifier", MEXICO_IDS)
def test_every_priority_maps_onto_all_the_evidence(mexico, identifier):
    priority = mexico.priority(identifier)
    for language in ("es", "en"):
        assert priority.name[language].strip()
        assert priority.description[language].strip()
        assert priority.keywords[language]
    if "trade" in priority.absent:  # no HS code measures it: said, with the reason
        assert not priority.products
        assert priority.absent["trade"]["es"]
        assert priority.absent["trade"]["en"]
    else:
        assert priority.products["hs92"]
        assert priority.products["hs07"]
    assert priority.fields["openalex-subfield"]
    assert priority.infrastructure or "infrastructure" in priority.absent
    assert priority.fields["ncses15"]
    assert priority.fields["openalex-field"]
    assert priority.tech_fields["wipo35"]
    assert {c.code for c in priority.fields["ncses15"]} <= set(NCSES15_FIELDS)
    assert {c.code for c in priority.tech_fields["wipo35"]} <= set(WIPO35_FIELDS)


def test_every_code_has_a_why(mexico):
    entries = [entry for p in mexico.priorities for entry in _all_codes(p)]
    assert len(entries) > 300
    missing = [f"{where}: {code.code}" for where, code in entries if not code.why.strip()]
    assert missing == []
    assert all("\n" not in code.why for _, code in entries)  # one line each


def test_hs_codes_are_four_digit_text(mexico):
    for priority in mexico.priorities:
        for where, code in _all_codes(priority):
            if ".products." in where or where.endswith(("hs92", "hs07")):
                assert isinstance(code.code, str)
                assert re.fullmatch(r"\d{4}", code.code), (where, code.code)


def test_the_lithium_value_chain_has_five_stages_upstream_first(mexico):
    chain = mexico.priority("lithium-value-chain").chain
    assert [stage.id for stage in chain] == LITHIUM_STAGES
    for stage in chain:
        assert stage.name["es"]
        assert stage.name["en"]
        assert stage.products["hs92"]
        assert stage.products["hs07"]
        assert stage.fields
    codes = [{c.code for c in stage.products["hs92"]} for stage in chain]
    assert "2530" in codes[0]  # spodumene and other lithium concentrates
    assert {"2836", "2825"} <= codes[1]  # lithium carbonate, lithium hydroxide
    assert {"2841", "2842"} <= codes[2]  # cathode materials
    assert "8507" in codes[3]  # cells and accumulators
    assert "8703" in codes[4]  # electric vehicles (within cars)


def test_short_chains_for_batteries_and_electromobility(mexico):
    assert [s.id for s in mexico.priority("batteries").chain] == [
        "active-materials",
        "cells-packs",
        "recycling",
    ]
    assert [s.id for s in mexico.priority("electromobility").chain] == [
        "powertrain-components",
        "vehicles",
    ]


@pytest.mark.realdata
def test_shipped_codes_exist_in_the_staged_trade_data(mexico, test_data):
    """Every HS92 code is in the Atlas 2016 table and every HS07 code in the OTS table."""
    hs92 = pd.read_parquet(
        test_data / "atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet",
        columns=["hs92_code"],
    )
    hs07 = pd.read_parquet(
        test_data / "ots_hs07_exports_1962_1980_2017/exports_hs07_4digit.parquet",
        columns=["hs07_code"],
    )
    known = {"hs92": set(hs92["hs92_code"]), "hs07": set(hs07["hs07_code"])}
    for priority in mexico.priorities:
        baskets = [priority.products, *(stage.products for stage in priority.chain)]
        for basket in baskets:
            for classification, codes in basket.items():
                absent = {c.code for c in codes} - known[classification]
                assert not absent, (priority.id, classification, absent)


# ---------------------------------------------------------------- a second country

CHILE = """\
# Chile: a second country writes its own file with the same keys.
home: CHL
title:
  es: Chile 2026
  en: Chile 2026
languages: [es]
peers: [ARG, PER, AUS, ZAF]
weights:
  strength: 0.2
  complementarity: 0.2
  ties: 0.2
  capacity: 0.2
  proximity: 0.2
priorities:
  - id: lithium-value-chain
    name: {es: Cadena de valor del litio, en: Lithium value chain}
    description: {es: Del salar a la batería, en: From the salt flat to the battery}
    products:
      hs92:
        - {code: "2836", why: lithium carbonate (283691)}
        - {code: "2825", why: lithium hydroxide (282520)}
      hs07: ["2836", "2825"]
    fields:
      ncses15: [Chemistry]
    chain:
      - id: brines
        name: {es: Salmueras, en: Brines}
        fields:
          ncses15: ["Geosciences, atmospheric sciences, and ocean sciences"]
      - id: chemicals
        name: {es: Compuestos, en: Chemicals}
        products: {hs92: ["2836", "2825"]}
  - id: copper
    name: {es: Cobre, en: Copper}
    description: {es: Cadena del cobre, en: The copper chain}
    products:
      hs92:
        - {code: "2603", why: copper ores and concentrates}
        - {code: "7402", why: unrefined copper and anodes}
        - {code: "7403", why: "refined copper and copper alloys, unwrought"}
        - {code: "7408", why: copper wire}
        - "0805"
      hs07: ["2603", "7402", "7403", "7408"]
    fields:
      ncses15: [Engineering]
      openalex-field: ["fields/19", "fields/22"]
    tech_fields:
      wipo35: ["materials, metallurgy"]
    keywords:
      es: [cobre, fundición]
      en: [copper, smelting]
"""


def _write(tmp_path: Path, text: str, name: str = "chl.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_second_country_writes_its_own_file(tmp_path):
    path = _write(tmp_path, CHILE)
    chile = load_priorities(path)
    assert chile.home == "CHL"
    assert chile.path == path
    assert chile.peers == ("ARG", "PER", "AUS", "ZAF")
    assert chile.weights == Weights(0.2, 0.2, 0.2, 0.2, 0.2)
    assert [p.id for p in chile.priorities] == ["lithium-value-chain", "copper"]
    copper = chile.priority("copper")
    assert copper.products["hs92"][0] == Code("2603", "copper ores and concentrates")
    assert copper.products["hs92"][-1] == Code("0805")  # a plain code; leading zero kept
    assert [c.code for c in copper.products["hs07"]] == ["2603", "7402", "7403", "7408"]
    assert copper.keywords == {"es": ("cobre", "fundición"), "en": ("copper", "smelting")}
    assert copper.chain == ()
    lithium = chile.priority("lithium-value-chain")
    assert [s.id for s in lithium.chain] == ["brines", "chemicals"]
    assert lithium.chain[0].products == {}
    assert lithium.keywords == {}


def test_weights_default_when_the_file_has_none(tmp_path):
    text = CHILE.split("weights:")[0] + "priorities:" + CHILE.split("priorities:")[1]
    assert load_priorities(_write(tmp_path, text)).weights == Weights()


def test_unquoted_codes_keep_their_leading_zero_only_when_yaml_reads_text(tmp_path):
    # YAML 1.1 reads 0805 as text (8 is not an octal digit) but 0701 as the octal number 449.
    good = load_priorities(_write(tmp_path, CHILE.replace('- "0805"', "- 0805")))
    assert good.priority("copper").products["hs92"][-1].code == "0805"
    with pytest.raises(PrioritiesError, match=r'quote it as text: "0701"|quote the code: "0701"'):
        load_priorities(_write(tmp_path, CHILE.replace('- "0805"', "- 0701")))


# ---------------------------------------------------------------- bad files


def _line(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th occurrence of needle."""
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return text.count("\n", 0, start) + 1


SECOND_COPPER = """\
  - id: copper
    name: {es: Cobre, en: Copper}
    description: {es: Otra vez, en: Again}
"""

# (case, old, new, needle of the reported line, occurrence, key path, message fragment)
BAD = [
    (
        "unknown key",
        "    keywords:",
        "    keywrods:",
        "keywrods",
        1,
        "priorities[1].keywrods",
        "unknown key 'keywrods' (did you mean 'keywords'?)",
    ),
    (
        "duplicate priority id",
        "  - id: copper\n",
        "  - id: copper\n" + SECOND_COPPER.replace("  - id: copper\n", "", 1) + "  - id: copper\n",
        "- id: copper",
        2,
        "priorities[2].id",
        "duplicate priority id 'copper' (first at line",
    ),
    (
        "unquoted integer code",
        '- {code: "2603", why: copper ores and concentrates}',
        "- {code: 2603, why: copper ores and concentrates}",
        "code: 2603",
        1,
        "priorities[1].products.hs92[0].code",
        '2603 is a YAML number, not text; quote the code: "2603"',
    ),
    (
        "a code that lost its leading zero",
        '- "0805"',
        "- 805",
        "- 805",
        1,
        "priorities[1].products.hs92[4]",
        'lost its leading zero; quote the code as text: "0805"',
    ),
    (
        "bad HS code",
        '{code: "7408", why: copper wire}',
        '{code: "74O8", why: copper wire}',
        "74O8",
        1,
        "priorities[1].products.hs92[3].code",
        "'74O8' is not an HS code (4 or 6 digits)",
    ),
    (
        "HS chapter that does not exist",
        'hs07: ["2603", "7402"',
        'hs07: ["2603", "9902"',
        'hs07: ["2603", "9902"',
        1,
        "priorities[1].products.hs07[1]",
        "chapter 99 is not 01-97",
    ),
    (
        "unknown HS edition",
        '      hs07: ["2603", "7402"',
        '      hs-07: ["2603", "7402"',
        "hs-07",
        1,
        "priorities[1].products.hs-07",
        "unknown key 'hs-07' (did you mean 'hs07'?)",
    ),
    (
        "unknown NCSES field",
        "ncses15: [Engineering]",
        "ncses15: [Mining engineering]",
        "Mining engineering",
        1,
        "priorities[1].fields.ncses15[0]",
        "'Mining engineering' is not one of the 14 NCSES fields",
    ),
    (
        "unknown WIPO field",
        'wipo35: ["materials, metallurgy"]',
        "wipo35: [metallurgy]",
        "wipo35: [metallurgy]",
        1,
        "priorities[1].tech_fields.wipo35[0]",
        "'metallurgy' is not one of the 35 WIPO technology fields "
        "(did you mean 'materials, metallurgy'?)",
    ),
    (
        "OpenAlex field out of range",
        '"fields/22"',
        '"fields/99"',
        "fields/99",
        1,
        "priorities[1].fields.openalex-field[1]",
        "not an OpenAlex field id",
    ),
    (
        "weights not summing to 1",
        "  proximity: 0.2",
        "  proximity: 0.3",
        "weights:",
        1,
        "weights",
        "the weights sum to 1.1",
    ),
    (
        "unknown weight factor",
        "  proximity: 0.2",
        "  proximity: 0.2\n  distance: 0",
        "distance",
        1,
        "weights.distance",
        "unknown key 'distance'",
    ),
    (
        "missing weight factor",
        "  ties: 0.2\n",
        "",
        "weights:",
        1,
        "weights",
        "missing key 'ties'",
    ),
    (
        "negative weight",
        "  strength: 0.2\n  complementarity: 0.2",
        "  strength: -0.2\n  complementarity: 0.6",
        "strength: -0.2",
        1,
        "weights.strength",
        "a weight must be a finite number >= 0",
    ),
    (
        "unknown country",
        "home: CHL",
        "home: CHI",
        "home: CHI",
        1,
        "home",
        "'CHI' is not an ISO 3166 alpha-3 country code",
    ),
    (
        "alpha-2 country code",
        "home: CHL",
        "home: CL",
        "home: CL",
        1,
        "home",
        "the alpha-3 code is 'CHL'",
    ),
    (
        "an aggregate as peer",
        "peers: [ARG, PER, AUS, ZAF]",
        "peers: [ARG, WLD]",
        "peers:",
        1,
        "peers[1]",
        "'WLD' is aggregate (World), not a country",
    ),
    (
        "the home country among its peers",
        "peers: [ARG, PER, AUS, ZAF]",
        "peers: [ARG, CHL]",
        "peers:",
        1,
        "peers[1]",
        "'CHL' is the home country",
    ),
    (
        "language not ISO 639-1",
        "languages: [es]",
        "languages: [spa]",
        "languages:",
        1,
        "languages[0]",
        "'spa' is not an ISO 639-1 language code",
    ),
    (
        "missing Spanish name",
        "name: {es: Cobre, en: Copper}",
        "name: {en: Copper}",
        "name: {en: Copper}",
        1,
        "priorities[1].name",
        "missing a name in 'es'",
    ),
    (
        "empty English description",
        "description: {es: Cadena del cobre, en: The copper chain}",
        "description: {es: Cadena del cobre, en: ''}",
        "en: ''}",
        1,
        "priorities[1].description.en",
        "expected a description in 'en', got an empty text",
    ),
    (
        "id not in kebab-case",
        "  - id: copper",
        "  - id: Copper_Chain",
        "Copper_Chain",
        1,
        "priorities[1].id",
        "'Copper_Chain' is not a kebab-case id",
    ),
    (
        "chain stage without id",
        "      - id: brines\n        name:",
        "      - name:",
        "      - name:",
        1,
        "priorities[0].chain[0]",
        "missing key 'id'",
    ),
    (
        "duplicate stage id",
        "      - id: chemicals",
        "      - id: brines",
        "- id: brines",
        2,
        "priorities[0].chain[1].id",
        "duplicate stage id 'brines' (first at line",
    ),
    (
        "code listed twice",
        'hs07: ["2836", "2825"]',
        'hs07: ["2836", "2836"]',
        'hs07: ["2836", "2836"]',
        1,
        "priorities[0].products.hs07[1]",
        "'2836' is listed twice",
    ),
    (
        "duplicate YAML key",
        "home: CHL\n",
        "home: CHL\nhome: ARG\n",
        "home: ARG",
        1,
        "home",
        "duplicate key (first at line 2)",
    ),
    (
        "unknown key in a code entry",
        '{code: "7402", why: unrefined copper and anodes}',
        '{code: "7402", wy: unrefined copper and anodes}',
        "wy:",
        1,
        "priorities[1].products.hs92[1].wy",
        "unknown key 'wy' (did you mean 'why'?)",
    ),
    (
        "a why of two lines",
        '{code: "7408", why: copper wire}',
        'code: "7408"\n          why: |\n            copper\n            wire',
        "why: |",
        1,
        "priorities[1].products.hs92[3].why",
        "a why is one line",
    ),
    (
        "keywords not a list",
        "en: [copper, smelting]",
        "en: copper",
        "en: copper",
        1,
        "priorities[1].keywords.en",
        "expected a list of keywords, got the text 'copper'",
    ),
    (
        "empty code list",
        'hs07: ["2603", "7402", "7403", "7408"]',
        "hs07: []",
        "hs07: []",
        1,
        "priorities[1].products.hs07",
        "empty list",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "needle", "occurrence", "key_path", "fragment"),
    [case[1:] for case in BAD],
    ids=[case[0] for case in BAD],
)
def test_bad_files_name_the_file_line_and_key(
    tmp_path, old, new, needle, occurrence, key_path, fragment
):
    assert old in CHILE
    text = CHILE.replace(old, new, 1)
    path = _write(tmp_path, text)
    with pytest.raises(PrioritiesError) as caught:
        load_priorities(path)
    message = str(caught.value)
    line = _line(text, needle, occurrence)
    assert message.startswith(f"{path}: line {line}, {key_path}: "), message
    assert fragment in message, message


def test_missing_top_level_key(tmp_path):
    text = CHILE.split("priorities:")[0]
    path = _write(tmp_path, text)
    with pytest.raises(PrioritiesError) as caught:
        load_priorities(path)
    assert str(caught.value) == f"{path}: line 2: missing key 'priorities'"


def test_invalid_yaml_reports_pyyaml_line(tmp_path):
    text = CHILE.replace("  en: Chile 2026", "\ten: Chile 2026", 1)  # a tab cannot indent
    path = _write(tmp_path, text)
    with pytest.raises(PrioritiesError) as caught:
        load_priorities(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: line {_line(text, chr(9))}: invalid YAML: "), message
    assert "found character '\\t' that cannot start any token" in message


def test_unclosed_flow_list_is_invalid_yaml(tmp_path):
    text = CHILE.replace("languages: [es]", "languages: [es", 1)
    path = _write(tmp_path, text)
    with pytest.raises(PrioritiesError, match=r"line 7: invalid YAML: while parsing a flow"):
        load_priorities(path)


def test_control_character_is_invalid_yaml(tmp_path):
    path = _write(tmp_path, CHILE.replace("es: Chile 2026", "es: Chile\x07 2026", 1))
    with pytest.raises(PrioritiesError, match=r"line 4: invalid YAML: .*not allowed \(U\+0007\)"):
        load_priorities(path)


def test_several_documents_are_invalid(tmp_path):
    path = _write(tmp_path, CHILE + "---\nhome: ARG\n")
    with pytest.raises(PrioritiesError, match="invalid YAML: expected a single document"):
        load_priorities(path)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(tmp_path, text):
    path = _write(tmp_path, text)
    with pytest.raises(PrioritiesError) as caught:
        load_priorities(path)
    assert str(caught.value).startswith(f"{path}: line 1: the file is empty")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- MEX\n- CHL\n", "a list"), ("MEX\n", "the text 'MEX'"), ("42\n", "the number 42")],
)
def test_file_not_a_mapping(tmp_path, text, kind):
    path = _write(tmp_path, text)
    with pytest.raises(PrioritiesError) as caught:
        load_priorities(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: line 1: the file must be a mapping"), message
    assert message.endswith(f"got {kind}")


def test_missing_file_names_it(tmp_path):
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(PrioritiesError, match=r"nowhere\.yaml: cannot read"):
        load_priorities(path)


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("home: MÉX\n".encode("latin-1"))
    with pytest.raises(PrioritiesError, match=r"latin1\.yaml: not UTF-8 text"):
        load_priorities(path)
