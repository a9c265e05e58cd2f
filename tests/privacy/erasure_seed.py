"""A person with data in every corner of the site, for the erasure's coverage
test (and a neighbour whose data must stay untouched)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from accounts.models import Consent, Role, User
from accounts.services import consent_record
from analytics.models import UserActiveDay
from audit.models import AuditEntry
from audit.services import audit_record
from bookings.models import Booking, BookingEvent
from core.crypto import encrypt
from directory.models import EscortProfilePage
from directory.services import favourite_add
from messaging.models import Block, Message, MessageTemplate, Thread
from messaging.services import message_send, thread_start
from moderation.services import report_create
from notifications.services import notify
from payments.models import Payment
from privacy.models import DataExport
from reviews.models import ClientAssessment, Review
from subscriptions.models import Invoice
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile, past_booking
from tests.factories.pages import add_photo, add_tour, make_city, verify_photo
from tests.factories.subscriptions import give_plan
from tests.mfa import totp_for
from verification.models import VerificationAttestation

EMAIL = "mara.secret@example.com"
NAME = "Mara Secretname"
PRIVATE = "my-private-words-7f3a"  # in every free text the person wrote


@dataclass
class Seeded:
    user: User
    profile: EscortProfilePage
    neighbour: User
    neighbour_profile: EscortProfilePage
    neighbour_client: User


def seed_rich_user(password: str = "a-long-password-1") -> Seeded:  # noqa: S107
    city = make_city("Lisbon")
    user = UserFactory(
        email=EMAIL, display_name=NAME, role=Role.ESCORT, is_age_verified=True
    )
    user.set_password(password)
    user.save()
    neighbour = UserFactory(role=Role.ESCORT, is_age_verified=True)
    neighbour_client = UserFactory(role=Role.CLIENT)
    profile = bookable_profile("Mara", city=city, owner=user)
    other = bookable_profile("Nadia", city=city, owner=neighbour)
    seeded = Seeded(user, profile, neighbour, other, neighbour_client)
    _account(user)
    _content(seeded)
    _bookings(seeded)
    _conversations(seeded)
    _cases(seeded)
    _audit(seeded)
    return seeded


def _account(user: User) -> None:
    EmailAddress.objects.get_or_create(
        user=user, email=EMAIL, defaults={"verified": True, "primary": True}
    )
    totp_for(user)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    UserSession.objects.create(
        user=user, session_key=session.session_key, ip="203.0.113.9", user_agent="x"
    )
    consent_record(
        user=user,
        document=Consent.Document.TERMS,
        accepted=True,
        source=Consent.Source.SIGNUP_HTML,
    )
    subscription = give_plan(user, "premium")
    Invoice.objects.create(
        number="INV-MARA-1",
        subscription=subscription,
        user=user,
        kind=Invoice.Kind.START,
        plan=subscription.plan,
        period_start=subscription.current_period_start,
        period_end=subscription.current_period_end,
        amount_minor=7900,
        currency="EUR",
        status=Invoice.Status.PAID,
    )
    notify(recipient=user, kind="booking", title=f"About {NAME}", url="/dashboard/")
    UserActiveDay.objects.create(user=user, day=timezone.localdate())
    DataExport.objects.create(user=user, token="export-token-mara")
    audit_record(actor=user, action="test.acted", target=user)
    VerificationAttestation.objects.create(
        user=user,
        request_id=987654,
        outcome="approved",
        method="document",
        over_18_checked=True,
        decided_at=timezone.now(),
        submitted_at=timezone.now(),
    )


def _audit(seeded: Seeded) -> None:
    user = seeded.user
    # A moderator's entries about her, her profile, and one quoting her address.
    moderator = UserFactory(is_staff=True, email="moderator.kept@example.com")
    audit_record(actor=moderator, action="test.verified", target=user)
    audit_record(actor=moderator, action="test.approved", target=seeded.profile)
    AuditEntry.objects.create(
        actor=moderator,
        actor_label=moderator.email,
        action="test.invited",
        target_type="directory.agencyinvitation",
        target_id=1,
        target_label=f"Invitation for {EMAIL}",
    )
    audit_record(actor=moderator, action="test.other", target=seeded.neighbour)


def _content(seeded: Seeded) -> None:
    photo = add_photo(seeded.profile, caption=PRIVATE, is_primary=True)
    photo.image.uploaded_by_user = seeded.user
    photo.image.save()
    verify_photo(photo)
    today = timezone.localdate()
    add_tour(
        seeded.profile,
        city=seeded.profile.home_city,
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=32),
    )
    favourite_add(client=seeded.user, profile_id=seeded.neighbour_profile.pk)
    favourite_add(client=seeded.neighbour_client, profile_id=seeded.profile.pk)
    MessageTemplate.objects.create(owner=seeded.user, title="Hi", body=PRIVATE)
    Block.objects.create(blocker=seeded.user, blocked=UserFactory())


def _bookings(seeded: Seeded) -> None:
    # As a client of the neighbour: a completed booking she paid and reviewed.
    mine = past_booking(seeded.neighbour_profile, seeded.user)
    Booking.objects.filter(pk=mine.pk).update(note=PRIVATE, meeting_place=PRIVATE)
    BookingEvent.objects.create(
        booking=mine, actor=seeded.user, to_status="completed", reason=PRIVATE
    )
    Payment.objects.create(
        payer=seeded.user,
        purpose="deposit",
        reference_type="bookings.booking",
        reference_id=str(mine.pk),
        amount_minor=5000,
        currency="EUR",
        gateway="manual",
        status="succeeded",
    )
    Review.objects.create(
        booking=mine,
        profile=seeded.neighbour_profile,
        author=seeded.user,
        rating=5,
        text=PRIVATE,
        status=Review.Status.PUBLISHED,
    )
    # As the provider: a client's completed booking on her profile, assessed.
    theirs = past_booking(seeded.profile, seeded.neighbour_client)
    Booking.objects.filter(pk=theirs.pk).update(note=PRIVATE)
    ClientAssessment.objects.create(
        booking=theirs,
        client=seeded.neighbour_client,
        assessor=seeded.user,
        showed_up=True,
    )
    # The neighbour's own business with another client stays as it is.
    past_booking(seeded.neighbour_profile, seeded.neighbour_client)


def _conversations(seeded: Seeded) -> None:
    # She once wrote to the neighbour as a client (only clients start
    # conversations through the service, so the row is written directly).
    as_client = Thread.objects.create(
        client=seeded.user, profile=seeded.neighbour_profile
    )
    Message.objects.create(
        thread=as_client, sender=seeded.user, body_encrypted=encrypt(PRIVATE)
    )
    message_send(thread_id=as_client.pk, sender=seeded.neighbour, body="Hello Mara")
    on_hers, _ = thread_start(
        client=seeded.neighbour_client, profile_id=seeded.profile.pk, body="Hi"
    )
    message_send(thread_id=on_hers.pk, sender=seeded.user, body=PRIVATE)
    # The neighbour's conversation with someone else stays.
    thread_start(
        client=seeded.neighbour_client,
        profile_id=seeded.neighbour_profile.pk,
        body="Are you free on Friday?",
    )


def _cases(seeded: Seeded) -> None:
    # She reported someone; someone reported her (a case about her).
    report_create(
        reporter=seeded.user,
        category="spam",
        details=PRIVATE,
        target=seeded.neighbour_client,
        evidence={},
        subject_user=seeded.neighbour_client,
    )
    report_create(
        reporter=seeded.neighbour_client,
        category="spam",
        details="Fake photos",
        target=seeded.profile,
        evidence={},
        subject_user=seeded.user,
    )
    ContentType.objects.clear_cache()
