"""Signals core sends for the apps above it (docs/architecture.md: a lower app emits a
documented signal when a higher one must react).

``pending_sweep()``: sent by the beat task ``core.tasks.deliver_pending`` every
minute. A receiver sends again whatever side effects its app records in
PostgreSQL that are still pending (and due), without waiting, and returns how
many it sent. It must be idempotent: the tasks it sends may already be queued."""

from __future__ import annotations

from django.dispatch import Signal

pending_sweep = Signal()
