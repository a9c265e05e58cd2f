"""Builds ProfileSearchDocument rows from the live profile. The only writer of the
index: every trigger (publish, unpublish, delete, owner change, tours, ratings)
ends in ``search_document_refresh``."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import strip_tags

from directory.models import EscortProfilePage, ProfileTour
from reviews.selectors import rating_annotations, round_average
from search.availability import availability_refresh
from search.generation import search_index_changed
from search.models import ProfileSearchDocument
from search.prices import hourly_comparison_minor
from search.ranking import rotation_refresh

# Weights: A name, B tagline/services/city, C bio. 'simple' configuration because
# profiles are multilingual; unaccent makes "Zoë" match "zoe".

_DOCUMENT_SQL = """
UPDATE search_profilesearchdocument SET document =
    setweight(to_tsvector('simple', unaccent(%s)), 'A') ||
    setweight(to_tsvector('simple', unaccent(%s)), 'B') ||
    setweight(to_tsvector('simple', unaccent(%s)), 'B') ||
    setweight(to_tsvector('simple', unaccent(%s)), 'C')
WHERE profile_id = %s
"""


def _indexable(profile_ids: Iterable[int]) -> list[EscortProfilePage]:
    today = timezone.localdate()
    return list(
        EscortProfilePage.objects.showable()
        # "Photos verified" follows the photos (directory.photo_badges).
        .with_photo_badges()
        # A document is placed by its home city: none, no row.
        .filter(pk__in=list(profile_ids), home_city__isnull=False)
        .select_related("home_city", "owner")
        # Average and count of the public reviews: the rule's home is
        # reviews.selectors (published, and the provider has reviews on).
        .annotate(**rating_annotations())
        .prefetch_related(
            "rates",
            "services",
            "languages",
            Prefetch(
                "tours",
                queryset=ProfileTour.objects.touring_on(day=today),
                to_attr="current_public_tours",
            ),
        )
    )


# Kept under its old name for callers (tests, bench); the rule is in search.prices.
hourly_eur_cents = hourly_comparison_minor


@transaction.atomic
def search_document_refresh(*, profile_id: int) -> ProfileSearchDocument | None:
    """Create, update or delete the profile's row to match what may be shown now.
    Idempotent; safe to call for any id, existing or not."""
    documents = search_documents_refresh(profile_ids=[profile_id])
    return documents[0] if documents else None


@transaction.atomic
def search_documents_refresh(*, profile_ids: list[int]) -> list[ProfileSearchDocument]:
    profiles = _indexable(profile_ids)
    keep = {profile.pk for profile in profiles}
    ProfileSearchDocument.objects.filter(profile_id__in=profile_ids).exclude(
        profile_id__in=keep
    ).delete()
    documents = [_document_for(profile) for profile in profiles]
    ProfileSearchDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["profile"],
        update_fields=[f.name for f in _UPDATABLE_FIELDS],
    )
    with connection.cursor() as cursor:
        cursor.executemany(_DOCUMENT_SQL, [_text_parts(p) for p in profiles])
    # The activity boost reads last_active_at: re-key with today's shuffle.
    rotation_refresh(profile_ids=sorted(keep))
    # Tours and rates shape the bookable times; a dropped profile loses them.
    availability_refresh(profile_ids=list(profile_ids))
    transaction.on_commit(search_index_changed)
    return documents


def _document_for(profile: EscortProfilePage) -> ProfileSearchDocument:
    hourly = [
        hourly_comparison_minor(r.amount_minor, r.currency, r.duration_minutes)
        for r in profile.rates.all()
    ]
    city = profile.home_city
    return ProfileSearchDocument(
        profile_id=profile.pk,
        city_id=city.pk,
        latitude=float(city.latitude),
        longitude=float(city.longitude),
        display_name=profile.title,
        is_verified=profile.is_verified,
        is_vip=profile.is_vip,
        min_hourly_eur=min(hourly) if hourly else None,
        max_hourly_eur=max(hourly) if hourly else None,
        service_ids=sorted(s.pk for s in profile.services.all()),
        language_codes=sorted(language.code for language in profile.languages.all()),
        touring_city_ids=sorted({t.city_id for t in profile.current_public_tours}),
        **_rating_fields(profile),
        last_active_at=profile.owner.last_login,
        published_at=profile.first_published_at or timezone.now(),
        updated_at=timezone.now(),
    )


def _rating_fields(profile: EscortProfilePage) -> dict:
    """No public review (or reviews off): no average, so the rating filter
    leaves the profile out and the rating sort puts it last."""
    count = profile.public_rating_count if profile.public_rating_on else 0
    average = round_average(profile.public_rating_average) if count else None
    return {"rating_avg": average, "rating_count": count}


def _text_parts(profile: EscortProfilePage) -> tuple:
    services = " ".join(s.name for s in profile.services.all())
    return (
        profile.title,
        f"{profile.tagline} {services}",
        f"{profile.home_city.title} {profile.home_city.country}",
        strip_tags(profile.bio)[:8000],
        profile.pk,
    )


_UPDATABLE_FIELDS = [
    f
    for f in ProfileSearchDocument._meta.concrete_fields
    if f.name not in {"profile", "document", "rotation_keys", "rotation_day"}
]


def search_index_rebuild(*, batch_size: int = 500, progress=None) -> int:  # noqa: ANN001
    """Re-index every profile; rows for profiles that may not be shown go away."""
    ids = list(EscortProfilePage.objects.order_by("pk").values_list("pk", flat=True))
    ProfileSearchDocument.objects.exclude(profile_id__in=ids).delete()
    done = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        search_documents_refresh(profile_ids=batch)
        done += len(batch)
        if progress is not None:
            progress(done, len(ids))
    return ProfileSearchDocument.objects.count()
