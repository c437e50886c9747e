"""Running ``vinculo`` as a subprocess, as a person would from a shell."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path


def free_port() -> int:
    """A TCP port nothing listens on now, on the loopback address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def command_env(home: Path, database_url: str | None) -> dict[str, str]:
    """The environment of a ``vinculo`` subprocess: this one without the test settings
    (the command uses the real ones), with its own VINCULO_HOME and database."""
    dropped = {"DJANGO_SETTINGS_MODULE", "VINCULO_ENV", "VINCULO_EXPECT_DB", "DATABASE_URL",
               "DJANGO_ALLOW_ASYNC_UNSAFE", "VINCULO_MIRROR"}  # fmt: skip
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env["VINCULO_HOME"] = str(home)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


VINCULO = [sys.executable, "-m", "vinculo.cli"]
