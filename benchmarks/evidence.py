"""Evidence imports: time and rows per second for each staged dataset and a large table.

Prints, per file: rows imported, wall time of the import (read, validate, write in one
transaction) and rows per second, into a fresh store in a temporary folder. With
``--rows N`` (default 50 million) it also generates an exports table of about N rows
(countries × 4-digit-like products × years, deterministic) as Parquet in
``benchmarks/.cache/`` and imports it through the ``exports`` preset, to show how the
store scales past one country's needs. It prints figures; it asserts nothing.

Usage (from the project root)::

    .venv/bin/python benchmarks/evidence.py                 # staged datasets + 50 M rows
    .venv/bin/python benchmarks/evidence.py --rows 0        # staged datasets only
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from vinculo.evidence.countries import locations_table  # noqa: E402
from vinculo.evidence.pull import SOURCES  # noqa: E402
from vinculo.evidence.sources.baci import import_baci  # noqa: E402
from vinculo.evidence.sources.generic import import_file  # noqa: E402
from vinculo.evidence.store import EvidenceStore  # noqa: E402


def _large_table(rows: int, cache: Path) -> Path:
    """About ``rows`` rows of (year, country, product, classification, value_usd)."""
    countries = locations_table().query("kind == 'country'")["code"].to_numpy()[:230]
    products = np.array([f"{i:04d}" for i in range(5000)])
    years = max(1, round(rows / (len(countries) * len(products))))
    path = cache / f"exports-{len(countries)}x{len(products)}x{years}.parquet"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    writer = None
    try:
        for year in range(2024 - years, 2024):
            n = len(countries) * len(products)
            table = pa.table(
                {
                    "year": pa.array(np.full(n, year, dtype=np.int16)),
                    "country": pa.DictionaryArray.from_arrays(
                        np.repeat(np.arange(len(countries), dtype=np.int32), len(products)),
                        countries,
                    ),
                    "product": pa.DictionaryArray.from_arrays(
                        np.tile(np.arange(len(products), dtype=np.int32), len(countries)),
                        products,
                    ),
                    "classification": pa.DictionaryArray.from_arrays(
                        np.zeros(n, dtype=np.int32), np.array(["hs92"])
                    ),
                    "value_usd": pa.array(rng.lognormal(12, 3, n)),
                }
            )
            writer = writer or pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    return path


def _baci_year(flows: int, cache: Path) -> Path:
    """A BACI-shaped year file (t,i,j,k,v,q) of ``flows`` bilateral flows, and its
    country list, in ``cache/baci-<flows>/``."""
    folder = cache / f"baci-{flows}"
    path = folder / "BACI_HS92_Y2022_V202401b.csv"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    countries = locations_table().query("kind == 'country'").dropna(subset=["numeric"])[:200]
    (folder / "country_codes_V202401b.csv").write_text(
        "country_code,country_name,country_iso2,country_iso3\n"
        + "".join(
            f"{int(n)},{name.replace(',', ' ')},{iso2},{code}\n"
            for n, name, iso2, code in countries[["numeric", "name", "iso2", "code"]].to_numpy()
        )
    )
    rng = np.random.default_rng(0)
    numeric = countries["numeric"].astype(int).to_numpy()
    products = np.array([f"{rng.integers(10, 99)}{i:04d}" for i in range(5000)])
    frame = pd.DataFrame(
        {
            "t": 2022,
            "i": rng.choice(numeric, flows),
            "j": rng.choice(numeric, flows),
            "k": rng.choice(products, flows),
            "v": rng.lognormal(3, 2, flows).round(3),
            "q": rng.lognormal(1, 2, flows).round(3),
        }
    )
    frame.to_csv(path.with_suffix(".tmp"), index=False)
    path.with_suffix(".tmp").rename(path)
    return path


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default=os.environ.get("VINCULO_TEST_DATA", ROOT.parent / "shared" / "data")
    )
    parser.add_argument("--rows", type=int, default=50_000_000, help="large table size (0: skip)")
    parser.add_argument(
        "--baci-rows", type=int, default=10_000_000, help="flows in a BACI-like year file (0: skip)"
    )
    args = parser.parse_args()
    data = Path(args.data)
    print(f"{'source':10s} {'file':62s} {'rows':>12s} {'seconds':>8s} {'rows/s':>12s}")
    with tempfile.TemporaryDirectory() as folder, EvidenceStore(Path(folder) / "e.duckdb") as store:
        for source, spec in SOURCES.items():
            for relative, importer in spec.staged:
                start = time.perf_counter()
                result = importer(store, data / relative)
                seconds = time.perf_counter() - start
                print(
                    f"{source:10s} {Path(relative).name:62s} {result.rows:>12,} "
                    f"{seconds:>8.2f} {result.rows / seconds:>12,.0f}"
                )
        if args.baci_rows:
            path = _baci_year(args.baci_rows, ROOT / "benchmarks" / ".cache")
            start = time.perf_counter()
            result = import_baci(store, path)
            seconds = time.perf_counter() - start
            print(
                f"{'baci-like':10s} {path.name:62s} {args.baci_rows:>12,} {seconds:>8.2f} "
                f"{args.baci_rows / seconds:>12,.0f}   (flows read; {result.rows:,} rows stored)"
            )
        if args.rows:
            path = _large_table(args.rows, ROOT / "benchmarks" / ".cache")
            start = time.perf_counter()
            result = import_file(store, "exports", path, vintage="generated")
            seconds = time.perf_counter() - start
            print(
                f"{'generated':10s} {path.name:62s} {result.rows:>12,} {seconds:>8.2f} "
                f"{result.rows / seconds:>12,.0f}"
            )
            size = (Path(folder) / "e.duckdb").stat().st_size / 1024**3
            print(f"store file: {size:.2f} GB; peak memory of this process: {_peak_gb():.1f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
