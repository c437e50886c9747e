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
