"""The search index: one denormalised row per live, publishable profile, so a
search is one indexed query instead of joins across the page tree."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from directory.models import CityPage, EscortProfilePage

NO_PRICE = 2**31 - 1  # profiles without rates sort after every priced one

# The sort keys of search.selectors._ordered, as expressions: each sort reads its
# first page straight off its index instead of sorting every matching row.
PRICE_ASC_KEY = Coalesce("min_hourly_eur", Value(NO_PRICE))
PRICE_DESC_KEY = Coalesce("max_hourly_eur", Value(-1))
RATING_KEY = Coalesce("rating_avg", Value(Decimal("-1")))
# The columns a city's filters and facet counts read.
FACET_INCLUDE = [
    "is_verified", "is_vip", "min_hourly_eur", "max_hourly_eur", "rating_avg",
    "service_ids", "language_codes", "touring_city_ids",
]  # fmt: skip


class ProfileSearchDocument(models.Model):
    """Kept current by search.indexer on publish, unpublish, delete, suspension,
    tour and rating changes. A row exists only while the profile may be shown."""

    profile = models.OneToOneField(
        EscortProfilePage,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    city = models.ForeignKey(CityPage, on_delete=models.CASCADE, related_name="+")
    latitude = models.FloatField()
    longitude = models.FloatField()
    display_name = models.CharField(max_length=255)
    is_verified = models.BooleanField(default=False)
    is_vip = models.BooleanField(default=False)
    # Hourly rate bounds in EUR cents (converted with settings.SEARCH_EUR_RATES), so
    # one price filter works across currencies.
    min_hourly_eur = models.PositiveIntegerField(null=True)
    max_hourly_eur = models.PositiveIntegerField(null=True)
    service_ids = ArrayField(models.IntegerField(), default=list)
    language_codes = ArrayField(models.CharField(max_length=8), default=list)
    touring_city_ids = ArrayField(models.IntegerField(), default=list)
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    rating_count = models.PositiveIntegerField(default=0)
    document = SearchVectorField(null=True)
    last_active_at = models.DateTimeField(null=True)
    # The day's shuffle, one key per lane (search.ranking); each lane has its own
    # expression index, created in migrations/0005.
    rotation_keys = ArrayField(models.IntegerField(), default=list)
    rotation_day = models.DateField(null=True)
    published_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["city", "is_vip"], name="search_doc_city_vip"),
            # A city's filters and facets read only this index (index-only
            # scan): the rows themselves are wide (the tsvector).
            models.Index(
                fields=["city"],
                include=FACET_INCLUDE,
                name="search_doc_city_facets",
            ),
            models.Index(fields=["min_hourly_eur"], name="search_doc_min_price"),
            models.Index(
                F("published_at").desc(),
                F("profile_id").desc(),
                name="search_doc_newest_id",
            ),
            models.Index(PRICE_ASC_KEY, F("profile_id"), name="search_doc_price_asc"),
            models.Index(
                PRICE_DESC_KEY.desc(), F("profile_id"), name="search_doc_price_desc"
            ),
            models.Index(
                RATING_KEY.desc(),
                F("rating_count").desc(),
                F("profile_id"),
                name="search_doc_rating_sort",
            ),
            GinIndex(fields=["document"], name="search_doc_fts"),
            GinIndex(fields=["service_ids"], name="search_doc_services"),
            GinIndex(fields=["language_codes"], name="search_doc_languages"),
            GinIndex(fields=["touring_city_ids"], name="search_doc_touring"),
            # Names: a trigram index on search_unaccent(display_name), created in
            # migrations/0003 (an expression over our own SQL function).
        ]

    def __str__(self) -> str:
        return self.display_name


class ProfileAvailability(models.Model):
    """Bookable start times of a shown profile in one city (the home city, or a
    touring city on those days) over the next days, precomputed from the
    provider's hours, exceptions, policy and bookings (bookings.availability),
    for the "available between" filter. Times are minutes since the Unix epoch;
    ``start_hours`` (hours since the epoch, GIN-indexed) narrows rows before the
    exact check on ``starts``. Kept by search.availability."""

    profile = models.ForeignKey(
        EscortProfilePage, on_delete=models.CASCADE, related_name="+"
    )
    city = models.ForeignKey(CityPage, on_delete=models.CASCADE, related_name="+")
    start_hours = ArrayField(models.IntegerField())
    starts = ArrayField(models.IntegerField())
    shortest_minutes = models.PositiveIntegerField()
    notice_minutes = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "city"], name="search_availability_once"
            )
        ]
        indexes = [GinIndex(fields=["start_hours"], name="search_avail_hours")]

    def __str__(self) -> str:
        return f"{self.profile_id}@{self.city_id}: {len(self.starts)} starts"


class SearchQueryLog(models.Model):
    """Anonymous: normalised text, filters, result count, latency. No user, no IP."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    query = models.CharField(max_length=200, blank=True, db_index=True)
    filters = models.JSONField(default=dict)
    result_count = models.PositiveIntegerField()
    latency_ms = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("search query")

    def __str__(self) -> str:
        return self.query or "(no text)"


class ProfileImpressionDaily(models.Model):
    """Impressions on results pages per profile, city and day, flushed from Redis
    counters by a beat task. ``first_page`` counts showings on page 1."""

    profile = models.ForeignKey(
        EscortProfilePage, on_delete=models.CASCADE, related_name="+"
    )
    city = models.ForeignKey(CityPage, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    impressions = models.PositiveIntegerField(default=0)
    first_page = models.PositiveIntegerField(default=0)
    position_sum = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "city", "day"], name="search_impression_unique_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile_id}@{self.city_id} {self.day}"


class SearchFacetRollup(models.Model):
    """Facet counts kept by the database for the broad filter sets: every city
    (``city_id`` 0) or one city, with no text (``term`` '') or one common word
    (a lexeme of SearchRollupTerm). A trigger on the index table
    (migrations/0009) adds the new row's values and subtracts the old row's in
    the same transaction as each document write, whoever writes it (the
    indexer, a cascade delete, a bulk load); search.rollups reads and rebuilds
    them. ``kind``/``value`` are those of search.facets.search_facets."""

    term = models.CharField(max_length=100, blank=True)
    city_id = models.IntegerField()
    kind = models.CharField(max_length=16)
    value = models.CharField(max_length=32, blank=True)
    n = models.BigIntegerField(default=0)

    class Meta:
        db_table = "search_facetrollup"
        constraints = [
            models.UniqueConstraint(
                fields=["term", "city_id", "kind", "value"],
                name="search_rollup_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.term or '*'}@{self.city_id} {self.kind}={self.value}: {self.n}"


class SearchRollupTerm(models.Model):
    """A common word (an index lexeme) whose facets are kept as rollups, chosen
    by search.rollups.rollup_terms_choose from the query log and the index."""

    lexeme = models.CharField(max_length=100, primary_key=True)
    documents = models.PositiveIntegerField(default=0)
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "search_rollupterm"

    def __str__(self) -> str:
        return self.lexeme
