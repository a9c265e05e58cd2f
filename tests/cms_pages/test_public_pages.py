"""Server-rendered CMS pages: home, city index, city, featured collection, standard
pages, robots.txt. Profiles come from the directory's public selectors, so drafts
and profiles of suspended or unverified owners never show."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from cms_pages.models import StandardPage
from directory import listings
from tests.factories.pages import (
    CustomImageFactory,
    EscortOwnerFactory,
    add_photo,
    add_rate,
    add_tour,
    feature_on_home,
    home_page,
    jpeg_bytes,
    make_city,
    make_collection,
    make_profile,
    publish,
)
from tests.factories.subscriptions import give_plan

pytestmark = pytest.mark.django_db

CARD = '<article class="profile-card'
# Per page type, whatever the number of profiles: Wagtail's routing, site and
# view-restriction lookups, one count, one query per listing and per prefetch,
# one for the card renditions (shared by a page's listings). Private sections
# (cms_pages.restrictions), the site settings and the city filter form's services
# and languages come from the cache (docs/page-speed.md).
# Before: 20, 15 (routing by URL path), 13 (cms_pages.sites) for the home page;
# 23, 15, 9 (the window count), 8 for a city; 14, 12, 8 for a collection.
HOME_QUERIES = 12
CITY_QUERIES = 7
COLLECTION_QUERIES = 7


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by ``heading_id``."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def canonical_of(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)


@pytest.fixture
def berlin():
    return make_city("Berlin", intro="<p>The capital, after dark.</p>")


def make_profiles(city, count: int, *, prefix: str = "Profile", **fields) -> list:
    return [make_profile(f"{prefix} {n}", city=city, **fields) for n in range(count)]


def hidden_profiles(city) -> dict[str, object]:
    """One profile per reason a profile must not be shown publicly."""
    draft = make_profile("Draft Dana", city=city, live=False)
    suspended = make_profile("Suspended Sara", city=city)
    unverified = make_profile("Unverified Una", city=city)
    # Both owners lost their standing after publication (the state a race, a
    # manual fix or a late moderator decision can leave behind).
    User.objects.filter(pk=suspended.owner_id).update(is_suspended=True)
    User.objects.filter(pk=unverified.owner_id).update(is_age_verified=False)
    return {"draft": draft, "suspended": suspended, "unverified": unverified}


# --- Home -----------------------------------------------------------------------


def test_home_shows_featured_cities_and_collections_with_cards(client, berlin):
    vienna = make_city("Vienna", country="Austria", country_code="AT")
    amelie = make_profile("Amelie", city=berlin, tagline="Opera evenings")
    collection = make_collection("New in Berlin", profiles=[amelie])
    feature_on_home(cities=[vienna, berlin], collections=[collection])

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    cities = section(html, "featured-cities")
    assert cities.index("Vienna") < cities.index("Berlin")  # the editor's order
    assert 'href="/cities/berlin/"' in cities
    assert 'href="/cities/"' in html
    featured = section(html, f"collection-{collection.pk}")
    assert "New in Berlin" in featured
    assert "Amelie" in featured and "Opera evenings" in featured
    assert 'href="/new-in-berlin/"' in featured


def test_home_collections_show_a_few_cards_and_never_hidden_profiles(client, berlin):
    hidden = hidden_profiles(berlin)
    shown = make_profiles(berlin, 6)
    collection = make_collection(
        "Tonight", profiles=[*hidden.values(), *shown], parent=home_page()
    )
    feature_on_home(collections=[collection])

    html = section(client.get("/").content.decode(), f"collection-{collection.pk}")

    assert html.count(CARD) == listings.CARDS_PER_COLLECTION
    assert [p.title for p in shown[:4]] == re.findall(r">(Profile \d)</a>", html)
    for name in ("Draft Dana", "Suspended Sara", "Unverified Una"):
        assert name not in html


def test_home_skips_unpublished_featured_city(client, berlin):
    hamburg = make_city("Hamburg", live=False)
    feature_on_home(cities=[hamburg, berlin])

    html = client.get("/").content.decode()

    assert "Hamburg" not in html
    assert "Berlin" in section(html, "featured-cities")


def test_home_has_one_h1_website_json_ld_and_canonical(client):
    html = client.get("/").content.decode()

    assert html.count("<h1") == 1
    assert title_of(html) == "Premium Escorts Directory"
    assert canonical_of(html) == "http://localhost/"
    assert '"@type": "WebSite"' in html
    assert '<meta property="og:url" content="http://localhost/">' in html
    assert '<meta name="description" content="Verified adult companions' in html


def test_home_query_count_is_constant(client, berlin, django_assert_max_num_queries):
    def feature(count: int) -> None:
        profiles = make_profiles(berlin, count, prefix=f"P{count}")
        for profile in profiles:
            add_photo(profile, is_primary=True)
        collection = make_collection(f"Collection {count}", profiles=profiles)
        feature_on_home(cities=[berlin], collections=[collection])

    feature(3)
    # Renditions are generated (and cached per image) on the first render;
    # the counts below are measured on later renders.
    client.get("/")
    with django_assert_max_num_queries(HOME_QUERIES) as small:
        assert client.get("/").status_code == 200
    feature(30)
    client.get("/")
    with django_assert_max_num_queries(HOME_QUERIES) as large:
        assert client.get("/").status_code == 200
    assert len(large) == len(small)


# --- City index -----------------------------------------------------------------


def test_city_index_lists_live_cities_with_country(client, berlin):
    make_city("Vienna", country="Austria", country_code="AT")
    make_city("Hamburg", live=False)

    response = client.get("/cities/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/cities/berlin/"' in html and "Germany" in html
    assert 'href="/cities/vienna/"' in html and "Austria" in html
    assert "Hamburg" not in html
    assert html.count("<h1") == 1


# --- City page ------------------------------------------------------------------


def test_city_page_shows_city_content_and_its_profiles(client, berlin):
    make_profile("Amelie", city=berlin, tagline="Opera evenings", age=29)
    make_profile("Nora", city=make_city("Vienna"))

    response = client.get("/cities/berlin/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Berlin</h1>" in html
    assert "Germany" in html and "The capital, after dark." in html
    listed = section(html, "profiles-heading")
    assert "Amelie" in listed and "Opera evenings" in listed and "29" in listed
    assert "Nora" not in html


def test_city_page_lists_vip_band_first_and_labels_it(client, berlin):
    make_profiles(berlin, 3)
    make_profile("Valentina", city=berlin)
    make_profile("Victoria", city=berlin)
    for title in ("Valentina", "Victoria"):
        vip = berlin.resident_profiles.get(title=title)
        vip.is_vip = True
        vip.save(update_fields=["is_vip"])
        give_plan(vip.owner, "elite")  # the plan with featured placement

    html = client.get("/cities/berlin/").content.decode()

    vip_band = section(html, "vip-heading")
    assert "VIP companions in Berlin" in vip_band
    assert "Valentina" in vip_band and "Victoria" in vip_band
    assert "Profile 0" not in vip_band
    names = re.findall(r'class="profile-card__name"><a [^>]+>([^<]+)<', html)
    assert set(names[:2]) == {"Valentina", "Victoria"}
    assert len(names) == 5
    assert html.index('class="badge badge--vip">VIP<') < html.index("Profile 0")


def test_city_page_never_shows_hidden_profiles(client, berlin):
    hidden_profiles(berlin)
    make_profile("Amelie", city=berlin)

    html = client.get("/cities/berlin/").content.decode()

    assert "Amelie" in html
    for name in ("Draft Dana", "Suspended Sara", "Unverified Una"):
        assert name not in html


def test_city_page_paginates_24_per_page(client, berlin):
    make_profiles(berlin, 30)

    first = client.get("/cities/berlin/").content.decode()
    second = client.get("/cities/berlin/?page=2").content.decode()

    assert first.count(CARD) == 24
    assert second.count(CARD) == 6
    assert 'href="?page=2"' in first and 'rel="next"' in first
    assert 'rel="prev" href="/cities/berlin/"' in second
    assert '<span aria-current="page">2</span>' in second
    on_first = set(re.findall(r">(Profile \d+)</a>", first))
    on_second = set(re.findall(r">(Profile \d+)</a>", second))
    assert len(on_first | on_second) == 30 and not on_first & on_second


def test_city_page_counts_its_listing_with_the_page_rows(client, berlin):
    """The total comes with the page (a window count): no separate COUNT query
    while the page exists; pages past the end take Django's path (below)."""
    make_profiles(berlin, 30)
    for number in ("1", "2"):
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/cities/berlin/", {"page": number}).content.decode()
        assert f'<span aria-current="page">{number}</span>' in html
        assert 'href="?page=2"' in html or 'rel="prev"' in html
        assert not [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
        assert [q for q in queries if "COUNT(" in q["sql"] and "OVER ()" in q["sql"]]


@pytest.mark.parametrize(
    ("value", "page"), [("abc", 1), ("1.5", 1), ("", 1), ("999", 2), ("-3", 2)]
)
def test_city_page_bad_page_values_fall_back(client, berlin, value, page):
    make_profiles(berlin, 30)

    response = client.get("/cities/berlin/", {"page": value})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<span aria-current="page">{page}</span>' in html
    assert html.count(CARD) == (24 if page == 1 else 6)


def test_city_page_page_numbers_are_capped(client, berlin, monkeypatch):
    monkeypatch.setattr(listings, "PROFILES_PER_PAGE", 1)
    monkeypatch.setattr(listings, "MAX_PAGES", 2)
    make_profiles(berlin, 3)

    html = client.get("/cities/berlin/?page=3").content.decode()

    assert "Page 2 of 2" in html
    assert html.count(CARD) == 1


def test_city_page_seo_canonical_title_and_json_ld(client, berlin):
    make_profiles(berlin, 30)

    first = client.get("/cities/berlin/").content.decode()
    second = client.get("/cities/berlin/?page=2").content.decode()

    assert canonical_of(first) == "http://localhost/cities/berlin/"
    assert canonical_of(second) == "http://localhost/cities/berlin/?page=2"
    assert title_of(first) == (
        "Companions in Berlin, Germany · Premium Escorts Directory"
    )
    assert title_of(second) != title_of(first)
    assert '<meta name="description" content="The capital, after dark.">' in first
    assert '"@type": "City"' in first and '"name": "Germany"' in first
    assert '"@type": "BreadcrumbList"' in first
    assert '<meta property="og:type" content="website">' in first
    assert first.count("<h1") == 1


def test_touring_section_shows_visitors_only_within_their_dates(client, berlin):
    vienna = make_city("Vienna")
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    visiting = make_profile("Visiting Vera", city=vienna)
    add_tour(visiting, city=berlin, starts_on=today - day, ends_on=today + day)
    later = make_profile("Later Lena", city=vienna)
    add_tour(later, city=berlin, starts_on=today + 5 * day, ends_on=today + 9 * day)
    ended = make_profile("Ended Elsa", city=vienna)
    add_tour(ended, city=berlin, starts_on=today - 9 * day, ends_on=today - day)
    private = make_profile("Private Pia", city=vienna)
    add_tour(private, city=berlin, starts_on=today, ends_on=today, is_private=True)

    html = client.get("/cities/berlin/").content.decode()

    touring = section(html, "touring-heading")
    assert "Touring Berlin now" in touring
    assert "Visiting Vera" in touring
    for name in ("Later Lena", "Ended Elsa", "Private Pia"):
        assert name not in html


def test_city_page_escapes_a_tagline_payload(client, berlin):
    make_profile("Amelie", city=berlin, tagline="<script>alert('x')</script>")

    html = client.get("/cities/berlin/").content.decode()

    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert(" not in html


def test_city_page_query_count_is_constant(
    client, berlin, django_assert_max_num_queries
):
    vienna = make_city("Vienna")
    today = timezone.localdate()

    def add(count: int) -> None:
        for profile in make_profiles(berlin, count, prefix=f"P{count}"):
            add_photo(profile, is_primary=True)
        for profile in make_profiles(vienna, 2, prefix=f"V{count}"):
            add_photo(profile)
            add_tour(profile, city=berlin, starts_on=today, ends_on=today)

    add(3)
    client.get("/cities/berlin/")  # renditions are generated on the first render
    with django_assert_max_num_queries(CITY_QUERIES) as small:
        assert client.get("/cities/berlin/").status_code == 200
    add(30)
    client.get("/cities/berlin/")
    with django_assert_max_num_queries(CITY_QUERIES) as large:
        assert client.get("/cities/berlin/").status_code == 200
    assert len(large) == len(small)


def test_city_page_renders_responsive_webp_cards(client, berlin):
    amelie = make_profile("Amelie", city=berlin)
    portrait = CustomImageFactory(
        file=ContentFile(jpeg_bytes((900, 1125)), name="portrait.jpg")
    )
    add_photo(amelie, caption="", is_primary=True, image=portrait)

    html = client.get("/cities/berlin/").content.decode()

    card = html[html.index(CARD) :]
    assert 'alt="Photo of Amelie"' in card
    assert re.search(r'srcset="[^"]+\.webp 400w, [^"]+\.webp 800w"', card)


# --- Featured collection --------------------------------------------------------


def test_collection_page_lists_live_profiles_in_editor_order(client, berlin):
    hidden = hidden_profiles(berlin)
    zoe = make_profile("Zoe", city=berlin)
    anna = make_profile("Anna", city=berlin)
    make_collection(
        "Editors picks",
        profiles=[zoe, hidden["draft"], hidden["suspended"], anna],
        intro="<p>Chosen by our editors.</p>",
        parent=berlin,
    )

    response = client.get("/cities/berlin/editors-picks/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Editors picks</h1>" in html and "Chosen by our editors." in html
    names = re.findall(r'class="profile-card__name"><a [^>]+>([^<]+)<', html)
    assert names == ["Zoe", "Anna"]
    assert '<meta name="description" content="Chosen by our editors.">' in html


def test_collection_page_query_count_is_constant(
    client, berlin, django_assert_max_num_queries
):
    def collection(count: int) -> str:
        profiles = make_profiles(berlin, count, prefix=f"P{count}")
        for profile in profiles:
            add_photo(profile, is_primary=True)
        page = make_collection(f"Set {count}", profiles=profiles)
        client.get(page.url)  # renditions are generated on the first render
        return page.url

    counts = []
    for url in (collection(3), collection(30)):
        with django_assert_max_num_queries(COLLECTION_QUERIES) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- Standard pages, titles, robots ------------------------------------------


def test_standard_page_renders_with_its_own_title(client):
    about = StandardPage(title="About us", slug="about", intro="Who we are.")
    home_page().add_child(instance=about)
    publish(about)

    html = client.get("/about/").content.decode()

    assert title_of(html) == "About us · Premium Escorts Directory"
    assert '<meta name="description" content="Who we are.">' in html
    assert canonical_of(html) == "http://localhost/about/"


def test_every_page_type_has_a_unique_title(client, berlin):
    make_profile("Amelie", city=berlin)
    make_collection("New faces", profiles=[], parent=berlin)
    urls = [
        "/",
        "/cities/",
        "/cities/berlin/",
        "/cities/berlin/new-faces/",
        "/escorts/",
        "/escorts/amelie/",
    ]

    titles = [title_of(client.get(url).content.decode()) for url in urls]

    assert len(set(titles)) == len(urls), titles


def test_robots_txt_allows_all_and_hides_private_areas(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for path in ("/cms/", "/accounts/", "/api/", "/_allauth/", "/dashboard/"):
        assert f"Disallow: {path}" in lines
    # Sign-in and sign-up are public entry points; the rest of /accounts/ is not.
    assert {"Allow: /accounts/login/", "Allow: /accounts/signup/"} <= set(lines)
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_pages_load_no_external_assets(client, berlin):
    owner = EscortOwnerFactory()
    make_profile("Amelie", city=berlin, owner=owner)

    for url in ("/", "/cities/berlin/", "/escorts/amelie/"):
        html = client.get(url).content.decode()
        sources = re.findall(r'(?:src|href)="(https?:)?//([^/"]+)', html)
        external = {host for _, host in sources if host not in {"localhost"}}
        assert not external, (url, external)


def test_city_hero_image_renders_and_is_the_share_image(client):
    hero = CustomImageFactory(file=ContentFile(jpeg_bytes((1200, 500)), name="h.jpg"))
    make_city("Lisbon", hero_image=hero, country="Portugal", country_code="PT")

    html = client.get("/cities/lisbon/").content.decode()

    header = html[html.index('class="page-header"') : html.index("<h1>")]
    assert "<picture>" in header and ".webp" in header
    assert re.search(r'<meta property="og:image" content="http://[^"]+\.jpg">', html)


def test_og_image_field_wins_over_the_hero_image(client):
    hero = CustomImageFactory(title="hero")
    share = CustomImageFactory(title="share")
    make_city("Porto", hero_image=hero, og_image=share)

    html = client.get("/cities/porto/").content.decode()

    og = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert share.renditions.get().url in og


def test_public_pages_have_landmarks_and_alt_text(client, berlin):
    amelie = make_profile("Amelie", city=berlin)
    add_photo(amelie, is_primary=True)

    for url in ("/", "/cities/", "/cities/berlin/", "/escorts/", "/escorts/amelie/"):
        html = client.get(url).content.decode()
        assert html.count("<h1") == 1, url
        assert '<a class="skip-link" href="#main">' in html
        assert '<main id="main"' in html and 'class="site-header"' in html
        assert 'class="site-footer"' in html and '<nav aria-label="Main">' in html
        for img in re.findall(r"<img [^>]*>", html):
            assert re.search(r' alt="[^"]*"', img), (url, img)


# --- The LCP image is never lazy ----------------------------------------------------

IMG = re.compile(r"<img [^>]*>")


def attr(img: str, name: str) -> str | None:
    found = re.search(rf' {name}="([^"]*)"', img)
    return found.group(1) if found else None


def card_images(html: str) -> list[str]:
    return [IMG.search(card).group(0) for card in html.split(CARD)[1:]]


def test_city_hero_is_the_eager_high_priority_image_and_the_first_row_is_eager(
    client, berlin
):
    hero = CustomImageFactory(file=ContentFile(jpeg_bytes((1200, 500)), name="h.jpg"))
    berlin.hero_image = hero
    publish(berlin)
    for profile in make_profiles(berlin, 6, prefix="P"):
        add_photo(profile, is_primary=True)

    html = client.get("/cities/berlin/").content.decode()

    header = html[html.index('class="page-header"') : html.index("<h1>")]
    hero_img = IMG.search(header).group(0)
    assert attr(hero_img, "loading") == "eager"
    assert attr(hero_img, "fetchpriority") == "high"
    cards = card_images(html)
    assert [attr(img, "loading") for img in cards] == ["eager"] * 4 + ["lazy"] * 2
    assert {attr(img, "fetchpriority") for img in cards} == {"auto"}
    assert html.count('fetchpriority="high"') == 1


@pytest.mark.parametrize("url", ["/cities/berlin/", "/escorts/"])
def test_without_a_hero_the_first_card_is_the_lcp_image(client, berlin, url):
    for profile in make_profiles(berlin, 5, prefix="P"):
        add_photo(profile, is_primary=True)

    cards = card_images(client.get(url).content.decode())

    assert attr(cards[0], "fetchpriority") == "high"
    assert [attr(img, "fetchpriority") for img in cards[1:]] == ["auto"] * 4
    assert [attr(img, "loading") for img in cards] == ["eager"] * 4 + ["lazy"]


def test_city_grids_load_their_first_row_eagerly(client):
    for n in range(4):
        make_city(f"City {n}", hero_image=CustomImageFactory())

    html = client.get("/cities/").content.decode()

    images = IMG.findall(html[html.index('class="city-grid"') :])
    assert [attr(img, "loading") for img in images] == ["eager"] * 3 + ["lazy"]
    assert [attr(img, "fetchpriority") for img in images] == ["high"] + ["auto"] * 3


def test_every_image_has_width_and_height(client, berlin):
    berlin.hero_image = CustomImageFactory()
    publish(berlin)
    amelie = make_profile("Amelie", city=berlin)
    add_photo(amelie, is_primary=True)
    feature_on_home(cities=[berlin], collections=[])

    for url in ("/", "/cities/", "/cities/berlin/", "/escorts/", "/escorts/amelie/"):
        # The lightbox's empty <img> (no src) gets its picture and size from
        # static/js/lightbox.js when opened; it never loads with the page.
        images = [
            img
            for img in IMG.findall(client.get(url).content.decode())
            if "data-lightbox-image" not in img
        ]
        assert images, url
        for img in images:
            assert attr(img, "width") and attr(img, "height"), (url, img)


def test_city_cards_show_the_lowest_rate_as_the_from_price(client, berlin):
    amelie = make_profile("Amelie", city=berlin)
    add_rate(amelie, duration_minutes=120, amount_minor=50000, currency="GBP")
    add_rate(amelie, duration_minutes=60, amount_minor=28050, currency="GBP")
    make_profile("Nora", city=berlin)  # no rates: no price line at all

    html = client.get("/cities/berlin/").content.decode()
    amelie_card = html[html.index(">Amelie<") :]
    amelie_card = amelie_card[: amelie_card.index("</article>")]
    nora_card = html[html.index(">Nora<") :]
    nora_card = nora_card[: nora_card.index("</article>")]

    assert "from <strong>280.50 GBP</strong>" in amelie_card
    assert "profile-card__price" not in nora_card
