"""Output shapes of uploads, versions and the preview."""

from rest_framework import serializers

from apps.catalog.models import DatasetUpload, DatasetVersion
from apps.core.api.serializers import CharField, JSONField, ModelSerializer


class DatasetVersionSerializer(ModelSerializer):
    rows = serializers.IntegerField(source="row_count")
    bytes = serializers.IntegerField(source="byte_size")

    class Meta:
        model = DatasetVersion
        fields = ["id", "number", "rows", "bytes", "sha256", "schema", "created_at"]


class DatasetUploadSerializer(ModelSerializer):
    progress = serializers.FloatField(read_only=True)
    version = DatasetVersionSerializer(read_only=True)

    class Meta:
        model = DatasetUpload
        fields = [
            "id", "resource", "original_name", "size_bytes", "detected_format",
            "detected_encoding", "status", "progress", "bytes_processed", "rows_processed",
            "problem_count", "normalized", "column_mapping", "error", "version", "created_at",
            "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class DatasetUploadDetailSerializer(DatasetUploadSerializer):
    """The detail adds the report: first problems as {row, column, value, code, reason}."""

    class Meta(DatasetUploadSerializer.Meta):
        fields = [*DatasetUploadSerializer.Meta.fields, "problems"]
        read_only_fields = fields


class UploadRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    mapping = JSONField(
        required=False,
        help_text=(
            'Optional, a JSON object: file column → field name, or "" (or null) to leave the '
            "column out. Needed when a column matches no field by name, Chinese label or "
            "English label (compared without case, surrounding spaces or full-width forms). "
            "Saved for the resource's next uploads."
        ),
    )


class UnmatchedColumnsDetailsSerializer(serializers.Serializer):
    """Present with code `unmatched_columns`; the other 422 codes (`unsupported_format`,
    `unknown_encoding`, ...) carry none of them (`details` is `{}`)."""

    unmatched_columns = serializers.ListField(child=CharField(), required=False)
    duplicate_columns = serializers.ListField(child=CharField(), required=False)
    missing_fields = serializers.ListField(child=CharField(), required=False)
    columns = serializers.ListField(
        child=CharField(), required=False, help_text="The file's header."
    )
    matched = serializers.DictField(
        child=CharField(),
        required=False,
        help_text="column → field, for the columns that matched",
    )
    fields = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="The resource's fields: name, label, label_en.",
    )


class UnmatchedColumnsSerializer(serializers.Serializer):
    """The 422 answer: with code `unmatched_columns` when the header does not fill the
    fields (the details say how), or another code when the file cannot be read."""

    code = CharField()
    message = CharField()
    details = UnmatchedColumnsDetailsSerializer()


class PreviewColumnSerializer(serializers.Serializer):
    name = CharField()
    label = CharField()
    masking = CharField()


class PreviewSerializer(serializers.Serializer):
    version = DatasetVersionSerializer(allow_null=True)
    columns = PreviewColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.ListField(allow_null=True))
