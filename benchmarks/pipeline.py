"""Pipeline latency: the inbox with filters and search, the detail page and the API list
over 100,000 opportunities, at 1 and 20 concurrent clients, on PostgreSQL.

Seeds a fresh PostgreSQL database (throw-away server, scripts/_postgres.sh) with 40 posts,
the countries, 100,000 opportunities in Spanish and English (titles and descriptions built
from the priorities' keywords and everyday words; each classified by ``vinculo.text`` like
a submitted one, with its search text and duplicate signature), a planner and an officer;
starts ``vinculo serve`` (gunicorn) and times each URL as the planner (and the officer's
own list), like benchmarks/web.py. It prints figures; it asserts nothing.

Usage (from the project root)::

    .venv/bin/python benchmarks/pipeline.py                   # PostgreSQL (the aim's setting)
    .venv/bin/python benchmarks/pipeline.py --sqlite          # SQLite instead
    .venv/bin/python benchmarks/pipeline.py --opportunities 20000 --requests 100
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web import COLUMNS, _env, _login, _postmaster, serving, timed  # the sibling benchmark

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark passphrase 2026"  # the one web._login uses

SEED = """
import random, sys, time
import django; django.setup()
from datetime import date, timedelta
from decimal import Decimal
from django.db import transaction
from vinculo.strategy.priorities import default_priorities
from vinculo.web.accounts.models import User
from vinculo.web.pipeline.classify import train_model
from vinculo.web.pipeline.models import Opportunity
from vinculo.web.registry.models import Country, Post
from vinculo.web.registry.services import countries_sync

total = int(sys.argv[2])
random.seed(0)
countries_sync()
codes = list(Country.objects.values_list("code", flat=True))
priorities = default_priorities().priorities
posts = Post.objects.bulk_create([
    Post(name=f"Embajada {i}", kind="embassy", host_country_id=code, city=f"Ciudad {i}")
    for i, code in enumerate(random.sample(codes, 40))
])
planner = User.objects.create_user("planner", password=sys.argv[1], role="planner")
officer = User.objects.create_user("officer", password=sys.argv[1], role="officer")
officer.posts.add(*posts[:2])
filler = {
    "es": "laboratorio universidad empresa consorcio propuesta cooperación convocatoria "
          "financiamiento socio proyecto piloto estancia red investigación desarrollo".split(),
    "en": "laboratory university company consortium proposal cooperation call funding "
          "partner project pilot visit network research development".split(),
}
statuses = (["submitted"] * 30 + ["screening"] * 20 + ["assessment"] * 15
            + ["negotiation"] * 10 + ["agreed", "active", "closed"] * 3
            + ["on_hold"] * 5 + ["rejected"] * 8 + ["expired"] * 3)
kinds = [k for k, _ in Opportunity.Kind.choices]
model = train_model()
started = time.perf_counter()
batch = 2000
for first in range(0, total, batch):
    rows = []
    for n in range(first, min(first + batch, total)):
        language = random.choice(("es", "en"))
        priority = random.choice(priorities)
        keywords = list(priority.keywords.get(language, ()))
        title = (f"{random.choice(filler[language]).capitalize()} "
                 f"{random.choice(keywords)} {n}")
        words = random.sample(keywords, min(3, len(keywords))) + random.sample(filler[language], 8)
        random.shuffle(words)
        post = random.choice(posts)
        rows.append(Opportunity(
            title=title, description=" ".join(words) + f". Ref. {n * 7919}.",
            language=language, kind=random.choice(kinds), post=post,
            host_country_id=post.host_country_id, status=random.choice(statuses),
            amount_offered=Decimal(random.randrange(10_000, 5_000_000)), currency="USD",
            contact_name=f"Contact {n}", contact_email=f"c{n}@example.org",
            deadline=date(2027, 1, 1) + timedelta(days=random.randrange(0, 700)),
            fit=round(random.uniform(10, 90), 1), created_by=officer,
        ))
    suggestions = model.suggest_many([f"{o.title}\\n{o.description}" for o in rows])
    for opportunity, found in zip(rows, suggestions):
        opportunity.suggested_priorities = [
            {"id": s.priority, "confidence": round(s.confidence, 4), "terms": list(s.terms),
             "similar": []} for s in found
        ]
        opportunity.refresh_text()
    with transaction.atomic():
        Opportunity.objects.bulk_create(rows)
    print(f"seeded {first + len(rows)}/{total}", file=sys.stderr, flush=True)
print(f"classified and wrote {total} in {time.perf_counter() - started:.1f} s",
      file=sys.stderr)
from django.db import connection
if connection.vendor == "postgresql":  # the planner's statistics, as a live database has them
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
print(Opportunity.objects.order_by("pk").values_list("pk", flat=True)[total // 2])
"""

PAGES = [
    "/pipeline/",
    "/pipeline/?status=assessment&priority=batteries",
    "/pipeline/?q=litio",
    "/pipeline/?q=hydrogen&status=submitted",
    "/pipeline/?country={country}&sort=deadline",
    "/pipeline/{opportunity}/",
    "/pipeline/summary/",
]
API = [
    "/api/v1/pipeline/opportunities",
    "/api/v1/pipeline/opportunities?q=battery&status=negotiation",
    "/api/v1/pipeline/opportunities/{opportunity}",
]


def _officer_login(base: str) -> httpx.Cookies:
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        token = client.get("/accounts/login/").cookies["csrftoken"]
        response = client.post(
            "/accounts/login/",
            data={"username": "officer", "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/accounts/login/"},
        )
        if response.status_code != 302:
            raise SystemExit(f"officer login failed: HTTP {response.status_code}")
        return client.cookies


def run(database_url: str | None, label: str, args: argparse.Namespace) -> None:
    home = Path(tempfile.mkdtemp(prefix="vinculo-bench-pipeline-"))
    env = _env(home, database_url)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    start = time.perf_counter()
    seeded = subprocess.run(
        [python, "-c", SEED, PASSWORD, str(args.opportunities)],
        cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    opportunity = seeded.stdout.strip().splitlines()[-1]
    print(f"\n{label}: seeded {args.opportunities:,} opportunities in "
          f"{time.perf_counter() - start:.1f} s", flush=True)  # fmt: skip
    try:
        with serving(env, args.workers) as (port, base, server):
            planner = _login(base)
            with httpx.Client(base_url=base, cookies=planner) as client:
                detail = client.get(f"/api/v1/pipeline/opportunities/{opportunity}").json()
            country = detail["host_country"]
            urls = [
                ("planner", u.replace("{opportunity}", opportunity).replace("{country}", country))
                for u in PAGES + API
            ] + [("officer", "/pipeline/"), ("officer", "/pipeline/?q=energia")]
            sessions = {"planner": planner, "officer": _officer_login(base)}
            pids = (server, _postmaster(database_url))
            print(f"{'who':8s} {'url':52s} {COLUMNS}")
            for who, url in urls:
                for clients in (1, 20):
                    n = args.requests if clients > 1 else max(20, args.requests // 5)
                    figures = timed(port, sessions[who], url, clients, n, pids)
                    print(f"{who:8s} {url[:52]:52s} {figures}", flush=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per URL at 20 clients")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument("--sqlite", action="store_true", help="on SQLite instead of PostgreSQL")
    parser.add_argument("--database-url", help="(internal) run on this database")
    args = parser.parse_args()
    if args.database_url:
        run(args.database_url, "PostgreSQL", args)
        return
    if args.sqlite:
        run(None, "SQLite", args)
        return
    script = (
        f"source {ROOT}/scripts/_postgres.sh && trap pg_stop EXIT && "
        f'pg_start "$(pg_find_bin)" >&2 && '
        f'{sys.executable} {Path(__file__)} --database-url "$PG_URL" '
        f"--opportunities {args.opportunities} --requests {args.requests} "
        f"--workers {args.workers}"
    )
    subprocess.run(["bash", "-c", script], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
