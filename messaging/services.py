"""Writes of messaging. A message is stored (encrypted) first and fanned out
after commit (docs/architecture.md, invariants 6 and 11); the channel layer is best
effort."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role, User
from bookings.models import Booking
from bookings.screening import screening_refusal
from cms_pages.uploads import CleanImage, image_clean
from core import crypto
from core.exceptions import NotFound, PermissionDenied, ValidationFailed
from directory.models import EscortProfilePage
from directory.selectors import (
    profile_editable_get,
    profile_provider_users,
    profile_public_list,
)
from messaging.fanout import thread_changed_fanout
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
)
from messaging.store import (
    MessageDraft,
    message_body_clean,
    message_store,
    refuse_blocked_words,
)
from moderation.checks import (
    FIRST_MESSAGE,
    text_flags,
)
from moderation.models import Report
from moderation.services import report_create
from notifications.services import notifications_mark_read


def provider_users(profile: EscortProfilePage) -> QuerySet[User]:
    """Who gets the provider side's notices and blocks: one home,
    directory.selectors.profile_provider_users."""
    return profile_provider_users(profile=profile)


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
    body = message_body_clean(body)
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
        refuse_blocked_words(text_flags(body, context=FIRST_MESSAGE, where="body"))
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
    metadata before anything is written: a bad one saves neither row nor file.
    The message store (messaging.store) holds every rule of sending."""
    clean = _clean_image(image)
    return message_store(
        draft=MessageDraft(thread_id=thread_id, sender=sender, body=body, image=clean)
    )


def _clean_image(image: UploadedFile | None) -> CleanImage | None:
    if image is None:
        return None
    try:
        return image_clean(image)
    except ValidationError as exc:
        raise ValidationFailed(
            "The file is not an acceptable image.", fields={"image": exc.messages}
        ) from exc


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
