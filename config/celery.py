"""Celery application. Settings come from Django settings prefixed CELERY_."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("approvals", "ingest", "default")]
app.autodiscover_tasks()
