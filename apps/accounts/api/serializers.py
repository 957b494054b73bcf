from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts import keyrules
from apps.accounts.models import ApiKey, Organization
from apps.core.api.serializers import (
    CharField,
    DateTimeField,
    EmailField,
    ModelSerializer,
    StrictSerializer,
)


class OrganizationSerializer(ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "name_en", "code", "kind", "is_active"]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = CharField()
    email = EmailField()
    role = CharField(allow_null=True)
    organization = OrganizationSerializer(allow_null=True)
    authenticated_by = CharField()


class ApiKeySerializer(ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(read_only=True)
    created_by = CharField(source="created_by.username", read_only=True)
    status = CharField(read_only=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "organization",
            "status",
            "created_by",
            "created_at",
            "expires_at",
            "allowed_ips",
            "revoked_at",
            "revoke_reason",
            "last_used_at",
        ]
        read_only_fields = fields


class ApiKeyCreateSerializer(StrictSerializer):
    name = CharField(max_length=100)
    expires_at = DateTimeField(required=False)
    allowed_ips = serializers.ListField(
        child=CharField(max_length=64), required=False, max_length=keyrules.MAX_NETWORKS
    )


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = CharField(
        read_only=True, help_text=_("The secret. Shown only in this response; store it now.")
    )

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


class RevokeSerializer(StrictSerializer):
    reason = CharField(max_length=500, required=False, allow_blank=True)
