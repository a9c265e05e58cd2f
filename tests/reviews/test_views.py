"""The review pages: the link on a client's completed bookings, the write form
(star radios, rules explained, errors inline, nothing stored on a refusal),
"Your reviews" (edit within 48 hours, delete with confirmation) and the
provider's page (switch, reply, report), with CSRF, 404s and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from bookings.models import Booking
from moderation.models import Report
from reviews.models import ProfileReviewSettings, Review
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory
from tests.reviews.conftest import completed_booking, make_review, reviews_on

pytestmark = pytest.mark.django_db

S = Review.Status
INDEX = "/dashboard/reviews/"
GOOD = "A warm, witty companion; dinner and a long walk by the river."


def signed_in(user, *, csrf: bool = False) -> Client:  # noqa: ANN001
    browser = Client(enforce_csrf_checks=csrf)
    browser.force_login(user)
    return browser


def write_url(booking) -> str:  # noqa: ANN001
    return f"/dashboard/reviews/write/{booking.pk}/"


def form(**fields) -> dict:  # noqa: ANN003
    return {"rating": "5", "text": GOOD, **fields}


# --- The link on bookings -------------------------------------------------------------


def test_completed_bookings_in_the_window_link_to_the_form(profile, author):
    fresh = completed_booking(profile, author)
    late = completed_booking(profile, author, ended=dt.timedelta(days=40))
    cancelled = completed_booking(
        profile, author, status=Booking.Status.CANCELLED_BY_CLIENT
    )
    html = signed_in(author).get("/dashboard/bookings/").content.decode()
    assert write_url(fresh) in html
    assert write_url(late) not in html
    assert write_url(cancelled) not in html


# --- Writing --------------------------------------------------------------------------


def test_the_form_explains_the_rules(booking, author):
    page = signed_in(author).get(write_url(booking))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="radio" name="rating"' in html
    assert "5 out of 5" in html
    assert "contact details" in html and "prices" in html
    assert "<legend>Overall" in html


def test_write_a_review(booking, author):
    response = signed_in(author).post(write_url(booking), form(punctuality="4"))
    assert response.status_code == 302
    assert response["Location"] == INDEX
    review = Review.objects.get()
    assert (review.author, review.rating, review.punctuality, review.status) == (
        author,
        5,
        4,
        S.PENDING,
    )


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"rating": ""}, "This field is required."),
        ({"rating": "6"}, "Select a valid choice."),
        ({"rating": "x"}, "Select a valid choice."),
        ({"text": ""}, "This field is required."),
        ({"text": "Call me on 0176 1234567 anytime"}, "Remove the phone number"),
        ({"text": "Only €250, a bargain, honestly"}, "Remove the price"),
    ],
)
def test_refusals_show_inline_and_store_nothing(booking, author, fields, says):
    response = signed_in(author).post(write_url(booking), form(**fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert says in html
    assert 'class="errorlist"' in html
    assert not Review.objects.exists()


def test_what_was_typed_stays(booking, author):
    text = "Lovely, but call 0176 1234567 to book"
    html = signed_in(author).post(write_url(booking), form(text=text)).content.decode()
    assert text in html
    assert (
        'value="5" checked' in html
        or 'checked value="5"' in html
        or ('value="5"' in html and "checked" in html)
    )


def test_cannot_write_when_not_allowed(profile, author, booking):
    browser = signed_in(author)
    late = completed_booking(profile, author, ended=dt.timedelta(days=31))
    response = browser.get(write_url(late))
    assert response.status_code == 409
    assert "30 days" in response.content.decode()
    assert browser.post(write_url(late), form()).status_code == 409
    reviews_on(profile, enabled=False)
    response = browser.get(write_url(booking))
    assert response.status_code == 409
    assert "does not take reviews" in response.content.decode()
    assert not Review.objects.exists()


def test_a_second_review_is_refused(booking, author):
    make_review(booking)
    response = signed_in(author).post(write_url(booking), form())
    assert response.status_code == 302
    assert Review.objects.count() == 1


def test_others_bookings_are_404(booking):
    browser = signed_in(UserFactory())
    assert browser.get(write_url(booking)).status_code == 404
    assert browser.post(write_url(booking), form()).status_code == 404
    assert (
        browser.get("/dashboard/reviews/write/99999999999999999999/").status_code == 404
    )
    assert not Review.objects.exists()


def test_csrf_is_required(booking, author):
    response = signed_in(author, csrf=True).post(write_url(booking), form())
    assert response.status_code == 403
    assert not Review.objects.exists()


def test_anonymous_goes_to_sign_in(booking):
    response = Client().get(write_url(booking))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- Your reviews ---------------------------------------------------------------------


def test_my_reviews_lists_and_offers_edit_within_48h(
    profile, author, django_assert_max_num_queries
):
    fresh = make_review(completed_booking(profile, author), status=S.REJECTED)
    Review.objects.filter(pk=fresh.pk).update(moderation_reason="Names a hotel.")
    old = make_review(completed_booking(profile, author))
    Review.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=49)
    )
    browser = signed_in(author)
    browser.get(INDEX)
    with django_assert_max_num_queries(20) as few:
        html = browser.get(INDEX).content.decode()
    assert f"/dashboard/reviews/{fresh.pk}/edit/" in html
    assert f"/dashboard/reviews/{old.pk}/edit/" not in html
    assert f"/dashboard/reviews/{old.pk}/delete/" in html
    assert "Names a hotel." in html
    for _ in range(5):
        make_review(completed_booking(profile, author))
        completed_booking(profile, author)  # one more waiting for a review
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert browser.get(INDEX).status_code == 200


def test_edit_goes_back_to_moderation(booking, author):
    review = make_review(booking)
    url = f"/dashboard/reviews/{review.pk}/edit/"
    browser = signed_in(author)
    assert "Charming company" in browser.get(url).content.decode()
    response = browser.post(url, form(rating="3", text=GOOD + " Again!"))
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.rating, review.status) == (3, S.PENDING)


def test_edit_after_48_hours_is_refused(booking, author):
    review = make_review(booking)
    Review.objects.filter(pk=review.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=49)
    )
    response = signed_in(author).post(
        f"/dashboard/reviews/{review.pk}/edit/", form(rating="1")
    )
    assert response.status_code == 302
    assert Review.objects.get().rating == 5


def test_delete_with_confirmation(booking, author):
    review = make_review(booking)
    url = f"/dashboard/reviews/{review.pk}/delete/"
    browser = signed_in(author)
    page = browser.get(url)
    assert page.status_code == 200
    assert "Delete the review" in page.content.decode()
    assert Review.objects.exists()
    assert browser.post(url).status_code == 302
    assert not Review.objects.exists()


def test_others_reviews_are_404(booking, provider):
    review = make_review(booking)
    for user in (UserFactory(), provider):
        browser = signed_in(user)
        for action in ("edit", "delete"):
            url = f"/dashboard/reviews/{review.pk}/{action}/"
            assert browser.get(url).status_code == 404
            assert browser.post(url, form(rating="1")).status_code == 404
    assert Review.objects.get().rating == 5


# --- The provider's page --------------------------------------------------------------


def test_provider_page_in_constant_queries(
    profile, provider, django_assert_max_num_queries
):
    make_review(completed_booking(profile, UserFactory()), status=S.PENDING)
    browser = signed_in(provider)
    browser.get(INDEX)
    with django_assert_max_num_queries(25) as few:
        html = browser.get(INDEX).content.decode()
    assert "Turn off and hide reviews" in html
    assert "Waiting for moderation" in html
    for _ in range(5):
        make_review(completed_booking(profile, UserFactory()))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = browser.get(INDEX).content.decode()
    assert html.count("Publish reply") == 5


def test_switch_off_and_on(profile, provider, booking):
    make_review(booking)
    browser = signed_in(provider)
    url = f"/dashboard/reviews/settings/{profile.pk}/"
    assert browser.post(url, {"enabled": "off"}).status_code == 302
    assert ProfileReviewSettings.objects.get().reviews_enabled is False
    assert browser.post(url, {"enabled": "maybe"}).status_code == 302
    assert ProfileReviewSettings.objects.get().reviews_enabled is False
    browser.post(url, {"enabled": "on"})
    assert ProfileReviewSettings.objects.get().reviews_enabled is True
    stranger = signed_in(EscortOwnerFactory())
    assert stranger.post(url, {"enabled": "off"}).status_code == 404
    assert signed_in(booking.client).post(url, {"enabled": "off"}).status_code == 404
    assert ProfileReviewSettings.objects.get().reviews_enabled is True
    assert (
        browser.post("/dashboard/reviews/settings/99999999999/", {}).status_code == 404
    )


def test_reply_once(booking, provider):
    review = make_review(booking)
    url = f"/dashboard/reviews/{review.pk}/reply/"
    field = f"reply-{review.pk}-text"
    browser = signed_in(provider)
    response = browser.post(url, {field: "Text me: 0176 1234567"})
    assert response.status_code == 400
    assert "Remove the phone number" in response.content.decode()
    assert Review.objects.get().reply == ""
    assert browser.post(url, {field: "Thank you, it was a joy."}).status_code == 302
    assert browser.post(url, {field: "And again!"}).status_code == 409
    assert Review.objects.get().reply == "Thank you, it was a joy."
    assert signed_in(booking.client).post(url, {field: "Hi!"}).status_code == 404


def test_report(booking, provider):
    review = make_review(booking)
    url = f"/dashboard/reviews/{review.pk}/report/"
    browser = signed_in(provider)
    assert "A possible minor" in browser.get(url).content.decode()
    assert browser.post(url, {"category": ""}).status_code == 400
    assert not Report.objects.exists()
    response = browser.post(url, {"category": "harassment", "details": "A threat."})
    assert response.status_code == 302
    assert Report.objects.get().target == review
    assert signed_in(booking.client).get(url).status_code == 404


# --- The dashboard home ---------------------------------------------------------------


def _panel(html: str) -> str:
    start = html.index('data-panel="reviews"')
    return html[start : html.index("</section>", start)]


def test_dashboard_panel_for_clients(profile, author, booking):
    completed_booking(profile, author, ended=dt.timedelta(days=45))  # too late
    panel = _panel(signed_in(author).get("/dashboard/").content.decode())
    assert "1 booking to review" in panel
    assert f'href="{INDEX}"' in panel


def test_dashboard_panel_for_providers(profile, provider):
    make_review(completed_booking(profile, UserFactory()))
    make_review(completed_booking(profile, UserFactory()), status=S.PENDING)
    panel = _panel(signed_in(provider).get("/dashboard/").content.decode())
    assert "1 review without your reply" in panel
    assert "1 waiting for a moderator" in panel


def test_provider_does_not_see_refused_reviews(profile, provider):
    shown = make_review(completed_booking(profile, UserFactory()), status=S.PENDING)
    hidden = make_review(completed_booking(profile, UserFactory()), status=S.HIDDEN)
    rejected = make_review(completed_booking(profile, UserFactory()), status=S.REJECTED)
    html = signed_in(provider).get(INDEX).content.decode()
    assert f'data-review="{shown.pk}"' in html
    assert f'data-review="{hidden.pk}"' not in html
    assert f'data-review="{rejected.pk}"' not in html
    url = f"/dashboard/reviews/{hidden.pk}/report/"
    assert signed_in(provider).get(url).status_code == 404
