from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    """The kernel every life cycle stands on: transitions and their history, review
    steps, public notice, the outbox and its sweeper, and the permission policy."""

    name = "apps.workflow"
    label = "workflow"
    verbose_name = _("workflow")

    def ready(self) -> None:
        from apps.workflow import (
            outbox,
            rules,  # noqa: F401  (policy of accounts and audit models)
        )
        from apps.workflow.outbox_mail import MAIL_SEND, mail_send_handler

        outbox.register(
            MAIL_SEND, mail_send_handler, max_attempts_setting="OUTBOX_MAIL_MAX_ATTEMPTS"
        )
        from apps.accounts.password_reset import mailer_register
        from apps.workflow.outbox_mail import mail_send_later

        mailer_register(mail_send_later)
