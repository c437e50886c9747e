"""``manage.py prepare_briefs [--post ID ...|--all] [--force]``: prepare the posts' briefs
now (for cron, or after ``refresh_insights``), with a progress bar."""

from __future__ import annotations

from typing import Any

import click
from django.core.management.base import BaseCommand, CommandError

from vinculo.web.insights import briefs
from vinculo.web.insights.models import BriefJob
from vinculo.web.registry.models import Post


class Command(BaseCommand):
    help = (
        "Prepare the posts' briefs (Spanish and English, HTML and PDF) for the current "
        "evidence and post data; a brief prepared already is left as it is (about 15 s "
        "per post, 8 s when another post in the same country was prepared)."
    )

    def add_arguments(self, parser: Any) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--post", type=int, action="append", metavar="ID", help="a post's id")
        which.add_argument("--all", action="store_true", help="every post")
        parser.add_argument("--force", action="store_true", help="prepare again what is ready")

    def handle(self, *args: Any, **options: Any) -> None:
        if not briefs.store_path().exists():
            raise CommandError(f"{briefs.store_path()}: no evidence store")
        posts = Post.objects.select_related("host_country").order_by("pk")
        if not options["all"]:
            posts = posts.filter(pk__in=options["post"])
            missing = set(options["post"]) - {post.pk for post in posts}
            if missing:
                raise CommandError(f"no post {', '.join(map(str, sorted(missing)))}")
        jobs = briefs.queue_posts(posts, force=options["force"], start=False)
        waiting = [job for job in jobs if job.state == BriefJob.State.QUEUED]
        steps = len(briefs.STEPS)
        self.stdout.write(
            f"{len(jobs)} post(s): {len(jobs) - len(waiting)} prepared or under way, "
            f"{len(waiting)} to prepare"
        )
        finished: list[BriefJob] = []
        with click.progressbar(
            length=len(waiting) * steps, label="briefs", file=self.stderr._out,
            item_show_func=lambda item: item,
        ) as bar:  # fmt: skip
            shown = 0  # steps the bar shows

            def progress(current: BriefJob) -> None:
                nonlocal shown
                at = base + min(current.done, steps)
                bar.update(at - shown, f"{current.post} · {current.step or current.state}")
                shown = at

            for position, job in enumerate(waiting):
                base = position * steps
                result = briefs.run_job(job.pk, progress)
                if result is None:  # the web app's runner took it
                    bar.update(base + steps - shown)
                    shown = base + steps
                    continue
                finished.append(result)
        failed = [job for job in finished if job.state == BriefJob.State.FAILED]
        self.stdout.write(f"prepared: {len(finished) - len(failed)}, failed: {len(failed)}")
        for job in failed:
            self.stderr.write(f"{job.post} (post {job.post_id}): {job.error}")
        if failed:
            raise CommandError(f"{len(failed)} brief(s) not prepared")
