"""Sandbox queries over the API: what a client sends and what the history shows."""

from rest_framework import serializers

from apps.core.api.serializers import StrictSerializer
from apps.delivery.models import SandboxQuery
from apps.delivery.sandbox_labels import refusal_label


class SandboxRequestSerializer(StrictSerializer):
    # No length limit here: an over-long query is refused by the sandbox (sql_too_long)
    # and recorded like every other refusal.
    sql = serializers.CharField(allow_blank=True, trim_whitespace=False)
    source = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class SandboxResultSerializer(serializers.Serializer):
    query = serializers.IntegerField()
    view = serializers.CharField()
    k = serializers.IntegerField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())
    suppressed_groups = serializers.IntegerField()


class SandboxQuerySerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    api_key = serializers.CharField(source="api_key.prefix", read_only=True, default=None)
    refusal_label = serializers.SerializerMethodField()

    class Meta:
        model = SandboxQuery
        fields = [
            "id", "sql", "decision", "refusal_code", "refusal_message", "refusal_label",
            "rows_released", "suppressed_groups", "duration_ms", "dataset_version", "user",
            "api_key", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_refusal_label(self, record) -> str:
        return refusal_label(record.refusal_code) if record.refusal_code else ""
