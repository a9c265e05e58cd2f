"""/api/v1 reviews endpoints: the public list (published only, nothing while
off, constant queries, no email), writing, editing, deleting, replying,
reporting and the provider's switch; every bad input of the issue is a 4xx in
the error shape and stores nothing; others' reviews are 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from moderation.models import Report
from reviews.models import ProfileReviewSettings, Review
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory
from tests.reviews.conftest import completed_booking, make_review, reviews_on

pytestmark = pytest.mark.django_db

S = Review.Status
GOOD = "A warm, witty companion; dinner and a long walk by the river."


def signed_in(user) -> APIClient:  # noqa: ANN001
    api = APIClient()
    api.force_authenticate(user)
    return api


def list_url(profile) -> str:  # noqa: ANN001
    return f"/api/v1/escorts/{profile.pk}/reviews"


def body(booking, /, **fields) -> dict:  # noqa: ANN001, ANN003
    return {"booking": booking.pk, "rating": 5, "text": GOOD, **fields}


def assert_error(response, status: int, code: str) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert set(error) == {"code", "message", "fields"}
    return error


# --- The public list ----------------------------------------------------------------


def test_public_list_shows_published_only(profile, author, booking):
    make_review(booking, reply="Thank you!", replied_at=timezone.now())
    other = completed_booking(profile, UserFactory(display_name=""))
    make_review(other, status=S.PENDING)
    hidden = completed_booking(profile, UserFactory())
    make_review(hidden, status=S.HIDDEN)
    response = APIClient().get(list_url(profile))
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 1
    item = results[0]
    assert item["author"] == "M."
    assert item["rating"] == 5
    assert item["reply"] == "Thank you!"
    assert set(item) == {
        "id",
        "rating",
        "punctuality",
        "communication",
        "as_described",
        "text",
        "author",
        "created_at",
        "edited_at",
        "reply",
        "replied_at",
    }
    assert author.email not in response.content.decode()


def test_author_without_a_name_is_a_verified_client(profile):
    make_review(completed_booking(profile, UserFactory(display_name="")))
    results = APIClient().get(list_url(profile)).json()["results"]
    assert results[0]["author"] == "Verified client"


def test_off_hides_from_the_public_list(profile, booking):
    make_review(booking)
    reviews_on(profile, enabled=False)
    response = APIClient().get(list_url(profile))
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_list_of_an_unknown_or_draft_profile_is_404(profile):
    assert_error(APIClient().get("/api/v1/escorts/999999/reviews"), 404, "not_found")
    assert_error(
        APIClient().get("/api/v1/escorts/99999999999/reviews"), 404, "not_found"
    )
    type(profile).objects.filter(pk=profile.pk).update(live=False)
    assert_error(APIClient().get(list_url(profile)), 404, "not_found")


def test_list_pages_with_a_cursor_in_constant_queries(
    profile, django_assert_max_num_queries
):
    for _ in range(3):
        make_review(completed_booking(profile, UserFactory()))
    api = APIClient()
    with django_assert_max_num_queries(4):
        first = api.get(list_url(profile), {"page_size": 2}).json()
    for _ in range(8):
        make_review(completed_booking(profile, UserFactory()))
    with django_assert_max_num_queries(4):
        api.get(list_url(profile), {"page_size": 10})
    assert len(first["results"]) == 2
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1  # newer ones came in front, not between
    assert_error(
        api.get(list_url(profile), {"cursor": "nope"}), 400, "validation_error"
    )


# --- Writing ------------------------------------------------------------------------


def test_client_writes_a_pending_review(profile, author, booking):
    response = signed_in(author).post(
        list_url(profile), body(booking, punctuality=4, as_described=5), format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["punctuality"], data["communication"]) == (
        "pending",
        4,
        None,
    )
    review = Review.objects.get()
    assert (review.author, review.booking, review.status) == (
        author,
        booking,
        S.PENDING,
    )
    assert APIClient().get(list_url(profile)).json()["results"] == []


def test_anonymous_cannot_write(profile, booking):
    assert_error(
        APIClient().post(list_url(profile), body(booking), format="json"),
        401,
        "not_authenticated",
    )


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"rating": 0}, 400, "validation_error"),
        ({"rating": 6}, 400, "validation_error"),
        ({"rating": "x"}, 400, "validation_error"),
        ({"rating": None}, 400, "validation_error"),
        ({"punctuality": 7}, 400, "validation_error"),
        ({"communication": "great"}, 400, "validation_error"),
        ({"text": "Call me: +49 176 1234 5678 ok"}, 400, "validation_error"),
        ({"text": "Paid 300 eur, worth it all night"}, 400, "validation_error"),
        ({"text": ""}, 400, "validation_error"),
        ({"text": "x" * 1501}, 400, "validation_error"),
        ({"text": "Lovely\x00evening together, thanks"}, 400, "validation_error"),
        ({"booking": "abc"}, 400, "validation_error"),
        ({"booking": 2**70}, 400, "validation_error"),
    ],
)
def test_bad_input_stores_nothing(profile, author, booking, change, status, code):
    response = signed_in(author).post(
        list_url(profile), body(booking, **change), format="json"
    )
    assert_error(response, status, code)
    assert not Review.objects.exists()


def test_text_errors_say_what_to_change(profile, author, booking):
    response = signed_in(author).post(
        list_url(profile),
        body(booking, text="Write clara@example.com and pay $200 for it"),
        format="json",
    )
    error = assert_error(response, 400, "validation_error")
    assert error["fields"]["text"] == [
        "Remove the email address: contact details are not allowed in reviews.",
        "Remove the price: amounts paid for services are not allowed in reviews.",
    ]
    assert error["message"].startswith("Remove the email address")


def test_not_completed_second_late_off(profile, author, booking):
    api = signed_in(author)
    confirmed = completed_booking(profile, author, status="confirmed")
    assert_error(
        api.post(list_url(profile), body(confirmed), format="json"),
        409,
        "review_not_allowed",
    )
    late = completed_booking(profile, author, ended=dt.timedelta(days=31))
    assert_error(
        api.post(list_url(profile), body(late), format="json"),
        409,
        "review_not_allowed",
    )
    assert api.post(list_url(profile), body(booking), format="json").status_code == 201
    assert_error(
        api.post(list_url(profile), body(booking), format="json"),
        409,
        "already_reviewed",
    )
    fresh = completed_booking(profile, author)
    reviews_on(profile, enabled=False)
    assert_error(
        api.post(list_url(profile), body(fresh), format="json"), 409, "reviews_off"
    )
    assert Review.objects.count() == 1


def test_someone_elses_booking_or_another_profile_is_404(profile, booking, city):
    from tests.factories.pages import make_profile

    assert_error(
        signed_in(UserFactory()).post(list_url(profile), body(booking), format="json"),
        404,
        "not_found",
    )
    other = make_profile("Nina", city=city)
    reviews_on(other)
    assert_error(
        signed_in(booking.client).post(list_url(other), body(booking), format="json"),
        404,
        "not_found",
    )
    assert not Review.objects.exists()


# --- Edit and delete -----------------------------------------------------------


def test_author_edits_within_48_hours(booking, author):
    review = make_review(booking)
    response = signed_in(author).patch(
        f"/api/v1/reviews/{review.pk}", {"rating": 4}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["rating"], response.json()["status"]) == (4, "pending")
    review.refresh_from_db()
    assert (review.rating, review.status, review.text) == (4, S.PENDING, review.text)


def test_edit_after_48_hours_is_refused(booking, author):
    review = make_review(booking)
    Review.objects.filter(pk=review.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=49)
    )
    response = signed_in(author).patch(
        f"/api/v1/reviews/{review.pk}", {"rating": 1}, format="json"
    )
    assert_error(response, 409, "edit_window_over")
    assert Review.objects.get().rating == 5


def test_edit_with_bad_input(booking, author):
    review = make_review(booking)
    api = signed_in(author)
    for change in ({"rating": 0}, {"text": "at www.example.com now"}, {"rating": "x"}):
        response = api.patch(f"/api/v1/reviews/{review.pk}", change, format="json")
        assert_error(response, 400, "validation_error")
    review.refresh_from_db()
    assert (review.rating, review.status) == (5, S.PUBLISHED)


def test_others_reviews_are_404(booking, provider):
    review = make_review(booking)
    url = f"/api/v1/reviews/{review.pk}"
    for user in (UserFactory(), provider):
        api = signed_in(user)
        assert_error(api.get(url), 404, "not_found")
        assert_error(api.patch(url, {"rating": 1}, format="json"), 404, "not_found")
        assert_error(api.delete(url), 404, "not_found")
    assert_error(signed_in(provider).get("/api/v1/reviews/0"), 404, "not_found")
    assert Review.objects.get().rating == 5


def test_author_deletes(booking, author):
    review = make_review(booking)
    response = signed_in(author).delete(f"/api/v1/reviews/{review.pk}")
    assert response.status_code == 204
    assert not Review.objects.exists()


def test_my_reviews(booking, author):
    make_review(booking, status=S.REJECTED, moderation_reason="Names a hotel.")
    make_review(completed_booking(booking.profile, UserFactory()))
    results = signed_in(author).get("/api/v1/me/reviews").json()["results"]
    assert [(r["status"], r["moderation_reason"]) for r in results] == [
        ("rejected", "Names a hotel.")
    ]


# --- Reply and report ----------------------------------------------------------


def test_provider_replies_once(booking, provider):
    review = make_review(booking)
    api = signed_in(provider)
    url = f"/api/v1/reviews/{review.pk}/reply"
    response = api.post(url, {"text": "Thank you, it was a joy."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["reply"] == "Thank you, it was a joy."
    assert_error(
        api.post(url, {"text": "Thanks again!"}, format="json"), 409, "already_replied"
    )
    assert Review.objects.get().reply == "Thank you, it was a joy."


def test_reply_by_someone_else_is_404(booking):
    review = make_review(booking)
    url = f"/api/v1/reviews/{review.pk}/reply"
    for user in (booking.client, UserFactory(), EscortOwnerFactory()):
        response = signed_in(user).post(url, {"text": "Thank you!"}, format="json")
        assert_error(response, 404, "not_found")
    assert Review.objects.get().reply == ""


def test_reply_with_bad_text(booking, provider):
    review = make_review(booking)
    url = f"/api/v1/reviews/{review.pk}/reply"
    for text in ("", "Text me on 0176 1234567"):
        response = signed_in(provider).post(url, {"text": text}, format="json")
        assert_error(response, 400, "validation_error")
    assert Review.objects.get().reply == ""


def test_provider_reports(booking, provider):
    review = make_review(booking)
    url = f"/api/v1/reviews/{review.pk}/report"
    api = signed_in(provider)
    first = api.post(
        url, {"category": "harassment", "details": "A threat"}, format="json"
    )
    assert first.status_code == 201, first.content
    again = api.post(url, {"category": "spam"}, format="json")
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    assert_error(
        api.post(url, {"category": "nope"}, format="json"), 400, "validation_error"
    )
    assert_error(
        signed_in(booking.client).post(url, {"category": "spam"}, format="json"),
        404,
        "not_found",
    )
    assert Report.objects.get().target == review


# --- Settings ------------------------------------------------------------------


def test_provider_switches_reviews(profile, provider, booking):
    make_review(booking)
    url = f"/api/v1/me/profiles/{profile.pk}/review-settings"
    api = signed_in(provider)
    assert api.get(url).json() == {"profile_id": profile.pk, "enabled": True}
    response = api.put(url, {"enabled": False}, format="json")
    assert response.json() == {"profile_id": profile.pk, "enabled": False}
    assert APIClient().get(list_url(profile)).json()["results"] == []
    assert_error(
        api.put(url, {"enabled": "maybe"}, format="json"), 400, "validation_error"
    )
    assert_error(api.put(url, {}, format="json"), 400, "validation_error")
    for user in (booking.client, EscortOwnerFactory()):
        assert_error(
            signed_in(user).put(url, {"enabled": True}, format="json"), 404, "not_found"
        )
    assert ProfileReviewSettings.objects.get().reviews_enabled is False


def test_schema_documents_the_endpoints_with_errors():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    create = paths["/api/v1/escorts/{profile_id}/reviews"]["post"]["responses"]
    assert {"201", "400", "401", "404", "409"} <= set(create)
    listing = paths["/api/v1/escorts/{profile_id}/reviews"]["get"]["responses"]
    assert (
        "Paginated" in listing["200"]["content"]["application/json"]["schema"]["$ref"]
    )
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/reviews/{review_id}"])
    assert "409" in paths["/api/v1/reviews/{review_id}/reply"]["post"]["responses"]
    assert "/api/v1/reviews/{review_id}/report" in paths
    assert "put" in paths["/api/v1/me/profiles/{profile_id}/review-settings"]


def test_provider_lists_a_profiles_reviews(
    profile, provider, booking, django_assert_max_num_queries
):
    shown = make_review(booking, status=S.PENDING)
    make_review(completed_booking(profile, UserFactory()), status=S.HIDDEN)
    url = f"/api/v1/me/profiles/{profile.pk}/reviews"
    api = signed_in(provider)
    with django_assert_max_num_queries(6) as few:
        results = api.get(url).json()["results"]
    assert [(r["id"], r["status"]) for r in results] == [(shown.pk, "pending")]
    for _ in range(5):
        make_review(completed_booking(profile, UserFactory()))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(url).json()["results"]) == 6
    for user in (booking.client, EscortOwnerFactory()):
        assert_error(signed_in(user).get(url), 404, "not_found")


def test_my_reviews_in_constant_queries(profile, author, django_assert_max_num_queries):
    make_review(completed_booking(profile, author))
    api = signed_in(author)
    with django_assert_max_num_queries(4) as few:
        api.get("/api/v1/me/reviews")
    for _ in range(5):
        make_review(completed_booking(profile, author))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/v1/me/reviews").json()["results"]) == 6
