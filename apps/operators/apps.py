from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "apps.operators"
    verbose_name = "Operating entities and authorization agreements"

    def ready(self) -> None:
        from apps.operators import rules  # noqa: F401  (registers the permission rules)
