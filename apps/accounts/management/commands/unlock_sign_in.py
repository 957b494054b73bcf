from django.core.management.base import BaseCommand, CommandError

from apps.accounts.lockout import sign_in_unlock


class Command(BaseCommand):
    help = (
        "Clears a sign-in lockout: the failures of a username, of a client address, or of "
        "the pair when both are given. The unlock is an audit event (auth.unlock)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="", help="the username that is locked")
        parser.add_argument("--ip", default="", help="the client address that is locked")

    def handle(self, *args, username="", ip="", **options):
        if not username and not ip:
            raise CommandError("Give --username, --ip or both.")
        count = sign_in_unlock(username=username, ip_address=ip)
        self.stdout.write(f"cleared {count} failed-attempt record(s)")
