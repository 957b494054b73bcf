from django.db import models


class WorkerHeartbeat(models.Model):
    """Last time a periodic job ran through the broker and a worker (beat → worker → DB)."""

    name = models.CharField(max_length=100, primary_key=True)
    last_seen = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"
