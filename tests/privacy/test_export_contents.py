"""The export of a richly seeded person holds every class of their data, their
own rows by id, and none of another person's (docs/privacy.md, "Export")."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Consent, Role, User
from analytics.models import ProfileDay, SavedReport
from core import crypto
from directory.models import EscortProfilePage, Favourite
from messaging.models import Message, Thread
from moderation.models import Report
from notifications.models import Notification
from payments.models import Payment
from privacy.exporting.registry import REGISTRY
from privacy.exporting.services import data_export_request
from privacy.models import DataExport
from reviews.models import Review
from tests.factories import UserFactory
from tests.factories.analytics import make_agency
from tests.factories.bookings import past_booking
from tests.factories.pages import add_photo, make_city, make_profile
from tests.factories.subscriptions import give_plan

pytestmark = pytest.mark.django_db


def _seed_pair(city, name: str) -> dict:  # noqa: ANN001
    """A provider with a profile, photo, plan, statistics, an agency and a
    saved report, and a client who booked, wrote, paid, reported and saved."""
    provider = UserFactory(role=Role.ESCORT, is_age_verified=True)
    client = UserFactory(role=Role.CLIENT)
    profile = make_profile(name, city=city, owner=provider)
    photo = add_photo(profile, caption=f"{name} in the garden")
    photo.image.uploaded_by_user = provider
    photo.image.save()
    booking = past_booking(profile, client, ended_ago=dt.timedelta(days=3))
    thread = Thread.objects.create(client=client, profile=profile)
    message = Message.objects.create(
        thread=thread, sender=client, body_encrypted=crypto.encrypt(f"Hi {name}")
    )
    review = Review.objects.create(
        booking=booking, profile=profile, author=client, rating=5, text="Lovely"
    )
    payment = Payment.objects.create(
        payer=client, purpose="other", reference_type="bookings.booking",
        reference_id=str(booking.pk), amount_minor=5000, currency="EUR",
        gateway="manual",
    )  # fmt: skip
    report = Report.objects.create(
        category="spam", reporter=client, evidence_encrypted="-", due_at=timezone.now(),
        target_content_type=ContentType.objects.get_for_model(EscortProfilePage),
        target_id=profile.pk,
    )  # fmt: skip
    agency, _owner = make_agency(f"{name} Agency")
    agency.memberships.create(user=provider, role="manager")
    return {
        "provider": provider,
        "client": client,
        "profile": profile,
        "image": photo.image,
        "booking": booking,
        "thread": thread,
        "message": message,
        "review": review,
        "payment": payment,
        "report": report,
        "subscription": give_plan(provider, "premium"),
        "day": ProfileDay.objects.create(profile=profile, day=dt.date(2026, 1, 5)),
        "favourite": Favourite.objects.create(client=client, profile=profile),
        "saved": SavedReport.objects.create(
            owner=provider, name="Mine", metric="signups", breakdown="day"
        ),
        "consent": Consent.objects.create(
            user=client, document="terms", version="1", accepted=True
        ),
        "notice": Notification.objects.create(
            recipient=client, kind="booking", title="t", url="/",
            created_at=timezone.now(),
        ),
        "session": UserSession.objects.create(
            user=client, session_key=f"{name}-key-0123456789", ip="203.0.113.9",
            user_agent="Firefox", last_seen_at=timezone.now(),
        ),
        "totp": Authenticator.objects.create(
            user=client, type=Authenticator.Type.TOTP, data={"secret": "TOPSECRET"}
        ),
    }  # fmt: skip


@pytest.fixture
def world() -> dict:
    city = make_city("Lisbon")
    return {"mine": _seed_pair(city, "Ines"), "theirs": _seed_pair(city, "Marta")}


def _export_of(user: User, django_capture_on_commit_callbacks) -> zipfile.ZipFile:  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(user=user)
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY, export.error
    return zipfile.ZipFile(io.BytesIO(export.file.open("rb").read()))


def _json(archive: zipfile.ZipFile, name: str) -> object:
    return json.loads(archive.read(name))


def _ids(rows: list[dict], key: str = "id") -> set:
    return {row[key] for row in rows}


def test_a_clients_export_holds_their_rows_and_nobody_elses(
    world: dict, django_capture_on_commit_callbacks
) -> None:
    mine, theirs = world["mine"], world["theirs"]
    archive = _export_of(mine["client"], django_capture_on_commit_callbacks)

    names = set(archive.namelist())
    assert {f"{c.key}.json" for c in REGISTRY} | {"manifest.json"} <= names
    manifest = _json(archive, "manifest.json")
    assert manifest["user_id"] == mine["client"].pk
    assert set(manifest["files"]) >= {f"{c.key}.json" for c in REGISTRY}

    account = _json(archive, "account.json")
    assert _ids(account["user"]) == {mine["client"].pk}
    assert _ids(account["consents"]) == {mine["consent"].pk}
    bookings = _json(archive, "bookings.json")
    assert _ids(bookings["as_client"]) == {mine["booking"].pk}
    assert bookings["as_provider"] == []
    messages = _json(archive, "messages.json")
    assert _ids(messages["threads"]) == {mine["thread"].pk}
    assert [(m["id"], m["body"]) for m in messages["messages"]] == [
        (mine["message"].pk, "Hi Ines")
    ]
    assert _ids(_json(archive, "reviews.json")["written"]) == {mine["review"].pk}
    assert _ids(_json(archive, "payments.json")["payments"]) == {mine["payment"].pk}
    moderation = _json(archive, "moderation.json")
    assert _ids(moderation["reports_made"]) == {mine["report"].pk}
    assert _ids(_json(archive, "favourites.json")) == {mine["favourite"].pk}
    notices = _json(archive, "notifications.json")["notifications"]
    assert _ids(notices) == {mine["notice"].pk}
    sessions = _json(archive, "sessions.json")
    assert _ids(sessions["sessions"]) == {mine["session"].pk}
    [authenticator] = sessions["authenticators"]
    assert set(authenticator) == {"id", "type", "created_at", "last_used_at"}
    assert (authenticator["id"], authenticator["type"]) == (mine["totp"].pk, "totp")
    raw = b"".join(archive.read(name) for name in names if name.endswith(".json"))
    assert b"TOPSECRET" not in raw  # MFA secrets never leave the database
    assert theirs["client"].email.encode() not in raw
    assert b"Hi Marta" not in raw


def test_a_providers_export_holds_profiles_revisions_photos_and_statistics(
    world: dict, django_capture_on_commit_callbacks
) -> None:
    mine, theirs = world["mine"], world["theirs"]
    archive = _export_of(mine["provider"], django_capture_on_commit_callbacks)

    profiles = _json(archive, "profiles.json")
    assert _ids(profiles["profiles"]) == {mine["profile"].pk}
    assert profiles["revisions"]
    assert {r["object_id"] for r in profiles["revisions"]} == {str(mine["profile"].pk)}
    assert profiles["revisions"][0]["content"]["title"] == "Ines"
    photos = _json(archive, "photos.json")
    assert _ids(photos, "image_id") == {mine["image"].pk}
    with mine["image"].file.open("rb") as original:
        assert archive.read(photos[0]["file"]) == original.read()
    assert not any(str(theirs["image"].pk) + "-" in n for n in archive.namelist())
    bookings = _json(archive, "bookings.json")
    assert _ids(bookings["as_provider"]) == {mine["booking"].pk}
    assert _ids(_json(archive, "reviews.json")["received"]) == {mine["review"].pk}
    assert _ids(_json(archive, "subscriptions.json")) == {mine["subscription"].pk}
    days = _json(archive, "analytics.json")["profile_days"]
    assert {d["profile_id"] for d in days} == {mine["profile"].pk}
    agencies = _json(archive, "agencies.json")["memberships"]
    assert [a["agency__name"] for a in agencies] == ["Ines Agency"]
    assert _ids(_json(archive, "saved_reports.json")["reports"]) == {mine["saved"].pk}
