import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.operators.credit_code import ALPHABET, check_character, validate_credit_code

digits = st.text(alphabet="0123456789", min_size=6, max_size=6)
chars = st.text(alphabet=ALPHABET, min_size=1, max_size=1)
body = st.text(alphabet=ALPHABET, min_size=9, max_size=9)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"])
def test_real_codes_are_valid(code):
    assert validate_credit_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y44",  # wrong check character
        "91350100M000100O43",  # O is not in the alphabet
        "91350100m000100Y43",  # lower case is not normalized here
        "913501A0M000100Y43",  # division code must be digits
        None,
    ],
)
def test_invalid_codes_are_refused(code):
    assert not validate_credit_code(code)


@given(chars, chars, digits, body)
def test_a_computed_check_character_always_validates(a, b, division, org):
    first = a + b + division + org
    assert validate_credit_code(first + check_character(first))


@given(chars, chars, digits, body, st.integers(0, 16), chars)
def test_any_single_substitution_is_detected(a, b, division, org, position, replacement):
    first = a + b + division + org
    code = first + check_character(first)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code and changed[2:8].isdigit():
        assert not validate_credit_code(changed)
