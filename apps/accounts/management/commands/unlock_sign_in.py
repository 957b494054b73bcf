from django.core.management.base import BaseCommand, CommandError

from apps.accounts.lockout import sign_in_unlock
from apps.accounts.models import User
from apps.accounts.otp_lockout import otp_unlock


class Command(BaseCommand):
    help = (
        "Clears a sign-in lockout: the failures of a username, of a client address, or of "
        "the pair when both are given. The unlock is an audit event (auth.unlock). A "
        "username's second-factor lock (wrong TOTP codes) is lifted too (auth.otp_unlock)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="", help="the username that is locked")
        parser.add_argument("--ip", default="", help="the client address that is locked")

    def handle(self, *args, username="", ip="", **options):
        if not username and not ip:
            raise CommandError("Give --username, --ip or both.")
        count = sign_in_unlock(username=username, ip_address=ip)
        self.stdout.write(f"cleared {count} failed-attempt record(s)")
        user = User.objects.filter(username=username).first() if username else None
        if user is not None and otp_unlock(user=user):
            self.stdout.write("lifted the second-factor lock")
