"""vinculo gaps / partners / chain on the staged evidence: for Mexico and every one of its
priorities, and for a second home country with its own priorities file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from vinculo.cli import main
from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.priorities import default_priorities

MEXICO = default_priorities()

CHILE = """\
home: CHL
title: {es: "Chile (prueba)", en: "Chile (test)"}
languages: [es]
peers: [ARG, PER, MEX, AUS]
weights: {strength: 0.3, complementarity: 0.3, ties: 0.2, capacity: 0.1, proximity: 0.1}
priorities:
  - id: copper
    name: {es: Cobre, en: Copper}
    description: {es: "La cadena del cobre.", en: "The copper value chain."}
    products:
      hs92:
        - {code: "2603", why: "copper ores and concentrates"}
        - {code: "7403", why: "refined copper"}
      hs07:
        - {code: "2603", why: "copper ores and concentrates"}
        - {code: "7403", why: "refined copper"}
    fields:
      ncses15:
        - {code: "Geosciences, atmospheric sciences, and ocean sciences", why: "mining geology"}
        - {code: "Engineering", why: "mining and metallurgical engineering"}
    tech_fields:
      wipo35:
        - {code: "materials, metallurgy", why: "smelting and refining"}
    keywords: {es: [cobre, minería], en: [copper, mining]}
    chain:
      - id: ores
        name: {es: Minerales, en: Ores}
        products:
          hs07:
            - {code: "2603", why: "copper ores and concentrates"}
      - id: refined
        name: {es: Refinado, en: Refined}
        products:
          hs07:
            - {code: "7403", why: "refined copper"}
      - id: products
        name: {es: Manufacturas, en: Products}
        products:
          hs07:
            - {code: "7408", why: "copper wire"}
"""


@pytest.fixture(scope="module")
def home(staged_home: Path) -> Path:
    return staged_home


def _run(home: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"VINCULO_HOME": str(home)})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.realdata
def test_gaps_for_every_priority_of_mexico(home):
    code, out, err = _run(home, "gaps", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert {r["priority"] for r in rows} == {p.id for p in MEXICO.priorities}
    for row in rows:
        assert row["vintage"]
        assert 0 <= row["gap"] <= 100
        assert row["leader"] != "MEX"
        assert row["leader_share"] >= 0.01
    code, out, _ = _run(home, "gaps", "--priority", "aerospace", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0].startswith("priority,component,basis,year,value,world_share")
    assert all(line.startswith("aerospace,") for line in out.splitlines()[1:])
    code, out, _ = _run(home, "gaps", "--priority", "supercomputing")
    assert code == 0
    assert "supercomputing: no trade evidence: No Harmonized System code" in out
    code, out, _ = _run(home, "gaps", "--priority", "lithium-value-chain")
    assert code == 0
    assert "not a world position" in out  # ten countries mine lithium (USGS)


@pytest.mark.realdata
@pytest.mark.parametrize("priority", [p.id for p in MEXICO.priorities])
def test_partners_for_every_priority(home, priority):
    code, out, err = _run(home, "partners", "--priority", priority, "--top", "5",
                          "--format", "json")  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert len(rows) == 5
    for row in rows:
        assert sum(row["contributions"].values()) == pytest.approx(row["score"], abs=1e-12)
        assert row["partner"] != "MEX"
        assert row["reasons"]
        assert row["offers"]
        for reason in row["reasons"]:
            assert set(reason) == {"factor", "code", "values", "text"}
            assert reason["text"]["es"]
            assert reason["text"]["en"]


@pytest.mark.realdata
def test_partners_as_a_table_in_spanish(home):
    code, out, err = _run(home, "partners", "--priority", "batteries", "--top", "3",
                          "--lang", "es")  # fmt: skip
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("batteries: ")
    assert lines[1].startswith("  1. ")
    assert " = strength " in lines[1]
    assert any("publicaciones en coautoría con México" in line for line in lines)


@pytest.mark.realdata
@pytest.mark.parametrize("priority", [p.id for p in MEXICO.priorities if p.chain])
def test_chain_for_every_priority_with_a_chain(home, priority):
    code, out, err = _run(home, "chain", "--priority", priority, "--format", "json")
    assert code == 0, err
    stages = json.loads(out)
    assert [s["stage"] for s in stages] == [s.id for s in MEXICO.priority(priority).chain]
    assert sum(s["gap"] for s in stages) == 1
    gap = min(stages, key=lambda s: s["score"])
    assert gap["gap"]


@pytest.mark.realdata
def test_chain_as_a_table(home):
    code, out, err = _run(home, "chain", "--priority", "lithium-value-chain")
    assert code == 0, err
    assert "gap stage: " in out
    assert "closest next step: " in out


@pytest.mark.realdata
def test_a_second_home_country_with_its_own_file(home, tmp_path):
    path = tmp_path / "chile.yaml"
    path.write_text(CHILE, encoding="utf-8")
    code, out, err = _run(home, "gaps", "--priorities", str(path), "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    trade = [r for r in rows if r["component"] == "trade"]
    assert trade
    assert all(r["specialization"] > 10 for r in trade)  # Chile's copper RCA is huge
    assert all(r["leader"] == "CHL" for r in trade)  # and it holds the largest share
    code, out, err = _run(home, "partners", "--priorities", str(path), "--priority", "copper",
                          "--format", "json")  # fmt: skip
    assert code == 0, err
    assert "CHL" not in {r["partner"] for r in json.loads(out)}
    code, out, err = _run(home, "chain", "--priorities", str(path), "--priority", "copper",
                          "--format", "json")  # fmt: skip
    assert code == 0, err
    stages = {s["stage"]: s for s in json.loads(out)}
    assert stages["ores"]["rca"] > stages["products"]["rca"]
    brief = tmp_path / "embajada-arg.html"
    code, out, err = _run(home, "brief", "--priorities", str(path), "--host", "ARG",
                          "--lang", "es", "-o", str(brief))  # fmt: skip
    assert code == 0, err
    html = brief.read_text(encoding="utf-8")
    assert "Chile" in html
    assert "Argentina" in html
    assert "Cobre" in html


@pytest.mark.realdata
def test_errors_name_what_is_missing(home, tmp_path):
    code, _, err = _run(home, "partners", "--country", "CHL", "--priority", "batteries")
    assert code == 2
    assert "the priorities file is MEX's" in err
    code, _, err = _run(home, "partners", "--priority", "batterys")
    assert code == 2
    assert "unknown priority 'batterys'" in err
    code, _, err = _run(home, "chain", "--priority", "aerospace")
    assert code == 2
    assert "declares no value chain" in err
    code, _, err = _run(tmp_path / "nowhere", "gaps")
    assert code == 2
    assert "no evidence store yet" in err
    with EvidenceStore(tmp_path / "empty" / "evidence.duckdb"):
        pass
    code, _, err = _run(tmp_path / "empty", "gaps")
    assert code == 2
    assert "vinculo data pull" in err


@pytest.mark.realdata
def test_brief_command_writes_html_and_refuses_other_formats(home, tmp_path):
    out_file = tmp_path / "brief.html"
    code, out, err = _run(home, "brief", "--host", "FRA", "--lang", "en", "-o", str(out_file))
    assert code == 0, err
    assert f"wrote {out_file}" in out
    html = out_file.read_text(encoding="utf-8")
    assert '<html lang="en' in html
    assert "France" in html
    code, _, err = _run(home, "brief", "--host", "FRA", "-o", str(tmp_path / "brief.docx"))
    assert code == 2
    assert "written as .html or .pdf" in err
    code, _, err = _run(home, "brief", "--host", "MEX", "-o", str(tmp_path / "self.html"))
    assert code == 2
    assert not (tmp_path / "self.html").exists()


@pytest.mark.realdata
def test_partners_follow_the_naming_policy(home, naming_file):
    code, out, err = _run(home, "partners", "--priority", "batteries", "--top", "3",
                          "--format", "json")  # fmt: skip
    assert code == 0, err
    first, second = (row["partner"] for row in json.loads(out)[:2])
    naming_file(f"""\
entries:
  - code: {first}
    category: disputed_territory
    names: {{es: Excluido, en: Excluded}}
    candidate: excluded
    sources: [{{publisher: T, title: T, url: "https://example.org", read: 2026-12-04}}]
  - code: {second}
    category: special_region
    names: {{es: Renombrado, en: Renamed}}
    candidate: allowed_with_caveat
    caveat: {{es: "Aviso sobre {{name}}.", en: "Caveat on {{name}}."}}
    sources: [{{publisher: T, title: T, url: "https://example.org", read: 2026-12-04}}]
""")
    code, out, err = _run(home, "partners", "--priority", "batteries", "--top", "3",
                          "--format", "json")  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)
    assert first not in [row["partner"] for row in rows]
    assert (rows[0]["partner"], rows[0]["rank"]) == (second, 2)  # the model's rank kept
    assert rows[0]["naming"]["caveat"]["en"] == "Caveat on Renamed."
    code, out, err = _run(home, "partners", "--priority", "batteries", "--top", "3",
                          "--format", "csv")  # fmt: skip
    assert code == 0, err
    header, line = out.splitlines()[:2]
    assert "caveat" in header.split(",")
    assert line.split(",")[:3] == ["2", second, "Renamed"]
    assert "Caveat on Renamed." in line
    code, out, err = _run(home, "partners", "--priority", "batteries")
    assert code == 0, err
    assert "(1 not shown: diplomatic naming policy)" in out.splitlines()[0]
    naming_file("entries: [{code: TWN}]\n")
    code, _, err = _run(home, "partners", "--priority", "batteries")
    assert code == 2
    assert "entries[0] (TWN): field 'category'" in err
