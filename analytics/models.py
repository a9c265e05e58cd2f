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
