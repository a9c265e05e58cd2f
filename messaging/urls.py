from django.urls import path

from messaging import views

# Not "messaging": that would read as the API's namespace.
app_name = "messaging_pages"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("who-may-write/", views.messaging_gate_page, name="gate"),
    path("start/<int:profile_id>/", views.thread_start_page, name="start"),
    path("<int:thread_id>/", views.thread_detail, name="thread"),
    path("<int:thread_id>/block/", views.thread_block_page, name="block"),
    path("<int:thread_id>/settings/", views.thread_flags_page, name="flags"),
    path("<int:thread_id>/delete/", views.thread_wipe_page, name="wipe"),
    path(
        "<int:thread_id>/report/<int:message_id>/",
        views.message_report_page,
        name="report",
    ),
]
