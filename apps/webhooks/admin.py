"""Read-only admin: every change goes through the services."""

from django.contrib import admin

from apps.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.workflow.admin import ReadOnly


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnly):
    list_display = ("id", "organization", "url", "active", "created_at")
    exclude = ("secret", "previous_secret")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    list_display = ("id", "endpoint", "event_type", "status", "attempts", "created_at")
    list_filter = ("status",)
