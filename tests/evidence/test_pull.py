"""vinculo data pull from a mirror folder laid out like ../shared/data."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from vinculo.cli import main
from vinculo.evidence.pull import SOURCES, pull
from vinculo.evidence.store import EvidenceError, EvidenceStore


def test_pull_needs_a_mirror_for_now(tmp_path):
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        with pytest.raises(EvidenceError, match="set VINCULO_MIRROR"):
            pull(store, mirror=None)
        with pytest.raises(EvidenceError, match=r"unknown source\(s\) \['baci'\]"):
            pull(store, ["baci"], mirror=tmp_path)
        with pytest.raises(EvidenceError, match="not in the mirror"):
            pull(store, ["atlas"], mirror=tmp_path)
        assert store.datasets().empty


@pytest.mark.realdata
def test_pull_from_the_staged_mirror_then_again(test_data, tmp_path, monkeypatch):
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VINCULO_MIRROR", str(test_data))
    runner = CliRunner()
    first = runner.invoke(main, ["data", "pull"])
    assert first.exit_code == 0, first.output + first.stderr
    expected = sum(len(files) for files in SOURCES.values())
    assert first.stdout.count(" imported ") == expected
    second = runner.invoke(main, ["data", "pull"])
    assert second.stdout.count("already loaded") == expected
    status = runner.invoke(main, ["data", "status"])
    assert "162,910 rows" in status.stdout
    assert "dataverse-via-scca-2020-04-27" in status.stdout


@pytest.mark.realdata
def test_a_pull_that_fails_midway_keeps_what_was_complete(test_data, tmp_path):
    mirror = tmp_path / "mirror"
    for relative, _ in SOURCES["atlas"]:
        (mirror / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(test_data / relative, mirror / relative)
    with EvidenceStore(tmp_path / "e.duckdb") as store:
        with pytest.raises(EvidenceError, match="not in the mirror"):
            pull(store, ["atlas", "ots"], mirror=mirror)
        atlas_files = len(SOURCES["atlas"])
        assert len(store.datasets()) == atlas_files  # atlas complete, ots not started
        for relative, _ in SOURCES["ots"]:
            (mirror / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(test_data / relative, mirror / relative)
        results = pull(store, ["atlas", "ots"], mirror=mirror)
        assert [r.result.created for r in results] == [False] * atlas_files + [True]
