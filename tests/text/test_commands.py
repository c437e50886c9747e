"""`vinculo classify` and `vinculo classify-train`: JSON lines in and out, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from vinculo.cli import main

LINES = [
    {"id": 1, "text": "Baterías de ion de litio para vehículos eléctricos", "post": "PAR"},
    {"id": 2, "text": "Satellite earth observation"},
    {"id": 3, "text": "Intercambio de estudiantes de música y danza"},
]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def opportunities(tmp_path: Path) -> Path:
    lines = [json.dumps(line, ensure_ascii=False) for line in LINES]
    return write_lines(tmp_path / "in.jsonl", [lines[0], "", lines[1], lines[2]])


def test_classify_to_stdout(opportunities):
    code, stdout, stderr = run("classify", str(opportunities))
    assert code == 0, stderr
    results = [json.loads(line) for line in stdout.splitlines()]
    assert [r["id"] for r in results] == [1, 2, 3]
    assert results[0]["post"] == "PAR"  # other fields pass through
    assert results[0]["text"] == LINES[0]["text"]
    # the shipped model (EU call topics): lithium-ion also suggests the lithium chain, third
    assert [p["id"] for p in results[0]["priorities"]][:2] == ["batteries", "electromobility"]
    assert [p["id"] for p in results[1]["priorities"]] == ["aerospace"]
    assert results[2]["priorities"] == []
    first = results[0]["priorities"][0]
    assert 0 < first["confidence"] <= 1
    assert "baterías" in first["terms"]
    assert first["similar"][0]["id"].startswith("batteries:")


def test_classify_to_a_file_with_top_and_threshold(opportunities, tmp_path):
    out = tmp_path / "out" / "suggested.jsonl"
    code, stdout, stderr = run("classify", str(opportunities), "-o", str(out), "--top", "1")
    assert code == 0, stderr
    assert stdout == ""
    assert "3 texts, 2 with a priority" in stderr
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [len(r["priorities"]) for r in results] == [1, 1, 0]
    code, stdout, _ = run("classify", str(opportunities), "--threshold", "0")
    assert code == 0
    assert all(len(json.loads(line)["priorities"]) == 8 for line in stdout.splitlines())


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"id": 1, "text": "ok"}', '{"id": 2}'], "line 2: field 'text' is missing"),
        (['{"id": 1, "text": "ok"}', '{"id": 2, "text": "x",}'], "line 2: invalid JSON"),
        (['{"id": 1, "text": "   "}'], "line 1: field 'text' is empty"),
        (['{"id": 1, "text": 7}'], "line 1: field 'text' is not a string"),
        (['["text"]'], "line 1: not a JSON object"),
    ],
)
def test_classify_bad_input_writes_nothing(tmp_path, lines, message):
    source = write_lines(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    code, stdout, stderr = run("classify", str(source), "-o", str(out))
    assert code == 2
    assert stderr.startswith(f"error: {source}: {message}")
    assert stdout == ""
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.jsonl"]  # no temporary file either


def test_classify_bad_files(tmp_path):
    code, _, stderr = run("classify", str(tmp_path / "missing.jsonl"))
    assert code == 2
    assert "missing.jsonl: cannot read" in stderr
    (tmp_path / "in.jsonl").write_text('{"text": "ok"}\n', encoding="utf-8")
    (tmp_path / "model.npz").write_text("not a model", encoding="utf-8")
    model = str(tmp_path / "model.npz")
    code, _, stderr = run("classify", str(tmp_path / "in.jsonl"), "--model", model)
    assert code == 2
    assert "not a Vínculo classifier model" in stderr


def test_train_then_classify_with_the_model(opportunities, tmp_path):
    labelled = write_lines(
        tmp_path / "labelled.jsonl",
        [
            json.dumps(
                {
                    "id": "op-7",
                    "text": "Monitoreo de arrecifes de coral",
                    "priorities": ["climate-change"],
                }
            ),
            json.dumps(
                {"text": "Blanqueamiento de corales", "priorities": [{"id": "climate-change"}]}
            ),
            json.dumps({"text": "Festival de cine", "priorities": []}),
        ],
    )
    model = tmp_path / "model.npz"
    code, stdout, stderr = run("classify-train", str(labelled), "-o", str(model))
    assert code == 0, stderr
    assert "3 labelled texts" in stdout
    assert "climate-change         threshold 0.30 (default)" in stdout
    reef = write_lines(tmp_path / "reef.jsonl", ['{"text": "Arrecifes de coral del Caribe"}'])
    code, stdout, stderr = run("classify", str(reef), "--model", str(model))
    assert code == 0, stderr
    [suggested] = json.loads(stdout)["priorities"]
    assert suggested["id"] == "climate-change"
    assert "op-7" in [n["id"] for n in suggested["similar"]]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"text": "x", "priorities": ["bananas"]}', "unknown priority 'bananas'"),
        ('{"text": "x"}', "field 'priorities' is missing"),
        ('{"text": "x", "priorities": "batteries"}', "field 'priorities': a list"),
    ],
)
def test_train_bad_labels(tmp_path, line, message):
    labelled = write_lines(tmp_path / "labelled.jsonl", [line])
    model = tmp_path / "model.npz"
    code, _, stderr = run("classify-train", str(labelled), "-o", str(model))
    assert code == 2
    assert stderr.startswith(f"error: {labelled}: line 1: ")
    assert message in stderr
    assert not model.exists()


@pytest.mark.realdata
def test_train_on_the_eu_calls(test_data, tmp_path):
    model = tmp_path / "eu.npz"
    code, stdout, stderr = run("classify-train", "--eu-calls", str(test_data), "-o", str(model))
    assert code == 0, stderr
    assert "428 labelled texts" in stdout
    assert "aerospace              threshold" in stdout
    assert "(shared)" in stdout
    # the hand labels by default; the codes' on request (no lithium label there)
    from vinculo.text import PriorityClassifier

    by_hand = PriorityClassifier.load(model)
    lithium = list(by_hand.labels_).index("lithium-value-chain")
    assert by_hand.train_labels_[by_hand.n_priors_ :, lithium].sum() == 3
    codes = tmp_path / "codes.npz"
    code, _out, stderr = run(
        "classify-train", "--eu-calls", str(test_data), "--eu-labels", "codes", "-o", str(codes)
    )
    assert code == 0, stderr
    from_codes = PriorityClassifier.load(codes)
    assert from_codes.train_labels_[from_codes.n_priors_ :, lithium].sum() == 0
