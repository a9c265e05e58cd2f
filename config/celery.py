"""Celery app: broker and results on Redis, settings under CELERY_* in Django."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("premium_directory")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
