from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.signals import account_event
        from audit.receivers import record_account_event

        # accounts sits below audit: its events arrive by this documented signal.
        account_event.connect(record_account_event, dispatch_uid="audit_account_event")
