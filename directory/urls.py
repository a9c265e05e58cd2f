from django.urls import path

from directory import favourite_views, onboarding_views, pause_views, views

app_name = "directory"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("onboarding/", onboarding_views.onboarding_page, name="onboarding"),
    path("profile/", views.profile_edit, name="profile-edit"),
    path("profiles/<int:profile_id>/", views.profile_edit, name="managed-profile-edit"),
    path(
        "profiles/<int:profile_id>/pause/",
        pause_views.profile_pause_view,
        name="profile-pause",
    ),
    path(
        "profiles/<int:profile_id>/resume/",
        pause_views.profile_resume_view,
        name="profile-resume",
    ),
    path("profile/preview/", views.profile_preview_page, name="profile-preview"),
    path(
        "profiles/<int:profile_id>/preview/",
        views.profile_preview_page,
        name="managed-profile-preview",
    ),
    path("favourites/", favourite_views.favourite_list, name="favourites"),
    path(
        "favourites/<int:profile_id>/",
        favourite_views.favourite_action,
        name="favourite",
    ),
]
