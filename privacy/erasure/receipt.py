"""The deletion receipt: emailed once the erasure is committed, to the
address the account had (captured before the tombstone replaced it), with the
link ``/privacy/receipt/<token>/`` that shows it without a sign-in.

The address cannot be written down for a later retry (that would keep the
personal data the erasure removed), so the send is not an outbox entry: a
failed send is logged, and the close page and the API have shown the link
since the request."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from privacy.models import AccountClosure

logger = logging.getLogger(__name__)


def receipt_url(closure: AccountClosure) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "privacy_erasure:receipt", kwargs={"token": closure.receipt_token}
    )


def receipt_send_later(*, closure: AccountClosure, address: str) -> None:
    transaction.on_commit(lambda: receipt_send(closure=closure, address=address))


def receipt_send(*, closure: AccountClosure, address: str) -> None:
    context = {
        "closure": closure,
        "receipt": closure.receipt,
        "url": receipt_url(closure),
    }
    subject = render_to_string("privacy/email/closure_receipt_subject.txt", context)
    body = render_to_string("privacy/email/closure_receipt.txt", context)
    try:
        send_mail(subject.strip(), body, None, [address])
    except Exception:  # the erasure stands; the link was shown at the request
        logger.exception("receipt of closure %s not sent", closure.pk)
