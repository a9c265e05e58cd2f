"""The message store: every message, sent from the REST API, a socket or a
service, is refused or stored here (docs/architecture.md, invariants 6, 8, 11).

Batch first. A process's sockets hand over what they sent while its database
thread stored the previous batch (messaging.consumers), and a REST message is a
batch of one, so each rule of sending has this one home. A batch costs a fixed
number of queries whatever its size (bench/messaging.py): the threads with
their row locks (in id order: two batches never wait on each other in a cycle),
the provider sides (which also decide the scope, messaging.selectors.
thread_is_for), the blocks and whether the provider side has answered; then
per round one insert of the messages, an update of the threads per side and one
insert of outbox entries.

Each draft gets the outcome it would have had stored alone, in order: drafts
for the same thread go in successive rounds (a round holds at most one draft
per thread), and a round is checked after the one before it was written, so a
draft sees the provider's answer or the away reply before it. A refusal is
decided before its draft writes anything and costs the others nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from accounts.models import User
from cms_pages.uploads import CleanImage
from core import crypto
from core.exceptions import (
    ApplicationError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from core.outbox import outbox_enqueue_each
from core.validators import has_control_characters
from directory.selectors import profiles_provider_user_ids
from messaging.away import away_reply_after
from messaging.fanout import message_created_fanout
from messaging.models import Block, Message, MessageAttachment, Thread
from messaging.selectors import side_of, thread_is_for
from messaging.tasks import notify_new_message
from moderation.checks import (
    FIRST_MESSAGE,
    Flag,
    blocking_errors,
    flags_report,
    review_flags,
    text_flags,
)

NEUTRAL_REFUSAL = "You cannot send messages in this conversation."
Outcome = Message | ApplicationError
# messages_send's: a database error stays with its draft.
SendOutcome = Outcome | DatabaseError


@dataclass(frozen=True)
class MessageDraft:
    """A message as its sender asked for it, before any check. ``image`` has
    been cleaned already (re-encoded, no metadata)."""

    thread_id: int
    sender: User
    body: str
    image: CleanImage | None = None


def message_body_clean(body: str, *, required: bool = True) -> str:
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


def refuse_blocked_words(flags: list[Flag]) -> None:
    if errors := blocking_errors(flags):
        raise ValidationFailed("This message cannot be sent as written.", fields=errors)


@transaction.atomic
def message_store(*, draft: MessageDraft) -> Message:
    """One message; a refusal is raised."""
    (outcome,) = messages_store(drafts=[draft])
    if isinstance(outcome, ApplicationError):
        raise outcome
    return outcome


def messages_send(*, drafts: Sequence[MessageDraft]) -> list[SendOutcome]:
    """A batch in a transaction of its own. A database error rolls it back
    and stores each draft in its own transaction, so the error stays with its
    draft. Outcomes are in the drafts' order."""
    try:
        with transaction.atomic():
            return messages_store(drafts=drafts)
    except DatabaseError:
        if len(drafts) == 1:
            raise
    return [_stored_alone(draft) for draft in drafts]


def _stored_alone(draft: MessageDraft) -> SendOutcome:
    try:
        with transaction.atomic():
            return messages_store(drafts=[draft])[0]
    except DatabaseError as error:
        return error


def messages_store(*, drafts: Sequence[MessageDraft]) -> list[Outcome]:
    """In the caller's transaction: each draft's stored message or refusal,
    in the drafts' order."""
    outcomes: list[Outcome | None] = [None] * len(drafts)
    bodies: dict[int, str] = {}
    for index, draft in enumerate(drafts):
        try:
            bodies[index] = message_body_clean(draft.body, required=draft.image is None)
        except ApplicationError as refusal:
            outcomes[index] = refusal
    batch = _Batch.read([drafts[index] for index in bodies])
    for round_ in _rounds(list(bodies), drafts):
        accepted = []
        for index in round_:
            try:
                flags = batch.check(drafts[index], bodies[index])
            except ApplicationError as refusal:
                outcomes[index] = refusal
            else:
                accepted.append(_Accepted(index, drafts[index], bodies[index], flags))
        for item, message in zip(accepted, _write(accepted, batch), strict=True):
            outcomes[item.index] = message
    return outcomes


def _rounds(indices: list[int], drafts: Sequence[MessageDraft]) -> list[list[int]]:
    """At most one draft per thread in a round; a thread's drafts in order."""
    rounds: list[list[int]] = []
    seen: dict[int, int] = {}
    for index in indices:
        depth = seen.get(drafts[index].thread_id, 0)
        seen[drafts[index].thread_id] = depth + 1
        if depth == len(rounds):
            rounds.append([])
        rounds[depth].append(index)
    return rounds


@dataclass
class _Batch:
    """What the checks read, once per batch, the threads row-locked."""

    allowed: set[tuple[int, int]]  # (user id, thread id): thread_is_for
    threads: dict[int, Thread]
    providers: dict[int, set[int]]  # by profile id
    blocks: set[tuple[int, int]]  # (blocker id, blocked id) among the batch's users
    answered: set[int] = field(default_factory=set)  # threads the providers wrote in

    @classmethod
    def read(cls, drafts: list[MessageDraft]) -> _Batch:
        """The requested threads are locked before the scope check, which needs
        their profiles: a thread id that is not the sender's locks that row for
        one batch, and nothing of it is read back to anyone."""
        threads = {
            thread.pk: thread
            for thread in Thread.objects.select_related(
                "profile__owner", "profile__away_reply"
            )
            .select_for_update(of=("self",))
            .filter(pk__in={draft.thread_id for draft in drafts})
            .order_by("pk")
        }
        providers = profiles_provider_user_ids(
            profiles=[thread.profile for thread in threads.values()]
        )
        allowed = {
            (draft.sender.pk, draft.thread_id)
            for draft in drafts
            if (thread := threads.get(draft.thread_id)) is not None
            and thread_is_for(
                thread=thread,
                user_id=draft.sender.pk,
                provider_side=providers[thread.profile_id],
            )
        }
        people = {d.sender.pk for d in drafts} | {t.client_id for t in threads.values()}
        people |= {user for side in providers.values() for user in side}
        return cls(
            allowed=allowed,
            threads=threads,
            providers=providers,
            blocks=set(
                Block.objects.filter(
                    blocker_id__in=people, blocked_id__in=people
                ).values_list("blocker_id", "blocked_id")
            ),
            answered=set(
                Message.objects.filter(thread_id__in=threads)
                .exclude(sender_id=F("thread__client_id"))
                .order_by()
                .values_list("thread_id", flat=True)
                .distinct()
            ),
        )

    def check(self, draft: MessageDraft, body: str) -> list[Flag]:
        """Every refusal of a message (raised), else the text check's flags."""
        if (draft.sender.pk, draft.thread_id) not in self.allowed:
            raise NotFound("Conversation not found.")
        thread, sender = self.threads[draft.thread_id], draft.sender
        if sender.is_suspended or self._blocked_between(sender.pk, thread):
            raise PermissionDenied(NEUTRAL_REFUSAL)
        owner = thread.profile.owner
        if sender.pk == thread.client_id and owner is not None and owner.is_suspended:
            # A suspended provider's profile is off the directory; its open
            # conversations take no new messages either (moderation.decisions).
            raise PermissionDenied(NEUTRAL_REFUSAL)
        return self._first_contact_flags(thread, sender, body)

    def _blocked_between(self, user_id: int, thread: Thread) -> bool:
        """Either side blocked the other: the client and any provider-side user."""
        others = (
            {thread.client_id}
            if user_id != thread.client_id
            else self.providers[thread.profile_id]
        )
        return any(
            (user_id, other) in self.blocks or (other, user_id) in self.blocks
            for other in others
        )

    def _first_contact_flags(
        self, thread: Thread, sender: User, body: str
    ) -> list[Flag]:
        """The automated text check of a client's messages until the provider
        side first writes (docs/automated-checks.md, "First messages"): banned
        or explicit wording is refused with the reason; contact details and
        watched terms are sent, and flagged for the moderators."""
        if not body or sender.pk != thread.client_id or thread.pk in self.answered:
            return []
        flags = text_flags(body, context=FIRST_MESSAGE, where="body")
        refuse_blocked_words(flags)
        return flags


@dataclass(frozen=True)
class _Accepted:
    index: int
    draft: MessageDraft
    body: str
    flags: list[Flag]


def _write(accepted: list[_Accepted], batch: _Batch) -> list[Message]:
    """One round: at most one message per thread."""
    messages = Message.objects.bulk_create(
        [
            Message(
                thread=batch.threads[item.draft.thread_id],
                sender=item.draft.sender,
                body_encrypted=crypto.encrypt(item.body),
            )
            for item in accepted
        ]
    )
    _threads_update(messages, batch)
    for item, message in zip(accepted, messages, strict=True):
        _report_flags(item, message)
    attachments = [
        _attach(message, item.draft.image) if item.draft.image else None
        for item, message in zip(accepted, messages, strict=True)
    ]
    # The notices are recorded with the messages; the sockets are best effort,
    # sent after commit to the participants read above.
    outbox_enqueue_each(notify_new_message, [(message.pk,) for message in messages])
    for message, attachment in zip(messages, attachments, strict=True):
        thread = message.thread
        participants = {thread.client_id, *batch.providers[thread.profile_id]}
        transaction.on_commit(
            lambda m=message, a=attachment, p=participants: message_created_fanout(
                message=m, attachment=a, user_ids=p
            )
        )
        # Under the thread's lock: one away reply per day, even when two
        # client messages arrive at once (messaging.away).
        if away_reply_after(thread=thread, message=message, user_ids=participants):
            batch.answered.add(thread.pk)
    return messages


def _threads_update(messages: list[Message], batch: _Batch) -> None:
    """The sender has read up to their message, and a new message brings an
    archived conversation back for the other side. One update per side, each
    thread's values read from its newest message, which is this round's: the
    thread is locked, and a round writes one message per thread. (The locked
    rows in memory are kept the same, for the rounds after this one.)"""
    now = timezone.now()
    by_side: dict[str, list[int]] = {"client": [], "provider": []}
    for message in messages:
        thread = message.thread
        side = side_of(thread=thread, user=message.sender)
        other = "provider" if side == "client" else "client"
        thread.last_message_at = message.created_at
        setattr(thread, f"{side}_last_read_id", message.pk)
        setattr(thread, f"{other}_archived", False)
        thread.updated_at = now
        by_side[side].append(thread.pk)
        if side == "provider":
            batch.answered.add(thread.pk)
    newest = Message.objects.filter(thread=OuterRef("pk")).order_by("-id")
    for side, other in (("client", "provider"), ("provider", "client")):
        if by_side[side]:
            Thread.objects.filter(pk__in=by_side[side]).update(
                last_message_at=Subquery(newest.values("created_at")[:1]),
                **{f"{side}_last_read_id": Subquery(newest.values("id")[:1])},
                **{f"{other}_archived": False},
                updated_at=now,
            )


def _report_flags(item: _Accepted, message: Message) -> None:
    if to_review := review_flags(item.flags):
        thread = message.thread
        flags_report(
            target=message,
            subject_user=item.draft.sender,
            flags=to_review,
            what="a first message to a provider",
            context={
                "thread_id": thread.pk,
                "profile_id": thread.profile_id,
                "message_id": message.pk,
                "body": item.body,
            },
        )


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
