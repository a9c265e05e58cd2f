from django.urls import path

from analytics import staff_views

app_name = "agency_activity"

urlpatterns = [
    path("", staff_views.staff_activity_page, name="page"),
    path("activity.csv", staff_views.staff_activity_csv, name="csv"),
]
