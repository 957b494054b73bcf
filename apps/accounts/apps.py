from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("Accounts and organizations")

    def ready(self) -> None:
        from apps.accounts import schema  # noqa: F401  (registers OpenAPI extensions)
