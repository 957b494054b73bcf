"""Vectorized work on the UTF-8 bytes of an Arrow string column, in NumPy: a fixed,
public 64-bit hash of each value (the watermark's bucket, apps.security.watermark), the
values whose first byte is one of a set (apps.delivery.export_files) and the last byte of
each, and a character appended to chosen values. Each walks the column's own buffers
once, with no Python object per value.

`hash64` is specified here, once and for all, because marks already delivered must still
trace after any upgrade: a value's bytes, zero-padded to whole 8-byte little-endian words
w1..wk, give

    h = len * G
    h = ((h ^ w) * M1), then h ^= h >> 31,    for each word w
    h = splitmix64_finalizer(h)

(all modulo 2^64). `hash64_one` is the same in plain Python, the reference that tests
hold the vector form to.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

G = 0x9E3779B97F4A7C15
M1 = 0xBF58476D1CE4E5B9
M2 = 0x94D049BB133111EB
MASK = (1 << 64) - 1
_TAIL = np.array([(1 << (8 * r)) - 1 for r in range(8)] + [MASK], dtype=np.uint64)


def _finish(h: int) -> int:
    h ^= h >> 30
    h = (h * M1) & MASK
    h ^= h >> 27
    h = (h * M2) & MASK
    return h ^ (h >> 31)


def hash64_one(data: bytes) -> int:
    h = (len(data) * G) & MASK
    for start in range(0, len(data), 8):
        word = int.from_bytes(data[start : start + 8], "little")
        h = ((h ^ word) * M1) & MASK
        h ^= h >> 31
    return _finish(h)


def buffers(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets as int64, the data bytes) of a string array (any offset, either width)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    large = pa.types.is_large_string(values.type) or pa.types.is_large_binary(values.type)
    _validity, offsets, data = values.buffers()
    offsets = np.frombuffer(
        offsets, dtype=np.int64 if large else np.int32, count=len(values) + 1,
        offset=values.offset * (8 if large else 4),
    ).astype(np.int64)  # fmt: skip
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offsets, data


def hash64(values: pa.Array) -> np.ndarray:
    """`hash64_one` of every value's UTF-8 bytes (a null hashes as the empty text)."""
    offsets, data = buffers(values)
    start, length = offsets[:-1], np.diff(offsets)
    h = length.astype(np.uint64) * np.uint64(G)
    padded = np.zeros(len(data) + 8, np.uint8)
    padded[: len(data)] = data
    # Every 8-byte window of the data, read as one little-endian word.
    words = np.ndarray(shape=(len(data) + 1,), dtype="<u8", buffer=padded, strides=(1,))
    longest = int(length.max()) if len(length) else 0
    fixed = longest if len(length) and int(length.min()) == longest else 0
    for at in range(0, longest, 8):
        left = length - at
        rows = None if left.min() > 0 else np.flatnonzero(left > 0)
        if rows is not None:
            left = left[rows]
        if rows is None and fixed:  # every value as long: a strided read, no gather
            word = np.ndarray((len(h),), "<u8", padded, int(start[0]) + at, (fixed,)).copy()
        else:
            word = words[start + at] if rows is None else words[start[rows] + at]
        if left.min() < 8:
            word &= _TAIL[np.minimum(left, 8)]
        part = h if rows is None else h[rows]
        part ^= word
        part *= np.uint64(M1)
        part ^= part >> np.uint64(31)
        if rows is not None:
            h[rows] = part
    h ^= h >> np.uint64(30)
    h *= np.uint64(M1)
    h ^= h >> np.uint64(27)
    h *= np.uint64(M2)
    h ^= h >> np.uint64(31)
    return h


def first_byte_in(values: pa.Array, chosen: np.ndarray) -> np.ndarray:
    """The positions of the values (neither null nor empty) whose first byte b has
    `chosen[b]` (a 256-entry boolean table), in order."""
    offsets, data = buffers(values)
    if not len(data):
        return np.zeros(0, np.intp)
    hits = np.flatnonzero(chosen[np.take(data, offsets[:-1], mode="clip")])
    if len(hits):
        hits = hits[offsets[hits + 1] > offsets[hits]]
    if len(hits) and values.null_count:
        hits = hits[pc.array_take(values.is_valid(), hits).to_numpy(zero_copy_only=False)]
    return hits


def last_bytes(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(each value's last byte, whether it has one) of a string array."""
    offsets, data = buffers(values)
    return _bytes_at(data, offsets[1:] - 1), np.diff(offsets) > 0


def _bytes_at(data: np.ndarray, at: np.ndarray) -> np.ndarray:
    if not len(data):
        return np.zeros(len(at), np.uint8)
    return data[np.clip(at, 0, len(data) - 1)]


def append(values: pa.Array, where: np.ndarray, char: str) -> pa.Array:
    """`values` with `char` appended where `where` holds (never to a null): a new array
    written from the old buffers, the validity bitmap shared."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    extra = char.encode()
    if values.null_count:
        where = where & values.is_valid().to_numpy(zero_copy_only=False)
    if not where.any():
        return values
    if values.offset:  # a slice: its validity bitmap does not start on a byte
        values = pa.concat_arrays([values])
    offsets, data = buffers(values)
    grown = np.zeros(len(offsets), np.int64)
    np.cumsum(where * len(extra), out=grown[1:])
    new_offsets = offsets - offsets[0] + grown
    body = data[offsets[0] : offsets[-1]]
    # The extra bytes end each chosen value in the new data; every other byte is the old
    # data's, in order (a mask and two writes: np.insert at many places is twice as slow).
    added = (new_offsets[1:][where] - len(extra))[:, None] + np.arange(len(extra))
    old = np.ones(len(body) + int(grown[-1]), bool)
    old[added] = False
    out = np.empty(len(old), np.uint8)
    out[old] = body
    out[added] = np.frombuffer(extra, np.uint8)
    large = pa.types.is_large_string(values.type)
    return pa.Array.from_buffers(
        values.type,
        len(values),
        [
            values.buffers()[0],
            pa.py_buffer(new_offsets.astype(np.int64 if large else np.int32)),
            pa.py_buffer(out),
        ],
        null_count=values.null_count,
    )
