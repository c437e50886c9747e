"""``vinculo serve``: gunicorn answering over HTTP on a free port, WhiteNoise serving the
static files, and a clear refusal when the database lacks its migrations."""

from __future__ import annotations

import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.commands import VINCULO, command_env, free_port
from vinculo.web import demo


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def wait_until_served(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"vinculo serve exited ({server.returncode}):\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    pytest.fail(f"vinculo serve did not answer {url} in 90 s:\n{log.read_text()}")


def test_serve_refuses_a_database_without_its_migrations(tmp_path, fresh_database):
    env = command_env(tmp_path / "home", fresh_database)
    done = subprocess.run(
        [*VINCULO, "serve", "--port", str(free_port())],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "lacks" in done.stderr
    assert "migration(s)" in done.stderr
    assert "vinculo serve --migrate" in done.stderr


def test_serve_in_production_needs_its_secret_key(tmp_path):
    env = command_env(tmp_path / "home", None)
    env.update(VINCULO_ENV="production", VINCULO_ALLOWED_HOSTS="vinculo.example.org")
    env.pop("VINCULO_SECRET_KEY", None)
    env.pop("VINCULO_SECRET_KEY_FILE", None)
    done = subprocess.run([*VINCULO, "serve"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "VINCULO_SECRET_KEY" in done.stderr


def test_serve_answers_over_http_with_gunicorn_and_whitenoise(tmp_path, fresh_database):
    port = free_port()
    env = command_env(tmp_path / "home", fresh_database)
    env.update(
        VINCULO_ENV="production",
        VINCULO_SECRET_KEY=secrets.token_urlsafe(50),
        VINCULO_ALLOWED_HOSTS="127.0.0.1",
        VINCULO_SSL_REDIRECT="0",  # plain HTTP on the loopback (behind a TLS proxy in use)
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*VINCULO, "serve", "--migrate", "--port", str(port), "--workers", "1"],
            env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(f"{base}/accounts/login/", server, log)
        status, headers, page = fetch(f"{base}/accounts/login/")
        assert status == 200
        assert headers["Server"].startswith("gunicorn")
        assert headers["X-Frame-Options"] == "DENY"
        assert "csrfmiddlewaretoken" in page
        assert fetch(f"{base}/")[0] == 200  # the login page again, after a redirect

        # the stylesheet under its hashed name (production's manifest storage), from
        # WhiteNoise with a far-future cache
        found = re.search(r'href="(/static/vinculo/vinculo\.[0-9a-f]{12}\.css)"', page)
        assert found, page
        status, headers, css = fetch(base + found[1])
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
        assert headers["Content-Type"].startswith("text/css")
        assert css.strip()
        text = log.read_text()
        assert f"Vínculo at http://127.0.0.1:{port}/ (gunicorn, 1 worker(s))" in text
        assert "static files:" in text
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0, log.read_text()


def test_a_port_in_use_is_refused_before_anything_starts():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(demo.ServeError, match=f"cannot listen on 127.0.0.1:{port}"):
            demo.check_port("127.0.0.1", port)
