"""How fast the strategy engine answers, on the staged evidence and on evidence 100 times
its size: the capability snapshot of every priority (cold: nothing cached), `vinculo gaps`
and `vinculo partners` end to end (process start to output; cold and cached), with peak
memory. Figures are printed, never asserted.

    .venv/bin/python benchmarks/strategy.py                      # the staged evidence
    .venv/bin/python benchmarks/strategy.py --scale 100          # + the generated 100x store
    .venv/bin/python benchmarks/strategy.py --help

The staged store is pulled from ``--data`` (default ``$VINCULO_TEST_DATA``, else
``../shared/data``) into ``benchmarks/.cache/strategy/staged``. The 100x store adds to it,
deterministically (seeded), what the issue names: 30 years of HS6 exports (the 2016 Atlas
table, each HS4 product split in four pseudo HS6 products, per-year log-normal noise: about
20 million rows) and works per country × OpenAlex topic × year (4,500 topics × 250
countries × 25 years: about 28 million rows, sized by each country's real output). Each
measurement runs in a fresh child process; peak memory is that process's maximum RSS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache" / "strategy"
VINCULO = str(Path(sys.executable).with_name("vinculo"))
SEED = 20_261_204
TOPICS = 4_500
COUNTRIES = 250
TOPIC_YEARS = range(2001, 2026)
TRADE_YEARS = range(1987, 2017)

SNAPSHOT = """
import sys, time
from pathlib import Path
from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.capability import CapabilityModel
from vinculo.strategy.priorities import default_priorities
start = time.perf_counter()
with EvidenceStore(Path(sys.argv[1]) / "evidence.duckdb", read_only=True) as store:
    model = CapabilityModel(store, default_priorities())
    gaps = model.gaps()
    leaders = model.leaders()
print(f"{time.perf_counter() - start:.3f} {len(gaps)} {len(leaders)}")
"""


def _child(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (GB, this child's own, from wait4) and stdout of one child."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    out, err = process.stdout.read(), process.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024**2, out


def _median(runs: list[tuple[float, float, str]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def staged_home(data: Path) -> Path:
    home = CACHE / "staged"
    if not (home / "evidence.duckdb").exists():
        home.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "VINCULO_HOME": str(home), "VINCULO_MIRROR": str(data)}
        print(f"pulling the staged evidence into {home} ...", file=sys.stderr)
        subprocess.run([VINCULO, "data", "pull"], env=env, check=True, capture_output=True)
    return home


def _exports(data: Path, folder: Path) -> Path:
    """30 years of pseudo-HS6 exports from the 2016 Atlas table (deterministic)."""
    target = folder / "exports_hs6_30y.parquet"
    if target.exists():
        return target
    rng = np.random.default_rng(SEED)
    base = pd.read_parquet(data / "atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet")
    base = base[["country_code", "hs92_code", "export_value_usd"]]
    shares = rng.dirichlet(np.ones(4), size=len(base))
    parts = []
    for year in TRADE_YEARS:
        noise = rng.lognormal(0.0, 0.05, size=(len(base), 4))
        values = np.rint(base["export_value_usd"].to_numpy()[:, None] * shares * noise)
        for digit in range(4):
            parts.append(
                pd.DataFrame(
                    {
                        "year": year,
                        "country": base["country_code"].to_numpy(),
                        "product": base["hs92_code"].str.zfill(4).to_numpy() + f"0{digit + 1}",
                        "classification": "hs92",
                        "value_usd": values[:, digit],
                    }
                )
            )
    frame = pd.concat(parts, ignore_index=True)
    frame[frame["value_usd"] > 0].to_parquet(target, index=False)
    return target


def _topics(store_path: Path, folder: Path) -> Path:
    """Works per country × topic × year, sized by each country's real output."""
    target = folder / "topics_250x4500x25.parquet"
    if target.exists():
        return target
    import duckdb

    rng = np.random.default_rng(SEED + 1)
    with duckdb.connect(str(store_path), read_only=True) as db:
        sizes = db.execute(
            "SELECT country, sum(count) AS works FROM publications "
            "WHERE taxonomy = 'openalex-subfield' AND year = 2023 GROUP BY country "
            "ORDER BY works DESC LIMIT ?",
            [COUNTRIES],
        ).df()
    countries = sizes["country"].to_numpy()
    scale = sizes["works"].to_numpy(dtype=float) / 3.0
    popularity = rng.dirichlet(np.full(TOPICS, 0.7))
    profile = rng.lognormal(0.0, 0.6, size=(len(countries), TOPICS))
    topics = np.array([f"T{10000 + i}" for i in range(TOPICS)])
    parts = []
    for offset, year in enumerate(TOPIC_YEARS):
        growth = 1.03**offset
        expected = scale[:, None] * popularity[None, :] * profile * growth * 3
        counts = rng.poisson(expected / 25).astype(float)
        # every cell, zeros included: 4,500 x 250 x 25 rows, the size the issue names
        parts.append(
            pd.DataFrame(
                {
                    "year": np.full(counts.size, year, dtype="int32"),
                    "country": pd.Categorical(np.repeat(countries, TOPICS)),
                    "field": pd.Categorical(np.tile(topics, len(countries))),
                    "taxonomy": pd.Categorical(["openalex-topic"] * counts.size),
                    "count_type": pd.Categorical(["whole"] * counts.size),
                    "count": counts.ravel(),
                }
            )
        )
    pd.concat(parts, ignore_index=True).to_parquet(target, index=False)
    return target


def scaled_home(data: Path, staged: Path) -> Path:
    home = CACHE / "scaled-100x"
    store = home / "evidence.duckdb"
    if store.exists():
        return home
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(staged / "evidence.duckdb", store)
    from vinculo.evidence.store import EvidenceStore
    from vinculo.evidence.tables import iter_table

    exports = _exports(data, CACHE)
    topics = _topics(store, CACHE)
    with EvidenceStore(store) as opened:
        for table, path, name in (
            ("exports", exports, "generated-hs6-30y"),
            ("publications", topics, "generated-topics"),
        ):
            print(f"importing {path.name} ...", file=sys.stderr)
            source, batches = iter_table(path)
            opened.import_rows(table, batches, source="generated", name=name,
                               vintage="benchmark", file_name=path.name,
                               file_sha256=source.sha256)  # fmt: skip
    return home


def measure(label: str, home: Path, repeat: int, priorities: list[str]) -> None:
    env = {**os.environ, "VINCULO_HOME": str(home)}
    rows = opened_rows(home)
    print(f"\n## {label}: {home}\n")
    print(f"evidence: {rows:,} rows in the canonical tables\n")
    print("| measurement | median s | peak RSS GB | runs |")
    print("|---|---:|---:|---:|")
    snapshot = [_child([sys.executable, "-c", SNAPSHOT, str(home)], env) for _ in range(repeat)]
    inside = statistics.median(float(r[2].split()[0]) for r in snapshot)
    seconds, peak = _median(snapshot)
    print(f"| capability snapshot, 8 priorities, nothing cached (in process) | {inside:.2f} | "
          f"{peak:.2f} | {repeat} |")  # fmt: skip
    print(f"| the same, process start to end | {seconds:.2f} | {peak:.2f} | {repeat} |")
    cold = []
    for _ in range(repeat):
        shutil.rmtree(home / "cache" / "strategy", ignore_errors=True)
        cold.append(_child([VINCULO, "gaps"], env))
    seconds, peak = _median(cold)
    print(f"| `vinculo gaps`, cache empty (computes and caches) | {seconds:.2f} | {peak:.2f} | "
          f"{repeat} |")  # fmt: skip
    warm = [_child([VINCULO, "gaps"], env) for _ in range(repeat)]
    seconds, peak = _median(warm)
    print(f"| `vinculo gaps`, cached | {seconds:.2f} | {peak:.2f} | {repeat} |")
    for priority in priorities:
        _child([VINCULO, "partners", "--priority", priority], env)  # its own frames cached
        runs = [_child([VINCULO, "partners", "--priority", priority], env) for _ in range(repeat)]
        seconds, peak = _median(runs)
        print(f"| `vinculo partners --priority {priority}`, cached | {seconds:.2f} | "
              f"{peak:.2f} | {repeat} |")  # fmt: skip


def opened_rows(home: Path) -> int:
    import duckdb

    with duckdb.connect(str(home / "evidence.duckdb"), read_only=True) as db:
        return int(db.execute("SELECT sum(row_count) FROM datasets").fetchone()[0])  # type: ignore[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_data = Path(os.environ.get("VINCULO_TEST_DATA", ROOT.parent / "shared" / "data"))
    parser.add_argument("--data", type=Path, default=default_data)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=int, choices=[1, 100], default=1,
                        help="100: also the generated store 100 times the staged size")  # fmt: skip
    parser.add_argument("--priorities", nargs="*",
                        default=["batteries", "aerospace", "supercomputing"])  # fmt: skip
    args = parser.parse_args(argv)
    staged = staged_home(args.data)
    measure("staged evidence", staged, args.repeat, args.priorities)
    if args.scale == 100:
        scaled = scaled_home(args.data, staged)
        measure("100x evidence (generated)", scaled, args.repeat, args.priorities)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
