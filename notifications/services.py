"""Writes of notifications. ``notify`` is the one way any app tells a user
something: an in-app notice and/or an email, by the user's preferences for that
kind. The email is queued after commit and its outcome recorded; the in-app
count is pushed to the user's sockets (best effort)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import User
from core.exceptions import ValidationFailed
from core.outbox import FIRST_SWEEP_AFTER, rows_resend, task_send
from core.realtime import user_send
from notifications.models import (
    EmailDelivery,
    Kind,
    Notification,
    NotificationPreference,
)
from notifications.selectors import (
    badges_key,
    kinds_for,
    notifications_for,
    preference_for,
    unread_counts,
)

# deliver_email's own retries wait at most 8 minutes between attempts.
RETRY_SWEEP_AFTER = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


@transaction.atomic
def notify(
    *,
    recipient: User,
    kind: Kind | str,
    title: str,
    url: str,
    email: Email | None = None,
    group_key: str = "",
    dedupe_key: str = "",
    email_every: int | None = None,
) -> Notification | None:
    """Tell ``recipient`` about something. ``group_key`` folds unread notices
    of one subject together; ``dedupe_key`` makes a repeated call a no-op;
    ``email_every`` sends at most one email per group in that many seconds."""
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError("Notification links are paths on this site.")
    preference = preference_for(user=recipient, kind=kind)
    notification = None
    if preference.in_app:
        notification = _store(
            recipient=recipient,
            kind=kind,
            title=title[:200],
            url=url,
            group_key=group_key,
            dedupe_key=dedupe_key,
        )
        if notification is None:  # this event was already notified
            return None
        _badges_changed(recipient.pk, notification)
    wants_email = email is not None and preference.email and recipient.email
    if wants_email and (
        not email_every or _email_due(recipient.pk, group_key, email_every)
    ):
        _queue_email(recipient=recipient, kind=kind, email=email, dedupe_key=dedupe_key)
    return notification


def _store(
    *,
    recipient: User,
    kind: str,
    title: str,
    url: str,
    group_key: str,
    dedupe_key: str,
) -> Notification | None:
    now = timezone.now()
    if group_key:
        grown = _grow_group(recipient, group_key, title=title, url=url, now=now)
        if grown is not None:
            return grown
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=recipient,
                kind=kind,
                title=title,
                url=url,
                group_key=group_key,
                dedupe_key=dedupe_key,
                created_at=now,
            )
    except IntegrityError:
        if dedupe_key:
            return None
        # A concurrent notice opened the same group first: join it.
        return _grow_group(recipient, group_key, title=title, url=url, now=now)


def _grow_group(
    recipient: User, group_key: str, *, title: str, url: str, now: dt.datetime
) -> Notification | None:
    unread = Notification.objects.filter(
        recipient=recipient, group_key=group_key, read_at__isnull=True
    )
    if not unread.update(count=F("count") + 1, title=title, url=url, created_at=now):
        return None
    return unread.first()


def _email_due(user_id: int, group_key: str, seconds: int) -> bool:
    # cache.add is atomic: a burst (or a retried task) sends one email. With
    # the cache down it answers True (core.cache): every notice gets its email,
    # better than none.
    return cache.add(f"notifications:email:{user_id}:{group_key}", 1, seconds)


def _queue_email(*, recipient: User, kind: str, email: Email, dedupe_key: str) -> None:
    from notifications.tasks import deliver_email

    try:
        with transaction.atomic():
            delivery = EmailDelivery.objects.create(
                recipient=recipient,
                kind=kind,
                dedupe_key=dedupe_key,
                subject=email.subject.strip()[:200],
                body=email.body,
                due_at=timezone.now() + FIRST_SWEEP_AFTER,
            )
    except IntegrityError:  # already queued for this event
        return
    # The row is the record: if the broker is down the sweep sends it later.
    transaction.on_commit(lambda: task_send(deliver_email, delivery.pk))


def _badges_changed(user_id: int, notification: Notification | None = None) -> None:
    # Dropped now for this request's own reads, and again after commit in case
    # a concurrent request cached the old counts in between.
    cache.delete(badges_key(user_id))
    transaction.on_commit(lambda: _push(user_id, notification))


def _push(user_id: int, notification: Notification | None) -> None:
    """After commit: drop the cached badges and push the fresh counts."""
    cache.delete(badges_key(user_id))
    user = User(pk=user_id)
    event = {"type": "notification.changed", "unread": unread_counts(user=user)}
    if notification is not None:
        event |= {
            "id": notification.pk,
            "kind": notification.kind,
            "title": notification.title,
            "url": notification.url,
        }
    user_send(user_id, event)


def notifications_mark_read(
    *, user: User, ids: list[int] | None = None, group_key: str = ""
) -> int:
    """Mark the user's notices read: these ids, one group, or all (neither).
    Others' ids are silently outside the scoped queryset."""
    unread: QuerySet = notifications_for(user=user, unread=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    if group_key:
        unread = unread.filter(group_key=group_key)
    marked = unread.update(read_at=timezone.now())
    if marked:
        _badges_changed(user.pk)
    return marked


def preferences_update(*, user: User, changes: dict[str, dict[str, bool]]) -> None:
    """``changes`` maps a kind to its channels, e.g. {"message": {"email": False}}."""
    unknown = set(changes) - set(Kind.values)
    if unknown:
        raise ValidationFailed(
            fields={"kinds": [f"Unknown kind: {k}" for k in sorted(unknown)]}
        )
    # Only the kinds that apply to the role (kinds_for) are the user's to set.
    foreign = set(changes) - set(kinds_for(user=user))
    if foreign:
        raise ValidationFailed(
            fields={"kinds": [f"Not sent to you: {k}" for k in sorted(foreign)]}
        )
    for kind, channels in changes.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults=channels
        )


def email_deliver(*, delivery_id: int, max_attempts: int) -> str | None:
    """Send one queued email, under a row lock so a duplicate task cannot send
    it twice. Returns the new status, or None when there was nothing to do."""
    with transaction.atomic():
        delivery = (
            EmailDelivery.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=delivery_id, status=EmailDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        try:
            send_mail(delivery.subject, delivery.body, None, [delivery.recipient.email])
        except Exception as exc:  # noqa: BLE001 - any transport error is recorded
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
            # The task retries with backoff first; the sweep only after that.
            delivery.due_at = timezone.now() + RETRY_SWEEP_AFTER
            if delivery.attempts >= max_attempts:
                delivery.status = EmailDelivery.Status.FAILED
        else:
            delivery.status = EmailDelivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
        delivery.save()
        return delivery.status


def email_deliveries_resend_due(
    *, now: dt.datetime | None = None, limit: int = 500
) -> int:
    """The sweep's share for emails: queue again every pending delivery whose
    time has come (its task was lost with the broker, or never sent). The row
    lock in ``email_deliver`` makes a second copy of a task a no-op."""
    from notifications.tasks import deliver_email

    now = now or timezone.now()
    due = EmailDelivery.objects.filter(
        status=EmailDelivery.Status.PENDING, due_at__lte=now
    )
    return rows_resend(due=due, task=deliver_email, now=now, limit=limit)
