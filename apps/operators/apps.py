from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "apps.operators"
    verbose_name = "Operating entities and authorization agreements"
