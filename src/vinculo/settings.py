"""Configuration: environment variables only, read through small typed helpers."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["SettingsError", "mirror_folder", "secret", "vinculo_home"]


class SettingsError(Exception):
    """An environment variable holds something that cannot be used; the message names it."""


def vinculo_home() -> Path:
    """Where the evidence store, the download cache and the SQLite database live.

    ``VINCULO_HOME`` if set, else the user's data directory (``~/.local/share/vinculo`` on
    Linux). Created on first use.
    """
    value = os.environ.get("VINCULO_HOME")
    home = Path(value).expanduser() if value else Path(platformdirs.user_data_dir("vinculo"))
    if home.exists() and not home.is_dir():
        raise SettingsError(f"VINCULO_HOME={home} exists and is not a folder")
    home.mkdir(parents=True, exist_ok=True)
    return home


def mirror_folder() -> Path | None:
    """``VINCULO_MIRROR``: a folder of source files read instead of downloading, or None."""
    value = os.environ.get("VINCULO_MIRROR")
    if not value:
        return None
    folder = Path(value).expanduser()
    if not folder.is_dir():
        raise SettingsError(f"VINCULO_MIRROR={value} is not a folder")
    return folder


def secret(name: str) -> str | None:
    """A key from the environment (``NAME``) or from a file named by ``NAME_FILE``; never
    from the repository. None when neither is set."""
    value = os.environ.get(name)
    if value:
        return value.strip()
    path = os.environ.get(f"{name}_FILE")
    if not path:
        return None
    try:
        return Path(path).expanduser().read_text(encoding="utf-8").strip() or None
    except OSError as error:
        raise SettingsError(f"{name}_FILE={path}: cannot be read ({error.strerror})") from None
