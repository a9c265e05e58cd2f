"""The dashboards' endpoints, mounted under /api/v1/ by api/urls.py (one include)."""

from django.urls import path

from analytics.dashboard_apis import AgencyAnalyticsApi, MyAnalyticsApi

urlpatterns = [
    path("me/analytics", MyAnalyticsApi.as_view(), name="my-analytics"),
    path("agency/analytics", AgencyAnalyticsApi.as_view(), name="agency-analytics"),
]
