"""Server-side masking of delivered values ("usable but not visible").

Contract
--------
`mask_value(rule, value, *, kind_hint=None, key_id=None, scope="")` masks one value;
`mask_values(rule, values, ...)` masks a pyarrow Array / ChunkedArray or a list and
returns a pyarrow string Array of the same length. `rule` is a catalog
`MaskingRule` value, the vocabulary products already store:

- `none`: the value as text.
- partial masks: `partial` (generic, or the kind's own mask when `kind_hint` names one),
  `id_number` (first 6 and last 4 of 18 characters, last 3 of 15 digits), `mobile`
  (first 3 and last 4 of 11 digits, `+86` / `0086` accepted), `name` (the family name),
  `address` (at most the first 6 characters and half of them, then `****`), `bank_card`
  (first 6 and last 4 digits), `email` (first character of the local part and the
  domain). A value not well formed for its kind gets the generic mask, which keeps at most
  a third of it (none of a 1-2 character value).
- `hash`: a keyed pseudonym `h1:<key id>:<32 hex>`, HMAC-SHA256 with the key named by
  `key_id` (default `CATALOG_PSEUDONYM_KEY_ID`) from `CATALOG_PSEUDONYM_KEYS` (environment;
  tests have a fixed key). The value is normalized for its kind first (`+86` dropped, `x`
  upper-cased, spaces of a card number removed), so one person is one pseudonym. `scope`
  (e.g. a grant id) separates pseudonym spaces: two grants' pseudonyms do not join.
- generalizations: `birth_year` and `age_band` (from an ID number), `region` (the
  province / city / district at the start of an address), `email_domain`.
- `redact`: None.

None stays None. Whatever the rule, a masked value never contains the whole original
(of 2+ characters): a result that would (an original made of `*`, an address that is
only its district) is withheld as None; a pseudonym whose digest would show the value by
chance is derived again with a counter.
"""

import hashlib
from collections.abc import Iterable
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from apps.catalog.choices import MaskingRule
from apps.security import kinds, vector

HASH_VERSION = "h1"
HASH_HEX_DIGITS = 32  # 128 bits: no collision across any dataset this platform holds

# The kind a rule implies; `partial` and `hash` take the caller's kind_hint.
RULE_KIND = {
    MaskingRule.ID_NUMBER: "id_number",
    MaskingRule.MOBILE: "mobile",
    MaskingRule.NAME: "name",
    MaskingRule.ADDRESS: "address",
    MaskingRule.BANK_CARD: "bank_card",
    MaskingRule.EMAIL: "email",
}
GENERALIZE = {
    MaskingRule.BIRTH_YEAR: kinds.birth_year,
    MaskingRule.AGE_BAND: kinds.age_band,
    MaskingRule.REGION: kinds.region,
    MaskingRule.EMAIL_DOMAIN: kinds.email_domain,
}


class UnknownMaskingRule(ValueError):
    pass


@lru_cache(maxsize=32)
def _hmac_pads(secret: str) -> tuple:
    """The inner and outer SHA-256 states of HMAC under `secret` (RFC 2104), kept so that
    each value costs two hash updates and no key schedule."""
    key = secret.encode()
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer


def _hmac_hex(secret: str, message: bytes) -> str:
    inner, outer = _hmac_pads(secret)
    inner, outer = inner.copy(), outer.copy()
    inner.update(message)
    outer.update(inner.digest())
    return outer.hexdigest()


def hash_key(key_id: str | None = None) -> tuple[str, str]:
    """(key id, secret) of the pseudonym key in use, or of an older one by id."""
    key_id = key_id or settings.CATALOG_PSEUDONYM_KEY_ID
    secret = settings.CATALOG_PSEUDONYM_KEYS.get(key_id, "")
    if not key_id or not secret:
        raise ImproperlyConfigured(f"No pseudonym key {key_id!r} in CATALOG_PSEUDONYM_KEYS")
    return key_id, secret


def keyed_hash(text: str, *, key_id: str, secret: str, scope: str = "") -> str:
    """`h1:<key id>:<hex>`. The version and scope are inside the MAC (domain separation:
    a pseudonym of one scope is unrelated to the same value's in another)."""
    message = f"{HASH_VERSION}\x00{scope}\x00{text}".encode()
    for counter in range(64):
        salted = message if not counter else bytes([counter]) + message
        digest = _hmac_hex(secret, salted)[:HASH_HEX_DIGITS]
        if len(text) < 2 or text not in digest:
            break
    return f"{HASH_VERSION}:{key_id}:{digest}"


def _masker(rule: str, kind_hint: str | None, key_id: str | None, scope: str):
    """The text -> text function of a rule, resolved once for a whole column."""
    if rule not in MaskingRule.values:
        raise UnknownMaskingRule(rule)
    if kind_hint is not None and kind_hint not in kinds.KINDS:
        raise UnknownMaskingRule(f"kind {kind_hint}")
    kind = RULE_KIND.get(rule, kind_hint or "text")
    if rule == MaskingRule.NONE:
        return lambda text: text
    if rule == MaskingRule.REDACT:
        return lambda text: None
    if rule == MaskingRule.HASH:
        resolved_id, secret = hash_key(key_id)
        normalize = kinds.NORMALIZE.get(kind, lambda text: text)
        return lambda text: keyed_hash(
            normalize(text), key_id=resolved_id, secret=secret, scope=scope
        )
    if rule in GENERALIZE:
        return GENERALIZE[rule]
    return kinds.PARTIAL[kind]


def _guarded(function):
    def masked(text: str) -> str | None:
        result = function(text)
        if result is None:
            return None
        core = text.strip()  # masks strip first: "0* " masked "0**" shows "0*"
        if (len(text) >= 2 and text in result) or (len(core) >= 2 and core in result):
            return None
        return result

    return masked


def mask_value(
    rule: str, value, *, kind_hint: str | None = None, key_id: str | None = None, scope: str = ""
) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    function = _masker(rule, kind_hint, key_id, scope)
    return text if rule == MaskingRule.NONE else _guarded(function)(text)


def _as_string_array(values) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        values = pa.array(
            [v if v is None or isinstance(v, str) else str(v) for v in values], pa.string()
        )
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.string())
    return values


def mask_values(
    rule: str,
    values: "pa.Array | pa.ChunkedArray | Iterable",
    *,
    kind_hint: str | None = None,
    key_id: str | None = None,
    scope: str = "",
) -> pa.Array:
    """One column at a time. Each distinct value is masked once (columns repeat names,
    districts and domains) and the results are taken back into place in C."""
    function = _masker(rule, kind_hint, key_id, scope)
    array = _as_string_array(values)
    if rule == MaskingRule.NONE:
        return array
    if rule == MaskingRule.REDACT:
        return pa.nulls(len(array), pa.string())
    kind = kind_hint if rule == MaskingRule.PARTIAL else RULE_KIND.get(rule)
    kernel = vector.KERNELS.get(rule) or vector.KERNELS.get(kind)
    if kernel is None or rule == MaskingRule.HASH:
        return _by_distinct_value(_guarded(function), array)
    masked, handled = kernel(array)
    rest = pc.and_(pc.invert(handled), pc.is_valid(array))
    if pc.any(rest).as_py():
        others = _by_distinct_value(_guarded(function), pc.filter(array, rest))
        masked = pc.replace_with_mask(masked, rest, others)
    return pc.if_else(pc.is_valid(array), masked, pa.scalar(None, pa.string()))


def _by_distinct_value(function, array: pa.Array) -> pa.Array:
    encoded = pc.dictionary_encode(array)
    dictionary = pa.array([function(text) for text in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(dictionary, encoded.indices)
