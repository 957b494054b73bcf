from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "apps.operators"
    verbose_name = "Operating entities and authorization agreements"

    def ready(self) -> None:
        from apps.operators import rules  # noqa: F401  (registers the permission rules)
        from apps.operators.report_due import REPORT_OVERDUE, report_overdue_handler
        from apps.workflow import outbox

        outbox.register(
            REPORT_OVERDUE, report_overdue_handler, max_attempts_setting="OUTBOX_MAIL_MAX_ATTEMPTS"
        )
