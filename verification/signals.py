"""Documented signals of verification, for the apps above it.

``photos_verified``: sent after commit of ``photos_verify`` with ``user`` (the
owner of the photos); directory/search reindex that person's profiles."""

from django.dispatch import Signal

photos_verified = Signal()
