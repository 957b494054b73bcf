"""Django's changepassword, audited as `user.password_change` by the system job
"command:changepassword" once the new password is saved."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword

from apps.audit.context import SYSTEM, system_job
from apps.audit.services import audit_record


class Command(changepassword.Command):
    def handle(self, *args, **options):
        result = super().handle(*args, **options)  # raises CommandError when nothing changed
        User = get_user_model()
        username = options["username"] or getpass.getuser()
        user = User._default_manager.using(options["database"]).get(
            **{User.USERNAME_FIELD: username}
        )
        with system_job("command:changepassword"):
            audit_record(
                actor=SYSTEM,
                action="user.password_change",
                target=user,
                data={"via": "changepassword"},
            )
        return result
