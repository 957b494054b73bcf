from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "apps.operators"
    verbose_name = "Operating entities and authorization agreements"

    def ready(self) -> None:
        from pathlib import Path

        from django.conf import settings

        from apps.core import health

        # Qualification documents and report attachments (apps.operators.files).
        Path(settings.OPERATORS_FILES_DIR).mkdir(parents=True, exist_ok=True)
        health.register_folder("operator files", lambda: Path(settings.OPERATORS_FILES_DIR))
