"""The export's API routes, mounted by api/urls.py with include()."""

from django.urls import path

from privacy.exporting.apis import MyExportCollectionApi, MyExportDetailApi

urlpatterns = [
    path("me/exports", MyExportCollectionApi.as_view(), name="my-exports"),
    path(
        "me/exports/<int:export_id>",
        MyExportDetailApi.as_view(),
        name="my-export-detail",
    ),
]
