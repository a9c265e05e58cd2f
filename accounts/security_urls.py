"""``/accounts/security/``: mounted before allauth's routes in config/urls.py."""

from django.urls import path

from accounts import security_views

app_name = "accounts_security"

urlpatterns = [
    path("", security_views.security_overview, name="overview"),
    path("sessions/", security_views.session_list, name="sessions"),
    path(
        "sessions/others/end/",
        security_views.sessions_end_others,
        name="sessions-end-others",
    ),
    path(
        "sessions/<int:session_id>/end/",
        security_views.session_end,
        name="session-end",
    ),
]
