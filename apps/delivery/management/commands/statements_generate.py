"""manage.py statements_generate [--month YYYY-MM] [--final]: the month's statements
(default: the current month, provisional), as the beat tasks write them."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.audit.context import system_job
from apps.delivery.statements import statements_generate


class Command(BaseCommand):
    help = "Generate (idempotently) the monthly statements of one month."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: this month)")
        parser.add_argument("--final", action="store_true", help="close the month")

    def handle(self, *args, **options):
        month = timezone.localdate()
        if options["month"]:
            try:
                year, number = (int(part) for part in options["month"].split("-"))
                month = date(year, number, 1)
            except ValueError:
                raise CommandError("Give the month as YYYY-MM.") from None
        with system_job("manage.py statements_generate"):
            written = statements_generate(month=month, final=options["final"])
        self.stdout.write(f"{len(written)} statements for {month:%Y-%m}")
