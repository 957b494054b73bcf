from rest_framework import serializers

from apps.catalog.choices import (
    FOLLOW_UP_KIND_CHOICES,
    Classification,
    DataFormat,
    FieldType,
    MaskingRule,
    OpenType,
    PersonalInfo,
    UpdateFrequency,
)
from apps.catalog.metadata import FIELD_KEYS, RESOURCE_KEYS
from apps.catalog.models import DataResource, ResourceField
from apps.catalog.validation import MAX_FIELDS
from apps.core.api.serializers import (
    ActorField,
    CharField,
    DateField,
    EmailField,
    ModelSerializer,
    StrictSerializer,
    TextField,
)
from apps.workflow.models import Objection, StatusHistory


class FieldSerializer(StrictSerializer):
    name = CharField(max_length=64)
    label = CharField(max_length=100, required=False, allow_blank=True)
    label_en = CharField(max_length=100, required=False, allow_blank=True)
    data_type = serializers.ChoiceField(FieldType.choices, default=FieldType.STRING)
    description = CharField(max_length=500, required=False, allow_blank=True)
    unit = CharField(max_length=30, required=False, allow_blank=True)
    nullable = serializers.BooleanField(default=True)
    personal_info = serializers.ChoiceField(PersonalInfo.choices, default=PersonalInfo.NONE)
    masking = serializers.ChoiceField(MaskingRule.choices, default=MaskingRule.NONE)


class ResourceWriteSerializer(StrictSerializer):
    """The metadata a provider writes. Business rules live in apps.catalog.validation."""

    name = CharField(max_length=200)
    name_en = CharField(max_length=200, required=False, allow_blank=True)
    description = TextField(required=False, allow_blank=True)
    description_en = TextField(required=False, allow_blank=True)
    source_system = CharField(max_length=200, required=False, allow_blank=True)
    themes = serializers.ListField(child=CharField(max_length=8), required=False)
    tags = serializers.ListField(child=CharField(max_length=50), required=False, max_length=30)
    update_frequency = serializers.ChoiceField(UpdateFrequency.choices, required=False)
    spatial_coverage = CharField(max_length=200, required=False, allow_blank=True)
    temporal_start = DateField(required=False, allow_null=True)
    temporal_end = DateField(required=False, allow_null=True)
    data_format = serializers.ChoiceField(DataFormat.choices, required=False)
    classification = serializers.ChoiceField(Classification.choices, required=False)
    general_grade = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=4
    )
    open_type = serializers.ChoiceField(OpenType.choices, required=False)
    in_operation_scope = serializers.BooleanField(required=False)
    contact_name = CharField(max_length=100, required=False, allow_blank=True)
    contact_email = EmailField(required=False, allow_blank=True)
    contact_phone = CharField(max_length=40, required=False, allow_blank=True)
    fields = FieldSerializer(many=True, required=False, max_length=MAX_FIELDS)


class ResourceFieldSerializer(ModelSerializer):
    class Meta:
        model = ResourceField
        fields = FIELD_KEYS


class ResourceSerializer(ModelSerializer):
    provider = serializers.SerializerMethodField()
    themes = serializers.SerializerMethodField()
    fields = ResourceFieldSerializer(many=True, read_only=True)
    is_authorizable = serializers.BooleanField(read_only=True)
    is_in_registry = serializers.BooleanField(read_only=True)

    class Meta:
        model = DataResource
        fields = [
            "id",
            "registry_code",
            "status",
            "registration_kind",
            "provider",
            *RESOURCE_KEYS,
            "themes",
            "is_authorizable",
            "is_in_registry",
            "registered_at",
            "expires_at",
            "notice_ends_at",
            "metadata_version",
            "fields",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_provider(self, obj) -> dict:
        return {"id": obj.provider_id, "name": obj.provider.name, "code": obj.provider.code}

    def get_themes(self, obj) -> list[str]:
        return [t.code for t in obj.themes.all()]


class NoteSerializer(StrictSerializer):
    note = TextField(required=False, allow_blank=True, max_length=2000)


class FollowUpSerializer(StrictSerializer):
    kind = serializers.ChoiceField(FOLLOW_UP_KIND_CHOICES)
    note = TextField(required=False, allow_blank=True, max_length=2000)
    # The changed metadata (for change and correction), validated like a PATCH body.
    data = serializers.DictField(required=False)

    def validate_data(self, value):
        inner = ResourceWriteSerializer(data=value, partial=True)
        inner.is_valid(raise_exception=True)
        return inner.validated_data


class ObjectionSerializer(ModelSerializer):
    organization = CharField(source="organization.name", read_only=True)

    class Meta:
        model = Objection
        fields = ["id", "organization", "reason", "created_at", "resolved_at", "resolution"]
        read_only_fields = fields


class ObjectionCreateSerializer(StrictSerializer):
    reason = TextField(max_length=2000)


class HistorySerializer(ModelSerializer):
    actor = ActorField()

    class Meta:
        model = StatusHistory
        fields = ["id", "kind", "from_status", "to_status", "actor", "note", "created_at"]
        read_only_fields = fields
