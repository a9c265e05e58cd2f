"""Demo bookings: every demo profile gets weekly hours and a booking policy, and
the first bookable ones get bookings in every status, with fictional, non-explicit
notes (dinners, galleries, galas).

Upcoming bookings are made the way clients and providers make them, through
``booking_request`` and ``booking_act``, so their event history and the overlap
rules are real (and their notifications are queued, like any booking's: the demo
prints emails on the console). Each demo submission carries an idempotency key
starting with ``demo:``; a re-run finds its keys and adds nothing.

Runs after the accounts and directory seeds (INSTALLED_APPS order): it needs the
demo client login and the demo profiles."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from accounts.models import Role, User
from bookings.availability import Slot, bookable_slots, location_for
from bookings.models import (
    AvailabilityRule,
    Booking,
    BookingEvent,
    BookingPolicy,
    Weekday,
)
from bookings.services import BookingInput, booking_act, booking_request
from core.exceptions import ApplicationError
from directory.models import EscortProfilePage, ProfileRate

DEMO_DOMAIN = "@demo.test"
DEMO_CLIENT_EMAIL = "client@demo.test"
KEY_PREFIX = "demo:"
BOOKED_PROFILES = 10  # profiles that get bookings; every demo profile gets hours
LONGEST_BOOKED_MINUTES = 240  # overnight and 24-hour rates rarely fit a window
FIRST_DAY, DAYS = 2, 14  # upcoming bookings: on separate days in this range

# Fictional extra clients, so one provider's bookings are not all one person's.
GUEST_CLIENTS = [
    ("guest.thomas@demo.test", "Thomas"),
    ("guest.daniel@demo.test", "Daniel"),
    ("guest.james@demo.test", "James"),
    ("guest.omar@demo.test", "Omar"),
    ("guest.henrik@demo.test", "Henrik"),
]

NOTES = [
    "Dinner at eight, then the jazz bar if the evening allows.",
    "A gallery opening; smart casual. I will meet you at the entrance.",
    "Business dinner with two colleagues; conversation in French is welcome.",
    "Tickets for the evening performance, meeting in the theatre foyer.",
    "A walk through the old town, then coffee somewhere quiet.",
    "Charity gala, black tie. I will send the address by message.",
    "Wine tasting in the afternoon, early dinner after.",
    "First time in the city: a relaxed lunch and a museum visit.",
]
DECLINE_REASONS = [
    "Travelling that week, sorry.",
    "That evening is no longer free, apologies.",
]
CLIENT_CANCEL_REASONS = ["My flight was moved, apologies.", "Work came up, sorry."]
PROVIDER_CANCEL_REASONS = ["Unwell, so sorry to cancel.", "A family matter, sorry."]

# Weekly hours, local time: (weekdays, start, end); an end at or before the start
# runs past midnight.
D = Weekday
WEEKLY_HOURS = [
    ((D.MONDAY, D.TUESDAY, D.WEDNESDAY, D.THURSDAY, D.FRIDAY, D.SATURDAY),
     dt.time(12), dt.time(23)),
    ((D.TUESDAY, D.WEDNESDAY, D.THURSDAY, D.FRIDAY, D.SATURDAY, D.SUNDAY),
     dt.time(18), dt.time(2)),
    (tuple(D), dt.time(10), dt.time(22)),
    ((D.WEDNESDAY, D.THURSDAY, D.FRIDAY, D.SATURDAY, D.SUNDAY),
     dt.time(14), dt.time(0)),
]  # fmt: skip

# By position among the bookable demo profiles, so a small demo still has a
# deposit profile and an instant one.
POLICIES = [
    {"requires_acceptance": True, "deposit_percent": 0},
    {"requires_acceptance": True, "deposit_percent": 20},
    {"requires_acceptance": True, "deposit_percent": 0, "buffer_before_minutes": 15},
    {"requires_acceptance": False, "deposit_percent": 0},
]
# Requests stay open two days, so a demo left running still shows some.
POLICY_DEFAULTS = {"request_expiry_hours": 48, "buffer_after_minutes": 30}

# Upcoming stories, through the services. "taken" ends confirmed, or deposit due
# on a deposit profile.
UPCOMING = [
    "requested",
    "taken",
    "declined",
    "cancelled_by_client",
    "cancelled_by_provider",
]
# Past stories, and "accepted" at rest: written directly (see _write_directly).
PAST = ["completed", "no_show", "expired"]

S = Booking.Status


@dataclass
class Plan:
    profile: EscortProfilePage
    policy: BookingPolicy
    clients: list[User]
    done: set[str]  # demo keys already in the database


def seed(*, log: Callable[[str], None]) -> None:
    profiles = _demo_profiles()
    if not profiles:
        log("no demo profiles: run the directory seed first")
        return
    bookable = [p for p in profiles if _bookable(p)]
    _seed_policies(profiles, bookable=bookable, log=log)
    _seed_hours(profiles, log=log)
    clients = _clients(log=log)
    done = set(
        Booking.objects.filter(idempotency_key__startswith=KEY_PREFIX).values_list(
            "idempotency_key", flat=True
        )
    )
    policies = {
        p.profile_id: p
        for p in BookingPolicy.objects.filter(profile__in=bookable[:BOOKED_PROFILES])
    }
    made, already = 0, len(done)
    for position, profile in enumerate(bookable[:BOOKED_PROFILES]):
        # Rotate who books, so the demo client sees several providers.
        turn = position % len(clients)
        plan = Plan(
            profile=profile,
            policy=policies[profile.pk],
            clients=clients[turn:] + clients[:turn],
            done=done,
        )
        made += _seed_bookings(plan, log=log)
    log(f"bookings: {made} new, {already} already there")


def _demo_profiles() -> list[EscortProfilePage]:
    return list(
        EscortProfilePage.objects.live()
        .filter(owner__email__endswith=DEMO_DOMAIN)
        .select_related("owner", "home_city")
        .prefetch_related("rates")
        .order_by("pk")
    )


def _bookable(profile: EscortProfilePage) -> bool:
    if profile.contact_preference == EscortProfilePage.ContactPreference.MESSAGES:
        return False
    return any(
        r.duration_minutes <= LONGEST_BOOKED_MINUTES for r in profile.rates.all()
    )


def _seed_policies(
    profiles: list[EscortProfilePage],
    *,
    bookable: list[EscortProfilePage],
    log: Callable,
) -> None:
    """Only for profiles without one: a provider's own changes survive a re-run."""
    position = {p.pk: n for n, p in enumerate(bookable)}
    have = set(
        BookingPolicy.objects.filter(profile__in=profiles).values_list(
            "profile_id", flat=True
        )
    )
    new = [
        BookingPolicy(
            profile=p,
            **POLICY_DEFAULTS,
            **POLICIES[position.get(p.pk, 0) % len(POLICIES)],
        )
        for p in profiles
        if p.pk not in have
    ]
    BookingPolicy.objects.bulk_create(new, ignore_conflicts=True)
    log(f"booking policies: {len(new)} new")


def _seed_hours(profiles: list[EscortProfilePage], *, log: Callable) -> None:
    have = set(
        AvailabilityRule.objects.filter(profile__in=profiles).values_list(
            "profile_id", flat=True
        )
    )
    rules = [
        AvailabilityRule(profile=p, weekday=day, start_time=start, end_time=end)
        for n, p in enumerate(profiles)
        if p.pk not in have
        for days, start, end in [WEEKLY_HOURS[n % len(WEEKLY_HOURS)]]
        for day in days
    ]
    AvailabilityRule.objects.bulk_create(rules)
    log(f"weekly hours: {len(profiles) - len(have)} profiles set")


def _clients(*, log: Callable) -> list[User]:
    clients = []
    demo_client = User.objects.filter(email=DEMO_CLIENT_EMAIL).first()
    if demo_client is None:
        log(f"{DEMO_CLIENT_EMAIL} is missing (accounts seed): guests book instead")
    else:
        clients.append(demo_client)
    for email, name in GUEST_CLIENTS:
        user, created = User.objects.get_or_create(
            email=email,
            # Not demo logins: they only make the bookings look like a crowd.
            defaults={
                "display_name": name,
                "role": Role.CLIENT,
                "password": make_password(None),
            },
        )
        if created:
            EmailAddress.objects.create(
                user=user, email=email, verified=True, primary=True
            )
        clients.append(user)
    return clients


# --- one profile's bookings ---------------------------------------------------------


def _seed_bookings(plan: Plan, *, log: Callable) -> int:
    rng = random.Random(f"demo-bookings-{plan.profile.slug}")  # noqa: S311 - not secrets
    stories = [s for s in UPCOMING if _fits(s, plan.policy)]
    if plan.policy.deposit_percent:
        stories.append("accepted")
    days = _one_slot_per_day(plan.profile)
    made = 0
    for number, (story, slot) in enumerate(zip(stories, days, strict=False)):
        key = _key(plan.profile, story)
        if key in plan.done:
            continue
        client = plan.clients[number % len(plan.clients)]
        try:
            if story == "accepted":
                _write_directly(plan, story=story, client=client, start=slot.start)
            else:
                _through_services(plan, story=story, client=client, slot=slot, rng=rng)
        except ApplicationError as error:  # a rule changed under the demo: skip it
            log(f"skipped {story} for {plan.profile.title}: {error}")
            continue
        plan.done.add(key)
        made += 1
    for number, story in enumerate(PAST, start=1):
        key = _key(plan.profile, story)
        if key in plan.done or not _fits(story, plan.policy):
            continue
        start = _past_start(plan.profile, days_ago=3 * number + rng.randint(0, 2))
        client = plan.clients[(number + 1) % len(plan.clients)]
        _write_directly(plan, story=story, client=client, start=start)
        plan.done.add(key)
        made += 1
    return made


def _fits(story: str, policy: BookingPolicy) -> bool:
    # An instant profile confirms at once: nothing waits to be answered.
    return policy.requires_acceptance or story not in (
        "requested",
        "declined",
        "expired",
    )


def _key(profile: EscortProfilePage, story: str) -> str:
    return f"{KEY_PREFIX}{profile.slug[:40]}:{story}"


def _one_slot_per_day(profile: EscortProfilePage) -> list[Slot]:
    """The slot nearest 19:00 local on each open day: separate days keep the
    bookings (and their buffers) from touching one another."""
    today = timezone.localdate()
    slots = bookable_slots(
        profile=profile,
        date_from=today + dt.timedelta(days=FIRST_DAY),
        date_to=today + dt.timedelta(days=FIRST_DAY + DAYS - 1),
    )
    by_day: dict[dt.date, list[Slot]] = {}
    for slot in slots:
        if min(slot.durations) > LONGEST_BOOKED_MINUTES:
            continue
        local = slot.start.astimezone(zoneinfo.ZoneInfo(slot.city.time_zone))
        by_day.setdefault(local.date(), []).append(slot)
    return [min(day, key=_distance_from_evening) for _, day in sorted(by_day.items())]


def _distance_from_evening(slot: Slot) -> float:
    local = slot.start.astimezone(zoneinfo.ZoneInfo(slot.city.time_zone))
    return abs(local.hour + local.minute / 60 - 19)


def _rate(profile: EscortProfilePage, minutes: int | None = None) -> ProfileRate:
    rates = sorted(profile.rates.all(), key=lambda r: (r.duration_minutes, r.pk))
    if minutes is not None:
        return next(r for r in rates if r.duration_minutes == minutes)
    return rates[0]


def _through_services(
    plan: Plan, *, story: str, client: User, slot: Slot, rng: random.Random
) -> None:
    profile, provider = plan.profile, plan.profile.owner
    rate = _rate(profile, min(slot.durations))
    booking, _ = booking_request(
        client=client,
        data=BookingInput(
            profile_id=profile.pk,
            rate_id=rate.pk,
            start=slot.start,
            note=rng.choice(NOTES),
            idempotency_key=_key(profile, story),
        ),
    )
    if story == "requested":
        return
    if story == "declined":
        reason = rng.choice(DECLINE_REASONS)
        booking_act(
            booking_id=booking.pk, actor=provider, action="decline", reason=reason
        )
        return
    if plan.policy.requires_acceptance:
        booking_act(booking_id=booking.pk, actor=provider, action="accept")
    if story == "cancelled_by_client":
        reason = rng.choice(CLIENT_CANCEL_REASONS)
        booking_act(booking_id=booking.pk, actor=client, action="cancel", reason=reason)
    elif story == "cancelled_by_provider":
        reason = rng.choice(PROVIDER_CANCEL_REASONS)
        booking_act(
            booking_id=booking.pk, actor=provider, action="cancel", reason=reason
        )


# --- written directly ---------------------------------------------------------------

# The services refuse times in the past (and never leave a booking at rest in
# "accepted": acceptance moves on to deposit due or confirmed in one transaction),
# so these rows and their events are inserted as the history would have written
# them, with the timestamps of that history.
Step = tuple[str, str, str, float | None]  # to status, who, reason, hours after


def _history(story: str, policy: BookingPolicy) -> list[Step]:
    """The moves after the request, as the services would have made them; None
    hours: at the booking's end."""
    if story == "expired":
        return [(S.EXPIRED, "system", "No answer in time.", 48)]
    if policy.requires_acceptance:
        taken = [(S.ACCEPTED, "provider", "", 2)]
    else:
        taken = [(S.ACCEPTED, "system", "Instant booking.", 0)]
    if story == "accepted":
        return taken
    if policy.deposit_percent:
        taken += [
            (S.DEPOSIT_DUE, "system", "Deposit required.", 2),
            (S.CONFIRMED, "system", "Deposit paid.", 20),
        ]
    else:
        taken.append((S.CONFIRMED, "system", "No deposit required.", 2))
    if story == "completed":
        return [*taken, (S.COMPLETED, "system", "Ended.", None)]
    return [*taken, (S.NO_SHOW, "provider", "The client did not arrive.", None)]


def _past_start(profile: EscortProfilePage, *, days_ago: int) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    city = location_for(profile=profile, day=day) or profile.home_city
    return dt.datetime.combine(
        day, dt.time(19), tzinfo=zoneinfo.ZoneInfo(city.time_zone)
    )


def _write_directly(
    plan: Plan, *, story: str, client: User, start: dt.datetime
) -> None:
    profile, policy = plan.profile, plan.policy
    rate = _rate(profile)
    end = start + dt.timedelta(minutes=rate.duration_minutes)
    taken = story != "expired"
    before = dt.timedelta(minutes=policy.buffer_before_minutes if taken else 0)
    after = dt.timedelta(minutes=policy.buffer_after_minutes if taken else 0)
    home_day = start.astimezone(zoneinfo.ZoneInfo(profile.home_city.time_zone))
    requested_at = min(start, timezone.now()) - dt.timedelta(days=2)
    history = _history(story, policy)
    booking = Booking.objects.create(
        client=client,
        profile=profile,
        city=location_for(profile=profile, day=home_day.date()) or profile.home_city,
        start=start,
        end=end,
        span=DateTimeTZRange(start - before, end + after, "[)"),
        duration_minutes=rate.duration_minutes,
        location=rate.kind,
        price_minor=rate.amount_minor,
        currency=rate.currency,
        deposit_minor=policy.deposit_for(rate.amount_minor),
        note=NOTES[len(plan.done) % len(NOTES)],
        status=history[-1][0],
        expires_at=min(requested_at + dt.timedelta(hours=48), start),
        idempotency_key=_key(profile, story),
    )
    actors = {"client": client, "provider": profile.owner, "system": None}
    events = [
        BookingEvent(
            booking=booking, actor=client, from_status="", to_status=S.REQUESTED
        )
    ]
    for to_status, who, reason, _hours in history:
        events.append(
            BookingEvent(
                booking=booking,
                actor=actors[who],
                from_status=events[-1].to_status,
                to_status=to_status,
                reason=reason,
            )
        )
    BookingEvent.objects.bulk_create(events)
    _backdate(booking, events, history=history, requested_at=requested_at, end=end)


def _backdate(
    booking: Booking,
    events: list[BookingEvent],
    *,
    history: list[Step],
    requested_at: dt.datetime,
    end: dt.datetime,
) -> None:
    """auto_now_add stamps every row "now": give the history its own times."""
    Booking.objects.filter(pk=booking.pk).update(
        created_at=requested_at, updated_at=min(end, timezone.now())
    )
    BookingEvent.objects.filter(pk=events[0].pk).update(created_at=requested_at)
    for event, (_, _, _, hours) in zip(events[1:], history, strict=True):
        at = requested_at + dt.timedelta(hours=hours) if hours is not None else end
        BookingEvent.objects.filter(pk=event.pk).update(
            created_at=min(at, timezone.now())
        )
