"""The public surface of vinculo.text and its place among the layers."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import vinculo.text


def test_public_api_is_exactly_the_export_list():
    public = {
        name
        for name in dir(vinculo.text)
        if not name.startswith("_")
        and getattr(getattr(vinculo.text, name), "__module__", "").startswith("vinculo")
    }
    constants = {name for name in vinculo.text.__all__ if name.isupper()}
    assert public | constants == set(vinculo.text.__all__)


def test_text_imports_only_the_layers_below_it():
    # text may read the priorities (strategy.priorities) and nothing of web or cli
    package = Path(vinculo.text.__file__).parent
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.startswith("vinculo"):
                    assert name.startswith(("vinculo.text", "vinculo.strategy.priorities")), (
                        path.name,
                        name,
                    )
                assert not name.startswith("django"), (path.name, name)


def test_text_imports_without_a_web_stack():
    code = "import sys, vinculo.text; print(any(m.startswith('django') for m in sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "False"
