from django.urls import path

from notifications import views

app_name = "notifications_pages"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.notification_read_all, name="read_all"),
    path("settings/", views.notification_preferences, name="preferences"),
    path("<int:notification_id>/", views.notification_open, name="open"),
]
