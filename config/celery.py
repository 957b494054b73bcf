"""Celery application. Settings come from Django settings prefixed CELERY_."""

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each queue on an exchange and routing key of its own: a bare Queue(name) is bound to the
# default exchange with the default routing key, so every message reached all three.
app.conf.task_queues = [
    Queue(name, Exchange(name, type="direct"), routing_key=name)
    for name in ("approvals", "ingest", "default")
]
app.autodiscover_tasks()
