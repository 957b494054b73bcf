"""Benchmark of dataset ingestion: throughput and peak memory on a generated CSV.

    python bench/ingest.py                 # ~1 GB CSV (default)
    python bench/ingest.py --size-mb 200   # smaller
    python bench/ingest.py --keep          # keep the generated file for a rerun
    python bench/ingest.py --compare 3     # normalization off vs on, 3 runs each, same file
    python bench/ingest.py --agency-forms 20   # 20 % of rows write dates/numbers as agencies do

Generates a realistic CSV (Chinese names and addresses, ID and mobile numbers,
integers, decimals, booleans, dates and times), then runs the real pipeline
(`apps.catalog.ingest.pipeline.ingest_file`) in a fresh subprocess and reports rows/s,
MB/s and the subprocess's peak RSS (VmHWM), including the ratio to the file size.
`--compare N` runs the pipeline N times with the normalization of agency date and number
forms turned off (the baseline: canonical forms only, as before it existed) and N times
with it on, alternating, on the same file, and prints the best time of each and their
ratio. `--agency-forms P` writes P % of the rows' dates and numbers in the forms agency
files carry (2022/09/20, 2022年9月20日, 20220920, 1,234.50, full-width digits), which only
the normalizing run accepts.
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


FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _agency(rng: random.Random, age: int, income: float, y: int, m: int, d: int):
    """The same values written as an agency export might write them."""
    born = rng.choice([f"{y}/{m:02d}/{d:02d}", f"{y}年{m}月{d}日", f"{y}{m:02d}{d:02d}"])
    age_text = str(age).translate(FULL_WIDTH) if rng.random() < 0.5 else str(age)
    return age_text, f'"{income:,.2f}"', born


def _row(rng: random.Random, agency: float = 0.0) -> str:
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
    address = f"{rng.choice(CITIES)}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
    company = (
        f"{rng.choice(CITIES)[:2]}{rng.choice(GIVEN)}{rng.choice(GIVEN)}{rng.choice(COMPANIES)}"
    )
    y, m, d = rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)
    born = f"{y}-{m:02d}-{d:02d}"
    age, income = rng.randint(18, 90), rng.uniform(0, 99999)
    age_text, income_text = str(age), f"{income:.2f}"
    if rng.random() < agency:
        age_text, income_text, born = _agency(rng, age, income, y, m, d)
    updated = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
    updated += f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    return ",".join([
        name, _id_number(rng), f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}",
        address, f'"{company}"', age_text, income_text,
        rng.choice(["true", "false", "是", "否"]), born, updated,
    ])  # fmt: skip


def generate(
    path: Path, size_bytes: int, encoding: str = "utf-8", seed: int = 7, agency: float = 0.0
) -> int:
    """Writes ~size_bytes; a pool of random rows is reused with a running id in front."""
    rng = random.Random(seed)
    pool = [_row(rng, agency) for _ in range(200_000)]
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


def _cpu() -> float:
    """User + system CPU time of this process (all its threads): on a shared, loaded
    machine a steadier measure than the wall clock."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _progress(bytes_done: int, rows_done: int) -> None:
    """Stands in for the per-batch progress UPDATE of the service."""


def run_child(path: Path, out_dir: Path, normalize: bool = True) -> None:
    """In the measured subprocess: the real pipeline, nothing else."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from apps.catalog.ingest.pipeline import ingest_file
    from apps.catalog.ingest.schema import FieldSpec

    baseline = peak_rss_kb()
    fields = [FieldSpec(name, kind, nullable) for name, kind, nullable in FIELDS]
    started, cpu_started = time.perf_counter(), _cpu()
    # The flag is passed only to turn normalization off, so this child also runs an older
    # pipeline (without it) for a comparison across commits.
    options = {} if normalize else {"normalize_forms": False}
    result = ingest_file(
        path=path, fields=fields, out_dir=out_dir, on_progress=_progress, **options
    )
    elapsed, cpu = time.perf_counter() - started, _cpu() - cpu_started
    peak = peak_rss_kb()
    print(json.dumps({
        "ok": result.ok, "rows": result.row_count, "seconds": elapsed, "cpu_seconds": cpu,
        "parquet_bytes": result.byte_size, "problems": result.problem_count,
        "error": result.error, "baseline_kb": baseline, "peak_kb": peak,
        "normalized": getattr(result, "normalized", {}),  # an older pipeline has none
    }))  # fmt: skip
    if result.temp_path:
        result.temp_path.unlink()


def run(path: Path, work: Path, normalize: bool = True) -> dict:
    command = [sys.executable, __file__, "--child", str(path), "--dir", str(work)]
    if not normalize:
        command.append("--no-normalize")
    child = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def compare(path: Path, work: Path, times: int) -> None:
    """Baseline (canonical forms only) and normalizing runs, alternating on one file."""
    runs: dict[bool, list[dict]] = {False: [], True: []}
    for _ in range(times):
        for normalize in (False, True):
            stats = run(path, work, normalize)
            if not stats["ok"]:
                print(f"normalize={normalize}: not ok: {stats['error']}")
            runs[normalize].append(stats)
    rows = stats["rows"]
    best = {}
    for normalize, label in ((False, "baseline (off)"), (True, "normalizing (on)")):
        wall = min(r["seconds"] for r in runs[normalize])
        cpu = min(r["cpu_seconds"] for r in runs[normalize])
        best[normalize] = (wall, cpu)
        each = ", ".join(f"{r['seconds']:.1f}/{r['cpu_seconds']:.1f}" for r in runs[normalize])
        print(
            f"{label:17} best wall {wall:.2f} s ({rows / wall:,.0f} rows/s), "
            f"best CPU {cpu:.2f} s; runs (wall/CPU s): {each}"
        )
    for index, name in ((0, "wall"), (1, "CPU")):
        ratio = best[True][index] / best[False][index]
        print(f"slowdown ({name:4}) {100 * (ratio - 1):+.1f} % (best against best; limit +10 %)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "gbk", "gb18030"])
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--compare", type=int, default=0, metavar="N")
    parser.add_argument("--agency-forms", type=float, default=0.0, metavar="PERCENT")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--no-normalize", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = Path(args.dir)
    if args.child:
        run_child(Path(args.child), work, normalize=not args.no_normalize)
        return
    agency = f"-agency{args.agency_forms:g}" if args.agency_forms else ""
    path = work / f"bench-ingest-{args.size_mb}mb-{args.encoding}{agency}.csv"
    if not path.exists():
        started = time.perf_counter()
        rows = generate(
            path, args.size_mb * 1024 * 1024, args.encoding, agency=args.agency_forms / 100
        )
        print(f"generated {path} ({rows:,} rows) in {time.perf_counter() - started:.1f} s")
    if args.compare:
        compare(path, work, args.compare)
        if not args.keep:
            path.unlink()
        return
    size = path.stat().st_size
    stats = run(path, work)
    mb = size / 1024 / 1024
    peak_mb = stats["peak_kb"] / 1024
    print(
        f"file          {mb:,.0f} MB CSV, {stats['rows']:,} rows, ok={stats['ok']} {stats['error']}"
    )
    print(f"time          {stats['seconds']:.1f} s (CPU {stats['cpu_seconds']:.1f} s)")
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
    counts = {name: forms for name, forms in stats["normalized"].items() if forms}
    print(f"normalized    {json.dumps(counts, ensure_ascii=False) if counts else 'none'}")
    if not args.keep:
        path.unlink()


if __name__ == "__main__":
    main()
