"""Re-seals every webhook secret with the first key of WEBHOOKS_SECRET_KEYS (after a new
key was put in front); then the old key can be removed from the list."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from apps.webhooks.models import WebhookEndpoint
from apps.webhooks.sealing import reseal


class Command(BaseCommand):
    help = "Re-seal webhook signing secrets with the newest WEBHOOKS_SECRET_KEYS key."

    def handle(self, *args, **options):
        table = WebhookEndpoint._meta.db_table
        count = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT id, secret, previous_secret FROM {table} FOR UPDATE")  # noqa: S608
            for pk, secret, previous in cursor.fetchall():
                cursor.execute(
                    f"UPDATE {table} SET secret = %s, previous_secret = %s WHERE id = %s",  # noqa: S608
                    [reseal(secret), reseal(previous), pk],
                )
                count += 1
        self.stdout.write(f"re-sealed {count} endpoint(s)")
