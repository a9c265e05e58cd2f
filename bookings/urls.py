from django.urls import path

from bookings import views

# Not "bookings": the Wagtail admin viewset of Booking owns that namespace.
app_name = "bookings_dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("request/<int:profile_id>/", views.booking_request_page, name="request"),
    path("<int:booking_id>/", views.booking_detail, name="detail"),
    path("<int:booking_id>/<str:action>/", views.booking_action, name="action"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
