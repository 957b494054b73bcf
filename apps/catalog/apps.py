from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "apps.catalog"
    verbose_name = _("Data catalog")

    def ready(self) -> None:
        from apps.catalog import rules  # noqa: F401  (registers the permission rules)
