"""Reads of messaging, scoped to the acting user (docs/architecture.md,
invariant 8): a thread is visible to its client and to the profile's provider
side (owner, agency members); anything else is 404."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from accounts.models import User
from core import crypto
from core.exceptions import NotFound
from directory.selectors import provider_side_q
from messaging.models import Message, MessageAttachment, MessagingGate, Thread

SEARCH_SCAN_LIMIT = 2000  # newest messages decrypted per search


def threads_for(*, user: User, archived: bool | None = None) -> QuerySet[Thread]:
    """``archived``: only the conversations this user archived (True), only the
    others (False), or all (None). Archiving is per side."""
    if not user.is_authenticated:
        return Thread.objects.none()
    as_client = Q(client=user)
    as_provider = provider_side_q(user=user, prefix="profile__")
    if archived is not None:
        as_client &= Q(client_archived=archived)
        as_provider &= Q(provider_archived=archived)
    return (
        Thread.objects.filter(as_client | as_provider)
        .select_related("client", "profile")
        .order_by("-last_message_at", "-id")
    )


def thread_is_for(*, thread: Thread, user_id: int, provider_side: set[int]) -> bool:
    """``threads_for``'s rule for a thread already read, with its profile's
    provider side (directory.selectors.profiles_provider_user_ids, the
    by-profile direction of provider_side_q): its client, or anyone on that
    side. For the message store, which checks a batch of many senders without
    a query per sender (messaging.store); tests/messaging/test_store.py holds
    it equal to ``threads_for`` for every kind of user."""
    return user_id == thread.client_id or user_id in provider_side


def thread_get_for(*, user: User, thread_id: int) -> Thread:
    thread = threads_for(user=user).filter(pk=thread_id).first()
    if thread is None:
        raise NotFound("Conversation not found.")
    return thread


def attachment_get_for(
    *, user: User, thread_id: int, message_id: int
) -> MessageAttachment:
    """A message's image, for the thread's participants only (404 otherwise,
    and 404 for a message without one or from another thread)."""
    thread = thread_get_for(user=user, thread_id=thread_id)
    attachment = MessageAttachment.objects.filter(
        message_id=message_id, message__thread=thread
    ).first()
    if attachment is None:
        raise NotFound("Attachment not found.")
    return attachment


def attachment_data(attachment: MessageAttachment) -> dict:
    """What clients get of an image: the protected view's URL (the private store
    has no URLs of its own), its type and size."""
    from django.urls import reverse

    url = reverse(
        "api:message-attachment",
        kwargs={
            "thread_id": attachment.message.thread_id,
            "message_id": attachment.message_id,
        },
    )
    return {
        "url": url,
        "content_type": attachment.content_type,
        "width": attachment.width,
        "height": attachment.height,
    }


def side_of(*, thread: Thread, user: User) -> str:
    return "client" if thread.client_id == user.pk else "provider"


def messages_of(
    *, thread: Thread, after: int | None = None, before: int | None = None, limit: int
) -> list[Message]:
    """``after``: the resync after a reconnect, oldest first. ``before``: older
    history, returned oldest first too. Neither: the newest ``limit``."""
    messages = Message.objects.filter(thread=thread).select_related(
        "sender", "attachment"
    )
    if after is not None:
        return list(messages.filter(id__gt=after).order_by("id")[:limit])
    if before is not None:
        messages = messages.filter(id__lt=before)
    return list(reversed(messages.order_by("-id")[:limit]))


def messages_search(*, user: User, q: str, limit: int = 50) -> list[Message]:
    """Bodies are encrypted at rest, so the database cannot search them: decrypt
    the user's newest messages and match here. Bounded by SEARCH_SCAN_LIMIT."""
    needle = q.casefold()
    threads = threads_for(user=user).values("pk")
    candidates = (
        Message.objects.filter(thread__in=threads)
        .select_related("sender", "attachment")
        .order_by("-id")[:SEARCH_SCAN_LIMIT]
    )
    found = []
    for message in candidates:
        if needle in crypto.decrypt(message.body_encrypted).casefold():
            found.append(message)
            if len(found) == limit:
                break
    return found


def messaging_gate_for(*, profile_id: int) -> MessagingGate:
    """The profile's gate, or the default (verified email) unsaved."""
    found = MessagingGate.objects.filter(profile_id=profile_id).first()
    return found or MessagingGate(
        profile_id=profile_id, mode=MessagingGate.Mode.VERIFIED_EMAIL
    )


def threads_with_unread_for(*, user: User) -> QuerySet[Thread]:
    """The user's conversations (archived ones left out), each with ``unread``:
    how many messages from the other side came after the user's last read, in
    the same query (the dashboard lists them without a query per thread)."""
    theirs = ~Q(messages__sender=user)
    as_client = Q(client=user, messages__id__gt=F("client_last_read_id"))
    as_provider = ~Q(client=user) & Q(messages__id__gt=F("provider_last_read_id"))
    unread = Count("messages", filter=theirs & (as_client | as_provider))
    return threads_for(user=user, archived=False).annotate(unread=unread)
