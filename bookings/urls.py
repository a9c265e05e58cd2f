from django.urls import path

from bookings import assignment_views, screening_views, views

# Not "bookings": the Wagtail admin viewset of Booking owns that namespace.
app_name = "bookings_dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("request/<int:profile_id>/", views.booking_request_page, name="request"),
    path("<int:booking_id>/", views.booking_detail, name="detail"),
    path(
        "<int:booking_id>/assign/",
        assignment_views.booking_assign_page,
        name="assign",
    ),
    path("<int:booking_id>/<str:action>/", views.booking_action, name="action"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]

# The schedule editor: weekly hours, days off / extra hours, booking policy.
urlpatterns += [
    path("hours/", views.schedule_index, name="schedule-index"),
    path("hours/<int:profile_id>/", views.schedule_edit, name="schedule"),
    path(
        "hours/<int:profile_id>/exceptions/",
        views.schedule_exception_add,
        name="schedule-exception-add",
    ),
    path(
        "hours/<int:profile_id>/exceptions/<int:exception_id>/delete/",
        views.schedule_exception_delete,
        name="schedule-exception-delete",
    ),
    path(
        "hours/<int:profile_id>/policy/", views.schedule_policy, name="schedule-policy"
    ),
]

# Screening: what clients must meet before a first message or a booking request.
urlpatterns += [
    path(
        "hours/<int:profile_id>/screening/",
        screening_views.screening_edit,
        name="screening",
    ),
]
