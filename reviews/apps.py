from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reviews import (
            panels,  # noqa: F401 - the dashboard home's panel
            reputation_dashboard,  # noqa: F401 - the client's panel
        )
