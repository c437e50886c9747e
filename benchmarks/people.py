"""People at scale (issue 13): the diaspora per country, the researcher search and the
matching of one opportunity over a million researcher profiles and five million
affiliation rows, on PostgreSQL, under 1 and 20 concurrent clients; and the import speeds.

What it does, in a throw-away PostgreSQL server (scripts/_postgres.sh, as the tests):

1. migrates a fresh database and seeds the countries, 40 posts (one in the USA), a planner
   and an officer of the post in the USA, and one opportunity (a lithium-battery pilot
   line);
2. generates ``--profiles`` synthetic researchers (default 1,000,000; deterministic, seed
   0) with 3-7 affiliations each (5 on average): 45 % start their careers in Mexico, of
   whom two in five now work abroad; the others work in one country. Hosts are weighted
   (the USA a third of the diaspora), institutions are 200 per country, names are drawn
   from 120 given names and 240 surnames, and 2-6 topics per person are drawn from 4,880
   topic names built from OpenAlex's 244 subfields (weighted by the world's works in each,
   staged ``openalex_country_subfield_2005_2025``) and 20 qualifiers. The diaspora rule
   (vinculo.strategy.people.diaspora) is applied to each, then everything is loaded with
   COPY (rows/s printed);
3. times ``manage.py people_refresh`` (each researcher's priorities, the matching index,
   every country's stored diaspora), then ``manage.py people_rank`` (the opportunity's
   kept rankings, for the planner and for the officer: what a first view costs when
   nothing computed it ahead), then the app's own import of a CSV template of
   ``--import-rows`` rows (all or nothing, merges, the derived tables of the countries it
   touches: the USA's among them, and the kept rankings, maintained, not computed again);
4. serves with ``vinculo serve`` (gunicorn, ``--workers``) and times each URL below as the
   planner and as the officer: p50 and p95 latency, requests/s, and the CPU one request
   cost the web server and the database server (from /proc, so they hold on a shared
   machine where latencies do not). The first request of the matching is timed apart
   (it reads the ranking kept through the import).

It prints figures and asserts nothing. The target of the issue: p95 < 200 ms at 20
clients.

Usage (from the project root)::

    .venv/bin/python benchmarks/people.py                     # 1 M profiles, ~40 min
    .venv/bin/python benchmarks/people.py --profiles 100000   # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web import COLUMNS, _env, _get, _postmaster, serving, timed

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark passphrase 2026"

GIVEN = (  # noqa: SIM905
    "Ana María José Luis Carlos Juan Pedro Miguel Rosa Lucía Sofía Diego Jorge Elena "
    "Laura Pablo Andrés Fernando Alejandro Gabriela Daniela Valeria Ricardo Eduardo "
    "Héctor Raúl Rafael Sergio Víctor Adriana Patricia Claudia Mónica Verónica Silvia "
    "Teresa Isabel Beatriz Carmen Alicia Julia Irene Marta Paula Clara Inés Nuria Pilar "
    "Ramón Tomás Emilio Óscar Iván Rubén Hugo Mario Julio César Alberto Arturo Ernesto "
    "Gerardo Ignacio Joaquín Manuel Mauricio Octavio Salvador Xavier Yolanda Ximena "
    "Citlali Itzel Nayeli Xóchitl Tonatiuh Cuauhtémoc John Mary James Robert Michael "
    "William David Richard Sarah Emma Olivia Liam Noah Hans Klaus Anna Marie Pierre Jean "
    "Claire Luc Giulia Marco Paolo Chiara Wei Li Yuki Hiroshi Min Jun Priya Ravi Ahmed "
    "Fatima Olga Ivan Sven Ingrid Lars"
).split()
SURNAMES = (  # noqa: SIM905
    "García Hernández Martínez López González Pérez Rodríguez Sánchez Ramírez Cruz Flores "
    "Gómez Morales Vázquez Reyes Jiménez Torres Díaz Gutiérrez Ruiz Mendoza Aguilar Ortiz "
    "Moreno Castillo Romero Álvarez Méndez Chávez Rivera Juárez Ramos Domínguez Herrera "
    "Medina Castro Vargas Guzmán Velázquez Muñoz Rojas Contreras Salazar Luna Ortega "
    "Guerrero Estrada Bautista Cortés Soto Alvarado Espinoza Lara Ríos Navarro Cervantes "
    "Delgado Ávila Campos Vega Carrillo Silva Sandoval Mejía Acosta Zúñiga Fuentes Ibarra "
    "Pacheco Cárdenas Escobar Valdez Robles Molina Lozano Solís Figueroa Trejo Núñez "
    "Tapia Salas Rosas Valencia Zamora Padilla Orozco Marín Ochoa Ponce Rangel Galván "
    "Montes Cabrera Cuevas Osorio Arellano Villanueva Pineda Camacho Benítez Miranda "
    "Santiago Ayala Beltrán Mora Meza Cano Olvera Rosales Vera Montoya Villegas Bravo "
    "Nava Calderón Durán Lugo Velasco Quintero Esquivel Escamilla Sosa Serrano Macías "
    "Franco Carmona Gallegos Salinas Peña Rivas Leyva Arias Gil Rubio Huerta Córdova "
    "Andrade Villa Mata Barrera Ruíz Solano Bernal Trujillo Zavala Muñiz Coronado Suárez "
    "Parra Avendaño Toledo Arroyo Martín Fernández Blanco Iglesias Santos Smith Johnson "
    "Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson "
    "White Harris Clark Lewis Walker Hall Allen Young King Wright Scott Green Baker Adams "
    "Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Müller Schmidt "
    "Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Dubois Durand Lefebvre "
    "Leroy Moreau Simon Laurent Michel Rossi Russo Ferrari Esposito Bianchi Romano "
    "Colombo Wang Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sato Suzuki Takahashi Tanaka "
    "Kim Lee Park Choi Singh Kumar Sharma Patel Ivanov Petrov Smirnov Nilsson Johansson "
    "Larsson Andersen Nielsen Hansen"
).split()
QUALIFIERS = (
    "Advanced", "Applied", "Computational", "Sustainable", "Lithium-ion battery",
    "Satellite", "Machine learning in", "Climate change and", "Renewable energy",
    "Nanomaterials for", "High-performance computing for", "Electric vehicle",
    "Hydrogen", "Vaccine", "Aerospace", "Remote sensing in", "Mineral extraction and",
    "Quantum", "Data-driven", "Policy and",
)  # fmt: skip
#: Where the diaspora works (ISO3: weight); the rest of the world shares 12 %.
HOSTS = {
    "USA": 33, "ESP": 12, "GBR": 8, "CAN": 7, "DEU": 6, "FRA": 6, "CHL": 3, "BRA": 3,
    "NLD": 2, "AUS": 2, "CHE": 2, "ITA": 2, "JPN": 1, "SWE": 1,
}  # fmt: skip
OTHERS = (  # noqa: SIM905
    "ARG COL PER CHN KOR IND BEL AUT DNK NOR FIN IRL PRT POL CZE ISR NZL SGP ZAF EGY TUR "
    "RUS URY CRI CUB ECU VEN GTM PAN BOL"
).split()


def _topics(data: Path) -> tuple[list[str], list[float]]:
    """4,880 topic names (20 qualifiers × 244 subfields) and their weights (the world's
    works in the subfield, 2005-2025, shared equally by its qualifiers)."""
    import pandas as pd

    table = pd.read_parquet(
        data / "openalex_country_subfield_2005_2025" / "country_subfield_year_works.parquet",
        columns=["name", "works_count"],
    )
    works = table.groupby("name")["works_count"].sum().sort_index()
    names, weights = [], []
    for subfield, total in works.items():
        for qualifier in QUALIFIERS:
            names.append(f"{qualifier} {str(subfield).lower()}")
            weights.append(float(total))
    return names, weights


def _generate(n: int, data: Path, out: Path) -> dict[str, int]:
    """Write the COPY files of ``n`` researchers and their affiliations."""
    from vinculo.strategy import people as lib

    rng = random.Random(0)
    topics, weights = _topics(data)
    cumulative = list(_accumulate(weights))
    host_codes = list(HOSTS) + OTHERS
    host_weights = [*HOSTS.values(), *([12 / len(OTHERS)] * len(OTHERS))]
    host_cumulative = list(_accumulate(host_weights))
    everywhere = ["MEX", *host_codes]
    stamp = "2026-12-01 00:00:00+00"
    counts = {"researchers": 0, "affiliations": 0, "diaspora": 0}
    with (
        (out / "researchers.tsv").open("w") as people,
        (out / "affiliations.tsv").open("w") as stays,
    ):
        affiliation_id = 0
        for rid in range(1, n + 1):
            name = f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
            chosen = sorted({topics[_pick(rng, cumulative)] for _ in range(rng.randint(2, 6))})
            stays_n = rng.randint(3, 7)
            year = rng.randint(1985, 2012)
            mexican = rng.random() < 0.45
            if mexican:
                abroad = rng.random() < 0.4
                final = host_codes[_pick(rng, host_cumulative)] if abroad else "MEX"
                path = ["MEX"] * (stays_n - 1) + [final]
                if rng.random() < 0.5:  # a stay somewhere (a postdoc) before the last
                    path[-2] = rng.choice(everywhere)
            else:
                home = rng.choice(everywhere[1:])
                path = [home] * stays_n
            record = []
            for k, country in enumerate(path):
                current = k == len(path) - 1
                kind = "education" if k == 0 else "employment"
                start = year + 3 * k
                end = None if current else start + 3
                institution = f"Institution {rng.randint(1, 200)} of {country}"
                record.append(
                    lib.Affiliation(
                        institution=institution, country=country, start=start, end=end,
                        kind=kind, current=current, source="benchmark",
                    )
                )  # fmt: skip
            verdict = lib.diaspora(
                lib.Researcher(name=name, affiliations=tuple(record), topics=tuple(chosen)),
                home="MEX",
            )
            counts["diaspora"] += verdict.status == "diaspora"
            works = int(rng.lognormvariate(3, 1))
            people.write(
                "\t".join(
                    [
                        str(rid), name, lib.name_key(name)[:200], "[]", "\\N",
                        f"A{5_000_000_000 + rid}", "", json.dumps(chosen, ensure_ascii=False),
                        str(works), str(works * rng.randint(2, 30)), verdict.status,
                        verdict.reason, json.dumps(list(verdict.hosts)), '["benchmark"]',
                        stamp, "[]",
                    ]
                )
                + "\n"
            )  # fmt: skip
            for a in record:
                affiliation_id += 1
                stays.write(
                    "\t".join(
                        [
                            str(affiliation_id), str(rid), a.institution, "", a.country or "",
                            str(a.start), "\\N" if a.end is None else str(a.end), a.kind,
                            "t" if a.current else "f", a.source,
                        ]
                    )
                    + "\n"
                )  # fmt: skip
            counts["researchers"] += 1
            counts["affiliations"] += len(record)
            if rid % 100_000 == 0:
                print(f"  generated {rid:,}", flush=True)
    return counts


def _accumulate(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    import bisect

    return min(bisect.bisect_left(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


SEED = """
import sys
import django; django.setup()
from django.db import transaction
from vinculo.web.accounts.models import User
from vinculo.web.pipeline.models import Opportunity
from vinculo.web.registry.models import Country, Post
from vinculo.web.registry.services import countries_sync

countries_sync()
codes = sorted(Country.objects.values_list("code", flat=True))
with transaction.atomic():
    usa = Post.objects.create(name="Embajada en Estados Unidos", kind="embassy",
                              host_country_id="USA", city="Washington")
    Post.objects.bulk_create([
        Post(name=f"Embajada {i}", kind="embassy", host_country_id=code, city=f"Ciudad {i}")
        for i, code in enumerate(c for c in codes[:60] if c != "USA")
    ][:39])
    planner = User.objects.create_user("planner", password=sys.argv[1], role="planner")
    officer = User.objects.create_user("officer", password=sys.argv[1], role="officer")
    officer.posts.add(usa)
    opportunity = Opportunity.objects.create(
        title="Lithium-ion battery pilot line seeks Mexican partners",
        description="A national laboratory offers its lithium-ion battery pilot line for "
        "joint research on cathode materials, battery recycling and electric vehicle "
        "storage systems, with sustainable mineral extraction.",
        kind="joint_research", post=usa, host_country_id="USA", created_by=planner)
print(opportunity.pk)
"""

COPY = """
import sys, time
import django; django.setup()
from django.db import connection
folder = sys.argv[1]
with connection.cursor() as cursor:
    raw = cursor.connection
    for table, columns, name in (
        ("people_researcher", "id, name, name_key, name_keys, orcid, openalex_id, email, topics, "
         "works_count, cited_by_count, diaspora, diaspora_reason, hosts, sources, "
         "last_seen_at, priorities", "researchers.tsv"),
        ("people_affiliation", "id, researcher_id, institution, ror, country, start_year, "
         "end_year, kind, current, source", "affiliations.tsv"),
    ):
        start = time.perf_counter()
        with raw.cursor() as c, c.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            with open(f"{folder}/{name}", "rb") as handle:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        raw.commit()
        print(table, time.perf_counter() - start, flush=True)
    for table in ("people_researcher", "people_affiliation"):
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"(SELECT max(id) FROM {table}))")
    cursor.execute("ANALYZE")
"""

IMPORT = """
import io, sys, time
import django; django.setup()
from vinculo.web.accounts.models import User
from vinculo.web.people.imports import import_table
from django.utils import timezone
text = open(sys.argv[1], encoding="utf-8").read()
since = timezone.now()
start = time.perf_counter()
report, outcome = import_table(actor=User.objects.get(username="planner"),
                               handle=io.BytesIO(text.encode()), name="register.csv")
took = time.perf_counter() - start
from vinculo.web.people.models import KeptRanking
kept = KeptRanking.objects.filter(updated_at__gte=since, computed_at__lt=since).count()
print(KeptRanking.objects.count(), kept, took, len(outcome.created), len(outcome.merged))
"""


def _template(rows: int) -> str:
    """A national register's rows: people with a Mexican degree now in the USA or Germany."""
    rng = random.Random(1)
    lines = ["name,orcid,email,institution,ror,country,start_year,end_year,current,kind,topics"]
    for i in range(rows // 2):
        base = f"0000-0002-{i // 1000:04d}-{i % 1000:03d}"
        total = 0
        for ch in base.replace("-", ""):
            total = (total + int(ch)) * 2
        digit = (12 - total % 11) % 11
        orcid = base + ("X" if digit == 10 else str(digit))
        name = f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
        host = rng.choice(["US", "DE"])
        lines.append(f"{name},{orcid},,UNAM,,MX,2005,2010,0,education,")
        lines.append(
            f"{name},{orcid},,Institution {rng.randint(1, 200)},,{host},2012,,1,employment,"
            "Lithium-ion battery electrochemistry;Applied materials chemistry"
        )
    return "\n".join(lines) + "\n"


def _login(base: str, username: str) -> httpx.Cookies:
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        page = client.get("/accounts/login/")
        token = page.cookies["csrftoken"]
        response = client.post(
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/accounts/login/"},
        )
        if response.status_code != 302:
            raise SystemExit(f"login failed: HTTP {response.status_code}")
        return client.cookies


def run(database_url: str, args: argparse.Namespace) -> None:
    home = Path(tempfile.mkdtemp(prefix="vinculo-bench-people-"))
    env = _env(home, database_url)
    python = sys.executable
    try:
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        if args.reuse:
            _serve(env, database_url, args, "1")
            return
        seeded = subprocess.run([python, "-c", SEED, PASSWORD], cwd=ROOT, env=env,
                                check=True, capture_output=True, text=True)  # fmt: skip
        opportunity = seeded.stdout.strip().splitlines()[-1]
        start = time.perf_counter()
        counts = _generate(args.profiles, Path(args.data), home)
        print(f"generated {counts['researchers']:,} researchers ({counts['diaspora']:,} in "
              f"the diaspora), {counts['affiliations']:,} affiliations in "
              f"{time.perf_counter() - start:.0f} s", flush=True)  # fmt: skip
        copied = subprocess.run([python, "-c", COPY, str(home)], cwd=ROOT, env=env,
                                check=True, capture_output=True, text=True)  # fmt: skip
        seconds = {}
        for line in copied.stdout.splitlines():
            table, value = line.split()
            seconds[table] = float(value)
        rows = counts["researchers"] + counts["affiliations"]
        total = sum(seconds.values())
        print(f"COPY: {rows:,} rows in {total:.1f} s = {rows / total:,.0f} rows/s "
              f"({seconds})", flush=True)  # fmt: skip
        start = time.perf_counter()
        subprocess.run([python, "manage.py", "people_refresh"], cwd=ROOT, env=env, check=True)
        print(f"people_refresh: {time.perf_counter() - start:.0f} s", flush=True)
        ranked = subprocess.run([python, "manage.py", "people_rank"], cwd=ROOT, env=env,
                                check=True, capture_output=True, text=True)  # fmt: skip
        print(f"people_rank (the first view's cost, ahead): {ranked.stdout.strip()}", flush=True)
        template = home / "register.csv"
        template.write_text(_template(args.import_rows), encoding="utf-8")
        imported = subprocess.run([python, "-c", IMPORT, str(template)], cwd=ROOT, env=env,
                                  check=True, capture_output=True, text=True)  # fmt: skip
        rankings, maintained, took, created, _merged = imported.stdout.split()[-5:]
        print(f"app import (CSV template, {args.import_rows:,} rows, {created} people, "
              f"derived tables included): {float(took):.1f} s = "
              f"{args.import_rows / float(took):,.0f} rows/s; kept rankings maintained "
              f"through it: {maintained} of {rankings}", flush=True)  # fmt: skip
        _serve(env, database_url, args, opportunity)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _serve(
    env: dict[str, str], database_url: str, args: argparse.Namespace, opportunity: str
) -> None:
    """Serve with gunicorn and time each URL as the planner and as the officer."""
    common = "garcia"
    urls = {
        "planner": [
            "/api/v1/people/diaspora/USA",
            "/people/diaspora/USA/?priority=batteries",
            f"/api/v1/people/researchers?q={common}",
            "/api/v1/people/researchers?q=citlali+ochoa+rangel",
            "/people/?country=DEU",
            f"/api/v1/people/opportunities/{opportunity}/matches",
        ],
        "officer": [
            "/api/v1/people/diaspora/USA",
            f"/api/v1/people/researchers?q={common}",
            f"/api/v1/people/opportunities/{opportunity}/matches",
        ],
    }
    with serving(env, args.workers) as (port, base, server):
        pids = (server, _postmaster(database_url))
        print(f"{'who':8s} {'url':54s} {COLUMNS}", flush=True)
        for who, paths in urls.items():
            cookies = _login(base, who)
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
            for url in paths:
                if "/matches" in url:  # the first view reads the kept ranking
                    cold = _get(port, headers, url) * 1000
                    print(f"{who:8s} {url[:54]:54s} first request: {cold:.0f} ms", flush=True)
                for clients in (1, 20):
                    n = args.requests if clients > 1 else max(20, args.requests // 5)
                    figures = timed(port, cookies, url, clients, n, pids)
                    print(f"{who:8s} {url[:54]:54s} {figures}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    staged = os.environ.get("VINCULO_TEST_DATA", str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--data", default=staged, help="the staged datasets (topic weights)")
    parser.add_argument("--profiles", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200, help="requests per URL at 20 clients")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument("--database-url", help="(internal) run on this database")
    parser.add_argument(
        "--reuse", action="store_true",
        help="with --database-url, a database this script loaded (people_refresh and "
        "people_rank run on it): only serve and time",
    )  # fmt: skip
    args = parser.parse_args()
    if args.database_url:
        run(args.database_url, args)
        return
    script = (
        f"source {ROOT}/scripts/_postgres.sh && trap pg_stop EXIT && "
        f'pg_start "$(pg_find_bin)" >&2 && '
        f'{sys.executable} {Path(__file__)} --database-url "$PG_URL" '
        f"--profiles {args.profiles} --import-rows {args.import_rows} "
        f"--requests {args.requests} --workers {args.workers} --data {args.data}"
    )
    subprocess.run(["bash", "-c", script], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
