from celery import shared_task

from core.signals import pending_sweep


@shared_task(acks_late=True, reject_on_worker_lost=True)
def ping(nonce: str) -> str:
    """Round-trip probe: proves a worker consumes the broker and returns results."""
    return f"pong:{nonce}"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def outbox_deliver(entry_id: int) -> bool:
    """Run one outbox entry (core.outbox); a failure is left for the sweep,
    which retries it with backoff."""
    from core.outbox import outbox_run

    return outbox_run(entry_id=entry_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def outbox_deliver_all(entry_ids: list[int]) -> int:
    """Run several outbox entries (core.outbox.outbox_enqueue_each), each in its
    own transaction: one that fails is recorded for the sweep and does not stop
    the others; the first failure is raised once all were tried. Returns how
    many this call delivered."""
    from core.outbox import outbox_run

    delivered, failure = 0, None
    for entry_id in entry_ids:
        try:
            delivered += outbox_run(entry_id=entry_id)
        except Exception as exc:  # noqa: BLE001 - recorded by outbox_run, raised below
            failure = failure or exc
    if failure is not None:
        raise failure
    return delivered


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_pending() -> dict[str, int]:
    """Every minute: what Redis lost (or never got) is sent again from its
    record in PostgreSQL: outbox entries here, and whatever the receivers of
    ``core.signals.pending_sweep`` keep (notifications: pending emails).
    Idempotent: every receiver's task runs its effect once."""
    from core.outbox import outbox_purge_delivered, outbox_resend_due

    counts = {"outbox": outbox_resend_due(), "purged": outbox_purge_delivered()}
    for receiver, sent in pending_sweep.send(sender=None):
        counts[receiver.__module__] = int(sent or 0)
    return counts
