from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.index, name="index"),
    path("write/<int:booking_id>/", views.write, name="write"),
    path("<int:review_id>/edit/", views.edit, name="edit"),
    path("<int:review_id>/delete/", views.delete, name="delete"),
    path("<int:review_id>/reply/", views.reply, name="reply"),
    path("<int:review_id>/report/", views.report, name="report"),
    path("settings/<int:profile_id>/", views.switch, name="switch"),
]
