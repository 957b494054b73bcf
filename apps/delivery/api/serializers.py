"""Serializers of the delivery API: sandbox queries (what a client sends and what the
history shows), statements and a grant's usage (read only)."""

import re
from datetime import date

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import (
    CharField,
    DateField,
    ModelSerializer,
    StrictSerializer,
    TextField,
)
from apps.core.converters import ID_MAX
from apps.delivery.models import SandboxQuery, Statement, StatementLine
from apps.delivery.sandbox_labels import refusal_label
from apps.workflow import policy


class SandboxRequestSerializer(StrictSerializer):
    # No length limit here: an over-long query is refused by the sandbox (sql_too_long)
    # and recorded like every other refusal.
    sql = TextField(allow_blank=True, trim_whitespace=False)
    source = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class SandboxResultSerializer(serializers.Serializer):
    query = serializers.IntegerField()
    view = CharField()
    k = serializers.IntegerField()
    columns = serializers.ListField(child=CharField())
    rows = serializers.ListField(child=serializers.ListField())


class SandboxQuerySerializer(ModelSerializer):
    user = CharField(source="user.username", read_only=True)
    api_key = CharField(source="api_key.prefix", read_only=True, default=None)
    refusal_label = serializers.SerializerMethodField()

    class Meta:
        model = SandboxQuery
        fields = [
            "id", "sql", "decision", "refusal_code", "refusal_message", "refusal_label",
            "rows_released", "duration_ms", "dataset_version", "user", "api_key",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_refusal_label(self, record) -> str:
        return refusal_label(record.refusal_code) if record.refusal_code else ""

    def to_representation(self, record):
        # Who asked: for the merchant and the regulator only (apps.delivery.rules).
        request = self.context.get("request")
        data = super().to_representation(record)
        return policy.drop_unreadable(getattr(request, "user", None), record, data)


MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class MonthField(CharField):
    """`YYYY-MM` → the month's first day."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if not MONTH.fullmatch(text) or int(text[:4]) < 2000:
            raise serializers.ValidationError(_("Give the month as YYYY-MM."), code="invalid")
        return date(int(text[:4]), int(text[5:]), 1)

    def to_representation(self, value):
        return value.strftime("%Y-%m")


class StatementParamsSerializer(serializers.Serializer):
    month = MonthField(required=False)
    product = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)


class StatementLineSerializer(ModelSerializer):
    grant_number = CharField(source="grant.number", read_only=True)
    grant_version = serializers.IntegerField(source="grant.version", read_only=True)

    class Meta:
        model = StatementLine
        fields = [
            "grant",
            "grant_number",
            "grant_version",
            "use_type",
            "pricing_model",
            "price",
            "calls",
            "rows",
            "bytes",
            "amount",
        ]


class StatementSerializer(ModelSerializer):
    month = MonthField(read_only=True)
    merchant_name = CharField(source="merchant.name", read_only=True)
    product_name = CharField(source="product.name", read_only=True)
    lines = StatementLineSerializer(many=True, read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "month",
            "status",
            "merchant",
            "merchant_name",
            "product",
            "product_name",
            "calls",
            "rows",
            "bytes",
            "amount",
            "generated_at",
            "lines",
        ]


class UsageParamsSerializer(serializers.Serializer):
    days = serializers.IntegerField(required=False, min_value=1, max_value=366, default=30)


class UsageDaySerializer(serializers.Serializer):
    day = DateField()
    calls = serializers.IntegerField()
    rows = serializers.IntegerField()
    bytes = serializers.IntegerField()


class UsageSerializer(serializers.Serializer):
    grant = serializers.IntegerField()
    calls_per_day = serializers.IntegerField(allow_null=True)
    rows_per_day = serializers.IntegerField(allow_null=True)
    days = UsageDaySerializer(many=True)
