"""``/accounts/privacy/export/``: mounted in config/urls.py before allauth."""

from django.urls import path

from privacy.exporting import views

app_name = "privacy_export"

urlpatterns = [
    path("", views.export_page, name="page"),
    path("request/", views.export_request, name="request"),
    path("status/", views.export_status, name="status"),
    path("<str:token>/download/", views.export_download, name="download"),
]
