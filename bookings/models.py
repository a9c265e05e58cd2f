"""Bookings: a provider's availability and policy, and requests that become
engagements. Overlaps are refused by PostgreSQL itself (docs/architecture.md,
invariant 3).

Two spans, one rule. A *request* holds exactly the time asked for; once the
provider takes it (accepted, deposit due, confirmed) its span grows by the
provider's buffers. The exclusion constraint forbids any two active spans of one
profile to overlap, so:

- two requests for the same time: the second is refused (409);
- requests that touch only each other's buffer zones may wait side by side, and
  accepting one declines the neighbours its buffered span now covers;
- nothing can be requested inside a taken booking's buffers.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimestampedModel
from core.switches import switch_enabled
from directory.models import CityPage, Currency, EscortProfilePage, ProfileRate

# Long enough for a street address with a hotel name and room; short enough that
# the field cannot carry a letter.
MEETING_PLACE_MAX = 200


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class BookingPolicy(TimestampedModel):
    """The provider's rules. A profile without a row takes the defaults below
    (``bookings.selectors.policy_for`` returns an unsaved one)."""

    profile = models.OneToOneField(
        EscortProfilePage, on_delete=models.CASCADE, related_name="booking_policy"
    )
    requires_acceptance = models.BooleanField(
        _("requests need my acceptance"),
        default=True,
        help_text=_("Off: a free slot is booked at once."),
    )
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        default=120,
        validators=[MaxValueValidator(7 * 24 * 60)],
    )
    max_days_ahead = models.PositiveSmallIntegerField(
        _("bookable days ahead"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    buffer_before_minutes = models.PositiveSmallIntegerField(
        _("buffer before (minutes)"), default=0, validators=[MaxValueValidator(240)]
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        _("buffer after (minutes)"), default=30, validators=[MaxValueValidator(240)]
    )
    daily_cap = models.PositiveSmallIntegerField(
        _("bookings per day at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    cancellation_window_hours = models.PositiveSmallIntegerField(
        _("free cancellation until (hours before)"),
        default=24,
        validators=[MaxValueValidator(24 * 14)],
    )
    allows_reschedule = models.BooleanField(_("one reschedule allowed"), default=True)
    request_expiry_hours = models.PositiveSmallIntegerField(
        _("unanswered requests expire after (hours)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    deposit_percent = models.PositiveSmallIntegerField(
        _("deposit (% of the price)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("0: no deposit. Paid through the payments step."),
    )
    calendar_token = models.CharField(
        max_length=64, unique=True, default=new_calendar_token, editable=False
    )

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policies")

    @property
    def deposit_percent_asked(self) -> int:
        """The percentage new bookings are asked for: the provider's, unless
        the ``deposits`` feature switch is off (then none; bookings that already
        carry a deposit keep it). The request form and ``deposit_for`` read it."""
        return self.deposit_percent if switch_enabled("deposits") else 0

    def deposit_for(self, price_minor: int) -> int:
        """The one deposit formula: a whole percentage of the price, rounded
        down to a minor unit (the client never pays more than the percentage)."""
        return price_minor * self.deposit_percent_asked // 100

    def __str__(self) -> str:
        return f"Policy of {self.profile_id}"


class AvailabilityRule(models.Model):
    """Weekly hours in the local time of where the provider is that day. An end
    at or before the start runs past midnight into the next day."""

    profile = models.ForeignKey(
        EscortProfilePage, on_delete=models.CASCADE, related_name="availability_rules"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(start_time=F("end_time")),
                name="bookings_rule_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6),
                name="bookings_rule_weekday",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time}-{self.end_time}"


class AvailabilityException(models.Model):
    """A dated change: time off (the whole day without times) or extra hours."""

    class Kind(models.TextChoices):
        OFF = "off", _("Time off")
        EXTRA = "extra", _("Extra hours")

    profile = models.ForeignKey(
        EscortProfilePage,
        on_delete=models.CASCADE,
        related_name="availability_exceptions",
    )
    date = models.DateField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            # Both times or neither; extra hours always need them.
            models.CheckConstraint(
                condition=Q(start_time__isnull=True, end_time__isnull=True, kind="off")
                | (
                    Q(start_time__isnull=False, end_time__isnull=False)
                    & ~Q(start_time=F("end_time"))
                ),
                name="bookings_exception_times",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class BookingQuerySet(models.QuerySet):
    def active(self) -> BookingQuerySet:
        return self.filter(status__in=Booking.ACTIVE)

    def taken(self) -> BookingQuerySet:
        return self.filter(status__in=Booking.TAKEN)


class Booking(TimestampedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DEPOSIT_DUE = "deposit_due", _("Deposit due")
        CONFIRMED = "confirmed", _("Confirmed")
        COMPLETED = "completed", _("Completed")
        DECLINED = "declined", _("Declined")
        CANCELLED_BY_CLIENT = "cancelled_by_client", _("Cancelled by client")
        CANCELLED_BY_PROVIDER = "cancelled_by_provider", _("Cancelled by provider")
        EXPIRED = "expired", _("Expired")
        NO_SHOW = "no_show", _("No-show")

    Location = ProfileRate.Kind

    # Statuses whose span the exclusion constraint guards.
    ACTIVE = (
        Status.REQUESTED,
        Status.ACCEPTED,
        Status.DEPOSIT_DUE,
        Status.CONFIRMED,
    )
    # Taken by the provider: the span includes the buffers.
    TAKEN = (Status.ACCEPTED, Status.DEPOSIT_DUE, Status.CONFIRMED)

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    profile = models.ForeignKey(
        EscortProfilePage, on_delete=models.PROTECT, related_name="bookings"
    )
    city = models.ForeignKey(CityPage, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    span = DateTimeRangeField()
    duration_minutes = models.PositiveSmallIntegerField()
    location = models.CharField(max_length=8, choices=Location.choices)
    price_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, choices=Currency.choices)
    deposit_minor = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=1000, blank=True)
    # Where an outcall happens (an address, a hotel and room): private to the two
    # sides, never on a public page, feed or notice. Empty for incall.
    meeting_place = models.CharField(max_length=MEETING_PLACE_MAX, blank=True)
    status = models.CharField(
        max_length=24, choices=Status.choices, default=Status.REQUESTED
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    # The agency staff member handling the booking (docs/agency-tools.md). That
    # they are staff of the profile's agency spans tables, so no constraint can
    # say it: ``booking_assign`` checks it under the row lock.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["client", "start"]),
            models.Index(fields=["profile", "start"]),
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["status", "end"]),
            models.Index(fields=["assigned_to", "start"]),
        ]
        constraints = [
            ExclusionConstraint(
                name="bookings_no_overlap",
                expressions=[
                    ("profile", RangeOperators.EQUAL),
                    ("span", RangeOperators.OVERLAPS),
                ],
                condition=Q(
                    status__in=["requested", "accepted", "deposit_due", "confirmed"]
                ),
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="bookings_end_after_start"
            ),
            # The span always covers the booked time (buffers only widen it).
            models.CheckConstraint(
                condition=Q(
                    span__startswith__lte=F("start"), span__endswith__gte=F("end")
                ),
                name="bookings_span_covers_time",
            ),
            models.UniqueConstraint(
                fields=["client", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="bookings_idempotency_key_per_client",
            ),
            models.CheckConstraint(
                condition=Q(deposit_minor__lte=F("price_minor")),
                name="bookings_deposit_within_price",
            ),
        ]

    def __str__(self) -> str:
        return f"Booking {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class BookingEvent(models.Model):
    """Append-only history: every transition, who made it and why."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the system acted (expiry, completion)."),
    )
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.from_status or '-'} -> {self.to_status}"


class ScreeningRequirements(TimestampedModel):
    """What a provider asks of a client before a first message or a booking
    request (docs/reputation.md). One per profile; no row means no screening.
    Checked in one place, ``bookings.screening.screening_refusal``."""

    profile = models.OneToOneField(
        EscortProfilePage, on_delete=models.CASCADE, related_name="screening"
    )
    verified_only = models.BooleanField(
        _("identity-verified clients only"), default=False
    )
    min_completed_bookings = models.PositiveSmallIntegerField(
        _("completed bookings at least"),
        default=0,
        validators=[MaxValueValidator(50)],
        help_text=_("Completed bookings with any provider on the site. 0: none."),
    )
    no_recent_no_show = models.BooleanField(
        _("no no-show in the last 90 days"), default=False
    )
    for_first_contact = models.BooleanField(_("apply to first messages"), default=True)
    for_booking_requests = models.BooleanField(
        _("apply to booking requests"), default=True
    )

    class Meta:
        verbose_name = _("screening requirements")
        verbose_name_plural = _("screening requirements")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_completed_bookings__lte=50),
                name="bookings_screening_min_completed_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Screening of {self.profile_id}"

    @property
    def asks_anything(self) -> bool:
        return (
            self.verified_only
            or self.min_completed_bookings > 0
            or self.no_recent_no_show
        )


class ProviderPayout(models.Model):
    """Money paid out to a provider for released deposits (docs/deposits.md):
    the cause of one ``payout_paid`` ledger transaction. Recorded by an admin
    ("Mark paid", audited); Stripe Connect can make it automatic later."""

    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="bookings_payout_positive"
            )
        ]

    def __str__(self) -> str:
        return f"Payout {self.amount_minor} {self.currency} to {self.provider_id}"
