import json

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.audit.choices import Outcome
from apps.audit.models import AuditCheckpoint, AuditEvent
from apps.audit.selectors import FILTERS, without_person
from apps.core.api.serializers import CharField, DateTimeField, ModelSerializer
from apps.core.converters import ID_MAX


class AuditEventSerializer(ModelSerializer):
    seq = serializers.SerializerMethodField()
    hash = serializers.SerializerMethodField()
    data = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id", "seq", "hash", "occurred_at", "actor_type", "actor_id", "actor_label",
            "actor_org_id", "actor_role", "action", "target_type", "target_id",
            "target_org_id", "outcome", "reason", "request_id", "ip", "user_agent",
            "retention", "data", "changes",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, event):
        request = self.context.get("request")
        row = super().to_representation(event)
        return without_person(getattr(request, "user", None), event, row)

    def _seal(self, event):
        try:
            return event.seal
        except AuditEvent.seal.RelatedObjectDoesNotExist:
            return None

    def get_seq(self, event) -> int | None:
        seal = self._seal(event)
        return seal.seq if seal else None

    def get_hash(self, event) -> str | None:
        seal = self._seal(event)
        return bytes(seal.hash).hex() if seal else None

    def get_data(self, event) -> dict:
        return json.loads(event.data or "{}")

    def get_changes(self, event) -> dict:
        return json.loads(event.changes or "{}")


class AuditCheckpointSerializer(ModelSerializer):
    hash = serializers.SerializerMethodField()
    signature = serializers.SerializerMethodField()

    class Meta:
        model = AuditCheckpoint
        fields = ["id", "kind", "seq", "hash", "created_at", "key_id", "signature"]
        read_only_fields = fields

    def get_hash(self, cp) -> str:
        return bytes(cp.hash).hex()

    def get_signature(self, cp) -> str:
        return bytes(cp.signature).hex()


class EventFilterSerializer(serializers.Serializer):
    """Query parameters of the event list; unknown ones are ignored like any GET filter."""

    actor = CharField(required=False, help_text=_("username, key or job"))
    organization = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    action = CharField(required=False, help_text=_("exact, or a prefix ending in ."))
    target_type = CharField(required=False)
    target_id = CharField(required=False)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    since = DateTimeField(required=False)
    until = DateTimeField(required=False)

    def validated_filters(self) -> dict:
        self.is_valid(raise_exception=True)
        return {k: v for k, v in self.validated_data.items() if k in FILTERS}


class TimelineQuerySerializer(serializers.Serializer):
    target_type = CharField()
    target_id = CharField()
