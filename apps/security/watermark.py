"""Per-grant watermarks in delivered rows, and tracing a leaked extract to its grant.

Contract
--------
`embed(rows, fingerprint, fields)` returns copies of `rows` (dicts) in which every
non-empty value of the listed `fields` carries bits of `fingerprint` (a grant id and its
secret key); `embed_table(table, fingerprint, fields)` does the same to a pyarrow Table
column by column (exports). `trace(rows, candidates, fields)` scores a leaked extract
against each candidate fingerprint and returns `TraceResult`s, best first; a result whose
`confidence` reaches MATCH_CONFIDENCE names the grant. `ranked()` gives the plain
`[(grant_id, confidence)]`.

How a value carries bits. Each cell carries its own bits, derived from a MAC of (grant
id, field, carrier, canonical value) under the grant's key, where the canonical value is
the cell with every carrier undone. A cell is therefore checked on its own: any subset of
rows or of columns, in any order, still votes, and no key column has to survive.
- `TextField`: (1) if the text contains a CJK character and punctuation that has a
  full-width twin `( ) , : ; ! ?`, all such punctuation is written half-width or
  full-width, as the bit says (Chinese text mixes both and readers do not notice);
  (2) one trailing space or none. Empty text carries nothing.
- `NumericField(name, scale)`: the parity of the last digit at the field's declared
  scale (units of 10^-scale), changed by at most one unit. List a numeric field only when
  its precision allows that change (amounts, measurements; never an identifier).
Values of one kind repeat (the same district in many rows): equal canonical values carry
equal bits, so evidence is counted once per distinct (field, carrier, canonical value),
and a column with few distinct values adds little.

Confidence. For a wrong grant or unmarked data, each vote agrees with probability 1/2
independently (the bits are pseudo-random under a key the data never saw). The score is
the binomial tail p of the observed agreements; `confidence = 1 - p * len(candidates)`
(Bonferroni over the candidates), so a false match needs p below 1e-6 / candidates: about
20 + log2(candidates) distinct agreeing values, which a 200-row extract provides.
Limits: stripping trailing spaces, normalizing punctuation and re-rounding numbers in
one go removes the marks; the watermark proves provenance of a careless or casual leak.
"""

import base64
import hashlib
import hmac
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

import pyarrow as pa
import pyarrow.compute as pc

MATCH_CONFIDENCE = 1 - 1e-6
# Votes scored per candidate: plenty for any verdict, and bounded for a huge leak.
MAX_VOTES = 5000
HALF = "(),:;!?"
FULL = "（），：；！？"
TO_HALF = str.maketrans(FULL, HALF)
TO_FULL = str.maketrans(HALF, FULL)
TWIN = re.compile(f"[{re.escape(HALF + FULL)}]")
CJK = re.compile(r"[\u3400-\u9fff]")
# The same tests for Arrow's (RE2) kernels, applied to canonical (half-width) text.
TWIN_HALF_RE2 = "[(),:;!?]"
CJK_RE2 = "[\u3400-\u9fff]"


@dataclass(frozen=True)
class Fingerprint:
    grant_id: str
    key: bytes


@dataclass(frozen=True)
class TextField:
    name: str


@dataclass(frozen=True)
class NumericField:
    name: str
    scale: int = 0


@dataclass(frozen=True)
class TraceResult:
    grant_id: str
    confidence: float
    p_value: float
    votes: int
    agreeing: int

    @property
    def matched(self) -> bool:
        return self.confidence >= MATCH_CONFIDENCE


def derive_key(master_key: bytes, grant_id: str) -> bytes:
    """A grant's watermark key from a platform secret (or store a random one per grant)."""
    return hmac.new(master_key, f"wm1\x00{grant_id}".encode(), hashlib.sha256).digest()


class _Bits:
    """The keyed bit of (field, carrier, canonical value) for one fingerprint: the top bit
    of SHA-256(P || value), where P, 22 base64 characters (132 bits), is an HMAC-SHA256
    of the field and carrier under a key bound to the grant id. Only that one bit of a
    digest is ever shown, so SHA-256's length extension (which needs the whole digest)
    gives nothing away. SHA-256 because DuckDB computes it too: an export marks its rows
    inside its query (`mark_select`) with the very same bits, while a page or a trace
    computes them here; a short P keeps a short value within one SHA-256 block."""

    def __init__(self, fingerprint: Fingerprint):
        self.key = hmac.new(
            fingerprint.key, f"wm2\x00{fingerprint.grant_id}".encode(), hashlib.sha256
        ).digest()
        self.states: dict[tuple[str, str], object] = {}

    def prefix(self, field: str, carrier: str) -> str:
        """P of (field, carrier): a secret."""
        mac = hmac.new(self.key, f"{field}\x00{carrier}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).decode()[:22]

    def _state(self, field: str, carrier: str):
        state = self.states.get((field, carrier))
        if state is None:
            state = self.states[(field, carrier)] = hashlib.sha256(
                self.prefix(field, carrier).encode()
            )
        return state

    def __call__(self, field: str, carrier: str, canonical: str) -> int:
        mac = self._state(field, carrier).copy()
        mac.update(canonical.encode())
        return mac.digest()[0] >> 7

    def many(self, field: str, carrier: str, canonical: pa.Array, where: pa.Array) -> pa.Array:
        """The bits of `canonical` values (an Arrow string array) where `where` holds,
        False elsewhere, as an Arrow boolean array."""
        where = pc.fill_null(where, False)
        chosen = pc.filter(canonical, where)
        if len(chosen) == 0:
            return where
        copy, bits = self._state(field, carrier).copy, []
        for value in chosen.to_pylist():
            mac = copy()
            mac.update(value.encode())
            bits.append(mac.digest()[0] >= 0x80)
        return pc.replace_with_mask(where, where, pa.array(bits, pa.bool_()))  # False stays


# -- text -------------------------------------------------------------------------------


def _text_votes(text: str) -> tuple[str, list[tuple[str, int]]]:
    """The canonical text and the carriers it has, each with the bit it shows now."""
    stripped = text.rstrip(" ")
    canonical = stripped.translate(TO_HALF)
    if not canonical:
        return canonical, []
    votes = [("space", int(stripped != text))]
    twin = TWIN.search(canonical) and CJK.search(canonical)
    if twin:
        first = TWIN.search(stripped).group(0)
        votes.append(("width", int(first in FULL)))
    return canonical, votes


def _mark_text(text: str, field: str, bits: _Bits) -> str:
    canonical, carriers = _text_votes(text)
    if not carriers:
        return text
    marked = canonical
    if len(carriers) > 1 and bits(field, "width", canonical):
        marked = canonical.translate(TO_FULL)
    return marked + " " if bits(field, "space", canonical) else marked


# -- numbers ----------------------------------------------------------------------------


def _units(value, scale: int) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        # A CSV export writes a negative number as '-1.5 (apps.core.csvsafe).
        value = value.strip().removeprefix("'")
    try:
        number = Decimal(value if isinstance(value, str) else str(value))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number.scaleb(scale).to_integral_value(ROUND_HALF_EVEN))


def _mark_number(value, field: NumericField, bits: _Bits):
    units = _units(value, field.scale)
    if units is None:
        return value
    canonical = units // 2
    units = 2 * canonical + bits(field.name, "parity", str(canonical))
    exact = Decimal(units).scaleb(-field.scale)
    if isinstance(value, int):
        return int(exact) if field.scale == 0 else exact
    if isinstance(value, float):
        return float(exact)
    if isinstance(value, str):
        return f"{exact:.{field.scale}f}"
    return exact


def _mark(value, field, bits: _Bits):
    if value is None:
        return None
    if isinstance(field, NumericField):
        return _mark_number(value, field, bits)
    return _mark_text(value, field.name, bits) if isinstance(value, str) else value


def embed(rows: Iterable[Mapping], fingerprint: Fingerprint, fields) -> list[dict]:
    bits = _Bits(fingerprint)
    marked = []
    for row in rows:
        row = dict(row)
        for field in fields:
            if field.name in row:
                row[field.name] = _mark(row[field.name], field, bits)
        marked.append(row)
    return marked


def _translate(values: pa.Array, source: str, target: str) -> pa.Array:
    for old, new in zip(source, target, strict=True):
        values = pc.replace_substring(values, old, new)
    return values


def _mark_texts(values: pa.Array, field: str, bits: _Bits) -> pa.Array:
    """`_mark_text` over an Arrow string array (each value once: a dictionary)."""
    kind, values = values.type, values.cast(pa.string())
    stripped = pc.utf8_rtrim(values, characters=" ")
    canonical, width = stripped, None
    # Only non-ASCII text can hold full-width punctuation or CJK: the rest skips both.
    wide = pc.fill_null(pc.invert(pc.string_is_ascii(stripped)), False)
    if pc.any(wide).as_py():
        half = _translate(pc.filter(stripped, wide), FULL, HALF)
        canonical = pc.replace_with_mask(stripped, wide, half)
        twin = pc.and_(
            pc.match_substring_regex(half, TWIN_HALF_RE2),
            pc.match_substring_regex(half, CJK_RE2),
        )
        width = bits.many(field, "width", canonical, pc.replace_with_mask(wide, wide, twin))
    carries = pc.greater(pc.utf8_length(canonical), 0)
    space = bits.many(field, "space", canonical, carries)
    marked = canonical
    if width is not None and pc.any(width).as_py():
        full = _translate(pc.filter(canonical, width), HALF, FULL)
        marked = pc.replace_with_mask(canonical, width, full)
    marked = pc.if_else(space, pc.binary_join_element_wise(marked, " ", ""), marked)
    return pc.if_else(pc.fill_null(carries, False), marked, values).cast(kind)


def embed_table(table: pa.Table, fingerprint: Fingerprint, fields) -> pa.Table:
    """Each distinct value of a column is marked once, then taken back into place; text
    columns are marked by Arrow kernels (the same marks as `embed`)."""
    bits = _Bits(fingerprint)
    for field in fields:
        index = table.schema.get_field_index(field.name)
        if index < 0:
            continue
        column = table.column(index).combine_chunks()
        encoded = pc.dictionary_encode(column)
        text = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
        if isinstance(field, TextField) and text:
            dictionary = _mark_texts(encoded.dictionary, field.name, bits)
        else:
            values = [_mark(v, field, bits) for v in encoded.dictionary.to_pylist()]
            dictionary = pa.array(values, type=column.type)
        table = table.set_column(index, table.field(index), pc.take(dictionary, encoded.indices))
    return table


# -- inside a DuckDB query (exports) ---------------------------------------------------
# `_mark_texts` as SQL: the same canonical value, carriers and bits (tests compare the
# two), computed by DuckDB's vectorized, parallel engine instead of a Python loop.
def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_bit(canonical: str) -> str:
    # The digest's top bit is set when its first hex digit is 8 or above.
    return f"(sha256(CAST(? AS VARCHAR) || {canonical}) >= '8')"


def mark_select(
    sql: str, params: list, columns: list[str], fields: list[str], fingerprint: Fingerprint
) -> tuple[str, list]:
    """`sql` (selecting `columns`) wrapped so that the text `fields` among them come out
    marked as `embed_table` marks them. The key is a bound parameter, never SQL text."""
    bits = _Bits(fingerprint)
    stripped, canonical, outer = [], [], {}
    twin = (
        f"regexp_matches({{c}}, {_sql_text(TWIN_HALF_RE2)}) "
        f"AND regexp_matches({{c}}, {_sql_text(CJK_RE2)})"
    )
    for index, name in enumerate(fields):
        # Helper columns named as no field can be (apps.catalog.validation.FIELD_NAME).
        value, s, c = _sql_name(name), f'"wm:s{index}"', f'"wm:c{index}"'
        stripped.append(
            f"CASE WHEN suffix({value}, ' ') THEN rtrim({value}, ' ') ELSE {value} END AS {s}"
        )
        canonical.append(
            f"CASE WHEN strlen({s}) <> length({s}) THEN translate({s}, {_sql_text(FULL)}, "
            f"{_sql_text(HALF)}) ELSE {s} END AS {c}"
        )
        wide = f"strlen({s}) <> length({s}) AND {twin.format(c=c)} AND {_sql_bit(c)}"
        marked = (
            f"CASE WHEN {wide} THEN translate({c}, {_sql_text(HALF)}, {_sql_text(FULL)}) "
            f"ELSE {c} END || CASE WHEN {_sql_bit(c)} THEN ' ' ELSE '' END"
        )
        outer[name] = (
            f"CASE WHEN {c} <> '' THEN {marked} ELSE {value} END",
            [bits.prefix(name, "width"), bits.prefix(name, "space")],  # in the SQL's order
        )
    if not fields:
        return sql, params
    select, outer_params = [], []
    for name in columns:
        expression, bound = outer.get(name, (_sql_name(name), []))
        select.append(f"{expression} AS {_sql_name(name)}")
        outer_params += bound
    return (
        f"SELECT {', '.join(select)} FROM (SELECT *, {', '.join(canonical)} FROM "  # noqa: S608
        f"(SELECT *, {', '.join(stripped)} FROM ({sql})))",
        outer_params + params,
    )


# -- tracing ----------------------------------------------------------------------------


def _observed(rows: Iterable[Mapping], fields) -> dict[tuple[str, str, str], int]:
    """(field, carrier, canonical) -> the bit the extract shows, by majority over the
    rows that repeat it (a tie shows nothing)."""
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        for field in fields:
            value = row.get(field.name)
            if value is None:
                continue
            if isinstance(field, NumericField):
                units = _units(value, field.scale)
                if units is not None:
                    counts[(field.name, "parity", str(units // 2))][units % 2] += 1
            elif isinstance(value, str):
                canonical, carriers = _text_votes(value)
                for carrier, bit in carriers:
                    counts[(field.name, carrier, canonical)][bit] += 1
    observed = {}
    for vote in sorted(counts)[:MAX_VOTES]:  # key-independent choice: H0 stays fair
        tally = counts[vote]
        if tally[0] != tally[1]:
            observed[vote] = int(tally[1] > tally[0])
    return observed


def binomial_tail(n: int, m: int) -> float:
    """P(X >= m) for X ~ Binomial(n, 1/2), exactly."""
    if m <= 0:
        return 1.0
    term = total = math.comb(n, m)
    for k in range(m, n):
        term = term * (n - k) // (k + 1)  # C(n, k+1), exactly
        total += term
    return total / 2**n


def trace(rows: Iterable[Mapping], candidates: Iterable[Fingerprint], fields) -> list:
    rows, candidates = list(rows), list(candidates)
    observed = _observed(rows, fields)
    results = []
    for fingerprint in candidates:
        bits = _Bits(fingerprint)
        agreeing = sum(bits(*vote) == bit for vote, bit in observed.items())
        p_value = binomial_tail(len(observed), agreeing)
        confidence = max(0.0, 1.0 - p_value * len(candidates))
        results.append(
            TraceResult(fingerprint.grant_id, confidence, p_value, len(observed), agreeing)
        )
    return sorted(results, key=lambda r: (r.p_value, r.grant_id))


def ranked(results: list[TraceResult]) -> list[tuple[str, float]]:
    return [(r.grant_id, r.confidence) for r in results]
