"""Settings come from the environment only, through typed helpers."""

from __future__ import annotations

import pytest

from vinculo.settings import SettingsError, mirror_folder, secret, vinculo_home


def test_vinculo_home_from_the_environment_is_created(tmp_path, monkeypatch):
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path / "home"))
    assert vinculo_home() == tmp_path / "home"
    assert (tmp_path / "home").is_dir()


def test_vinculo_home_that_is_a_file_is_refused(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path / "file"))
    with pytest.raises(SettingsError, match="is not a folder"):
        vinculo_home()


def test_mirror_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("VINCULO_MIRROR", raising=False)
    assert mirror_folder() is None
    monkeypatch.setenv("VINCULO_MIRROR", str(tmp_path))
    assert mirror_folder() == tmp_path
    monkeypatch.setenv("VINCULO_MIRROR", str(tmp_path / "absent"))
    with pytest.raises(SettingsError, match=r"VINCULO_MIRROR=.*absent is not a folder"):
        mirror_folder()


def test_secret_from_the_environment_or_a_file(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    monkeypatch.delenv("OPENALEX_API_KEY_FILE", raising=False)
    assert secret("OPENALEX_API_KEY") is None
    key_file = tmp_path / "key"
    key_file.write_text("s3cret\n")
    monkeypatch.setenv("OPENALEX_API_KEY_FILE", str(key_file))
    assert secret("OPENALEX_API_KEY") == "s3cret"
    monkeypatch.setenv("OPENALEX_API_KEY", "from-env")
    assert secret("OPENALEX_API_KEY") == "from-env"
    monkeypatch.delenv("OPENALEX_API_KEY")
    monkeypatch.setenv("OPENALEX_API_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(SettingsError, match=r"OPENALEX_API_KEY_FILE=.*cannot be read"):
        secret("OPENALEX_API_KEY")
