"""How apps above payments (bookings, subscriptions) learn what happened to a
payment without payments importing them (docs/payments.md).

Every signal is sent with ``sender=Payment`` and keyword arguments ``payment``,
``purpose``, ``reference_type`` and ``reference_id``; ``payment_refunded`` adds
``refund``. They are sent INSIDE the transaction that changed the payment, once
per change: a receiver's writes commit or roll back with it, so a receiver
must not call out (use core.outbox for side effects)."""

from django.dispatch import Signal

payment_succeeded = Signal()
payment_failed = Signal()
payment_refunded = Signal()
