"""Demo reviews: a few demo providers turn reviews on (Sofia Laurent's profile and
every third of the first demo profiles); each gets published reviews, with
varied ratings, aspects and a few replies, on completed bookings in the past;
Sofia's profile also has two reviews waiting in the moderation queue. Providers
who did not opt in get none. Texts are fictional, tasteful and non-explicit.

The completed bookings are written directly in the past, as the bookings demo
writes its past stories (the services refuse past times); completed is not an
active status, so the overlap constraint does not apply, and each one still
has a day of its own. Each carries an idempotency key starting with
``demo-review:``: a re-run finds its bookings and adds nothing.

Runs after the search seed (INSTALLED_APPS order), so it sends
``ratings_changed`` after commit for every profile it touched: the index
refreshes them through the outbox like any rating change."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Callable

from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from accounts.models import Role, User
from bookings.models import Booking, BookingEvent
from directory.models import EscortProfilePage
from reviews import reputation_demo
from reviews.models import ProfileReviewSettings, Review
from reviews.signals import ratings_changed

DEMO_DOMAIN = "@demo.test"
SOFIA_EMAIL = "escort@demo.test"
KEY_PREFIX = "demo-review:"
FIRST_PROFILES = 24  # opt-in candidates: every third of these
PENDING_ON_SOFIA = 2

# (rating, text, reply or ""): fictional and non-explicit, as clients write
# about an evening out. Ratings vary; most are good, some are mixed.
STORIES = [
    (
        5,
        "A wonderful evening at the opera. Sofia was gracious, punctual and "
        "a delight to talk to over dinner afterwards.",
        "Thank you for a lovely evening, the second act was unforgettable.",
    ),
    (
        5,
        "Perfect company for a business dinner: warm, well informed and at "
        "ease with my colleagues. Every detail was as agreed.",
        "",
    ),
    (
        4,
        "A relaxed afternoon in the old town and a long lunch. Great "
        "conversation; she arrived a few minutes late, which was no trouble.",
        "Thank you, and apologies again for the tram!",
    ),
    (
        5,
        "Charming, thoughtful and exactly as described. The gallery opening "
        "was far more fun with her there.",
        "",
    ),
    (
        3,
        "A pleasant dinner, though our plans changed at short notice and the "
        "evening felt a little rushed.",
        "Thank you for the honest feedback; I will confirm plans earlier next time.",
    ),
    (
        4,
        "Elegant and easy to talk to. We went wine tasting and she knew more "
        "about the region than the guide.",
        "",
    ),
    (
        5,
        "Booking was simple, messages were clear and the evening at the "
        "charity gala went perfectly.",
        "",
    ),
    (
        4,
        "Lovely company at a jazz bar after a conference. Would book again "
        "for my next trip.",
        "It was a pleasure, safe travels!",
    ),
    (
        2,
        "Nice conversation, but the meeting point was unclear and we lost "
        "half an hour finding each other.",
        "",
    ),
    (
        5,
        "Thoughtful, cultured and kind. A museum visit and coffee that I "
        "will remember for a long time.",
        "",
    ),
]
PENDING = [
    (5, "A calm, friendly dinner and a walk along the river. Very "
        "considerate and punctual."),
    (4, "Good company at a theatre evening; conversation flowed easily."),
]  # fmt: skip


def seed(*, log: Callable[[str], None]) -> None:
    _seed_reviews(log=log)
    reputation_demo.seed(log=log)


def _seed_reviews(*, log: Callable[[str], None]) -> None:
    profiles = _opted_in()
    if not profiles:
        log("no demo profiles: run the directory seed first")
        return
    demo_clients = User.objects.filter(email__endswith=DEMO_DOMAIN, role=Role.CLIENT)
    clients = list(demo_clients.order_by("pk"))
    if not clients:
        log("no demo clients: run the accounts and bookings seeds first")
        return
    done = set(
        Booking.objects.filter(idempotency_key__startswith=KEY_PREFIX).values_list(
            "idempotency_key", flat=True
        )
    )
    made = 0
    for position, profile in enumerate(profiles):
        ProfileReviewSettings.objects.update_or_create(
            profile=profile, defaults={"reviews_enabled": True}
        )
        made += _seed_profile(profile, position=position, clients=clients, done=done)
        transaction.on_commit(
            lambda pk=profile.pk: ratings_changed.send(sender=Review, profile_id=pk)
        )
    log(
        f"reviews: on for {len(profiles)} profiles, {made} new reviews, "
        f"{len(done)} already there"
    )


def _opted_in() -> list[EscortProfilePage]:
    demo = list(
        EscortProfilePage.objects.live()
        .filter(owner__email__endswith=DEMO_DOMAIN, home_city__isnull=False)
        .select_related("owner", "home_city")
        .prefetch_related("rates")
        .order_by("pk")[:FIRST_PROFILES]
    )
    return [p for n, p in enumerate(demo) if p.owner.email == SOFIA_EMAIL or n % 3 == 0]


def _seed_profile(
    profile: EscortProfilePage, *, position: int, clients: list[User], done: set[str]
) -> int:
    rng = random.Random(f"demo-reviews-{profile.slug}")  # noqa: S311 - not secrets
    count = 3 + rng.randint(0, 5)
    stories = rng.sample(STORIES, k=min(count, len(STORIES)))
    made = 0
    for n, (rating, text, reply) in enumerate(stories):
        key = f"{KEY_PREFIX}{profile.slug[:40]}:{n}"
        if key in done:
            continue
        # Spread over the last year, a month or so apart: the provider's
        # "rating over time" has something to draw.
        days_ago = 20 + 34 * n + rng.randint(0, 9)
        client = clients[(position + n) % len(clients)]
        booking = _completed_booking(profile, client=client, days_ago=days_ago, key=key)
        text = text.replace("Sofia", profile.title.split()[0])
        _review(booking, rating=rating, text=text, reply=reply, rng=rng)
        done.add(key)
        made += 1
    if profile.owner.email == SOFIA_EMAIL:
        made += _pending(profile, clients=clients, done=done)
    return made


def _pending(profile: EscortProfilePage, *, clients: list[User], done: set) -> int:
    made = 0
    for n, (rating, text) in enumerate(PENDING[:PENDING_ON_SOFIA]):
        key = f"{KEY_PREFIX}{profile.slug[:40]}:pending{n}"
        if key in done:
            continue
        client = clients[(n + 1) % len(clients)]
        booking = _completed_booking(profile, client=client, days_ago=4 + n, key=key)
        Review.objects.create(
            booking=booking,
            profile=profile,
            author=client,
            rating=rating,
            text=text,
            status=Review.Status.PENDING,
        )
        done.add(key)
        made += 1
    return made


def _completed_booking(
    profile: EscortProfilePage, *, client: User, days_ago: int, key: str
) -> Booking:
    city = profile.home_city
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    start = dt.datetime.combine(
        day, dt.time(19), tzinfo=zoneinfo.ZoneInfo(city.time_zone)
    )
    rate = min(profile.rates.all(), key=lambda r: (r.duration_minutes, r.pk))
    end = start + dt.timedelta(minutes=rate.duration_minutes)
    booking = Booking.objects.create(
        client=client,
        profile=profile,
        city=city,
        start=start,
        end=end,
        span=DateTimeTZRange(start, end, "[)"),
        duration_minutes=rate.duration_minutes,
        location=rate.kind,
        price_minor=rate.amount_minor,
        currency=rate.currency,
        status=Booking.Status.COMPLETED,
        idempotency_key=key,
    )
    _history(booking, owner=profile.owner, requested_at=start - dt.timedelta(days=3))
    return booking


# (to status, actor: "client", "provider" or None, reason, hours after the request;
# None: at the booking's end), as the services would have written them.
HISTORY = [
    ("requested", "client", "", 0),
    ("accepted", "provider", "", 2),
    ("confirmed", None, "No deposit required.", 2),
    ("completed", None, "Ended.", None),
]


def _history(booking: Booking, *, owner: User, requested_at: dt.datetime) -> None:
    actors = {"client": booking.client, "provider": owner, None: None}
    previous = ""
    events = []
    for status, actor, reason, _hours in HISTORY:
        events.append(
            BookingEvent(
                booking=booking,
                actor=actors[actor],
                from_status=previous,
                to_status=status,
                reason=reason,
            )
        )
        previous = status
    BookingEvent.objects.bulk_create(events)
    Booking.objects.filter(pk=booking.pk).update(
        created_at=requested_at, updated_at=booking.end
    )
    for event, (_, _, _, hours) in zip(events, HISTORY, strict=True):
        at = booking.end if hours is None else requested_at + dt.timedelta(hours=hours)
        BookingEvent.objects.filter(pk=event.pk).update(created_at=at)


def _review(
    booking: Booking, *, rating: int, text: str, reply: str, rng: random.Random
) -> Review:
    after = dt.timedelta(days=rng.randint(1, 5), hours=rng.randint(1, 9))
    written = booking.end + after
    moderated = written + dt.timedelta(hours=rng.randint(2, 30))
    aspects = {
        name: max(1, min(5, rating + rng.choice((-1, 0, 0, 1))))
        for name in ("punctuality", "communication", "as_described")
        if rng.random() < 0.7
    }
    review = Review.objects.create(
        booking=booking,
        profile=booking.profile,
        author=booking.client,
        rating=rating,
        text=text,
        status=Review.Status.PUBLISHED,
        moderated_at=moderated,
        reply=reply,
        replied_at=moderated + dt.timedelta(days=1) if reply else None,
        replied_by=booking.profile.owner if reply else None,
        **aspects,
    )
    Review.objects.filter(pk=review.pk).update(created_at=written, updated_at=moderated)
    return review
