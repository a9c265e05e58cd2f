"""Messaging tasks: the email notice of a new message (never its text) and the
retention purge. Both take ids or nothing, and are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail

from messaging.models import Message

NOTICE_EVERY_SECONDS = 15 * 60  # one notice per conversation and recipient


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
    sent = 0
    for user in recipients:
        # cache.add is atomic: a second delivery or a burst of messages within
        # the window sends nothing more.
        if not cache.add(f"msg-notice:{thread.pk}:{user.pk}", 1, NOTICE_EVERY_SECONDS):
            continue
        send_mail(
            "You have a new message",
            "You have a new message on Premium Escorts Directory.\n\n"
            f"Read it here: {settings.SITE_URL}/messages/{thread.pk}/\n",
            None,
            [user.email],
        )
        sent += 1
    return sent


@shared_task(acks_late=True, reject_on_worker_lost=True)
def purge_expired_messages() -> int:
    from messaging.services import messages_purge_expired

    return messages_purge_expired()
