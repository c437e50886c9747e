"""The OpenAlex snapshot job at scale: time and peak memory of DuckDB and Spark (local).

Generates synthetic snapshots in OpenAlex's layout (``vinculo.evidence.snapshot_fixture``;
6 partitions, 5% of the works again in a later partition, 1% merged ids) under
``/tmp/snapshot-bench/w<N>m`` (reused when present; never in the repository), then runs
``build_snapshot`` on each with each engine in a fresh child process and prints: works,
input size, wall time, µs per work, and the peak resident memory of the whole process tree
(the Python process plus, for Spark, its JVM), sampled from /proc every 0.2 s. It prints
figures and an extrapolation to the full snapshot; it asserts nothing.

Usage (from the project root)::

    .venv/bin/python benchmarks/openalex_snapshot.py --millions 1 4 --engines duckdb spark
    .venv/bin/python benchmarks/openalex_snapshot.py --millions 16 --engines duckdb
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from vinculo.evidence.snapshot_fixture import generate_snapshot  # noqa: E402

BENCH = Path("/tmp/snapshot-bench")
FULL_WORKS = 250e6  # the OpenAlex works snapshot, order of magnitude
FULL_GZ_BYTES = 330e9 * 0.8  # the whole gzip snapshot is ~330 GB; works are most of it

_CHILD = """
import json, sys, time
sys.path.insert(0, {src!r})
from vinculo.evidence.snapshot import build_snapshot, spark_session
engine, snap, out, memory = sys.argv[1:5]
spark = None
if engine == "spark":
    spark = spark_session("local[*]", int(sys.argv[5]), driver_memory=sys.argv[6])
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(64 << 20))
start = time.monotonic()
result = build_snapshot(snap, out, engine=engine, memory_limit=memory, spark=spark)
print(json.dumps({{"seconds": time.monotonic() - start, "provenance": result.provenance}}))
"""


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as handle:
                rss[int(entry)] = int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo += children.get(current, [])
    return total


def run(engine: str, snapshot: Path, memory: str, shuffle: int, heap: str) -> dict[str, object]:
    out = BENCH / f"out-{engine}-{snapshot.name}"
    shutil.rmtree(out, ignore_errors=True)
    code = _CHILD.format(src=str(ROOT / "src"))
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", code, engine, str(snapshot), str(out), memory, str(shuffle), heap],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.2)
    wall = time.monotonic() - started
    output = process.stdout.read() if process.stdout else ""
    if process.returncode != 0:
        return {"engine": engine, "error": f"exit {process.returncode}"}
    result = json.loads(output.strip().splitlines()[-1])
    shutil.rmtree(out, ignore_errors=True)
    return {"engine": engine, "wall": wall, "job": result["seconds"], "peak": peak, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--millions", type=float, nargs="+", default=[1, 4])
    parser.add_argument("--engines", nargs="+", default=["duckdb", "spark"])
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB's memory_limit")
    parser.add_argument("--shuffle-partitions", type=int, default=16)
    parser.add_argument("--spark-heap", default="4g", help="local Spark's driver memory")
    parser.add_argument("--workers", type=int, default=2, help="generator processes")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    rows = []
    print(
        f"{'works':>6} {'gz MB':>7} {'engine':>7} {'wall s':>8} {'µs/work':>8} "
        f"{'peak RSS MB':>11}  cores={os.cpu_count()}"
    )
    for millions in args.millions:
        n = int(millions * 1e6)
        snapshot = BENCH / f"w{millions:g}m"
        if not (snapshot / "data" / "works" / "manifest").exists():
            shutil.rmtree(snapshot, ignore_errors=True)
            started = time.monotonic()
            generate_snapshot(snapshot, n, workers=args.workers)
            print(f"generated {n:,} works in {time.monotonic() - started:.0f} s", flush=True)
        size = sum(p.stat().st_size for p in (snapshot / "data").rglob("*.gz"))
        for engine in args.engines:
            figures = run(
                engine, snapshot, args.memory_limit, args.shuffle_partitions, args.spark_heap
            )
            if "error" in figures:
                print(f"{millions:>5g}M {size / 1e6:>7.0f} {engine:>7} failed: {figures['error']}")
                continue
            wall, peak = float(figures["wall"]), int(figures["peak"])  # type: ignore[arg-type]
            print(
                f"{millions:>5g}M {size / 1e6:>7.0f} {engine:>7} {wall:>8.1f} "
                f"{wall / n * 1e6:>8.1f} {peak / 1e6:>11.0f}",
                flush=True,
            )
            rows.append(
                {"works": n, "gz_bytes": size, "engine": engine, "wall": wall, "peak": peak}
            )
    for engine in args.engines:
        mine = [r for r in rows if r["engine"] == engine]
        if not mine:
            continue
        largest = max(mine, key=lambda r: r["works"])
        per_byte = float(largest["wall"]) / float(largest["gz_bytes"])  # type: ignore[arg-type]
        per_work = float(largest["wall"]) / float(largest["works"])  # type: ignore[arg-type]
        print(
            f"{engine}: estimate for the full snapshot on this machine ({os.cpu_count()} cores): "
            f"{per_work * FULL_WORKS / 3600:.1f} h by works, "
            f"{per_byte * FULL_GZ_BYTES / 3600:.1f} h by compressed bytes "
            f"(real works carry ~{FULL_GZ_BYTES / FULL_WORKS / (float(largest['gz_bytes']) / float(largest['works'])):.1f}x "  # type: ignore[arg-type]  # noqa: E501
            "the bytes of the synthetic ones)"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
