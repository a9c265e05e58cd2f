from django.urls import path

from bookings import deposit_views

app_name = "deposits"

urlpatterns = [
    path("<int:booking_id>/deposit/", deposit_views.deposit_pay, name="pay"),
    path(
        "<int:booking_id>/deposit/confirm/",
        deposit_views.deposit_confirm_json,
        name="confirm",
    ),
    path(
        "<int:booking_id>/deposit/return/",
        deposit_views.deposit_return,
        name="return",
    ),
]
