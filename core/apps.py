from django.apps import AppConfig
from django.core.signals import request_finished


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import request_id

        request_finished.connect(request_id.clear, dispatch_uid="core.request_id.clear")
