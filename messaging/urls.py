from django.urls import path

from messaging import tools_views, views

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

# Agency tools (docs/agency-tools.md): templates and away replies.
urlpatterns += [
    path("templates/", tools_views.template_list_page, name="templates"),
    path(
        "templates/<int:template_id>/edit/",
        tools_views.template_edit_page,
        name="template-edit",
    ),
    path(
        "templates/<int:template_id>/delete/",
        tools_views.template_delete_page,
        name="template-delete",
    ),
    path("away/", tools_views.away_page, name="away"),
]
