"""Public profile pages, the profile index, the sitemap and slug-change redirects."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from directory.models import Agency, ProfileRate, Service
from tests.factories.pages import (
    CustomImageFactory,
    add_photo,
    add_rate,
    add_tour,
    jpeg_bytes,
    language,
    make_city,
    make_profile,
    publish,
    service,
    verify_photo,
)

pytestmark = pytest.mark.django_db

CARD = '<article class="profile-card'
# Whatever the number of photos, rates, tours, services: routing and site lookups,
# one query per relation, one for the gallery renditions, one for the og:image,
# and the availability calendar (tests/directory/test_profile_page.py).
PROFILE_QUERIES = 16  # was 26, then 22 before routing by URL path (docs/page-speed.md)


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.find("</section>", start)]


@pytest.fixture
def berlin():
    return make_city("Berlin")


@pytest.fixture
def amelie(berlin):
    return make_profile(
        "Amelie",
        city=berlin,
        age=29,
        tagline="Opera evenings and quiet dinners",
        bio="<p>I love <b>jazz</b> and long walks.</p>",
    )


def portrait(size: tuple[int, int] = (900, 1125)):
    return CustomImageFactory(file=ContentFile(jpeg_bytes(size), name="portrait.jpg"))


# --- Profile page ---------------------------------------------------------------


def test_profile_page_shows_the_public_profile(client, berlin, amelie):
    agency = Agency.objects.create(name="Maison Nuit", slug="maison-nuit")
    amelie.agency = agency
    amelie.is_vip = True
    amelie.save()
    verify_photo(add_photo(amelie), at=dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC))
    add_rate(amelie, duration_minutes=60, amount_minor=30000, currency="EUR")
    add_rate(
        amelie,
        duration_minutes=120,
        kind=ProfileRate.Kind.OUTCALL,
        amount_minor=55050,
        currency="GBP",
    )
    amelie.services.add(
        service("Dinner date"),
        service("Gala evening", Service.Category.EVENTS),
        service("Weekend trip", Service.Category.TRAVEL),
    )
    amelie.languages.add(language("de", "German"), language("fr", "French"))
    amelie.save()

    response = client.get("/escorts/amelie/")

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<h1[^>]*>Amelie</h1>", html) and html.count("<h1") == 1
    assert "29 years" in html and 'href="/cities/berlin/"' in html
    assert "Opera evenings and quiet dinners" in html
    assert "<p>I love <b>jazz</b> and long walks.</p>" in section(html, "about-heading")
    assert "Represented by Maison Nuit" in html
    assert 'class="badge badge--vip">VIP<' in html
    assert (
        'class="badge badge--verified" data-photos-verified>Photos verified '
        '<time datetime="2026-11-12">12 Nov 2026</time><' in html
    )
    rates = section(html, "rates-heading")
    assert re.search(r"<td>1 hour</td><td>Incall</td><td>300 EUR</td>", rates)
    assert re.search(r"<td>2 hours</td><td>Outcall</td><td>550.50 GBP</td>", rates)
    services = section(html, "services-heading")
    chip = r"<ul [^>]+><li class=\"chip\">"
    assert re.search(rf"<h3>Social</h3>{chip}Dinner date</li></ul>", services)
    assert re.search(rf"<h3>Travel</h3>{chip}Weekend trip</li></ul>", services)
    assert re.search(rf"<h3>Events</h3>{chip}Gala evening</li></ul>", services)
    languages = section(html, "languages-heading")
    assert "French" in languages and "German" in languages
    booking = section(html, "booking-heading")
    assert "Sign in to request a booking" in booking
    request_url = f"/dashboard/bookings/request/{amelie.pk}/"
    assert f'href="/accounts/login/?next={request_url}"' in booking
    assert f'href="/messages/start/{amelie.pk}/"' in booking


def test_profile_page_never_shows_private_or_moderator_data(client, berlin, amelie):
    today = timezone.localdate()
    add_tour(
        amelie,
        city=make_city("Vienna"),
        starts_on=today,
        ends_on=today + dt.timedelta(days=3),
    )
    add_tour(
        amelie,
        city=make_city("Zurich"),
        starts_on=today,
        ends_on=today + dt.timedelta(days=3),
        is_private=True,
    )

    html = client.get("/escorts/amelie/").content.decode()

    tours = section(html, "tours-heading")
    assert 'href="/cities/vienna/"' in tours
    assert "Zurich" not in html
    assert amelie.owner.email not in html


def test_profile_gallery_is_responsive_webp_with_primary_first(client, amelie):
    add_photo(amelie, image=portrait(), caption="At the opera")
    add_photo(amelie, image=portrait(), is_primary=True)

    html = client.get("/escorts/amelie/").content.decode()

    gallery = section(html, "gallery-heading")
    alts = re.findall(r'<img src="[^"]+\.webp" [^>]*alt="([^"]*)"', gallery)
    assert alts == ["Photo of Amelie", "At the opera"]
    assert re.search(r'srcset="[^"]+\.webp 1x, [^"]+\.webp 2x"', gallery)
    assert 'data-caption="At the opera"' in gallery  # shown in the lightbox
    assert re.search(r'<meta property="og:image" content="http://[^"]+\.jpg">', html)


def test_profile_page_seo_tags(client, amelie):
    html = client.get("/escorts/amelie/").content.decode()

    assert "<title>Amelie, 29 – Berlin · Premium Escorts Directory</title>" in html
    assert '<link rel="canonical" href="http://localhost/escorts/amelie/">' in html
    assert (
        '<meta name="description" content="Amelie, 29, Berlin. '
        'Opera evenings and quiet dinners">'
    ) in html
    assert '<meta property="og:type" content="profile">' in html
    assert '<meta property="og:title" content="Amelie">' in html
    ld = re.search(r'"@type": "ProfilePage".*?</script>', html).group(0)
    assert '"mainEntity": {"@type": "Person", "name": "Amelie"}' in ld
    assert '"@type": "BreadcrumbList"' in html
    assert 'aria-label="Breadcrumb"' in html


def test_profile_tagline_payload_is_escaped(client, berlin):
    make_profile("Mallory", city=berlin, tagline='<script>alert("x")</script>')

    html = client.get("/escorts/mallory/").content.decode()

    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<script>alert(" not in html


def test_profile_bio_script_is_never_live(client, berlin):
    make_profile(
        "Mallory",
        city=berlin,
        bio='<p>Hello</p><script>alert("bio")</script><p onclick="x()">Hi</p>',
        search_description="Hello there",
    )

    html = client.get("/escorts/mallory/").content.decode()

    about = section(html, "about-heading")
    assert "<p>Hello</p>" in about
    assert "<script" not in about and "onclick" not in about
    assert '<script>alert("bio")' not in html


def test_json_ld_cannot_be_closed_by_a_display_name(client, berlin):
    make_profile("</script><script>alert(1)</script>", city=berlin, slug="odd")

    html = client.get("/escorts/odd/").content.decode()

    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


def test_unknown_profile_slug_is_404(client, amelie):
    assert client.get("/escorts/nobody-here/").status_code == 404


def test_draft_profile_is_404(client, berlin):
    make_profile("Draft Dana", city=berlin, live=False)

    assert client.get("/escorts/draft-dana/").status_code == 404


def test_profile_page_query_count_is_constant(
    client, berlin, django_assert_max_num_queries
):
    today = timezone.localdate()

    def build(title: str, count: int) -> str:
        profile = make_profile(title, city=berlin, agency=None)
        for n in range(count):
            add_photo(profile, image=portrait((200, 250)), is_primary=n == 0)
            add_rate(profile, duration_minutes=60 + 30 * n)
            add_tour(
                profile, city=make_city(f"{title} {n}"), starts_on=today, ends_on=today
            )
            profile.services.add(service(f"Service {n}"))
        profile.save()
        client.get(profile.url)  # renditions are generated on the first render
        return profile.url

    counts = []
    for url in (build("Small", 1), build("Large", 8)):
        with django_assert_max_num_queries(PROFILE_QUERIES) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- Profile index --------------------------------------------------------------


def test_profile_index_lists_live_profiles_vip_first(client, berlin, amelie):
    vip = make_profile("Zelda", city=berlin)
    vip.is_vip = True
    vip.save(update_fields=["is_vip"])
    make_profile("Draft Dana", city=berlin, live=False)

    html = client.get("/escorts/").content.decode()

    names = re.findall(r'class="profile-card__name"><a [^>]+>([^<]+)<', html)
    assert names == ["Zelda", "Amelie"]


# --- Sitemap and redirects ------------------------------------------------------


def test_sitemap_lists_live_cities_and_profiles_not_drafts(client, berlin, amelie):
    make_city("Hamburg", live=False)
    make_profile("Draft Dana", city=berlin, live=False)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    locations = set(re.findall(r"<loc>([^<]+)</loc>", response.content.decode()))
    assert "http://localhost/cities/berlin/" in locations
    assert "http://localhost/escorts/amelie/" in locations
    assert "http://localhost/cities/hamburg/" not in locations
    assert "http://localhost/escorts/draft-dana/" not in locations


def test_sitemap_drops_profiles_of_suspended_or_unverified_owners(client, berlin):
    suspended = make_profile("Suspended Sara", city=berlin)
    unverified = make_profile("Unverified Una", city=berlin)
    User.objects.filter(pk=suspended.owner_id).update(is_suspended=True)
    User.objects.filter(pk=unverified.owner_id).update(is_age_verified=False)

    body = client.get("/sitemap.xml").content.decode()

    assert "/escorts/suspended-sara/" not in body
    assert "/escorts/unverified-una/" not in body


def test_changing_a_profile_slug_redirects_the_old_url(
    client, amelie, django_capture_on_commit_callbacks
):
    amelie.slug = "amelie-berlin"
    # Wagtail announces the slug change after commit; the redirect follows it.
    with django_capture_on_commit_callbacks(execute=True):
        publish(amelie, user=amelie.owner)

    response = client.get("/escorts/amelie/")

    assert response.status_code == 301
    assert response["Location"].endswith("/escorts/amelie-berlin/")
    assert client.get("/escorts/amelie-berlin/").status_code == 200
