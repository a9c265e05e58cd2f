from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        from messaging import (
            dashboard,  # noqa: F401 - the dashboard home's panel
            moderation_receivers,  # noqa: F401 - removals
        )
