from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """A transport that is down: every send raises, as smtplib would."""

    def send_messages(self, email_messages: list) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
