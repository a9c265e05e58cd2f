from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def ping(nonce: str) -> str:
    """Round-trip probe: proves a worker consumes the broker and returns results."""
    return f"pong:{nonce}"
