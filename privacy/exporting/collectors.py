"""What each class of a person's data holds, read for the export: one function
per class, each returning plain rows (dicts with readable keys) for
``DjangoJSONEncoder``. Reads only; the registry (``registry.py``) names which
user columns each covers."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from wagtail.models import Revision

from accounts.models import User
from core import crypto
from directory.models import EscortProfilePage, ProfilePhoto

Rows = list[dict]


def _rows(queryset: QuerySet, *fields: str) -> Rows:
    return list(queryset.values(*fields))


def owned_profiles(user: User) -> QuerySet[EscortProfilePage]:
    return EscortProfilePage.objects.filter(owner=user).order_by("pk")


def account(user: User) -> dict:
    from accounts.models import Consent

    return {
        "user": _rows(
            User.objects.filter(pk=user.pk),
            "id", "email", "display_name", "role", "date_joined", "last_login",
            "is_age_verified", "age_verified_at", "is_suspended",
        ),
        "emails": _rows(
            user.emailaddress_set.order_by("pk"), "id", "email", "verified", "primary"
        ),
        "consents": _rows(
            Consent.objects.filter(user=user).order_by("pk"),
            "id", "document", "version", "accepted", "source", "created_at",
        ),
    }  # fmt: skip


def profiles(user: User) -> dict:
    pages = owned_profiles(user)
    revisions = Revision.page_revisions.filter(
        object_id__in=[str(pk) for pk in pages.values_list("pk", flat=True)]
    ).order_by("pk")
    return {
        "profiles": _rows(
            pages, "id", "title", "slug", "live", "age", "tagline", "bio",
            "contact_preference", "home_city_id", "agency_id", "is_vip",
            "paused_at", "first_published_at", "last_published_at",
        ),
        "revisions": _rows(
            revisions, "id", "object_id", "created_at", "approved_go_live_at",
            "user_id", "content",
        ),
    }  # fmt: skip


def photo_rows(user: User) -> QuerySet[ProfilePhoto]:
    """The photos on the user's profiles; ``photos`` adds images they uploaded
    that no profile shows (yet)."""
    return (
        ProfilePhoto.objects.filter(page__owner=user)
        .select_related("image")
        .order_by("pk")
    )


def photos(user: User) -> Rows:
    from cms_pages.models import CustomImage

    on_profiles = list(photo_rows(user))
    shown = {photo.image_id for photo in on_profiles}
    uploaded = CustomImage.objects.filter(uploaded_by_user=user).exclude(pk__in=shown)
    return [
        _photo(photo.image, profile_id=photo.page_id, caption=photo.caption)
        for photo in on_profiles
    ] + [
        _photo(image, profile_id=None, caption="") for image in uploaded.order_by("pk")
    ]


def _photo(image, *, profile_id: int | None, caption: str) -> dict:  # noqa: ANN001
    return {
        "image_id": image.pk,
        "profile_id": profile_id,
        "title": image.title,
        "caption": caption,
        "width": image.width,
        "height": image.height,
        "uploaded_at": image.created_at,
        "file": photo_path(image),
    }


def photo_path(image) -> str:  # noqa: ANN001 - a CustomImage
    return f"photos/{image.pk}-{image.file.name.rsplit('/', 1)[-1]}"


def bookings(user: User) -> dict:
    from bookings.models import Booking, BookingEvent
    from bookings.selectors import bookings_visible_to

    mine = bookings_visible_to(user=user) | Booking.objects.filter(assigned_to=user)
    ids = list(mine.values_list("pk", flat=True))
    fields = (
        "id", "client_id", "profile_id", "start", "end", "duration_minutes",
        "location", "price_minor", "currency", "deposit_minor", "note",
        "meeting_place", "status", "created_at",
    )  # fmt: skip
    return {
        "as_client": _rows(Booking.objects.filter(client=user).order_by("pk"), *fields),
        "as_provider": _rows(
            Booking.objects.filter(pk__in=ids).exclude(client=user).order_by("pk"),
            *fields,
        ),
        "events": _rows(
            BookingEvent.objects.filter(booking_id__in=ids).order_by("pk"),
            "id", "booking_id", "actor_id", "from_status", "to_status", "reason",
            "created_at",
        ),
    }  # fmt: skip


def messages(user: User) -> dict:
    from messaging.models import Block, Message, MessageTemplate
    from messaging.selectors import threads_for

    threads = threads_for(user=user).order_by("pk")
    sent = Message.objects.filter(thread__in=threads).order_by("thread_id", "pk")
    return {
        "threads": _rows(
            threads, "id", "client_id", "profile_id", "booking_id", "created_at",
            "last_message_at",
        ),
        "messages": [
            {
                "id": message.pk, "thread_id": message.thread_id,
                "sender_id": message.sender_id, "mine": message.sender_id == user.pk,
                "automatic": message.automatic, "created_at": message.created_at,
                "body": crypto.decrypt(message.body_encrypted),
            }
            for message in sent
        ],
        "blocked_by_you": _rows(
            Block.objects.filter(blocker=user).order_by("pk"),
            "id", "blocked_id", "created_at",
        ),
        "templates": _rows(
            MessageTemplate.objects.filter(owner=user).order_by("pk"),
            "id", "title", "body", "created_at",
        ),
        "away_replies": _away_replies(user),
    }  # fmt: skip


def _away_replies(user: User) -> Rows:
    from messaging.models import AwayReply

    rows = AwayReply.objects.filter(Q(set_by=user) | Q(profile__owner=user))
    return _rows(
        rows.order_by("pk"), "id", "profile_id", "enabled", "message", "until",
        "updated_at",
    )  # fmt: skip


def reviews(user: User) -> dict:
    from reviews.models import ClientAssessment, Review

    fields = (
        "id", "profile_id", "booking_id", "rating", "punctuality",
        "communication", "as_described", "text", "status", "created_at",
        "reply", "replied_at",
    )  # fmt: skip
    return {
        "written": _rows(Review.objects.filter(author=user).order_by("pk"), *fields),
        "received": _rows(
            Review.objects.filter(Q(profile__owner=user) | Q(replied_by=user))
            .exclude(author=user)
            .order_by("pk"),
            *fields,
        ),
        # Assessments this provider wrote about clients. Those about the user as
        # a client are private to providers (docs/reputation.md): see EXCLUDED.
        "client_assessments_written": _rows(
            ClientAssessment.objects.filter(assessor=user).order_by("pk"),
            "id", "booking_id", "client_id", "showed_up", "respectful",
            "would_see_again", "created_at",
        ),
    }  # fmt: skip
