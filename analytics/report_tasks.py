"""The beat task of scheduled report emails (docs/analytics-admin.md). Hourly:
each run sends what is due; a doubled or late run sends nothing twice
(analytics/report_schedule.py)."""

from __future__ import annotations

from celery import shared_task

from analytics.report_schedule import report_subscriptions_send_due


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_due_reports() -> int:
    return report_subscriptions_send_due()
