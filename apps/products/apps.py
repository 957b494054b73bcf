from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "apps.products"
    verbose_name = _("Data products")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from apps.operators import cascade
        from apps.products import cascade_hooks as hooks
        from apps.products import rules  # noqa: F401  (registers the permission rules)
        from apps.products.services import PRODUCT_STATUS_CHANGED
        from apps.workflow import events

        events.event_type_register(PRODUCT_STATUS_CHANGED, _("Product status changed"))

        cascade.register(
            name=hooks.HOOK,
            on_suspend=hooks.on_suspend,
            on_restore=hooks.on_restore,
            on_revoke=hooks.on_revoke,
            on_supersede=hooks.on_supersede,
        )
