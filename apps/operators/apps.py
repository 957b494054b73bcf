from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class OperatorsConfig(AppConfig):
    name = "apps.operators"
    verbose_name = _("Operating entities and authorization agreements")

    def ready(self) -> None:
        from pathlib import Path

        from apps.core import health

        # Qualification documents and report attachments (apps.operators.files).
        Path(settings.OPERATORS_FILES_DIR).mkdir(parents=True, exist_ok=True)
        health.register_folder("operator files", lambda: Path(settings.OPERATORS_FILES_DIR))

        from apps.operators import rules  # noqa: F401  (registers the permission rules)
        from apps.operators.report_due import REPORT_OVERDUE, report_overdue_handler
        from apps.workflow import outbox

        outbox.register(
            REPORT_OVERDUE, report_overdue_handler, max_attempts_setting="OUTBOX_MAIL_MAX_ATTEMPTS"
        )
