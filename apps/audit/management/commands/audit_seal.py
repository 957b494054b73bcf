from django.core.management.base import BaseCommand

from apps.audit.checkpoints import checkpoint_create
from apps.audit.sealer import seal_pending


class Command(BaseCommand):
    help = "Seals queued audit events into the chain and signs a checkpoint of the head."

    def handle(self, *args, **options):
        sealed = seal_pending()
        checkpoint = checkpoint_create()
        self.stdout.write(f"sealed {sealed} events")
        if checkpoint:
            self.stdout.write(f"checkpoint #{checkpoint.pk} at seq {checkpoint.seq}")
