"""The public profile page: gallery (2x sources, the LCP photo never lazy), the
14-day availability calendar from the real slots, public tours only, the booking
bar, and a constant query count (EscortProfilePage.get_context)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from bookings.models import AvailabilityException
from directory.models import ProfilePhoto
from tests.factories.bookings import bookable_profile
from tests.factories.pages import (
    CustomImageFactory,
    add_photo,
    add_rate,
    add_tour,
    jpeg_bytes,
    make_city,
    service,
    verify_photo,
)

pytestmark = pytest.mark.django_db

# Routing and site lookups, one query per relation, one for the gallery
# renditions, one for the og:image, and the one availability computation (six
# queries for all 14 days): 24 today, + the site settings (one, cached on the
# request). A query per day or per photo breaks it.
# Was 27, then 24 before routing by URL path, 18 before cms_pages.sites
# (docs/page-speed.md).
PROFILE_QUERIES = 17


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.find("</section>", start)]


def days_of(html: str) -> list[str]:
    """The calendar's days, each as its <li> markup."""
    calendar = section(html, "availability-heading")
    return calendar.split('<li class="availability-day ')[1:]


def portrait(size: tuple[int, int] = (900, 1125)):
    return CustomImageFactory(file=ContentFile(jpeg_bytes(size), name="portrait.jpg"))


@pytest.fixture
def tokyo():
    # Nine hours from UTC: a time shown in the wrong zone cannot look right.
    return make_city(
        "Tokyo", time_zone="Asia/Tokyo", country="Japan", country_code="JP"
    )


@pytest.fixture
def mika(tokyo):
    """Bookable every day 10:00-22:00 Tokyo time, 1 and 2 hour rates."""
    return bookable_profile("Mika", city=tokyo, min_notice_minutes=0)


def local_today(city) -> dt.date:  # noqa: ANN001
    return timezone.now().astimezone(ZoneInfo(city.time_zone)).date()


# --- Gallery ----------------------------------------------------------------------


def test_gallery_has_2x_sources_and_only_the_lead_photo_is_eager(client, mika):
    add_photo(mika, image=portrait(), caption="At the opera")
    add_photo(mika, image=portrait(), is_primary=True)
    add_photo(mika, image=portrait())

    html = client.get(mika.url).content.decode()

    gallery = section(html, "gallery-heading")
    images = re.findall(r"<img src=[^>]*>", gallery)
    assert len(images) == 3
    lead, *others = images
    # The primary photo leads, and as the LCP image it is never lazy.
    assert 'alt="Photo of Mika"' in lead
    assert 'fetchpriority="high"' in lead and "loading=" not in lead
    assert re.search(r'srcset="\S+\.webp 1x, \S+\.webp 2x"', lead)
    assert 'width="600" height="750"' in lead
    for image in others:
        assert 'loading="lazy"' in image and "fetchpriority" not in image
        assert re.search(r'srcset="\S+\.webp 1x, \S+\.webp 2x"', image)
        assert 'width="200" height="250"' in image
    assert 'alt="At the opera"' in others[0]
    # Without JavaScript each photo links to its large image.
    links = re.findall(r'<a class="profile-gallery__link" href="([^"]+)"', gallery)
    assert len(links) == 3 and all(link.endswith(".webp") for link in links)
    assert all(".max-1200x1500." in link for link in links)
    # The lightbox is a dialog with named buttons, filled by static/js/lightbox.js.
    assert "<dialog" in gallery and "data-lightbox-dialog" in gallery
    for name in ("Close photos", "Previous photo", "Next photo"):
        assert f'aria-label="{name}"' in gallery
    assert "<script>" not in html.replace('<script type="application/ld+json">', "")
    assert re.search(r'<script src="/static/js/lightbox\.js" defer>', html)


# --- Availability -----------------------------------------------------------------


def test_calendar_shows_14_days_with_free_times_in_the_city_time_zone(client, mika):
    days = days_of(client.get(mika.url).content.decode())

    assert len(days) == 14
    today = local_today(mika.home_city)
    for offset, day in enumerate(days[1:], start=1):
        date = today + dt.timedelta(days=offset)
        assert f'datetime="{date:%Y-%m-%d}"' in day
        assert "availability-day--free" in day and "Available" in day
        # 10:00 Tokyo time (01:00 UTC), the first three start times.
        assert re.search(r"<li>10:00</li><li>10:30</li><li>11:00</li>", day), day
        assert f"/dashboard/bookings/request/{mika.pk}/?day={date:%Y-%m-%d}" in day


def test_a_day_with_little_time_left_is_limited(client, mika):
    day = local_today(mika.home_city) + dt.timedelta(days=2)
    AvailabilityException.objects.create(
        profile=mika,
        date=day,
        kind=AvailabilityException.Kind.OFF,
        start_time=dt.time(10),
        end_time=dt.time(20),
    )

    days = days_of(client.get(mika.url).content.decode())

    assert "availability-day--limited" in days[2] and "Limited" in days[2]
    assert re.search(r"<li>20:00</li><li>20:30</li><li>21:00</li>", days[2])
    assert "availability-day--free" in days[3]


def test_private_tour_days_look_like_days_off(client, mika):
    today = local_today(mika.home_city)
    add_tour(
        mika,
        city=make_city("Osaka", time_zone="Asia/Tokyo"),
        starts_on=today + dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=5),
        is_private=True,
    )

    html = client.get(mika.url).content.decode()
    days = days_of(html)

    for day in days[3:6]:
        assert "availability-day--unavailable" in day and "Unavailable" in day
        assert "<li>" not in day and "?day=" not in day
    assert "availability-day--free" in days[2] and "availability-day--free" in days[6]
    assert "Osaka" not in html


def test_a_public_tour_day_names_its_city(client, mika):
    today = local_today(mika.home_city)
    add_tour(
        mika,
        city=make_city("Seoul", time_zone="Asia/Seoul"),
        starts_on=today + dt.timedelta(days=4),
        ends_on=today + dt.timedelta(days=4),
    )

    days = days_of(client.get(mika.url).content.decode())

    assert "in Seoul, local time" in days[4] and "<li>10:00</li>" in days[4]
    assert "Seoul" not in days[3]


def test_messages_only_profile_has_no_calendar_and_a_message_button(client, tokyo):
    profile = bookable_profile("Nao", city=tokyo)
    profile.contact_preference = "messages"
    profile.save()

    html = client.get(profile.url).content.decode()

    assert 'id="availability-heading"' not in html
    booking = section(html, "booking-heading")
    assert "does not take booking requests" in booking
    assert f"/dashboard/bookings/request/{profile.pk}/" not in booking
    assert f'href="/messages/start/{profile.pk}/"' in booking


# --- Rates, tours, badges, booking bar ------------------------------------------------


def test_rates_tours_and_badges(client, mika, tokyo):
    mika.is_vip = True
    mika.save()
    verify_photo(add_photo(mika))
    today = local_today(tokyo)
    add_tour(mika, city=make_city("Kyoto"), starts_on=today, ends_on=today)
    add_tour(
        mika,
        city=make_city("Sapporo"),
        starts_on=today - dt.timedelta(days=9),
        ends_on=today - dt.timedelta(days=2),
    )
    add_tour(
        mika, city=make_city("Nagoya"), starts_on=today, ends_on=today, is_private=True
    )

    html = client.get(mika.url).content.decode()

    tours = section(html, "tours-heading")
    assert 'href="/cities/kyoto/"' in tours
    assert "Sapporo" not in html and "Nagoya" not in html
    rates = section(html, "rates-heading")
    assert re.search(r"<td>1 hour</td><td>Incall</td><td>300 EUR</td>", rates)
    assert re.search(r"<td>2 hours</td><td>Incall</td><td>550 EUR</td>", rates)
    badges = re.search(r'<ul class="badges profile__badges".*?</ul>', html).group(0)
    assert "VIP" in badges and "Photos verified" in badges
    booking = section(html, "booking-heading")
    assert "From <strong>300 EUR</strong> · 1 hour" in booking


def test_available_today_badge_follows_todays_slots(client, tokyo):
    open_now = bookable_profile("Rin", city=tokyo, min_notice_minutes=0)
    closed = bookable_profile("Yui", city=tokyo, min_notice_minutes=0)
    AvailabilityException.objects.create(
        profile=closed,
        date=local_today(tokyo),
        kind=AvailabilityException.Kind.OFF,
    )

    open_html = client.get(open_now.url).content.decode()
    closed_html = client.get(closed.url).content.decode()

    now = timezone.now().astimezone(ZoneInfo(tokyo.time_zone))
    if now.time() < dt.time(21):  # before the last 1-hour start of the day
        assert 'class="badge badge--available">Available today<' in open_html
    assert "Available today" not in closed_html


def test_booking_bar_for_visitors_clients_and_the_owner(client, mika):
    request_url = f"/dashboard/bookings/request/{mika.pk}/"

    visitor = section(client.get(mika.url).content.decode(), "booking-heading")
    assert f'href="/accounts/login/?next={request_url}"' in visitor
    assert "Request a booking</a>" in visitor
    assert f'href="/messages/start/{mika.pk}/"' in visitor

    client.force_login(mika.owner)
    own = section(client.get(mika.url).content.decode(), "booking-heading")
    assert "This is your profile." in own and "/dashboard/bookings/" in own
    assert request_url not in own and "/messages/start/" not in own


# --- Query count ------------------------------------------------------------------


def test_profile_page_query_count_is_constant(
    client, tokyo, django_assert_max_num_queries
):
    today = local_today(tokyo)

    def build(title: str, count: int) -> str:
        profile = bookable_profile(title, city=tokyo, min_notice_minutes=0)
        for n in range(count):
            add_photo(profile, image=portrait((200, 250)), is_primary=n == 0)
            add_rate(profile, duration_minutes=30 + 30 * n)
            add_tour(
                profile,
                city=make_city(f"{title} {n}"),
                starts_on=today + dt.timedelta(days=n),
                ends_on=today + dt.timedelta(days=n),
            )
            profile.services.add(service(f"Service {n}"))
        profile.save()
        client.get(profile.url)  # renditions are generated on the first render
        return profile.url

    counts = []
    for url in (build("Small", 1), build("Large", 6)):
        with django_assert_max_num_queries(PROFILE_QUERIES) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert len(days_of(response.content.decode())) == 14
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- Preview ----------------------------------------------------------------------


def test_a_preview_shows_the_revision_photos_and_the_calendar(rf, mika, tokyo):
    """get_context reads the page object, not the database: a moderator's preview
    shows the photos of the revision under review."""
    draft = mika.get_latest_revision_as_object()
    draft.photos.add(ProfilePhoto(image=portrait(), caption="New in this revision"))
    request = rf.get(mika.url)
    request.user = mika.owner

    html = draft.serve_preview(request, "").rendered_content

    assert 'alt="New in this revision"' in section(html, "gallery-heading")
    assert len(days_of(html)) == 14
    assert ProfilePhoto.objects.filter(page=mika).count() == 0
