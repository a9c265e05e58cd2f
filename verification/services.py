"""Writes of verification (docs/verification.md): codes, submissions,
decisions, re-requests and per-photo verification. Files are written last and
deleted whenever the row that names them is not committed or is decided."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from notifications.models import Kind
from notifications.services import Email, notify
from verification import events
from verification.files import file_read, file_store, files_delete, upload_check
from verification.models import (
    PhotoVerification,
    RefusalReason,
    VerificationAttestation,
    VerificationChallenge,
    VerificationRequest,
    VerificationRerequest,
)
from verification.selectors import open_rerequest_of, profile_photos_of
from verification.signals import photos_verified

# No 0/O, 1/I/L, 5/S or 8/B: read off a screen and held up to a camera.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"
CODE_LENGTH = 6
DECIDE_PERMISSION = "verification.decide_verification"
PAGE_URL = "/dashboard/verification/"


class UnderAge(ApplicationError):
    """Raised after an approval was turned into an ``under_18`` refusal, which
    stays recorded: the person is not verified."""

    status_code = 400
    code = "under_18"
    default_message = (
        "Not approved: the date of birth shows a person under 18. The request "
        "was refused and the person is not verified."
    )


def challenge_issue(*, user: User) -> VerificationChallenge:
    """The user's unexpired, unused code, or a fresh one."""
    now = timezone.now()
    current = (
        VerificationChallenge.objects.filter(
            user=user, used_at__isnull=True, expires_at__gt=now
        )
        .order_by("-expires_at")
        .first()
    )
    if current is not None:
        return current
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return VerificationChallenge.objects.create(
                    user=user,
                    code=_new_code(),
                    expires_at=now + settings.VERIFICATION_CODE_TTL,
                )
        except IntegrityError:  # the code was taken: draw again
            continue
    raise Conflict("No code could be issued. Please try again.")


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verification_submit(
    *, user: User, code: str, document: UploadedFile, selfie: UploadedFile
) -> VerificationRequest:
    """Check both files first (nothing is stored on a refusal), then take the
    code and create the request in one transaction, writing the encrypted files
    last; if that transaction fails the files are deleted again."""
    checked_document = upload_check(document, field="document", allow_pdf=True)
    checked_selfie = upload_check(selfie, field="selfie", allow_pdf=False)
    stored: list[str] = []
    try:
        with transaction.atomic():
            challenge = _challenge_take(user=user, code=code)
            _check_may_submit(user=user)
            request = VerificationRequest(
                user=user,
                code=challenge.code,
                document_content_type=checked_document.content_type,
                selfie_content_type=checked_selfie.content_type,
            )
            stored.append(file_store(checked_document.data))
            request.document.name = stored[-1]
            stored.append(file_store(checked_selfie.data))
            request.selfie.name = stored[-1]
            try:
                with transaction.atomic():
                    request.save()
            except IntegrityError:  # a concurrent submission won the race
                raise Conflict(
                    "A verification request of yours is already waiting."
                ) from None
            events.verification_submitted_event(request=request)
    except BaseException:
        files_delete(stored)
        raise
    return request


def _challenge_take(*, user: User, code: str) -> VerificationChallenge:
    normalised = "".join(code.split()).upper()
    challenge = (
        VerificationChallenge.objects.select_for_update()
        .filter(user=user, code=normalised)
        .first()
    )
    message = None
    if challenge is None:
        message = "This is not your current code. Use the code shown on your page."
    elif challenge.used_at is not None:
        message = "This code was already used. Ask for a new code."
    elif challenge.expires_at <= timezone.now():
        message = "This code has expired. Ask for a new code."
    if message:
        raise ValidationFailed(message, fields={"code": [message]})
    challenge.used_at = timezone.now()
    challenge.save(update_fields=["used_at"])
    return challenge


def _check_may_submit(*, user: User) -> None:
    if VerificationRequest.objects.pending().filter(user=user).exists():
        raise Conflict("A verification request of yours is already waiting.")
    if _is_verified(user) and open_rerequest_of(user=user) is None:
        raise Conflict("You are already verified.")


def _is_verified(user: User) -> bool:
    # From the database: the caller's instance may predate a decision.
    return User.objects.filter(pk=user.pk, is_age_verified=True).exists()


@dataclass(frozen=True)
class Photo:
    image_id: int
    file_hash: str


def verification_decide(
    *,
    request: VerificationRequest,
    actor: User,
    approve: bool,
    date_of_birth: dt.date | None = None,
    reason: str = "",
    note: str = "",
    verified_photos: list[Photo] | None = None,
) -> VerificationRequest:
    """Approve (with the date of birth read from the document, which is not
    kept) or refuse. An approval of someone under 18 by that date is recorded
    as an ``under_18`` refusal, then ``UnderAge`` is raised."""
    _check_moderator(actor)
    if actor.pk == request.user_id:
        raise PermissionDenied("Nobody decides their own verification.")
    under_18 = False
    if approve:
        under_18 = not _adult(_dob_checked(date_of_birth))
        if under_18:
            approve, reason, note = False, RefusalReason.UNDER_18, ""
    else:
        _check_refusal(reason=reason, note=note)
    decided = _decide(
        request=request,
        actor=actor,
        approve=approve,
        reason=reason,
        note=note.strip(),
        photos=verified_photos or [],
    )
    if under_18:
        raise UnderAge()
    return decided


def verification_file_open(
    *, request: VerificationRequest, actor: User, which: str
) -> bytes:
    """A waiting request's document or selfie, decrypted, for a moderator; each
    opening is audited (who looked at whose identity document, and when)."""
    _check_moderator(actor)
    if which not in ("document", "selfie"):
        raise NotFound()
    name = getattr(request, which).name
    if request.status != VerificationRequest.Status.PENDING or not name:
        raise NotFound("The files are deleted once a request is decided.")
    try:
        data = file_read(name)
    except (FileNotFoundError, InvalidToken):
        raise NotFound() from None
    events.verification_file_viewed_event(request=request, actor=actor, which=which)
    return data


def _check_moderator(actor: User) -> None:
    if not actor.is_active or not actor.has_perm(DECIDE_PERMISSION):
        raise PermissionDenied("Only moderators decide verifications.")


def _dob_checked(date_of_birth: dt.date | None) -> dt.date:
    message = None
    if date_of_birth is None:
        message = "Enter the date of birth shown on the document."
    elif date_of_birth > timezone.localdate():
        message = "The date of birth is in the future."
    elif date_of_birth.year < 1900:
        message = "The date of birth is not plausible."
    if message:
        raise ValidationFailed(message, fields={"date_of_birth": [message]})
    return date_of_birth


def _adult(date_of_birth: dt.date) -> bool:
    today = timezone.localdate()
    before_birthday = (today.month, today.day) < (
        date_of_birth.month,
        date_of_birth.day,
    )
    return today.year - date_of_birth.year - before_birthday >= 18


def _check_refusal(*, reason: str, note: str) -> None:
    if reason not in RefusalReason.values:
        message = "Choose the reason for the refusal."
        raise ValidationFailed(message, fields={"reason": [message]})
    if reason == RefusalReason.OTHER and not note.strip():
        message = "Explain the refusal: the person reads this note."
        raise ValidationFailed(message, fields={"note": [message]})


@transaction.atomic
def _decide(
    *,
    request: VerificationRequest,
    actor: User,
    approve: bool,
    reason: str,
    note: str,
    photos: list[Photo],
) -> VerificationRequest:
    request = (
        VerificationRequest.objects.select_for_update()
        .select_related("user")
        .get(pk=request.pk)
    )
    if request.status != VerificationRequest.Status.PENDING:
        raise Conflict("This request was already decided.")
    now = timezone.now()
    files = [request.document.name, request.selfie.name]
    _request_close(request, actor=actor, approve=approve, reason=reason, note=note)
    _attest(request, over_18_checked=approve)
    _user_flag(request.user, verified=approve, now=now)
    VerificationRerequest.objects.filter(
        user=request.user, closed_at__isnull=True
    ).update(closed_at=now)
    if approve:
        events.verification_approved_event(request=request, actor=actor)
        if photos:
            photos_verify(user=request.user, actor=actor, photos=photos)
    else:
        events.verification_refused_event(request=request, actor=actor)
    _notify_decision(request)
    # The files go once the decision is committed; the row names none already
    # (the database's check constraint holds it to that).
    transaction.on_commit(lambda: files_delete(files))
    return request


def _request_close(
    request: VerificationRequest, *, actor: User, approve: bool, reason: str, note: str
) -> None:
    Status = VerificationRequest.Status
    request.status = Status.APPROVED if approve else Status.REFUSED
    request.reason = "" if approve else reason
    request.note = "" if approve else note
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.document = ""
    request.selfie = ""
    request.save()


def _attest(request: VerificationRequest, *, over_18_checked: bool) -> None:
    Outcome = VerificationAttestation.Outcome
    VerificationAttestation.objects.create(
        user=request.user,
        request_id=request.pk,
        outcome=Outcome.APPROVED if over_18_checked else Outcome.REFUSED,
        over_18_checked=over_18_checked,
        reason=request.reason,
        note=request.note,
        decided_by=request.decided_by,
        decided_at=request.decided_at,
        submitted_at=request.created_at,
    )


def _user_flag(user: User, *, verified: bool, now: dt.datetime) -> None:
    """Approval sets the flag; a refusal clears it if it was set. Saving the
    user reindexes their profiles (search's post_save receiver), so a cleared
    flag drops them from search and public pages at once."""
    if verified:
        user.is_age_verified, user.age_verified_at = True, now
    elif user.is_age_verified:
        user.is_age_verified, user.age_verified_at = False, None
    else:
        return
    user.save(update_fields=["is_age_verified", "age_verified_at"])


def _notify_decision(request: VerificationRequest) -> None:
    link = _page_link()
    if request.status == VerificationRequest.Status.APPROVED:
        title = "Your identity and age are verified."
        body = (
            "A moderator verified your identity and age. Your identity document "
            f"and selfie have been deleted.\n\nSee where you stand: {link}"
        )
    else:
        reason = RefusalReason(request.reason).label
        title = f"Your verification was not approved: {reason}."
        note = f"Moderator's note: {request.note}\n" if request.note else ""
        body = (
            f"A moderator could not approve your verification.\n\n"
            f"Reason: {reason}.\n{note}\nYour document and selfie have been "
            "deleted. You can try again with a new code and new photos: "
            f"{link}"
        )
    notify(
        recipient=request.user,
        kind=Kind.VERIFICATION,
        title=title,
        url=PAGE_URL,
        email=Email(subject=title, body=body),
        dedupe_key=f"verification:{request.pk}",
    )


def _page_link() -> str:
    return settings.SITE_URL.rstrip("/") + PAGE_URL


def verification_rerequest(
    *, user: User, actor: User, reason: str
) -> VerificationRerequest:
    """Ask a verified person to verify again. Nothing changes for their live
    profiles until the next decision (a refusal then clears the flag)."""
    _check_moderator(actor)
    reason = reason.strip()
    if not reason:
        message = "Say why the person must verify again: they read this."
        raise ValidationFailed(message, fields={"reason": [message]})
    if not _is_verified(user):
        raise Conflict("This person is not verified: there is nothing to renew.")
    try:
        with transaction.atomic():
            rerequest = VerificationRerequest.objects.create(
                user=user, reason=reason[:1000], requested_by=actor
            )
            events.verification_rerequested_event(rerequest=rerequest, actor=actor)
            notify(
                recipient=user,
                kind=Kind.VERIFICATION,
                title="Please verify your identity again.",
                url=PAGE_URL,
                email=Email(
                    subject="Please verify your identity again",
                    body=(
                        "A moderator asks you to verify your identity and age "
                        f"again.\n\nReason: {reason}\n\nYour profile stays as it "
                        "is meanwhile. Start from your verification page: "
                        f"{_page_link()}"
                    ),
                ),
                dedupe_key=f"verification-rerequest:{rerequest.pk}",
            )
    except IntegrityError:
        raise Conflict("A renewal was already asked of this person.") from None
    return rerequest


def photos_verify(
    *, user: User, actor: User, photos: list[Photo]
) -> list[PhotoVerification]:
    """State that these photos (image id and content hash) show ``user``. Only
    photos the profile-photo hook lists for the user, with their current
    hash, are accepted; an already verified one is left as it is."""
    _check_moderator(actor)
    listed = {(p["image_id"], p["file_hash"]) for p in profile_photos_of(user=user)}
    unknown = [p for p in photos if (p.image_id, p.file_hash) not in listed]
    if unknown:
        message = "Only this person's current profile photos can be verified."
        raise ValidationFailed(message, fields={"photos": [message]})
    created = []
    with transaction.atomic():
        for photo in photos:
            row, is_new = PhotoVerification.objects.get_or_create(
                image_id=photo.image_id,
                file_hash=photo.file_hash,
                defaults={"user": user, "verified_by": actor},
            )
            if is_new:
                events.photo_verified_event(
                    user=user,
                    actor=actor,
                    image_id=photo.image_id,
                    file_hash=photo.file_hash,
                )
                created.append(row)
        if created:
            # In the transaction, so receivers record their follow-up (a
            # reindex through the outbox) with its cause (invariant 11).
            photos_verified.send(sender=PhotoVerification, user=user)
    return created
