"""`vinculo complexity` end to end beside a user's `ecomplexity` script, as whole processes.

What a user waits for: from process start to the output Parquet written. On the same
panel file (Parquet, or CSV with ``--formats csv``), each run is a fresh process, one at a
time:

- ``ecomplexity``: a Python process running the script a user would write (printed with
  ``--show-scripts``): read the file with pandas, ``ecomplexity.ecomplexity(df, cols,
  verbose=False, check_logsupermodularity=False)`` (its slow, printed log-supermodularity
  check off, which favours it), ``out.to_parquet(...)``.
- ``vinculo``: ``.venv/bin/vinculo complexity FILE -o OUT`` (the installed entry point).
- ``vinculo-before`` (with ``--before SRC``): the same command from another source tree,
  e.g. a checkout of the last commit's ``src/``, run with this venv.

For each it prints the median wall time (and range) of ``--repeat`` runs, the median peak
RSS of the process (``ru_maxrss`` from ``wait4``), the ratio of the medians, and the CPU
that other processes used during the runs (above ~0.2 cores the machine was shared and
the times are inflated; the script waits for quiet before each run). Every run writes a
new file: replacing an existing one costs either tool ~60 ms more on ext4.

``--profile`` then breaks a ``vinculo complexity`` run down: its steps one after the other
in a fresh process (interpreter start, imports, read with sha256, key factorization, the
numerics of every period, the Arrow batches of the tidy output, the Parquet write), the
largest imports (``python -X importtime``) and which heavy modules the command loads.
``--compare`` reads both outputs back and prints the largest difference of every indicator.

It prints figures; it never asserts timings (correctness is the tests' job).

Usage (from the project root)::

    .venv/bin/python benchmarks/complexity_cli.py                   # hs4-20y Parquet, 3 runs
    .venv/bin/python benchmarks/complexity_cli.py --formats parquet csv --repeat 5 --compare \\
        --profile --before ../old-checkout/src --json cli.json
    .venv/bin/python benchmarks/complexity_cli.py --tools vinculo --no-timing --profile

The panel is ``hs4-20y`` of ``benchmarks/complexity.py`` (the real 2016 Atlas HS92 4-digit
table × 20 years with log-normal noise, 3,258,200 rows, 234 × 1,239 × 20; see
``_synthetic.py``), cached in ``benchmarks/.cache/`` with a CSV copy.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _synthetic import PANELS, panel_file
from complexity import (
    DEFAULT_CACHE,
    ROOT,
    _contention,
    _default_data,
    _environment,
    _human_bytes,
    _wait_for_quiet,
)

TOOLS = ["ecomplexity", "vinculo"]
VINCULO = ROOT / ".venv" / "bin" / "vinculo"

# The script a user of ecomplexity writes: read, compute, write. Arguments: the input
# file, its format, the output file and the four column names.
ECOMPLEXITY_SCRIPT = """\
import sys
import pandas as pd
from ecomplexity import ecomplexity

path, kind, out, time, loc, prod, val = sys.argv[1:]
if kind == "csv":
    df = pd.read_csv(path, dtype={loc: str, prod: str})  # codes keep their leading zeros
else:
    df = pd.read_parquet(path)
cols = {"time": time, "loc": loc, "prod": prod, "val": val}
result = ecomplexity(df, cols, verbose=False, check_logsupermodularity=False)
result.to_parquet(out, index=False)
"""

# Where a `vinculo complexity` run spends its time: the command's steps one after the other
# (not overlapped as in the command), each timed, in a fresh process. argv: the input file,
# the output file, the process's spawn time (time.time() in the parent).
PHASES_SCRIPT = """\
import json, sys, time
spawned = float(sys.argv[3])
marks = {"interpreter start": time.time() - spawned}
now = time.perf_counter()
cpu = time.process_time()
def mark(name):
    global now, cpu
    t, c = time.perf_counter(), time.process_time()
    marks[name] = t - now
    marks[name + " (cpu)"] = c - cpu
    now, cpu = t, c

import os, warnings
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the command sets it
from vinculo import cli
from vinculo.evidence import tables
from vinculo.indicators import complexity_batches, pipeline
mark("imports")
path, out = sys.argv[1], sys.argv[2]
columns = cli._guess_columns(tables.read_header(path), dict.fromkeys(
    ("time", "location", "item", "value")))
keys = [columns[r] for r in ("time", "location", "item", "value")]
text = (columns["location"], columns["item"])
read = tables.read_arrow(path, columns=keys, text_columns=text)
frame, source = read or tables.read_table(path, text_columns=text)
mark("read input (+ sha256)")
t = time.perf_counter()
tables._sha256(tables.Path(path))
marks["  of which sha256"] = time.perf_counter() - t
now = time.perf_counter()
warnings.simplefilter("ignore")
def batches():
    return complexity_batches(frame, time=keys[0], location=keys[1], item=keys[2], value=keys[3])
result = batches()
mark("validate, factorize keys")
assembly = [0.0]
original = pipeline.ComplexityBatches._batch
def timed(self, done):
    t = time.perf_counter()
    try:
        return original(self, done)
    finally:
        assembly[0] += time.perf_counter() - t
pipeline.ComplexityBatches._batch = timed
for batch in result:
    del batch
mark("numerics (every period, batches dropped)")
marks["  of which Arrow batches (tidy output)"] = assembly[0]
kept = list(batches())
now = time.perf_counter(); cpu = time.process_time()
tables.write_parquet_atomic(iter(kept), out, {"benchmark": True}, schema=kept[0].schema,
    compression="snappy", use_dictionary=keys[:3], data_page_size=8 << 20,
    write_batch_size=64 << 10,
    write_statistics=[n for n in kept[0].schema.names if n not in keys[1:3]])
mark("write Parquet (batches in memory)")
print(json.dumps(marks))
"""


def _cache_files(data: Path, cache: Path) -> dict[str, Path]:
    """The hs4-20y panel as Parquet (shared with complexity.py) and as CSV."""
    parquet = panel_file(PANELS["hs4-20y"], data, cache)
    csv = parquet.with_suffix(".csv")
    if not csv.is_file():
        import pandas as pd

        partial = csv.with_suffix(".csv.partial")
        pd.read_parquet(parquet).to_csv(partial, index=False)
        partial.replace(csv)
    return {"parquet": parquet, "csv": csv}


def _command(tool: str, source: Path, kind: str, out: Path, before: Path | None) -> list[str]:
    panel = PANELS["hs4-20y"]
    if tool == "vinculo-before":  # another source tree (e.g. the last commit's), same venv
        code = (
            "import sys; sys.path.insert(0, sys.argv.pop(1)); from vinculo.cli import main; main()"
        )
        return [sys.executable, "-c", code, str(before), "complexity", str(source), "-o", str(out)]
    if tool == "ecomplexity":
        return [
            sys.executable,
            "-c",
            ECOMPLEXITY_SCRIPT,
            str(source),
            kind,
            str(out),
            "year",
            panel.location,
            panel.item,
            panel.value,
        ]
    return [str(VINCULO), "complexity", str(source), "-o", str(out)]


def _run_once(command: list[str], timeout: float) -> dict[str, Any]:
    """Run one process; wall time from spawn to exit, peak RSS from wait4."""
    with (
        _contention() as load,
        tempfile.TemporaryFile() as stdout,
        tempfile.TemporaryFile() as stderr,
    ):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                return {"error": f"timed out after {timeout:g} s"}
            time.sleep(0.002)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
        if process.returncode != 0:
            stderr.seek(0)
            return {"error": f"exit {process.returncode}: {stderr.read().decode()[-2000:]}"}
    return {
        "seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss": usage.ru_maxrss * 1024,
    } | load


def _time_tools(files: dict[str, Path], args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {}
    outputs = args.cache_dir / "cli-outputs"
    outputs.mkdir(parents=True, exist_ok=True)
    for kind in args.formats:
        for repeat in range(args.repeat):
            for tool in args.tools:
                run = results.setdefault(kind, {}).setdefault(tool, {"runs": []})
                out = outputs / f"{tool}-{kind}.parquet"
                # A new file each run: replacing an existing one costs either tool ~60 ms
                # more on ext4 (it forces the new file's blocks out: auto_da_alloc).
                out.unlink(missing_ok=True)
                _wait_for_quiet(args.wait_quiet)
                command = _command(tool, files[kind], kind, out, args.before)
                done = _run_once(command, args.timeout)
                label = f"[{kind}] {tool} run {repeat + 1}/{args.repeat}"
                if "error" in done:
                    print(f"{label}: FAILED {done['error']}", file=sys.stderr, flush=True)
                    run["error"] = done["error"]
                    continue
                run["runs"].append(done)
                run["output"] = str(out)
                print(
                    f"{label}: {done['seconds']:.2f} s, peak RSS {_human_bytes(done['peak_rss'])}"
                    f", others' CPU {done['others_cores']:.2f} cores",
                    file=sys.stderr,
                    flush=True,
                )
    for per_tool in results.values():
        for run in per_tool.values():
            if run["runs"]:
                run["median_seconds"] = statistics.median(r["seconds"] for r in run["runs"])
                run["median_peak_rss"] = statistics.median(r["peak_rss"] for r in run["runs"])
    return results


def _report_times(results: dict[str, Any], files: dict[str, Path]) -> None:
    for kind, per_tool in results.items():
        size = files[kind].stat().st_size
        print(f"== {kind} input: {files[kind].name} ({_human_bytes(size)})")
        header = f"{'tool':14s} {'median s':>9s} {'range s':>13s} {'runs':>4s} {'peak RSS':>9s}"
        print(header + f" {'× ecomplexity':>13s} {'others CPU':>10s}")
        ref = per_tool.get("ecomplexity", {}).get("median_seconds")
        for tool, run in per_tool.items():
            if "median_seconds" not in run:
                print(f"{tool:14s} failed: {run.get('error', '')[:200]}")
                continue
            seconds = [r["seconds"] for r in run["runs"]]
            ratio = f"{ref / run['median_seconds']:.1f}×" if ref else ""
            others = max(r["others_cores"] for r in run["runs"])
            print(
                f"{tool:14s} {run['median_seconds']:9.2f} "
                f"{f'{min(seconds):.2f}–{max(seconds):.2f}':>13s} {len(seconds):4d} "
                f"{_human_bytes(run['median_peak_rss']):>9s} {ratio:>13s} {others:10.2f}"
            )
        print()


def _compare(results: dict[str, Any]) -> None:
    """Largest |vinculo − ecomplexity| of every indicator, matched on the keys."""
    import numpy as np
    import pandas as pd

    panel = PANELS["hs4-20y"]
    keys = ["year", panel.location, panel.item]
    columns = ["rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog"]
    for kind, per_tool in results.items():
        if not all("output" in per_tool.get(t, {}) for t in TOOLS):
            continue
        ours = pd.read_parquet(per_tool["vinculo"]["output"])
        ref = pd.read_parquet(per_tool["ecomplexity"]["output"])
        ref = ref[ref["eci"].notna()]  # rows of left-out locations/items come back as NaN
        for frame in (ours, ref):
            for key in keys[1:]:
                frame[key] = frame[key].astype(str)
        merged = ours.merge(ref, on=keys, suffixes=("", "_ref"), validate="one_to_one")
        diffs = []
        for column in columns:
            a = merged[column].to_numpy(dtype=np.float64)
            b = merged[f"{column}_ref"].to_numpy(dtype=np.float64)
            both = np.isfinite(a) & np.isfinite(b)
            diffs.append(f"{column} {np.abs(a[both] - b[both]).max():.1e}")
        print(
            f"== {kind}: {len(merged):,} rows matched ({len(ours):,} vinculo, {len(ref):,} "
            f"ecomplexity); max |difference|: " + ", ".join(diffs)
        )
    print()


def _median_wall(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _profile(files: dict[str, Path], args: argparse.Namespace) -> None:
    """Where one `vinculo complexity` run spends its time (Parquet input), step by step."""
    python = str(ROOT / ".venv" / "bin" / "python")
    source = files["parquet"]
    out = args.cache_dir / "cli-outputs" / "phases.parquet"
    print(f"== where the time goes: the command's steps one after the other, median of "
          f"{args.profile_runs} fresh processes (Parquet input)")  # fmt: skip
    _wait_for_quiet(args.wait_quiet)
    start_only = _median_wall([python, "-c", "pass"], 5)
    print(f"   {'python -c pass (bare interpreter)':48s} {start_only:6.3f} s")
    runs: list[dict[str, float]] = []
    for _ in range(args.profile_runs):
        _wait_for_quiet(args.wait_quiet)
        command = [python, "-c", PHASES_SCRIPT, str(source), str(out), repr(time.time())]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    for name in runs[0]:
        if name.endswith("(cpu)"):
            continue
        wall = statistics.median(r[name] for r in runs)
        cpu_name = f"{name} (cpu)"
        cpu = (
            f"  cpu {statistics.median(r[cpu_name] for r in runs):6.3f} s"
            if cpu_name in runs[0]
            else ""
        )
        print(f"   {name:48s} {wall:6.3f} s{cpu}")

    importtime = subprocess.run(
        [python, "-X", "importtime", "-c", "from vinculo import cli; "
         "from vinculo.evidence import tables; import vinculo.indicators; "
         "import pyarrow.csv"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    top_level: dict[str, int] = {}
    for line in importtime.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if name.startswith(" ") and not name.startswith("  "):  # top-level imports only
            with contextlib.suppress(ValueError):
                top_level[name.strip()] = int(cumulative)
    heavy = sorted(top_level.items(), key=lambda kv: -kv[1])[:8]
    print("   imports, largest (python -X importtime, s): " + ", ".join(
        f"{name} {us / 1e6:.3f}" for name, us in heavy))  # fmt: skip
    probe = (
        "import sys, runpy; sys.argv = ['vinculo', 'complexity', sys.argv[1], '-o', sys.argv[2]]\n"
        "from vinculo.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('pandas', 'scipy', 'duckdb', 'django', 'httpx', 'babel', 'polars')\n"
        "print('loaded:', ' '.join(sorted(n for n in heavy if n in sys.modules)))"
    )
    modules = (
        subprocess.run(
            [python, "-c", probe, str(source), str(out)], capture_output=True, text=True, check=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    modules = modules.removeprefix("loaded:").strip()
    print(f"   heavy modules loaded by `vinculo complexity`: {modules or 'none of them'}")
    print()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time `vinculo complexity` and a user's ecomplexity script end to end "
        "(process start to Parquet written) on the hs4-20y panel."
    )
    parser.add_argument("--formats", nargs="+", default=["parquet"], choices=["parquet", "csv"])
    parser.add_argument("--tools", nargs="+", default=TOOLS, choices=TOOLS)
    parser.add_argument(
        "--before",
        type=Path,
        metavar="SRC",
        help="also time `vinculo complexity` from this source tree (a checkout's src/), "
        "as 'vinculo-before'",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool and format (3)")
    parser.add_argument("--data", type=Path, default=_default_data())
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--wait-quiet", type=float, default=120, metavar="SECONDS")
    parser.add_argument("--compare", action="store_true", help="print the outputs' differences")
    parser.add_argument("--profile", action="store_true", help="break a vinculo run down")
    parser.add_argument("--profile-runs", type=int, default=3)
    parser.add_argument("--no-timing", action="store_true", help="only --profile")
    parser.add_argument("--show-scripts", action="store_true", help="print the ecomplexity script")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the figures here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.before is not None:
        args.tools = [t for t in TOOLS if t in args.tools]
        args.tools.insert(len(args.tools) - 1 if "vinculo" in args.tools else 0, "vinculo-before")
    if args.show_scripts:
        print(ECOMPLEXITY_SCRIPT)
    env = _environment()
    files = _cache_files(args.data, args.cache_dir)
    load = ", ".join(f"{x:.2f}" for x in env["load_average"])
    print(
        f"`vinculo complexity` vs a user's ecomplexity script, whole processes\n"
        f"  date     {env['date']}\n"
        f"  machine  {env.get('cpu', '?')}, {env['cpus']} CPUs, "
        f"{_human_bytes(env.get('memory_bytes'))} RAM; load {load}\n"
        f"  versions python {env['python']}, numpy {env['versions']['numpy']}, pandas "
        f"{env['versions']['pandas']}, pyarrow {env['versions']['pyarrow']}, ecomplexity "
        f"{env['versions']['ecomplexity']}; vinculo {env['versions']['vinculo']}\n"
        f"  panel    hs4-20y: {PANELS['hs4-20y'].description}\n"
        f"  method   wall = spawn to exit, median of {args.repeat}; peak RSS = ru_maxrss\n"
    )
    results: dict[str, Any] = {}
    if not args.no_timing:
        results = _time_tools(files, args)
        _report_times(results, files)
        if args.compare:
            _compare(results)
    if args.profile:
        _profile(files, args)
    if args.json:
        args.json.write_text(json.dumps({"environment": env, "results": results}, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
