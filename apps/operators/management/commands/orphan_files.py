"""Reports (and with --delete removes) stored operator files no row refers to."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.operators.files import referenced_paths


class Command(BaseCommand):
    help = "List files under OPERATORS_FILES_DIR that no document, agreement or report uses."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="remove them")
        # An upload is written before its transaction commits: leave young files alone.
        parser.add_argument("--min-age-minutes", type=int, default=60)

    def handle(self, *args, delete: bool, min_age_minutes: int, **options):
        base = Path(settings.OPERATORS_FILES_DIR)
        if not base.exists():
            self.stdout.write("0 orphaned files")
            return
        used = referenced_paths()
        cutoff = time.time() - min_age_minutes * 60
        orphans = [
            path
            for path in sorted(base.rglob("*"))
            if path.is_file()
            and str(path.relative_to(base)) not in used
            and path.stat().st_mtime < cutoff
        ]
        for path in orphans:
            self.stdout.write(f"{'removed' if delete else 'orphan'} {path.relative_to(base)}")
            if delete:
                path.unlink(missing_ok=True)
        self.stdout.write(f"{len(orphans)} orphaned files{' removed' if delete else ''}")
