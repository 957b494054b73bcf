from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import CharField, ModelSerializer, StrictSerializer
from apps.webhooks.choices import DeliveryStatus
from apps.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class EndpointSerializer(ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = (
            "id", "organization", "url", "description", "event_types", "active",
            "created_at", "updated_at", "secret_rotated_at", "previous_secret_expires_at",
        )  # fmt: skip
        read_only_fields = fields


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = CharField(
        read_only=True, help_text=_("The signing secret: shown this once, store it now.")
    )

    class Meta(EndpointSerializer.Meta):
        fields = (*EndpointSerializer.Meta.fields, "secret")
        read_only_fields = fields


class EndpointWriteSerializer(StrictSerializer):
    url = CharField(max_length=500)
    description = CharField(max_length=200, allow_blank=True, required=False)
    event_types = serializers.ListField(
        child=CharField(max_length=100), min_length=1, max_length=50
    )
    active = serializers.BooleanField(required=False, default=True)


class AttemptSerializer(ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ("number", "started_at", "duration_ms", "response_status", "error", "succeeded")
        read_only_fields = fields


class DeliverySerializer(ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = (
            "id", "endpoint", "event_id", "event_type", "payload", "target_type", "target_id",
            "status", "attempts", "response_status", "last_error", "created_at",
            "last_attempt_at", "finished_at",
        )  # fmt: skip
        read_only_fields = fields


class DeliveryDetailSerializer(DeliverySerializer):
    log = AttemptSerializer(many=True, read_only=True)

    class Meta(DeliverySerializer.Meta):
        fields = (*DeliverySerializer.Meta.fields, "log")
        read_only_fields = fields


class DeliveryFilterSerializer(StrictSerializer):
    """The list's query parameters (cursor and page_size are the paginator's)."""

    endpoint = serializers.IntegerField(min_value=1, max_value=2**62, required=False)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    cursor = CharField(required=False, max_length=500)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)


class PageSerializer(StrictSerializer):
    cursor = CharField(required=False, max_length=500)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)


class EventTypeSerializer(serializers.Serializer):
    name = CharField()
    label = CharField()
