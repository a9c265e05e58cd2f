"""Mounted at /dashboard/ in config/urls.py, before directory's dashboard."""

from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("analytics/", views.provider_dashboard, name="provider"),
    path("analytics/export.csv", views.provider_export, name="provider-export"),
    path("agency/analytics/", views.agency_dashboard, name="agency"),
    path("agency/analytics/export.csv", views.agency_export, name="agency-export"),
    path(
        "agency/analytics/<int:profile_id>/",
        views.agency_profile,
        name="agency-profile",
    ),
]
