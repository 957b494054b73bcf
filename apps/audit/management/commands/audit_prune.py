from django.core.management.base import BaseCommand

from apps.audit.context import system_job
from apps.audit.partitions import audit_prune


class Command(BaseCommand):
    help = (
        "Drops whole monthly audit segments past their retention, leaving a signed anchor, "
        "and creates the coming months' partitions. Run as the database owner role."
    )

    def handle(self, *args, **options):
        with system_job("manage.py audit_prune"):
            result = audit_prune()
        self.stdout.write(
            f"removed {result.events_removed} events in {len(result.segments)} segments "
            f"{result.segments}; anchor seq {result.anchor_seq}"
        )
        if result.stopped_because:
            self.stdout.write(f"stopped: {result.stopped_because}")
