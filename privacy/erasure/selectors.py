"""Reads of the erasure: a person's scheduled closure, a receipt by its token,
what still stands in the way of closing an account, and the due closures of
the hourly job (docs/privacy.md, "Erasure")."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from bookings.deposits import deposits_unsettled
from bookings.models import Booking
from directory.models import AgencyMembership
from moderation.models import Report, ReportStatus
from privacy.models import AccountClosure


def closure_scheduled_for(*, user: User) -> AccountClosure | None:
    return AccountClosure.objects.filter(
        user=user, status=AccountClosure.Status.SCHEDULED
    ).first()


def closure_by_receipt_token(*, token: str) -> AccountClosure | None:
    """A completed closure by its receipt token; anything else is None (404)."""
    return AccountClosure.objects.filter(
        receipt_token=token, status=AccountClosure.Status.COMPLETED
    ).first()


def closures_due(*, now: dt.datetime | None = None) -> QuerySet[AccountClosure]:
    return AccountClosure.objects.filter(
        status=AccountClosure.Status.SCHEDULED, erase_after__lte=now or timezone.now()
    ).order_by("erase_after", "pk")


def _user_bookings_q(user: User) -> Q:
    # The client side, or the owner of the booked profile. A manager's bookings
    # of an agency profile stay with the agency (only the assignment goes).
    return Q(client=user) | Q(profile__owner=user)


def closure_blockers(*, user: User) -> dict[str, str]:
    """What must be settled before ``user``'s account can be erased, each with
    what to do about it, keyed by a stable code. Empty when nothing blocks."""
    now = timezone.now()
    checks = (
        ("staff_account", _staff_blocker),
        ("active_bookings", _booking_blocker),
        ("deposit_held", _deposit_blocker),
        ("open_dispute", _dispute_blocker),
        ("agency_members", _agency_blocker),
    )
    found = {code: check(user, now) for code, check in checks}
    return {code: message for code, message in found.items() if message}


def _staff_blocker(user: User, now: dt.datetime) -> str:
    if not (user.is_staff or user.is_superuser):
        return ""
    return _(
        "Staff accounts are closed by an administrator: ask one to remove your "
        "staff access first."
    )


def _booking_blocker(user: User, now: dt.datetime) -> str:
    count = (
        Booking.objects.filter(_user_bookings_q(user))
        .filter(status__in=Booking.ACTIVE, end__gt=now)
        .count()
    )
    if not count:
        return ""
    return ngettext(
        "You have %(count)s upcoming booking (requested, accepted, awaiting a "
        "deposit or confirmed). Cancel it or let it take place, then close the "
        "account.",
        "You have %(count)s upcoming bookings (requested, accepted, awaiting a "
        "deposit or confirmed). Cancel them or let them take place, then close "
        "the account.",
        count,
    ) % {"count": count}


def _deposit_blocker(user: User, now: dt.datetime) -> str:
    if not deposits_unsettled().filter(_user_bookings_q(user)).exists():
        return ""
    return _(
        "A deposit you paid or received is still being refunded or paid out. "
        "This settles by itself within a day; try again afterwards."
    )


def _dispute_blocker(user: User, now: dt.datetime) -> str:
    bookings = Booking.objects.filter(_user_bookings_q(user)).values("pk")
    booking_type = ContentType.objects.get_for_model(Booking)
    open_cases = Report.objects.filter(
        status=ReportStatus.OPEN,
        target_content_type=booking_type,
        target_id__in=bookings,
    )
    if not open_cases.exists():
        return ""
    return _(
        "A report about one of your bookings is still open with our moderators. "
        "We will tell you when it is decided; close the account after that."
    )


def _agency_blocker(user: User, now: dt.datetime) -> str:
    owned = (
        AgencyMembership.objects.filter(user=user, role=AgencyMembership.Role.OWNER)
        .annotate(
            others=Count("agency__memberships", distinct=True),
            escorts=Count(
                "agency__escort_links",
                filter=Q(agency__escort_links__status="active"),
                distinct=True,
            ),
        )
        .filter(Q(others__gt=1) | Q(escorts__gt=0))
    )
    if not owned.exists():
        return ""
    return _(
        "You own an agency that other people work with. Hand the agency to "
        "another member or remove its members and listed escorts first "
        "(Dashboard, Agency)."
    )


# Internal bookkeeping of the admin and the CMS: true, but no help to a
# person deciding whether to close their account.
# (Wagtail's own image and document tables are unused: images are CustomImage.)
_UNLISTED_APPS = {
    "admin",
    "auth",
    "wagtailadmin",
    "wagtailcore",
    "wagtaildocs",
    "wagtailimages",
    "wagtailusers",
}


def closure_plan_summary() -> dict:
    """What the close page promises, read from the plan itself: the kinds of
    data deleted, and each legal hold with its reason and period."""
    from privacy.erasure.plan import PLAN, Action, holds
    from privacy.inventory import user_references

    names: list[str] = []
    for reference in user_references():
        meta = reference.model._meta
        if PLAN[reference.key].action != Action.DELETE or meta.auto_created:
            continue
        name = str(meta.verbose_name_plural).capitalize()
        if meta.app_label not in _UNLISTED_APPS and name not in names:
            names.append(name)
    return {"deleted": sorted(names), "kept": holds()}
