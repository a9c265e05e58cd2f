"""Search over ProfileSearchDocument: filters, fair "recommended" order, keyset
pagination and facet counts for the current filters."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    F,
    FloatField,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL

from search.availability import available_between
from search.cursors import _after, cursor_shown, decode_cursor, encode_cursor
from search.models import (
    PRICE_ASC_KEY,
    PRICE_DESC_KEY,
    RATING_KEY,
    ProfileSearchDocument,
)
from search.params import SORTS, SearchParams
from search.prices import COMPARISON_CURRENCY
from search.ranking import (
    RECOMMENDED_KEYS,
    recommended_after,
    with_recommended_key,
)
from search.suggestions import search_suggestions

__all__ = [
    "SORTS",
    "SearchParams",
    "SearchResult",
    "search_converted_currencies",
    "search_profiles",
    "search_suggestions",
]

EARTH_KM = 6371.0
_DOC = "search_profilesearchdocument"
# The radius's bounding box, served by the GiST index of migrations/0003.
BOX_SQL = (
    f"point({_DOC}.longitude, {_DOC}.latitude) <@ box(point(%s, %s), point(%s, %s))"
)
DISTANCE_SQL = (
    f"2 * %s * asin(sqrt(power(sin(radians({_DOC}.latitude - %s) / 2), 2) + "
    f"cos(radians(%s)) * cos(radians({_DOC}.latitude)) * "
    f"power(sin(radians({_DOC}.longitude - %s) / 2), 2)))"
)


@dataclass
class SearchResult:
    documents: list[ProfileSearchDocument]
    next_cursor: str | None
    total: int
    # Results before this page: positions for impressions (1-based = offset + i + 1).
    offset: int = 0


def _text_filter(docs: QuerySet, q: str) -> QuerySet:
    # websearch_to_tsquery never raises on user syntax; the trigram arm forgives
    # typos in names ("fionna" finds "Fiona").
    return docs.annotate(
        text_match=RawSQL(
            "document @@ websearch_to_tsquery('simple', unaccent(%s)) "
            "OR search_unaccent(display_name) %% search_unaccent(%s)",
            [q, q],
            output_field=BooleanField(),
        )
    ).filter(text_match=True)


def radius_box(params: SearchParams) -> list[float]:
    """The radius's bounding box: it lets the planner drop far rows before the
    trigonometry."""
    dlat = params.radius_km / 111.0
    dlng = params.radius_km / max(111.0 * math.cos(math.radians(params.lat)), 0.01)
    return [params.lng - dlng, params.lat - dlat, params.lng + dlng, params.lat + dlat]


def distance_args(params: SearchParams) -> list[float]:
    return [EARTH_KM, params.lat, params.lat, params.lng]


def _with_distance(docs: QuerySet, params: SearchParams) -> QuerySet:
    docs = docs.annotate(
        distance_km=RawSQL(  # noqa: S611 - constant SQL, values bound as params
            DISTANCE_SQL,
            distance_args(params),
            output_field=FloatField(),
        )
    )
    if params.radius_km is None:
        return docs
    in_box = RawSQL(  # noqa: S611 - constant SQL, values bound as params
        BOX_SQL, radius_box(params), output_field=BooleanField()
    )
    return docs.annotate(in_box=in_box).filter(
        in_box=True, distance_km__lte=params.radius_km
    )


def filtered_documents(params: SearchParams) -> QuerySet[ProfileSearchDocument]:
    docs = ProfileSearchDocument.objects.all()
    if params.q:
        docs = _text_filter(docs, params.q)
    if params.has_point:
        docs = _with_distance(docs, params)
    if params.available_from is not None:
        # With a city, "available" means bookable *in* that city then: based
        # there and not away, or visiting on a tour. It replaces the city test.
        docs = docs.filter(
            available_between(
                start=params.available_from,
                end=params.available_to,
                city_id=params.city_id,
            )
        )
    elif params.city_id is not None and not params.touring_now:
        docs = docs.filter(city_id=params.city_id)
    if params.touring_now:
        docs = docs.filter(_touring_now_q(params.city_id))
    if params.price_min is not None:
        docs = docs.filter(max_hourly_eur__gte=params.price_min_cents)
    if params.price_max is not None:
        docs = docs.filter(min_hourly_eur__lte=params.price_max_cents)
    if params.service_ids:
        mode = "contains" if params.services_mode == "all" else "overlap"
        docs = docs.filter(**{f"service_ids__{mode}": list(params.service_ids)})
    if params.languages:
        docs = docs.filter(language_codes__overlap=list(params.languages))
    if params.verified_only:
        docs = docs.filter(is_verified=True)
    if params.vip_only:
        docs = docs.filter(is_vip=True)
    if params.rating_min is not None:
        docs = docs.filter(rating_avg__gte=Decimal(str(params.rating_min)))
    return docs


def _touring_now_q(city_id: int | None) -> Q:
    """ "Touring now" is a filter like any other: it keeps only profiles on a public
    tour today and never adds any. With a city it keeps those visiting that city
    now (the city's companions who are there on tour), which is also why it stands
    in for the home-city test: a profile is never on tour in its home city."""
    if city_id is None:
        return ~Q(touring_city_ids=[])
    return Q(touring_city_ids__contains=[city_id])


def _ordered(docs: QuerySet, params: SearchParams, seed: str) -> tuple[QuerySet, list]:
    """The queryset in the sort's order and its key fields, most significant first,
    each as (field, descending)."""
    sort = params.sort
    if sort == "recommended":
        docs, keys = with_recommended_key(docs, seed=seed), RECOMMENDED_KEYS
    elif sort in ("price_asc", "price_desc"):
        descending = sort == "price_desc"
        key = PRICE_DESC_KEY if descending else PRICE_ASC_KEY
        docs = docs.annotate(price_key=key)
        keys = [("price_key", descending), ("profile_id", False)]
    elif sort == "rating":
        docs = docs.annotate(rating_key=RATING_KEY)
        keys = [("rating_key", True), ("rating_count", True), ("profile_id", False)]
    elif sort == "distance":
        keys = [("distance_km", False), ("profile_id", False)]
    else:  # newest
        keys = [("published_at", True), ("profile_id", True)]
    order = [F(name).desc() if desc else F(name).asc() for name, desc in keys]
    return docs.order_by(*order), keys


def search_profiles(
    *, params: SearchParams, seed: str, total: int | None = None
) -> SearchResult:
    """One page in the sort's order. ``total``: the caller's count when it has
    one already (search_facets counts the same filtered rows)."""
    filtered = filtered_documents(params)
    docs, keys = _ordered(filtered, params, seed)
    if params.cursor:
        values = decode_cursor(params.cursor, sort=params.sort, size=len(keys))
        if params.sort == "recommended":
            docs = recommended_after(docs, seed=seed, values=values)
        else:
            docs = docs.filter(_after(keys, values))
    page = _page_keys(docs, keys, size=params.page_size + 1)
    offset = cursor_shown(params.cursor)
    next_cursor = None
    if len(page) > params.page_size:
        page = page[: params.page_size]
        next_cursor = encode_cursor(
            sort=params.sort, key=list(page[-1]), shown=offset + len(page)
        )
    rows = _documents(page, keys)
    return SearchResult(
        documents=rows,
        next_cursor=next_cursor,
        total=filtered.count() if total is None else total,
        offset=offset,
    )


def _page_keys(docs: QuerySet, keys: list, *, size: int) -> list[tuple]:
    """The page as sort keys only: a narrow top-N sort. Selecting whole rows (or
    joining the page tree) before the LIMIT made PostgreSQL carry every matching
    row through the sort: 420 ms instead of ~50 ms over 100k rows."""
    return list(docs.values_list(*[name for name, _ in keys])[:size])


def _documents(page: list[tuple], keys: list) -> list[ProfileSearchDocument]:
    """The page's rows in key order, with their key annotations (distance_km...)
    set as the serializers expect, and the profile's ``profile_url_path`` and
    the city's ``city_title`` (what a result shows of them: no page objects,
    the HTML page reads its cards itself). A row deleted in between is
    skipped."""
    names = [name for name, _ in keys]
    ids = [dict(zip(names, row, strict=True))["profile_id"] for row in page]
    found = (
        ProfileSearchDocument.objects.defer("document")
        .annotate(profile_url_path=F("profile__url_path"), city_title=F("city__title"))
        .in_bulk(ids)
    )
    rows = []
    for key in page:
        values = dict(zip(names, key, strict=True))
        doc = found.get(values["profile_id"])
        if doc is not None:
            for name, value in values.items():
                setattr(doc, name, value)
            rows.append(doc)
    return rows


def search_converted_currencies(*, profile_ids: list[int]) -> list[str]:
    """The currencies other than the comparison one that these profiles quote in
    (one query): the page then says its prices were converted (search.prices)."""
    from directory.models import ProfileRate

    return sorted(
        ProfileRate.objects.filter(page_id__in=profile_ids)
        .exclude(currency=COMPARISON_CURRENCY)
        .order_by()
        .values_list("currency", flat=True)
        .distinct()
    )
