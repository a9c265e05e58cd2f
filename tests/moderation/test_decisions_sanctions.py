"""Suspension and ban: the provider's profiles leave every public surface at
once (page, city page, search page and API, API v1 and v2, sitemap), their
sessions end, their sockets are told to close, and lifting the suspension
(by a moderator or the beat task) brings back exactly what it took."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEntry
from bookings.services import BookingInput, booking_request
from core.consumers import CLOSE_ACCOUNT_CLOSED
from core.exceptions import NotFound, PermissionDenied
from directory.models import EscortProfilePage
from messaging.consumers import MessagesConsumer
from messaging.services import message_send, thread_start
from moderation.decisions import SOCKET_CLOSE_EVENT, decision_take, sanction_lift
from moderation.models import Decision, Sanction, Statement
from moderation.tasks import expire_sanctions
from notifications.models import Notification
from tests.factories.pages import EscortOwnerFactory
from tests.factories.search import live_city, live_profile
from tests.moderation.decision_world import (
    client_account,
    in_days,
    moderator,
    report_profile,
    surfaces,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # noqa: ANN201
    city = live_city("Lisbon", slug="lisbon-mod")
    owner = EscortOwnerFactory(display_name="Marisol")
    first = live_profile("Marisol", city=city, owner=owner, slug="marisol")
    second = live_profile("Valentina", city=city, owner=owner, slug="valentina")
    bystander = live_profile("Odette", city=city, slug="odette")
    city.refresh_from_db()
    return {
        "city_url": city.url,
        "owner": owner,
        "first": first,
        "second": second,
        "bystander": bystander,
        "urls": {p.pk: p.url for p in (first, second, bystander)},
        "mod": moderator(),
    }


def everywhere(world, key: str) -> dict[str, bool]:  # noqa: ANN001
    profile = world[key]
    return surfaces(profile, url=world["urls"][profile.pk], city_url=world["city_url"])


ALL = dict.fromkeys(
    [
        "page",
        "city",
        "search_page",
        "search_api",
        "api_v1",
        "api_v1_list",
        "api_v2",
        "sitemap",
    ],
    True,
)
NONE = dict.fromkeys(ALL, False)


def test_suspension_takes_every_profile_off_every_surface_and_lifting_restores_them(
    world, django_capture_on_commit_callbacks
):
    assert everywhere(world, "first") == ALL
    assert everywhere(world, "second") == ALL
    report = report_profile(world["first"], reporter=client_account())
    with django_capture_on_commit_callbacks(execute=True):
        decision = decision_take(
            actor=world["mod"],
            report=report,
            action="suspend",
            reason_code="scam",
            note="Deposits asked outside the platform.",
            suspend_until=in_days(14),
        )
    owner = User.objects.get(pk=world["owner"].pk)
    assert owner.is_suspended
    sanction = Sanction.objects.get(decision=decision)
    assert sanction.kind == "suspension"
    assert sorted(sanction.unpublished_page_ids) == sorted(
        [world["first"].pk, world["second"].pk]
    )
    assert everywhere(world, "first") == NONE
    assert everywhere(world, "second") == NONE
    assert everywhere(world, "bystander") == ALL  # nobody else's

    statement = Statement.objects.get(decision=decision)
    assert statement.user == owner
    assert statement.ground_clause == "3.2"
    assert "suspended your account until" in statement.summary

    with django_capture_on_commit_callbacks(execute=True):
        lift = sanction_lift(
            actor=moderator("Second"), sanction=sanction, reason_code="scam"
        )
    assert lift.action == "lift" and not lift.automated
    assert not User.objects.get(pk=owner.pk).is_suspended
    assert everywhere(world, "first") == ALL
    assert everywhere(world, "second") == ALL
    assert Notification.objects.filter(
        recipient=owner, title="Your account is open again"
    ).exists()
    actions = set(
        AuditEntry.objects.filter(target_type="moderation.decision").values_list(
            "action", flat=True
        )
    )
    assert {"moderation.decision.suspend", "moderation.decision.lift"} <= actions


def test_lifting_does_not_republish_a_profile_its_owner_may_no_longer_show(
    world, django_capture_on_commit_callbacks
):
    decision = decision_take(
        actor=world["mod"],
        report=None,
        action="ban",
        reason_code="trafficking",
        affected_user=world["owner"],
    )
    sanction = decision.sanction
    assert sanction.kind == "ban" and sanction.ends_at is None
    # Meanwhile the owner's verification was withdrawn: the publication gate
    # keeps the profiles offline even when the ban is lifted.
    User.objects.filter(pk=world["owner"].pk).update(is_age_verified=False)
    sanction_lift(actor=world["mod"], sanction=sanction, reason_code="trafficking")
    assert not EscortProfilePage.objects.filter(
        owner=world["owner"], live=True
    ).exists()


def test_sessions_end_and_sockets_are_told_to_close(
    world, django_capture_on_commit_callbacks
):
    browser = Client()
    browser.force_login(world["owner"])
    other = Client()
    other.force_login(world["mod"])
    assert browser.get("/dashboard/").status_code == 200
    with (
        mock.patch("moderation.decisions.user_send") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        decision_take(
            actor=world["mod"],
            report=None,
            action="suspend",
            reason_code="spam",
            affected_user=world["owner"],
            suspend_until=in_days(3),
        )
    send.assert_called_once_with(world["owner"].pk, SOCKET_CLOSE_EVENT)
    response = browser.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Session.objects.count() == 1  # the moderator's stays


def test_an_expired_suspension_is_lifted_by_the_beat_task(
    world, django_capture_on_commit_callbacks
):
    decision = decision_take(
        actor=world["mod"],
        report=None,
        action="suspend",
        reason_code="spam",
        affected_user=world["owner"],
        suspend_until=in_days(1),
    )
    ban_elsewhere = decision_take(
        actor=world["mod"],
        report=None,
        action="ban",
        reason_code="spam",
        affected_user=world["bystander"].owner,
    )
    assert expire_sanctions.delay().get() == 0  # not yet
    Sanction.objects.filter(decision=decision).update(
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_sanctions.delay().get() == 1
    sanction = Sanction.objects.get(decision=decision)
    assert sanction.lifted_at is not None
    assert sanction.lifted_by.automated and sanction.lifted_by.actor is None
    assert not User.objects.get(pk=world["owner"].pk).is_suspended
    assert everywhere(world, "first") == ALL
    assert Sanction.objects.get(decision=ban_elsewhere).lifted_at is None  # a ban stays
    assert expire_sanctions.delay().get() == 0  # idempotent
    assert Decision.objects.filter(action="lift").count() == 1


def test_a_ban_replaces_a_running_suspension_and_keeps_what_it_took(world):
    suspension = decision_take(
        actor=world["mod"],
        report=None,
        action="suspend",
        reason_code="spam",
        affected_user=world["owner"],
        suspend_until=in_days(3),
    )
    ban = decision_take(
        actor=world["mod"],
        report=None,
        action="ban",
        reason_code="scam",
        affected_user=world["owner"],
    )
    old = Sanction.objects.get(decision=suspension)
    assert old.lifted_by == ban
    assert sorted(ban.sanction.unpublished_page_ids) == sorted(
        [world["first"].pk, world["second"].pk]
    )
    sanction_lift(actor=world["mod"], sanction=ban.sanction, reason_code="scam")
    assert (
        EscortProfilePage.objects.filter(owner=world["owner"], live=True).count() == 2
    )


def test_every_user_socket_closes_on_the_suspension_event():
    consumer = MessagesConsumer()
    with mock.patch.object(MessagesConsumer, "close") as close:
        # Channels dispatches "account.closed" to the handler "account_closed".
        handler = getattr(consumer, SOCKET_CLOSE_EVENT["type"].replace(".", "_"))
        async_to_sync(handler)(SOCKET_CLOSE_EVENT)
    close.assert_called_once_with(code=CLOSE_ACCOUNT_CLOSED)


def test_a_suspended_providers_profiles_take_no_messages_or_booking_requests(world):
    client = client_account("Writer")
    thread, _ = thread_start(client=client, profile_id=world["first"].pk, body="Hi")
    decision_take(
        actor=world["mod"],
        report=None,
        action="suspend",
        reason_code="spam",
        affected_user=world["owner"],
        suspend_until=in_days(3),
    )
    with pytest.raises(NotFound):
        thread_start(client=client, profile_id=world["second"].pk, body="Hello")
    with pytest.raises(PermissionDenied):
        message_send(thread_id=thread.pk, sender=client, body="Are you there?")
    with pytest.raises(NotFound):
        booking_request(
            client=client,
            data=BookingInput(
                profile_id=world["first"].pk, rate_id=1, start=in_days(2)
            ),
        )
