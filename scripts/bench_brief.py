"""How fast a post's brief opens: before and after it is prepared.

Prints, for one host country on the staged evidence: the cold ``collect_evidence`` (no
strategy cache), writing and reading the kept evidence, re-localizing and rendering each
language and format (what a change of the post's data costs), a whole preparation with
the evidence kept, and the reader's side through Django's test client (median of ``-n``
requests): a prepared brief (HTML, PDF), the "being prepared" page and the status JSON.
It prints figures; it asserts nothing.

Usage (from the project root)::

    PYTHONPATH=src .venv/bin/python scripts/bench_brief.py --store /tmp/vh2/evidence.duckdb
    VINCULO_TEST_DATA=/work/shared/data PYTHONPATH=src .venv/bin/python scripts/bench_brief.py

``--store`` is copied (never written); without it the staged datasets of
``VINCULO_TEST_DATA`` are pulled into a new store (about 15 s). Everything is written in a
throw-away ``VINCULO_HOME``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def _say(label: str, seconds: float) -> None:
    print(f"{label:<52} {seconds * 1000:>10.1f} ms", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="an evidence store to copy")
    parser.add_argument("--host", default="FRA", help="the post's host country (FRA)")
    parser.add_argument("-n", type=int, default=20, help="requests per reader figure (20)")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="vinculo-bench-brief-"))
    os.environ["VINCULO_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinculo.web.settings")
    os.environ.pop("DATABASE_URL", None)  # SQLite in the throw-away home
    store = home / "evidence.duckdb"
    try:
        if args.store:
            shutil.copyfile(args.store, store)
        else:
            from vinculo.evidence.pull import pull
            from vinculo.evidence.store import EvidenceStore

            data = os.environ.get("VINCULO_TEST_DATA")
            if not data:
                parser.error("--store or VINCULO_TEST_DATA")
            with EvidenceStore(store) as opened:
                pull(opened, mirror=Path(data))
        return _bench(store, args.host, args.n)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _bench(store: Path, host: str, n: int) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from vinculo.evidence.store import EvidenceStore
    from vinculo.strategy.brief import collect_evidence, localize, write_brief
    from vinculo.strategy.capability import CapabilityModel
    from vinculo.strategy.priorities import default_priorities
    from vinculo.web.accounts.models import Role, User
    from vinculo.web.insights import briefs
    from vinculo.web.insights.models import BriefJob
    from vinculo.web.insights.services import _cache, store_fingerprint
    from vinculo.web.registry.models import Country, Post

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    print(f"host {host}; evidence store {store.stat().st_size / 1e6:.0f} MB; median of {n}")

    # -- the engine's side
    with EvidenceStore(store, read_only=True) as opened:
        seconds, fingerprint = _timed(lambda: store_fingerprint(opened))
        _say("store fingerprint", seconds)
        model = CapabilityModel(opened, default_priorities(), cache_folder=_cache(store))
        seconds, evidence = _timed(lambda: collect_evidence(model, host))
        _say("collect_evidence, cold (no strategy cache)", seconds)
    seconds, _path = _timed(lambda: briefs.keep_evidence(fingerprint, host, evidence))
    _say("keep the evidence (pickle, atomic write)", seconds)
    seconds, kept = _timed(lambda: briefs.cached_evidence(fingerprint, host))
    _say("read the kept evidence", seconds)
    assert kept is not None
    out = Path(tempfile.mkdtemp(dir=store.parent))
    for language in briefs.LANGUAGES:
        seconds, brief = _timed(lambda language=language: localize(kept, language))
        _say(f"localize {language}", seconds)
        for kind in briefs.FORMATS:
            path = out / f"{language}.{kind}"
            seconds, _path = _timed(lambda brief=brief, path=path: write_brief(brief, path))
            _say(f"render {language} {kind}", seconds)

    # -- a whole preparation, the evidence kept (a change of the post's data)
    country = Country.objects.create(code=host, name_es=host, name_en=host)
    post = Post.objects.create(name=f"Embajada {host}", kind="embassy", host_country=country,
                               city="Capital")  # fmt: skip
    user = User.objects.create_user("bench", password="a-bench-password-1", role=Role.PLANNER)
    job = briefs.queue_brief(post, start=False)
    assert job is not None
    seconds, done = _timed(lambda: briefs.run_job(job.pk))
    _say("a whole preparation (evidence kept; 2 languages x 2)", seconds)
    assert done is not None
    assert done.state == BriefJob.State.DONE, done.error

    # -- the reader
    client = Client()
    client.force_login(user)

    def median(url: str, expect: str) -> float:
        times = []
        for _ in range(n):
            start = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, url
            assert expect.encode() in body, url
        return statistics.median(times)

    for language in briefs.LANGUAGES:
        _say(f"open the prepared brief, HTML {language}",
             median(f"/posts/{post.pk}/brief.html?lang={language}", "<html"))  # fmt: skip
        _say(f"open the prepared brief, PDF {language}",
             median(f"/posts/{post.pk}/brief.pdf?lang={language}", "%PDF"))  # fmt: skip
    _say("the status JSON", median(f"/posts/{post.pk}/brief/status/", '"state"'))
    other = Post.objects.create(name="Consulado", kind="consulate", host_country=country,
                                city="Otra")  # fmt: skip
    settings.VINCULO_BRIEF_JOBS_INLINE = False
    briefs.submit = lambda job_id: None  # type: ignore[assignment]  # nothing runs here
    _say("the 'being prepared' page (nothing prepared)",
         median(f"/posts/{other.pk}/brief.html?lang=es", "brief-preparation"))  # fmt: skip
    _say("the briefs list", median("/briefs/", "briefs"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
