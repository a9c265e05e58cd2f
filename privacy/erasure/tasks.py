"""The hourly erasure job (beat entry ``privacy-erase-due-accounts``)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def erase_due_accounts() -> int:
    """Each due closure in its own transaction: one failing account is logged
    and the others are still erased; the next hour retries it."""
    from privacy.erasure.erase import account_erase
    from privacy.erasure.selectors import closures_due

    erased = 0
    for closure_id in list(closures_due().values_list("pk", flat=True)):
        try:
            erased += account_erase(closure_id=closure_id) is not None
        except Exception:
            logger.exception("erasure of closure %s failed", closure_id)
    return erased
