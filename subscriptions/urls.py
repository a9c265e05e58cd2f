from django.urls import path

from subscriptions import views

app_name = "subscriptions"
urlpatterns = [
    path("", views.subscription_page, name="dashboard"),
    path("change/", views.subscription_change_view, name="change"),
    path("cancel/", views.subscription_cancel_view, name="cancel"),
    path("pay/", views.subscription_pay_view, name="pay"),
    path("invoices/<str:number>/", views.invoice_page, name="invoice"),
]
