"""The catalog's preview masks with the very function delivery uses (apps.security.masking
registers it at start-up): one implementation, so what a provider previews is what a data
user would receive. The masks' own properties are tested in tests/security/test_masking.py."""

import pytest

from apps.catalog.masking import mask_value
from apps.security import masking as security


@pytest.mark.parametrize(
    ("rule", "value"),
    [
        ("id_number", "11010119900307123X"),
        ("mobile", "13812345678"),
        ("name", "张三丰"),
        ("name", "欧阳娜娜"),
        ("address", "北京市东城区东华门街道1号"),
        ("partial", "abcdef"),
        ("bank_card", "6222020200112233445"),
        ("email", "zhang.san@example.com"),
        ("birth_year", "11010119900307123X"),
        ("hash", "13812345678"),
    ],
)
def test_the_catalog_masks_as_delivery_does(rule, value):
    masked = mask_value(rule, value)
    assert masked == security.mask_value(rule, value)
    assert masked is not None and value not in masked


@pytest.mark.parametrize("rule", ["id_number", "mobile", "hash", "redact"])
def test_none_stays_none(rule):
    assert mask_value(rule, None) is None


def test_removal_removes_and_none_keeps():
    assert mask_value("redact", "anything") is None
    assert mask_value("none", "张三") == "张三"
