"""Mounted at ``/accounts/privacy/`` (before allauth's routes) and
``/privacy/receipt/`` by config/urls.py."""

from django.urls import path

from privacy.erasure import views

app_name = "privacy_erasure"

urlpatterns = [
    path("accounts/privacy/close/", views.closure_page, name="close"),
    path(
        "accounts/privacy/close/cancel/",
        views.closure_cancel_view,
        name="cancel",
    ),
    path(
        "privacy/receipt/<str:token>/",
        views.receipt_page,
        name="receipt",
    ),
]
