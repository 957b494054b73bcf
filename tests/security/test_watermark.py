"""Watermarks (apps.security.watermark): any 200-row extract of a grant's delivery, with
a random subset of its columns, shuffled and passed through CSV, traces to that grant
among 50; other grants' and unmarked data never reach the confidence threshold."""

import csv
import io
import random
from decimal import Decimal

import hypothesis
import hypothesis.strategies as st
import numpy as np
import pyarrow as pa
import pytest

from apps.security.textbytes import append, hash64, hash64_one
from apps.security.watermark import (
    MATCH_CONFIDENCE,
    Fingerprint,
    NumericField,
    TextField,
    binomial_tail,
    derive_key,
    embed,
    embed_table,
    ranked,
    trace,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬"
STREETS = ["建国路", "长安街", "人民路", "解放路", "中山路", "南京路", "和平路", "学府路"]
DISTRICTS = ["北京市朝阳区", "北京市海淀区", "上海市浦东新区", "广东省深圳市南山区"]
FIELDS = [
    TextField("name"),
    TextField("address"),
    TextField("phone"),
    NumericField("amount", scale=2),
    NumericField("visits", scale=0),
]
COLUMNS = ["id", "name", "address", "phone", "amount", "visits", "category"]


def dataset(rng: random.Random, size: int) -> list[dict]:
    rows = []
    for i in range(size):
        unit = f"（{rng.randint(1, 30)}号楼），{rng.randint(1, 20)}层" if rng.random() < 0.5 else ""
        rows.append(
            {
                "id": i,
                "name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2))),
                "address": f"{rng.choice(DISTRICTS)}{rng.choice(STREETS)}{rng.randint(1, 999)}号"
                + unit,
                "phone": f"1{rng.randint(30, 99)}****{rng.randint(0, 9999):04d}",
                "amount": Decimal(rng.randint(100, 10_000_000)).scaleb(-2),
                "visits": rng.randint(0, 100_000),
                "category": rng.choice(["餐饮", "零售", "交通"]),
            }
        )
    return rows


@pytest.fixture(scope="module")
def world():
    rng = random.Random(2026)
    base = dataset(rng, 1000)
    grants = [Fingerprint(f"grant-{n}", rng.randbytes(32)) for n in range(50)]
    delivered = {g.grant_id: embed(base, g, FIELDS) for g in grants}
    return rng, base, grants, delivered


def leak(rng: random.Random, rows: list[dict]) -> list[dict]:
    """200 random rows, a random subset of columns holding at least one marked field,
    shuffled, written to CSV and read back (every value becomes text)."""
    marked = [f.name for f in FIELDS]
    columns = rng.sample(COLUMNS, rng.randint(1, len(COLUMNS)))
    if not set(columns) & set(marked):
        columns.append(rng.choice(marked))
    rng.shuffle(columns)
    sample = rng.sample(rows, 200)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(sample)
    return list(csv.DictReader(io.StringIO(buffer.getvalue())))


def test_any_200_row_extract_traces_to_its_grant_among_50(world):
    rng, _, grants, delivered = world
    for _ in range(40):
        source = rng.choice(grants)
        results = trace(leak(rng, delivered[source.grant_id]), grants, FIELDS)
        assert results[0].grant_id == source.grant_id
        assert results[0].matched and results[0].confidence >= MATCH_CONFIDENCE
        assert not any(r.matched for r in results[1:])


def test_each_single_marked_column_is_enough_on_its_own(world):
    rng, _, grants, delivered = world
    source = grants[7]
    for field in FIELDS:
        rows = [{field.name: row[field.name]} for row in rng.sample(delivered["grant-7"], 200)]
        results = trace(rows, grants, FIELDS)
        assert results[0].grant_id == "grant-7" and results[0].matched, field
    assert source.grant_id == "grant-7"


def test_unmarked_data_and_data_of_grants_not_among_the_candidates_never_match(world):
    rng, base, grants, delivered = world
    outsiders = grants[40:]
    for _ in range(20):
        assert not any(r.matched for r in trace(leak(rng, base), grants, FIELDS))
        other = rng.choice(outsiders).grant_id
        assert not any(r.matched for r in trace(leak(rng, delivered[other]), grants[:40], FIELDS))


def test_users_do_not_see_the_marks(world):
    _, base, _, delivered = world
    for original, marked in zip(base, delivered["grant-3"], strict=True):
        for name in ("name", "address", "phone"):
            assert marked[name].rstrip(" ").translate(
                str.maketrans("（），：；！？", "(),:;!?")
            ) == original[name].translate(str.maketrans("（），：；！？", "(),:;!?"))
            assert len(marked[name]) - len(original[name]) in (0, 1)
        assert abs(marked["amount"] - original["amount"]) <= Decimal("0.01")
        assert abs(marked["visits"] - original["visits"]) <= 1
        assert isinstance(marked["visits"], int) and isinstance(marked["amount"], Decimal)
        assert marked["id"] == original["id"] and marked["category"] == original["category"]


def test_marking_is_deterministic_and_keyed(world):
    _, base, grants, delivered = world
    assert embed(base[:50], grants[0], FIELDS) == delivered["grant-0"][:50]
    assert delivered["grant-0"] != delivered["grant-1"]


def test_the_table_form_marks_exactly_like_the_row_form(world):
    _, base, grants, delivered = world
    rows = [{k: v for k, v in row.items() if k != "amount"} for row in base[:300]]
    table = pa.Table.from_pylist(rows)
    fields = [f for f in FIELDS if f.name != "amount"] + [NumericField("score", 1)]
    marked = embed_table(table, grants[5], fields).to_pylist()
    expected = [{k: v for k, v in row.items() if k != "amount"} for row in delivered["grant-5"]]
    assert marked == expected[:300]


AWKWARD = [
    "北京市（朝阳区），建国路 ",
    "北京市(朝阳区),建国路",
    "北京市（朝阳区),建国路  ",
    "纯中文没有标点",
    "中文：问号？感叹号！分号；",
    "中文：问号？感叹号！分号；  ",
    "ascii (with) punctuation, no CJK!",
    "ascii (with) punctuation, no CJK! ",
    "91450100MA00000001",
    "   ",
    "",
    None,
    "é, accents: not CJK",
    "\u3400（边界）",
    "\u9fff,边界",
    'it\'s "quoted" ; --',
    "\t\u3000 全角空格 ",
    "😀（表情）",
    "x",
]


def test_the_table_form_marks_awkward_text_exactly_like_the_row_form():
    """The table form runs in Arrow kernels: full- and half-width punctuation, trailing
    spaces, blank and empty text, nulls, ASCII with punctuation, repeated values."""
    texts = AWKWARD * 3
    rng = random.Random(7)
    rows = [{"t": text} for text in rng.sample(texts, len(texts))]
    seen = []
    for fingerprint in [Fingerprint(f"g{n}", bytes([n]) * 32) for n in range(6)]:
        expected = embed(rows, fingerprint, [TextField("t")])
        seen += [row["t"] for row in expected if row["t"] and CJK_CHAR in row["t"]]
        for kind in (pa.string(), pa.large_string()):
            table = pa.table({"t": pa.array([r["t"] for r in rows], kind)})
            marked = embed_table(table, fingerprint, [TextField("t")])
            assert marked.schema.field("t").type == kind
            assert marked.to_pylist() == expected
    # Both widths and both space bits occur (the carriers really vary).
    assert any("（" in t for t in seen) and any("(" in t for t in seen)
    assert any(t.endswith(" ") for t in seen) and any(not t.endswith(" ") for t in seen)


CJK_CHAR = "北"


def test_the_public_hash_is_fixed_for_good():
    """Marks delivered today must trace after any upgrade: the hash that picks each
    value's table entry is specified, not borrowed from a library (known answers)."""
    assert hash64_one(b"") == 0
    assert hash64_one(b"a") == 0xA71D334CA179503F
    assert hash64_one(b"91450100MA00000001") == 0x4C636BB019E81D83
    assert hash64_one("北京市（朝阳区），建国路".encode()) == 0x9BE85BEEF1F7577D


TEXTS = st.lists(
    st.one_of(
        st.none(),
        st.text(alphabet=st.sampled_from(list("北京朝阳 (),:;!?（），：；！？a1'\"-=é😀"))),
        st.text(),
    ),
    max_size=30,
)


@hypothesis.settings(max_examples=80, deadline=None)
@hypothesis.given(texts=TEXTS, skip=st.integers(0, 5))
def test_the_vector_hash_agrees_with_the_plain_one_on_any_text(texts, skip):
    """Any lengths (word boundaries, the data's last bytes), nulls, sliced arrays."""
    for kind in (pa.string(), pa.large_string()):
        values = pa.array(texts, kind).slice(min(skip, len(texts)))
        expected = [hash64_one((t or "").encode()) for t in texts[min(skip, len(texts)) :]]
        assert [int(h) for h in hash64(values)] == expected


@hypothesis.settings(max_examples=80, deadline=None)
@hypothesis.given(
    texts=TEXTS, skip=st.integers(0, 5), chosen=st.lists(st.booleans(), min_size=40, max_size=40),
    char=st.sampled_from([" ", "（", "😀"]),
)  # fmt: skip
def test_appending_a_character_to_chosen_values_touches_nothing_else(texts, skip, chosen, char):
    """Either width, sliced arrays, nulls (never appended to), multi-byte characters."""
    for kind in (pa.string(), pa.large_string()):
        values = pa.array(texts, kind).slice(min(skip, len(texts)))
        rest = texts[min(skip, len(texts)) :]
        where = np.array(chosen[: len(rest)], dtype=bool)
        expected = [t if t is None or not w else t + char for t, w in zip(rest, where, strict=True)]
        grown = append(values, where, char)
        assert grown.type == kind
        assert grown.to_pylist() == expected
        grown.validate(full=True)


@hypothesis.settings(max_examples=80, deadline=None)
@hypothesis.given(texts=TEXTS, skip=st.integers(0, 5))
def test_the_table_form_agrees_with_the_row_form_on_any_text(texts, skip):
    """What a page or an export marks, vectorized, is what the row form marks."""
    fingerprint = Fingerprint("g7", b"\x07" * 32)
    texts = texts[min(skip, len(texts)) :]
    expected = embed([{"t": t} for t in texts], fingerprint, [TextField("t")])
    whole = pa.table({"t": pa.array([None] * skip + texts, pa.string())}).slice(skip)
    chunked = pa.table({"t": pa.chunked_array([pa.array(texts[:3], pa.string()),
                                                pa.array(texts[3:], pa.string())])})  # fmt: skip
    for table in (whole, chunked):
        marked = embed_table(table, fingerprint, [TextField("t")])
        assert marked.column("t").to_pylist() == [row["t"] for row in expected]


def test_floats_strings_nulls_and_empty_text_are_handled():
    fingerprint = Fingerprint("g", b"k" * 32)
    rows = [{"t": "", "n": None}, {"t": None, "n": 1.25}, {"t": "x", "n": "3.50"}]
    marked = embed(rows, fingerprint, [TextField("t"), NumericField("n", 2)])
    assert marked[0] == {"t": "", "n": None}
    assert marked[1]["t"] is None and marked[1]["n"] in (1.24, 1.25, 1.26)
    assert marked[2]["t"].rstrip() == "x" and marked[2]["n"] in ("3.50", "3.51", "3.49")


def test_a_grants_key_can_be_derived_from_a_platform_secret():
    assert derive_key(b"master", "1") == derive_key(b"master", "1")
    assert derive_key(b"master", "1") != derive_key(b"master", "2")


def test_the_binomial_tail_is_exact():
    assert binomial_tail(2, 2) == 0.25
    assert binomial_tail(10, 0) == 1.0
    assert binomial_tail(3, 2) == 0.5


def test_the_ranking_is_plain_pairs(world):
    rng, _, grants, delivered = world
    pairs = ranked(trace(leak(rng, delivered["grant-9"]), grants, FIELDS))
    assert pairs[0][0] == "grant-9" and len(pairs) == 50
    assert all(isinstance(confidence, float) for _, confidence in pairs)


def test_numbers_neutralized_by_the_csv_export_still_vote():
    fingerprint = Fingerprint("g", b"k" * 32)
    rows = [{"n": Decimal(-i * 7919).scaleb(-2)} for i in range(1, 101)]
    marked = embed(rows, fingerprint, [NumericField("n", 2)])
    leaked = [{"n": "'" + str(row["n"])} for row in marked]
    assert trace(leaked, [fingerprint], [NumericField("n", 2)])[0].matched
