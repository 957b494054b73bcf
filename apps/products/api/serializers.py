from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.catalog.choices import Classification, MaskingRule
from apps.core.api.serializers import (
    ActorField,
    CharField,
    ModelSerializer,
    StrictSerializer,
    TextField,
)
from apps.core.converters import ID_MAX
from apps.products.choices import DeliveryMode, FilterOp, PricingModel, ProductStatus, UseType
from apps.products.models import DataProduct, ProductSource, ProductTerms
from apps.products.validation import MAX_CALLS_PER_DAY, MAX_ROWS_PER_DAY
from apps.workflow import policy
from apps.workflow.models import StatusHistory

NAME = 100  # longest scenario name, search text


class ConditionSerializer(StrictSerializer):
    field = CharField(max_length=64)
    op = serializers.ChoiceField(FilterOp.choices)
    value = serializers.JSONField(help_text="scalar, [values] for in, [low, high] for range")


class ExposedFieldSerializer(StrictSerializer):
    name = CharField(max_length=64)
    masking = serializers.ChoiceField(
        MaskingRule.choices, required=False, help_text="default: the field's default masking"
    )


class SourceWriteSerializer(StrictSerializer):
    resource = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    pinned_version = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, required=False, allow_null=True
    )
    fields = ExposedFieldSerializer(many=True, max_length=200)
    row_filter = ConditionSerializer(many=True, required=False, max_length=20)


class ProductWriteSerializer(StrictSerializer):
    agreement = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    name = CharField(max_length=200)
    name_en = CharField(max_length=200, required=False, allow_blank=True)
    description = TextField(max_length=5000, required=False, allow_blank=True)
    description_en = TextField(max_length=5000, required=False, allow_blank=True)
    sources = SourceWriteSerializer(many=True, max_length=20)
    delivery_modes = serializers.ListField(
        child=serializers.ChoiceField(DeliveryMode.choices), max_length=3
    )
    scenarios = serializers.ListField(child=CharField(max_length=NAME), max_length=50)
    use_type = serializers.ChoiceField(UseType.choices)
    pricing_model = serializers.ChoiceField(PricingModel.choices, required=False)
    price = serializers.DecimalField(12, 2, min_value=0, required=False)
    max_rows_per_day = serializers.IntegerField(
        min_value=1, max_value=MAX_ROWS_PER_DAY, required=False, allow_null=True
    )
    max_calls_per_day = serializers.IntegerField(
        min_value=1, max_value=MAX_CALLS_PER_DAY, required=False, allow_null=True
    )
    terms = TextField(max_length=50_000)


class ProductNoteSerializer(StrictSerializer):
    note = TextField(required=False, allow_blank=True, max_length=2000)


class ProductReasonSerializer(StrictSerializer):
    reason = TextField(max_length=2000, allow_blank=True)


class ListParamsSerializer(serializers.Serializer):
    """Query parameters of the product list (unknown ones are ignored, as DRF's paging
    adds its own)."""

    q = CharField(max_length=NAME, required=False, allow_blank=True)
    operator = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False)
    scenario = CharField(max_length=NAME, required=False)
    delivery_mode = serializers.ChoiceField(DeliveryMode.choices, required=False)
    use_type = serializers.ChoiceField(UseType.choices, required=False)
    pricing_model = serializers.ChoiceField(PricingModel.choices, required=False)
    theme = CharField(max_length=8, required=False)
    classification = serializers.ChoiceField(Classification.choices, required=False)
    status = serializers.ChoiceField(ProductStatus.choices, required=False)
    mine = serializers.BooleanField(required=False)


class SourceSerializer(ModelSerializer):
    resource = serializers.SerializerMethodField()
    pinned_version = serializers.IntegerField(
        source="pinned_version.number", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = ProductSource
        fields = ["resource", "pinned_version", "fields", "row_filter"]

    @extend_schema_field(
        {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
    )
    def get_resource(self, obj) -> dict:
        r = obj.resource
        return {
            "id": r.pk,
            "name": r.name,
            "name_en": r.name_en,
            "classification": r.classification,
            "themes": [t.code for t in r.themes.all()],
        }


class ProductSerializer(ModelSerializer):
    operator = serializers.SerializerMethodField()
    sources = SourceSerializer(many=True, read_only=True)
    terms_version = serializers.SerializerMethodField()

    class Meta:
        model = DataProduct
        exclude = ["created_by"]
        read_only_fields = [f.name for f in DataProduct._meta.fields]

    @extend_schema_field(
        {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
    )
    def get_operator(self, obj) -> dict:
        return {"id": obj.operator_id, "name": obj.operator.name}

    def get_terms_version(self, obj) -> int | None:
        terms = list(obj.terms.all())  # prefetched newest first
        return terms[0].version if terms else None

    def to_representation(self, product):
        # Non-parties read the public fields (apps.products.rules).
        request = self.context.get("request")
        data = super().to_representation(product)
        return policy.drop_unreadable(getattr(request, "user", None), product, data)


class TermsSerializer(ModelSerializer):
    class Meta:
        model = ProductTerms
        fields = ["version", "text", "created_at"]
        read_only_fields = fields


class EventSerializer(ModelSerializer):
    actor = ActorField()

    class Meta:
        model = StatusHistory
        fields = ["id", "from_status", "to_status", "actor", "note", "created_at"]
        read_only_fields = fields


class DisclosedProductSerializer(ModelSerializer):
    """What the operator's public disclosure shows of a listed product: what, at what price."""

    operator = CharField(source="operator.name")

    class Meta:
        model = DataProduct
        fields = ["id", "operator", "name", "name_en", "use_type", "pricing_model", "price",
                  "scenarios", "delivery_modes", "listed_at"]  # fmt: skip
        read_only_fields = fields
