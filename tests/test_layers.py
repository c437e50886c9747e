"""The architecture's import rules hold (ARCHITECTURE.md: one direction, no Django outside web)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import vinculo.indicators

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_indicators_import_nothing_else_of_vinculo():
    package = Path(vinculo.indicators.__file__).parent
    for path in package.rglob("*.py"):
        ours = {n for n in _imports(path) if n.split(".")[0] == "vinculo"}
        assert all(n.startswith("vinculo.indicators") for n in ours), (path.name, ours)


def test_indicators_import_without_a_web_stack():
    code = "import sys, vinculo.indicators; print(any(m.startswith('django') for m in sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("filename", "banned"),
    [("src/vinculo/strategy/ranking.py", True), ("src/vinculo/web/accounts/views.py", False)],
)
def test_ruff_bans_django_outside_web(filename, banned):
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "check", "--no-cache", "--select", "TID251", "--stdin-filename", filename, "-"],
        input="from django.db import models\n\nprint(models)\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert ("TID251" in result.stdout) is banned, result.stdout


def test_public_api_is_exactly_the_export_list():
    public = {
        name
        for name in dir(vinculo.indicators)
        if not name.startswith("_")
        and getattr(getattr(vinculo.indicators, name), "__module__", "").startswith("vinculo")
    }
    assert public == set(vinculo.indicators.__all__)
