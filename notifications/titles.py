"""The one home of what a notification says: one function per kind of event,
each a sentence a person reads at a glance ("Sofia Laurent accepted your booking
for Tue 8 Dec, 14:00"). Senders (bookings, messaging, directory tasks) pass plain
names and an already formatted local time (``core.formatting.format_local_time``,
in the city's zone), so this module knows nothing of the apps above it.

A booking title is written for one of two readers: the client, or someone on the
provider side (the escort or their agency). ``BookingFacts.by`` names who acted,
as that reader knows them; it is only read in the provider side's titles, where
the actor is a colleague (the escort owner hears that the agency accepted)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

CLIENT = "client"
PROVIDER = "provider"  # the escort who owns the profile
AGENCY = "agency"  # the provider side other than the owner: told the profile too


@dataclass(frozen=True)
class BookingFacts:
    profile: str  # the profile's display name
    client: str  # the client's display name ("A client" without one)
    when: str  # "Tue 8 Dec, 14:00", in the booking city's zone
    by: str = ""  # who acted, when someone on the provider side did
    audience: str = CLIENT  # CLIENT, PROVIDER or AGENCY: who reads the title


def _theirs(facts: BookingFacts) -> dict[str, str]:
    return {"profile": facts.profile, "client": facts.client, "when": facts.when}


def _colleague(facts: BookingFacts) -> dict[str, str]:
    return _theirs(facts) | {"by": facts.by or facts.profile}


def booking_requested(facts: BookingFacts) -> str:
    # Only the provider side is told; the client made the request.
    if facts.audience == AGENCY:
        return _("%(client)s asked to book %(profile)s for %(when)s") % _theirs(facts)
    return _("%(client)s asked to book %(when)s") % _theirs(facts)


def booking_accepted(facts: BookingFacts) -> str:
    if facts.audience == CLIENT:
        return _("%(profile)s accepted your booking for %(when)s") % _theirs(facts)
    return _("%(by)s accepted %(client)s's booking for %(when)s") % _colleague(facts)


def booking_deposit_due(facts: BookingFacts) -> str:
    if facts.audience == CLIENT:
        return _(
            "%(profile)s accepted your booking for %(when)s: pay the deposit"
        ) % _theirs(facts)
    return _(
        "%(by)s accepted %(client)s's booking for %(when)s (deposit due)"
    ) % _colleague(facts)


def booking_confirmed(facts: BookingFacts) -> str:
    if facts.audience == CLIENT:
        return _("Your booking with %(profile)s for %(when)s is confirmed") % _theirs(
            facts
        )
    return _("%(client)s paid the deposit: %(when)s is confirmed") % _theirs(facts)


def booking_declined(facts: BookingFacts) -> str:
    if facts.audience == CLIENT:
        return _("%(profile)s declined your booking for %(when)s") % _theirs(facts)
    return _("%(by)s declined %(client)s's booking for %(when)s") % _colleague(facts)


def booking_cancelled_by_client(facts: BookingFacts) -> str:
    return _("%(client)s cancelled the booking for %(when)s") % _theirs(facts)


def booking_cancelled_by_provider(facts: BookingFacts) -> str:
    if facts.audience == CLIENT:
        return _("%(profile)s cancelled your booking for %(when)s") % _theirs(facts)
    return _("%(by)s cancelled %(client)s's booking for %(when)s") % _colleague(facts)


def booking_expired(facts: BookingFacts) -> str:
    if facts.audience == CLIENT:
        return _(
            "Your request to book %(profile)s for %(when)s expired unanswered"
        ) % _theirs(facts)
    return _("%(client)s's request for %(when)s expired unanswered") % _theirs(facts)


def booking_completed(facts: BookingFacts) -> str:
    if facts.audience == CLIENT:
        return _("Your booking with %(profile)s on %(when)s is completed") % _theirs(
            facts
        )
    return _("%(client)s's booking on %(when)s is completed") % _theirs(facts)


def booking_no_show(facts: BookingFacts) -> str:
    if facts.audience == CLIENT:
        return _("%(profile)s marked your booking for %(when)s as a no-show") % _theirs(
            facts
        )
    return _(
        "%(by)s marked %(client)s's booking for %(when)s as a no-show"
    ) % _colleague(facts)


def booking_rescheduled(facts: BookingFacts) -> str:
    """``when`` is the new time."""
    if facts.audience == CLIENT:
        return _("%(profile)s moved your booking to %(when)s") % _theirs(facts)
    if facts.by:
        return _("%(by)s moved %(client)s's booking to %(when)s") % _colleague(facts)
    return _("%(client)s moved the booking to %(when)s") % _theirs(facts)


def booking_reminder(facts: BookingFacts) -> str:
    if facts.audience == CLIENT:
        return _("Reminder: your booking with %(profile)s is on %(when)s") % _theirs(
            facts
        )
    return _("Reminder: %(client)s's booking is on %(when)s") % _theirs(facts)


def message_received(*, sender: str) -> str:
    return _("New message from %(sender)s") % {"sender": sender}


def profile_approved(*, profile: str) -> str:
    return _("%(profile)s is live: a moderator approved your changes") % {
        "profile": profile
    }


def profile_changes_requested(*, profile: str) -> str:
    return _("A moderator asked for changes to %(profile)s") % {"profile": profile}


def review_published(*, profile: str) -> str:
    return _("Your review of %(profile)s is published") % {"profile": profile}


def review_rejected(*, profile: str) -> str:
    return _("Your review of %(profile)s was not published") % {"profile": profile}


def review_hidden(*, profile: str) -> str:
    return _("Your review of %(profile)s was hidden by a moderator") % {
        "profile": profile
    }


def review_received(*, profile: str) -> str:
    return _("A new review of %(profile)s is published") % {"profile": profile}
