"""Masking throughput: rows/s of apps.security.masking.mask_values on 1,000,000 values per
rule (not run in CI).

    .venv/bin/python bench/masking.py [ROWS]

Values are generated per kind (ID numbers, mobiles with and without +86, Chinese names,
addresses, bank cards, e-mails) with realistic repetition: every value distinct for ID
numbers, mobiles, cards and e-mails; names and addresses drawn from a few thousand. Also
prints the watermark's embed_table on the same names for comparison.
"""

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

import pyarrow as pa  # noqa: E402

from apps.security.masking import mask_values  # noqa: E402
from apps.security.watermark import Fingerprint, TextField, embed_table  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
rng = random.Random(1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘欧阳"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬"
DISTRICTS = [
    "北京市朝阳区",
    "北京市海淀区",
    "上海市浦东新区",
    "广东省深圳市南山区",
    "浙江省杭州市西湖区",
]


def ids(n):
    return [
        f"{rng.randint(110000, 659999)}{rng.randint(1950, 2010)}{rng.randint(1, 12):02d}"
        f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}{rng.choice('0123456789X')}"
        for _ in range(n)
    ]


def mobiles(n):
    return [("+86 " if i % 3 == 0 else "") + f"1{rng.randint(3000000000, 9999999999)}"
            for i in range(n)]  # fmt: skip


def names(n):
    pool = [rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)) for _ in range(5000)]
    return [rng.choice(pool) for _ in range(n)]


def addresses(n):
    pool = [f"{rng.choice(DISTRICTS)}某某路{i}号" for i in range(20000)]
    return [rng.choice(pool) for _ in range(n)]


def cards(n):
    return [f"622{rng.randint(10**12, 10**13 - 1)}{rng.randint(0, 999):03d}" for _ in range(n)]


def emails(n):
    return [f"user{i}@{rng.choice(['example.com', 'qq.com', '163.com'])}" for i in range(n)]


CASES = [
    ("id_number", None, ids),
    ("birth_year", None, ids),
    ("age_band", None, ids),
    ("hash", "id_number", ids),
    ("mobile", None, mobiles),
    ("hash", "mobile", mobiles),
    ("name", None, names),
    ("address", None, addresses),
    ("region", None, addresses),
    ("bank_card", None, cards),
    ("email", None, emails),
    ("email_domain", None, emails),
    ("partial", None, names),
    ("redact", None, names),
]


def main() -> None:
    print(f"{ROWS:,} values per rule")
    generated = {}
    for rule, hint, make in CASES:
        if make not in generated:
            generated[make] = pa.array(make(ROWS), pa.string())
        values = generated[make]
        start = time.perf_counter()
        masked = mask_values(rule, values, kind_hint=hint)
        elapsed = time.perf_counter() - start
        assert len(masked) == ROWS
        label = f"{rule}" + (f" ({hint})" if hint else "")
        print(f"{label:<24} {ROWS / elapsed:>14,.0f} rows/s   {elapsed:6.2f} s")
    table = pa.table({"name": generated[names]})
    start = time.perf_counter()
    embed_table(table, Fingerprint("bench", b"k" * 32), [TextField("name")])
    elapsed = time.perf_counter() - start
    print(f"{'watermark (names)':<24} {ROWS / elapsed:>14,.0f} rows/s   {elapsed:6.2f} s")


if __name__ == "__main__":
    main()
