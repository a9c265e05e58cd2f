"""The ``reviews`` feature switch: off, no page or endpoint takes a new review
(403 ``feature_disabled`` in the API, the form page says why), no "Write a
review" link is offered, and published reviews keep showing."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from reviews.models import Review
from tests.factories.switches import switches_set
from tests.reviews.conftest import completed_booking, make_review

pytestmark = pytest.mark.django_db

GOOD = "A warm, witty companion; dinner and a long walk by the river."
PAUSED = "New reviews are paused for now."


@pytest.fixture
def reviews_off() -> None:
    switches_set(reviews=False)


def signed_in(user) -> Client:  # noqa: ANN001
    browser = Client()
    browser.force_login(user)
    return browser


def test_the_api_refuses_new_reviews(profile, author, booking, reviews_off):
    api = APIClient()
    api.force_authenticate(author)
    response = api.post(
        f"/api/v1/escorts/{profile.pk}/reviews",
        {"booking": booking.pk, "rating": 5, "text": GOOD},
        format="json",
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "feature_disabled"
    assert PAUSED in error["message"]
    assert not Review.objects.exists()


def test_the_api_takes_reviews_again_once_switched_on(profile, author, booking):
    switches_set(reviews=False)
    switches_set(reviews=True)
    api = APIClient()
    api.force_authenticate(author)
    response = api.post(
        f"/api/v1/escorts/{profile.pk}/reviews",
        {"booking": booking.pk, "rating": 5, "text": GOOD},
        format="json",
    )
    assert response.status_code == 201
    assert Review.objects.filter(booking=booking).count() == 1


def test_the_form_page_says_why_and_stores_nothing(author, booking, reviews_off):
    browser = signed_in(author)
    url = f"/dashboard/reviews/write/{booking.pk}/"
    page = browser.get(url)
    assert page.status_code == 403
    assert PAUSED in page.content.decode()
    assert "<textarea" not in page.content.decode()
    posted = browser.post(url, {"rating": "5", "text": GOOD})
    assert posted.status_code == 403
    assert not Review.objects.exists()


def test_no_write_a_review_links(profile, author, booking, reviews_off):
    browser = signed_in(author)
    write_url = f"/dashboard/reviews/write/{booking.pk}/"
    bookings_page = browser.get("/dashboard/bookings/").content.decode()
    assert write_url not in bookings_page
    mine = browser.get("/dashboard/reviews/").content.decode()
    assert write_url not in mine
    assert PAUSED in mine


def test_the_links_are_back_when_switched_on(profile, author, booking):
    switches_set(reviews=False)
    switches_set(reviews=True)
    html = signed_in(author).get("/dashboard/bookings/").content.decode()
    assert f"/dashboard/reviews/write/{booking.pk}/" in html


def test_published_reviews_keep_showing(profile, author, booking, reviews_off):
    review = make_review(booking, text="Elegant, punctual and great conversation.")
    other = completed_booking(profile, author)
    make_review(other, text="A second lovely evening.")
    listed = APIClient().get(f"/api/v1/escorts/{profile.pk}/reviews").json()
    assert review.pk in {item["id"] for item in listed["results"]}
    assert len(listed["results"]) == 2
    page = Client().get(profile.url).content.decode()
    assert "Elegant, punctual and great conversation." in page
