"""Closing an account: the request (password, blockers explained, profiles
paused), cancelling, the hourly job (due, postponed, idempotent), the API, the
close page and the public receipt (docs/privacy.md, "Erasure")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AuditEntry
from bookings.models import Booking
from directory.models import Agency, AgencyMembership, EscortProfilePage
from moderation.services import report_create
from privacy.erasure.erase import account_erase
from privacy.erasure.services import (
    ClosureAlreadyScheduled,
    ClosureBlocked,
    account_closure_cancel,
    account_closure_request,
)
from privacy.erasure.tasks import erase_due_accounts
from privacy.models import AccountClosure
from tests.factories import UserFactory
from tests.factories.bookings import (
    bookable_profile,
    local_time,
    past_booking,
    request_booking,
)
from tests.factories.pages import make_city

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-1"  # noqa: S105 - a test account's
LATER = dt.timedelta(days=8)


def _person(**fields) -> User:  # noqa: ANN003
    user = UserFactory(**fields)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def person() -> User:
    return _person(role=Role.CLIENT)


@pytest.fixture
def provider() -> tuple[User, EscortProfilePage]:
    owner = _person(role=Role.ESCORT, is_age_verified=True)
    return owner, bookable_profile("Lena", city=make_city("Porto"), owner=owner)


# -- The request -----------------------------------------------------------


def test_request_schedules_seven_days_out_and_audits(person: User) -> None:
    closure = account_closure_request(user=person, password=PASSWORD)
    expected = timezone.now() + dt.timedelta(days=7)
    assert abs((closure.erase_after - expected).total_seconds()) < 60
    assert closure.status == AccountClosure.Status.SCHEDULED
    assert len(closure.receipt_token) >= 40
    entry = AuditEntry.objects.get(action="privacy.closure_requested")
    assert (entry.actor_id, entry.target_id) == (person.pk, closure.pk)


@pytest.mark.parametrize("password", ["", "wrong-password"])
def test_a_wrong_or_blank_password_is_refused(person: User, password: str) -> None:
    with pytest.raises(Exception) as caught:  # noqa: PT011 - checked below
        account_closure_request(user=person, password=password)
    assert caught.value.code == "validation_error"
    assert "password" in caught.value.fields
    assert not AccountClosure.objects.exists()


def test_a_second_request_is_already_scheduled(person: User) -> None:
    account_closure_request(user=person, password=PASSWORD)
    with pytest.raises(ClosureAlreadyScheduled):
        account_closure_request(user=person, password=PASSWORD)


def test_profiles_pause_at_once_and_come_back_on_cancel(provider) -> None:  # noqa: ANN001
    owner, profile = provider
    account_closure_request(user=owner, password=PASSWORD)
    assert not EscortProfilePage.objects.showable().filter(pk=profile.pk).exists()
    closure = account_closure_cancel(user=owner)
    assert closure.status == AccountClosure.Status.CANCELLED
    assert EscortProfilePage.objects.showable().filter(pk=profile.pk).exists()
    assert AuditEntry.objects.filter(action="privacy.closure_cancelled").count() == 1


def test_a_profile_paused_before_stays_paused_after_cancel(provider) -> None:  # noqa: ANN001
    owner, profile = provider
    EscortProfilePage.objects.filter(pk=profile.pk).update(paused_at=timezone.now())
    closure = account_closure_request(user=owner, password=PASSWORD)
    assert closure.paused_profile_ids == []
    account_closure_cancel(user=owner)
    assert EscortProfilePage.objects.get(pk=profile.pk).paused_at is not None


def test_cancel_without_a_closure_is_not_found(person: User) -> None:
    with pytest.raises(Exception) as caught:  # noqa: PT011 - checked below
        account_closure_cancel(user=person)
    assert caught.value.status_code == 404


# -- Blockers ----------------------------------------------------------------


def _blockers(user: User) -> dict:
    with pytest.raises(ClosureBlocked) as caught:
        account_closure_request(user=user, password=PASSWORD)
    assert caught.value.status_code == 409
    assert not AccountClosure.objects.filter(user=user).exists()
    return caught.value.fields


def test_an_upcoming_booking_blocks_the_client_and_the_provider(provider) -> None:  # noqa: ANN001
    owner, profile = provider
    client = _person(role=Role.CLIENT)
    request_booking(
        profile, client=client, start=local_time(profile.home_city, days=3, hour=14)
    )
    assert "Cancel it" in _blockers(client)["active_bookings"]
    assert "active_bookings" in _blockers(owner)


def test_a_held_deposit_blocks(provider, monkeypatch) -> None:  # noqa: ANN001
    owner, profile = provider
    booking = past_booking(profile, _person(role=Role.CLIENT))
    monkeypatch.setattr(
        "privacy.erasure.selectors.deposits_unsettled",
        lambda: Booking.objects.filter(pk=booking.pk),
    )
    assert "deposit" in _blockers(owner)["deposit_held"]


def test_an_open_report_on_a_booking_blocks(provider) -> None:  # noqa: ANN001
    owner, profile = provider
    client = _person(role=Role.CLIENT)
    booking = past_booking(profile, client)
    report_create(
        reporter=owner,
        category="spam",
        details="no-show",
        target=booking,
        evidence={},
        subject_user=client,
    )
    ContentType.objects.clear_cache()
    assert "open_dispute" in _blockers(client)


def test_an_agency_owner_with_members_is_blocked() -> None:
    owner = _person(role=Role.AGENCY)
    agency = Agency.objects.create(name="Velvet", slug="velvet")
    AgencyMembership.objects.create(agency=agency, user=owner, role="owner")
    AgencyMembership.objects.create(
        agency=agency, user=UserFactory(role=Role.AGENCY), role="manager"
    )
    assert "agency_members" in _blockers(owner)


def test_staff_is_blocked() -> None:
    assert "staff_account" in _blockers(_person(is_staff=True))


# -- The job -----------------------------------------------------------------


def test_the_job_erases_only_due_closures(
    person: User, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001, E501
    closure = account_closure_request(user=person, password=PASSWORD)
    assert erase_due_accounts() == 0
    AccountClosure.objects.filter(pk=closure.pk).update(
        erase_after=timezone.now() - dt.timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert erase_due_accounts() == 1
    assert erase_due_accounts() == 0  # idempotent
    person.refresh_from_db()
    assert not person.is_active
    assert AuditEntry.objects.filter(action="privacy.closure_completed").count() == 1
    assert len(mail.outbox) == 1
    assert not Client().login(
        email=f"erased-{person.pk}@invalid.example", password=PASSWORD
    )


def test_a_cancelled_closure_is_never_erased(person: User) -> None:
    closure = account_closure_request(user=person, password=PASSWORD)
    account_closure_cancel(user=person)
    assert account_erase(closure_id=closure.pk, now=timezone.now() + LATER) is None
    person.refresh_from_db()
    assert person.is_active


def test_a_booking_made_during_the_grace_period_postpones(provider) -> None:  # noqa: ANN001
    owner, profile = provider
    client = _person(role=Role.CLIENT)
    closure = account_closure_request(user=client, password=PASSWORD)
    request_booking(
        profile, client=client, start=local_time(profile.home_city, days=9, hour=14)
    )
    assert account_erase(closure_id=closure.pk, now=timezone.now() + LATER) is None
    closure.refresh_from_db()
    assert closure.status == AccountClosure.Status.SCHEDULED


# -- The API -----------------------------------------------------------------


def test_api_request_read_and_cancel(api_client, person: User) -> None:  # noqa: ANN001
    api_client.force_authenticate(person)
    assert api_client.get("/api/v1/me/closure").status_code == 404
    made = api_client.post("/api/v1/me/closure", {"password": PASSWORD}, format="json")
    assert made.status_code == 201
    assert made.json()["status"] == "scheduled"
    assert "/privacy/receipt/" in made.json()["receipt_url"]
    assert api_client.get("/api/v1/me/closure").json()["status"] == "scheduled"
    again = api_client.post("/api/v1/me/closure", {"password": PASSWORD}, format="json")
    assert (again.status_code, again.json()["error"]["code"]) == (
        409,
        "closure_already_scheduled",
    )
    assert api_client.delete("/api/v1/me/closure").json()["status"] == "cancelled"
    gone = api_client.delete("/api/v1/me/closure")
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize("body", [{}, {"password": ""}, {"password": "nope"}])
def test_api_bad_password_answers_400_in_the_error_shape(
    api_client, person, body
) -> None:  # noqa: ANN001, E501
    api_client.force_authenticate(person)
    answer = api_client.post("/api/v1/me/closure", body, format="json")
    assert answer.status_code == 400
    assert "password" in answer.json()["error"]["fields"]


def test_api_blocked_lists_the_blockers(api_client, provider) -> None:  # noqa: ANN001
    owner, profile = provider
    request_booking(profile, start=local_time(profile.home_city, days=3, hour=14))
    api_client.force_authenticate(owner)
    answer = api_client.post(
        "/api/v1/me/closure", {"password": PASSWORD}, format="json"
    )
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "closure_blocked"
    assert list(error["fields"]) == ["active_bookings"]


def test_api_needs_a_sign_in(api_client) -> None:  # noqa: ANN001
    assert api_client.post("/api/v1/me/closure", {}).status_code in (401, 403)


# -- Pages -------------------------------------------------------------------


def test_close_page_explains_then_schedules_then_cancels(
    client,
    person,
    django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    client.force_login(person)
    with django_assert_max_num_queries(20):
        page = client.get("/accounts/privacy/close/")
    body = page.content.decode()
    assert "Payments, invoices, bookings and payouts" in body
    assert "10 years" in body
    blank = client.post("/accounts/privacy/close/", {"password": ""})
    assert "Enter your password to confirm." in blank.content.decode()
    assert "Tick the box to confirm." in blank.content.decode()
    wrong = client.post("/accounts/privacy/close/", {"password": "x", "confirm": "on"})
    assert "The password is not correct." in wrong.content.decode()
    done = client.post(
        "/accounts/privacy/close/",
        {"password": PASSWORD, "confirm": "on"},
        follow=True,
    )
    closure = AccountClosure.objects.get(user=person)
    assert 'data-page="account-closure-scheduled"' in done.content.decode()
    assert closure.receipt_token in done.content.decode()
    client.post("/accounts/privacy/close/cancel/")
    closure.refresh_from_db()
    assert closure.status == AccountClosure.Status.CANCELLED


def test_close_page_shows_blockers(client, provider) -> None:  # noqa: ANN001
    owner, profile = provider
    request_booking(profile, start=local_time(profile.home_city, days=3, hour=14))
    client.force_login(owner)
    page = client.get("/accounts/privacy/close/").content.decode()
    assert 'data-blocker="active_bookings"' in page


def test_close_page_needs_a_sign_in(client) -> None:  # noqa: ANN001
    assert client.get("/accounts/privacy/close/").status_code == 302


def test_security_page_links_to_the_close_page(client, person) -> None:  # noqa: ANN001
    client.force_login(person)
    assert (
        "/accounts/privacy/close/" in client.get("/accounts/security/").content.decode()
    )


def test_receipt_page_by_token_only(client, person) -> None:  # noqa: ANN001
    closure = account_closure_request(user=person, password=PASSWORD)
    url = f"/privacy/receipt/{closure.receipt_token}/"
    assert client.get(url).status_code == 404  # not erased yet
    account_erase(closure_id=closure.pk, now=timezone.now() + LATER)
    shown = client.get(url)
    assert shown.status_code == 200
    body = shown.content.decode()
    assert "Account closures <span" in body
    assert "No fixed end" in body
    assert shown["X-Robots-Tag"] == "noindex"
    assert client.get("/privacy/receipt/not-a-token/").status_code == 404
    assert client.get(f"/privacy/receipt/{'x' * 300}/").status_code == 404
