from rest_framework import serializers

from apps.catalog.choices import Classification, DataFormat, OpenType, UpdateFrequency
from apps.catalog.models import DataResource
from apps.core.api.serializers import CharField, ModelSerializer, URLField


class SearchParamsSerializer(serializers.Serializer):
    """Query-string parameters of the search endpoint."""

    q = CharField(required=False, allow_blank=True, max_length=200)
    provider = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    theme = CharField(required=False, max_length=8)
    classification = serializers.ChoiceField(Classification.choices, required=False)
    open_type = serializers.ChoiceField(OpenType.choices, required=False)
    format = serializers.ChoiceField(DataFormat.choices, required=False)
    update_frequency = serializers.ChoiceField(UpdateFrequency.choices, required=False)
    cursor = CharField(required=False, max_length=100)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)


class ProviderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = CharField()
    name_en = CharField()


class SearchResultSerializer(ModelSerializer):
    """Metadata only: a search result never carries data rows."""

    provider = ProviderSerializer()
    themes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    format = CharField(source="data_format")

    class Meta:
        model = DataResource
        fields = [
            "id",
            "name",
            "name_en",
            "description",
            "provider",
            "themes",
            "tags",
            "classification",
            "open_type",
            "format",
            "update_frequency",
            "status",
            "registry_code",
            "registered_at",
            "updated_at",
        ]


class FacetEntrySerializer(serializers.Serializer):
    value = CharField()
    label = CharField()
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    provider = FacetEntrySerializer(many=True)
    theme = FacetEntrySerializer(many=True)
    classification = FacetEntrySerializer(many=True)
    open_type = FacetEntrySerializer(many=True)
    format = FacetEntrySerializer(many=True)
    update_frequency = FacetEntrySerializer(many=True)


class SearchResponseSerializer(serializers.Serializer):
    next = URLField(allow_null=True)
    results = SearchResultSerializer(many=True)
    facets = FacetsSerializer()
    facets_exact = serializers.BooleanField(
        help_text="False when a broad query's facets were counted over its first matches only."
    )
