from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "apps.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from apps.audit import signals  # noqa: F401  (connects login and Celery handlers)
        from apps.audit.services import audit_record_denial
        from apps.core import denials

        # Core notices refusals (API error handler, web forms) but may not import audit.
        denials.register_recorder(audit_record_denial)
