"""Mounted by api/urls.py under /api/v1/."""

from django.urls import path

from privacy.erasure.apis import MyClosureApi

urlpatterns = [
    path("me/closure", MyClosureApi.as_view(), name="my-closure"),
]
