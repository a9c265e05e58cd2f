from django.urls import path

from moderation import statement_views

app_name = "moderation_statements"

urlpatterns = [
    path("", statement_views.statement_list, name="list"),
    path("<int:pk>/", statement_views.statement_detail, name="detail"),
]
