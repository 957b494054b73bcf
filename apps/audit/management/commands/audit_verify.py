from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.audit import signing
from apps.audit.sealer import seal_pending
from apps.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verifies the audit hash chain and its signed checkpoints; exits 1 on any fault."

    def add_arguments(self, parser):
        parser.add_argument("--from-checkpoint", type=int, help="start at this checkpoint id")
        parser.add_argument(
            "--public-key", type=Path, help="PEM public key to check signatures with"
        )
        parser.add_argument("--no-seal", action="store_true", help="do not seal pending first")
        parser.add_argument(
            "--independent",
            action="store_true",
            help="hash every event here in Python instead of in the database (slower)",
        )

    def handle(self, *args, from_checkpoint=None, public_key=None, no_seal=False, **options):
        independent = options.get("independent", False)
        if not no_seal:
            # Chain whatever is queued so the result covers every committed event.
            seal_pending()
        key = signing.load_public_pem(public_key.read_bytes()) if public_key else None
        result = verify_chain(
            from_checkpoint=from_checkpoint, public_key=key, independent=independent
        )
        if not result.ok:
            raise CommandError(result.summary, returncode=1)
        self.stdout.write(result.summary)
        self.stdout.write(f"events: {result.count}")
        self.stdout.write(f"head: {result.head_seq} {result.head_hash.hex()}")
