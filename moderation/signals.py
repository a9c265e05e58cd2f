"""Signals moderation sends to the apps above or beside it, which it may not
import (pyproject's import-linter contracts): the app that owns the content
connects a receiver in its ``AppConfig.ready()`` and does the work with its own
services, in the decision's transaction.

``content_removal_requested(target, decision)``: a moderator decided that
``target`` (a review, a message...) stops being shown. ``content_restore_requested
(target, decision, by)``: that decision was reversed (an appeal), give it back.
A receiver returns True when it handled the target."""

from __future__ import annotations

from django.dispatch import Signal

content_removal_requested = Signal()
content_restore_requested = Signal()
