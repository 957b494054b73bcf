"""Column kernels in pyarrow.compute for the masks whose values are all distinct (ID
numbers, mobiles, cards, e-mails), where masking each distinct value in Python would be
the bottleneck of a million-row export.

Each kernel takes a string Array and returns (masked, handled): `handled` is False where
the value is not well formed for the kernel (or null); apps.security.masking masks those
rows with the Python functions of apps.security.kinds, so both paths give the same text.
"""

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

ID18 = r"^\d{17}[\dX]$"
ID15 = r"^\d{15}$"
SEPARATORS = r"[\s\-]"
MOBILE_PREFIXED = r"^(\+86|0086|86)1\d{10}$"


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _slice(values, start, stop=None):
    return pc.utf8_slice_codeunits(values, start=start, stop=stop)


def _handled(*conditions) -> pa.Array:
    mask = conditions[0]
    for condition in conditions[1:]:
        mask = pc.or_(mask, condition)
    return pc.fill_null(mask, False)


def _normal_id(values):
    # ASCII case and whitespace only: anything else fails the ASCII patterns below and
    # goes the Python way.
    return pc.ascii_upper(pc.ascii_trim_whitespace(values))


def id_number(values):
    text = _normal_id(values)
    is18, is15 = pc.match_substring_regex(text, ID18), pc.match_substring_regex(text, ID15)
    masked18 = pc.utf8_replace_slice(text, start=6, stop=14, replacement="********")
    masked15 = pc.utf8_replace_slice(text, start=6, stop=12, replacement="******")
    return pc.if_else(is18, masked18, masked15), _handled(is18, is15)


def mobile(values):
    text = pc.replace_substring_regex(values, SEPARATORS, "")
    prefixed = pc.match_substring_regex(text, MOBILE_PREFIXED)
    core = pc.if_else(prefixed, _slice(text, -11), text)
    valid = pc.match_substring_regex(core, r"^1\d{10}$")
    masked = pc.utf8_replace_slice(core, start=3, stop=7, replacement="****")
    masked = pc.if_else(prefixed, _join("+86 ", masked), masked)
    return masked, _handled(valid)


def bank_card(values):
    text = pc.replace_substring_regex(values, SEPARATORS, "")
    valid = pc.fill_null(pc.match_substring_regex(text, r"^\d{12,19}$"), False)
    stars = pc.binary_repeat("*", pc.max_element_wise(pc.subtract(pc.utf8_length(text), 10), 0))
    return _join(_slice(text, 0, 6), stars, _slice(text, -4)), valid


def _email_parts(values):
    # Printable ASCII without `*` only: the rest (and a local part of stars, which the
    # mask would echo) goes the Python way, whose whitespace rules differ from RE2's.
    plain = pc.match_substring_regex(values, r"^[!-)+-~]+$")
    parts = pc.extract_regex(values, r"^(?P<local>.+)@(?P<domain>[^@]+)$")
    local, domain = pc.struct_field(parts, "local"), pc.struct_field(parts, "domain")
    return local, domain, _handled(pc.and_(plain, pc.is_valid(parts)))


def email(values):
    local, domain, valid = _email_parts(values)
    head = pc.if_else(pc.greater(pc.utf8_length(local), 2), _slice(local, 0, 1), "")
    return _join(head, "***@", domain), valid


def email_domain(values):
    _, domain, valid = _email_parts(values)
    return pc.utf8_lower(domain), valid


def _birth(values):
    text = _normal_id(values)
    is18, is15 = pc.match_substring_regex(text, ID18), pc.match_substring_regex(text, ID15)
    digits = pc.if_else(is18, _slice(text, 6, 14), _join("19", _slice(text, 6, 12)))
    born = pc.strptime(digits, format="%Y%m%d", unit="s", error_is_null=True)
    plausible = pc.greater_equal(pc.year(born), 1000)  # year 0 and the like: Python decides
    return born, _handled(pc.and_(_handled(is18, is15), pc.fill_null(plausible, False)))


def birth_year(values):
    born, valid = _birth(values)
    return pc.cast(pc.year(born), pa.string()), valid


def age_band(values, *, today: date | None = None):
    born, valid = _birth(values)
    today = today or date.today()
    before_birthday = pc.greater(
        pc.add(pc.multiply(pc.month(born), 100), pc.day(born)), today.month * 100 + today.day
    )
    age = pc.subtract(pc.subtract(today.year, pc.year(born)), pc.cast(before_birthday, pa.int64()))
    low = pc.multiply(pc.divide(age, 10), 10)
    band = _join(pc.cast(low, pa.string()), "-", pc.cast(pc.add(low, 9), pa.string()))
    band = pc.if_else(pc.greater_equal(age, 80), "80+", band)
    # A birth date in the future is left to the Python path, which withholds it.
    return band, _handled(pc.and_(valid, pc.greater_equal(age, 0)))


KERNELS = {
    "id_number": id_number,
    "mobile": mobile,
    "bank_card": bank_card,
    "email": email,
    "email_domain": email_domain,
    "birth_year": birth_year,
    "age_band": age_band,
}
