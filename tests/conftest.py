"""Shared fixtures: the real-data tier and the reference packages."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

import pytest

SKIP_REASON = (
    "VINCULO_TEST_DATA is not set: real-data test skipped "
    "(point it at the staged datasets, e.g. VINCULO_TEST_DATA=../shared/data)"
)


@pytest.fixture(scope="session")
def test_data() -> Path:
    """The folder of staged public datasets; skips the test where it is not configured."""
    root = os.environ.get("VINCULO_TEST_DATA")
    if not root:
        pytest.skip(SKIP_REASON)
    path = Path(root)
    if not path.is_dir():
        pytest.fail(f"VINCULO_TEST_DATA={root} is not a folder")
    return path


def reference_package(name: str) -> ModuleType:
    """Import a reference package; in CI its absence is a failure, not a skip."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"reference package {name} is not installed (requirements/dev.txt)")
        pytest.skip(
            f"reference package {name} is not installed: pip install -r requirements/dev.txt"
        )


@pytest.fixture(scope="session")
def staged_home(test_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A VINCULO_HOME whose evidence store holds every staged dataset, pulled once per
    session (about 15 s). Open it read-only; a test that writes copies it first."""
    from vinculo.evidence.pull import pull
    from vinculo.evidence.store import EvidenceStore

    folder = tmp_path_factory.mktemp("staged-home")
    with EvidenceStore(folder / "evidence.duckdb") as store:
        pull(store, mirror=test_data)
    return folder


#: a naming policy for tests: Germany excluded as a candidate, France renamed and flagged
TEST_POLICY = """\
entries:
  - code: DEU
    category: disputed_territory
    names: {es: Alemania, en: Germany}
    candidate: excluded
    sources: [{publisher: Test, title: A test, url: "https://example.org/a", read: 2026-12-04}]
  - code: FRA
    category: special_region
    names: {es: "Francia (prueba)", en: "France (test)"}
    candidate: allowed_with_caveat
    caveat: {es: "Aviso sobre {name}.", en: "Caveat on {name}."}
    sources: [{publisher: Test, title: A test, url: "https://example.org/b", read: 2026-12-04}]
"""


@pytest.fixture
def naming_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write a naming policy file and point ``VINCULO_NAMING`` at it (``TEST_POLICY`` by
    default); the shipped policy is back after the test."""

    def write(text: str = TEST_POLICY, name: str = "naming.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("VINCULO_NAMING", str(path))
        return path

    return write
