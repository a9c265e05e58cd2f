"""Messaging tasks: the notice of a new message (never its text) and the
retention purge. Both take ids or nothing, and are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from messaging.models import Message, Thread
from notifications import titles
from notifications.models import Kind
from notifications.services import Email, notify

EMAIL_EVERY_SECONDS = 15 * 60  # one email per conversation and recipient
NOTICE_EMAIL = Email(
    "You have a new message",
    "You have a new message on Premium Escorts Directory.\n\nRead it here: {url}\n",
)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def notify_new_message(message_id: int) -> int:
    from messaging.services import provider_users

    message = (
        Message.objects.select_related("thread__client", "thread__profile")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return 0
    thread = message.thread
    if message.sender_id == thread.client_id:
        if thread.provider_muted:
            return 0
        recipients = list(provider_users(thread.profile))
    else:
        if thread.client_muted:
            return 0
        recipients = [thread.client]
    for user in recipients:
        _notify(user, thread, other_name=_other_name(thread, message.sender_id))
    return len(recipients)


def _other_name(thread: Thread, sender_id: int) -> str:
    if sender_id == thread.client_id:
        return thread.client.display_name or "a client"
    return thread.profile.title


def _notify(user: object, thread: Thread, *, other_name: str) -> None:
    """Unread notices of one conversation fold into one; the email goes out at
    most once per window and never carries the text."""
    path = f"/messages/{thread.pk}/"
    notify(
        recipient=user,
        kind=Kind.MESSAGE,
        title=titles.message_received(sender=other_name),
        url=path,
        email=Email(
            NOTICE_EMAIL.subject,
            NOTICE_EMAIL.body.format(url=f"{settings.SITE_URL}{path}"),
        ),
        group_key=f"thread:{thread.pk}",
        email_every=EMAIL_EVERY_SECONDS,
    )


@shared_task(acks_late=True, reject_on_worker_lost=True)
def purge_expired_messages() -> int:
    from messaging.services import messages_purge_expired

    return messages_purge_expired()
