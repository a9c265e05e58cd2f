"""Demo verification queue: four providers waiting (specimen document and
selfie drawn with Pillow: "SPECIMEN — DEMO", no faces), and a week of past
decisions so the moderators' waiting-time figures have something to show.
Fictional people; idempotent (anyone who already has a request is skipped)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User
from verification.models import VerificationAttestation, VerificationRequest
from verification.services import challenge_issue, verification_submit

SPECIMEN = "SPECIMEN — DEMO"
# email, display name, hours waiting, document as PDF
PENDING = [
    ("pending.verification1@demo.test", "Ilse Example", 50, False),
    ("pending.verification2@demo.test", "Mara Sample", 26, True),
    ("pending.verification3@demo.test", "Tess Placeholder", 9, False),
    ("pending.verification4@demo.test", "Yara Specimen", 2, False),
]
# email, display name, days ago decided, hours waited, refusal reason ("" = approved)
DECIDED = [
    ("decided.verification1@demo.test", "Anouk Example", 6, 5, ""),
    ("decided.verification2@demo.test", "Bea Sample", 5, 11, ""),
    ("decided.verification3@demo.test", "Cleo Placeholder", 4, 3, "unreadable"),
    ("decided.verification4@demo.test", "Dora Specimen", 3, 20, ""),
    ("decided.verification5@demo.test", "Edda Example", 2, 7, "expired"),
    ("decided.verification6@demo.test", "Fenna Sample", 1, 30, ""),
]  # fmt: skip


def seed(*, log: Callable[[str], None]) -> None:
    moderator = User.objects.filter(email="moderator@demo.test").first()
    for email, name, hours, as_pdf in PENDING:
        user = _demo_user(email=email, name=name)
        if VerificationRequest.objects.filter(user=user).exists():
            continue
        request = _submit(user=user, as_pdf=as_pdf)
        VerificationRequest.objects.filter(pk=request.pk).update(
            created_at=timezone.now() - dt.timedelta(hours=hours)
        )
        log(f"verification waiting for {email}")
    for email, name, days_ago, waited, reason in DECIDED:
        user = _demo_user(email=email, name=name)
        if VerificationRequest.objects.filter(user=user).exists():
            continue
        _decided(
            user=user,
            moderator=moderator,
            days_ago=days_ago,
            waited=waited,
            reason=reason,
        )
        log(f"verification decided for {email}")


def seed_pending_request(*, user: User) -> VerificationRequest | None:
    """A waiting request with specimen files for another app's demo user (the
    onboarding stages in directory's demo); None if the user has one already."""
    if VerificationRequest.objects.filter(user=user).exists():
        return None
    return _submit(user=user, as_pdf=False)


def logins() -> list[tuple[str, str, str]]:
    return [("Escort (verification pending)", PENDING[0][0], DEMO_PASSWORD)]


def _demo_user(*, email: str, name: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": name, "role": Role.ESCORT}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _submit(*, user: User, as_pdf: bool) -> VerificationRequest:
    code = challenge_issue(user=user).code
    document = _document(user.display_name)
    if as_pdf:
        upload = SimpleUploadedFile("document.pdf", _encode(document, "PDF"))
    else:
        upload = SimpleUploadedFile("document.jpg", _encode(document, "JPEG"))
    selfie = SimpleUploadedFile("selfie.jpg", _encode(_selfie(code), "JPEG"))
    return verification_submit(user=user, code=code, document=upload, selfie=selfie)


def _decided(
    *, user: User, moderator: User | None, days_ago: int, waited: int, reason: str
) -> None:
    """A past decision as the service leaves it (no files, an attestation),
    written directly because its times lie in the past."""
    decided_at = timezone.now() - dt.timedelta(days=days_ago)
    submitted_at = decided_at - dt.timedelta(hours=waited)
    approved = not reason
    request = VerificationRequest.objects.create(
        user=user,
        code="DEMO00",
        status="approved" if approved else "refused",
        reason=reason,
        decided_at=decided_at,
        decided_by=moderator,
    )
    VerificationRequest.objects.filter(pk=request.pk).update(created_at=submitted_at)
    VerificationAttestation.objects.create(
        user=user,
        request_id=request.pk,
        outcome="approved" if approved else "refused",
        over_18_checked=approved,
        reason=reason,
        decided_by=moderator,
        decided_at=decided_at,
        submitted_at=submitted_at,
    )
    if approved:
        user.is_age_verified, user.age_verified_at = True, decided_at
        user.save(update_fields=["is_age_verified", "age_verified_at"])


def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _document(name: str) -> Image.Image:
    card = Image.new("RGB", (1000, 630), (233, 228, 214))
    draw = ImageDraw.Draw(card)
    draw.rectangle((20, 20, 980, 610), outline=(120, 110, 90), width=4)
    draw.text(
        (50, 45), "IDENTITY CARD · DEMO REPUBLIC", fill=(60, 55, 45), font=_font(34)
    )
    draw.rectangle((50, 130, 330, 480), fill=(200, 196, 186))  # no photo, no face
    draw.text((95, 290), "NO PHOTO", fill=(120, 115, 105), font=_font(34))
    lines = [f"Name: {name}", "Date of birth: 01.01.1990", "Number: DEMO-000000",
             "Expires: 31.12.2035"]  # fmt: skip
    for row, line in enumerate(lines):
        draw.text((370, 150 + 60 * row), line, fill=(40, 40, 40), font=_font(32))
    draw.text((120, 520), SPECIMEN, fill=(190, 30, 45), font=_font(64))
    return card


def _selfie(code: str) -> Image.Image:
    picture = Image.new("RGB", (720, 960), (62, 70, 92))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((240, 120, 480, 400), fill=(150, 150, 160))  # a silhouette only
    draw.rectangle((190, 420, 530, 900), fill=(150, 150, 160))
    draw.rectangle((140, 560, 580, 780), fill=(250, 250, 245))  # the paper
    draw.text((185, 610), code, fill=(20, 20, 20), font=_font(96))
    draw.text((120, 40), SPECIMEN, fill=(255, 200, 80), font=_font(56))
    return picture


def _encode(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    image.save(out, format=image_format, quality=85)
    return out.getvalue()
