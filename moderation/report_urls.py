"""/report/: the report pages (moderation.report_views)."""

from django.urls import path

from moderation import report_views

app_name = "moderation_report"

urlpatterns = [
    path("done/", report_views.report_done, name="done"),
    path("<str:kind>/<int:target_id>/", report_views.report_page, name="report"),
]
