"""HTML pages of accounts beside allauth's (config/urls.py mounts them before it)."""

from django.urls import path

from accounts import views

app_name = "accounts_consents"

urlpatterns = [
    path("", views.consents_renew, name="renew"),
]
