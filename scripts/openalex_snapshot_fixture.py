"""Write a synthetic OpenAlex works snapshot in the published layout (for tests, demos and
benchmarks of ``vinculo data build openalex-snapshot``).

    PYTHONPATH=src .venv/bin/python scripts/openalex_snapshot_fixture.py /tmp/snap --works 100000

Writes ``data/works/manifest``, ``data/works/updated_date=YYYY-MM-DD/part_NNN.gz`` (gzip JSON
lines in OpenAlex's work schema) and ``data/merged_ids/works/YYYY-MM-DD.csv.gz``; see
``vinculo.evidence.snapshot_fixture.generate_snapshot`` for what is in it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from vinculo.evidence.snapshot_fixture import generate_snapshot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path, help="folder to write (must not exist)")
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--workers", type=int, default=1, help="processes writing files")
    args = parser.parse_args()
    if args.root.exists():
        sys.exit(f"error: {args.root} exists; give a new folder")
    started = time.monotonic()
    generate_snapshot(
        args.root, args.works, seed=args.seed, partitions=args.partitions, workers=args.workers
    )
    size = sum(p.stat().st_size for p in args.root.rglob("*.gz"))
    print(
        f"{args.works:,} works in {args.root} ({size / 1e6:,.1f} MB gzip) "
        f"in {time.monotonic() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
