from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        import analytics.admin_hooks  # noqa: F401 - business reports in /cms/
        from analytics import dashboard  # noqa: F401 - the dashboard home's panel
