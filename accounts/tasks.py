from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True, reject_on_worker_lost=True)
def clear_expired_sessions() -> None:
    """Nightly: drop expired sessions (idempotent: a second run finds none)."""
    call_command("clearsessions")
