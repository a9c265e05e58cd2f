from django.urls import path

from directory import agency_views as views

app_name = "directory_agency"

urlpatterns = [
    path("", views.agency_home, name="home"),
    path("invitations/", views.agency_invite, name="invite"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("escorts/<int:link_id>/remove/", views.escort_remove, name="escort-remove"),
    path("staff/<int:membership_id>/remove/", views.staff_remove, name="staff-remove"),
    path("leave/", views.agency_leave, name="leave"),
]

invitation_urlpatterns = [
    path("<str:token>/", views.invitation_answer, name="invitation"),
]
