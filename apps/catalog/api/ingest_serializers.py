"""Output shapes of uploads, versions and the preview."""

from rest_framework import serializers

from apps.catalog.models import DatasetUpload, DatasetVersion


class DatasetVersionSerializer(serializers.ModelSerializer):
    rows = serializers.IntegerField(source="row_count")
    bytes = serializers.IntegerField(source="byte_size")

    class Meta:
        model = DatasetVersion
        fields = ["id", "number", "rows", "bytes", "sha256", "schema", "created_at"]


class DatasetUploadSerializer(serializers.ModelSerializer):
    progress = serializers.FloatField(read_only=True)
    version = DatasetVersionSerializer(read_only=True)

    class Meta:
        model = DatasetUpload
        fields = [
            "id", "resource", "original_name", "size_bytes", "detected_format",
            "detected_encoding", "status", "progress", "bytes_processed", "rows_processed",
            "problem_count", "error", "version", "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class DatasetUploadDetailSerializer(DatasetUploadSerializer):
    """The detail adds the report: first problems as {row, column, value, code, reason}."""

    class Meta(DatasetUploadSerializer.Meta):
        fields = [*DatasetUploadSerializer.Meta.fields, "problems"]
        read_only_fields = fields


class UploadRequestSerializer(serializers.Serializer):
    file = serializers.FileField()


class PreviewColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    masking = serializers.CharField()


class PreviewSerializer(serializers.Serializer):
    version = DatasetVersionSerializer(allow_null=True)
    columns = PreviewColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.ListField(allow_null=True))
