"""Django's createsuperuser, audited: the new account is recorded as `user.create` by the
system job "command:createsuperuser" (never its password)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser

from apps.accounts.recorded import snapshot
from apps.accounts.services import USER_FIELDS
from apps.audit.context import SYSTEM, system_job
from apps.audit.services import audit_record


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        User = get_user_model()
        before = set(User.objects.filter(is_superuser=True).values_list("pk", flat=True))
        result = super().handle(*args, **options)
        with system_job("command:createsuperuser"):
            for user in User.objects.filter(is_superuser=True).exclude(pk__in=before):
                audit_record(
                    actor=SYSTEM,
                    action="user.create",
                    target=user,
                    after=snapshot(user, USER_FIELDS),
                    data={"via": "createsuperuser"},
                )
        return result
