from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from core.signals import pending_sweep
        from notifications import receivers

        pending_sweep.connect(
            receivers.pending_emails_resend, dispatch_uid="notifications.resend"
        )
