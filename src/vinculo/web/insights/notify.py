"""Sending ``post_data_changed`` (:mod:`vinculo.web.insights.signals`) once a change to a
post's brief data is committed: the sections and the curated host institutions say so from
their services; agreements and opportunities, written by many services of other apps, from
their models' save and delete (connected in ``InsightsConfig.ready``).

An agreement is in a post's brief when it is the post's or shared with every post and has
the post's host country as partner (:mod:`vinculo.web.insights.postcontext`); so a change
to one concerns its post, before and after the change, and, when shared, every post in its
partner country. An opportunity concerns its post. Writes that cannot change what the
brief shows (``save(update_fields=...)`` of other fields) send nothing. Nothing is sent for
a transaction that is rolled back: the sending is ``transaction.on_commit``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from vinculo.web.insights.signals import post_data_changed

__all__ = ["connect", "posts_changed", "posts_in_country"]

#: the fields of an agreement or an opportunity that the brief shows or selects on
_AGREEMENT_FIELDS = frozenset(
    {"title", "status", "post", "partner_country", "shared", "signed_on", "effective_on",
     "expires_on", "renewal_notice_days"}
)  # fmt: skip
_OPPORTUNITY_FIELDS = frozenset({"title", "status", "post", "deadline"})


def posts_changed(sender: Any, post_ids: Iterable[int]) -> None:
    """After the current transaction commits (now, outside one), send ``post_data_changed``
    once for each of the posts ``post_ids``."""
    ids = sorted({pk for pk in post_ids if pk is not None})
    if not ids:
        return

    def send() -> None:
        from vinculo.web.registry.models import Post

        for post in Post.objects.filter(pk__in=ids).order_by("pk"):
            post_data_changed.send(sender=sender, post=post)

    transaction.on_commit(send)


def posts_in_country(code: str | None) -> list[int]:
    """The ids of the posts in the host country ``code``."""
    from vinculo.web.registry.models import Post

    if not code:
        return []
    return list(Post.objects.filter(host_country_id=code).values_list("pk", flat=True))


def _relevant(update_fields: Any, fields: frozenset[str]) -> bool:
    return update_fields is None or bool(fields & set(update_fields))


def _agreement_posts(post_id: int | None, country: str | None, shared: bool) -> set[int]:
    posts = {post_id} if post_id else set()
    if shared:
        posts.update(posts_in_country(country))
    return posts


def _agreement_before(sender: Any, instance: Any, update_fields: Any = None, **_: Any) -> None:
    """Keep the posts the agreement concerned before this save (read from the database)."""
    instance._posts_before = set()
    if instance.pk is None or not _relevant(update_fields, _AGREEMENT_FIELDS):
        return
    row = (
        sender.objects.filter(pk=instance.pk)
        .values("post_id", "partner_country_id", "shared")
        .first()
    )
    if row is not None:
        instance._posts_before = _agreement_posts(
            row["post_id"], row["partner_country_id"], row["shared"]
        )


def _agreement_saved(sender: Any, instance: Any, update_fields: Any = None, **_: Any) -> None:
    if not _relevant(update_fields, _AGREEMENT_FIELDS):
        return
    now = _agreement_posts(instance.post_id, instance.partner_country_id, instance.shared)
    posts_changed(sender, now | getattr(instance, "_posts_before", set()))


def _agreement_deleted(sender: Any, instance: Any, **_: Any) -> None:
    posts_changed(
        sender, _agreement_posts(instance.post_id, instance.partner_country_id, instance.shared)
    )


def _opportunity_before(sender: Any, instance: Any, update_fields: Any = None, **_: Any) -> None:
    instance._post_before = None
    if instance.pk is not None and _relevant(update_fields, frozenset({"post"})):
        instance._post_before = (
            sender.objects.filter(pk=instance.pk).values_list("post_id", flat=True).first()
        )


def _opportunity_saved(sender: Any, instance: Any, update_fields: Any = None, **_: Any) -> None:
    if _relevant(update_fields, _OPPORTUNITY_FIELDS):
        posts_changed(sender, {instance.post_id, getattr(instance, "_post_before", None)})


def _opportunity_deleted(sender: Any, instance: Any, **_: Any) -> None:
    posts_changed(sender, {instance.post_id})


def connect() -> None:
    """Connect the agreement and opportunity hooks (``InsightsConfig.ready``)."""
    from vinculo.web.pipeline.models import Opportunity
    from vinculo.web.registry.models import Agreement

    uid = "vinculo.insights.notify"
    pre_save.connect(_agreement_before, sender=Agreement, dispatch_uid=f"{uid}.a0")
    post_save.connect(_agreement_saved, sender=Agreement, dispatch_uid=f"{uid}.a1")
    post_delete.connect(_agreement_deleted, sender=Agreement, dispatch_uid=f"{uid}.a2")
    pre_save.connect(_opportunity_before, sender=Opportunity, dispatch_uid=f"{uid}.o0")
    post_save.connect(_opportunity_saved, sender=Opportunity, dispatch_uid=f"{uid}.o1")
    post_delete.connect(_opportunity_deleted, sender=Opportunity, dispatch_uid=f"{uid}.o2")
