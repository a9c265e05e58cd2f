"""Booking assignment to an agency's staff (docs/agency-tools.md): the service's
scopes and refusals, the audit trace, the notice, the page's form, "My queue"
and the API."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client

from accounts.models import Role, User
from audit.models import AuditEntry
from bookings.events import BOOKING_ASSIGNED
from bookings.models import Booking
from bookings.services import booking_assign
from core.exceptions import NotFound, PermissionDenied, ValidationFailed
from directory.models import Agency, AgencyMembership
from notifications.models import Notification
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile, local_time, request_booking
from tests.factories.pages import EscortOwnerFactory, make_city

pytestmark = pytest.mark.django_db


def _agency(name: str, *, owner: User) -> Agency:
    agency = Agency.objects.create(name=name, slug=name.lower())
    AgencyMembership.objects.create(agency=agency, user=owner, role="owner")
    return agency


def _staff(agency: Agency, **fields) -> User:  # noqa: ANN003
    user = UserFactory(role=Role.AGENCY, **fields)
    AgencyMembership.objects.create(agency=agency, user=user, role="manager")
    return user


@pytest.fixture
def city():  # noqa: ANN201
    return make_city("Vienna", country="Austria", time_zone="Europe/Vienna")


@pytest.fixture
def manager(db) -> User:  # noqa: ANN001
    return UserFactory(role=Role.AGENCY, display_name="Marta")


@pytest.fixture
def agency(manager: User) -> Agency:
    return _agency("Velvet", owner=manager)


@pytest.fixture
def staff(agency: Agency) -> User:
    return _staff(agency, display_name="Sofia")


@pytest.fixture
def escort(db) -> User:  # noqa: ANN001
    return EscortOwnerFactory(display_name="Nora")


@pytest.fixture
def profile(city, agency: Agency, escort: User):  # noqa: ANN001, ANN201
    profile = bookable_profile("Nora", city=city, owner=escort)
    profile.agency = agency
    profile.save(update_fields=["agency"])
    return profile


def _book(profile, *, days: int = 2, hour: int = 14) -> Booking:  # noqa: ANN001
    return request_booking(
        profile, start=local_time(profile.home_city, days=days, hour=hour)
    )


@pytest.fixture
def booking(profile) -> Booking:  # noqa: ANN001
    return _book(profile)


# --- service ---------------------------------------------------------------------


def test_a_manager_assigns_a_staff_member_who_is_notified(manager, staff, booking):
    booking_assign(actor=manager, booking=booking, assignee=staff)
    booking.refresh_from_db()
    assert booking.assigned_to == staff
    entry = AuditEntry.objects.get(action=BOOKING_ASSIGNED, target_id=booking.pk)
    assert entry.actor == manager
    assert entry.data == {
        "agency": booking.profile.agency_id,
        "assignee": staff.pk,
        "previous": None,
    }
    notice = Notification.objects.get(recipient=staff)
    assert notice.kind == "booking"
    assert notice.url == f"/dashboard/bookings/{booking.pk}/"
    assert f"#{booking.pk}" in notice.title


def test_assigning_yourself_sends_no_notice(staff, booking):
    booking_assign(actor=staff, booking=booking, assignee=staff)
    assert Booking.objects.get(pk=booking.pk).assigned_to == staff
    assert not Notification.objects.filter(recipient=staff).exists()


def test_unassign_and_reassign_leave_a_trace_each(manager, staff, booking):
    booking_assign(actor=manager, booking=booking, assignee=staff)
    booking_assign(actor=manager, booking=booking, assignee=None)
    assert Booking.objects.get(pk=booking.pk).assigned_to is None
    data = list(
        AuditEntry.objects.filter(action=BOOKING_ASSIGNED)
        .order_by("pk")
        .values_list("data", flat=True)
    )
    assert [(d["assignee"], d["previous"]) for d in data] == [
        (staff.pk, None),
        (None, staff.pk),
    ]
    # The same assignment again changes nothing and writes nothing.
    booking_assign(actor=manager, booking=booking, assignee=None)
    assert AuditEntry.objects.filter(action=BOOKING_ASSIGNED).count() == 2


def test_a_manager_of_another_agency_is_refused_without_leaking(manager, booking):
    other_manager = _staff(_agency("Onyx", owner=UserFactory(role=Role.AGENCY)))
    with pytest.raises(ValidationFailed) as refused:
        booking_assign(actor=manager, booking=booking, assignee=other_manager)
    assert refused.value.status_code == 400
    assert refused.value.fields == {
        "assignee": ["Choose a member of this agency's staff."]
    }
    assert "Onyx" not in str(refused.value.fields)
    assert Booking.objects.get(pk=booking.pk).assigned_to is None
    assert not AuditEntry.objects.filter(action=BOOKING_ASSIGNED).exists()


def test_another_agencys_booking_is_not_found(booking):
    outsider = _staff(_agency("Onyx", owner=UserFactory(role=Role.AGENCY)))
    with pytest.raises(NotFound):
        booking_assign(actor=outsider, booking=booking, assignee=outsider)


def test_the_client_cannot_assign_their_own_booking(booking, staff):
    with pytest.raises(NotFound):
        booking_assign(actor=booking.client, booking=booking, assignee=staff)


def test_the_listed_escort_sees_but_may_not_assign(escort, staff, booking):
    with pytest.raises(PermissionDenied):
        booking_assign(actor=escort, booking=booking, assignee=staff)


def test_an_independents_booking_cannot_be_assigned(city):
    owner = EscortOwnerFactory()
    booking = _book(bookable_profile("Iris", city=city, owner=owner))
    with pytest.raises(ValidationFailed) as refused:
        booking_assign(actor=owner, booking=booking, assignee=None)
    assert refused.value.message == "Only agency bookings can be assigned."


def test_a_removed_staff_member_cannot_be_assigned(manager, staff, booking):
    AgencyMembership.objects.filter(user=staff).delete()
    with pytest.raises(ValidationFailed):
        booking_assign(actor=manager, booking=booking, assignee=staff)


# --- pages -----------------------------------------------------------------------


def _signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def test_the_detail_page_offers_the_agency_staff(manager, staff, booking):
    page = _signed_in(manager).get(f"/dashboard/bookings/{booking.pk}/")
    html = page.content.decode()
    assert 'name="assignee"' in html
    assert f'value="{staff.pk}"' in html and "Sofia" in html


def test_the_escort_sees_the_assignee_without_the_form(escort, manager, staff, booking):
    booking_assign(actor=manager, booking=booking, assignee=staff)
    html = _signed_in(escort).get(f"/dashboard/bookings/{booking.pk}/").content.decode()
    assert 'name="assignee"' not in html
    assert "Sofia" in html


def test_an_independents_booking_page_has_no_assignment(city):
    owner = EscortOwnerFactory()
    booking = _book(bookable_profile("Iris", city=city, owner=owner))
    html = _signed_in(owner).get(f"/dashboard/bookings/{booking.pk}/").content.decode()
    assert "Assigned to" not in html


def test_the_form_assigns_and_redirects(manager, staff, booking):
    response = _signed_in(manager).post(
        f"/dashboard/bookings/{booking.pk}/assign/", {"assignee": str(staff.pk)}
    )
    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).assigned_to == staff


@pytest.mark.parametrize("value", ["abc", "999999999999", "0"])
def test_the_form_refuses_bad_values_with_a_message(manager, booking, value):
    response = _signed_in(manager).post(
        f"/dashboard/bookings/{booking.pk}/assign/", {"assignee": value}
    )
    assert response.status_code == 400
    assert "Choose a member of this agency&#x27;s staff." in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).assigned_to is None


def test_the_form_on_another_agencys_booking_is_404(booking):
    outsider = _staff(_agency("Onyx", owner=UserFactory(role=Role.AGENCY)))
    response = _signed_in(outsider).post(
        f"/dashboard/bookings/{booking.pk}/assign/", {"assignee": str(outsider.pk)}
    )
    assert response.status_code == 404


def test_my_queue_lists_what_is_assigned_to_me_soonest_first(
    manager, staff, profile, django_assert_max_num_queries
):
    later, sooner, other = (
        _book(profile, days=5),
        _book(profile, days=3),
        _book(profile, days=4),
    )
    for booking in (later, sooner):
        booking_assign(actor=manager, booking=booking, assignee=staff)
    booking_assign(actor=manager, booking=other, assignee=manager)
    browser = _signed_in(staff)
    response = browser.get("/dashboard/bookings/?assigned=me")
    html = response.content.decode()
    assert 'data-section="queue"' in html
    assert html.index(f'data-booking="{sooner.pk}"') < html.index(
        f'data-booking="{later.pk}"'
    )
    assert f'data-booking="{other.pk}"' not in html
    # A handled booking leaves the queue.
    Booking.objects.filter(pk=sooner.pk).update(status=Booking.Status.DECLINED)
    html = browser.get("/dashboard/bookings/?assigned=me").content.decode()
    assert f'data-booking="{sooner.pk}"' not in html
    with django_assert_max_num_queries(12) as small:
        browser.get("/dashboard/bookings/?assigned=me")
    count = len(small)  # now: the next request resets the connection's log
    for days in range(6, 12):
        booking_assign(actor=manager, booking=_book(profile, days=days), assignee=staff)
    # The header's badge counts are cached: the new notices refill them once.
    browser.get("/dashboard/bookings/?assigned=me")
    with django_assert_max_num_queries(count):
        browser.get("/dashboard/bookings/?assigned=me")


# --- API -------------------------------------------------------------------------


def _assign_url(booking: Booking) -> str:
    return f"/api/v1/bookings/{booking.pk}/assign"


def test_api_assigns_and_unassigns(api_client, manager, staff, booking):
    api_client.force_authenticate(manager)
    response = api_client.post(
        _assign_url(booking), {"assignee": staff.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["assigned_to"] == staff.pk
    response = api_client.post(_assign_url(booking), {"assignee": None}, format="json")
    assert response.json()["assigned_to"] is None


def test_api_refuses_another_agencys_manager_with_a_field_error(
    api_client, manager, booking
):
    other_manager = _staff(_agency("Onyx", owner=UserFactory(role=Role.AGENCY)))
    api_client.force_authenticate(manager)
    response = api_client.post(
        _assign_url(booking), {"assignee": other_manager.pk}, format="json"
    )
    error = assert_error_shape(response, 400, "validation_error")
    assert set(error["fields"]) == {"assignee"}
    assert "Onyx" not in response.content.decode()


@pytest.mark.parametrize(
    "payload", [{}, {"assignee": "x"}, {"assignee": 0}, {"assignee": 10**12}]
)
def test_api_refuses_bad_input(api_client, manager, booking, payload):
    api_client.force_authenticate(manager)
    response = api_client.post(_assign_url(booking), payload, format="json")
    assert_error_shape(response, 400)


def test_api_another_agencys_booking_is_404(api_client, booking):
    outsider = _staff(_agency("Onyx", owner=UserFactory(role=Role.AGENCY)))
    api_client.force_authenticate(outsider)
    response = api_client.post(
        _assign_url(booking), {"assignee": outsider.pk}, format="json"
    )
    assert_error_shape(response, 404, "not_found")


def test_api_list_filters_my_assignments_in_constant_queries(
    api_client, manager, staff, profile, django_assert_max_num_queries
):
    mine = _book(profile, days=2)
    _book(profile, days=3)
    booking_assign(actor=manager, booking=mine, assignee=staff)
    api_client.force_authenticate(staff)
    with django_assert_max_num_queries(10) as small:
        response = api_client.get("/api/v1/bookings?assigned=me")
    count = len(small)  # now: the next request resets the connection's log
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    for days in range(4, 9):
        booking_assign(actor=manager, booking=_book(profile, days=days), assignee=staff)
    with django_assert_max_num_queries(count):
        response = api_client.get("/api/v1/bookings?assigned=me")
    assert len(response.json()["results"]) == 6
    assert_error_shape(api_client.get("/api/v1/bookings?assigned=them"), 400)


# --- the staff check under locks -------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_membership_removed_while_assigning_is_refused(manager, staff, booking):
    """Real connections. An owner removes Sofia from the staff while a manager
    assigns her: the service waits on her membership row and then finds it
    gone. A plain existence check would have seen the uncommitted row still
    there and assigned a non-member."""
    locked = threading.Event()
    outcome: list[str] = []

    def remove() -> None:
        try:
            with transaction.atomic():
                AgencyMembership.objects.select_for_update().get(user=staff)
                locked.set()
                time.sleep(1.5)  # the assignment starts meanwhile and waits
                AgencyMembership.objects.filter(user=staff).delete()
        finally:
            connection.close()

    def assign() -> None:
        locked.wait(timeout=20)
        try:
            booking_assign(actor=manager, booking=booking, assignee=staff)
            outcome.append("assigned")
        except ValidationFailed:
            outcome.append("refused")
        finally:
            connection.close()

    runners = [threading.Thread(target=remove), threading.Thread(target=assign)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=60)
    assert outcome == ["refused"]
    assert Booking.objects.get(pk=booking.pk).assigned_to is None
