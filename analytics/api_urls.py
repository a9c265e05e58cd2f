"""Analytics' endpoints, mounted under /api/v1/ by api/urls.py (one include)."""

from django.urls import path

from analytics.apis import ProfileEventApi

urlpatterns = [
    path("analytics/events", ProfileEventApi.as_view(), name="analytics-events"),
]
