from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reviews import (
            dashboard,  # noqa: F401 - the provider dashboard's review panel
            display_hooks,  # noqa: F401 - ratings on profile pages, cards, APIs
            moderation_receivers,  # noqa: F401 - removals decided by moderators
            panels,  # noqa: F401 - the dashboard home's panel
            reputation_dashboard,  # noqa: F401 - the client's panel
        )
