from rest_framework import serializers

from apps.core.api.serializers import CharField, ModelSerializer, StrictSerializer
from apps.workflow.models import Notification, NotificationCategory


class NotificationSerializer(ModelSerializer):
    object_type = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()
    # In the language the request asked for (Accept-Language), where the writer gave one.
    title = CharField(source="shown_title", read_only=True)
    body = CharField(source="shown_body", read_only=True)

    class Meta:
        model = Notification
        fields = (
            "id", "category", "verb", "title", "body", "link", "object_type", "object_id",
            "created_at", "read_at", "read",
        )  # fmt: skip
        read_only_fields = fields

    def get_object_type(self, obj) -> str | None:
        return obj.content_type.model if obj.content_type_id else None

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationFilterSerializer(StrictSerializer):
    unread = serializers.BooleanField(required=False, default=False)
    category = serializers.ChoiceField(choices=NotificationCategory.choices, required=False)
    cursor = CharField(required=False, max_length=200)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
