"""What each kind of personal value looks like, and how much of it a mask may keep.

Pure functions on text, no Django. Every partial mask keeps a documented head and tail of
a well-formed value and stars the rest; a value that is not well formed for its kind gets
the generic `partial` mask instead, which never keeps more than a third of it. The
generalizations return None when they cannot read the value (fail closed).
"""

import re
from datetime import date

STAR = "*"
KINDS = ("text", "id_number", "mobile", "name", "address", "bank_card", "email")

# Compiled once: masking runs on million-row exports.
ID18 = re.compile(r"\d{17}[\dX]")
ID15 = re.compile(r"\d{15}")
MOBILE_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=1\d{10}$)")
MOBILE = re.compile(r"1\d{10}")
SEPARATORS = re.compile(r"[\s\-]")
CARD = re.compile(r"\d{12,19}")
# Province / prefecture / county levels of a Chinese address, each optional but in order.
REGION = re.compile(
    r"^(?:[^省市区县旗盟州]{2,8}?(?:省|自治区|特别行政区))?"
    r"(?:[^省市区县旗盟州]{1,10}?(?:市|自治州|地区|盟))?"
    r"(?:[^省市区县旗盟州]{1,10}?(?:区|县|市|旗))?"
)
COMPOUND_SURNAMES = frozenset(
    {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容"}
    | {"长孙", "宇文", "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门"}
)


def generic(value: str) -> str:
    """First and last character of 6+ characters, the first of 3-5, none of 1-2: at most
    a third of the value, and the length stays visible."""
    n = len(value)
    if n < 3:
        return STAR * n
    if n < 6:
        return value[0] + STAR * (n - 1)
    return value[0] + STAR * (n - 2) + value[-1]


def normal_id(value: str) -> str:
    return value.strip().upper()


def normal_mobile(value: str) -> str:
    return MOBILE_PREFIX.sub("", SEPARATORS.sub("", value))


def normal_card(value: str) -> str:
    return SEPARATORS.sub("", value)


def normal_email(value: str) -> str:
    return value.strip().lower()


# How a keyed hash reads each kind: the same person written two ways is one pseudonym.
NORMALIZE = {
    "id_number": normal_id,
    "mobile": normal_mobile,
    "bank_card": normal_card,
    "email": normal_email,
    "name": str.strip,
    "address": str.strip,
}


def id_number(value: str) -> str:
    """18 characters: first 6 (region) and last 4; 15 digits: first 6 and last 3."""
    text = normal_id(value)
    if ID18.fullmatch(text):
        return text[:6] + STAR * 8 + text[-4:]
    if ID15.fullmatch(text):
        return text[:6] + STAR * 6 + text[-3:]
    return generic(value)


def mobile(value: str) -> str:
    """11 digits starting with 1: first 3 and last 4; a +86 / 0086 prefix is kept as +86."""
    text = normal_mobile(value)
    if not MOBILE.fullmatch(text):
        return generic(value)
    masked = text[:3] + STAR * 4 + text[-4:]
    return "+86 " + masked if text != SEPARATORS.sub("", value) else masked


def name(value: str) -> str:
    """Chinese names keep the family name (two characters for a compound one); names in
    Latin script keep the last word; every other character is starred."""
    text = value.strip()
    if " " in text:
        *given, family = text.split()
        return " ".join(STAR * len(part) for part in given) + " " + generic(family)
    if len(text) < 2:
        return STAR * len(text)
    keep = 2 if text[:2] in COMPOUND_SURNAMES and len(text) > 2 else 1
    return text[:keep] + STAR * (len(text) - keep)


def address(value: str) -> str:
    """At most the first 6 characters and never more than half; a fixed tail of four
    stars, so the length of the address is not shown."""
    text = value.strip()
    return text[: min(6, len(text) // 2)] + STAR * 4


def bank_card(value: str) -> str:
    """12-19 digits: first 6 (the issuer) and last 4, as payment cards are printed."""
    text = normal_card(value)
    if not CARD.fullmatch(text):
        return generic(value)
    return text[:6] + STAR * (len(text) - 10) + text[-4:]


def email(value: str) -> str:
    """First character of the local part, three stars, the domain."""
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or not domain:
        return generic(value)
    return (local[0] if len(local) > 2 else "") + STAR * 3 + "@" + domain


PARTIAL = {
    "text": generic,
    "id_number": id_number,
    "mobile": mobile,
    "name": name,
    "address": address,
    "bank_card": bank_card,
    "email": email,
}


def birth_date(value: str) -> date | None:
    text = normal_id(value)
    if ID18.fullmatch(text):
        digits = text[6:14]
    elif ID15.fullmatch(text):
        digits = "19" + text[6:12]
    else:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def birth_year(value: str) -> str | None:
    born = birth_date(value)
    return str(born.year) if born else None


def age_band(value: str, *, today: date | None = None) -> str | None:
    """Ten-year bands ("30-39"), "80+" at the top; None for a birth date in the future."""
    born = birth_date(value)
    if born is None:
        return None
    today = today or date.today()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < 0:
        return None
    if age >= 80:
        return "80+"
    low = age // 10 * 10
    return f"{low}-{low + 9}"


def region(value: str) -> str | None:
    """The province, city and district (county) at the start of an address, as far as
    they are written; None when the address starts with none of them."""
    found = REGION.match(value.strip())
    return found.group(0) if found and found.group(0) else None


def email_domain(value: str) -> str | None:
    local, at, domain = value.strip().rpartition("@")
    return domain.lower() if at and local and domain else None
