from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from celery.signals import task_failure

        from core import metrics, request_id, switches
        from core.models import FeatureSwitches

        request_finished.connect(request_id.clear, dispatch_uid="core.request_id.clear")
        # Feature switches: one snapshot per request, refreshed for every
        # process when the row is saved (core/switches.py).
        request_started.connect(switches.memo_open, dispatch_uid="core.switches.open")
        request_finished.connect(switches.memo_close, dispatch_uid="core.switches.shut")
        # Task failures counted in Redis, read by /metrics (core/metrics.py).
        task_failure.connect(metrics.task_failure_record, dispatch_uid="core.metrics")
        metrics.register_collectors()
        post_save.connect(
            switches.snapshot_refresh,
            sender=FeatureSwitches,
            dispatch_uid="core.switches.refresh",
        )
