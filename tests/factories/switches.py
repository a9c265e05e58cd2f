"""Flip feature switches as the admin does: save the row and let the snapshot
refresh on commit (core.switches), so the next request sees the change."""

from __future__ import annotations

from django.test import TestCase

from core.models import FeatureSwitches


def switches_set(**values: object) -> FeatureSwitches:
    row = FeatureSwitches.load()
    for name, value in values.items():
        setattr(row, name, value)
    # The test's transaction never commits: run the on-commit refresh now.
    with TestCase.captureOnCommitCallbacks(execute=True):
        row.save()
    return row
