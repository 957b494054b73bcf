"""Benchmark of dataset ingestion: throughput and peak memory on a generated CSV.

    python bench/ingest.py                 # ~1 GB CSV (default)
    python bench/ingest.py --size-mb 200   # smaller
    python bench/ingest.py --keep          # keep the generated file for a rerun

Generates a realistic CSV (Chinese names and addresses, ID and mobile numbers,
integers, decimals, booleans, dates and times), then runs the real pipeline
(`apps.catalog.ingest.pipeline.ingest_file`) in a fresh subprocess and reports rows/s,
MB/s and the subprocess's peak RSS (VmHWM), including the ratio to the file size.
Not a test and not run in CI.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIELDS = [
    ("id", "integer", False), ("name", "string", False), ("id_number", "string", False),
    ("mobile", "string", True), ("address", "string", True), ("company", "string", True),
    ("age", "integer", True), ("income", "decimal", True), ("member", "boolean", True),
    ("born", "date", True), ("updated", "datetime", True),
]  # fmt: skip
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰梅鑫宇浩然子涵欣怡梓萱一诺"
)
CITIES = [
    *("北京市东城区", "上海市徐汇区", "广州市天河区", "深圳市南山区", "杭州市西湖区"),
    *("成都市武侯区", "武汉市洪山区", "南京市鼓楼区", "西安市雁塔区", "重庆市渝中区"),
]
ROADS = ["人民路", "解放路", "中山路", "建设大道", "和平街", "长江路", "文化路", "科技园路"]
COMPANIES = ["科技有限公司", "贸易有限公司", "建设工程有限公司", "餐饮管理有限公司", "物流有限公司"]


def _id_number(rng: random.Random) -> str:
    body = f"{rng.choice(['110101', '310104', '440106', '510107', '330106'])}"
    body += f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randint(0, 999):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _row(rng: random.Random) -> str:
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
    address = f"{rng.choice(CITIES)}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
    company = (
        f"{rng.choice(CITIES)[:2]}{rng.choice(GIVEN)}{rng.choice(GIVEN)}{rng.choice(COMPANIES)}"
    )
    born = f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    updated = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
    updated += f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    return ",".join([
        name, _id_number(rng), f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}",
        address, f'"{company}"', str(rng.randint(18, 90)), f"{rng.uniform(0, 99999):.2f}",
        rng.choice(["true", "false", "是", "否"]), born, updated,
    ])  # fmt: skip


def generate(path: Path, size_bytes: int, encoding: str = "utf-8", seed: int = 7) -> int:
    """Writes ~size_bytes; a pool of random rows is reused with a running id in front."""
    rng = random.Random(seed)
    pool = [_row(rng) for _ in range(200_000)]
    rows = 0
    with open(path, "w", encoding=encoding, newline="") as handle:
        handle.write(",".join(name for name, _t, _n in FIELDS) + "\n")
        written = 0
        while written < size_bytes:
            chunk = "".join(f"{rows + i},{line}\n" for i, line in enumerate(pool))
            handle.write(chunk)
            written += len(chunk.encode(encoding))
            rows += len(pool)
    return rows


def peak_rss_kb() -> int:
    """VmHWM of this process image. ru_maxrss would also count the parent's memory at
    fork time (Linux carries it across execve), which would overstate the peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _progress(bytes_done: int, rows_done: int) -> None:
    """Stands in for the per-batch progress UPDATE of the service."""


def run_child(path: Path, out_dir: Path) -> None:
    """In the measured subprocess: the real pipeline, nothing else."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from apps.catalog.ingest.pipeline import ingest_file
    from apps.catalog.ingest.schema import FieldSpec

    baseline = peak_rss_kb()
    fields = [FieldSpec(name, kind, nullable) for name, kind, nullable in FIELDS]
    started = time.perf_counter()
    result = ingest_file(path=path, fields=fields, out_dir=out_dir, on_progress=_progress)
    elapsed = time.perf_counter() - started
    peak = peak_rss_kb()
    print(json.dumps({
        "ok": result.ok, "rows": result.row_count, "seconds": elapsed,
        "parquet_bytes": result.byte_size, "problems": result.problem_count,
        "error": result.error, "baseline_kb": baseline, "peak_kb": peak,
    }))  # fmt: skip
    if result.temp_path:
        result.temp_path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "gbk", "gb18030"])
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = Path(args.dir)
    if args.child:
        run_child(Path(args.child), work)
        return
    path = work / f"bench-ingest-{args.size_mb}mb-{args.encoding}.csv"
    if not path.exists():
        started = time.perf_counter()
        rows = generate(path, args.size_mb * 1024 * 1024, args.encoding)
        print(f"generated {path} ({rows:,} rows) in {time.perf_counter() - started:.1f} s")
    size = path.stat().st_size
    child = subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--dir", str(work)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    stats = json.loads(child.stdout.strip().splitlines()[-1])
    mb = size / 1024 / 1024
    peak_mb = stats["peak_kb"] / 1024
    print(
        f"file          {mb:,.0f} MB CSV, {stats['rows']:,} rows, ok={stats['ok']} {stats['error']}"
    )
    print(f"time          {stats['seconds']:.1f} s")
    print(
        f"throughput    {stats['rows'] / stats['seconds']:,.0f} rows/s, "
        f"{mb / stats['seconds']:.1f} MB/s"
    )
    print(f"parquet       {stats['parquet_bytes'] / 1024 / 1024:,.0f} MB")
    print(
        f"peak RSS      {peak_mb:,.0f} MB (interpreter + Django before ingesting: "
        f"{stats['baseline_kb'] / 1024:,.0f} MB)"
    )
    print(f"peak RSS / file size  {peak_mb / mb:.3f}")
    if not args.keep:
        path.unlink()


if __name__ == "__main__":
    main()
