"""Writes of messaging. A message is stored (encrypted) first and fanned out
after commit (docs/architecture.md, invariants 6 and 11); the channel layer is best
effort."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from bookings.models import Booking
from bookings.screening import screening_refusal
from cms_pages.uploads import CleanImage, image_clean
from core import crypto
from core.exceptions import (
    ApplicationError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from core.outbox import outbox_enqueue
from core.validators import has_control_characters
from directory.models import EscortProfilePage
from directory.selectors import (
    profile_editable_get,
    profile_provider_user_ids,
    profile_provider_users,
    profile_public_list,
)
from messaging.away import away_reply_after
from messaging.fanout import message_created_fanout, thread_changed_fanout
from messaging.models import (
    Block,
    Message,
    MessageAttachment,
    MessagingGate,
    Thread,
)
from messaging.selectors import (
    messaging_gate_for,
    side_of,
    thread_get_for,
    threads_for,
)
from messaging.tasks import notify_new_message
from moderation.checks import (
    FIRST_MESSAGE,
    blocking_errors,
    flags_report,
    review_flags,
    text_flags,
)
from moderation.models import Report
from moderation.services import report_create
from notifications.services import notifications_mark_read

NEUTRAL_REFUSAL = "You cannot send messages in this conversation."


def _clean_body(body: str, *, required: bool = True) -> str:
    body = body.replace("\r\n", "\n").strip()
    if not body and required:
        raise ValidationFailed(fields={"body": ["Write a message."]})
    if len(body) > settings.MESSAGE_MAX_LENGTH:
        raise ValidationFailed(
            fields={"body": [f"At most {settings.MESSAGE_MAX_LENGTH} characters."]}
        )
    if has_control_characters(body):
        raise ValidationFailed(fields={"body": ["Control characters are not allowed."]})
    return body


def provider_users(profile: EscortProfilePage) -> QuerySet[User]:
    """Who gets the provider side's notices and blocks: one home,
    directory.selectors.profile_provider_users."""
    return profile_provider_users(profile=profile)


def _blocked_between(user: User, thread: Thread, providers: set[int]) -> bool:
    """Either side blocked the other: the client and any provider-side user
    (``providers``, read once per message and reused for its fan-out)."""
    other = [thread.client_id] if user.pk != thread.client_id else list(providers)
    return Block.objects.filter(
        Q(blocker=user, blocked_id__in=other) | Q(blocker_id__in=other, blocked=user)
    ).exists()


def messaging_gate_set(
    *, actor: User, profile_id: int, mode: str, min_account_age_days: int = 7
) -> MessagingGate:
    """The provider (or their agency's manager) decides who may start a
    conversation with the profile. Someone else's profile is 404."""
    profile = profile_editable_get(user=actor, profile_id=profile_id)
    if mode not in MessagingGate.Mode.values:
        raise ValidationFailed(fields={"mode": ["Unknown mode."]})
    if not 1 <= min_account_age_days <= 365:
        raise ValidationFailed(
            fields={"min_account_age_days": ["Between 1 and 365 days."]}
        )
    gate, _ = MessagingGate.objects.update_or_create(
        profile=profile,
        defaults={"mode": mode, "min_account_age_days": min_account_age_days},
    )
    return gate


def _check_gate(*, client: User, profile: EscortProfilePage) -> None:
    gate = messaging_gate_for(profile_id=profile.pk)
    mode = gate.mode
    if not EmailAddress.objects.filter(user=client, verified=True).exists():
        raise PermissionDenied("Verify your email address to send messages.")
    if mode == MessagingGate.Mode.ACCOUNT_AGE:
        age = timezone.now() - client.date_joined
        if age < dt.timedelta(days=gate.min_account_age_days):
            raise PermissionDenied(
                f"This companion accepts messages from accounts older than "
                f"{gate.min_account_age_days} days."
            )
    if mode == MessagingGate.Mode.AFTER_BOOKING_REQUEST and not (
        Booking.objects.filter(client=client, profile=profile).exists()
    ):
        raise PermissionDenied(
            "This companion accepts messages after a booking request."
        )


def _check_screening(*, client: User, profile: EscortProfilePage) -> None:
    """The provider's screening applies to first contact only: a conversation
    that already exists goes on when the provider tightens their screening."""
    if Thread.objects.filter(client=client, profile=profile).exists():
        return
    if refusal := screening_refusal(profile=profile, client=client, kind="message"):
        raise refusal


def thread_start(
    *, client: User, profile_id: int, body: str, booking_id: int | None = None
) -> tuple[Thread, Message]:
    """Open (or reuse) the client's conversation with a live profile and send
    the first message. Providers answer in threads clients started.
    ``booking_id``: one of the client's bookings with this profile, which the
    conversation is then about."""
    body = _clean_body(body)
    profile = profile_public_list().prefetch_related(None).filter(pk=profile_id).first()
    if profile is None:
        raise NotFound("Profile not found.")
    if client.role != Role.CLIENT:
        raise PermissionDenied("Only client accounts start conversations.")
    booking = _own_booking(client, profile, booking_id)
    _check_gate(client=client, profile=profile)
    _check_screening(client=client, profile=profile)
    if not Thread.objects.filter(client=client, profile=profile).exists():
        # Refused words refuse before the conversation exists: no empty thread.
        _refuse_blocked_words(text_flags(body, context=FIRST_MESSAGE, where="body"))
    try:
        with transaction.atomic():
            thread, _ = Thread.objects.get_or_create(client=client, profile=profile)
    except IntegrityError:  # a concurrent first message made it
        thread = Thread.objects.get(client=client, profile=profile)
    if booking is not None and thread.booking_id != booking.pk:
        Thread.objects.filter(pk=thread.pk).update(booking=booking)
        thread.booking = booking
    return thread, message_send(thread_id=thread.pk, sender=client, body=body)


def _own_booking(
    client: User, profile: EscortProfilePage, booking_id: int | None
) -> Booking | None:
    if booking_id is None:
        return None
    booking = Booking.objects.filter(
        pk=booking_id, client=client, profile=profile
    ).first()
    if booking is None:
        raise ValidationFailed(
            fields={"booking": ["Not one of your bookings with this companion."]}
        )
    return booking


def message_send(
    *, thread_id: int, sender: User, body: str, image: UploadedFile | None = None
) -> Message:
    """Text, an image, or both. The image is checked and re-encoded without
    metadata before anything is written: a bad one saves neither row nor file."""
    clean = _clean_image(image)
    body = _clean_body(body, required=clean is None)
    return _message_store(thread_id=thread_id, sender=sender, body=body, image=clean)


def _clean_image(image: UploadedFile | None) -> CleanImage | None:
    if image is None:
        return None
    try:
        return image_clean(image)
    except ValidationError as exc:
        raise ValidationFailed(
            "The file is not an acceptable image.", fields={"image": exc.messages}
        ) from exc


@transaction.atomic
def _message_store(
    *, thread_id: int, sender: User, body: str, image: CleanImage | None
) -> Message:
    allowed = _message_allowed(thread_id=thread_id, sender=sender, body=body)
    return _message_write(allowed, body=body, image=image)


@dataclass(frozen=True)
class MessageDraft:
    """A text message a socket sent (messaging.consumers), before it is stored."""

    thread_id: int
    sender: User
    body: str


def messages_send(
    *, drafts: Sequence[MessageDraft]
) -> list[Message | ApplicationError | DatabaseError]:
    """Text messages from many senders in one transaction: what a process's
    sockets sent while its database thread stored the previous ones
    (messaging.consumers; bench/messaging.py). Each draft is refused or stored
    exactly as ``message_send`` would. A refusal happens before its draft writes
    anything, so it costs the others nothing. Threads are locked in id order, so
    two batches never wait on each other in a cycle. A database error rolls the
    batch back and stores each draft on its own, so it stays with its draft.
    Results are in the drafts' order."""
    order = sorted(range(len(drafts)), key=lambda i: drafts[i].thread_id)
    results: list[Message | ApplicationError | DatabaseError] = [None] * len(drafts)
    try:
        with transaction.atomic():
            for i in order:
                results[i] = _draft_store(drafts[i])
    except DatabaseError:
        if len(drafts) == 1:
            raise
        return [_draft_store_alone(draft) for draft in drafts]
    return results


def _draft_store(draft: MessageDraft) -> Message | ApplicationError:
    """Inside the batch's transaction: a refusal is returned, never raised, and
    comes before any write of this draft (``_message_allowed``)."""
    try:
        body = _clean_body(draft.body)
        allowed = _message_allowed(
            thread_id=draft.thread_id, sender=draft.sender, body=body
        )
    except ApplicationError as refusal:
        return refusal
    return _message_write(allowed, body=body, image=None)


def _draft_store_alone(
    draft: MessageDraft,
) -> Message | ApplicationError | DatabaseError:
    try:
        return message_send(
            thread_id=draft.thread_id, sender=draft.sender, body=draft.body
        )
    except (ApplicationError, DatabaseError) as error:
        return error


@dataclass(frozen=True)
class _Allowed:
    """What the checks read, for the write: the locked thread, the provider
    side's users (also the fan-out's recipients) and the text check's flags."""

    thread: Thread
    sender: User
    providers: set[int]
    flags: list


def _message_allowed(*, thread_id: int, sender: User, body: str) -> _Allowed:
    """Every refusal of a message, before anything is written."""
    thread = _thread_locked_for(user=sender, thread_id=thread_id)
    providers = profile_provider_user_ids(profile=thread.profile)
    if sender.is_suspended or _blocked_between(sender, thread, providers):
        raise PermissionDenied(NEUTRAL_REFUSAL)
    owner = thread.profile.owner
    if sender.pk == thread.client_id and owner is not None and owner.is_suspended:
        # A suspended provider's profile is off the directory; its open
        # conversations take no new messages either (moderation.decisions).
        raise PermissionDenied(NEUTRAL_REFUSAL)
    flags = _first_contact_flags(thread=thread, sender=sender, body=body)
    return _Allowed(thread=thread, sender=sender, providers=providers, flags=flags)


def _message_write(
    allowed: _Allowed, *, body: str, image: CleanImage | None
) -> Message:
    thread, sender = allowed.thread, allowed.sender
    message = Message.objects.create(
        thread=thread, sender=sender, body_encrypted=crypto.encrypt(body)
    )
    if to_review := review_flags(allowed.flags):
        flags_report(
            target=message,
            subject_user=sender,
            flags=to_review,
            what="a first message to a provider",
            context={
                "thread_id": thread.pk,
                "profile_id": thread.profile_id,
                "message_id": message.pk,
                "body": body,
            },
        )
    side = side_of(thread=thread, user=sender)
    thread.last_message_at = message.created_at
    setattr(thread, f"{side}_last_read_id", message.pk)
    # A new message brings an archived conversation back for the other side.
    other = "provider" if side == "client" else "client"
    setattr(thread, f"{other}_archived", False)
    thread.save(update_fields=_THREAD_ON_MESSAGE[side])
    # Last, so that no earlier refusal leaves a file behind.
    attachment = _attach(message, image) if image is not None else None
    # The notice is recorded with the message; the sockets are best effort,
    # sent after commit to the participants read above.
    outbox_enqueue(notify_new_message, message.pk)
    participants = {thread.client_id, *allowed.providers}
    transaction.on_commit(
        lambda: message_created_fanout(
            message=message, attachment=attachment, user_ids=participants
        )
    )
    # Under the thread's lock taken above: one away reply per day, even when
    # two client messages arrive at once (messaging.away).
    away_reply_after(thread=thread, message=message, user_ids=participants)
    return message


_THREAD_ON_MESSAGE = {
    side: ["last_message_at", f"{side}_last_read_id", f"{other}_archived", "updated_at"]
    for side, other in (("client", "provider"), ("provider", "client"))
}


def _thread_locked_for(*, user: User, thread_id: int) -> Thread:
    """The user's thread (404 for anyone else's), row-locked for the message,
    with what the store reads joined in one query: the profile, its owner and
    its away reply (messaging.away). Not the client's row, which the store never
    reads, and a slice rather than ``first()``: no ordering to build or sort for
    one row by key (bench/messaging.py: 9.5 -> 6 ms a message)."""
    rows = (
        threads_for(user=user)
        .select_related(None)
        .select_related("profile__owner", "profile__away_reply")
        .select_for_update(of=("self",))
        .filter(pk=thread_id)
        .order_by()[:1]
    )
    for thread in rows:
        return thread
    raise NotFound("Conversation not found.")


def _first_contact_flags(*, thread: Thread, sender: User, body: str) -> list:
    """The automated text check of a client's messages until the provider
    first answers (docs/automated-checks.md, "First messages"): banned or
    explicit wording is refused with the reason; contact details and watched
    terms are sent, and flagged for the moderators."""
    if not body or sender.pk != thread.client_id:
        return []
    if thread.messages.exclude(sender_id=thread.client_id).exists():
        return []  # the provider answered: the conversation is established
    flags = text_flags(body, context=FIRST_MESSAGE, where="body")
    _refuse_blocked_words(flags)
    return flags


def _refuse_blocked_words(flags: list) -> None:
    if errors := blocking_errors(flags):
        raise ValidationFailed("This message cannot be sent as written.", fields=errors)


def _attach(message: Message, image: CleanImage) -> MessageAttachment:
    attachment = MessageAttachment(
        message=message,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size=len(image.data),
    )
    attachment.file.save(f"image.{image.extension}", ContentFile(image.data), False)
    try:
        attachment.save()
    except DatabaseError:
        # The file is written before its row; a row that fails takes it along.
        attachment.file.delete(save=False)
        raise
    return attachment


def thread_mark_read(*, thread_id: int, user: User, up_to_id: int) -> Thread:
    thread = thread_get_for(user=user, thread_id=thread_id)
    side = side_of(thread=thread, user=user)
    field = f"{side}_last_read_id"
    newest = thread.messages.order_by("-id").values_list("id", flat=True).first() or 0
    up_to = min(up_to_id, newest)
    # Never backwards: a late, stale receipt leaves the position alone.
    Thread.objects.filter(pk=thread.pk, **{f"{field}__lt": up_to}).update(
        **{field: up_to}
    )
    if up_to == newest:  # caught up: the conversation's notice is read too
        notifications_mark_read(user=user, group_key=f"thread:{thread.pk}")
    thread.refresh_from_db()
    return thread


def thread_set_flags(
    *,
    thread_id: int,
    user: User,
    archived: bool | None = None,
    muted: bool | None = None,
) -> Thread:
    """Archive or mute a conversation for this user's side only. Muted: no
    notices or emails for new messages; archived: out of the inbox until the
    other side writes again."""
    thread = thread_get_for(user=user, thread_id=thread_id)
    side = side_of(thread=thread, user=user)
    changes = {
        f"{side}_{name}": value
        for name, value in (("archived", archived), ("muted", muted))
        if value is not None
    }
    if changes:
        Thread.objects.filter(pk=thread.pk).update(**changes)
        thread.refresh_from_db()
    return thread


def thread_block(*, thread_id: int, user: User) -> None:
    """Block the other side of the conversation: the client, or the profile's
    owner (for a client blocking a provider)."""
    thread = thread_get_for(user=user, thread_id=thread_id)
    if side_of(thread=thread, user=user) == "provider":
        blocked_id = thread.client_id
    else:
        blocked_id = thread.profile.owner_id
    if blocked_id is None or blocked_id == user.pk:
        raise ValidationFailed("There is nobody to block here.")
    Block.objects.get_or_create(blocker=user, blocked_id=blocked_id)
    thread_changed_fanout(thread=thread, change="blocked")


@transaction.atomic
def thread_wipe(*, thread_id: int, user: User) -> int:
    """Either side deletes every message of the conversation, for both, and
    their images from the private store."""
    thread = thread_get_for(user=user, thread_id=thread_id)
    deleted = messages_delete(messages=Message.objects.filter(thread=thread))
    Thread.objects.filter(pk=thread.pk).update(last_message_at=None)
    thread_changed_fanout(thread=thread, change="wiped")
    return deleted


@transaction.atomic
def messages_purge_expired(
    *, now: dt.datetime | None = None, older_than: dt.timedelta | None = None
) -> int:
    """The period's home is the retention schedule (privacy.retention, whose
    nightly job deletes in batches through ``messages_delete``); this direct
    purge takes the period from it by ``older_than`` and falls back to the
    setting the schedule itself reads."""
    older_than = older_than or dt.timedelta(days=settings.MESSAGE_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - older_than
    return messages_delete(messages=Message.objects.filter(created_at__lt=cutoff))


def messages_delete(*, messages: QuerySet[Message]) -> int:
    """Delete the rows, then their files once the deletion is committed (a
    rollback must not leave rows pointing at removed files)."""
    names = list(
        MessageAttachment.objects.filter(message__in=messages).values_list(
            "file", flat=True
        )
    )
    deleted = messages.delete()[1].get(Message._meta.label, 0)
    if names:
        transaction.on_commit(lambda: _files_delete(names))
    return deleted


def _files_delete(names: list[str]) -> None:
    storage = MessageAttachment._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def thread_report(
    *, thread_id: int, user: User, message_id: int, category: str, details: str
) -> tuple[Report, bool]:
    """Report a message the other side sent in one's own conversation. The
    message is copied (encrypted) into the report: wiping the conversation or
    the retention purge do not erase the evidence."""
    thread = thread_get_for(user=user, thread_id=thread_id)
    message = (
        Message.objects.filter(pk=message_id, thread=thread)
        .select_related("attachment")
        .first()
    )
    if message is None:
        raise ValidationFailed(
            fields={"message": ["This message is not in this conversation."]}
        )
    if _sender_side(thread, message) == side_of(thread=thread, user=user):
        raise ValidationFailed(
            fields={"message": ["Only messages from the other side can be reported."]}
        )
    return report_create(
        reporter=user,
        category=category,
        details=details,
        target=message,
        evidence=_message_evidence(thread, message),
        subject_user=message.sender,
    )


def _sender_side(thread: Thread, message: Message) -> str:
    return "client" if message.sender_id == thread.client_id else "provider"


def _message_evidence(thread: Thread, message: Message) -> dict:
    attachment = getattr(message, "attachment", None)
    return {
        "kind": "message",
        "thread_id": thread.pk,
        "profile_id": thread.profile_id,
        "client_id": thread.client_id,
        "message_id": message.pk,
        "sender_id": message.sender_id,
        "sender_side": _sender_side(thread, message),
        "sent_at": message.created_at,
        "body": crypto.decrypt(message.body_encrypted),
        # The image itself stays where it is (and goes with a wipe): what to
        # keep of images, and where, is for the evidence-handling issue.
        "image": None
        if attachment is None
        else {
            "content_type": attachment.content_type,
            "width": attachment.width,
            "height": attachment.height,
        },
    }


def message_keys_rotate(*, batch_size: int = 500) -> int:
    """Re-encrypt every body under the first configured key, in batches."""
    return crypto.rotate_column(
        Message.objects.all(), "body_encrypted", batch_size=batch_size
    )
