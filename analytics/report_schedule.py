"""Scheduled report emails (docs/analytics-admin.md, "Scheduled reports").

Weekly reports go out on Mondays, monthly ones on the 1st, at SEND_HOUR in the
site time zone: fixed days, so a month's end never shifts the schedule (a
subscription made on 31 January is next sent on 1 February, then 1 March).

Sending once: the beat task locks due subscriptions with
``select_for_update(skip_locked=True)``, sends, and moves ``next_run_at`` past
now in the same transaction. A second run at the same time skips the locked
rows; a later rerun finds them no longer due. If Redis loses a beat message
nothing is lost: the due rows stay in PostgreSQL and the next hourly run sends
them (so no outbox entry is needed here)."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from analytics.models import ReportSubscription, SavedReport
from analytics.report_events import (
    report_subscribed_event,
    report_unsubscribed_event,
)
from analytics.report_exports import (
    CSV_TYPE,
    report_csv,
    report_display_rows,
    report_filename,
)
from analytics.reports import report_run, saved_report_spec

logger = logging.getLogger(__name__)

SEND_HOUR = 6
EMAIL_ROWS = 20  # rows in the email's text; the attachment has them all

Frequency = ReportSubscription.Frequency


def next_run_after(*, frequency: str, after: dt.datetime) -> dt.datetime:
    """The first sending time strictly after ``after``."""
    zone = timezone.get_default_timezone()
    local = after.astimezone(zone)
    if frequency == Frequency.WEEKLY:
        day = local.date() - dt.timedelta(days=local.weekday())  # this Monday
        step = dt.timedelta(days=7)
        candidate = dt.datetime.combine(day, dt.time(SEND_HOUR), tzinfo=zone)
        while candidate <= after:
            day += step
            candidate = dt.datetime.combine(day, dt.time(SEND_HOUR), tzinfo=zone)
        return candidate
    day = local.date().replace(day=1)
    candidate = dt.datetime.combine(day, dt.time(SEND_HOUR), tzinfo=zone)
    while candidate <= after:
        day = (day + dt.timedelta(days=32)).replace(day=1)
        candidate = dt.datetime.combine(day, dt.time(SEND_HOUR), tzinfo=zone)
    return candidate


def report_subscribe(
    *,
    report: SavedReport,
    subscriber: User,
    frequency: str,
    now: dt.datetime | None = None,
) -> ReportSubscription:
    """Subscribe, or change the frequency of an existing subscription."""
    now = now or timezone.now()
    with transaction.atomic():
        subscription, _created = ReportSubscription.objects.update_or_create(
            report=report,
            subscriber=subscriber,
            defaults={
                "frequency": frequency,
                "next_run_at": next_run_after(frequency=frequency, after=now),
            },
        )
        report_subscribed_event(actor=subscriber, subscription=subscription)
    return subscription


@transaction.atomic
def report_unsubscribe(*, report: SavedReport, subscriber: User) -> None:
    deleted, _ = ReportSubscription.objects.filter(
        report=report, subscriber=subscriber
    ).delete()
    if deleted:
        report_unsubscribed_event(actor=subscriber, report=report)


def _email(subscription: ReportSubscription, *, today: dt.date) -> EmailMessage:
    report = subscription.report
    result = report_run(spec=saved_report_spec(report=report, today=today))
    rows = report_display_rows(result)
    context = {
        "report": report,
        "spec": result.spec,
        "rows": rows[:EMAIL_ROWS],
        "more": max(len(rows) - EMAIL_ROWS, 0),
        "frequency": subscription.get_frequency_display().lower(),
    }
    message = EmailMessage(
        subject=_("Business report: %(name)s") % {"name": report.name},
        body=render_to_string("analytics/admin/email/report.txt", context),
        to=[subscription.subscriber.email],
    )
    message.attach(report_filename(result, "csv"), report_csv(result), CSV_TYPE)
    return message


def report_subscriptions_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every due subscription once; the number sent. One transaction per
    subscription, so a failing address (left due, retried by the next run)
    neither blocks nor resends the others."""
    now = now or timezone.now()
    today = now.astimezone(timezone.get_default_timezone()).date()
    due = (
        ReportSubscription.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(next_run_at__lte=now, subscriber__is_active=True)
        .select_related("report", "subscriber")
        .order_by("next_run_at", "pk")
    )
    tried: list[int] = []
    sent = 0
    while True:
        with transaction.atomic():
            subscription = due.exclude(pk__in=tried).first()
            if subscription is None:
                return sent
            tried.append(subscription.pk)
            try:
                _email(subscription, today=today).send()
            except Exception:  # SMTP and friends: stays due for the next run
                logger.exception("report email %s not sent", subscription.pk)
                continue
            subscription.last_sent_at = now
            subscription.next_run_at = next_run_after(
                frequency=subscription.frequency, after=now
            )
            subscription.save(update_fields=["last_sent_at", "next_run_at"])
            sent += 1
