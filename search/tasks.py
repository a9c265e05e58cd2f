from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from directory.models import ProfileTour
from search.indexer import search_document_refresh, search_documents_refresh


@shared_task(acks_late=True, reject_on_worker_lost=True)
def refresh_profile(profile_id: int) -> bool:
    """Bring one profile's search row in line with what may be shown now."""
    return search_document_refresh(profile_id=profile_id) is not None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def refresh_touring() -> int:
    """Daily: tours that start or end move profiles in or out of "touring now"."""
    today = timezone.localdate()
    changed = ProfileTour.objects.filter(
        starts_on__range=(today - dt.timedelta(days=1), today)
    ) | ProfileTour.objects.filter(ends_on__range=(today - dt.timedelta(days=1), today))
    ids = sorted(set(changed.values_list("page_id", flat=True)))
    search_documents_refresh(profile_ids=ids)
    return len(ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def flush_impressions() -> int:
    """Every 5 minutes: Redis impression counters into ProfileImpressionDaily."""
    from search.impressions import impressions_flush

    return impressions_flush()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def rotate_daily() -> int:
    """Just after midnight: the day's shuffle keys (and the activity boost as
    of today) for every row; rows already keyed today are skipped, so a rerun
    or an overlap with the indexer does no harm."""
    from search.ranking import rotation_refresh_due

    return rotation_refresh_due()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def refresh_availability(profile_id: int) -> int:
    """One profile's bookable times, after bookings reported a change."""
    from search.availability import availability_refresh

    return availability_refresh(profile_ids=[profile_id])


@shared_task(acks_late=True, reject_on_worker_lost=True)
def refresh_availability_all() -> int:
    """Nightly: every shown profile's bookable times (the horizon moves on)."""
    from search.availability import availability_refresh_all

    return availability_refresh_all()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def choose_rollup_words() -> list[str]:
    """Nightly: the words searched most in the last 30 days (and matching
    enough documents) get facet rollups; every rollup is recounted."""
    from search.rollups import rollup_terms_choose

    return rollup_terms_choose()
