from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    """Access applications, their approval and the grants they issue, and what approval
    stands on: routing rules (data the regulator edits), the holiday calendar and
    working-day deadlines."""

    name = "apps.grants"
    label = "grants"
    verbose_name = _("grants and routing")

    def ready(self) -> None:
        from apps.accounts.authentication import key_guard_register
        from apps.grants import rules  # noqa: F401  (registers the permission rules)
        from apps.grants.access import key_checks, key_guard
        from apps.grants.applications import (
            APPLICATION_STATUS_CHANGED,
            CHECK_TOPIC,
            attachment_paths,
        )
        from apps.grants.cascade import on_product_move
        from apps.grants.checks import application_check_job
        from apps.grants.issuing import GRANT_EVENT
        from apps.operators.files import referenced_paths_register
        from apps.products.services import product_move_hook_register
        from apps.workflow import events, outbox

        outbox.register(CHECK_TOPIC, application_check_job, queue="approvals")
        key_guard_register(key_guard, key_checks)
        product_move_hook_register(on_product_move)
        referenced_paths_register(attachment_paths)
        events.event_type_register(APPLICATION_STATUS_CHANGED, _("Application status changed"))
        events.event_type_register(GRANT_EVENT, _("Grant status changed"))
