"""Away auto-replies (docs/agency-tools.md). Anyone on a profile's provider side
sets the reply; when a client writes while it is active, the platform answers
once, as an ordinary stored message marked ``automatic``, fanned out after
commit like every other (docs/architecture.md, invariant 6).

At most one automatic reply per conversation in REPLY_EVERY: the check runs
inside the client's message transaction, which holds the thread's row lock
(messaging.store), so two client messages at once are
serialised and the second sees the first's reply."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import crypto
from core.exceptions import ValidationFailed
from core.outbox import outbox_enqueue
from core.validators import has_control_characters
from directory.models import EscortProfilePage
from directory.selectors import profile_editable_get, profiles_editable_by
from messaging.fanout import message_created_fanout
from messaging.models import AWAY_MESSAGE_MAX, AwayReply, Message, Thread
from messaging.tasks import notify_new_message

REPLY_EVERY = dt.timedelta(hours=24)


# --- reads -----------------------------------------------------------------------


def away_profiles_for(*, user: User) -> QuerySet[EscortProfilePage]:
    """The profiles whose away reply ``user`` sets, each with its reply (or
    none) joined in: one query for the page."""
    return (
        profiles_editable_by(user=user)
        .select_related("away_reply", "home_city")
        .order_by("title", "pk")
    )


# --- writes ----------------------------------------------------------------------


def away_reply_set(
    *,
    actor: User,
    profile_id: int,
    enabled: bool,
    message: str,
    until: dt.datetime | None = None,
) -> AwayReply:
    """Turn the profile's reply on or off. Someone else's profile is 404."""
    profile = profile_editable_get(user=actor, profile_id=profile_id)
    message = _clean_message(message, required=enabled)
    if until is not None and until <= timezone.now():
        raise ValidationFailed(fields={"until": [_("Choose a time in the future.")]})
    reply, _created = AwayReply.objects.update_or_create(
        profile=profile,
        defaults={
            "enabled": enabled,
            "message": message,
            "until": until,
            "set_by": actor,
        },
    )
    return reply


def _clean_message(message: str, *, required: bool) -> str:
    message = message.replace("\r\n", "\n").strip()
    if required and not message:
        raise ValidationFailed(fields={"message": [_("Write the reply to send.")]})
    if len(message) > AWAY_MESSAGE_MAX:
        raise ValidationFailed(
            fields={
                "message": [
                    _("At most %(max)d characters.") % {"max": AWAY_MESSAGE_MAX}
                ]
            }
        )
    if has_control_characters(message):
        raise ValidationFailed(
            fields={"message": [_("Control characters are not allowed.")]}
        )
    return message


def away_reply_after(
    *, thread: Thread, message: Message, user_ids: set[int] | None = None
) -> Message | None:
    """Called by the message store with ``thread`` row-locked, after a message
    was saved in it. Answers a client's message when the profile's reply is
    active, nobody blocked anybody (the store refused the message then), the
    conversation is open (the profile live) and no automatic reply went out in
    the last REPLY_EVERY. The sender is the profile's owner, or, for a profile
    without one, the person who set the reply. ``user_ids``: the participants,
    when the store already read them (fanned out to without a query)."""
    if message.automatic or message.sender_id != thread.client_id:
        return None  # the provider side writing never triggers it
    now = timezone.now()
    reply = _reply_of(thread.profile)
    if reply is None or not reply.is_active_at(now) or not thread.profile.live:
        return None
    sender = _sender_of(thread.profile, reply)
    if sender is None or _replied_since(thread, now - REPLY_EVERY):
        return None
    return _store(thread=thread, sender=sender, body=reply.message, user_ids=user_ids)


def _reply_of(profile: EscortProfilePage) -> AwayReply | None:
    """The profile's reply: joined in by the message store's locking read
    (messaging.services), read here otherwise."""
    try:
        return profile.away_reply
    except AwayReply.DoesNotExist:
        return None


def _sender_of(profile: EscortProfilePage, reply: AwayReply) -> User | None:
    sender = profile.owner if profile.owner_id is not None else reply.set_by
    if sender is None or sender.is_suspended:
        return None
    return sender


def _replied_since(thread: Thread, since: dt.datetime) -> bool:
    return Message.objects.filter(
        thread=thread, automatic=True, created_at__gte=since
    ).exists()


def _store(
    *, thread: Thread, sender: User, body: str, user_ids: set[int] | None
) -> Message:
    automatic = Message.objects.create(
        thread=thread,
        sender=sender,
        body_encrypted=crypto.encrypt(body),
        automatic=True,
    )
    Thread.objects.filter(pk=thread.pk).update(
        last_message_at=automatic.created_at, client_archived=False
    )
    # The store may write this thread again in the same transaction, from
    # the row it locked (messaging.store, rounds): keep that row current.
    thread.last_message_at, thread.client_archived = automatic.created_at, False
    # The same path as any message: the notice recorded with it, the sockets
    # after commit (best effort).
    outbox_enqueue(notify_new_message, automatic.pk)
    transaction.on_commit(
        lambda: message_created_fanout(message=automatic, user_ids=user_ids)
    )
    return automatic
