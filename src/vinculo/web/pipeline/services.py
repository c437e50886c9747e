"""Writes of the pipeline: submit (once per idempotency key), edit, confirm priorities, score,
move along the workflow, comment, merge duplicates, expire. Each is one transaction with
its audit record; a write based on a stale version of the record is refused
(:class:`ConflictError`) instead of overwriting what someone else saved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.web.accounts.models import Role
from vinculo.web.accounts.permissions import require_role
from vinculo.web.audit.services import audit_record, diff
from vinculo.web.pipeline import classify
from vinculo.web.pipeline.matching import most_similar, signature, words
from vinculo.web.pipeline.models import (
    Attachment,
    Comment,
    DuplicateFlag,
    LabelledText,
    Opportunity,
    Submission,
)
from vinculo.web.pipeline.scoring import CRITERIA, RubricDecision, rubric_decision, strategic_fit
from vinculo.web.pipeline.selectors import (
    COMMENT_ROLES,
    SUBMIT_ROLES,
    TRANSITION_ACTOR_ROLES,
    TRANSITIONS,
    can_edit,
    can_transition,
)
from vinculo.web.registry.models import Agreement, Country, Institution, Post
from vinculo.web.registry.selectors import (
    CENTRAL_ROLES,
    agreements_visible_to,
    priority_ids,
    user_post_ids,
)

__all__ = [
    "EDITABLE_FIELDS",
    "OPEN_STATUSES",
    "ConflictError",
    "IdempotencyKeyReusedError",
    "Reminder",
    "attachment_add",
    "comment_add",
    "duplicates_for",
    "expire_stale",
    "opportunity_assign",
    "opportunity_merge",
    "opportunity_score",
    "opportunity_submit",
    "opportunity_submit_once",
    "opportunity_transition",
    "opportunity_update",
    "priorities_confirm",
    "reminders_due",
    "request_fingerprint",
    "send_reminders",
    "title_duplicates",
]

Status = Opportunity.Status
#: Statuses in which an opportunity is still being worked on (it can expire, it is
#: compared against new ones for duplicates).
OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.SCREENING,
    Status.ASSESSMENT,
    Status.NEGOTIATION,
    Status.ON_HOLD,
)
#: How many recent records of the same host country a new one is compared with.
_DUPLICATE_CANDIDATES = 5000

EDITABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "kind",
        "host_country",
        "institutions",
        "amount_offered",
        "amount_requested",
        "currency",
        "deadline",
        "contact_name",
        "contact_email",
        "contact_phone",
    }
)


class ConflictError(Exception):
    """The record changed since the version the user saw: nothing was written."""

    def __init__(self, opportunity: Opportunity, expected: int) -> None:
        self.opportunity = opportunity
        self.expected = expected
        super().__init__(
            f"opportunity {opportunity.pk} is at version {opportunity.version}, "
            f"the change was made on version {expected}"
        )


class IdempotencyKeyReusedError(Exception):
    """An idempotency key reused with a different request."""


def request_fingerprint(body: Any) -> str:
    """SHA-256 of a request body (canonical JSON for parsed bodies)."""
    if not isinstance(body, bytes):
        body = json.dumps(body, sort_keys=True, default=str).encode()
    return hashlib.sha256(body).hexdigest()


def _locked(opportunity: Opportunity, version: int) -> Opportunity:
    """The row, locked until the transaction ends, if still at ``version``."""
    current = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if current.version != version:
        raise ConflictError(current, version)
    return current


def _save(opportunity: Opportunity, fields: Sequence[str]) -> None:
    opportunity.version += 1
    opportunity.save(update_fields=[*fields, "version", "updated_at"])


def _check(actor: Any, opportunity: Opportunity) -> None:
    errors: dict[str, list[Any]] = {}
    try:
        opportunity.full_clean(validate_unique=False, exclude=["created_by"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if actor.role == Role.OFFICER and opportunity.post_id not in user_post_ids(actor):
        errors.setdefault("post", []).append(_("Choose one of your posts."))
    for name in ("amount_offered", "amount_requested"):
        value = getattr(opportunity, name)
        if value is not None and value < 0:
            errors.setdefault(name, []).append(_("An amount cannot be negative."))
    has_amount = opportunity.amount_offered is not None or opportunity.amount_requested is not None
    if has_amount and not opportunity.currency:
        errors.setdefault("currency", []).append(_("Give the currency of the amounts."))
    if opportunity.currency and not (
        len(opportunity.currency) == 3 and opportunity.currency.isalpha()
    ):
        errors.setdefault("currency", []).append(_("A currency is a three-letter ISO code."))
    unknown = sorted(set(opportunity.priorities) - set(priority_ids()))
    if unknown:
        errors.setdefault("priorities", []).append(
            _("Unknown priorities: %(keys)s.") % {"keys": ", ".join(unknown)}
        )
    if errors:
        raise ValidationError(errors)


def _text(opportunity: Opportunity) -> str:
    return f"{opportunity.title}\n{opportunity.description}"


def _classify(opportunity: Opportunity) -> None:
    opportunity.suggested_priorities = classify.suggest(_text(opportunity))


def _refit(opportunity: Opportunity) -> None:
    from vinculo.web.insights.selectors import snapshot_for

    snapshot = snapshot_for()
    fit = strategic_fit(
        snapshot.payload if snapshot else None,
        opportunity.priorities_in_force,
        opportunity.host_country_id,
    )
    opportunity.fit = fit.score
    opportunity.fit_reasons = {**fit.reasons, "vintage": fit.vintage} if fit.reasons else {}


def duplicates_for(
    *, title: str, description: str, host_country: str, exclude: int | None = None
) -> list[tuple[int, float]]:
    """(id, similarity) of the recent records of the same host country (any post) that
    look like the same offer, most similar first. Not scoped: callers decide what the user
    may see of them."""
    candidates = (
        Opportunity.objects.filter(host_country_id=host_country)
        .exclude(status=Status.MERGED)
        .order_by("-id")
        .values_list("pk", "signature")[:_DUPLICATE_CANDIDATES]
    )
    target = signature(title, description)
    return list(
        most_similar(
            target, ((pk, frozenset(words.split())) for pk, words in candidates if pk != exclude)
        )
    )


#: Similarity of titles alone from which the form warns of a possible duplicate (titles
#: are short: a higher bar than whole records).
TITLE_THRESHOLD = 0.75


def title_duplicates(*, title: str, host_country: str | None = None) -> list[tuple[int, float]]:
    """(id, similarity) of the recent records (any post; of ``host_country`` if given)
    whose title is (nearly) the same as ``title``: the form's warning before a
    description is typed. The title's words are read from the stored signatures. Not
    scoped: callers decide what the user may see of them."""
    target = words(title)
    if len(target) < 2:
        return []
    candidates = Opportunity.objects.exclude(status=Status.MERGED)
    if host_country:
        candidates = candidates.filter(host_country_id=host_country)
    rows = candidates.order_by("-id").values_list("pk", "signature")[:_DUPLICATE_CANDIDATES]
    return list(
        most_similar(
            target,
            (
                (pk, frozenset(w[2:] for w in signed.split() if w.startswith("t:")))
                for pk, signed in rows
            ),
            threshold=TITLE_THRESHOLD,
        )
    )


def _flag_duplicates(opportunity: Opportunity) -> list[DuplicateFlag]:
    found = duplicates_for(
        title=opportunity.title,
        description=opportunity.description,
        host_country=opportunity.host_country_id,
        exclude=opportunity.pk,
    )
    return [
        DuplicateFlag.objects.update_or_create(
            opportunity=opportunity, other_id=other, defaults={"similarity": round(score, 4)}
        )[0]
        for other, score in found
    ]


def _label(actor: Any, opportunity: Opportunity) -> None:
    LabelledText.objects.create(
        text=_text(opportunity),
        priorities=list(opportunity.priorities),
        suggested=[s["id"] for s in opportunity.suggested_priorities],
        opportunity=opportunity,
        labelled_by=actor,
    )


@transaction.atomic
def opportunity_submit(
    *,
    actor: Any,
    title: str,
    description: str,
    kind: str,
    post: Post,
    host_country: Country | None = None,
    institutions: Sequence[Institution] = (),
    amount_offered: Decimal | None = None,
    amount_requested: Decimal | None = None,
    currency: str = "",
    deadline: date | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    priorities: Sequence[str] | None = None,
    language: str = "",
) -> Opportunity:
    """Log an opportunity: classified, compared with the others for duplicates (flagged,
    never refused), fitted to the strategy, audited. ``priorities``, when given, are the
    submitter's confirmed choice (kept as labelled data); otherwise the classifier's
    suggestions stand until someone confirms them.

    Raises PermissionDenied for viewers and legal officers, ValidationError naming the
    fields otherwise (an officer logs for their own posts only).
    """
    require_role(actor, SUBMIT_ROLES)
    opportunity = Opportunity(
        title=title.strip(),
        description=description.strip(),
        kind=kind,
        post=post,
        host_country=host_country or post.host_country,
        amount_offered=amount_offered,
        amount_requested=amount_requested,
        currency=currency.upper(),
        deadline=deadline,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        priorities=list(priorities or []),
        priorities_confirmed=priorities is not None,
        language=language,
        owner=None,
        created_by=actor,
    )
    _check(actor, opportunity)
    _classify(opportunity)
    _refit(opportunity)
    opportunity.save()
    opportunity.institutions.set(institutions)
    if priorities is not None:
        _label(actor, opportunity)
    flags = _flag_duplicates(opportunity)
    values = {
        name: getattr(opportunity, name)
        for name in (
            "title",
            "description",
            "kind",
            "post",
            "host_country",
            "amount_offered",
            "amount_requested",
            "currency",
            "deadline",
            "contact_name",
            "contact_email",
            "contact_phone",
            "priorities",
            "status",
        )
    }
    values["institutions"] = sorted(i.pk for i in institutions)
    values["suggested_priorities"] = [s["id"] for s in opportunity.suggested_priorities]
    values["duplicates"] = [flag.other_id for flag in flags]
    audit_record(
        actor=actor,
        action="opportunity.submit",
        obj=opportunity,
        changes={name: (None, value) for name, value in values.items()},
    )
    return opportunity


def opportunity_submit_once(
    *, actor: Any, key: str, fingerprint: str, **fields: Any
) -> tuple[Opportunity, bool]:
    """:func:`opportunity_submit` at most once per (user, idempotency key): a retry returns
    the first submission's opportunity and ``False``; the same key with another request is
    refused (:class:`IdempotencyKeyReusedError`). Safe against concurrent retries (the key is
    unique in the database)."""
    for _attempt in range(2):
        existing = (
            Submission.objects.filter(user=actor, key=key).select_related("opportunity").first()
        )
        if existing is not None:
            if existing.fingerprint != fingerprint:
                raise IdempotencyKeyReusedError(key)
            return existing.opportunity, False
        try:
            with transaction.atomic():
                opportunity = opportunity_submit(actor=actor, **fields)
                Submission.objects.create(
                    user=actor, key=key, fingerprint=fingerprint, opportunity=opportunity
                )
                return opportunity, True
        except IntegrityError:
            continue  # a concurrent retry stored the key first: return its opportunity
    raise IdempotencyKeyReusedError(key)  # pragma: no cover - the key row exists by now


@transaction.atomic
def opportunity_update(
    *, actor: Any, opportunity: Opportunity, version: int, **changes: Any
) -> Opportunity:
    """Change fields of an opportunity (:data:`EDITABLE_FIELDS`) made on ``version``."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"opportunity_update: unknown field(s) {sorted(unknown)}")
    if not can_edit(actor, opportunity):
        raise PermissionDenied
    current = _locked(opportunity, version)
    values = dict(changes)
    institutions = values.pop("institutions", None)
    if "currency" in values:
        values["currency"] = (values["currency"] or "").upper()
    changed: dict[str, tuple[Any, Any]] = dict(diff(current, values))
    for name, value in values.items():
        setattr(current, name, value)
    _check(actor, current)
    if institutions is not None:
        before, after = (
            sorted(current.institutions.values_list("pk", flat=True)),
            sorted(i.pk for i in institutions),
        )
        if before != after:
            current.institutions.set(institutions)
            changed["institutions"] = (before, after)
    if not changed:
        return current
    fields = [name for name in changed if name != "institutions"]
    if {"title", "description"} & set(changed):
        _classify(current)
        fields += ["suggested_priorities"]
    if {"title", "description", "host_country"} & set(changed):
        _refit(current)
        fields += ["fit", "fit_reasons"]
        _flag_duplicates(current)
    _save(current, fields)
    audit_record(actor=actor, action="opportunity.update", obj=current, changes=changed)
    return current


@transaction.atomic
def priorities_confirm(
    *, actor: Any, opportunity: Opportunity, version: int, priorities: Sequence[str]
) -> Opportunity:
    """Confirm or correct the priorities (the post's officers and central roles); the
    choice is kept as labelled text for the classifier."""
    if not (
        actor.role in CENTRAL_ROLES
        or (actor.role == Role.OFFICER and opportunity.post_id in user_post_ids(actor))
    ):
        raise PermissionDenied
    current = _locked(opportunity, version)
    before = (list(current.priorities), current.priorities_confirmed)
    current.priorities = list(dict.fromkeys(priorities))  # once each, in the given order
    current.priorities_confirmed = True
    _check(actor, current)
    _refit(current)
    _save(current, ["priorities", "priorities_confirmed", "fit", "fit_reasons"])
    _label(actor, current)
    audit_record(
        actor=actor,
        action="opportunity.priorities",
        obj=current,
        changes={"priorities": (before[0] if before[1] else None, current.priorities)},
    )
    return current


@transaction.atomic
def opportunity_score(
    *,
    actor: Any,
    opportunity: Opportunity,
    version: int,
    scores: dict[str, int],
    comment: str = "",
) -> RubricDecision:
    """Score the four review criteria (central roles); returns the rubric's outcome."""
    require_role(actor, CENTRAL_ROLES)
    unknown = set(scores) - set(CRITERIA)
    if unknown or set(scores) != set(CRITERIA):
        raise ValidationError(
            {"scores": [_("Score the four criteria: %(names)s.") % {"names": ", ".join(CRITERIA)}]}
        )
    try:
        decision = rubric_decision(scores)
    except ValueError:
        raise ValidationError({"scores": [_("A score is between 0 and 5.")]}) from None
    current = _locked(opportunity, version)
    values: dict[str, Any] = {f"score_{name}": int(scores[name]) for name in CRITERIA}
    values["review_comment"] = comment
    changed = diff(current, values)
    for name, value in values.items():
        setattr(current, name, value)
    _save(current, list(values))
    audit_record(
        actor=actor,
        action="opportunity.score",
        obj=current,
        changes={**changed, "outcome": (None, decision.outcome)},
    )
    return decision


@transaction.atomic
def opportunity_transition(
    *,
    actor: Any,
    opportunity: Opportunity,
    version: int,
    status: str,
    agreement: Agreement | None = None,
    note: str = "",
) -> Opportunity:
    """Move an opportunity along the workflow (:data:`~.selectors.TRANSITIONS`), as the
    role allows (:func:`~.selectors.can_transition`). Reaching *assessment* needs confirmed
    priorities (at least one; suggestions are not enough); reaching *agreed* needs the
    agreement it led to, one the actor can see. A stale ``version`` raises
    :class:`ConflictError`."""
    require_role(actor, TRANSITION_ACTOR_ROLES)
    current = _locked(opportunity, version)
    if status not in Status.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    if status not in TRANSITIONS[current.status]:
        raise ValidationError(
            {
                "status": [
                    _("An opportunity cannot go from “%(before)s” to “%(after)s”.")
                    % {"before": Status(current.status).label, "after": Status(status).label}
                ]
            }
        )
    if not can_transition(actor, current, status):
        raise PermissionDenied
    if status == Status.ASSESSMENT and not (current.priorities_confirmed and current.priorities):
        raise ValidationError(
            {
                "status": [
                    _(
                        "Confirm the opportunity's priorities before its assessment: it has "
                        "only the classifier's suggestions."
                    )
                    if not current.priorities_confirmed
                    else _("Confirm at least one priority before the assessment.")
                ]
            }
        )
    changes: dict[str, tuple[Any, Any]] = {"status": (current.status, status)}
    fields = ["status"]
    if status == Status.AGREED:
        if agreement is None:
            raise ValidationError({"agreement": [_("Link the agreement it led to.")]})
        if not agreements_visible_to(actor).filter(pk=agreement.pk).exists():
            raise ValidationError({"agreement": [_("No such agreement.")]})
    if agreement is not None and agreement.pk != current.agreement_id:
        changes["agreement"] = (current.agreement_id, agreement.pk)
        current.agreement = agreement
        fields.append("agreement")
    if current.owner_id is None and actor.role in CENTRAL_ROLES:
        changes["owner"] = (None, actor.pk)
        current.owner = actor
        fields.append("owner")
    current.status = status
    _save(current, fields)
    audit_record(actor=actor, action="opportunity.status", obj=current, changes=changes)
    if note.strip():
        Comment.objects.create(opportunity=current, author=actor, text=note.strip())
    return current


@transaction.atomic
def opportunity_assign(
    *, actor: Any, opportunity: Opportunity, version: int, owner: Any
) -> Opportunity:
    """Give the opportunity an owner among the central roles (central roles only)."""
    require_role(actor, CENTRAL_ROLES)
    if owner is not None and (not owner.is_active or owner.role not in CENTRAL_ROLES):
        raise ValidationError({"owner": [_("The owner is a planner or an administrator.")]})
    current = _locked(opportunity, version)
    if current.owner_id != getattr(owner, "pk", None):
        before = current.owner_id
        current.owner = owner
        _save(current, ["owner"])
        audit_record(
            actor=actor,
            action="opportunity.assign",
            obj=current,
            changes={"owner": (before, getattr(owner, "pk", None))},
        )
    return current


@transaction.atomic
def comment_add(*, actor: Any, opportunity: Opportunity, text: str) -> Comment:
    """A comment on an opportunity the actor can read (not viewers)."""
    require_role(actor, COMMENT_ROLES)
    if not text.strip():
        raise ValidationError({"text": [_("Write a comment.")]})
    comment = Comment.objects.create(opportunity=opportunity, author=actor, text=text.strip())
    Opportunity.objects.filter(pk=opportunity.pk).update(updated_at=timezone.now())
    audit_record(
        actor=actor,
        action="opportunity.comment",
        obj=opportunity,
        changes={"comment": (None, comment.pk)},
    )
    return comment


@transaction.atomic
def opportunity_merge(
    *, actor: Any, keep: Opportunity, duplicate: Opportunity, version: int
) -> Opportunity:
    """Merge ``duplicate`` into ``keep`` (central roles): the duplicate becomes *merged*
    and points at ``keep``, whose history then shows both; partner institutions are
    joined; comments and history stay with their record. ``version`` is ``keep``'s."""
    require_role(actor, CENTRAL_ROLES)
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": [_("An opportunity cannot be merged into itself.")]})
    current = _locked(keep, version)
    other = Opportunity.objects.select_for_update().get(pk=duplicate.pk)
    if other.status == Status.MERGED:
        raise ValidationError({"duplicate": [_("It has already been merged.")]})
    if current.status == Status.MERGED:
        raise ValidationError({"duplicate": [_("It has already been merged.")]})
    added = set(other.institutions.values_list("pk", flat=True)) - set(
        current.institutions.values_list("pk", flat=True)
    )
    current.institutions.add(*added)
    before = other.status
    other.status = Status.MERGED
    other.merged_into = current
    _save(other, ["status", "merged_into"])
    _save(current, [])
    DuplicateFlag.objects.filter(
        opportunity__in=[current, other], other__in=[current, other]
    ).update(resolved=True)
    audit_record(
        actor=actor,
        action="opportunity.merge",
        obj=current,
        changes={"merged": (None, other.pk), "institutions": (None, sorted(added))},
    )
    audit_record(
        actor=actor,
        action="opportunity.merged",
        obj=other,
        changes={"status": (before, Status.MERGED), "merged_into": (None, current.pk)},
    )
    return current


def expire_stale(*, now: datetime | None = None, days: int) -> list[int]:
    """Mark *expired* the open opportunities without any update for ``days`` days; returns
    their ids. Each is its own transaction with an audit record (no actor: the system)."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    expired: list[int] = []
    for pk in Opportunity.objects.filter(
        status__in=OPEN_STATUSES, updated_at__lt=cutoff
    ).values_list("pk", flat=True):
        with transaction.atomic():
            current = Opportunity.objects.select_for_update().get(pk=pk)
            if current.status not in OPEN_STATUSES or current.updated_at >= cutoff:
                continue  # updated meanwhile
            before = current.status
            current.status = Status.EXPIRED
            _save(current, ["status"])
            audit_record(
                actor=None,
                action="opportunity.expire",
                obj=current,
                changes={"status": (before, Status.EXPIRED), "idle_days": (None, days)},
            )
            expired.append(pk)
    return expired


@transaction.atomic
def attachment_add(*, actor: Any, opportunity: Opportunity, upload: Any) -> Attachment:
    """Attach a file (PDF, DOCX, ODT, PNG or JPEG by content, at most 10 MB) to an
    opportunity the actor may edit. Attachments are confidential like the contacts."""
    from vinculo.web.registry.services.documents import save_upload

    if not can_edit(actor, opportunity):
        raise PermissionDenied
    return save_upload(
        Attachment,
        upload=upload,
        actor=actor,
        audit=lambda attachment: audit_record(
            actor=actor,
            action="opportunity.attach",
            obj=opportunity,
            changes={
                "attachment": (None, attachment.original_name),
                "size": (None, attachment.size),
            },
        ),
        opportunity=opportunity,
    )


@dataclass(frozen=True)
class Reminder:
    opportunity: Opportunity
    recipients: tuple[tuple[str, str], ...]  # (e-mail, language)
    reason: str  # "deadline" or "idle"


def reminders_due(
    *, now: datetime | None = None, deadline_days: int, idle_days: int
) -> list[Reminder]:
    """Open opportunities whose deadline is within ``deadline_days`` or that have had no
    update for ``idle_days``; each to its owner, else to the officers of its post."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Opportunity.objects.filter(status__in=OPEN_STATUSES).select_related("owner", "post")
    reminders: list[Reminder] = []
    for opportunity in due.filter(
        deadline__gte=today, deadline__lte=today + timedelta(days=deadline_days)
    ):
        reminders.append(Reminder(opportunity, _recipients(opportunity), "deadline"))
    seen = {r.opportunity.pk for r in reminders}
    for opportunity in due.filter(updated_at__lt=now - timedelta(days=idle_days)):
        if opportunity.pk not in seen:
            reminders.append(Reminder(opportunity, _recipients(opportunity), "idle"))
    return [r for r in reminders if r.recipients]


def _recipients(opportunity: Opportunity) -> tuple[tuple[str, str], ...]:
    """(e-mail, language) of the owner, else of the post's officers."""
    owner = opportunity.owner
    if owner is not None and owner.is_active and owner.email:
        return ((owner.email, owner.language),)
    officers = opportunity.post.officers.filter(is_active=True, role=Role.OFFICER)
    return tuple(sorted({(user.email, user.language) for user in officers if user.email}))


def send_reminders(reminders: Sequence[Reminder], *, base_url: str = "") -> int:
    """The reminders by e-mail through Django's e-mail backend, each in its recipients'
    language (one message per language); returns how many messages were sent."""
    from django.core.mail import send_mail
    from django.utils import translation

    sent = 0
    for reminder in reminders:
        opportunity = reminder.opportunity
        by_language: dict[str, list[str]] = {}
        for email, language in reminder.recipients:
            by_language.setdefault(language or "es", []).append(email)
        for language, emails in sorted(by_language.items()):
            with translation.override(language):
                if reminder.reason == "deadline":
                    subject = _("Deadline on %(date)s: %(title)s") % {
                        "date": opportunity.deadline,
                        "title": opportunity.title[:120],
                    }
                else:
                    subject = _("No update for a while: %(title)s") % {
                        "title": opportunity.title[:120]
                    }
                body = "\n".join(
                    [
                        str(subject),
                        "",
                        f"{base_url}/pipeline/{opportunity.pk}/",
                        f"{_('Status')}: {Status(opportunity.status).label}",
                    ]
                )
            sent += send_mail(str(subject), body, None, emails)
    return sent
