"""manage.py trace_leak FILE: names the grant(s) a leaked CSV, JSON Lines or Parquet
file most likely came from, with a confidence figure (apps.delivery.leaks; audited)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.audit.context import system_job
from apps.core.exceptions import DomainError
from apps.delivery.leaks import leak_trace_file


class Command(BaseCommand):
    help = "Trace a leaked file (CSV, JSON Lines or Parquet) to the grant it was delivered to."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--top", type=int, default=5, help="How many grants to list.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            with path.open("rb") as stream, system_job("manage.py trace_leak"):
                ranking = leak_trace_file(stream, path.name, top=max(1, options["top"]))
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        if not ranking:
            self.stdout.write("No candidate grant: no delivered grant has watermarked fields.")
            return
        for suspect in ranking:
            grant = suspect.grant
            verdict = "MATCH" if suspect.matched else "no match"
            self.stdout.write(
                f"{verdict}\tgrant {grant.pk} ({grant.number} v{grant.version})\t"
                f"{grant.merchant.name}\tconfidence {suspect.confidence:.9f}\t"
                f"p {suspect.p_value:.3g}\tagreeing {suspect.agreeing}/{suspect.votes}"
            )
        best = ranking[0]
        if best.matched:
            self.stdout.write(self.style.SUCCESS(f"Most likely source: grant {best.grant.pk}"))
        else:
            self.stdout.write(self.style.WARNING("No grant reaches the match confidence."))
