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

How a value carries bits. Each cell carries its own bits: the bit of (field, carrier) for
its canonical value (the cell with every carrier undone) is entry `hash64(canonical) >>
48` of a secret table of 65,536 random bits, one table per (grant, field, carrier), drawn
with SHAKE-256 from the grant's key. `hash64` (apps.security.textbytes) is public and
fixed; all the secrecy is in the tables. A page, an export and a trace compute the very
same bits, vectorized over a whole column. A cell is therefore checked on its own: any subset of
rows or of columns, in any order, still votes, and no key column has to survive.
- `TextField`: (1) if the text contains a CJK character and punctuation that has a
  full-width twin `( ) , : ; ! ?`, all such punctuation is written half-width or
  full-width, as the bit says (Chinese text mixes both and readers do not notice);
  (2) one trailing space or none. Empty text carries nothing.
- `NumericField(name, scale)`: the parity of the last digit at the field's declared
  scale (units of 10^-scale), changed by at most one unit. List a numeric field only when
  its precision allows that change (amounts, measurements; never an identifier).
Values of one kind repeat (the same district in many rows), and distinct values can share
a table entry: evidence is counted once per distinct (field, carrier, table entry), and a
column with few distinct values adds little.

Confidence. For a wrong grant or unmarked data, each vote agrees with probability 1/2
independently: each vote is a different entry of tables drawn at random, under a key the
data never saw. The score is
the binomial tail p of the observed agreements; `confidence = 1 - p * len(candidates)`
(Bonferroni over the candidates), so a false match needs p below 1e-6 / candidates: about
20 + log2(candidates) distinct agreeing values, which a 200-row extract provides.
Limits: stripping trailing spaces, normalizing punctuation and re-rounding numbers in
one go removes the marks; the watermark proves provenance of a careless or casual leak.
"""

import hashlib
import hmac
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from apps.security.textbytes import append, buffers, hash64, hash64_one, last_bytes

MATCH_CONFIDENCE = 1 - 1e-6
# Votes scored per candidate: plenty for any verdict, and bounded for a huge leak.
MAX_VOTES = 5000
ENTRY_BITS = 16  # a table of 2**16 bits (8 KiB) per (grant, field, carrier)
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


@lru_cache(maxsize=1024)  # 8 KiB each: the tables of the grants being served
def _table(key: bytes, field: str, carrier: str) -> np.ndarray:
    stream = hashlib.shake_256(key + f"\x00{field}\x00{carrier}".encode())
    return np.unpackbits(np.frombuffer(stream.digest(2**ENTRY_BITS // 8), np.uint8)).view(bool)


def entries(hashes: np.ndarray) -> np.ndarray:
    """The table entry of each `hash64` (its top bits): public, the same for all grants."""
    return (hashes >> np.uint64(64 - ENTRY_BITS)).astype(np.intp)


class _Bits:
    """The keyed bit of (field, carrier, canonical value) for one fingerprint: an entry of
    the fingerprint's table for (field, carrier), chosen by the value's public hash."""

    def __init__(self, fingerprint: Fingerprint):
        self.key = hmac.new(
            fingerprint.key, f"wm3\x00{fingerprint.grant_id}".encode(), hashlib.sha256
        ).digest()

    def table(self, field: str, carrier: str) -> np.ndarray:
        return _table(self.key, field, carrier)

    def __call__(self, field: str, carrier: str, canonical: str) -> int:
        entry = hash64_one(canonical.encode()) >> (64 - ENTRY_BITS)
        return int(self.table(field, carrier)[entry])

    def many(self, field: str, carrier: str, canonical: pa.Array) -> np.ndarray:
        """The bits of every value of `canonical` (an Arrow string array), as NumPy."""
        return self.table(field, carrier)[entries(hash64(canonical))]


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
    """`_mark_text` over an Arrow string array, vectorized."""
    kind, values = values.type, values.cast(pa.string())
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    last, present = last_bytes(values)
    stripped = values
    if (present & (last == 0x20)).any():
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
        width = pc.replace_with_mask(wide, wide, twin).to_numpy(zero_copy_only=False)
    carries = np.diff(buffers(canonical)[0]) > 0
    if values.null_count:
        carries &= values.is_valid().to_numpy(zero_copy_only=False)
    marked = canonical
    if width is not None:
        width = width & carries & bits.many(field, "width", canonical)
        if width.any():
            full = _translate(pc.filter(canonical, pa.array(width)), HALF, FULL)
            marked = pc.replace_with_mask(canonical, pa.array(width), full)
    marked = append(marked, carries & bits.many(field, "space", canonical), " ")
    if (~carries & present).any():  # blank text keeps its spaces
        marked = pc.if_else(pa.array(carries), marked, values)
    return marked.cast(kind)


def embed_table(table: pa.Table, fingerprint: Fingerprint, fields) -> pa.Table:
    """Text columns are marked by vectorized kernels (the same marks as `embed`); in other
    columns each distinct value is marked once, then taken back into place."""
    bits = _Bits(fingerprint)
    for field in fields:
        index = table.schema.get_field_index(field.name)
        if index < 0:
            continue
        column = table.column(index).combine_chunks()
        text = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
        if isinstance(field, TextField) and text:
            marked = _mark_texts(column, field.name, bits)
            table = table.set_column(index, table.field(index), marked)
            continue
        encoded = pc.dictionary_encode(column)
        values = [_mark(v, field, bits) for v in encoded.dictionary.to_pylist()]
        dictionary = pa.array(values, type=column.type)
        table = table.set_column(index, table.field(index), pc.take(dictionary, encoded.indices))
    return table


# -- tracing ----------------------------------------------------------------------------


def _observed(rows: Iterable[Mapping], fields) -> dict[tuple[str, str, int], int]:
    """(field, carrier, table entry) -> the bit the extract shows, by majority over the
    rows whose canonical values fall on that entry (a tie shows nothing)."""
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
    keys = list(counts)
    at = entries(hash64(pa.array([key[2] for key in keys], pa.string())))
    tallies: dict[tuple, Counter] = defaultdict(Counter)
    for (field, carrier, _canonical), entry in zip(keys, at.tolist(), strict=True):
        tallies[(field, carrier, entry)].update(counts[(field, carrier, _canonical)])
    observed = {}
    for vote in sorted(tallies)[:MAX_VOTES]:  # key-independent choice: H0 stays fair
        tally = tallies[vote]
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
        agreeing = sum(
            int(bits.table(field, carrier)[entry]) == bit
            for (field, carrier, entry), bit in observed.items()
        )
        p_value = binomial_tail(len(observed), agreeing)
        confidence = max(0.0, 1.0 - p_value * len(candidates))
        results.append(
            TraceResult(fingerprint.grant_id, confidence, p_value, len(observed), agreeing)
        )
    return sorted(results, key=lambda r: (r.p_value, r.grant_id))


def ranked(results: list[TraceResult]) -> list[tuple[str, float]]:
    return [(r.grant_id, r.confidence) for r in results]
