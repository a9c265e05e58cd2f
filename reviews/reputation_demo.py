"""Demo of the private client reputation (docs/reputation.md): providers'
assessments of the past demo bookings (completed and no-show ones, which the
bookings seed writes), and one demo provider with screening on.

Deterministic and idempotent: a booking already assessed is skipped, the
screening row is updated in place. Runs after the bookings seed
(INSTALLED_APPS order)."""

from __future__ import annotations

from collections.abc import Callable

from bookings.models import Booking, ScreeningRequirements
from directory.models import EscortProfilePage
from reviews.models import ClientAssessment

DEMO_DOMAIN = "@demo.test"
S = Booking.Status


def seed(*, log: Callable[[str], None]) -> None:
    _seed_assessments(log=log)
    _seed_screening(log=log)


def _seed_assessments(*, log: Callable[[str], None]) -> None:
    past = (
        Booking.objects.filter(
            status__in=(S.COMPLETED, S.NO_SHOW),
            idempotency_key__startswith="demo:",
            assessment__isnull=True,
        )
        .select_related("profile")
        .order_by("pk")
    )
    made = [
        ClientAssessment(
            booking=booking,
            client_id=booking.client_id,
            assessor_id=booking.profile.owner_id,
            **_answers(booking, position),
        )
        for position, booking in enumerate(past)
    ]
    ClientAssessment.objects.bulk_create(made)
    log(f"client assessments: {len(made)} new")


def _answers(booking: Booking, position: int) -> dict:
    if booking.status == S.NO_SHOW:
        return {"showed_up": False, "respectful": None, "would_see_again": False}
    # Mostly glad, sometimes silent on the last question: as people answer.
    return {
        "showed_up": True,
        "respectful": True,
        "would_see_again": None if position % 4 == 3 else True,
    }


def _seed_screening(*, log: Callable[[str], None]) -> None:
    """The newest demo profile asks for a verified identity, one completed
    booking and no recent no-show, before first messages and requests."""
    profile = (
        EscortProfilePage.objects.live()
        .filter(owner__email__endswith=DEMO_DOMAIN)
        .order_by("-pk")
        .first()
    )
    if profile is None:
        log("screening: no demo profiles")
        return
    ScreeningRequirements.objects.update_or_create(
        profile=profile,
        defaults={
            "verified_only": True,
            "min_completed_bookings": 1,
            "no_recent_no_show": True,
        },
    )
    log(f"screening: on for {profile.title}")
