"""The exposure report: a provider's share of first-page impressions in their home
city, against the share a fair rotation would give them inside their band."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from directory.models import EscortProfilePage
from search.models import ProfileImpressionDaily, ProfileSearchDocument
from search.ranking import band

MAX_DAYS = 90


def _period(days: int) -> tuple[dt.date, dt.date]:
    end = timezone.localdate()
    return end - dt.timedelta(days=days - 1), end


def _band_is_vip(profile: EscortProfilePage) -> bool:
    document = ProfileSearchDocument.objects.filter(profile_id=profile.pk).first()
    return document.is_vip if document is not None else profile.is_vip


def _impression_totals(
    *, profile_id: int, city_id: int, is_vip: bool, start: dt.date, end: dt.date
) -> dict:
    """One query: the profile's own counts, its band's and the whole city's.
    A profile's band is read from the index now (VIP status rarely changes);
    profiles no longer in the index drop out of the band total."""
    rows = ProfileImpressionDaily.objects.filter(
        city_id=city_id, day__range=(start, end)
    )
    own = Q(profile_id=profile_id)
    in_band = Q(profile__search_document__is_vip=is_vip)

    def total(field: str, condition: Q | None = None) -> Coalesce:
        return Coalesce(Sum(field, filter=condition), 0)

    return rows.aggregate(
        own_impressions=total("impressions", own),
        own_first_page=total("first_page", own),
        own_position_sum=total("position_sum", own),
        band_first_page=total("first_page", in_band),
        city_first_page=total("first_page"),
    )


def _live_in_band(*, city_id: int, is_vip: bool) -> int:
    return ProfileSearchDocument.objects.filter(
        city_id=city_id, is_vip=is_vip
    ).aggregate(n=Count("profile_id"))["n"]


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def exposure_for_profile(*, profile: EscortProfilePage, days: int = 7) -> dict:
    """Fair share = 1 / live profiles in the same band and home city: what an even
    rotation gives each of them. ``share`` is the profile's part of its band's
    first-page impressions; ``ratio`` = share / fair share (1.0 is even)."""
    start, end = _period(days)
    city_id = profile.home_city_id
    is_vip = _band_is_vip(profile)
    totals = _impression_totals(
        profile_id=profile.pk, city_id=city_id, is_vip=is_vip, start=start, end=end
    )
    peers = _live_in_band(city_id=city_id, is_vip=is_vip)
    share = _ratio(totals["own_first_page"], totals["band_first_page"])
    fair_share = _ratio(1, peers)
    return {
        "profile_id": profile.pk,
        "city_id": city_id,
        "band": band(is_vip=is_vip),
        "days": days,
        "period_start": start,
        "period_end": end,
        "impressions": totals["own_impressions"],
        "first_page_impressions": totals["own_first_page"],
        "average_position": (
            round(totals["own_position_sum"] / totals["own_impressions"], 1)
            if totals["own_impressions"]
            else None
        ),
        "band_first_page_impressions": totals["band_first_page"],
        "city_first_page_impressions": totals["city_first_page"],
        "live_profiles_in_band": peers,
        "share": share,
        "fair_share": fair_share,
        "ratio": (
            round(share / fair_share, 2) if share is not None and fair_share else None
        ),
    }


def exposure_for_profiles(
    *, profile_ids: list[int], start: dt.date, end: dt.date
) -> dict:
    """The same rule for several profiles at once (an agency's, or one profile
    over any period), in three queries whatever their number. Each profile's
    fair first-page impressions are its band's total / live profiles in the band
    (city, VIP or not); ``share`` and ``fair_share`` are the profiles' own and
    fair parts of the first-page impressions of their bands, and ``ratio`` =
    own / fair. For one profile these equal ``exposure_for_profile``."""
    profiles = list(
        EscortProfilePage.objects.filter(pk__in=profile_ids)
        .exclude(home_city_id=None)
        .values_list("pk", "home_city_id", "is_vip", "search_document__is_vip")
    )
    bands = {
        pk: (city_id, indexed if indexed is not None else is_vip)
        for pk, city_id, is_vip, indexed in profiles
    }
    cities = {city_id for city_id, _ in bands.values()}
    rows = (
        ProfileImpressionDaily.objects.filter(
            city_id__in=cities, day__range=(start, end)
        )
        .values("city_id", "profile__search_document__is_vip")
        .annotate(
            band_first_page=Coalesce(Sum("first_page"), 0),
            own_first_page=Coalesce(
                Sum("first_page", filter=Q(profile_id__in=list(bands))), 0
            ),
            own_impressions=Coalesce(
                Sum("impressions", filter=Q(profile_id__in=list(bands))), 0
            ),
        )
        .order_by()
    )
    band_totals: dict[tuple[int, bool], int] = {}
    own_first_page = own_impressions = 0
    for row in rows:
        key = (row["city_id"], row["profile__search_document__is_vip"])
        band_totals[key] = band_totals.get(key, 0) + row["band_first_page"]
        own_first_page += row["own_first_page"]
        own_impressions += row["own_impressions"]
    peers = {
        (row["city_id"], row["is_vip"]): row["n"]
        for row in ProfileSearchDocument.objects.filter(city_id__in=cities)
        .values("city_id", "is_vip")
        .annotate(n=Count("profile_id"))
        .order_by()
    }
    band_first_page = sum(band_totals.get(key, 0) for key in set(bands.values()))
    fair_first_page = sum(
        band_totals.get(key, 0) / peers[key] for key in bands.values() if peers.get(key)
    )
    share = _ratio(own_first_page, band_first_page)
    fair_share = (
        round(fair_first_page / band_first_page, 4) if band_first_page else None
    )
    return {
        "period_start": start,
        "period_end": end,
        "impressions": own_impressions,
        "first_page_impressions": own_first_page,
        "band_first_page_impressions": band_first_page,
        "share": share,
        "fair_share": fair_share,
        "ratio": (
            round(own_first_page / fair_first_page, 2) if fair_first_page else None
        ),
    }
