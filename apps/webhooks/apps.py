from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Signed event deliveries to operators' and merchants' HTTPS endpoints."""

    name = "apps.webhooks"
    label = "webhooks"
    verbose_name = _("webhooks")

    def ready(self) -> None:
        from apps.webhooks import events, rules  # noqa: F401  (rules: the policy)
        from apps.webhooks.sender import delivery_send
        from apps.webhooks.services import DELIVER, webhook_emit
        from apps.workflow import events as bus
        from apps.workflow import outbox

        outbox.register(
            DELIVER, delivery_send, max_attempts_setting="WEBHOOKS_MAX_ATTEMPTS", time_limit=120
        )
        events.register_event_types()
        events.connect()
        bus.event_subscribe(webhook_emit)
