from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    """Access grants and what their approval stands on: routing rules (data the regulator
    edits), the holiday calendar and working-day deadlines."""

    name = "apps.grants"
    label = "grants"
    verbose_name = _("grants and routing")

    def ready(self) -> None:
        from apps.grants import rules  # noqa: F401  (registers the permission rules)
