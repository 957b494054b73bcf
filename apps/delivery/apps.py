from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    """Governed delivery of a grant's data: the record API, exports and sandbox queries,
    each applying the grant's frozen scope, masking, row filter, quota and term; its
    metering, monthly statements and the agreements' revenue cap; and the anomaly alerts
    on what was delivered."""

    name = "apps.delivery"
    label = "delivery"
    verbose_name = _("data delivery")

    def ready(self) -> None:
        from django.conf import settings

        from apps.accounts.authentication import key_guard_register
        from apps.audit.reasons import reason_labels_register
        from apps.delivery import rules  # noqa: F401  (registers the permission rules)
        from apps.delivery.alerts.guard import key_checks, key_guard
        from apps.delivery.exports import TOPIC, export_job
        from apps.delivery.revenue import issue_guard
        from apps.delivery.sandbox_labels import DELIVERY_LABELS, REFUSAL_LABELS
        from apps.grants.guards import issue_guard_register
        from apps.workflow import outbox

        key_guard_register(key_guard, key_checks)
        issue_guard_register(issue_guard)
        reason_labels_register({**REFUSAL_LABELS, **DELIVERY_LABELS})
        # Exports are heavy like ingestion: the same queue, a cap per run, the lease renewed
        # with each batch.
        outbox.register(
            TOPIC, export_job, queue="ingest", time_limit=settings.DELIVERY_EXPORT_TIME_LIMIT
        )
