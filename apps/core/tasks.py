import socket

from celery import shared_task
from django.utils import timezone

from apps.core.models import WorkerHeartbeat


@shared_task(name="apps.core.tasks.heartbeat")
def heartbeat(name: str = "beat") -> str:
    """Proves the broker and a worker are alive; idempotent (an upsert)."""
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"last_seen": timezone.now(), "hostname": socket.gethostname()}
    )
    return name
