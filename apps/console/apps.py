from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "apps.console"
    verbose_name = _("Regulator console")

    def ready(self) -> None:
        from apps.console.jobs import AUDIT_VERIFY, audit_verify_job
        from apps.console.report_jobs import REPORT, report_job
        from apps.workflow import outbox

        outbox.register(AUDIT_VERIFY, audit_verify_job, time_limit=3600)
        outbox.register(REPORT, report_job, time_limit=3600)
