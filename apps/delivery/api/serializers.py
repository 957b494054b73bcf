"""Serializers of statements and a grant's usage (read only)."""

import re
from datetime import date

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.delivery.models import Statement, StatementLine

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class MonthField(serializers.CharField):
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
    product = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class StatementLineSerializer(serializers.ModelSerializer):
    grant_number = serializers.CharField(source="grant.number", read_only=True)
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


class StatementSerializer(serializers.ModelSerializer):
    month = MonthField(read_only=True)
    merchant_name = serializers.CharField(source="merchant.name", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
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
    day = serializers.DateField()
    calls = serializers.IntegerField()
    rows = serializers.IntegerField()
    bytes = serializers.IntegerField()


class UsageSerializer(serializers.Serializer):
    grant = serializers.IntegerField()
    calls_per_day = serializers.IntegerField(allow_null=True)
    rows_per_day = serializers.IntegerField(allow_null=True)
    days = UsageDaySerializer(many=True)
