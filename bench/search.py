"""Search at 100,000 live profiles: bulk generation, then a fixed query mix.

    .venv/bin/python bench/search.py                   # 100k profiles, in-process
    .venv/bin/python bench/search.py --http            # ... and over uvicorn too
    .venv/bin/python bench/search.py --profiles 20000  # smaller, faster

Runs against its own database, ``bench_search``, on the same PostgreSQL server as
dev (created on first run, migrated, then reused), and its own Redis database
(number 12) for the facet cache; dev data is never touched. Profiles are built in
memory as model instances, their index rows by the indexer's own ``_document_for``,
and written with COPY straight into the page tables and the search index, with no
revisions, photos or relation rows (see bench/README.md): a 100k run generates in
minutes instead of hours of page-by-page saves. Bounded: fixed query counts, an
HTTP server on 127.0.0.1 stopped at the end, nothing dropped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("THROTTLE_ANON", "1000000/min")
os.environ.setdefault("DB_CONN_MAX_AGE", "60")

BENCH_DB = "bench_search"
BENCH_REDIS_DB = 12
BENCH_SLUG = "bench-"  # every generated profile's slug starts with this
DEEP_SEED = "bench-deep"  # deep pages: one visitor, so one walk to page 50 per query
POOL = 20_000  # profiles built through the models; more are cloned from them

from own_stores import bench_database_url, bench_redis_url  # noqa: E402

os.environ["DATABASE_URL"] = bench_database_url(BENCH_DB)
# Facet counts and the index generation are cached: a Redis database of its own,
# so a run neither reads nor invalidates the dev server's (or another run's).
os.environ["REDIS_URL"] = bench_redis_url(BENCH_REDIS_DB)

import django  # noqa: E402

django.setup()
# Each generated city page would log a line.
logging.getLogger("wagtail").setLevel(logging.WARNING)

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import (  # noqa: E402
    DEFAULT_DB_ALIAS,
    connection,
    connections,
    transaction,
)
from django.http import QueryDict  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page  # noqa: E402

from accounts.models import User  # noqa: E402
from directory.models import (  # noqa: E402
    CityIndexPage,
    CityPage,
    EscortProfilePage,
    Language,
    ProfileIndexPage,
    ProfileRate,
    ProfileTour,
    Service,
)
from search import indexer  # noqa: E402
from search.facets import _facets, _facets_key, search_facets  # noqa: E402
from search.generation import search_index_changed  # noqa: E402
from search.models import ProfileSearchDocument, SearchQueryLog  # noqa: E402
from search.params import params_from_query  # noqa: E402
from search.ranking import (  # noqa: E402
    ACTIVITY_BOOST,
    LANES,
    activity_cutoff,
    rotation_refresh_due,
    seed_number,
)
from search.rollups import rollup_terms_choose, search_rollups_rebuild  # noqa: E402
from search.selectors import search_profiles, search_suggestions  # noqa: E402

# --- fixed reference data ------------------------------------------------------

CITIES = [  # name, country, code, tz, lat, lng, weight (bigger cities, more profiles)
    ("London", "United Kingdom", "GB", "Europe/London", 51.50735, -0.12776, 14),
    ("Paris", "France", "FR", "Europe/Paris", 48.85661, 2.35222, 12),
    ("Berlin", "Germany", "DE", "Europe/Berlin", 52.52000, 13.40500, 10),
    ("Madrid", "Spain", "ES", "Europe/Madrid", 40.41678, -3.70379, 8),
    ("Rome", "Italy", "IT", "Europe/Rome", 41.90278, 12.49636, 7),
    ("Milan", "Italy", "IT", "Europe/Rome", 45.46427, 9.18951, 7),
    ("Barcelona", "Spain", "ES", "Europe/Madrid", 41.38506, 2.17340, 7),
    ("Amsterdam", "Netherlands", "NL", "Europe/Amsterdam", 52.36760, 4.90410, 6),
    ("Vienna", "Austria", "AT", "Europe/Vienna", 48.20817, 16.37382, 5),
    ("Munich", "Germany", "DE", "Europe/Berlin", 48.13513, 11.58198, 5),
    ("Zürich", "Switzerland", "CH", "Europe/Zurich", 47.37689, 8.54169, 5),
    ("Geneva", "Switzerland", "CH", "Europe/Zurich", 46.20439, 6.14316, 3),
    ("Brussels", "Belgium", "BE", "Europe/Brussels", 50.85034, 4.35171, 4),
    ("Prague", "Czechia", "CZ", "Europe/Prague", 50.07554, 14.43780, 4),
    ("Lisbon", "Portugal", "PT", "Europe/Lisbon", 38.72225, -9.13934, 4),
    ("Dublin", "Ireland", "IE", "Europe/Dublin", 53.34981, -6.26031, 3),
    ("Copenhagen", "Denmark", "DK", "Europe/Copenhagen", 55.67610, 12.56834, 3),
    ("Stockholm", "Sweden", "SE", "Europe/Stockholm", 59.32932, 18.06858, 3),
    ("Hamburg", "Germany", "DE", "Europe/Berlin", 53.55108, 9.99368, 4),
    ("Frankfurt", "Germany", "DE", "Europe/Berlin", 50.11092, 8.68213, 3),
    ("Nice", "France", "FR", "Europe/Paris", 43.71017, 7.26195, 2),
    ("Lyon", "France", "FR", "Europe/Paris", 45.76404, 4.83566, 2),
    ("Monaco", "Monaco", "MC", "Europe/Monaco", 43.73841, 7.42462, 1),
    ("Budapest", "Hungary", "HU", "Europe/Budapest", 47.49791, 19.04023, 3),
    ("Warsaw", "Poland", "PL", "Europe/Warsaw", 52.22968, 21.01223, 3),
    ("Athens", "Greece", "GR", "Europe/Athens", 37.98381, 23.72754, 2),
    ("Edinburgh", "United Kingdom", "GB", "Europe/London", 55.95325, -3.18827, 2),
    ("Manchester", "United Kingdom", "GB", "Europe/London", 53.48077, -2.24263, 2),
    ("Oslo", "Norway", "NO", "Europe/Oslo", 59.91387, 10.75225, 2),
    ("Helsinki", "Finland", "FI", "Europe/Helsinki", 60.16985, 24.93838, 1),
]
SERVICES = [  # name, category, popularity
    ("Dinner date", "social", 60), ("Theatre and opera", "social", 25),
    ("Travel companion", "travel", 30), ("Weekend getaway", "travel", 15),
    ("Business events", "social", 20), ("Gallery visits", "social", 10),
    ("Wine tasting", "social", 12), ("Cocktail evening", "social", 35),
    ("City tour", "social", 15), ("Shopping company", "social", 10),
    ("Concert companion", "social", 12), ("Spa day", "wellness", 14),
    ("Yoga partner", "wellness", 6), ("Massage", "wellness", 30),
    ("Ballroom dancing", "social", 5), ("Language practice", "social", 4),
    ("Museum day", "social", 8), ("Gala and charity events", "social", 9),
    ("Sailing trip", "travel", 3), ("Ski weekend", "travel", 3),
    ("Cooking evening", "social", 6), ("Jazz club", "social", 7),
    ("Book club", "social", 2), ("Golf afternoon", "social", 3),
    ("Film night", "social", 8),
]  # fmt: skip
LANGUAGES = [  # code, name, share of profiles
    ("en", "English", 0.85), ("fr", "French", 0.25), ("de", "German", 0.25),
    ("es", "Spanish", 0.2), ("it", "Italian", 0.15), ("pt", "Portuguese", 0.06),
    ("nl", "Dutch", 0.06), ("ru", "Russian", 0.08), ("pl", "Polish", 0.04),
    ("sv", "Swedish", 0.03),
]  # fmt: skip
FIRST = (  # noqa: SIM905 - reads as prose
    "Amelie Anna Aurora Bianca Camille Carla Chloe Clara Daria Elena Eliza Emma "
    "Erika Eva Fiona Flora Gabriela Giulia Hanna Helena Ines Irina Isabel Jade "
    "Julia Katia Lara Laura Lea Lena Lina Livia Lucia Luna Maja Marta Mia Mila "
    "Nadia Natalia Nina Noemi Olivia Paula Petra Rosa Sara Sofia Stella Tara "
    "Valentina Vera Victoria Viola Yasmin Zara Zoe Zoë Ada Alba Bella Celine "
    "Dalia Edith Greta Ivy Jolie Kira Leona Margot Nora Odette Pia Romy Selma"
).split()
LAST = (  # noqa: SIM905 - reads as prose
    "Albers Belmont Conti Delacroix Engel Fontaine Garnier Hoffmann Ivanova Jansen "
    "Keller Laurent Moreau Novak Orsini Petrova Quinn Rossi Santos Thorne Ulrich "
    "Varga Weber Young Zeller Brunner Costa Duval Ferrari Gallo Lindqvist Marino"
).split()
TAGLINES = [
    "Elegant company for dinners and events", "Your charming travel companion",
    "Art lover with a taste for fine wine", "Warm smile, sharp wit",
    "Opera nights and long conversations", "Discreet, cultured and punctual",
    "Cocktails at sunset, jazz after dark", "A polished plus-one for galas",
    "Museums by day, candlelight by night", "Weekend escapes and city walks",
    "Multilingual and well travelled", "Bright, sporty and easy-going",
]  # fmt: skip
BIO = [
    "I love long dinners where the conversation takes its time.",
    "Punctuality, discretion and good manners matter to me.",
    "I studied art history and still spend Sundays in galleries.",
    "Travel is my passion: I know the quiet corners of many cities.",
    "I enjoy opera, jazz clubs and a well made cocktail.",
    "Friends describe me as warm, curious and a good listener.",
    "I speak several languages and enjoy practising them.",
    "A walk along the river and a glass of wine is my idea of a perfect evening.",
    "I am at ease at business dinners and charity galas alike.",
    "Yoga keeps me balanced; good books keep me curious.",
    "I appreciate elegant hotels, fine dining and honest conversation.",
    "My calendar fills quickly, so plan ahead.",
]

# --- generation ----------------------------------------------------------------


def _weighted(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    # Picks positions, not the items: comparing model instances (by primary key)
    # was a fifth of the time it takes to build a profile.
    positions = range(len(items))
    chosen: dict[int, None] = {}  # ordered, and a set for the repeat test
    while len(chosen) < k:
        chosen[rng.choices(positions, weights=weights)[0]] = None
    return [items[i] for i in chosen]


def seed_reference_data() -> tuple[list[CityPage], list[Service], list[Language]]:
    index = CityIndexPage.objects.get()
    existing = {c.title: c for c in CityPage.objects.all()}
    cities = []
    for name, country, code, tz, lat, lng, _weight in CITIES:
        city = existing.get(name)
        if city is None:
            city = CityPage(
                title=name,
                slug=f"{BENCH_SLUG}{name.lower()}".replace("ü", "u"),
                country=country,
                country_code=code,
                time_zone=tz,
                latitude=Decimal(f"{lat:.5f}"),
                longitude=Decimal(f"{lng:.5f}"),
                live=True,
                first_published_at=timezone.now(),
            )
            index.add_child(instance=city)
        cities.append(city)
    services = [
        Service.objects.get_or_create(
            name=name, defaults={"slug": _slug(name), "category": category}
        )[0]
        for name, category, _ in SERVICES
    ]
    languages = [
        Language.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name, _ in LANGUAGES
    ]
    return cities, services, languages


def _slug(text: str) -> str:
    return "-".join(text.lower().replace(" and ", " ").split())


@dataclass
class Generated:
    profiles: int
    seconds: float


# The rows are built as model instances and the search row by the indexer itself
# (search.indexer._document_for, _text_parts), then written with COPY: every
# column the models gain (search/migrations/0005 added NOT NULL rotation_keys,
# which a hand-written column list missed) is filled the way Django would fill it.
PAGE_FIELDS = Page._meta.local_concrete_fields
PROFILE_FIELDS = EscortProfilePage._meta.local_concrete_fields
DOC_FIELDS = ProfileSearchDocument._meta.local_concrete_fields


def _copy(cursor, model_fields: list, table: str, objs: list) -> None:  # noqa: ANN001
    """COPY ``objs`` into ``table``: each column prepared as Model.save() would
    (defaults, auto_now, array and JSON adaptation)."""
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: this runs per column
    prepare = [(f.pre_save, f.get_db_prep_save) for f in model_fields]
    columns = ", ".join(f.column for f in model_fields)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row([prep(pre(obj, True), db) for pre, prep in prepare])


@dataclass
class Refs:
    cities: list[CityPage]
    city_weights: list[int]
    services: list[Service]
    languages: dict[str, Language]
    parent: ProfileIndexPage
    content_type_id: int
    locale_id: int


def _profile(
    rng: random.Random, *, page_id: int, step: int, refs: Refs
) -> EscortProfilePage:
    """One live profile in memory, with the rates, services, languages, tour and
    owner activity the indexer reads (modelcluster keeps them unsaved)."""
    now = timezone.now()
    parent = refs.parent
    city = rng.choices(refs.cities, weights=refs.city_weights)[0]
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    slug = f"{BENCH_SLUG}{page_id}"
    published = now - dt.timedelta(days=rng.uniform(0, 720))
    verified, vip = rng.random() < 0.4, rng.random() < 0.05
    low = None if rng.random() < 0.08 else int(rng.lognormvariate(math.log(250), 0.45))
    rates = []
    if low is not None:
        high = int(low * rng.uniform(1.0, 2.5))
        rates = [
            ProfileRate(
                duration_minutes=60, kind=kind, amount_minor=eur * 100, currency="EUR"
            )
            for kind, eur in (
                (ProfileRate.Kind.INCALL, low),
                (ProfileRate.Kind.OUTCALL, high),
            )
        ]
    touring = [rng.choice(refs.cities).pk] if rng.random() < 0.03 else []
    services = _weighted(
        rng, refs.services, [s[2] for s in SERVICES], rng.randint(3, 10)
    )
    codes = [code for code, _, share in LANGUAGES if rng.random() < share] or ["en"]
    profile = EscortProfilePage(
        id=page_id, page_ptr_id=page_id,
        path=EscortProfilePage._get_path(parent.path, parent.depth + 1, step),
        depth=parent.depth + 1, numchild=0, title=name, draft_title=name, slug=slug,
        content_type_id=refs.content_type_id, live=True,
        has_unpublished_changes=False, url_path=f"{parent.url_path}{slug}/",
        first_published_at=published, last_published_at=published,
        locale_id=refs.locale_id,
        age=rng.randint(21, 45), tagline=rng.choice(TAGLINES),
        bio=f"<p>{' '.join(rng.sample(BIO, rng.randint(3, 5)))}</p>",
        is_vip=vip, home_city=city, rates=rates, services=services,
        languages=[refs.languages[code] for code in codes],
        # The owner's last sign-in is the profile's last activity; bench profiles
        # have no owner row (owner_id stays NULL), see bench/README.md.
        owner=User(last_login=now - dt.timedelta(hours=rng.expovariate(1 / 72))),
    )  # fmt: skip
    # "Photos verified" as with_photo_badges would annotate it: bench profiles
    # have no photo rows to verify (bench/README.md).
    profile.photos_verified_at = published if verified else None
    # As the rating annotations (directory.ratings) would: no public review yet;
    # _document below sets the index row's ratings as reviews would.
    profile.public_rating_on = False
    profile.public_rating_average, profile.public_rating_count = None, 0
    profile.current_public_tours = [
        ProfileTour(city_id=t) for t in touring if t != city.pk
    ]
    return profile


def _document(rng: random.Random, profile: EscortProfilePage) -> ProfileSearchDocument:
    document = indexer._document_for(profile)
    # Ratings come from reviews (not generated): set on the row as they would be.
    if rng.random() < 0.6:
        document.rating_avg = Decimal(f"{rng.uniform(3.0, 5.0):.2f}")
        document.rating_count = rng.randint(1, 80)
    return document


def generate(count: int, *, pool: int = POOL, wagtail_index: bool = True) -> Generated:
    """Adds ``count`` live profiles: up to POOL built through the models, the rest
    cloned from those server-side; then the rollups are recounted (their
    trigger is off during the load: one recount instead of a counter update per
    batch)."""
    started = time.perf_counter()
    have = bench_profiles()
    with rollup_triggers_off():
        built = max(0, min(count, pool - have))
        if built:
            generate_built(built)
        if count > built:
            generate_cloned(count - built, pool=max(pool, 1))
        with connection.cursor() as cursor:
            _finish(cursor, wagtail_index=wagtail_index)
    t0 = time.perf_counter()
    search_rollups_rebuild()
    print(f"  rollups recounted: {time.perf_counter() - t0:.1f} s", flush=True)
    return Generated(count, time.perf_counter() - started)


@contextmanager
def rollup_triggers_off() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(_TRIGGERS_SQL.format(state="DISABLE"))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(_TRIGGERS_SQL.format(state="ENABLE"))


_TRIGGERS_SQL = "; ".join(
    f"ALTER TABLE search_profilesearchdocument {{state}} TRIGGER search_rollup_{op}"
    for op in ("insert", "update", "delete")
)


def generate_built(count: int, *, batch: int = 10_000) -> None:
    """``count`` profiles built in memory through the models, written with COPY."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale

    started = time.perf_counter()
    rng = random.Random(20261123 + count)  # noqa: S311 - reproducible, not secrets
    cities, services, languages = seed_reference_data()
    parent = ProfileIndexPage.objects.get()
    refs = Refs(
        cities=cities,
        city_weights=[c[6] for c in CITIES],
        services=services,
        languages={language.code: language for language in languages},
        parent=parent,
        content_type_id=ContentType.objects.get_for_model(EscortProfilePage).pk,
        locale_id=Locale.get_default().pk,
    )
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        cursor.execute("SELECT coalesce(max(id), 0) FROM wagtailcore_page")
        first_id = cursor.fetchone()[0] + 1
        for start in range(0, count, batch):
            profiles = [
                _profile(
                    rng,
                    page_id=first_id + i,
                    step=parent.numchild + i - start + 1,
                    refs=refs,
                )
                for i in range(start, min(start + batch, count))
            ]
            _copy(cursor, PAGE_FIELDS, "wagtailcore_page", profiles)
            _copy(cursor, PROFILE_FIELDS, "directory_escortprofilepage", profiles)
            documents = [_document(rng, p) for p in profiles]
            _copy(cursor, DOC_FIELDS, "search_profilesearchdocument", documents)
            # The tsvector through the indexer's own statement and text.
            cursor.executemany(
                indexer._DOCUMENT_SQL, [indexer._text_parts(p) for p in profiles]
            )
            done = min(start + batch, count)
            rate = done / (time.perf_counter() - started)
            print(f"  {done:>7,} / {count:,} profiles ({rate:,.0f}/s)", flush=True)
            cursor.execute(
                "UPDATE wagtailcore_page SET numchild = numchild + %s WHERE id = %s",
                [len(profiles), parent.pk],
            )
            parent.numchild += len(profiles)


def generate_cloned(count: int, *, pool: int, batch: int = 100_000) -> None:
    """``count`` more profiles as copies of the built ones (new ids, tree paths,
    slugs, translation keys, the day's rotation keys), in
    INSERT ... SELECT batches over generate_series: no row crosses to Python."""
    started = time.perf_counter()
    parent = ProfileIndexPage.objects.get()
    for start in range(0, count, batch):
        size = min(batch, count - start)
        # One transaction per batch: an interrupted run leaves whole batches.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM wagtailcore_page")
            first_id = cursor.fetchone()[0] + 1
            cursor.execute("DROP TABLE IF EXISTS bench_clone")
            cursor.execute(
                _CLONE_MAP_SQL,
                [
                    first_id,
                    parent.numchild + 1,
                    f"{parent.path}%",
                    parent.depth + 1,
                    pool,
                    size,
                ],
            )
            for sql in _clone_statements(parent):
                cursor.execute(sql)
            cursor.execute(
                "UPDATE wagtailcore_page SET numchild = numchild + %s WHERE id = %s",
                [size, parent.pk],
            )
            parent.numchild += size
            done = start + size
            rate = done / (time.perf_counter() - started)
            print(f"  {done:>7,} / {count:,} cloned ({rate:,.0f}/s)", flush=True)


# new id, source id (the built profiles in turn), tree step.
_CLONE_MAP_SQL = """
CREATE TEMP TABLE bench_clone AS
SELECT %s + k AS new_id, pool[k %% cardinality(pool) + 1] AS src_id, %s + k AS step
FROM (SELECT array_agg(id ORDER BY id) AS pool FROM (
    SELECT id FROM wagtailcore_page WHERE path LIKE %s AND depth = %s
    ORDER BY id LIMIT %s) built) p,
    generate_series(0, %s - 1) k
"""
_BASE36 = "'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'"
_STEP_SQL = " || ".join(
    f"substr({_BASE36}, (m.step / {36**i}) % 36 + 1, 1)" for i in (3, 2, 1, 0)
)


def _clone_statements(parent: ProfileIndexPage) -> list[str]:
    slug = f"'{BENCH_SLUG}' || m.new_id"
    page = {
        "id": "m.new_id",
        "path": f"'{parent.path}' || {_STEP_SQL}",
        "slug": slug,
        "url_path": f"'{parent.url_path}' || {slug} || '/'",
        "translation_key": "gen_random_uuid()",
    }
    return [
        _clone_sql("wagtailcore_page", "id", PAGE_FIELDS, page),
        _clone_sql(
            "directory_escortprofilepage", "page_ptr_id", PROFILE_FIELDS,
            {"page_ptr_id": "m.new_id"},
        ),
        _clone_sql(
            "search_profilesearchdocument", "profile_id", DOC_FIELDS,
            {"profile_id": "m.new_id", **_rotation_sql()},
        ),
    ]  # fmt: skip


def _rotation_sql() -> dict[str, str]:
    """Today's lane keys of search.ranking for the new id, computed in the
    INSERT (a re-keying pass would write every cloned row twice)."""
    day = timezone.localdate()
    cutoff = activity_cutoff(day).isoformat()
    lanes = [
        f"(hashint8extended(m.new_id::int8, {seed_number(f'{day}:lane:{lane}')})"
        f" >> 36) - CASE WHEN s.last_active_at >= '{cutoff}'::timestamptz"
        f" THEN {ACTIVITY_BOOST} ELSE 0 END"
        for lane in range(LANES)
    ]
    return {"rotation_keys": f"ARRAY[{', '.join(lanes)}]", "rotation_day": f"'{day}'"}


def _clone_sql(table: str, key: str, fields: list, overrides: dict) -> str:
    columns = [f.column for f in fields]
    values = [overrides.get(c, f"s.{c}") for c in columns]
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - our columns
        f"SELECT {', '.join(values)} FROM bench_clone m "
        f"JOIN {table} s ON s.{key} = m.src_id"
    )


def _finish(cursor, *, wagtail_index: bool) -> None:  # noqa: ANN001
    steps = [
        (
            "ids",
            "SELECT setval(pg_get_serial_sequence('wagtailcore_page', 'id'), "
            "(SELECT max(id) FROM wagtailcore_page))",
            [],
        ),
    ]
    if wagtail_index:  # only for the comparison (--compare 0 skips both)
        steps.append(("wagtail index", _WAGTAIL_INDEX_SQL, [f"{BENCH_SLUG}%"]))
    for label, sql, params in steps:
        t0 = time.perf_counter()
        cursor.execute(sql, params)
        print(f"  {label}: {time.perf_counter() - t0:.1f} s", flush=True)
    t0 = time.perf_counter()
    rotation_refresh_due(batch_size=10_000)  # what the indexer does per row
    print(f"  rotation keys: {time.perf_counter() - t0:.1f} s", flush=True)
    # As autovacuum would after a bulk load: drops the dead row versions of the
    # updates above and sets the visibility map (index-only scans).
    t0 = time.perf_counter()
    cursor.execute("VACUUM ANALYZE")
    print(f"  vacuum: {time.perf_counter() - t0:.1f} s", flush=True)


# What Wagtail's database backend (PostgreSQL) stores for a page, built in one
# statement: title and autocomplete from the title, body from tagline and bio.
_WAGTAIL_INDEX_SQL = """
INSERT INTO wagtailsearch_indexentry
    (content_type_id, object_id, title_norm, autocomplete, title, body,
     title_text, body_text)
SELECT g.content_type_id, g.id::text, 1.0,
    to_tsvector('simple', g.title),
    setweight(to_tsvector('english', g.title), 'B'),
    to_tsvector('english', p.tagline || ' ' ||
        regexp_replace(p.bio, '<[^>]+>', ' ', 'g')),
    g.title, p.tagline || ' ' || regexp_replace(p.bio, '<[^>]+>', ' ', 'g')
FROM wagtailcore_page g JOIN directory_escortprofilepage p ON p.page_ptr_id = g.id
WHERE g.slug LIKE %s AND NOT EXISTS (
    SELECT 1 FROM wagtailsearch_indexentry e
    WHERE e.content_type_id = g.content_type_id AND e.object_id = g.id::text)
"""


def bench_profiles() -> int:
    return ProfileSearchDocument.objects.filter(
        profile__slug__startswith=BENCH_SLUG
    ).count()


# --- the query mix ---------------------------------------------------------------


@dataclass
class Query:
    kind: str
    params: dict
    cursor_pages: int = 0  # >0: page this many times first (untimed), time the next


def query_mix(rng: random.Random, count: int) -> list[Query]:
    cities = list(
        CityPage.objects.order_by("pk").values_list("pk", "latitude", "longitude")
    )
    services = list(Service.objects.values_list("slug", flat=True))
    words = [
        "dinner", "opera", "travel companion", "jazz", "gallery", "wine",
        "discreet", "sofia", "elena laurent", "weekend", "art history", "yoga",
        "\"fine dining\"", "cocktail -jazz", "zurich", "paris",
    ]  # fmt: skip
    typos = ["fionna", "izabel", "valentinna", "margott", "helenna", "julija"]
    makers: list[tuple[str, int, Callable[[], dict]]] = [
        ("text", 25, lambda: {"q": rng.choice(words + typos)}),
        (
            "text + city",
            10,
            lambda: {"q": rng.choice(words), "city": rng.choice(cities)[0]},
        ),
        ("city filters", 25, lambda: _city_filters(rng, cities, services)),
        ("geo radius", 10, lambda: _geo(rng, cities)),
        ("sorted", 15, lambda: _sorted(rng, cities)),
        ("deep page 50", 10, lambda: _deep(rng, cities)),
        ("all profiles", 5, lambda: {}),
    ]
    total_weight = sum(w for _, w, _ in makers)
    mix = []
    for kind, weight, make in makers:
        for _ in range(round(count * weight / total_weight)):
            params = make()
            pages = params.pop("_pages", 0)
            mix.append(Query(kind, params, pages))
    return mix[:count]


def _city_filters(rng: random.Random, cities: list, services: list) -> dict:
    params: dict = {"city": rng.choice(cities)[0]}
    if rng.random() < 0.6:
        params["price_min"] = rng.choice([0, 100, 150, 200])
        params["price_max"] = params["price_min"] + rng.choice([150, 250, 400])
    if rng.random() < 0.6:
        params["services"] = ",".join(rng.sample(services[:12], rng.randint(1, 2)))
        params["services_mode"] = rng.choice(["all", "any"])
    if rng.random() < 0.3:
        params["languages"] = rng.choice(["fr", "de", "it,es", "en"])
    if rng.random() < 0.3:
        params["verified"] = "true"
    if rng.random() < 0.1:
        params["vip"] = "true"
    if rng.random() < 0.2:
        params["rating_min"] = 4
    if rng.random() < 0.1:
        params["touring_now"] = "true"
    return params


def _geo(rng: random.Random, cities: list) -> dict:
    _, lat, lng = rng.choice(cities)
    return {
        "lat": float(lat),
        "lng": float(lng),
        "radius_km": rng.choice([10, 50, 200]),
        "sort": "distance",
    }


def _sorted(rng: random.Random, cities: list) -> dict:
    params = {"sort": rng.choice(["price_asc", "price_desc", "rating", "newest"])}
    if rng.random() < 0.7:
        params["city"] = rng.choice(cities)[0]
    return params


def _deep(rng: random.Random, cities: list) -> dict:
    params = rng.choice(
        [
            {},
            {"sort": "newest"},
            {"sort": "price_asc"},
            {"sort": "rating"},
            {"city": cities[0][0]},
            {"q": "dinner"},
        ]
    )
    return {**params, "_pages": 49}


# --- measuring -------------------------------------------------------------------


@dataclass
class Timings:
    label: str
    seconds: list[float] = field(default_factory=list)
    wall: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000

    def mean(self) -> float:
        return statistics.fmean(self.seconds) * 1000

    def row(self, base: Timings | None = None) -> str:
        if not self.seconds:
            return f"{self.label:<34} {'-':>5}"
        per_second = f"{len(self.seconds) / self.wall:.1f}" if self.wall else "-"
        ratio = f"{self.percentile(50) / base.percentile(50):.1f}" if base else "-"
        return (
            f"{self.label:<34} {len(self.seconds):>5} "
            f"{self.percentile(50):>8.1f} {self.percentile(95):>8.1f} "
            f"{self.percentile(99):>8.1f} {self.mean():>8.1f} "
            f"{per_second:>8} {ratio:>7}"
        )


HEADER = (
    f"{'what':<34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
    f"{'mean ms':>8} {'per s':>8} {'x base':>7}"
)


def print_table(title: str, rows: list[Timings], base: Timings | None = None) -> None:
    print(f"\n{title}\n{HEADER}\n{'-' * len(HEADER)}")
    for timings in rows:
        print(timings.row(base if base and base.seconds else None))


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _params(query: dict, cursor: str | None = None):  # noqa: ANN202
    data = QueryDict(mutable=True)
    for key, value in query.items():
        data[key] = str(value)
    if cursor:
        data["cursor"] = cursor
    return params_from_query(data)


def cursor_after(query: Query, seed: str) -> str | None:
    cursor = None
    for _ in range(query.cursor_pages):
        cursor = search_profiles(
            params=_params(query.params, cursor), seed=seed
        ).next_cursor
        if cursor is None:
            break
    return cursor


def run_baseline(count: int) -> Timings:
    """The same run's yardstick: one index row by primary key through the ORM
    (query building plus a database round trip). ``x base`` divides by its p50,
    so figures from a loaded machine can be compared with an idle one's."""
    ids = list(
        ProfileSearchDocument.objects.order_by("?").values_list("pk", flat=True)[:count]
    )
    timings = Timings("baseline: one index row by key")
    started = time.perf_counter()
    for pk in ids:
        t0 = time.perf_counter()
        ProfileSearchDocument.objects.filter(pk=pk).values_list("pk").first()
        timings.seconds.append(time.perf_counter() - t0)
    timings.wall = time.perf_counter() - started
    return timings


@dataclass
class MixTimings:
    """Every timed query lands in its kind's row and the totals; whether its facet
    counts were first seen (computed) or served from the cache is told apart,
    because a mix with repeats would otherwise hide the first-seen cost."""

    by_kind: dict[str, Timings] = field(default_factory=dict)
    total: Timings = field(default_factory=lambda: Timings("all (search + facets)"))
    first_seen: Timings = field(
        default_factory=lambda: Timings("  first seen (facets computed)")
    )
    cached: Timings = field(
        default_factory=lambda: Timings("  repeat (facets from cache)")
    )
    search_only: Timings = field(default_factory=lambda: Timings("  search only"))
    facets_only: Timings = field(default_factory=lambda: Timings("  facets only"))
    uncached: Timings = field(
        default_factory=lambda: Timings("  facets uncached (1 in 5)")
    )
    page_1: Timings = field(
        default_factory=lambda: Timings("deep: same queries page 1")
    )
    page_50: Timings = field(
        default_factory=lambda: Timings("deep: page 50, search only")
    )

    def record(
        self, query: Query, search_s: float, facets_s: float, *, hit: bool
    ) -> None:
        both = search_s + facets_s
        self.by_kind.setdefault(query.kind, Timings(f"{query.kind} (+ facets)"))
        self.by_kind[query.kind].seconds.append(both)
        self.total.seconds.append(both)
        (self.cached if hit else self.first_seen).seconds.append(both)
        self.search_only.seconds.append(search_s)
        self.facets_only.seconds.append(facets_s)

    def rows(self) -> list[Timings]:
        return [
            *self.by_kind.values(),
            self.total,
            self.first_seen,
            self.cached,
            self.search_only,
            self.facets_only,
            self.uncached,
            self.page_1,
            self.page_50,
        ]


def run_in_process(mix: list[Query]) -> tuple[list[Timings], dict[int, str | None]]:
    timings = MixTimings()
    search_index_changed()  # start cold: nothing cached by the warm-up
    cursors: dict[int, str | None] = {}
    deep_cursors: dict[str, str | None] = {}  # one walk per distinct query
    started = time.perf_counter()
    for number, query in enumerate(mix):
        seed = DEEP_SEED if query.cursor_pages else f"bench-visitor-{number % 50}"
        cursor = None
        if query.cursor_pages:
            key = urlencode(sorted(query.params.items()))
            if key not in deep_cursors:
                deep_cursors[key] = cursor_after(query, seed)
            cursor = cursors[number] = deep_cursors[key]
            timings.page_1.seconds.append(_timed_search(query.params, None, seed)[0])
        # Looked up untimed: were this filter set's counts already cached?
        hit = cache.get(_facets_key(_params(query.params, cursor))) is not None
        search_s, facets_s = _timed_search(query.params, cursor, seed)
        if query.cursor_pages:
            timings.page_50.seconds.append(search_s)
        timings.record(query, search_s, facets_s, hit=hit)
        if number % 5 == 0:
            t0 = time.perf_counter()
            _facets(_params(query.params, None))
            timings.uncached.seconds.append(time.perf_counter() - t0)
        if (number + 1) % 100 == 0:
            print(f"  {number + 1:>5} / {len(mix)} queries", flush=True)
    timings.total.wall = time.perf_counter() - started
    return timings.rows(), cursors


def _timed_search(query: dict, cursor: str | None, seed: str) -> tuple[float, float]:
    """(search seconds, facets seconds), in the API's order: the facets carry the
    total, so the page query does not count again."""
    t0 = time.perf_counter()
    params = _params(query, cursor)
    facets = search_facets(params=params)
    t1 = time.perf_counter()
    result = search_profiles(params=params, seed=seed, total=facets["total"])
    [doc.profile_url_path for doc in result.documents]  # what a result reads
    return time.perf_counter() - t1, t1 - t0


def suggestion_terms(rng: random.Random, count: int) -> list[str]:
    pool = [n[:k] for n in FIRST for k in (2, 3, 4)]
    pool += [c[0][:k] for c in CITIES for k in (2, 4)]
    pool += [s[0][:k] for s in SERVICES for k in (3, 5)]
    pool += ["fionn", "izabe", "margo", "valen", "helen"]
    return [rng.choice(pool) for _ in range(count)]


def run_suggestions(terms: list[str]) -> Timings:
    timings = Timings("suggestions")
    started = time.perf_counter()
    for term in terms:
        t0 = time.perf_counter()
        search_suggestions(q=term)
        timings.seconds.append(time.perf_counter() - t0)
    timings.wall = time.perf_counter() - started
    return timings


def run_wagtail_comparison(texts: list[str]) -> list[Timings]:
    """The same text queries, first 20 results (no count on either side),
    through Wagtail's default database search backend over the pages, and
    through the search index."""
    ours, theirs = Timings("text, search index"), Timings("text, Wagtail DB backend")
    for text in texts:
        t0 = time.perf_counter()
        # The page only, as Wagtail's [:20]: the API takes the total from the
        # facets (search_facets), so the page query never counts.
        page = search_profiles(params=_params({"q": text}), seed="bench", total=0)
        list(page.documents)
        t1 = time.perf_counter()
        list(EscortProfilePage.objects.live().search(text)[:20])
        ours.seconds.append(t1 - t0)
        theirs.seconds.append(time.perf_counter() - t1)
    return [ours, theirs]


# --- over HTTP -------------------------------------------------------------------


def api_paths(mix: dict[int, Query], cursors: dict[int, str | None]) -> list[str]:
    paths = []
    for number, query in mix.items():
        params = dict(query.params)
        if cursors.get(number):
            params["cursor"] = cursors[number]
        paths.append(f"/api/v1/search?{urlencode(params)}")
    return paths


def run_api_in_process(paths: list[str]) -> list[Timings]:
    """``GET /api/v1/search`` through Django's test Client, one thread: the
    view, its facets and serialization without the HTTP server. First seen:
    nothing cached (the index generation is bumped first), each path once."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    healthz = Timings("in-process /healthz (baseline)")
    search = Timings("in-process /api/v1/search")
    for path in paths[:20]:  # warm-up: code paths, connections, not the facets
        _api_get(client, "/healthz")
        _api_get(client, path)
    search_index_changed()
    for path in paths:
        healthz.seconds.append(_api_get(client, "/healthz"))
        search.seconds.append(_api_get(client, path))
    return [healthz, search]


def _api_get(client, path: str) -> float:  # noqa: ANN001
    t0 = time.perf_counter()
    response = client.get(path)
    seconds = time.perf_counter() - t0
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return seconds


def run_http(paths: list[str], terms: list[str], concurrency: int) -> list[Timings]:
    import pages as page_bench  # bench/pages.py: uvicorn start/stop, HTTP client

    port = page_bench.free_port()
    server = page_bench.start_uvicorn(port)
    try:
        healthz = _http_timings(
            "GET /healthz (baseline)", port, ["/healthz"] * len(paths), concurrency
        )
        search = _http_timings("GET /api/v1/search", port, paths, concurrency)
        suggest_paths = [f"/api/v1/search/suggest?{urlencode({'q': t})}" for t in terms]
        suggest = _http_timings(
            "GET /api/v1/search/suggest", port, suggest_paths, concurrency
        )
    finally:
        page_bench.stop(server)
    return [healthz, search, suggest]


def _http_timings(label: str, port: int, paths: list[str], concurrency: int) -> Timings:
    from concurrent.futures import ThreadPoolExecutor

    import pages as page_bench

    for path in paths[:20]:  # warm-up
        status, conn = page_bench.http_get(port, path)
        conn.close()
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    search_index_changed()  # first seen: the in-process runs cached the facets
    chunks = [paths[i::concurrency] for i in range(concurrency)]

    def worker(chunk: list[str]) -> list[float]:
        conn, latencies = None, []
        for path in chunk:
            t0 = time.perf_counter()
            _, conn = page_bench.http_get(port, path, conn)
            latencies.append(time.perf_counter() - t0)
        if conn is not None:
            conn.close()
        return latencies

    timings = Timings(f"{label} (x{concurrency})")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        timings.seconds = [s for part in pool.map(worker, chunks) for s in part]
    timings.wall = time.perf_counter() - started
    return timings


# --- main ------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument(
        "--built",
        type=int,
        default=POOL,
        help="built through the models; the rest are cloned from them server-side",
    )
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--suggestions", type=int, default=300)
    parser.add_argument("--compare", type=int, default=100, help="Wagtail backend")
    parser.add_argument("--http", action="store_true", help="also over uvicorn")
    parser.add_argument("--concurrency", type=int, default=1, help="HTTP clients")
    parser.add_argument(
        "--http-queries", type=int, default=300, help="an even sample of the mix"
    )
    args = parser.parse_args()
    wanted = max(10, min(args.profiles, 1_000_000))  # bounded whatever is asked
    queries = max(10, min(args.queries, 5000))

    prepare_corpus(
        wanted, pool=max(1, min(args.built, wanted)), wagtail_index=args.compare > 0
    )
    rng = random.Random(7)  # noqa: S311 - a fixed, reproducible mix
    mix = query_mix(rng, queries)
    choose_rollup_words(mix)
    terms = suggestion_terms(rng, max(10, min(args.suggestions, 5000)))
    _warm_up(mix[:30], terms[:30])
    base = run_baseline(min(200, len(mix)))
    rows, cursors = run_in_process(mix)
    rows.append(run_suggestions(terms))
    print_table(f"In-process, {len(mix)} queries, one thread", [base, *rows], base)

    if args.compare > 0:
        compare(mix, args.compare, base)

    step = max(1, math.ceil(len(mix) / max(10, args.http_queries)))
    sample = {n: q for n, q in enumerate(mix) if n % step == 0}
    paths = api_paths(sample, cursors)
    api_rows = run_api_in_process(paths)
    print_table("The API in-process (test Client), first seen", api_rows, api_rows[0])
    if args.http:
        concurrency = max(1, min(args.concurrency, 8))
        http_rows = run_http(paths, terms[::step], concurrency)
        print_table("HTTP over loopback (uvicorn, 1 worker)", http_rows, http_rows[0])
    print(f"\nload average at the end {load_average()} (1, 5, 15 min)")


def compare(mix: list[Query], count: int, base: Timings) -> None:
    texts = [q.params["q"] for q in mix if q.kind == "text"][:count]
    comparison = run_wagtail_comparison(texts)
    print_table(
        "Text only, first 20 results: search index vs Wagtail", comparison, base
    )
    ratio = comparison[1].percentile(50) / comparison[0].percentile(50)
    print(f"Wagtail DB backend p50 / search index p50 = {ratio:.1f}x")


def prepare_corpus(
    wanted: int, *, pool: int = POOL, wagtail_index: bool = True
) -> None:
    """Migrate, add the profiles missing up to ``wanted``, say what it measures on."""
    print(f"database {connection.settings_dict['NAME']} (only this benchmark's data)")
    call_command("migrate", verbosity=0)
    have = bench_profiles()
    if have < wanted:
        print(f"generating {wanted - have:,} live profiles (have {have:,})")
        made = generate(wanted - have, pool=pool, wagtail_index=wagtail_index)
        print(f"generated {made.profiles:,} in {made.seconds:.1f} s")
    live = ProfileSearchDocument.objects.count()
    print(
        f"{live:,} profiles in the search index; {os.cpu_count()} CPUs, "
        f"load average {load_average()} (1, 5, 15 min); Django {django.get_version()}"
    )


def choose_rollup_words(mix: list[Query]) -> None:
    """The site picks the words that get facet rollups from its query log
    (search.rollups): the bench's log is yesterday's searches, the texts of
    its own mix, as a site would have logged them."""
    if not SearchQueryLog.objects.exists():
        yesterday = timezone.now() - dt.timedelta(days=1)
        logs = [
            SearchQueryLog(query=q.params["q"].lower(), result_count=0, latency_ms=0)
            for q in mix
            if q.params.get("q")
        ]
        SearchQueryLog.objects.bulk_create(logs)
        SearchQueryLog.objects.update(created_at=yesterday)
    t0 = time.perf_counter()
    words = rollup_terms_choose()
    print(
        f"rollup words ({time.perf_counter() - t0:.1f} s, recount included): "
        f"{', '.join(words) or '-'}"
    )


def _warm_up(mix: list[Query], terms: list[str]) -> None:
    for query in mix:
        if not query.cursor_pages:
            _timed_search(query.params, None, "warm-up")
    for term in terms:
        search_suggestions(q=term)


if __name__ == "__main__":
    main()
