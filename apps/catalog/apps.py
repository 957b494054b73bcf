from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "apps.catalog"
    verbose_name = _("Data catalog")

    def ready(self) -> None:
        from pathlib import Path

        from apps.core import health

        # Datasets and raw uploads live here (apps.catalog.ingest.services); /readyz checks
        # that both exist and are writable.
        for name in ("datasets", "uploads"):
            folder = Path(settings.DATA_DIR) / name
            folder.mkdir(parents=True, exist_ok=True)
            health.register_folder(name, lambda name=name: Path(settings.DATA_DIR) / name)

        from apps.catalog import rules  # noqa: F401  (registers the permission rules)
        from apps.catalog.ingest.services import INGEST, dataset_ingest_job
        from apps.workflow import outbox

        # Ingestion: its own queue, a hard cap per run; liveness is the lease, not the cap.
        outbox.register(
            INGEST,
            dataset_ingest_job,
            queue="ingest",
            time_limit=settings.CATALOG_INGEST_TIME_LIMIT,
        )
