from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "apps.catalog"
    verbose_name = _("Data catalog")

    def ready(self) -> None:
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
