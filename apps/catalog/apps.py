from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "apps.catalog"
    verbose_name = _("Data catalog")

    def ready(self) -> None:
        from pathlib import Path

        from django.conf import settings

        from apps.core import health

        # Datasets and raw uploads live here (apps.catalog.ingest.services); /readyz checks
        # that both exist and are writable.
        for name in ("datasets", "uploads"):
            folder = Path(settings.DATA_DIR) / name
            folder.mkdir(parents=True, exist_ok=True)
            health.register_folder(name, lambda name=name: Path(settings.DATA_DIR) / name)
