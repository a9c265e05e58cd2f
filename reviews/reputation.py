"""A client's private reputation, for providers only (docs/reputation.md).

Two parts, one module: providers' assessments of a client after a completed
booking or a no-show (``assessment_record``), and the one summary providers see
(``client_reputation``). Invariant 13: an assessment is never shown one by one,
never to the client, never with who wrote it; only the summary leaves here, and
its assessment part only once enough providers answered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from wagtail import hooks

from accounts.models import Role, User
from bookings.models import Booking
from bookings.selectors import bookings_visible_to
from core.exceptions import Conflict, NotFound, ValidationFailed
from core.ids import MAX_ID
from directory.selectors import provider_side_q
from reviews.models import ClientAssessment

S = Booking.Status
ASSESSABLE = (S.COMPLETED, S.NO_SHOW)
# The provider side may correct its assessment for a week after recording it;
# then it is fixed, so a client's summary cannot be rewritten long after.
ASSESSMENT_EDIT_WINDOW = dt.timedelta(days=7)
# Fewer distinct providers and one answer would be easy to single out.
MIN_ASSESSING_PROVIDERS = 3
# Hook (Wagtail's registry) for apps above reviews that know other ways a client
# contacted a provider: ``fn(*, viewer: User, client_id: int) -> bool``.
# messaging registers "the client wrote to one of the viewer's profiles".
CLIENT_CONTACT_HOOK = "reviews_client_contacted_provider"


# --- assessments: reads --------------------------------------------------------------


def assessable_booking_get(*, user: User, booking_id: int) -> Booking:
    """A booking ``user`` is on the provider side of, else "not found" (the
    client of the booking too: their assessment is not theirs to see)."""
    booking = (
        bookings_visible_to(user=user)
        .filter(provider_side_q(user=user, prefix="profile__"))
        .select_related("profile", "client")
        .filter(pk=booking_id)
        .first()
        if 0 < booking_id <= MAX_ID
        else None
    )
    if booking is None:
        raise NotFound("Booking not found.")
    return booking


def assessment_of(*, booking: Booking) -> ClientAssessment | None:
    """The booking's assessment. Call only with a booking from
    ``assessable_booking_get`` (the provider side)."""
    return ClientAssessment.objects.filter(booking=booking).first()


def assessment_editable(*, assessment: ClientAssessment | None) -> bool:
    if assessment is None:
        return True
    return timezone.now() <= assessment_editable_until(assessment=assessment)


def assessment_editable_until(
    *, assessment: ClientAssessment | None
) -> dt.datetime | None:
    return (
        None if assessment is None else assessment.created_at + ASSESSMENT_EDIT_WINDOW
    )


def booking_assessable(*, booking: Booking) -> bool:
    return booking.status in ASSESSABLE


# --- assessments: the write ----------------------------------------------------------


def _check_answers(
    booking: Booking, *, showed_up: bool, respectful: bool | None
) -> None:
    if booking.status == S.NO_SHOW and showed_up:
        raise ValidationFailed(
            fields={
                "showed_up": [
                    "This booking is marked as a no-show: the client did not show up."
                ]
            }
        )
    if not showed_up and respectful is not None:
        raise ValidationFailed(
            fields={"respectful": ["Leave this empty when the client did not come."]}
        )


@transaction.atomic
def assessment_record(
    *,
    booking: Booking,
    actor: User,
    showed_up: bool,
    respectful: bool | None = None,
    would_see_again: bool | None = None,
) -> tuple[ClientAssessment, bool]:
    """Record (or, within ASSESSMENT_EDIT_WINDOW, correct) the provider side's
    private assessment of the booking's client. Returns (assessment, created).
    Anyone not on the booking's provider side gets 404; a booking not completed
    nor a no-show, or an assessment older than the window, 409."""
    # Locked: two submissions at once make one row, the second an edit.
    locked = (
        bookings_visible_to(user=actor)
        .filter(provider_side_q(user=actor, prefix="profile__"))
        .select_for_update(of=("self",))
        .filter(pk=booking.pk)
        .first()
    )
    if locked is None:
        raise NotFound("Booking not found.")
    if not booking_assessable(booking=locked):
        raise Conflict(
            "You can say how it went once the booking is completed or marked as a "
            "no-show."
        )
    _check_answers(locked, showed_up=showed_up, respectful=respectful)
    assessment = ClientAssessment.objects.filter(booking=locked).first()
    if not assessment_editable(assessment=assessment):
        raise Conflict("Assessments can be changed for 7 days; this one is final.")
    values = {
        "client_id": locked.client_id,
        "assessor": actor,
        "showed_up": showed_up,
        "respectful": respectful,
        "would_see_again": would_see_again,
    }
    if assessment is None:
        return ClientAssessment.objects.create(booking=locked, **values), True
    for name, value in values.items():
        setattr(assessment, name, value)
    assessment.save()
    return assessment, False


# --- the summary providers see -------------------------------------------------------


@dataclass(frozen=True)
class ClientReputation:
    """What a provider may know of a client. ``would_see_again_share`` is None
    until MIN_ASSESSING_PROVIDERS distinct providers said whether they would see
    the client again; ``no_show_rate`` is None without any finished booking."""

    account_age_days: int
    email_verified: bool
    identity_verified: bool
    completed_bookings: int
    no_show_rate: float | None
    would_see_again_share: float | None

    @property
    def enough_assessments(self) -> bool:
        return self.would_see_again_share is not None


def _would_see_again_share(client: User) -> float | None:
    """Each provider (profile) counts once, with their latest answer: one
    provider's many bookings do not outweigh the others. DISTINCT ON keeps it to
    one query however many assessments there are."""
    latest = list(
        ClientAssessment.objects.filter(client=client, would_see_again__isnull=False)
        .order_by("booking__profile_id", "-booking__start", "-pk")
        .distinct("booking__profile_id")
        .values_list("would_see_again", flat=True)
    )
    if len(latest) < MIN_ASSESSING_PROVIDERS:
        return None
    return sum(latest) / len(latest)


def client_reputation(*, client: User) -> ClientReputation:
    """The one home of the reputation summary: three queries. Callers must have
    checked that the viewer may see it (``client_reputation_for``, or a page
    already scoped to a booking or conversation on the viewer's provider side)."""
    counts = Booking.objects.filter(client=client).aggregate(
        completed=Count("pk", filter=Q(status=S.COMPLETED)),
        no_shows=Count("pk", filter=Q(status=S.NO_SHOW)),
    )
    finished = counts["completed"] + counts["no_shows"]
    return ClientReputation(
        account_age_days=(timezone.now() - client.date_joined).days,
        email_verified=EmailAddress.objects.filter(user=client, verified=True).exists(),
        identity_verified=client.is_age_verified,
        completed_bookings=counts["completed"],
        no_show_rate=counts["no_shows"] / finished if finished else None,
        would_see_again_share=_would_see_again_share(client),
    )


def _has_contacted(viewer: User, client_id: int) -> bool:
    requested = (
        bookings_visible_to(user=viewer)
        .filter(provider_side_q(user=viewer, prefix="profile__"), client_id=client_id)
        .exists()
    )
    if requested:
        return True
    return any(
        hook(viewer=viewer, client_id=client_id)
        for hook in hooks.get_hooks(CLIENT_CONTACT_HOOK)
    )


def client_reputation_for(*, viewer: User, client_id: int) -> ClientReputation:
    """The summary, for a provider-side user a client requested a booking from or
    wrote to; anyone else (the client included) gets 404."""
    if not 0 < client_id <= MAX_ID or client_id == viewer.pk:
        raise NotFound("Client not found.")
    client = User.objects.filter(pk=client_id, role=Role.CLIENT).first()
    if client is None or not _has_contacted(viewer, client_id):
        raise NotFound("Client not found.")
    return client_reputation(client=client)


# --- what clients see of their own ---------------------------------------------------


@dataclass(frozen=True)
class OwnReputationFacts:
    """Facts a client knows about themselves anyway; never the assessments."""

    account_age_days: int
    email_verified: bool
    identity_verified: bool
    completed_bookings: int


def own_reputation_facts(*, user: User) -> OwnReputationFacts:
    return OwnReputationFacts(
        account_age_days=(timezone.now() - user.date_joined).days,
        email_verified=EmailAddress.objects.filter(user=user, verified=True).exists(),
        identity_verified=user.is_age_verified,
        completed_bookings=Booking.objects.filter(
            client=user, status=S.COMPLETED
        ).count(),
    )
