from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        from bookings import dashboard  # noqa: F401 - the dashboard home's panels
        from bookings.deposits import deposit_on_payment_succeeded
        from payments.signals import payment_succeeded

        payment_succeeded.connect(
            deposit_on_payment_succeeded, dispatch_uid="bookings-deposit-paid"
        )
