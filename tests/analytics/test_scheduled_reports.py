"""Scheduled report emails (analytics/report_schedule.py): a due subscription
sends one email with the CSV attached, a rerun sends nothing, and the next
sending time for weekly (Mondays) and monthly (the 1st) schedules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from analytics.models import ReportSubscription, SavedReport
from analytics.report_schedule import (
    next_run_after,
    report_subscribe,
    report_subscriptions_send_due,
    report_unsubscribe,
)
from analytics.report_tasks import send_due_reports
from audit.models import AuditEntry
from tests.factories import UserFactory
from tests.factories.business_figures import signup
from tests.mfa import login_with_mfa

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (utc(2026, 3, 4, 10), utc(2026, 3, 9, 6)),  # Wednesday -> next Monday
        (utc(2026, 3, 9, 5, 59), utc(2026, 3, 9, 6)),  # Monday before sending time
        (utc(2026, 3, 9, 6), utc(2026, 3, 16, 6)),  # exactly at it: the next one
        (utc(2026, 12, 30, 8), utc(2027, 1, 4, 6)),  # across the year's end
    ],
)
def test_weekly_runs_on_mondays(after, expected):
    assert next_run_after(frequency="weekly", after=after) == expected


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (utc(2026, 1, 31, 12), utc(2026, 2, 1, 6)),  # the month's last day
        (utc(2026, 2, 28, 23), utc(2026, 3, 1, 6)),  # February's end
        (utc(2028, 2, 29, 7), utc(2028, 3, 1, 6)),  # a leap day
        (utc(2026, 3, 1, 5), utc(2026, 3, 1, 6)),  # the 1st before sending time
        (utc(2026, 3, 1, 6), utc(2026, 4, 1, 6)),  # the 1st at sending time
        (utc(2026, 12, 31, 22), utc(2027, 1, 1, 6)),  # December to January
    ],
)
def test_monthly_runs_on_the_first(after, expected):
    assert next_run_after(frequency="monthly", after=after) == expected


def test_sending_time_is_the_site_time_zones(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    timezone.deactivate()
    sent_at = next_run_after(frequency="monthly", after=utc(2026, 6, 15))
    assert sent_at == utc(2026, 7, 1, 4)  # 06:00 summer time in Berlin


@pytest.fixture
def subscription(analyst) -> ReportSubscription:  # noqa: ANN001
    report = SavedReport.objects.create(
        owner=analyst,
        name="Weekly sign-ups",
        metric="signups",
        breakdown="role",
        range_days=7,
    )
    return report_subscribe(
        report=report,
        subscriber=analyst,
        frequency="weekly",
        now=timezone.now() - dt.timedelta(days=8),
    )


def test_a_due_report_is_sent_once_with_its_csv(subscription):
    signup(timezone.now() - dt.timedelta(days=1), role=Role.ESCORT)
    signup(timezone.now() - dt.timedelta(days=2), role=Role.CLIENT)
    signup(timezone.now() - dt.timedelta(days=2), role=Role.CLIENT)
    now = timezone.now()

    assert report_subscriptions_send_due(now=now) == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["analyst@example.test"]
    assert email.subject == "Business report: Weekly sign-ups"
    assert "Client: 2" in email.body
    assert "Escort: 1" in email.body
    ((name, content, mimetype),) = email.attachments
    assert name.startswith("signups-by-role-") and name.endswith(".csv")
    assert mimetype == "text/csv; charset=utf-8"
    assert content.splitlines() == [
        "bucket,label,value",
        "client,Client,2",
        "escort,Escort,1",
    ]
    subscription.refresh_from_db()
    assert subscription.last_sent_at == now
    assert subscription.next_run_at == next_run_after(frequency="weekly", after=now)
    assert subscription.next_run_at > now

    # A rerun (a doubled beat, a retry) finds nothing due.
    assert report_subscriptions_send_due(now=now) == 0
    assert send_due_reports.apply().get() == 0
    assert len(mail.outbox) == 1


def test_not_yet_due_and_unsubscribed_send_nothing(subscription, analyst):
    ReportSubscription.objects.filter(pk=subscription.pk).update(
        next_run_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert report_subscriptions_send_due() == 0
    report_unsubscribe(report=subscription.report, subscriber=analyst)
    assert not ReportSubscription.objects.exists()
    assert mail.outbox == []


def test_a_failing_address_stays_due_and_the_others_go(subscription, monkeypatch):
    other = UserFactory(email="second@example.test", role=Role.STAFF)
    report_subscribe(
        report=subscription.report,
        subscriber=other,
        frequency="monthly",
        now=timezone.now() - dt.timedelta(days=40),
    )
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send

    def send(message, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if message.to == ["analyst@example.test"]:
            raise OSError("SMTP refused")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)
    assert report_subscriptions_send_due() == 1
    assert [m.to for m in mail.outbox] == [["second@example.test"]]
    subscription.refresh_from_db()
    assert subscription.last_sent_at is None
    assert subscription.next_run_at <= timezone.now()


def test_subscribe_and_unsubscribe_on_the_saved_report_page(client, analyst):
    login_with_mfa(client, analyst)
    report = SavedReport.objects.create(
        owner=analyst,
        name="Monthly",
        metric="bookings",
        breakdown="status",
        range_days=30,
    )
    url = f"/cms/analytics/reports/saved/{report.pk}/subscription/"
    assert client.post(url, {"frequency": "monthly"}).status_code == 302
    subscription = ReportSubscription.objects.get(report=report, subscriber=analyst)
    assert subscription.frequency == "monthly"
    assert subscription.next_run_at.astimezone(UTC).day == 1
    page = client.get(f"/cms/analytics/reports/saved/{report.pk}/").content.decode()
    assert "You get this report monthly" in page
    assert client.post(url, {"frequency": "yearly"}).status_code == 302
    assert ReportSubscription.objects.get(pk=subscription.pk).frequency == "monthly"
    assert client.post(url, {"unsubscribe": "1"}).status_code == 302
    assert not ReportSubscription.objects.exists()
    actions = list(
        AuditEntry.objects.filter(target_id=report.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["analytics.report_subscribed", "analytics.report_unsubscribed"]
