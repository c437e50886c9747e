"""How long a worker's first requests take, with and without the warm-up.

Starts ``vinculo serve`` (one gunicorn worker, so every request reaches the same fresh
process) on a throw-away SQLite database, twice: with ``VINCULO_WARMUP=0`` and with the
warm-up (the default). Each time it opens the login page twice, signs in, and opens the
main pages twice each; it prints the milliseconds of the first and the second opening.
The database holds no evidence or registry data: what is measured is the process's own
first-use cost (imports, templates, catalogues), not the data's.

    PYTHONPATH=src .venv/bin/python scripts/first_requests.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["/", "/countries/", "/registry/agreements/", "/pipeline/", "/accounts/", "/api/v1/docs"]
PASSWORD = "a-long-measuring-password-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(home: Path, warm: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        VINCULO_HOME=str(home),
        DATABASE_URL=f"sqlite:///{home / 'db.sqlite3'}",
        PYTHONPATH=str(ROOT / "src"),
        DJANGO_SETTINGS_MODULE="vinculo.web.settings",
        VINCULO_WARMUP="1" if warm else "0",
    )
    env.pop("VINCULO_ENV", None)
    return env


def _prepare(home: Path) -> None:
    code = (
        "import django; django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "from vinculo.web.accounts.models import User;"
        f"User.objects.create_user('measure', password='{PASSWORD}', role='planner')"
    )
    subprocess.run([sys.executable, "-c", code], env=_env(home, True), check=True)


def _timed(opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None) -> float:
    started = time.perf_counter()
    with opener.open(url, data=data, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def _round(home: Path, warm: bool) -> dict[str, tuple[float, float]]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    vinculo = [sys.executable, "-c", "from vinculo.cli import main; main()"]
    server = subprocess.Popen(
        [*vinculo, "serve", "--port", str(port), "--workers", "1"],
        env=_env(home, warm),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:  # listening (the port accepts) before any request is sent
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("vinculo serve did not start") from None
                time.sleep(0.1)
        time.sleep(1.0)  # the worker is forked (and, unwarmed, imports the application)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        found: dict[str, tuple[float, float]] = {}
        login = f"{base}/accounts/login/"
        found["/accounts/login/"] = (_timed(opener, login), _timed(opener, login))
        token = next(c.value for c in jar if c.name == "csrftoken")
        form = urllib.parse.urlencode(
            {"username": "measure", "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(login, data=form, headers={"Referer": login})
        opener.open(request, timeout=60).read()
        for page in PAGES:
            found[page] = (_timed(opener, base + page), _timed(opener, base + page))
        return found
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory(prefix="vinculo-first-") as folder:
        home = Path(folder)
        _prepare(home)
        results: dict[bool, list[dict[str, tuple[float, float]]]] = {False: [], True: []}
        for _ in range(rounds):
            for warm in (False, True):
                results[warm].append(_round(home, warm))
    pages = list(results[True][0])
    print(f"milliseconds, median of {rounds} fresh servers (1 worker): first / second request")
    print(f"{'page':24} {'no warm-up':>18} {'warm-up':>18}")
    for page in pages:
        cells = []
        for warm in (False, True):
            first = statistics.median(r[page][0] for r in results[warm])
            second = statistics.median(r[page][1] for r in results[warm])
            cells.append(f"{first:7.0f} / {second:5.0f}")
        print(f"{page:24} {cells[0]:>18} {cells[1]:>18}")


if __name__ == "__main__":
    main()
