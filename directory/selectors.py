"""Reads of the directory. Every queryset here carries the joins its consumers need,
so list pages and endpoints run a constant number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.db.models import (
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import MD5, Cast, Concat
from django.utils import timezone
from wagtail.models import WorkflowState

from accounts.models import User
from cms_pages.models import CustomImage
from cms_pages.renditions import PROFILE_CARD, PROFILE_THUMBNAIL
from core.compiled import InstancesById, RowsById
from core.exceptions import NotFound
from directory.models import (
    CARD_PHOTOS,
    Agency,
    AgencyMembership,
    CityPage,
    EscortProfilePage,
    Favourite,
    Language,
    ProfilePhoto,
    ProfileRate,
    ProfileTour,
    Service,
)
from directory.plan_limits import with_featured
from directory.ratings import rating_annotations, with_public_rating


def _showable_profiles() -> QuerySet[EscortProfilePage]:
    # with_photo_badges: every card and API item shows "Photos verified".
    return (
        EscortProfilePage.objects.showable()
        .with_photo_badges()
        .select_related("home_city", "agency")
    )


def _photos() -> Prefetch:
    return Prefetch(
        "photos",
        queryset=ProfilePhoto.objects.select_related("image").order_by("sort_order"),
    )


def profile_public_list(
    *,
    tours: bool = True,
    lists_annotated: bool = False,
) -> QuerySet[EscortProfilePage]:
    """Live profiles with what a profile's page or API detail shows: city,
    agency, photos (with their image), rates, services, languages, and (unless
    ``tours=False``) public tours. ``lists_annotated``: services, languages and
    the "from" price come as annotations (``with_profile_lists``) instead of
    prefetches. Lists read rows instead (``profile_id_list``, ``profile_rows``)
    or cards (``profile_card_list``)."""
    lookups: list[Prefetch | str] = [
        _photos(),
        Prefetch("rates", queryset=ProfileRate.objects.order_by("sort_order")),
    ]
    if not lists_annotated:
        lookups += ["services", "languages"]
    if tours:
        public_tours = (
            ProfileTour.objects.public().select_related("city").order_by("starts_on")
        )
        lookups.append(Prefetch("tours", queryset=public_tours))
    profiles = _showable_profiles().prefetch_related(*lookups)
    return with_profile_lists(profiles) if lists_annotated else profiles


# Which rate is a profile's "from" price: the lowest amount, then the rate's
# own order (card_from_price takes the first lowest of the rates in that order).
FROM_PRICE_ORDER = ("amount_minor", "sort_order", "pk")


def with_from_price(
    profiles: QuerySet[EscortProfilePage],
) -> QuerySet[EscortProfilePage]:
    """A profile's "from" price as ``from_amount_minor`` and ``from_currency``
    (None without rates): a correlated subquery instead of prefetching every
    rate. Cards (core card_from_price) and the API read these."""
    lowest = ProfileRate.objects.filter(page=OuterRef("pk")).order_by(*FROM_PRICE_ORDER)
    return profiles.annotate(
        from_amount_minor=Subquery(lowest.values("amount_minor")[:1]),
        from_currency=Subquery(lowest.values("currency")[:1]),
    )


def with_profile_lists(
    profiles: QuerySet[EscortProfilePage],
) -> QuerySet[EscortProfilePage]:
    """The API's per-profile lists as annotations, each a correlated subquery
    instead of a prefetch query and its model objects: the "from" price
    (``with_from_price``), ``service_names`` and ``language_codes`` in their
    models' order."""
    services = Service.objects.filter(profiles=OuterRef("pk")).order_by(
        *Service._meta.ordering
    )
    languages = Language.objects.filter(profiles=OuterRef("pk")).order_by(
        *Language._meta.ordering
    )
    return with_from_price(profiles).annotate(
        service_names=ArraySubquery(services.values("name")),
        language_codes=ArraySubquery(languages.values("code")),
    )


def _profile_row_values() -> QuerySet[EscortProfilePage]:
    primary = ProfilePhoto.objects.primary_of_page(OuterRef("pk"))
    # No visibility filter here: the ids come from a showable list
    # (profile_id_list) in the same request, and a compiled query must not
    # hold content-dependent parameters (the private sections' paths).
    profiles = with_public_rating(
        with_profile_lists(EscortProfilePage.objects.with_photo_badges())
    )
    return profiles.annotate(
        photo_image_id=Subquery(primary.values("image_id")[:1]),
        photo_caption=Subquery(primary.values("caption")[:1]),
    ).values(
        "id",
        "title",
        "slug",
        "url_path",
        "age",
        "tagline",
        "is_vip",
        "photos_verified_at",
        "home_city_id",
        "home_city__title",
        "agency_id",
        "agency__name",
        "agency__slug",
        "from_amount_minor",
        "from_currency",
        "service_names",
        "language_codes",
        "photo_image_id",
        "photo_caption",
        *rating_annotations(),
    )


# Compiled once per process (core.compiled): the list's rows cost one query
# whose SQL is never built again.
_PROFILE_ROWS = RowsById(_profile_row_values)


def profile_rows(*, ids: list[int]) -> list[dict]:
    """What ``profile_list(lists_annotated=True)`` shows of each profile, as
    plain values for ``ids`` (in their order; an id with no profile is left
    out): the columns, the city and agency names, the "from" price, services
    and languages (``with_profile_lists``), the public rating
    (directory.ratings) and the primary photo's image id and caption. For
    lists that page ids first (``profile_id_list``, the one home of what may be
    shown) and read their rows second: it shows whatever ids it is given."""
    return _PROFILE_ROWS.rows(ids)


def profile_card_list() -> QuerySet[EscortProfilePage]:
    """Live profiles with only what a card shows (templates/includes/
    profile_card.html): city, the primary photo, and the "from" price and public
    rating as annotations (with_from_price, directory.ratings). Grids of cards
    skip the other prefetches of profile_public_list, and read only the columns
    a card shows (``CARD_FIELDS``): a page row and its city's are about a
    hundred columns, each compiled into the query and set on an object."""
    cards = _as_cards(EscortProfilePage.objects.showable())
    return cards.prefetch_related(_primary_photo())


def _as_cards(profiles: QuerySet[EscortProfilePage]) -> QuerySet[EscortProfilePage]:
    profiles = profiles.with_photo_badges().select_related("home_city")
    return with_public_rating(with_from_price(profiles.only(*CARD_FIELDS)))


# Compiled once per process (core.compiled): no visibility filter, the ids come
# from a showable list, and a compiled query must not hold content-dependent
# parameters (the private sections' paths).
_CARDS = InstancesById(
    lambda: _as_cards(EscortProfilePage.objects.all()),
    prefetch=lambda: [_primary_photo()],
)


def profile_cards(*, ids: list[int]) -> list[EscortProfilePage]:
    """``profile_card_list()``'s objects for ``ids``, in their order, from a
    query compiled once: for listings that choose their showable profiles first
    (``profile_id_list`` and the like, the one home of what may be shown) and
    read their cards second. It shows whatever ids it is given."""
    return _CARDS.instances(ids)


# What a card reads of its page (templates/includes/profile_card.html, its
# fragment key directory_tags.card_fingerprint, and the favourite button): a
# template that reads another field costs a query per card, which the listings'
# query-count tests catch.
CARD_FIELDS = (
    "title",
    "url_path",
    "owner",
    "age",
    "tagline",
    "is_vip",
    "home_city__title",
)


def _primary_photo() -> Prefetch:
    # A card shows one photo: the primary one only, not the whole gallery (a
    # third of the rows and model objects of a city page's photos).
    primary = ProfilePhoto.objects.primary_only().select_related("image")
    return Prefetch("photos", queryset=primary, to_attr=CARD_PHOTOS)


def rotation_seed(*, session_key: str | None, day: dt.date | None = None) -> str:
    """Per visitor and per day: the same visitor pages through a stable order today,
    another visitor (or tomorrow) sees another one."""
    return f"{session_key or 'anonymous'}:{(day or timezone.localdate()).isoformat()}"


def profile_ids_for_city(*, city: CityPage, seed: str) -> QuerySet[EscortProfilePage]:
    """Profiles based in the city, as ``{"id", "city_featured"}`` values (the
    cards come from ``profile_cards``): the featured band first (VIP profiles
    whose owner's plan includes featured placement: directory.plan_limits),
    then a fair rotation (a hash of the profile id and the seed) that gives no
    profile a fixed place."""
    return (
        with_featured(EscortProfilePage.objects.showable())
        .filter(home_city=city)
        .annotate(
            rotation=MD5(
                Concat(Cast("id", CharField()), Value(seed), output_field=CharField())
            )
        )
        .order_by(F("city_featured").desc(), "rotation", "id")
        .values("id", "city_featured")
    )


def profile_ids_touring_city(
    *, city: CityPage, on: dt.date | None = None
) -> QuerySet[EscortProfilePage]:
    """Profiles from elsewhere with a public tour in the city covering ``on``,
    as ``{"id"}`` values (the cards come from ``profile_cards``)."""
    day = on or timezone.localdate()
    # An id subquery instead of a join + DISTINCT: DISTINCT over the wide page rows
    # (bio, JSON) made this the slowest query of the city page.
    touring_ids = (
        ProfileTour.objects.touring_on(day=day).filter(city=city).values("page_id")
    )
    return (
        EscortProfilePage.objects.showable()
        .filter(pk__in=touring_ids)
        .exclude(home_city=city)
        .order_by("-is_vip", "title")
        .values("id")
    )


def profile_list(
    *,
    city_id: int | None = None,
    verified: bool | None = None,
    vip: bool | None = None,
    tours: bool = True,
    lists_annotated: bool = False,
) -> QuerySet[EscortProfilePage]:
    profiles = profile_public_list(tours=tours, lists_annotated=lists_annotated)
    return _filtered(profiles, city_id=city_id, verified=verified, vip=vip)


def profile_id_list(
    *, city_id: int | None = None, verified: bool | None = None, vip: bool | None = None
) -> QuerySet[EscortProfilePage]:
    """``profile_list``'s profiles as ``{"id": ...}`` values: a list that pages
    ids and reads their rows with ``profile_rows``."""
    profiles = EscortProfilePage.objects.showable()
    if verified is not None:  # the badge is only read to filter on it
        profiles = profiles.with_photo_badges()
    return _filtered(profiles, city_id=city_id, verified=verified, vip=vip).values("id")


def _filtered(
    profiles: QuerySet[EscortProfilePage],
    *,
    city_id: int | None,
    verified: bool | None,
    vip: bool | None,
) -> QuerySet[EscortProfilePage]:
    if city_id is not None:
        profiles = profiles.filter(home_city_id=city_id)
    if verified is not None:
        profiles = profiles.filter(photos_verified_at__isnull=not verified)
    if vip is not None:
        profiles = profiles.filter(is_vip=vip)
    return profiles


def city_list() -> QuerySet[CityPage]:
    return (
        CityPage.objects.live().public().select_related("hero_image").order_by("title")
    )


def agency_list() -> QuerySet[Agency]:
    return Agency.objects.order_by("name")


def provider_side_q(*, user: User, prefix: str = "") -> Q:
    """The one home of "``user`` is on the provider side of a profile"
    (docs/architecture.md, "One home per rule"): its owner, or a member (owner or
    manager) of its agency. ``prefix`` reaches the profile through a relation,
    e.g. ``"profile__"`` from a booking or a thread. An id subquery, not a join:
    no duplicate rows, no DISTINCT."""
    managed = AgencyMembership.objects.filter(user=user).values("agency_id")
    return Q(**{f"{prefix}owner": user}) | Q(**{f"{prefix}agency_id__in": managed})


def profile_provider_user_ids(*, profile: EscortProfilePage) -> set[int]:
    """The other direction of provider_side_q: the ids of everyone on the
    provider side of ``profile``."""
    return profiles_provider_user_ids(profiles=[profile])[profile.pk]


def profiles_provider_user_ids(
    *, profiles: Iterable[EscortProfilePage]
) -> dict[int, set[int]]:
    """``profile_provider_user_ids`` for many profiles, by profile id, in at
    most one query: an independent's side is its owner, read with none.
    (Filtering memberships by a None agency id would match every user without
    a membership: the agency branch must not run for independents.)"""
    profiles = list(profiles)
    sides = {profile.pk: {profile.owner_id} - {None} for profile in profiles}
    agencies = {profile.agency_id for profile in profiles} - {None}
    if agencies:
        members: dict[int, set[int]] = {}
        for agency_id, user_id in AgencyMembership.objects.filter(
            agency_id__in=agencies
        ).values_list("agency_id", "user_id"):
            members.setdefault(agency_id, set()).add(user_id)
        for profile in profiles:
            sides[profile.pk] |= members.get(profile.agency_id, set())
    return sides


def profile_provider_users(*, profile: EscortProfilePage) -> QuerySet[User]:
    """Everyone on the provider side of ``profile``, as users."""
    return User.objects.filter(pk__in=profile_provider_user_ids(profile=profile))


def profiles_editable_by(*, user: User) -> QuerySet[EscortProfilePage]:
    """Object-level authorization for owner edits: the profiles ``user`` is on the
    provider side of. Drafts included."""
    if not user.is_authenticated:
        return EscortProfilePage.objects.none()
    return EscortProfilePage.objects.filter(provider_side_q(user=user))


def profile_editable_get(
    *, user: User, profile_id: int | None = None
) -> EscortProfilePage:
    """The profile ``user`` may edit: their own (``profile_id`` None) or one of their
    agency's. Anything else is "not found" (docs/architecture.md, invariant 8)."""
    editable = profiles_editable_by(user=user)
    lookup = {"owner": user} if profile_id is None else {"pk": profile_id}
    profile = editable.filter(**lookup).first()
    if profile is None:
        raise NotFound("Profile not found.")
    return profile


@dataclass(frozen=True)
class ReviewState:
    status: str  # "draft" | "in_review" | "changes_requested" | "live"
    is_live: bool
    comment: str = ""
    since: dt.datetime | None = None


def profile_review_state(*, profile: EscortProfilePage) -> ReviewState:
    """What the owner's dashboard shows: where the latest edit stands."""
    state = profile.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        task = state.current_task_state
        return ReviewState(
            "changes_requested",
            profile.live,
            comment=task.comment if task else "",
            since=task.finished_at if task else None,
        )
    if state is not None:
        return ReviewState("in_review", profile.live, since=state.created_at)
    if profile.live and not profile.has_unpublished_changes:
        return ReviewState("live", True, since=profile.last_published_at)
    return ReviewState("draft", profile.live, since=profile.latest_revision_created_at)


def favourites_of(*, user: User) -> QuerySet[Favourite]:
    """The user's own saved profiles, newest first; nobody else's, ever
    (docs/architecture.md, invariant 8). ``is_live`` is the showable() rule, the
    one home of "may be shown": a favourite whose profile went offline keeps its
    row but shows only its ``saved_name``. Photos come with the card and API
    thumbnail renditions, so a page of favourites costs the same queries however
    long it is."""
    if not user.is_authenticated:
        return Favourite.objects.none()
    showable = EscortProfilePage.objects.showable().filter(pk=OuterRef("profile_id"))
    renditions = CustomImage.get_rendition_model().objects.filter(
        filter_spec__in=PROFILE_CARD
    )
    return (
        Favourite.objects.filter(client=user)
        .annotate(is_live=Exists(showable))
        .select_related("profile__home_city")
        .prefetch_related(
            Prefetch(
                "profile__photos",
                # with_verification: the card's "Photos verified" from the prefetch.
                queryset=ProfilePhoto.objects.with_verification()
                .select_related("image")
                .order_by("sort_order"),
            ),
            Prefetch("profile__photos__image__renditions", queryset=renditions),
        )
        .order_by("-id")  # newest first: ids follow created_at
    )


def favourite_profile_ids(*, user: User) -> frozenset[int]:
    """Ids of the profiles ``user`` saved, in one query: listings read the saved
    state of every card from this set instead of asking per card."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        Favourite.objects.filter(client=user).values_list("profile_id", flat=True)
    )


def draft_photo_rows(*, profile: EscortProfilePage) -> list[dict]:
    """The photos of the profile's latest revision (its draft) as stored in the
    revision: ``{"image", "caption", "is_primary"}`` each, in order, read from
    the revision's JSON. (Loading the revision as an object checks every photo's
    image with a query of its own: one per photo.)"""
    revision = profile.latest_revision
    if revision is None:
        return [
            {"image": p.image_id, "caption": p.caption, "is_primary": p.is_primary}
            for p in profile.photos.all()
        ]
    return [
        {
            "image": row.get("image"),
            "caption": row.get("caption", ""),
            "is_primary": row.get("is_primary", False),
        }
        for row in revision.content.get("photos", [])
        if row.get("image")
    ]


def profile_photos_to_verify(*, user: User) -> list[ProfilePhoto]:
    """The photos of the profiles ``user`` owns, as the latest revision of each
    has them (drafts included: moderators verify photos before publication),
    each with its image and the image's API thumbnail rendition, one entry per
    image. A constant number of queries per profile (a provider has one)."""
    rows = [
        row
        for profile in EscortProfilePage.objects.filter(owner=user)
        .select_related("latest_revision")
        .order_by("pk")
        for row in draft_photo_rows(profile=profile)
    ]
    images = (
        CustomImage.objects.filter(pk__in={row["image"] for row in rows})
        .prefetch_renditions(PROFILE_THUMBNAIL)
        .in_bulk()
    )
    photos: dict[int, ProfilePhoto] = {}
    for row in rows:
        # A revision may name an image deleted since.
        if row["image"] in images and row["image"] not in photos:
            photos[row["image"]] = ProfilePhoto(
                image=images[row["image"]], caption=row["caption"]
            )
    return list(photos.values())


FILTER_OPTIONS_KEY = "directory:filter-options:v1"


def city_filter_options() -> dict[str, list[dict[str, str]]]:
    """The services and languages a city page's filter form offers, as plain
    rows, cached until one of them changes (``forget_filter_options``)."""
    options = cache.get(FILTER_OPTIONS_KEY)
    if options is None:
        options = {
            "services": list(Service.objects.order_by("name").values("name", "slug")),
            "languages": list(Language.objects.order_by("name").values("name", "code")),
        }
        cache.set(FILTER_OPTIONS_KEY, options, 60 * 60)
    return options


def forget_filter_options() -> None:
    cache.delete(FILTER_OPTIONS_KEY)
