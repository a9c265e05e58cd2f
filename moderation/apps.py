from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from moderation import (  # noqa: F401 - hooks, task
            check_hooks,
            panels,  # noqa: F401 - the dashboard's safety link
            trust_tasks,
        )
        from moderation.automated_signals import connect

        connect()
