"""Staff activity of an agency (docs/agency-tools.md): who handled what over
the last 7, 30 or 90 days. Only the agency's own profiles count, so an agency
never sees another's figures. Each figure is one grouped query (by staff
member): the page costs the same number of queries however many people,
bookings or messages there are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEntry
from bookings.events import BOOKING_ASSIGNED
from bookings.models import Booking, BookingEvent
from core.exceptions import NotFound, ValidationFailed
from directory.models import Agency, AgencyMembership
from messaging.models import Message
from verification.selectors import Percentile

PERIODS = (7, 30, 90)
S = Booking.Status


@dataclass
class StaffRow:
    user: User
    role: str
    accepted: int = 0
    declined: int = 0
    cancelled: int = 0
    assignments_taken: int = 0
    assignments_handled: int = 0
    messages_sent: int = 0
    median_first_reply: dt.timedelta | None = None

    @property
    def median_first_reply_label(self) -> str:
        if self.median_first_reply is None:
            return "—"
        minutes = round(self.median_first_reply.total_seconds() / 60)
        hours, minutes = divmod(minutes, 60)
        if hours:
            return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
        return _("%(m)d min") % {"m": minutes}


def staff_agency_get(*, user: User) -> Agency:
    """The agency whose activity ``user`` reads: owners and managers only;
    anyone else is "not found" (docs/architecture.md, invariant 8)."""
    membership = (
        AgencyMembership.objects.filter(user=user).select_related("agency").first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise NotFound(_("No agency."))
    return membership.agency


def period_days(value: str | None) -> int:
    if value in (None, ""):
        return 30
    if not value.isdigit() or int(value) not in PERIODS:
        raise ValidationFailed(
            fields={"days": [_("Choose 7, 30 or 90 days.")]},
        )
    return int(value)


def staff_activity(*, agency: Agency, days: int) -> list[StaffRow]:
    since = timezone.now() - dt.timedelta(days=days)
    members = AgencyMembership.objects.filter(agency=agency).select_related("user")
    rows = {
        m.user_id: StaffRow(user=m.user, role=m.get_role_display())
        for m in members.order_by("role", "created_at", "pk")
    }
    staff_ids = list(rows)
    for figures in (
        _booking_moves(agency, staff_ids, since),
        _assignments_taken(agency, staff_ids, since),
        _assignments_handled(agency, staff_ids, since),
        _messages_sent(agency, staff_ids, since),
        _first_replies(agency, staff_ids, since),
    ):
        for user_id, values in figures.items():
            for name, value in values.items():
                setattr(rows[user_id], name, value)
    return list(rows.values())


def _booking_moves(agency: Agency, staff: list[int], since: dt.datetime) -> dict:
    events = BookingEvent.objects.filter(
        actor_id__in=staff,
        booking__profile__agency=agency,
        created_at__gte=since,
    )
    grouped = events.values("actor_id").annotate(
        accepted=Count("pk", filter=Q(from_status=S.REQUESTED, to_status=S.ACCEPTED)),
        declined=Count("pk", filter=Q(to_status=S.DECLINED)),
        cancelled=Count("pk", filter=Q(to_status=S.CANCELLED_BY_PROVIDER)),
    )
    return {row.pop("actor_id"): row for row in grouped}


def _assignments_taken(agency: Agency, staff: list[int], since: dt.datetime) -> dict:
    # Assignments live in the audit log (bookings.events): who was handed what.
    entries = (
        AuditEntry.objects.filter(
            action=BOOKING_ASSIGNED,
            created_at__gte=since,
            data__agency=agency.pk,
        )
        .annotate(assignee=Cast(F("data__assignee"), IntegerField()))
        .filter(assignee__in=staff)
    )
    grouped = entries.values("assignee").annotate(n=Count("pk"))
    return {row["assignee"]: {"assignments_taken": row["n"]} for row in grouped}


def _assignments_handled(agency: Agency, staff: list[int], since: dt.datetime) -> dict:
    """Bookings assigned to someone that they then moved (accepted, declined,
    cancelled, completed …) in the period."""
    events = BookingEvent.objects.filter(
        actor_id__in=staff,
        actor_id=F("booking__assigned_to_id"),
        booking__profile__agency=agency,
        created_at__gte=since,
    )
    grouped = events.values("actor_id").annotate(n=Count("booking_id", distinct=True))
    return {row["actor_id"]: {"assignments_handled": row["n"]} for row in grouped}


def _messages_sent(agency: Agency, staff: list[int], since: dt.datetime) -> dict:
    messages = Message.objects.filter(
        thread__profile__agency=agency,
        sender_id__in=staff,
        automatic=False,  # away replies are the platform's, not the person's
        created_at__gte=since,
    )
    grouped = messages.values("sender_id").annotate(n=Count("pk"))
    return {row["sender_id"]: {"messages_sent": row["n"]} for row in grouped}


def _first_replies(agency: Agency, staff: list[int], since: dt.datetime) -> dict:
    """Per conversation, the time from the client's first message to the
    provider side's first (non-automatic) answer, credited to whoever answered;
    the median per person, of answers given in the period."""
    same_thread = Message.objects.filter(thread_id=OuterRef("thread_id"))
    earlier_answer = same_thread.filter(id__lt=OuterRef("id"), automatic=False).exclude(
        sender_id=OuterRef("thread__client_id")
    )
    asked = (
        same_thread.filter(
            sender_id=OuterRef("thread__client_id"), id__lt=OuterRef("id")
        )
        .order_by("id")
        .values("created_at")[:1]
    )
    answers = (
        Message.objects.filter(
            thread__profile__agency=agency,
            sender_id__in=staff,
            automatic=False,
            created_at__gte=since,
        )
        .annotate(asked_at=Subquery(asked))
        .filter(asked_at__isnull=False)
        .exclude(Exists(earlier_answer))
    )
    grouped = answers.values("sender_id").annotate(
        median=Percentile(F("created_at") - F("asked_at"), fraction=0.5)
    )
    return {row["sender_id"]: {"median_first_reply": row["median"]} for row in grouped}
