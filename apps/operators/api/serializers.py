from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import (
    ActorField,
    CharField,
    DateField,
    ModelSerializer,
    StrictSerializer,
    TextField,
)
from apps.core.converters import ID_MAX
from apps.operators.choices import AgreementMode, CreditStatus, DocumentKind, ProtectionLevel
from apps.operators.models import (
    AgreementScope,
    AnnualReport,
    AuthorizationAgreement,
    OperatorProfile,
    QualificationDocument,
)
from apps.workflow import policy
from apps.workflow.models import Objection, StatusHistory

# OpenAPI responses of a stored-document download: files are sniffed on upload
# (apps.operators.files) and are PDF, PNG or JPEG.
DOWNLOAD = {
    (200, media): OpenApiTypes.BINARY for media in ("application/pdf", "image/png", "image/jpeg")
}


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "code": {"type": "string"},
        },
    }
)
class OrgField(serializers.Field):
    def to_representation(self, org):
        return {"id": org.pk, "name": org.name, "code": org.code}


class ProfileWriteSerializer(StrictSerializer):
    credit_code = CharField(max_length=30)
    legal_representative = CharField(max_length=100)
    registered_address = CharField(max_length=300)
    protection_level = serializers.ChoiceField(
        ProtectionLevel.choices, required=False, allow_blank=True
    )
    protection_expires_on = DateField(required=False, allow_null=True)
    crypto_assessed = serializers.BooleanField(required=False)
    crypto_expires_on = DateField(required=False, allow_null=True)
    security_officer_name = CharField(max_length=100, required=False, allow_blank=True)
    security_officer_contact = CharField(max_length=100, required=False, allow_blank=True)


class ProfileSerializer(ModelSerializer):
    organization = OrgField(read_only=True)

    class Meta:
        model = OperatorProfile
        fields = "__all__"
        read_only_fields = [f.name for f in OperatorProfile._meta.fields]


class DocumentSerializer(ModelSerializer):
    class Meta:
        model = QualificationDocument
        fields = [
            "id",
            "kind",
            "original_name",
            "content_type",
            "size_bytes",
            "sha256",
            "created_at",
        ]
        read_only_fields = fields


class DocumentUploadSerializer(StrictSerializer):
    kind = serializers.ChoiceField(DocumentKind.choices)
    file = serializers.FileField()


class QualificationEventSerializer(ModelSerializer):
    actor = ActorField()
    reason = CharField(source="note", read_only=True)

    class Meta:
        model = StatusHistory
        fields = ["id", "from_status", "to_status", "actor", "reason", "created_at"]
        read_only_fields = fields


class OperatorNoteSerializer(StrictSerializer):
    note = TextField(required=False, allow_blank=True, max_length=2000)


class ReasonSerializer(StrictSerializer):
    reason = TextField(max_length=2000, allow_blank=True)


class CreditStatusSerializer(StrictSerializer):
    credit_status = serializers.ChoiceField(CreditStatus.choices)
    reason = TextField(max_length=2000, allow_blank=True)


class ScopeRowSerializer(StrictSerializer):
    resource = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    fields = serializers.ListField(
        child=CharField(max_length=64), required=False, allow_null=True, default=None
    )


class AgreementWriteSerializer(StrictSerializer):
    number = CharField(max_length=40, required=False, allow_blank=True)
    operator = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="regulators only"
    )
    authority = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="operators only"
    )
    title = CharField(max_length=200)
    mode = serializers.ChoiceField(AgreementMode.choices)
    domain = CharField(max_length=100, required=False, allow_blank=True, default="")
    term_start = DateField()
    term_end = DateField()
    max_revenue = serializers.DecimalField(16, 2, required=False, allow_null=True, min_value=0)
    price_cap = serializers.DecimalField(14, 2, required=False, allow_null=True, min_value=0)
    security_obligations = TextField(required=False, allow_blank=True)
    allowed_scenarios = serializers.ListField(
        child=CharField(max_length=100), required=False, max_length=50
    )
    prohibited_uses = serializers.ListField(
        child=CharField(max_length=100), required=False, max_length=50
    )
    scope = ScopeRowSerializer(many=True, required=False)


class ScopeSerializer(ModelSerializer):
    resource = serializers.SerializerMethodField()

    class Meta:
        model = AgreementScope
        fields = ["resource", "fields"]

    def get_resource(self, obj) -> dict:
        r = obj.resource
        return {"id": r.pk, "name": r.name, "registry_code": r.registry_code}


class AgreementSerializer(ModelSerializer):
    operator = OrgField(read_only=True)
    authority = OrgField(read_only=True)
    scope = ScopeSerializer(many=True, read_only=True)

    class Meta:
        model = AuthorizationAgreement
        exclude = ["document_path", "created_by"]
        read_only_fields = [f.name for f in AuthorizationAgreement._meta.fields]

    def to_representation(self, agreement):
        # Non-parties read what the public disclosure shows (apps.operators.rules).
        request = self.context.get("request")
        data = super().to_representation(agreement)
        return policy.drop_unreadable(getattr(request, "user", None), agreement, data)


class AgreementEventSerializer(ModelSerializer):
    actor = ActorField()

    class Meta:
        model = StatusHistory
        fields = ["id", "from_status", "to_status", "actor", "note", "created_at"]
        read_only_fields = fields


class AgreementObjectionSerializer(ModelSerializer):
    agreement = serializers.IntegerField(source="notice.object_id", read_only=True)

    class Meta:
        model = Objection
        fields = ["id", "agreement", "reason", "created_at"]
        read_only_fields = fields


class DiffRowSerializer(serializers.Serializer):
    field = CharField()
    label = CharField()
    before = CharField()
    after = CharField()


class ScopeCheckSerializer(StrictSerializer):
    resource = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    fields = serializers.ListField(child=CharField(max_length=64), required=False)
    scenario = CharField(max_length=100, required=False)
    on = DateField(required=False)


class ScopeDecisionSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason_code = CharField()
    reason = CharField()


class DocumentOnlySerializer(StrictSerializer):
    file = serializers.FileField()


class ReportSerializer(ModelSerializer):
    operator = OrgField(read_only=True)
    filed_by = CharField(source="filed_by.username", read_only=True)

    class Meta:
        model = AnnualReport
        exclude = ["attachment_path", "reviewed_by"]
        read_only_fields = [f.name for f in AnnualReport._meta.fields]


class ReportWriteSerializer(StrictSerializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    content = TextField(max_length=100_000)
    attachment = serializers.FileField(required=False)


class DisclosureSerializer(ModelSerializer):
    """What the public sees: who, over what, for how long, at what caps."""

    operator = CharField(source="operator.name")
    authority = CharField(source="authority.name")
    scope = ScopeSerializer(many=True, read_only=True)

    class Meta:
        model = AuthorizationAgreement
        fields = [
            "number",
            "version",
            "title",
            "operator",
            "authority",
            "mode",
            "domain",
            "term_start",
            "term_end",
            "max_revenue",
            "price_cap",
            "allowed_scenarios",
            "prohibited_uses",
            "scope",
            "effective_at",
        ]
        read_only_fields = fields
