"""Moderation's endpoints, mounted under /api/v1/ by api/urls.py (one include)."""

from django.urls import path

from moderation.apis.reports import MyReportListApi, ReportCollectionApi

urlpatterns = [
    path("reports", ReportCollectionApi.as_view(), name="report-list"),
    path("me/reports", MyReportListApi.as_view(), name="my-reports"),
]
