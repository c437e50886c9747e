"""The posts' briefs, prepared ahead of the reader.

A brief (both languages, HTML and PDF) depends on the evidence store (its fingerprint) and
on the post's own data (its context, kind and city: their *version*). Each (post,
fingerprint, version) is one :class:`~vinculo.web.insights.models.BriefJob`; a job is
queued when the evidence changes (a new snapshot), when a post's data change (the
``post_data_changed`` signal) or when a reader asks for a brief nobody prepared, and runs
in one background thread of the web process (no broker: a small deployment), or from
``manage.py prepare_briefs``. The reader gets the prepared file at once; while a newer one
is prepared, the older one; with none, a page with the job's progress.

On disk, under ``<VINCULO_HOME>/briefs/<fingerprint16>/``: ``evidence/<host>.pickle`` (the
language-independent :class:`~vinculo.strategy.brief.PostEvidence`, about 7 s to collect,
checked against the full fingerprint when read) and ``posts/<post>/<version16>/<language>.
<format>``. Every file is written atomically (a temporary file renamed over the target).
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import queue
import shutil
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import Q, QuerySet
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from vinculo.evidence.http import write_atomic
from vinculo.settings import vinculo_home
from vinculo.strategy.brief import PostContext, PostEvidence
from vinculo.web.insights.models import BriefJob
from vinculo.web.insights.signals import post_data_changed
from vinculo.web.registry.models import Post

logger = logging.getLogger(__name__)

LANGUAGES = ("es", "en")
FORMATS = ("html", "pdf")
#: the steps of a preparation, in order (the evidence step is quick when it is cached)
STEPS = ("evidence", *(f"{language}-{kind}" for language in LANGUAGES for kind in FORMATS))
#: a queued or running job not touched for this long was lost (its process ended)
STALE_AFTER = timedelta(minutes=10)

State = BriefJob.State


def step_label(step: str) -> str:
    """A step in words, in the active language."""
    labels = {
        "evidence": _("collecting the evidence"),
        "es-html": _("writing the Spanish brief"),
        "es-pdf": _("writing the Spanish PDF"),
        "en-html": _("writing the English brief"),
        "en-pdf": _("writing the English PDF"),
    }
    return labels.get(step, step)


# ---------------------------------------------------------------- the key


def store_path() -> Path:
    return vinculo_home() / "evidence.duckdb"


_fingerprints: dict[tuple[str, int, int], str] = {}
_fingerprints_lock = threading.Lock()


def current_fingerprint(path: Path | None = None) -> str | None:
    """The evidence store's fingerprint (None without a store), computed once per version
    of the file (its modification time and size): a reader's request does not open the
    store."""
    from vinculo.evidence.store import EvidenceStore
    from vinculo.web.insights.services import store_fingerprint

    path = path or store_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _fingerprints_lock:
        known = _fingerprints.get(key)
    if known is None:
        with EvidenceStore(path, read_only=True) as store:
            known = store_fingerprint(store)
        with _fingerprints_lock:
            _fingerprints.clear()  # one store per process: keep the newest only
            _fingerprints[key] = known
    return known


def _post_context(post: Post, language: str | None = None) -> tuple[PostContext, str, str]:
    """The post's own data for its brief: its context, its kind, its city (a consulate's);
    statuses in ``language`` (the version does not depend on it)."""
    from django.utils import translation

    from vinculo.web.insights.postcontext import build_post_context

    with translation.override(language or "en"):
        return build_post_context(post)


def post_version(post: Post, context: PostContext, post_kind: str, post_city: str) -> str:
    """The post's data version as the key holds it: the context's own version with what
    else the brief shows of the post (its host country, kind and city), hashed."""
    from vinculo.web.people.services import diaspora_stamp
    from vinculo.web.transfer.selectors import transfer_stamp

    stamp = transfer_stamp(post.host_country_id)  # the host's transfer record, edits included
    people = diaspora_stamp(post.host_country_id)  # the diaspora profiles in the host
    text = json.dumps([context.version, post.host_country_id, post_kind, post_city, stamp])
    if people != "0:":  # (no profiles: the version as before, prepared briefs stay valid)
        text += people
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Key:
    fingerprint: str
    version: str


def current_key(post: Post) -> Key | None:
    """The key of the post's brief now (None without an evidence store)."""
    fingerprint = current_fingerprint()
    if fingerprint is None:
        return None
    return Key(fingerprint, post_version(post, *_post_context(post)))


# ---------------------------------------------------------------- files


def _briefs() -> Path:
    return vinculo_home() / "briefs"


def job_folder(job: BriefJob) -> Path:
    return _briefs() / job.fingerprint[:16] / "posts" / str(job.post_id) / job.version[:16]


def job_file(job: BriefJob, language: str, file_format: str) -> Path:
    return job_folder(job) / f"{language}.{file_format}"


def _evidence_path(fingerprint: str, host: str) -> Path:
    return _briefs() / fingerprint[:16] / "evidence" / f"{host}.pickle"


#: what a cached PostEvidence must have been written with (its class's fields)
_SHAPE = tuple(f.name for f in fields(PostEvidence))


def cached_evidence(fingerprint: str, host: str) -> PostEvidence | None:
    """The evidence collected for ``host`` from the store with this ``fingerprint``, if it
    was kept (a file of another fingerprint, host or shape of PostEvidence is not used)."""
    path = _evidence_path(fingerprint, host)
    try:
        with path.open("rb") as handle:
            kept = pickle.load(handle)  # written by this module only (keep_evidence)
    except FileNotFoundError:
        return None
    except Exception:  # unreadable, or written by another version of the classes
        logger.warning("brief evidence %s unreadable: collected again", path, exc_info=True)
        return None
    if not isinstance(kept, dict) or (
        kept.get("fingerprint"),
        kept.get("host"),
        kept.get("shape"),
    ) != (fingerprint, host, _SHAPE):
        return None
    evidence = kept.get("evidence")
    return evidence if isinstance(evidence, PostEvidence) else None


def keep_evidence(fingerprint: str, host: str, evidence: PostEvidence) -> Path:
    path = _evidence_path(fingerprint, host)
    kept = {"fingerprint": fingerprint, "host": host, "shape": _SHAPE, "evidence": evidence}
    write_atomic(path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
    return path


def evidence_for(fingerprint: str, host: str) -> PostEvidence:
    """The host's evidence: kept from an earlier preparation, or collected (and kept) from
    the store, which must still have this fingerprint."""
    from vinculo.evidence.store import EvidenceStore
    from vinculo.strategy.brief import collect_evidence
    from vinculo.strategy.capability import CapabilityModel
    from vinculo.strategy.priorities import default_priorities
    from vinculo.web.insights.services import _cache, store_fingerprint

    kept = cached_evidence(fingerprint, host)
    if kept is not None:
        return kept
    path = store_path()
    with EvidenceStore(path, read_only=True) as store:
        if store_fingerprint(store) != fingerprint:
            raise RuntimeError("the evidence store changed: a newer preparation replaces this")
        model = CapabilityModel(store, default_priorities(), cache_folder=_cache(path))
        evidence = collect_evidence(model, host)
    keep_evidence(fingerprint, host, evidence)
    return evidence


# ---------------------------------------------------------------- jobs


def _is_stale(job: BriefJob) -> bool:
    return job.state in (State.QUEUED, State.RUNNING) and (
        job.updated_at < timezone.now() - STALE_AFTER
    )


def queue_brief(
    post: Post,
    *,
    user: Any = None,
    again: bool = False,
    force: bool = False,
    start: bool = True,
) -> BriefJob | None:
    """The job preparing the post's brief for its current key, queued unless it exists
    (one job per key: two requests at once get the same job); None without an evidence
    store. ``again`` queues a failed job again, ``force`` a done one too. The job starts
    once the caller's transaction commits (``start``; otherwise it waits for :func:`kick`
    or ``manage.py prepare_briefs``)."""
    key = current_key(post)
    if key is None:
        return None
    triggered_by = user if user is not None and user.is_authenticated else None
    try:
        job, _created = BriefJob.objects.get_or_create(
            post=post, fingerprint=key.fingerprint, version=key.version,
            defaults={"triggered_by": triggered_by, "total": len(STEPS)},
        )  # fmt: skip
    except IntegrityError:  # created by another request between the two queries
        job = BriefJob.objects.get(post=post, fingerprint=key.fingerprint, version=key.version)
    retry = (again and job.state == State.FAILED) or (force and job.state == State.DONE)
    if retry or _is_stale(job):
        BriefJob.objects.filter(pk=job.pk, state=job.state, updated_at=job.updated_at).update(
            state=State.QUEUED, done=0, step="", error="", started_at=None, finished_at=None,
            triggered_by=triggered_by or job.triggered_by, updated_at=timezone.now(),
        )  # fmt: skip
        job.refresh_from_db()
    if start and job.state == State.QUEUED:
        transaction.on_commit(partial(submit, job.pk))
    return job


def queue_posts(
    posts: Iterable[Post], *, user: Any = None, force: bool = False, start: bool = True
) -> list[BriefJob]:
    """Queue the brief of each post (those whose key has no job yet, or a lost one)."""
    queued = [queue_brief(post, user=user, force=force, start=start) for post in posts]
    return [job for job in queued if job is not None]


def _touch(job_id: int, **changes: Any) -> None:
    BriefJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **changes)


def run_job(job_id: int, progress: Callable[[BriefJob], None] | None = None) -> BriefJob | None:
    """Run a queued job here and now (the runner's thread, the command, or a test); a job
    another worker took already is left to it (None). Failures are recorded on the job."""
    claimed = BriefJob.objects.filter(pk=job_id, state=State.QUEUED).update(
        state=State.RUNNING, started_at=timezone.now(), updated_at=timezone.now(),
        done=0, total=len(STEPS), step=STEPS[0], error="",
    )  # fmt: skip
    if not claimed:
        return None
    job = BriefJob.objects.select_related("post").get(pk=job_id)
    try:
        _prepare(job, progress)
    except Exception as error:
        logger.exception("brief of post %s not prepared", job.post_id)
        text = str(error) or type(error).__name__
        _touch(job_id, state=State.FAILED, error=text[:2000], finished_at=timezone.now())
    else:
        _touch(job_id, state=State.DONE, done=len(STEPS), step="", finished_at=timezone.now())
        _prune(job)
    job.refresh_from_db()
    if progress is not None:
        progress(job)
    return job


def _prepare(job: BriefJob, progress: Callable[[BriefJob], None] | None) -> None:
    from vinculo.strategy.brief import localize, write_brief

    def step(done: int) -> None:
        job.done, job.step = done, STEPS[done] if done < len(STEPS) else ""
        _touch(job.pk, done=job.done, step=job.step)
        if progress is not None:
            progress(job)

    from vinculo.web.people.services import diaspora_figures
    from vinculo.web.transfer.selectors import transfer_record

    post = job.post
    evidence = evidence_for(job.fingerprint, post.host_country_id)
    transfer = transfer_record(post.host_country_id)
    diaspora = diaspora_figures(post.host_country_id)
    index = 1
    for language in LANGUAGES:
        context, post_kind, post_city = _post_context(post, language)
        brief = None
        for kind in FORMATS:
            step(index)
            if brief is None:
                brief = localize(
                    evidence, language, context=context, post_kind=post_kind,
                    post_city=post_city, transfer=transfer, diaspora=diaspora,
                )  # fmt: skip
            write_brief(brief, job_file(job, language, kind))
            index += 1


def _prune(job: BriefJob) -> None:
    """Once a job is done, the post's earlier finished jobs and their files go."""
    older = BriefJob.objects.filter(
        post_id=job.post_id, state__in=(State.DONE, State.FAILED), created_at__lte=job.created_at
    ).exclude(pk=job.pk)
    for old in older:
        if job_folder(old) != job_folder(job):
            shutil.rmtree(job_folder(old), ignore_errors=True)
    older.delete()


def prepared(post: Post, key: Key | None) -> tuple[BriefJob | None, BriefJob | None]:
    """The job of the post's current key (None when there is none) and the newest
    prepared job of the post (done, its files present), which may be the same."""
    jobs = list(BriefJob.objects.filter(post=post).order_by("-created_at", "-id")[:20])
    current = None
    if key is not None:
        current = next(
            (j for j in jobs if (j.fingerprint, j.version) == (key.fingerprint, key.version)),
            None,
        )
    ready = next(
        (j for j in jobs if j.state == State.DONE and job_folder(j).is_dir()),
        None,
    )
    return current, ready


# ---------------------------------------------------------------- the runner


class _Runner:
    """One worker thread in this process, started when there is work and ended when there
    is none; a job id is queued once however often it is submitted."""

    def __init__(self, idle: float = 30.0) -> None:
        self._idle = idle  # seconds without work before the thread ends
        self._lock = threading.Lock()
        self._queue: queue.Queue[int] = queue.Queue()
        self._pending: set[int] = set()
        self._thread: threading.Thread | None = None

    def submit(self, job_id: int) -> None:
        with self._lock:
            if job_id in self._pending:
                return
            self._pending.add(job_id)
            self._queue.put(job_id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="vinculo-briefs", daemon=True
                )
                self._thread.start()

    def pending(self) -> set[int]:
        with self._lock:
            return set(self._pending)

    def _work(self) -> None:
        while True:
            try:
                job_id = self._queue.get(timeout=self._idle)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            try:
                close_old_connections()
                run_job(job_id)
            except Exception:  # the job records its own failure; this is the database's
                logger.exception("brief job %s", job_id)
            finally:
                with self._lock:
                    self._pending.discard(job_id)
                close_old_connections()


_runner = _Runner()


_serving = False  # set in a web server's process (wsgi.py): only there do threads run jobs


def serve_jobs() -> None:
    """This process serves the web app: queued jobs run in its runner thread. Elsewhere (a
    management command, ``vinculo demo --no-serve``) jobs are only recorded, for the
    server's :func:`kick` or ``manage.py prepare_briefs``: a command's end would cut a
    thread short (and abort the interpreter inside the evidence store's C++ code)."""
    global _serving
    _serving = True
    # the briefs of the posts in use (posts_in_use) for the current evidence and post data,
    # rather than on a first click: once the server has started (a worker's first
    # seconds), queue what is missing and run it; workers claim jobs in the database,
    # so two doing this at once prepare each brief once
    timer = threading.Timer(_WARM_DELAY, _prepare_missing)
    timer.daemon = True
    timer.start()


_WARM_DELAY = 3.0  # seconds after the server process starts


def posts_in_use() -> QuerySet[Post]:
    """The posts whose briefs are prepared ahead (at a server's start, after new evidence):
    those with an officer, an agreement, an opportunity or a section of their brief
    written. The others (the demo seeds every embassy: some 80 posts at ~15 s of
    preparation each) are prepared when their brief is first opened, with the waiting
    page's progress."""
    return (
        Post.objects.select_related("host_country")
        .filter(
            Q(officers__isnull=False)
            | Q(agreements__isnull=False)
            | Q(opportunities__isnull=False)
            | Q(section_versions__isnull=False)
        )
        .distinct()
        .order_by("pk")
    )


def _prepare_missing() -> None:
    try:
        close_old_connections()
        queue_posts(posts_in_use(), start=False)
        for job in BriefJob.objects.filter(state=State.QUEUED).values_list("pk", flat=True):
            _runner.submit(job)
    except Exception:  # a server without a database yet, a store being replaced...
        logger.exception("briefs: preparing the missing ones at start")
    finally:
        close_old_connections()


def submit(job_id: int) -> None:
    """Run the job: in the runner's thread in a web server's process, here and now when
    ``settings.VINCULO_BRIEF_JOBS_INLINE`` (the tests: no thread outlives a test), and
    not at all elsewhere (it stays queued)."""
    if getattr(settings, "VINCULO_BRIEF_JOBS_INLINE", False):
        run_job(job_id)
    elif _serving:
        _runner.submit(job_id)


def kick() -> int:
    """Hand the runner the jobs queued elsewhere (``refresh_insights``, another process
    that ended) and those that were lost; how many."""
    jobs = list(BriefJob.objects.filter(state__in=(State.QUEUED, State.RUNNING)))
    pending = _runner.pending()
    count = 0
    for job in jobs:
        if job.pk in pending:
            continue
        if job.state == State.RUNNING:
            if not _is_stale(job):
                continue  # another process runs it
            BriefJob.objects.filter(pk=job.pk, state=State.RUNNING).update(
                state=State.QUEUED, updated_at=timezone.now()
            )
        transaction.on_commit(partial(submit, job.pk))
        count += 1
    return count


@receiver(post_data_changed, dispatch_uid="vinculo.insights.briefs")
def _post_data_changed(sender: Any, post: Post, **kwargs: Any) -> None:
    """A post's data changed: its brief is prepared again (a failed one too)."""
    queue_brief(post, user=kwargs.get("user"), again=True)


def queue_every_post(*, start: bool = False) -> int:
    """After new evidence: the brief of every post in use (:func:`posts_in_use`; the others
    when they are opened) is to be prepared again; how many jobs are queued. They wait for
    the web app's runner (:func:`kick`, when the briefs are looked at) or
    ``manage.py prepare_briefs``: a command does not start a thread that its process's end
    would cut short (nor one a server's master process would fork)."""
    jobs = queue_posts(posts_in_use(), start=start)
    return sum(1 for job in jobs if job.state == State.QUEUED)
