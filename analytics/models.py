"""Daily figures (docs/analytics.md). Privacy by construction: rows are per
profile (or per account) and day; no address, no visitor id and no trail of
pages is ever stored.

Two sources fill ``ProfileDay``:

- what only the request sees (views, gallery opens, contact clicks) is counted
  in Redis on the request path and *added* by the flush task, as impressions are;
- what PostgreSQL already records (threads, messages, bookings and their events,
  deposits) is *recomputed* for a day by the rollup task, so a rerun or a late
  run sets the same numbers again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from directory.models import EscortProfilePage


def _count(help_text: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(default=0, help_text=help_text)


class ProfileDay(models.Model):
    profile = models.ForeignKey(
        EscortProfilePage, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()

    # Counted in Redis, added by the flush (each visitor once a day per figure).
    views = _count("Distinct visitors who opened the profile page.")
    gallery_opens = _count("Distinct visitors who opened a photo in the gallery.")
    contact_clicks = _count("Distinct visitors who pressed Message or Book.")

    # Recomputed from the database's own records by the rollup.
    conversations = _count("Threads clients started with this profile.")
    booking_requests = _count("Bookings requested for this profile.")
    bookings_confirmed = _count("Bookings that became confirmed this day.")
    bookings_completed = _count("Bookings that became completed this day.")
    replies = _count("First replies to a client's message, measured.")
    reply_seconds = models.PositiveBigIntegerField(
        default=0, help_text="Sum of the measured first-reply times, in seconds."
    )
    earnings_minor = models.BigIntegerField(
        default=0,
        help_text="Deposits kept for the provider this day (minor units of currency).",
    )
    currency = models.CharField(max_length=3, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "day"], name="analytics_profileday_unique"
            )
        ]
        indexes = [models.Index(fields=["day"], name="analytics_profileday_day")]

    def __str__(self) -> str:
        return f"{self.profile_id} {self.day}"


class UserActiveDay(models.Model):
    """The days an account was used (signed in and made a request): active users
    and retention by sign-up week. One row per account and day, no more."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"], name="analytics_useractiveday_unique"
            )
        ]
        indexes = [models.Index(fields=["day"], name="analytics_useractiveday_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class SavedReport(models.Model):
    """A report builder query kept under a name (docs/analytics-admin.md): a
    metric, a breakdown and either a rolling range ("last N days", ending on the
    day it is run) or fixed dates. Each person sees only their own."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=120)
    metric = models.CharField(max_length=40)
    breakdown = models.CharField(max_length=20)
    range_days = models.PositiveSmallIntegerField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        # The permission of every business report page and panel (granted to
        # the "Analysts" group by analytics/migrations/0002_reports.py).
        permissions = [("view_business_reports", "Can view business reports")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        range_days__gte=1,
                        start_date__isnull=True,
                        end_date__isnull=True,
                    )
                    | models.Q(
                        range_days__isnull=True,
                        start_date__isnull=False,
                        end_date__gte=models.F("start_date"),
                    )
                ),
                name="analytics_savedreport_one_range",
            )
        ]
        indexes = [models.Index(fields=["owner", "name"])]

    def __str__(self) -> str:
        return self.name


class ReportSubscription(models.Model):
    """An emailed copy of a saved report, weekly or monthly. ``next_run_at``
    advances in the transaction that records the send (analytics/reports.py),
    so a rerun of the beat task sends nothing twice."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    report = models.ForeignKey(
        SavedReport, on_delete=models.CASCADE, related_name="subscriptions"
    )
    subscriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(max_length=8, choices=Frequency.choices)
    next_run_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "subscriber"],
                name="analytics_reportsubscription_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=["weekly", "monthly"]),
                name="analytics_reportsubscription_frequency",
            ),
        ]
        indexes = [models.Index(fields=["next_run_at"])]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.subscriber_id} ({self.frequency})"
