"""The default masking rules as pure functions."""

import pytest

from apps.catalog.masking import mask_value


@pytest.mark.parametrize(
    ("rule", "value", "masked"),
    [
        ("none", "张三", "张三"),
        ("id_number", "11010119900307123X", "110101********123X"),
        ("mobile", "13812345678", "138****5678"),
        ("name", "张三丰", "张**"),
        ("name", "欧阳娜娜", "欧阳**"),
        ("name", "Zhang San Feng", "***** *** Feng"),
        ("address", "北京市东城区东华门街道1号", "北京市东城区****"),
        ("address", "北京", "北****"),
        ("partial", "abcdef", "a****f"),
        ("partial", "ab", "a*"),
        ("id_number", "12345", "*****"),
        ("redact", "anything", None),
        ("mobile", None, None),
    ],
)
def test_rules(rule, value, masked):
    assert mask_value(rule, value, key="k") == masked


def test_hash_is_keyed_stable_and_short():
    first = mask_value("hash", "13812345678", key="secret")
    assert first == mask_value("hash", "13812345678", key="secret")
    assert first != mask_value("hash", "13812345678", key="other")
    assert len(first) == 16
    assert "1381234" not in first
