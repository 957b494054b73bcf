from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "apps.products"
    verbose_name = "Data products"

    def ready(self) -> None:
        from apps.operators import cascade
        from apps.products import cascade_hooks as hooks
        from apps.products import rules  # noqa: F401  (registers the permission rules)

        cascade.register(
            name=hooks.HOOK,
            on_suspend=hooks.on_suspend,
            on_restore=hooks.on_restore,
            on_revoke=hooks.on_revoke,
            on_supersede=hooks.on_supersede,
        )
