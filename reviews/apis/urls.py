"""Reviews' endpoints, mounted under /api/v1/ by api/urls.py (one include)."""

from django.urls import path

from reviews.apis.public import ReviewCollectionApi
from reviews.apis.reviews import (
    MyReviewListApi,
    ProfileReviewListApi,
    ReviewDetailApi,
    ReviewReplyApi,
    ReviewReportApi,
)
from reviews.apis.settings import ReviewSettingsApi

urlpatterns = [
    path(
        "escorts/<int:profile_id>/reviews",
        ReviewCollectionApi.as_view(),
        name="escort-reviews",
    ),
    path("me/reviews", MyReviewListApi.as_view(), name="my-reviews"),
    path(
        "me/profiles/<int:profile_id>/review-settings",
        ReviewSettingsApi.as_view(),
        name="review-settings",
    ),
    path(
        "me/profiles/<int:profile_id>/reviews",
        ProfileReviewListApi.as_view(),
        name="my-profile-reviews",
    ),
    path("reviews/<int:review_id>", ReviewDetailApi.as_view(), name="review-detail"),
    path(
        "reviews/<int:review_id>/reply", ReviewReplyApi.as_view(), name="review-reply"
    ),
    path(
        "reviews/<int:review_id>/report",
        ReviewReportApi.as_view(),
        name="review-report",
    ),
]
