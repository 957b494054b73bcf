from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    """Governed delivery of a grant's data: the record API, exports and sandbox queries,
    each applying the grant's frozen scope, masking, row filter, quota and term; its
    metering, monthly statements and the agreements' revenue cap."""

    name = "apps.delivery"
    label = "delivery"
    verbose_name = _("data delivery")

    def ready(self) -> None:
        from apps.delivery import rules  # noqa: F401  (registers the permission rules)
        from apps.delivery.revenue import issue_guard
        from apps.grants.guards import issue_guard_register

        issue_guard_register(issue_guard)
