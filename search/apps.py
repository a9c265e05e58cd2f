from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from search import (
            dashboard,  # noqa: F401 - the provider dashboard's panel
            signals,  # noqa: F401 - keeps the index current
        )
