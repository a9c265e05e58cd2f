from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscriptions"

    def ready(self) -> None:
        from subscriptions import (  # noqa: F401
            dashboard,  # the plan panel on the dashboard home
            receivers,  # payments' signals
        )
