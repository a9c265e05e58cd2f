from django.urls import path

from moderation import views

app_name = "moderation_safety"

urlpatterns = [path("", views.safety, name="safety")]
