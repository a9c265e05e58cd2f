"""Demo directory: services, languages, agencies, escort profiles with placeholder
photos, a moderation queue, featured collections and the home page's features.

Deterministic: profile ``n`` always gets the same owner email, name, city and details
(a random generator seeded with ``n``), so a re-run finds it by its owner and skips
it. The profile count comes from ``profiles=``, else ``DEMO_PROFILES``, else 300."""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.text import slugify
from modelsearch.signal_handlers import post_save_signal_handler as search_on_save
from wagtail.admin import signal_handlers as admin_signals
from wagtail.models import Page, ReferenceIndex, TaskState, Workflow, WorkflowState
from wagtail.search.backends import get_search_backends
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import task_submitted, workflow_submitted

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User
from cms_pages.demo import (
    CITIES,
    PALETTES,
    city_hero_image,
    placeholder_jpeg,
    publish_new_child,
)
from cms_pages.models import CustomImage, HomePage
from directory import agency_demo, demo_onboarding
from directory.models import (
    Agency,
    AgencyMembership,
    CityIndexPage,
    CityPage,
    EscortProfilePage,
    FeaturedCollectionItem,
    FeaturedCollectionPage,
    HomeFeaturedCity,
    HomeFeaturedCollection,
    Language,
    ProfileIndexPage,
    ProfilePhoto,
    ProfileRate,
    ProfileTour,
    Service,
)
from verification.models import PhotoVerification

DEFAULT_PROFILES = 300
SOFIA_EMAIL = "escort@demo.test"
PROGRESS_EVERY = 25

_S = Service.Category
SERVICES = [
    ("Dinner date", _S.SOCIAL), ("Long conversations", _S.SOCIAL),
    ("Museum visits", _S.SOCIAL), ("Wine tasting", _S.SOCIAL),
    ("Cultural events", _S.EVENTS), ("Theatre & opera", _S.EVENTS),
    ("Business events", _S.EVENTS), ("Gala evenings", _S.EVENTS),
    ("Travel companion", _S.TRAVEL), ("Weekend getaway", _S.TRAVEL),
    ("City tour", _S.TRAVEL), ("Spa day", _S.WELLNESS),
]  # fmt: skip
LANGUAGES = [
    ("en", "English"), ("fr", "French"), ("de", "German"), ("es", "Spanish"),
    ("it", "Italian"), ("nl", "Dutch"), ("pt", "Portuguese"), ("ru", "Russian"),
    ("ar", "Arabic"), ("cs", "Czech"),
]  # fmt: skip
LOCAL_LANGUAGE = {"FR": "fr", "DE": "de", "ES": "es", "IT": "it", "NL": "nl",
                  "CH": "de", "AT": "de", "CZ": "cs", "AE": "ar"}  # fmt: skip
CURRENCY = {"GB": "GBP", "CH": "CHF", "CZ": "CZK", "AE": "AED", "US": "USD"}
# One hour in major units; longer bookings cost less per hour.
HOURLY = {"GBP": 300, "EUR": 320, "CHF": 450, "USD": 400, "AED": 1500, "CZK": 6000}
DURATIONS = [(60, 1.0), (120, 1.8), (180, 2.5), (240, 3.2), (720, 6.0), (1440, 9.0)]

# The first agency belongs to the demo login agency@demo.test.
AGENCIES = [
    ("Velvet Society", "velvet-society", True,
     "A London-founded agency introducing cultured companions for dinners, "
     "galas and travel across Europe."),
    ("Maison Lumière", "maison-lumiere", True,
     "Parisian elegance: companions for the opera, gallery openings and long "
     "lunches."),
    ("Atlas Companions", "atlas-companions", False,
     "Well-travelled companions for business trips and weekend getaways."),
    ("Riviera Introductions", "riviera-introductions", True,
     "Relaxed, sunny company from the Mediterranean to Miami."),
    ("Nocturne Agency", "nocturne-agency", False,
     "Concerts, theatre and late conversation in Vienna, Prague and Berlin."),
]  # fmt: skip

FIRST_NAMES = [
    "Amelie", "Aurora", "Bianca", "Camille", "Celeste", "Chloe", "Clara", "Dalia",
    "Elena", "Eloise", "Emilia", "Esme", "Eva", "Freya", "Gabrielle", "Giulia",
    "Helena", "Ines", "Isabella", "Ivy", "Jade", "Juliette", "Lara", "Lena", "Liv",
    "Lucia", "Luna", "Maya", "Mila", "Nadia", "Naomi", "Olivia", "Paloma",
    "Rosalie", "Sienna", "Valentina", "Vera", "Victoria", "Zara", "Adrian",
    "Julian", "Luca", "Marco", "Noah",
]  # fmt: skip
SURNAMES = [
    "Rose", "Moreau", "Bellini", "Hart", "Sterling", "Vidal", "Blanc", "Weiss",
    "Marin", "Costa", "Duval", "Lind", "Novak", "Reyes", "Sinclair", "Fontaine",
    "Varga", "Delacroix", "Amari", "Hale", "Conti", "Berg", "Santos", "Monroe",
    "Leclerc", "Rossi", "Navarro", "Kline", "Ashford", "Laurent",
]  # fmt: skip
TAGLINES = [
    "Elegant company for evenings in {city}",
    "Dinners, galleries and good conversation in {city}",
    "Your companion for the opera and beyond",
    "Warm, witty and well travelled",
    "Discreet company for business events in {city}",
    "Art lover, foodie and excellent listener",
    "Relaxed weekends and long lunches",
    "Cultured company with a sense of humour",
    "A curious mind for museums and markets",
    "Refined evenings, easy laughter",
    "Let me show you my {city}",
    "Travel companion with a passport full of stamps",
]
INTERESTS = [
    "modern art", "jazz", "classical music", "architecture", "fine dining",
    "vintage fashion", "literature", "yoga", "sailing", "photography", "wine",
    "theatre", "contemporary dance", "history", "languages", "tennis",
]  # fmt: skip
CLOSERS = [
    "Polite messages with a little about your plans are always welcome.",
    "I value punctuality, discretion and good manners.",
    "Tell me about the evening you have in mind and I will reply personally.",
    "I travel often, so ask about tours and weekend trips.",
]
REVIEW_TAGLINE = "Now also available for weekend trips from {city}"


@dataclass
class ProfileSpec:
    n: int
    email: str
    name: str
    slug: str
    age: int
    city: CityPage
    tagline: str
    bio: str
    contact_preference: str
    services: list[Service]
    languages: list[Language]
    rates: list[ProfileRate]
    tours: list[ProfileTour]
    photo_count: int
    palette: tuple
    is_vip: bool
    is_verified: bool
    verified_at: dt.datetime | None
    agency: Agency | None
    in_review: bool


@dataclass
class Catalogue:
    """What every profile spec picks from, loaded once."""

    cities: list[CityPage]
    services: list[Service]
    languages: dict[str, Language]
    agencies: list[Agency]
    today: dt.date
    now: dt.datetime


def seed(*, log: Callable[[str], None], profiles: int | None = None) -> None:
    count = profiles if profiles is not None else _profile_count_from_env()
    _seed_cities(editor=User.objects.filter(email="editor@demo.test").first(), log=log)
    cities = _live_cities()
    if len(cities) < 2 or not ProfileIndexPage.objects.exists():
        log("cities or the profile index are missing: run migrations and cms seed")
        return
    catalogue = Catalogue(
        cities=cities,
        services=_seed_services(),
        languages=_seed_languages(),
        agencies=_seed_agencies(log=log),
        today=timezone.localdate(),
        now=timezone.now(),
    )
    _seed_profiles(count=count, catalogue=catalogue, log=log)
    agency_demo.seed_links(agencies=catalogue.agencies, log=log)
    collections = _seed_collections(catalogue=catalogue, log=log)
    _seed_home_features(cities=cities, collections=collections, log=log)
    demo_onboarding.seed(log=log, password=_password())


def logins() -> list[tuple[str, str, str]]:
    """The onboarding stages' providers (directory.demo_onboarding)."""
    return demo_onboarding.logins()


def _seed_cities(*, editor: User | None, log: Callable) -> None:
    index = CityIndexPage.objects.first()
    if index is None:
        log("no city index page: run migrations first")
        return
    existing = set(index.get_children().values_list("slug", flat=True))
    new = [city for city in CITIES if city.slug not in existing]
    for number, city in enumerate(new):
        page = CityPage(
            title=city.title,
            slug=city.slug,
            country=city.country,
            country_code=city.country_code,
            time_zone=city.time_zone,
            latitude=Decimal(city.latitude),
            longitude=Decimal(city.longitude),
            intro=f"<p>{city.intro}</p>",
            seo_title=f"Verified companions in {city.title}",
            search_description=city.intro,
            hero_image=city_hero_image(city=city, number=number, editor=editor),
        )
        publish_new_child(parent=index, page=page, user=editor)
    log(f"cities: {len(new)} new, {len(CITIES) - len(new)} already there")


def _profile_count_from_env() -> int:
    return int(os.environ.get("DEMO_PROFILES", DEFAULT_PROFILES))


def _live_cities() -> list[CityPage]:
    by_slug = {c.slug: c for c in CityPage.objects.live()}
    return [by_slug[city.slug] for city in CITIES if city.slug in by_slug]


def _seed_services() -> list[Service]:
    return [
        Service.objects.update_or_create(
            slug=slugify(name.replace("&", "and")),
            defaults={"name": name, "category": category},
        )[0]
        for name, category in SERVICES
    ]


def _seed_languages() -> dict[str, Language]:
    return {
        code: Language.objects.update_or_create(code=code, defaults={"name": name})[0]
        for code, name in LANGUAGES
    }


def _seed_agencies(*, log: Callable[[str], None]) -> list[Agency]:
    agencies = []
    for number, (name, slug, verified, description) in enumerate(AGENCIES, start=1):
        email = "agency@demo.test" if number == 1 else f"agency{number}@demo.test"
        owner = _agency_owner(email=email, name=name)
        agency, _ = Agency.objects.get_or_create(
            slug=slug,
            defaults=agency_demo.agency_defaults(
                number=number, description=description, verified=verified
            )
            | {"name": name},
        )
        if verified:
            agency_demo.verify_owner(owner)
        AgencyMembership.objects.get_or_create(
            agency=agency, user=owner, defaults={"role": AgencyMembership.Role.OWNER}
        )
        agencies.append(agency)
    log(f"agencies: {len(agencies)} with their owners")
    return agencies


def _agency_owner(*, email: str, name: str) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"display_name": name, "role": Role.AGENCY, "password": _password()},
    )
    if created:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@lru_cache(maxsize=1)
def _password() -> str:
    # One hash for every demo login: hashing 300 times would dominate the seed.
    return make_password(DEMO_PASSWORD)


# --- profiles -------------------------------------------------------------------


def _seed_profiles(*, count: int, catalogue: Catalogue, log: Callable) -> None:
    started = time.monotonic()
    emails = [_email(n) for n in range(count)]
    done = set(
        EscortProfilePage.objects.filter(owner__email__in=emails).values_list(
            "owner__email", flat=True
        )
    )
    todo = [n for n, email in enumerate(emails) if email not in done]
    owners = _ensure_owners(
        specs := [_spec(n, catalogue) for n in todo], now=catalogue.now
    )
    index = ProfileIndexPage.objects.get()
    workflow = index.get_workflow()
    pages = []
    # One worker draws the photos (Pillow releases the GIL) while this thread
    # writes to the database; one, because FreeType fonts are not thread-safe.
    with (
        _indexing_deferred(),
        _wagtail_log_quiet(),
        ThreadPoolExecutor(max_workers=1) as painter,
    ):
        photo_sets = painter.map(_photo_files, specs)
        for number, (spec, files) in enumerate(zip(specs, photo_sets, strict=True), 1):
            owner = owners[spec.email]
            page = _create_profile(spec=spec, owner=owner, index=index, files=files)
            pages.append(page)
            if spec.in_review and workflow is not None:
                _submit_draft(page=pages[-1], spec=spec, owner=owner, wf=workflow)
            if number % PROGRESS_EVERY == 0 or number == len(specs):
                log(f"profiles: {number}/{len(specs)} new")
    _index(pages)
    took = f" in {time.monotonic() - started:.1f} s" if specs else ""
    log(f"profiles: {len(specs)} new, {len(done)} already there{took}")


@contextmanager
def _indexing_deferred() -> Iterator[None]:
    """Each page is saved three times on its way to live, and the search and
    reference indexes were rebuilt on every save: a third of the seed's time. Here
    they are skipped, and ``_index`` writes each new profile once at the end."""
    models = (EscortProfilePage, CustomImage)
    off = [m for m in models if post_save.disconnect(search_on_save, sender=m)]
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in off:
            post_save.connect(search_on_save, sender=model)


@contextmanager
def _wagtail_log_quiet() -> Iterator[None]:
    """Three "Page created/edited/published" lines per profile would bury the
    progress counter."""
    wagtail_log = logging.getLogger("wagtail")
    level = wagtail_log.level
    wagtail_log.setLevel(logging.WARNING)
    try:
        yield
    finally:
        wagtail_log.setLevel(level)


def _index(created: list[EscortProfilePage]) -> None:
    if not created:
        return
    # Fresh rows: the objects in hand predate their publication (live, dates).
    pages = list(EscortProfilePage.objects.filter(pk__in=[p.pk for p in created]))
    images = list(
        CustomImage.objects.filter(
            pk__in=ProfilePhoto.objects.filter(page__in=pages).values("image")
        )
        .select_related("collection", "uploaded_by_user")
        .prefetch_related("tags")
    )
    for backend in get_search_backends():
        backend.add_bulk(EscortProfilePage, pages)
        backend.add_bulk(CustomImage, images)
    # Pages refer to their photos, city, agency, services: images' "usage" in the
    # admin comes from these rows.
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)


def _email(n: int) -> str:
    return SOFIA_EMAIL if n == 0 else f"escort{n:03d}@demo.test"


def _ensure_owners(specs: list[ProfileSpec], *, now: dt.datetime) -> dict[str, User]:
    emails = [spec.email for spec in specs]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    new = [
        User(
            email=spec.email,
            display_name=spec.name,
            role=Role.ESCORT,
            password=_password(),
        )
        for spec in specs
        if spec.email not in users
    ]
    for user in User.objects.bulk_create(new):
        users[user.email] = user
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in new],
        ignore_conflicts=True,
    )
    # The moderator's age check, done up front: the publication gate needs it.
    User.objects.filter(email__in=emails).update(
        is_age_verified=True, age_verified_at=now
    )
    for user in users.values():
        user.is_age_verified, user.age_verified_at = True, now
    return users


def _spec(n: int, catalogue: Catalogue) -> ProfileSpec:
    # Not for security: a seeded generator makes profile n the same on every run.
    rng = random.Random(f"demo-profile-{n}")  # noqa: S311
    cities = catalogue.cities
    city = cities[n % len(cities)]
    if n == 0:
        name = "Sofia Laurent"
        slug = "sofia-laurent"
    else:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        slug = f"{slugify(name)}-{n:03d}"
    age = rng.randint(21, 45)
    is_verified = n % 5 in (0, 1, 3)  # 60%
    return ProfileSpec(
        n=n,
        email=_email(n),
        name=name,
        slug=slug,
        age=age,
        city=city,
        tagline=rng.choice(TAGLINES).format(city=city.title),
        bio=_bio(rng, name=name, age=age, city=city.title),
        contact_preference=rng.choice(EscortProfilePage.ContactPreference.values),
        services=rng.sample(catalogue.services, rng.randint(2, 5)),
        languages=_languages(rng, city=city, languages=catalogue.languages),
        rates=_rates(rng, city=city),
        tours=_tours(rng, n=n, city=city, cities=cities, today=catalogue.today),
        photo_count=rng.randint(2, 4),
        palette=rng.choice(PALETTES),
        is_vip=n % 10 == 1,  # 10%
        is_verified=is_verified,
        verified_at=catalogue.now - dt.timedelta(days=rng.randint(1, 200))
        if is_verified
        else None,
        agency=catalogue.agencies[(n // 5) % len(catalogue.agencies)]
        if n % 5 == 2  # 20%
        else None,
        in_review=n % 20 == 9,  # 5%: 15 of 300
    )


def _bio(rng: random.Random, *, name: str, age: int, city: str) -> str:
    first = name.split()[0]
    likes = rng.sample(INTERESTS, 3)
    return (
        f"<p>I'm {first}, {age}, and {city} is my home. I love {likes[0]}, "
        f"{likes[1]} and {likes[2]}, and I am at my best over a long dinner "
        "where the conversation takes its time.</p>"
        f"<p>{rng.choice(CLOSERS)}</p>"
    )


def _languages(
    rng: random.Random, *, city: CityPage, languages: dict[str, Language]
) -> list[Language]:
    codes = ["en"]
    if local := LOCAL_LANGUAGE.get(city.country_code):
        codes.append(local)
    if rng.random() < 0.4:
        codes.append(rng.choice(list(languages)))
    return [languages[code] for code in dict.fromkeys(codes)][:3]


def _rates(rng: random.Random, *, city: CityPage) -> list[ProfileRate]:
    currency = CURRENCY.get(city.country_code, "EUR")
    step = 100 if HOURLY[currency] >= 1000 else 10
    factor = rng.uniform(0.75, 1.6)
    chosen = sorted(rng.sample(DURATIONS, rng.randint(1, 3)))
    return [
        ProfileRate(
            duration_minutes=minutes,
            kind=ProfileRate.Kind.OUTCALL
            if minutes >= 720
            else rng.choice(ProfileRate.Kind.values),
            amount_minor=round(HOURLY[currency] * weight * factor / step) * step * 100,
            currency=currency,
        )
        for minutes, weight in chosen
    ]


def _tours(
    rng: random.Random,
    *,
    n: int,
    city: CityPage,
    cities: list[CityPage],
    today: dt.date,
) -> list[ProfileTour]:
    elsewhere = rng.choice([c for c in cities if c.pk != city.pk])
    days = dt.timedelta
    if n % 10 == 7:  # 10%: visiting another city now, for a few weeks
        start = today - days(days=rng.randint(0, 3))
        end = today + days(days=rng.randint(10, 30))
        return [ProfileTour(city=elsewhere, starts_on=start, ends_on=end)]
    if n % 25 == 4:  # a few: planned, not announced
        start = today + days(days=rng.randint(20, 40))
        end = start + days(days=rng.randint(3, 7))
        return [
            ProfileTour(city=elsewhere, starts_on=start, ends_on=end, is_private=True)
        ]
    return []


def _create_profile(
    *,
    spec: ProfileSpec,
    owner: User,
    index: ProfileIndexPage,
    files: list[ContentFile],
) -> EscortProfilePage:
    page = EscortProfilePage(
        title=spec.name,
        slug=spec.slug,
        age=spec.age,
        home_city=spec.city,
        tagline=spec.tagline,
        bio=spec.bio,
        contact_preference=spec.contact_preference,
        owner=owner,
        live=False,
        # Moderator-owned fields go on the row before the first revision.
        is_vip=spec.is_vip,
        agency=spec.agency,
        seo_title=f"{spec.name} in {spec.city.title}",
        search_description=spec.tagline,
    )
    index.add_child(instance=page)
    # Inlines join after the row exists: the revision carries them and publishing
    # writes them once, instead of once per save.
    page.services = spec.services
    page.languages = spec.languages
    page.rates = spec.rates
    page.tours = spec.tours
    page.photos = _photos(spec=spec, owner=owner, files=files)
    # add_child has just run full_clean; publish runs it again, with the live gate.
    page.save_revision(user=owner, clean=False).publish()
    if spec.verified_at is not None:
        _verify_photos(page=page, owner=owner, at=spec.verified_at)
    return page


def _verify_photos(*, page: EscortProfilePage, owner: User, at: dt.datetime) -> None:
    """ "Photos verified": a moderator's PhotoVerification of each photo as it is
    now (image id + file hash; directory.photo_badges), dated ``at``."""
    moderator = User.objects.filter(email="moderator@demo.test").first()
    rows = PhotoVerification.objects.bulk_create(
        [
            PhotoVerification(
                user=owner,
                image_id=photo.image_id,
                file_hash=photo.image.file_hash,
                verified_by=moderator,
            )
            for photo in ProfilePhoto.objects.filter(page=page).select_related("image")
        ],
        ignore_conflicts=True,
    )
    # verified_at is auto_now_add: the demo backdates it afterwards.
    PhotoVerification.objects.filter(
        image_id__in=[row.image_id for row in rows]
    ).update(verified_at=at)


def _submit_draft(
    *, page: EscortProfilePage, spec: ProfileSpec, owner: User, wf: Workflow
) -> None:
    """A newer owner edit waiting for a moderator; the live page stays as it is."""
    draft = page.get_latest_revision_as_object()
    draft.tagline = REVIEW_TAGLINE.format(city=spec.city.title)
    draft.save_revision(user=owner, log_action=True)
    with _review_emails_off():
        wf.start(EscortProfilePage.objects.get(pk=page.pk), owner)


@contextmanager
def _review_emails_off() -> Iterator[None]:
    """Moderators would get one "please review" email per demo submission."""
    handlers = (
        (task_submitted, TaskState, admin_signals.task_submission_email_notifier,
         "group_approval_task_submitted_email_notification"),
        (workflow_submitted, WorkflowState,
         admin_signals.workflow_submission_email_notifier,
         "workflow_state_submitted_email_notification"),
    )  # fmt: skip
    for signal, sender, _receiver, uid in handlers:
        signal.disconnect(sender=sender, dispatch_uid=uid)
    try:
        yield
    finally:
        for signal, sender, receiver, uid in handlers:
            signal.connect(receiver, sender=sender, dispatch_uid=uid)


# --- placeholder photos ---------------------------------------------------------


def _photo_files(spec: ProfileSpec) -> list[ContentFile]:
    initials = "".join(part[0] for part in spec.name.split()[:2]).upper()
    return [
        ContentFile(
            placeholder_jpeg(text=initials, palette=spec.palette, variant=number),
            name=f"{spec.slug}-{number + 1}.jpg",
        )
        for number in range(spec.photo_count)
    ]


def _photos(
    *, spec: ProfileSpec, owner: User, files: list[ContentFile]
) -> list[ProfilePhoto]:
    photos = []
    for number, file in enumerate(files):
        image = CustomImage(
            title=f"{spec.name} · placeholder {number + 1}",
            file=file,
            uploaded_by_user=owner,
        )
        image.check_duplicates = False  # placeholders share one design
        image.save()  # strips metadata, like every upload
        photos.append(ProfilePhoto(image=image, is_primary=number == 0))
    return photos


# --- collections and the home page ---------------------------------------------


def _seed_collections(
    *, catalogue: Catalogue, log: Callable
) -> list[FeaturedCollectionPage]:
    london = next((c for c in catalogue.cities if c.slug == "london"), None)
    if london is None:
        return []
    live = EscortProfilePage.objects.live()
    specs = [
        (
            london,
            "New in London",
            "new-in-london",
            "<p>Companions who joined us recently in London.</p>",
            live.filter(home_city=london).order_by("-first_published_at", "-pk"),
        ),
        (
            HomePage.objects.get(),
            "Travel companions",
            "travel-companions",
            "<p>Well-travelled company for business trips and weekends away.</p>",
            live.filter(services__slug="travel-companion").order_by("-is_vip", "pk"),
        ),
    ]
    return [
        page
        for parent, title, slug, intro, profiles in specs
        if (page := _collection(parent, title, slug, intro, profiles, log=log))
    ]


def _collection(
    parent: Page,
    title: str,
    slug: str,
    intro: str,
    profiles: QuerySet[EscortProfilePage],
    *,
    log: Callable,
) -> FeaturedCollectionPage | None:
    existing = FeaturedCollectionPage.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    chosen = list(profiles.distinct()[:8])
    if not chosen:
        return None
    page = FeaturedCollectionPage(
        title=title, slug=slug, intro=intro, live=False, seo_title=title
    )
    page.items = [FeaturedCollectionItem(profile=profile) for profile in chosen]
    parent.add_child(instance=page)
    page.save_revision().publish()
    log(f"collection {title!r} with {len(chosen)} profiles")
    return page


def _seed_home_features(
    *,
    cities: list[CityPage],
    collections: list[FeaturedCollectionPage],
    log: Callable,
) -> None:
    home = HomePage.objects.get()
    changed = False
    if not home.featured_cities.exists():
        picks = {"london", "paris", "new-york", "dubai", "berlin", "rome"}
        home.featured_cities = [
            HomeFeaturedCity(city=city) for city in cities if city.slug in picks
        ]
        changed = True
    if collections and not home.featured_collections.exists():
        home.featured_collections = [
            HomeFeaturedCollection(collection=c) for c in collections
        ]
        changed = True
    if changed:
        home.save_revision().publish()
        log("home page: featured cities and collections set")
