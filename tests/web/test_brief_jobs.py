"""The posts' briefs prepared ahead of the reader (vinculo.web.insights.briefs): one job
per key, the signal and a new snapshot queue jobs, the reader gets the prepared file at
once, an older one while a newer is prepared, or a page with the progress.

No evidence store here: the store's fingerprint is fixed, the evidence is a small
PostEvidence kept as a preparation keeps it, and WeasyPrint is replaced by a stub; jobs
run synchronously (``VINCULO_BRIEF_JOBS_INLINE``, or ``run_job``): no thread."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from tests.web.conftest import Registry, login, make_user
from vinculo.strategy.brief import PostEvidence
from vinculo.web import csp
from vinculo.web.insights import briefs
from vinculo.web.insights.models import BriefJob
from vinculo.web.insights.signals import post_data_changed
from vinculo.web.registry.models import Post

FINGERPRINT = "f" * 64
NEWER = "e" * 64


def _evidence(host: str) -> PostEvidence:
    return PostEvidence(
        home="MEX", host=host, programme={"es": "Programa", "en": "Programme"},
        indicator_names={}, weights={}, priorities=(),
        coauthorship=pd.DataFrame(columns=["year", "works", "source", "vintage"]),
        datasets=pd.DataFrame(columns=["canonical_table", "source", "name", "vintage",
                                       "row_count", "dataset_id", "file_sha256"]),
        institutions_vintage="",
    )  # fmt: skip


@pytest.fixture
def store(registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> dict[str, str]:
    """A VINCULO_HOME whose evidence has a fixed fingerprint, each host's evidence kept
    already; collect_evidence fails if called; PDFs are a stub."""
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    current = {"fingerprint": FINGERPRINT}
    monkeypatch.setattr(briefs, "current_fingerprint", lambda path=None: current["fingerprint"])

    def no_collecting(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("collect_evidence called")

    monkeypatch.setattr("vinculo.strategy.brief.collect_evidence", no_collecting)
    monkeypatch.setattr("vinculo.strategy.brief._pdf", lambda html: b"%PDF-1.4 stub")
    for fingerprint in (FINGERPRINT, NEWER):
        for host in ("FRA", "DEU"):
            briefs.keep_evidence(fingerprint, host, _evidence(host))
    return current


def _prepare(registry: Registry, post: Any = None) -> BriefJob:
    job = briefs.queue_brief(post or registry.post_a, start=False)
    assert job is not None
    done = briefs.run_job(job.pk)
    assert done is not None
    assert done.state == BriefJob.State.DONE, done.error
    return done


def _body(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.django_db
def test_one_job_per_key_however_often_it_is_asked_for(registry, store):
    first = briefs.queue_brief(registry.post_a, start=False)
    second = briefs.queue_brief(registry.post_a, start=False)
    assert first is not None
    assert second is not None
    assert first.pk == second.pk
    assert BriefJob.objects.count() == 1
    # a job is run once: a second worker finds it taken
    assert briefs.run_job(first.pk) is not None
    assert briefs.run_job(first.pk) is None
    # another post, or new evidence: another key
    assert briefs.queue_brief(registry.post_b, start=False).pk != first.pk
    store["fingerprint"] = NEWER
    assert briefs.queue_brief(registry.post_a, start=False).pk != first.pk
    assert BriefJob.objects.count() == 3


def test_the_runner_runs_a_job_id_once_in_one_thread_that_ends_when_idle(monkeypatch):
    ran: list[int] = []
    runner = briefs._Runner(idle=0.05)
    monkeypatch.setattr(briefs, "run_job", ran.append)
    release = briefs.threading.Event()
    monkeypatch.setattr(briefs, "close_old_connections", release.wait)  # hold the worker
    runner.submit(7)
    runner.submit(7)
    runner.submit(8)
    thread = runner._thread
    assert thread is not None
    assert runner.pending() == {7, 8}
    release.set()
    thread.join(5)
    assert not thread.is_alive()
    assert ran == [7, 8]
    assert runner.pending() == set()
    runner.submit(9)  # a new thread for new work
    assert runner._thread is not None
    assert runner._thread is not thread
    runner._thread.join(5)
    assert ran == [7, 8, 9]


@pytest.mark.django_db
def test_the_signal_queues_the_posts_preparation(
    registry, store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_data_changed.send(sender=None, post=registry.post_a)
    job = BriefJob.objects.get()
    assert job.post == registry.post_a
    assert job.state == BriefJob.State.QUEUED
    assert job.fingerprint == FINGERPRINT
    assert len(callbacks) == 1  # started once the sender's transaction commits
    callbacks[0]()  # inline in the tests: the job runs here
    job.refresh_from_db()
    assert job.state == BriefJob.State.DONE
    assert job.done == job.total == len(briefs.STEPS)


@pytest.mark.django_db
def test_a_new_snapshot_queues_every_post(registry, store, monkeypatch, tmp_path):
    from vinculo.web.insights import services

    class Opened:
        def __enter__(self) -> Opened:
            return self

        def __exit__(self, *args: Any) -> None:
            return None

    class Model:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def require(self) -> None:
            pass

    monkeypatch.setattr(services, "EvidenceStore", lambda *a, **k: Opened())
    monkeypatch.setattr(services, "store_fingerprint", lambda store: FINGERPRINT)
    monkeypatch.setattr(services, "CapabilityModel", Model)
    monkeypatch.setattr(services, "_payload", lambda model, priorities: {})
    services.insights_refresh(store_path=briefs.store_path())
    queued = BriefJob.objects.filter(state=BriefJob.State.QUEUED)
    assert {job.post_id for job in queued} == {registry.post_a.pk, registry.post_b.pk}
    # the same evidence again: the snapshot exists, nothing more is queued
    services.insights_refresh(store_path=briefs.store_path())
    assert BriefJob.objects.count() == 2


@pytest.mark.django_db
def test_a_prepared_brief_is_served_without_collecting_the_evidence(registry, store):
    _prepare(registry)
    client = login("officer_a", registry)
    html = client.get(f"/posts/{registry.post_a.pk}/brief.html?lang=es")
    assert html.status_code == 200
    assert html["X-Vinculo-Brief"] == "current"
    body = _body(html)
    assert '<html lang="es' in body
    # its <style>, prepared without the request's nonce, applies through its hash
    policy = html["Content-Security-Policy"]
    assert "<style>" in body
    assert csp.style_hashes(body.encode())
    for source in csp.style_hashes(body.encode()):
        assert f"'{source}'" in policy.split("style-src", 1)[1].split(";", 1)[0]
    assert "'unsafe-inline'" not in policy
    pdf = client.get(f"/posts/{registry.post_a.pk}/brief.pdf?lang=en")
    assert pdf.status_code == 200
    assert pdf["Content-Disposition"].startswith('attachment; filename="brief-FRA-en.pdf"')
    assert _body(pdf).startswith("%PDF")


@pytest.mark.django_db
def test_the_evidence_kept_serves_its_own_fingerprint_and_host_only(registry, store, tmp_path):
    assert briefs.cached_evidence(FINGERPRINT, "FRA") is not None
    assert briefs.cached_evidence(FINGERPRINT, "ESP") is None  # never kept
    # a file of another fingerprint under this one's name (the folder holds 16 digits)
    lookalike = FINGERPRINT[:16] + "0" * 48
    path = briefs._evidence_path(lookalike, "FRA")
    assert path == briefs._evidence_path(FINGERPRINT, "FRA")
    assert briefs.cached_evidence(lookalike, "FRA") is None
    path.write_bytes(b"not a pickle")
    assert briefs.cached_evidence(FINGERPRINT, "FRA") is None  # unreadable: collected again
    assert not list(path.parent.glob("*.tmp"))


@pytest.mark.django_db
def test_the_older_brief_is_served_while_a_newer_one_is_prepared(registry, store):
    old = _prepare(registry)
    store["fingerprint"] = NEWER  # new evidence: the current key has no brief yet
    client = login("planner", registry)
    response = client.get(f"/posts/{registry.post_a.pk}/brief.html?lang=en")
    assert response.status_code == 200
    assert response["X-Vinculo-Brief"].startswith("stale; queued")
    assert '<html lang="en' in _body(response)
    newer = BriefJob.objects.get(fingerprint=NEWER)
    assert newer.triggered_by == registry.users["planner"]
    status = client.get(f"/posts/{registry.post_a.pk}/brief/status/").json()
    assert status["state"] == "queued"
    assert status["stale"] is True
    assert status["ready"] is False
    listed = client.get("/briefs/").content.decode()
    assert "being updated: 0 %" in listed
    # once the newer one is done, it is served and the older one is gone
    briefs.run_job(newer.pk)
    response = client.get(f"/posts/{registry.post_a.pk}/brief.html?lang=en")
    assert response["X-Vinculo-Brief"] == "current"
    assert not BriefJob.objects.filter(pk=old.pk).exists()
    assert not briefs.job_folder(old).exists()
    assert "ready" in client.get("/briefs/").content.decode()


@pytest.mark.django_db
def test_nothing_prepared_shows_the_progress_and_starts_the_preparation(
    registry, store, django_capture_on_commit_callbacks
):
    client = login("officer_a", registry)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = client.get(f"/posts/{registry.post_a.pk}/brief.pdf?lang=es")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert page["X-Vinculo-Brief"] == "preparing; queued 0%"
    body = page.content.decode()
    assert 'id="brief-preparation"' in body
    assert f'data-status-url="/posts/{registry.post_a.pk}/brief/status/"' in body
    assert '<meta http-equiv="refresh"' in body  # without JavaScript
    assert "insights/brief-status" in body
    assert "<progress" in body
    job = BriefJob.objects.get()
    assert len(callbacks) == 1
    status = client.get(f"/posts/{registry.post_a.pk}/brief/status/")
    assert status["Content-Type"] == "application/json"
    assert json.loads(status.content) == {
        "state": "queued", "done": 0, "total": len(briefs.STEPS), "percent": 0, "step": "",
        "step_label": "", "ready": False, "stale": False, "error": "",
    }  # fmt: skip
    # the page follows the preparation
    BriefJob.objects.filter(pk=job.pk).update(state="running", done=2, step="es-pdf")
    page = client.get(f"/posts/{registry.post_a.pk}/brief.html?lang=es")
    assert "40 %" in page.content.decode()
    assert "writing the Spanish PDF" in page.content.decode()
    assert client.get("/briefs/").content.decode().count("being prepared: 40 %") == 1
    # in Spanish
    spanish = registry.users["officer_a"]
    spanish.language = "es"
    spanish.save(update_fields=["language"])
    page = login("officer_a", registry).get(f"/posts/{registry.post_a.pk}/brief.html?lang=es")
    assert "generando el PDF en español" in page.content.decode()
    assert "El informe se está preparando" in page.content.decode()


@pytest.mark.django_db
def test_a_failure_is_recorded_with_its_error(registry, store, monkeypatch):
    def broken(fingerprint: str, host: str) -> None:
        raise RuntimeError("the host is not in the evidence")

    monkeypatch.setattr(briefs, "evidence_for", broken)
    job = briefs.queue_brief(registry.post_a, start=False)
    failed = briefs.run_job(job.pk)
    assert failed.state == BriefJob.State.FAILED
    assert failed.error == "the host is not in the evidence"
    assert failed.finished_at is not None
    client = login("officer_a", registry)
    status = client.get(f"/posts/{registry.post_a.pk}/brief/status/").json()
    assert status["state"] == "failed"
    assert status["error"] == "the host is not in the evidence"
    page = client.get(f"/posts/{registry.post_a.pk}/brief.html?lang=en")
    assert page.status_code == 200
    body = page.content.decode()
    assert "could not be prepared" in body
    assert 'http-equiv="refresh"' not in body  # no loop: a reader asks again
    assert BriefJob.objects.get().state == BriefJob.State.FAILED
    assert "preparation failed" in client.get("/briefs/").content.decode()
    # asking again queues it again
    client.get(f"/posts/{registry.post_a.pk}/brief.html?lang=en&retry=1")
    assert BriefJob.objects.get().state == BriefJob.State.QUEUED


@pytest.mark.django_db
def test_a_lost_job_is_queued_again(registry, store):
    job = briefs.queue_brief(registry.post_a, start=False)
    long_ago = job.updated_at - briefs.STALE_AFTER * 2
    BriefJob.objects.filter(pk=job.pk).update(state="running", updated_at=long_ago)
    assert briefs.queue_brief(registry.post_a, start=False).state == BriefJob.State.QUEUED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 302), ("viewer", 200), ("officer_a", 200), ("officer_b", 404),
     ("legal", 200), ("planner", 200), ("admin", 200)],
)  # fmt: skip
def test_the_status_follows_the_briefs_authorization(registry, store, persona, expected):
    client = login(persona, registry)
    url = f"/posts/{registry.post_a.pk}/brief/status/"
    assert client.get(url).status_code == expected
    assert client.post(url).status_code == (302 if persona == "anonymous" else 405)
    assert BriefJob.objects.count() == 0  # the status starts nothing


@pytest.mark.django_db
def test_without_an_evidence_store_there_is_no_brief(registry, monkeypatch, tmp_path):
    monkeypatch.setenv("VINCULO_HOME", str(tmp_path))
    client = login("planner", registry)
    assert client.get(f"/posts/{registry.post_a.pk}/brief.html?lang=es").status_code == 404
    assert client.get(f"/posts/{registry.post_a.pk}/brief/status/").status_code == 404
    assert "prepared when first opened" in client.get("/briefs/").content.decode()


@pytest.mark.django_db
def test_the_command_prepares_what_is_not_ready(registry, store, capsys):
    from django.core.management import call_command

    (briefs.store_path()).write_bytes(b"")  # the command checks that a store exists
    call_command("prepare_briefs", "--post", str(registry.post_a.pk))
    assert "prepared: 1, failed: 0" in capsys.readouterr().out
    call_command("prepare_briefs", "--all")
    out = capsys.readouterr().out
    assert "1 prepared or under way, 1 to prepare" in out
    assert "prepared: 1, failed: 0" in out
    assert set(BriefJob.objects.values_list("state", flat=True)) == {"done"}
    for language in briefs.LANGUAGES:
        for kind in briefs.FORMATS:
            assert briefs.job_file(BriefJob.objects.first(), language, kind).exists()


@pytest.mark.django_db
def test_only_the_posts_in_use_are_prepared_ahead(registry, store):
    """A post nobody works for, with no agreement, opportunity or brief section (the demo's
    embassies from the Wikidata file) is prepared when first opened, not ahead."""
    idle = Post.objects.create(
        name="Embajada de México en Ghana", kind="embassy", host_country=registry.germany,
        city="Accra",
    )  # fmt: skip
    in_use = set(briefs.posts_in_use().values_list("pk", flat=True))
    assert registry.post_a.pk in in_use
    assert registry.post_b.pk in in_use
    assert idle.pk not in in_use
    assert briefs.queue_every_post() == len(in_use)
    assert not BriefJob.objects.filter(post=idle).exists()
    make_user("ghana_officer", "officer", (idle,))  # an officer now works for it: prepared ahead
    assert idle.pk in set(briefs.posts_in_use().values_list("pk", flat=True))
