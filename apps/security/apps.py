from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """Pure security primitives for data delivery: masking, the sandbox SQL guard and
    watermarks. No models, no URLs; apps.delivery applies them to a grant."""

    name = "apps.security"
    label = "security"
    verbose_name = _("security primitives")

    def ready(self) -> None:
        from apps.catalog import masking as catalog_masking
        from apps.security.masking import mask_value

        # The catalog preview shows the new rules exactly as delivery applies them.
        catalog_masking.register_delivery_masker(lambda rule, text: mask_value(rule, text))
