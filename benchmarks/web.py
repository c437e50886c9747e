"""Web latency: the main pages and API endpoints under 1 and 20 concurrent clients.

Seeds a realistic volume into a fresh database (10,000 agreements, half with IP terms,
5,000 institutions, 40 posts, the countries, and the insight snapshot of Mexico's
priorities computed from the staged evidence), starts ``vinculo serve`` (gunicorn,
WhiteNoise) on a free loopback port, logs a planner in, and times each URL: per URL and
concurrency it prints p50 and p95 latency (ms), throughput (requests/s), and the CPU one
request cost the web server (every gunicorn worker: ``cpu ms``) and, on the PostgreSQL of
scripts/_postgres.sh, the database server (``db ms``). Those two are read from /proc, so
they hold when other work shares the machine, where latencies and throughput do not. It
prints figures; it asserts nothing.

Usage (from the project root)::

    .venv/bin/python benchmarks/web.py                      # SQLite
    .venv/bin/python benchmarks/web.py --postgres           # and a throw-away PostgreSQL
    .venv/bin/python benchmarks/web.py --requests 400 --workers 5

The PostgreSQL run uses scripts/_postgres.sh (the server scripts/test starts).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"
PASSWORD = "benchmark passphrase 2026"
PAGES = [
    "/",
    "/?priority=aerospace",
    "/priorities/lithium-value-chain/",
    "/countries/FRA/",
    "/registry/agreements/",
    "/registry/agreements/?country=FRA",
    "/registry/institutions/?q=universidad",
    "/registry/agreements/{agreement}/",
]
API = [
    "/api/v1/me",
    "/api/v1/registry/agreements",
    "/api/v1/registry/agreements?country=DEU&priority=batteries",
    "/api/v1/registry/institutions?q=university",
    "/api/v1/insights/priorities/aerospace",
]


def _env(home: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ, VINCULO_HOME=str(home), DJANGO_SETTINGS_MODULE="vinculo.web.settings")
    env.pop("VINCULO_ENV", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def _snapshot_payload(data: Path) -> dict[str, Any]:
    """The insight snapshot of Mexico's priorities on the staged evidence (cached)."""
    path = CACHE / "insights-snapshot.json"
    if path.exists():
        payload: dict[str, Any] = json.loads(path.read_text())
        return payload
    code = f"""
import json, sys, tempfile
from pathlib import Path
from vinculo.evidence.pull import pull
from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.capability import CapabilityModel
from vinculo.strategy.priorities import default_priorities
import django; django.setup()
from vinculo.web.insights.services import _payload
folder = Path(tempfile.mkdtemp())
with EvidenceStore(folder / "e.duckdb") as store:
    pull(store, mirror=Path({str(data)!r}))
with EvidenceStore(folder / "e.duckdb", read_only=True) as store:
    payload = _payload(CapabilityModel(store, default_priorities()), default_priorities())
Path({str(path)!r}).write_text(json.dumps(payload))
"""
    CACHE.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="vinculo-bench-snap-"))
    try:
        subprocess.run([sys.executable, "-c", code], env=_env(home, None), check=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    payload = json.loads(path.read_text())
    return payload


SEED = """
import json, random, sys
import django; django.setup()
from django.db import transaction
from vinculo.web.accounts.models import User
from vinculo.web.insights.models import Snapshot
from vinculo.web.registry.models import Agreement, Country, Institution, IPTerms, Post
from vinculo.web.registry.services import countries_sync
from vinculo.strategy.priorities import default_priorities

random.seed(0)
countries_sync()
codes = list(Country.objects.values_list("code", flat=True))
priorities = [p.id for p in default_priorities().priorities]
words = ["Universidad", "University", "Instituto", "Institute", "Centro", "Center",
         "Nacional", "National", "Tecnológico", "Research", "Energía", "Space", "Salud"]
with transaction.atomic():
    names = [" ".join(random.sample(words, 3)) + f" {i}" for i in range(5000)]
    Institution.objects.bulk_create([
        Institution(name=name, country_id=random.choice(codes), city="",
                    types=["education"], aliases=[], search_text=name.lower())
        for name in names
    ])
    posts = Post.objects.bulk_create([
        Post(name=f"Embajada {i}", kind="embassy", host_country_id=code, city=f"Ciudad {i}")
        for i, code in enumerate(random.sample(codes, 40))
    ])
    planner = User.objects.create_user("planner", password=sys.argv[1], role="planner")
    officer = User.objects.create_user("officer", password=sys.argv[1], role="officer")
    officer.posts.add(*posts[:2])
    statuses = ["draft", "negotiation", "signed", "in_force", "expired"]
    agreements = Agreement.objects.bulk_create([
        Agreement(title=f"Acuerdo de cooperación {i}", kind="institutional",
                  status=random.choice(statuses), post=random.choice(posts),
                  partner_country_id=random.choice(codes),
                  priorities=random.sample(priorities, 2), summary="", created_by=planner)
        for i in range(10000)
    ])
    IPTerms.objects.bulk_create([
        IPTerms(agreement=a, background_ip="each_party", foreground_ip="joint",
                licensing="non_exclusive", jurisdiction="México")
        for a in agreements[::2]
    ])
    Snapshot.objects.create(home="MEX", fingerprint="benchmark",
                            payload=json.loads(open(sys.argv[2]).read()))
print(Agreement.objects.order_by("pk").values_list("pk", flat=True)[5000])
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _login(base: str) -> httpx.Cookies:
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        page = client.get("/accounts/login/")
        token = page.cookies["csrftoken"]
        response = client.post(
            "/accounts/login/",
            data={"username": "planner", "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/accounts/login/"},
        )
        if response.status_code != 302:
            raise SystemExit(f"login failed: HTTP {response.status_code}")
        return client.cookies


def _get(port: int, headers: dict[str, str], url: str) -> float:
    """One page load as a browser does it: a new connection (gunicorn's sync workers close
    it after every response), the session cookie, the whole body read; its latency."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", url, headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise SystemExit(f"{url}: HTTP {response.status}")
    return elapsed


def _cpu_seconds(root: int | None) -> float | None:
    """CPU time (user + system, seconds) of process ``root`` and its children: gunicorn's
    arbiter and workers, or PostgreSQL's postmaster and backends. Read from /proc (Linux);
    None without it. On a shared machine this is what a page costs, whatever else runs."""
    proc = Path("/proc")
    if root is None or not proc.is_dir():
        return None
    ticks = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (command)"
        except OSError:
            continue  # gone meanwhile
        if int(stat.parent.name) == root or int(fields[1]) == root:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Measure:
    times: list[float]  # latencies, seconds, sorted
    wall: float  # seconds for them all
    server_cpu: float | None  # CPU seconds of the web server (every worker) meanwhile
    database_cpu: float | None  # CPU seconds of the PostgreSQL server meanwhile


def _measure(
    port: int, cookies: httpx.Cookies, url: str, clients: int, n: int, pids: tuple[int, int | None]
) -> Measure:
    """``n`` loads of ``url`` by ``clients`` concurrent clients.

    The clients use the standard library's ``http.client`` (well under 1 ms of CPU a
    request) rather than httpx (about 3 ms): the load generator shares the cores with the
    server, so a heavy client slows the server it measures. Before timing, 20 loads at
    once make every gunicorn worker serve the page a first time (that request fills
    per-process caches: compiled templates, the parsed snapshot, a page's sections): the
    figures are those of a running server, not of its first requests.
    """
    headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}
    with ThreadPoolExecutor(20) as executor:
        list(executor.map(lambda _: _get(port, headers, url), range(20)))
    server, database = pids
    cpu = (_cpu_seconds(server), _cpu_seconds(database))
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as executor:
        times = sorted(executor.map(lambda _: _get(port, headers, url), range(n)))
    wall = time.perf_counter() - start
    after = (_cpu_seconds(server), _cpu_seconds(database))
    used = [None if a is None or b is None else a - b for a, b in zip(after, cpu, strict=True)]
    return Measure(times, wall, used[0], used[1])


def _postmaster(database_url: str | None) -> int | None:
    """The PostgreSQL server's process id, when the server is scripts/_postgres.sh's (its
    socket folder, in the URL, holds data/postmaster.pid)."""
    if not database_url or "%2F" not in database_url:
        return None
    folder = Path(unquote(database_url.split("@", 1)[1].split("/", 1)[0]))
    try:
        return int((folder / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


#: The header of the figures :func:`timed` prints.
COLUMNS = (
    f"{'clients':>7s} {'p50 ms':>8s} {'p95 ms':>8s} {'req/s':>8s} {'cpu ms':>7s} {'db ms':>6s}"
)


@contextmanager
def serving(env: dict[str, str], workers: int) -> Iterator[tuple[int, str, int]]:
    """``vinculo serve`` on a free loopback port, once it answers: (port, base URL, pid)."""
    port = _free_port()
    vinculo = str(Path(sys.executable).with_name("vinculo"))
    server = subprocess.Popen(
        [vinculo, "serve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/accounts/login/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield port, base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def timed(
    port: int, cookies: httpx.Cookies, url: str, clients: int, n: int, pids: tuple[int, int | None]
) -> str:
    """The figures of ``n`` loads of ``url`` by ``clients`` clients, under :data:`COLUMNS`."""
    measure = _measure(port, cookies, url, clients, n, pids)
    times = measure.times
    p50 = statistics.median(times) * 1000
    p95 = times[int(0.95 * (len(times) - 1))] * 1000
    cpu, db = (
        "" if used is None else f"{used / n * 1000:.1f}"
        for used in (measure.server_cpu, measure.database_cpu)
    )
    return f"{clients:>7d} {p50:>8.1f} {p95:>8.1f} {n / measure.wall:>8.1f} {cpu:>7s} {db:>6s}"


def run(database_url: str | None, label: str, args: argparse.Namespace) -> None:
    payload = _snapshot_payload(Path(args.data))
    home = Path(tempfile.mkdtemp(prefix="vinculo-bench-"))
    env = _env(home, database_url)
    snapshot = home / "snapshot.json"
    snapshot.write_text(json.dumps(payload))
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    start = time.perf_counter()
    seeded = subprocess.run([python, "-c", SEED, PASSWORD, str(snapshot)], cwd=ROOT, env=env,
                            check=True, capture_output=True, text=True)  # fmt: skip
    agreement = seeded.stdout.strip().splitlines()[-1]
    print(f"\n{label}: seeded 10,000 agreements and 5,000 institutions in "
          f"{time.perf_counter() - start:.1f} s", flush=True)  # fmt: skip
    try:
        with serving(env, args.workers) as (port, base, server):
            cookies = _login(base)
            pids = (server, _postmaster(database_url))
            print(f"{'url':58s} {COLUMNS}")
            for url in [u.replace("{agreement}", agreement) for u in PAGES] + API:
                for clients in (1, 20):
                    n = args.requests if clients > 1 else max(20, args.requests // 5)
                    figures = timed(port, cookies, url, clients, n, pids)
                    print(f"{url[:58]:58s} {figures}", flush=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    staged = os.environ.get("VINCULO_TEST_DATA", str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--data", default=staged, help="the staged datasets (for insights)")
    parser.add_argument("--requests", type=int, default=200, help="requests per URL at 20 clients")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--database-url", help="(internal) run on this database only")
    args = parser.parse_args()
    random.seed(0)
    if args.database_url:
        run(args.database_url, "PostgreSQL", args)
        return
    run(None, "SQLite", args)
    if args.postgres:
        script = (
            f"source {ROOT}/scripts/_postgres.sh && trap pg_stop EXIT && "
            f'pg_start "$(pg_find_bin)" >&2 && '
            f'{sys.executable} {Path(__file__)} --database-url "$PG_URL" '
            f"--requests {args.requests} --workers {args.workers} --data {args.data}"
        )
        subprocess.run(["bash", "-c", script], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
