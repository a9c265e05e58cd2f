from django.urls import path

from reviews import reputation_views

app_name = "reputation"

# Mounted at /dashboard/reputation/ (config/urls.py), before directory's
# dashboard/ routes.
urlpatterns = [
    path("", reputation_views.own_reputation, name="own"),
    path(
        "bookings/<int:booking_id>/assessment/",
        reputation_views.assessment_page,
        name="assessment",
    ),
]
