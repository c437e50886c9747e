"""Economic-complexity pipelines side by side: Vínculo, ecomplexity and the field's other packages.

Runs the whole pipeline (RCA, presence, diversity, ubiquity, ECI, PCI, proximity, density,
COI, COG, every year of the panel) of each package on the same panels and prints, per panel
and package:

- wall time: median (and range) of ``--repeat`` runs of the pipeline call, input already
  loaded, imports done;
- peak memory: peak RSS (``VmHWM``) of the fresh child process that did the run — every
  (panel, package, repeat) runs alone in its own process, one at a time;
- speed-up: ``×ecomplexity`` (ecomplexity's median / this median) and ``×fastest other``
  (the fastest other package's median / this median; above 1 = faster than all others);
- the largest absolute difference from ``ecomplexity`` 0.5.3 of every output both compute,
  matched on (year, location, item); proximity against ``ecomplexity.proximity``.

It prints figures; it never asserts timings (correctness is the tests' job).

Usage (from the project root)::

    .venv/bin/python benchmarks/complexity.py                       # hs4-2016 ots-3y, 3 runs
    .venv/bin/python benchmarks/complexity.py --panels hs4-20y --repeat 3 --json out.json
    .venv/bin/python benchmarks/complexity.py --panels hs6-2y hs6-20y \\
        --packages vinculo economic-complexity --repeat 1

Panels (``--panels``; ``all`` for every one): ``hs4-2016`` and ``ots-3y`` are the staged
real tables; ``hs4-20y``, ``hs6-2y`` and ``hs6-20y`` are derived from the 2016 table (see
``_synthetic.py``) and cached as Parquet in ``benchmarks/.cache/``. On ``hs6-20y``,
ecomplexity (≈22 min; its proximity does not fit in 24 GB) and econcomplex (≈15 min) are
skipped unless ``--include-slow``. Data come from ``--data`` (default ``$VINCULO_TEST_DATA``,
else ``../shared/data`` next to the project).

What each package's timed run does, and what it computes:

- ``vinculo``: ``vinculo.indicators.complexity(df, ...)``, then ``res.frame`` and
  ``res.proximity(year)`` for every year. All outputs, with ecomplexity's conventions.
- ``ecomplexity`` 0.5.3: ``ecomplexity.ecomplexity(df, cols, verbose=False,
  check_logsupermodularity=False)``; all outputs except a proximity table, which the extra
  line ``ecomplexity.proximity`` times on its own (it is the reference for proximity).
- ``economic-complexity`` 0.3.0 (the OEC's makers) has no panel pipeline: per year,
  ``pivot_table`` → ``rca`` → ``complexity`` (ECI, PCI) → ``proximity`` → ``relatedness``
  (density) → ``opportunity_gain``, then the results reshaped into one tidy frame (that glue
  is timed too). Lacks presence/diversity/ubiquity as outputs (internal only) and COI. ECI
  and PCI come from 20 reflections (not converged), z-scored with the sample std, PCI with
  its own mean and std; proximity has a zero diagonal (so density leaves the item itself
  out); ``opportunity_gain`` is the Atlas book's formula (with a ``-(1 - d) PCI`` term), not
  ecomplexity's COG — compared anyway, as information.
- ``econcomplex`` 1.0.1: ``econcomplex.compute_complexity(df, cols)`` (eigenvector method,
  panel mode). All outputs, but: its rows are the input rows only (no zero cells); ECI is
  the eigenvector of the location matrix after trimming degenerate units; PCI is z-scored
  with its own mean and std; proximity has a zero diagonal; density is in percent (divided by
  100 here before comparing); COI is the raw sum (not z-scored) and COG is not divided by
  the std of the location vector, both with its own PCI.

Where a package's proximity diagonal is 0 it is set to 1 (ecomplexity's convention) before
comparing, so the proximity column shows off-diagonal differences.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from _synthetic import PANELS, Panel, panel_file

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = ROOT / "benchmarks" / ".cache"

PACKAGES = ["vinculo", "ecomplexity", "economic-complexity", "econcomplex"]
PROXIMITY_LINE = "ecomplexity.proximity"  # extra line, run whenever ecomplexity is
REFERENCE = "ecomplexity"
OUTPUTS = ["rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog"]
KEYS = ["year", "location", "item"]
DEFAULT_PANELS = ["hs4-2016", "ots-3y"]

# Known to take far too long (or not fit in 24 GB) on this kind of machine:
# docs INDICATORS.md, "How fast". Run anyway with --include-slow.
SLOW = {
    ("hs6-20y", "ecomplexity"): "≈22 min, and its proximity does not fit in 24 GB",
    ("hs6-20y", PROXIMITY_LINE): "its proximity table does not fit in 24 GB",
    ("hs6-20y", "econcomplex"): "≈15 min",
}


# --------------------------------------------------------------------------- child side


@dataclass
class Runner:
    """How one package is timed, and how its outputs are read back for comparison.

    ``run`` is the timed pipeline. ``tidy`` (untimed) returns its tidy output with the
    columns ``year, location, item`` and the outputs it has, or None. ``proximities``
    (untimed) yields ``(year, items, matrix)`` for every year.
    """

    run: Callable[[pd.DataFrame], Any]
    tidy: Callable[[Any], pd.DataFrame | None]
    proximities: Callable[[Any, pd.DataFrame], Iterator[tuple[int, np.ndarray, np.ndarray]]]


def _standard(frame: pd.DataFrame, panel: Panel) -> pd.DataFrame:
    frame = frame.rename(columns={panel.location: "location", panel.item: "item"})
    columns = KEYS + [c for c in OUTPUTS if c in frame.columns]
    frame = frame.loc[:, columns].reset_index(drop=True)
    frame["year"] = frame["year"].astype(np.int64)
    frame["location"] = frame["location"].astype(str)
    frame["item"] = frame["item"].astype(str)
    return frame


def _no_proximities(output: Any, df: pd.DataFrame) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    return iter(())


def _vinculo(panel: Panel) -> Runner:
    sys.path.insert(0, str(ROOT / "src"))  # the working tree, installed or not
    from vinculo.indicators import complexity

    def run(df: pd.DataFrame) -> Any:
        res = complexity(
            df, time="year", location=panel.location, item=panel.item, value=panel.value
        )
        res.frame  # noqa: B018 - built eagerly today; touched so a lazy frame is paid for too
        for year in res.times:
            res.proximity(year)  # materialized for every year, then dropped
        return res

    def proximities(res: Any, df: pd.DataFrame) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        for year in res.times:
            yield int(year), np.asarray(res.items_in(year), dtype=str), res.proximity(year)

    return Runner(run, lambda res: _standard(res.frame, panel), proximities)


def _ecomplexity_columns(panel: Panel) -> dict[str, str]:
    return {"time": "year", "loc": panel.location, "prod": panel.item, "val": panel.value}


def _ecomplexity(panel: Panel) -> Runner:
    import ecomplexity

    def run(df: pd.DataFrame) -> pd.DataFrame:
        return ecomplexity.ecomplexity(
            df,
            _ecomplexity_columns(panel),
            verbose=False,
            check_logsupermodularity=False,
        )

    def tidy(out: pd.DataFrame) -> pd.DataFrame:
        # Input rows of dropped locations/items come back merged in with NaN outputs.
        return _standard(out[out["eci"].notna()], panel)

    return Runner(run, tidy, _no_proximities)


def _ecomplexity_proximity(panel: Panel) -> Runner:
    import ecomplexity

    def run(df: pd.DataFrame) -> pd.DataFrame:
        with contextlib.redirect_stdout(io.StringIO()):  # it prints every year, unconditionally
            return ecomplexity.proximity(df, _ecomplexity_columns(panel))

    def proximities(out: pd.DataFrame, df: pd.DataFrame) -> Iterator[Any]:
        first, second = f"{panel.item}_1", f"{panel.item}_2"
        for year, part in out.groupby("year", sort=True):
            items = part[first].unique()
            n = len(items)
            # Its rows are the product of the sorted items, row-major: a reshape pivots it.
            if len(part) == n * n and (part[second].to_numpy()[:n] == items).all():
                matrix = part["proximity"].to_numpy(dtype=np.float64).reshape(n, n)
            else:
                matrix = part.pivot(index=first, columns=second, values="proximity")
                matrix = matrix.reindex(index=items, columns=items).to_numpy(dtype=np.float64)
            yield int(year), np.asarray(items, dtype=str), matrix

    return Runner(run, lambda out: None, proximities)


def _long_frame(
    year: Any,
    locations: pd.Index,
    items: pd.Index,
    per_location: dict[str, np.ndarray],
    per_item: dict[str, np.ndarray],
    cells: dict[str, np.ndarray],
) -> pd.DataFrame:
    """One row per (location, item) cell of one year, location-major."""
    n_loc, n_item = len(locations), len(items)
    columns: dict[str, Any] = {
        "year": np.full(n_loc * n_item, year, dtype=np.int64),
        "location": np.repeat(locations.to_numpy(), n_item),
        "item": np.tile(items.to_numpy(), n_loc),
    }
    columns.update({k: np.repeat(v, n_item) for k, v in per_location.items()})
    columns.update({k: np.tile(v, n_loc) for k, v in per_item.items()})
    columns.update({k: np.asarray(v).ravel() for k, v in cells.items()})
    return pd.DataFrame(columns)


def _aligned(matrix: pd.DataFrame, like: pd.DataFrame) -> np.ndarray:
    if not (matrix.index.equals(like.index) and matrix.columns.equals(like.columns)):
        matrix = matrix.reindex(index=like.index, columns=like.columns)
    return matrix.to_numpy(dtype=np.float64)


def _economic_complexity(panel: Panel) -> Runner:
    import economic_complexity as ecx

    def rca_tables(df: pd.DataFrame) -> Iterator[tuple[Any, pd.DataFrame]]:
        for year, part in df.groupby("year", sort=True):
            table = part.pivot_table(
                index=panel.location, columns=panel.item, values=panel.value, aggfunc="sum"
            )
            yield year, ecx.rca(table)

    def run(df: pd.DataFrame) -> pd.DataFrame:
        pieces = []
        for year, rca in rca_tables(df):
            eci, pci = ecx.complexity(rca)
            proximity = ecx.proximity(rca)
            density = ecx.relatedness(rca, proximities=proximity)
            gain = ecx.opportunity_gain(rca, pci=pci, proximities=proximity)
            pieces.append(
                _long_frame(
                    year,
                    rca.index,
                    rca.columns,
                    per_location={"eci": eci.reindex(rca.index).to_numpy(dtype=np.float64)},
                    per_item={"pci": pci.reindex(rca.columns).to_numpy(dtype=np.float64)},
                    cells={
                        "rca": rca.to_numpy(dtype=np.float64),
                        "density": _aligned(density, rca),
                        "cog": _aligned(gain, rca),
                    },
                )
            )
        return pd.concat(pieces, ignore_index=True)

    def proximities(out: pd.DataFrame, df: pd.DataFrame) -> Iterator[Any]:
        for year, rca in rca_tables(df):  # recomputed the same way, outside the timing
            proximity = ecx.proximity(rca).reindex(index=rca.columns, columns=rca.columns)
            matrix = proximity.to_numpy(dtype=np.float64)
            np.fill_diagonal(matrix, 1.0)  # its diagonal is 0; ecomplexity's is 1
            yield int(year), np.asarray(rca.columns, dtype=str), matrix

    return Runner(run, lambda out: _standard(out, panel), proximities)


def _econcomplex(panel: Panel) -> Runner:
    import econcomplex as ec

    def run(df: pd.DataFrame) -> pd.DataFrame:
        return ec.compute_complexity(
            df,
            {"loc": panel.location, "act": panel.item, "val": panel.value, "time": "year"},
        )

    def tidy(out: pd.DataFrame) -> pd.DataFrame:
        frame = _standard(out, panel)
        frame["density"] = frame["density"] / 100  # it returns percent
        return frame

    def proximities(out: pd.DataFrame, df: pd.DataFrame) -> Iterator[Any]:
        for year, part in df.groupby("year", sort=True):  # as compute_complexity does
            matrix = ec.pivot_to_matrix(part, panel.location, panel.item, panel.value)
            presence = ec.mcp(matrix)
            phi = ec.proximity(presence, use_rca=False, threshold=0.5, compute="product")
            values = phi["product"].to_numpy(dtype=np.float64)
            np.fill_diagonal(values, 1.0)  # its diagonal is 0; ecomplexity's is 1
            yield int(year), np.asarray(matrix.columns, dtype=str), values

    return Runner(run, tidy, proximities)


RUNNERS: dict[str, Callable[[Panel], Runner]] = {
    "vinculo": _vinculo,
    "ecomplexity": _ecomplexity,
    PROXIMITY_LINE: _ecomplexity_proximity,
    "economic-complexity": _economic_complexity,
    "econcomplex": _econcomplex,
}


def _status_bytes(field: str) -> int:
    """A ``/proc/self/status`` memory field (VmRSS, VmHWM) in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def _limit_memory(gigabytes: float) -> None:
    if gigabytes > 0:
        import resource

        limit = int(gigabytes * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _save_outputs(runner: Runner, output: Any, df: pd.DataFrame, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    frame = runner.tidy(output)
    if frame is not None:
        frame.to_parquet(folder / "frame.parquet", index=False)
    for year, items, matrix in runner.proximities(output, df):
        np.save(folder / f"items-{year}.npy", items)
        np.save(folder / f"proximity-{year}.npy", np.ascontiguousarray(matrix, dtype=np.float64))


def worker(args: argparse.Namespace) -> int:
    """Child process: load, time one pipeline run, record peak RSS, save outputs, report."""
    result: dict[str, Any] = {"package": args.worker, "panel": args.panel}
    try:
        _limit_memory(args.mem_limit_gb)
        panel = PANELS[args.panel]
        runner = RUNNERS[args.worker](panel)
        df = pd.read_parquet(args.panel_file, columns=panel.columns)
        gc.collect()
        result["input_rss"] = _status_bytes("VmRSS")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            cpu = time.process_time()
            start = time.perf_counter()
            output = runner.run(df)
            result["seconds"] = time.perf_counter() - start
            result["cpu_seconds"] = time.process_time() - cpu
        result["peak_rss"] = _status_bytes("VmHWM")  # before saving allocates anything
        result["warnings"] = sorted({f"{w.category.__name__}: {w.message}"[:300] for w in caught})
        if args.save_dir:
            _save_outputs(runner, output, df, Path(args.save_dir))
    except MemoryError:
        result["error"] = f"MemoryError (address-space limit {args.mem_limit_gb:g} GB)"
    except Exception as error:  # any failure is a result to print, not a crash
        result["error"] = f"{type(error).__name__}: {error}"[:500]
        result["traceback"] = traceback.format_exc()[-3000:]
    Path(args.result).write_text(json.dumps(result))
    return 0


# --------------------------------------------------------------------------- parent side


def _human_bytes(n: float | None) -> str:
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "—"
    if n >= 1024**3:
        return f"{n / 1024**3:.2f} GB"
    return f"{n / 1024**2:.0f} MB"


def _human_seconds(s: float | None) -> str:
    if s is None:
        return "—"
    if s < 10:
        return f"{s:.2f}"
    if s < 100:
        return f"{s:.1f}"
    return f"{s:.0f}"


def _human_diff(x: float | None) -> str:
    if x is None:
        return "n/a"
    if x == 0:
        return "0"
    return f"{x:.1e}"


def _git_state() -> str:
    def git(*argv: str) -> str:
        done = subprocess.run(["git", "-C", str(ROOT), *argv], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "no commit"
    dirty = git("status", "--porcelain", "--", "src")
    return head + (" + uncommitted changes in src/" if dirty else "")


def _environment() -> dict[str, Any]:
    env: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": platform.machine(),
        "kernel": platform.release(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),  # other work on the machine inflates the timings
    }
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        env["cpu"] = next((ln.split(":", 1)[1].strip() for ln in cpuinfo if "model name" in ln), "")
    with contextlib.suppress(OSError), open("/proc/meminfo") as meminfo:
        total = next(ln for ln in meminfo if ln.startswith("MemTotal:"))
        env["memory_bytes"] = int(total.split()[1]) * 1024
    versions = {}
    for name in ["numpy", "pandas", "pyarrow", *PACKAGES[1:]]:  # vinculo: the source tree
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["vinculo"] = f"source tree {ROOT / 'src'} ({_git_state()})"
    env["versions"] = versions
    env["blas_env"] = {
        k: v
        for k, v in sorted(os.environ.items())
        if any(s in k for s in ("BLAS", "OMP_", "MKL", "NVPL", "GOTO", "VECLIB"))
    }
    try:
        from threadpoolctl import threadpool_info

        env["blas"] = [
            {k: pool.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            | {"threading_layer": pool.get("threading_layer")}
            for pool in threadpool_info()
        ]
    except ImportError:
        config = np.show_config(mode="dicts")  # type: ignore[call-arg]
        blas = config.get("Build Dependencies", {}).get("blas", {})
        env["blas"] = [{"internal_api": blas.get("name"), "version": blas.get("version")}]
    return env


def _print_header(env: dict[str, Any], args: argparse.Namespace) -> None:
    versions = env["versions"]
    print("Economic-complexity pipelines: Vínculo vs ecomplexity and the field's packages")
    print(f"  date     {env['date']}")
    print(
        f"  machine  {env.get('cpu', '?')}, {env['cpus']} CPUs, "
        f"{_human_bytes(env.get('memory_bytes'))} RAM, Linux {env['kernel']}"
    )
    load = ", ".join(f"{x:.2f}" for x in env["load_average"])
    print(f"  load     {load} (1, 5, 15 min averages, before the first run)")
    print(
        f"  python   {env['python']}; numpy {versions['numpy']}, pandas {versions['pandas']}, "
        f"pyarrow {versions['pyarrow']}"
    )
    print(
        f"  packages ecomplexity {versions['ecomplexity']}, economic-complexity "
        f"{versions['economic-complexity']}, econcomplex {versions['econcomplex']}"
    )
    print(f"           vinculo: {versions['vinculo']}")
    for pool in env["blas"]:
        details = ", ".join(f"{k}={v}" for k, v in pool.items() if v is not None)
        print(f"  BLAS     {details}")
    print(f"  OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}", end="")
    others = {k: v for k, v in env["blas_env"].items() if k != "OPENBLAS_CORETYPE"}
    print("".join(f"; {k}={v}" for k, v in others.items()))
    print(
        f"  method   {args.repeat} run(s) per package and panel, each in a fresh child process,"
        " one at a time;\n"
        "           time = wall clock of the pipeline call (input loaded, imports done), median;\n"
        "           peak RSS = the child's VmHWM (interpreter + imports + input + pipeline);\n"
        "           '+ over input' = peak RSS minus the RSS once the input was loaded;\n"
        "           others' CPU = cores other processes used during the run (worst run);\n"
        "           above ~0.2 the machine was shared and the times are inflated."
    )
    if args.mem_limit_gb > 0:
        print(f"           each child is limited to {args.mem_limit_gb:g} GB of address space.")
    print()


def _panel_shape(path: Path, panel: Panel) -> dict[str, Any]:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=panel.columns)
    return {
        "rows": table.num_rows,
        "years": sorted(int(y) for y in pc.unique(table["year"]).to_pylist()),
        "locations": len(pc.unique(table[panel.location])),
        "items": len(pc.unique(table[panel.item])),
    }


def _machine_cpu_seconds() -> tuple[float, float]:
    """CPU seconds the whole machine has spent busy, and stolen by the hypervisor."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


@contextlib.contextmanager
def _contention() -> Iterator[dict[str, float]]:
    """Measure the CPU other processes used (in cores) while a child process ran.

    Machine-wide busy time minus the CPU of the children reaped meanwhile: on a shared
    2-core machine, anything above ~0.2 cores means the timings are inflated.
    """
    import resource

    def children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    measured: dict[str, float] = {}
    busy, steal = _machine_cpu_seconds()
    own, start = children_cpu(), time.perf_counter()
    try:
        yield measured
    finally:
        wall = max(time.perf_counter() - start, 1e-9)
        busy_after, steal_after = _machine_cpu_seconds()
        others = (busy_after - busy) - (children_cpu() - own)
        measured["others_cores"] = max(others, 0.0) / wall
        measured["steal_cores"] = (steal_after - steal) / wall


def _wait_for_quiet(max_wait: float, threshold: float = 0.25) -> float:
    """Wait (up to ``max_wait`` s) until other processes use under ``threshold`` cores.

    Returns the seconds waited. The machine is shared: a test suite running beside a
    benchmark inflates its times two- or threefold.
    """
    start = time.perf_counter()
    told = False
    while time.perf_counter() - start < max_wait:
        busy = _machine_cpu_seconds()[0]
        time.sleep(1.0)
        if _machine_cpu_seconds()[0] - busy < threshold:
            break
        if not told:
            print(f"  (machine busy; waiting up to {max_wait:g} s)", file=sys.stderr, flush=True)
            told = True
    return time.perf_counter() - start


def _run_child(
    package: str,
    panel: Panel,
    path: Path,
    save_dir: Path | None,
    args: argparse.Namespace,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        result_file = Path(scratch) / "result.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            package,
            "--panel",
            panel.name,
            "--panel-file",
            str(path),
            "--result",
            str(result_file),
            "--mem-limit-gb",
            str(args.mem_limit_gb),
        ]
        if save_dir is not None:
            command += ["--save-dir", str(save_dir)]
        try:
            with _contention() as load:
                done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {args.timeout:g} s (child killed)"}
        if args.verbose and done.stderr:
            print(done.stderr, file=sys.stderr)
        if result_file.is_file():
            return dict(json.loads(result_file.read_text())) | load
        reason = f"child exited with {done.returncode}"
        if done.returncode == -9:
            reason += " (SIGKILL: out of memory?)"
        return {"error": reason, "traceback": done.stderr[-3000:]}


def _max_abs_diff(a: np.ndarray, b: np.ndarray) -> tuple[float | None, int]:
    """Largest |a - b| where both are finite, and how many rows are NaN in one only."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    finite_a, finite_b = np.isfinite(a), np.isfinite(b)
    both = finite_a & finite_b
    mismatched = int((finite_a != finite_b).sum())
    if not both.any():
        return None, mismatched
    return float(np.abs(a[both] - b[both]).max()), mismatched


def _compare(save_root: Path, package: str, years: list[int]) -> dict[str, Any]:
    """Differences of one package's saved outputs from ecomplexity's, year by year."""
    ref_dir, pkg_dir = save_root / REFERENCE, save_root / package
    diffs: dict[str, float | None] = {}
    nan_mismatch: dict[str, int] = {}
    correlations: dict[str, float] = {}  # Pearson r of ECI, PCI; the lowest over the years
    rows = {"reference": 0, "package": 0, "matched": 0}
    notes: list[str] = []
    has_frame = (ref_dir / "frame.parquet").is_file() and (pkg_dir / "frame.parquet").is_file()
    for year in years if has_frame else []:
        only = [("year", "==", year)]
        ref = pd.read_parquet(ref_dir / "frame.parquet", filters=only)
        pkg = pd.read_parquet(pkg_dir / "frame.parquet", filters=only)
        merged = ref.merge(pkg, on=KEYS, how="inner", suffixes=("_ref", "_pkg"))
        rows["reference"] += len(ref)
        rows["package"] += len(pkg)
        rows["matched"] += len(merged)
        for output, key in (("eci", "location"), ("pci", "item")):
            if f"{output}_pkg" in merged:
                unique = merged.drop_duplicates(key)[[f"{output}_ref", f"{output}_pkg"]].dropna()
                if len(unique) > 2:
                    r = float(np.corrcoef(unique.to_numpy(dtype=np.float64).T)[0, 1])
                    correlations[output] = min(correlations.get(output, 1.0), r)
        for output in OUTPUTS:
            if f"{output}_pkg" not in merged:
                continue
            diff, mismatched = _max_abs_diff(merged[f"{output}_ref"], merged[f"{output}_pkg"])
            if diff is not None:
                diffs[output] = max(diffs.get(output) or 0.0, diff)
            else:
                diffs.setdefault(output, None)
            nan_mismatch[output] = nan_mismatch.get(output, 0) + mismatched

    prox_ref = save_root / PROXIMITY_LINE
    differing_items = 0
    for year in years:
        files = [d / f"proximity-{year}.npy" for d in (prox_ref, pkg_dir)]
        if not all(f.is_file() for f in files):
            continue
        ref_items = pd.Index(np.load(prox_ref / f"items-{year}.npy"))
        pkg_items = pd.Index(np.load(pkg_dir / f"items-{year}.npy"))
        common = ref_items.intersection(pkg_items)
        if len(common) != len(ref_items) or len(common) != len(pkg_items):
            differing_items += 1
        ref_pos, pkg_pos = ref_items.get_indexer(common), pkg_items.get_indexer(common)
        ref_matrix = np.load(files[0], mmap_mode="r")[np.ix_(ref_pos, ref_pos)]
        pkg_matrix = np.load(files[1], mmap_mode="r")[np.ix_(pkg_pos, pkg_pos)]
        diff, mismatched = _max_abs_diff(ref_matrix, pkg_matrix)
        diffs["proximity"] = max(diffs.get("proximity") or 0.0, diff or 0.0)
        nan_mismatch["proximity"] = nan_mismatch.get("proximity", 0) + mismatched
    if differing_items:
        notes.append(f"proximity item sets differ from ecomplexity's in {differing_items} year(s)")
    for output, count in nan_mismatch.items():
        if count:
            notes.append(f"{output}: {count:,} value(s) NaN in one package only (left out)")
    return {"max_abs_diff": diffs, "pearson_r": correlations, "rows": rows, "notes": notes}


def _speedups(medians: dict[str, float]) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    ref = medians.get(REFERENCE)
    for package, median in medians.items():
        if package == PROXIMITY_LINE:
            continue
        others = [m for p, m in medians.items() if p not in (package, PROXIMITY_LINE)]
        out[package] = {
            "x_ecomplexity": ref / median if ref else None,
            "x_fastest_other": min(others) / median if others else None,
        }
    return out


def _table(header: list[str], rows: list[list[str]], left: int = 1) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def _report_panel(report: dict[str, Any]) -> None:
    shape = report["shape"]
    first, last = shape["years"][0], shape["years"][-1]
    years = f"{first}" if first == last else f"{first}–{last}"
    print(
        f"== {report['panel']}: {report['description']}\n"
        f"   {shape['rows']:,} input rows; {shape['locations']} locations × {shape['items']:,}"
        f" items × {len(shape['years'])} year(s) ({years})"
    )
    rows = []
    for package, run in report["runs"].items():
        speed = report["speedups"].get(package, {})
        if run.get("skipped"):
            rows.append([package, "skipped", *[""] * 7])
            continue
        if "median_seconds" not in run:
            rows.append([package, "failed", *[""] * 7])
            continue
        x_ref, x_other = speed.get("x_ecomplexity"), speed.get("x_fastest_other")
        rows.append(
            [
                package,
                _human_seconds(run["median_seconds"]),
                f"{_human_seconds(min(run['seconds']))}–{_human_seconds(max(run['seconds']))}",
                str(len(run["seconds"])),
                _human_bytes(run["median_peak_rss"]),
                _human_bytes(run["median_peak_rss"] - run["median_input_rss"]),
                f"{x_ref:.1f}×" if x_ref else "",
                f"{x_other:.2f}×" if x_other else "",
                f"{max(run['others_cores']):.2f}",
            ]
        )
    header = ["package", "median s", "range s", "runs", "peak RSS", "+ over input"]
    print(_table([*header, "×ecomplexity", "×fastest other", "others' CPU"], rows))

    if report["diffs"]:
        print(f"\n   max |difference| vs {REFERENCE} (rows: matched / reference / package)")
        columns = [*OUTPUTS, "proximity"]
        diff_rows = []
        for package, comparison in report["diffs"].items():
            found = comparison["max_abs_diff"]
            counts = comparison["rows"]
            row_text = f"{counts['matched']:,}/{counts['reference']:,}/{counts['package']:,}"
            diff_rows.append([package, row_text, *(_human_diff(found.get(c)) for c in columns)])
        print(_table(["package", "rows", *columns], diff_rows))
        for package, comparison in report["diffs"].items():
            found = comparison["pearson_r"]
            if found:
                text = ", ".join(f"{k} {v:.6f}" for k, v in found.items())
                print(f"   Pearson r vs {REFERENCE} (lowest year), {package}: {text}")
    if PROXIMITY_LINE in report["runs"]:
        print(
            f"   {PROXIMITY_LINE}: the proximity function alone (its pipeline line does not "
            "return proximity); the reference for the proximity column"
        )
    for note in report["notes"]:
        print(f"   note: {note}")
    print(flush=True)


def _run_panel(panel: Panel, packages: list[str], args: argparse.Namespace) -> dict[str, Any]:
    path = panel_file(panel, args.data, args.cache_dir)
    shape = _panel_shape(path, panel)
    report: dict[str, Any] = {
        "panel": panel.name,
        "description": panel.description,
        "file": str(path),
        "shape": shape,
        "runs": {},
        "diffs": {},
        "notes": [],
    }
    lines = [p for p in packages if p != REFERENCE]
    if REFERENCE in packages:
        lines = [REFERENCE, PROXIMITY_LINE, *lines]
    runnable = []
    for package in lines:
        reason = SLOW.get((panel.name, package))
        if reason and not args.include_slow:
            report["runs"][package] = {"skipped": reason}
            report["notes"].append(f"{package} skipped ({reason}); --include-slow to try")
        else:
            runnable.append(package)
            report["runs"][package] = {"seconds": [], "peak_rss": [], "input_rss": []}

    compare = (
        not args.no_compare
        and REFERENCE in runnable
        and PROXIMITY_LINE in runnable
        and len(runnable) > 2
    )
    save_root = args.cache_dir / "outputs" / panel.name
    if save_root.exists():
        shutil.rmtree(save_root)
    failed: set[str] = set()
    try:
        for repeat in range(args.repeat):
            for package in runnable:
                if package in failed:
                    continue
                save_dir = save_root / package if compare and repeat == 0 else None
                _wait_for_quiet(args.wait_quiet)
                result = _run_child(package, panel, path, save_dir, args)
                run = report["runs"][package]
                label = f"[{panel.name}] {package} run {repeat + 1}/{args.repeat}"
                if "error" in result:
                    failed.add(package)
                    run["error"] = result["error"]
                    run["traceback"] = result.get("traceback", "")
                    report["notes"].append(f"{package} failed: {result['error']}")
                    print(f"{label}: FAILED {result['error']}", file=sys.stderr, flush=True)
                    continue
                run["seconds"].append(result["seconds"])
                run.setdefault("cpu_seconds", []).append(result["cpu_seconds"])
                run["peak_rss"].append(result["peak_rss"])
                run["input_rss"].append(result["input_rss"])
                run.setdefault("others_cores", []).append(result["others_cores"])
                run.setdefault("steal_cores", []).append(result["steal_cores"])
                for message in result["warnings"]:
                    note = f"{package} warned: {message}"
                    if note not in report["notes"]:
                        report["notes"].append(note)
                print(
                    f"{label}: {result['seconds']:.2f} s, peak RSS "
                    f"{_human_bytes(result['peak_rss'])}, others' CPU "
                    f"{result['others_cores']:.2f} cores",
                    file=sys.stderr,
                    flush=True,
                )

        for package in runnable:
            run = report["runs"][package]
            if run["seconds"]:
                run["median_seconds"] = statistics.median(run["seconds"])
                run["median_peak_rss"] = statistics.median(run["peak_rss"])
                run["median_input_rss"] = statistics.median(run["input_rss"])
                if max(run["steal_cores"]) > 0.1:
                    report["notes"].append(
                        f"{package}: the hypervisor stole up to "
                        f"{max(run['steal_cores']):.2f} cores during its runs"
                    )
        medians = {
            p: r["median_seconds"] for p, r in report["runs"].items() if "median_seconds" in r
        }
        report["speedups"] = _speedups(medians)

        if compare and REFERENCE not in failed and PROXIMITY_LINE not in failed:
            for package in runnable:
                if package in (REFERENCE, PROXIMITY_LINE) or package in failed:
                    continue
                comparison = _compare(save_root, package, shape["years"])
                report["diffs"][package] = comparison
                report["notes"].extend(f"{package}: {n}" for n in comparison["notes"])
        elif REFERENCE not in runnable:
            report["notes"].append(f"no differences: {REFERENCE} did not run on this panel")
    finally:
        if save_root.exists():
            shutil.rmtree(save_root)
        with contextlib.suppress(OSError):
            save_root.parent.rmdir()  # only when no other panel's outputs are left
    return report


def _default_data() -> Path:
    return Path(os.environ.get("VINCULO_TEST_DATA") or ROOT.parent / "shared" / "data")


def _default_memory_limit() -> float:
    try:
        with open("/proc/meminfo") as meminfo:
            total = next(ln for ln in meminfo if ln.startswith("MemTotal:"))
        return round(int(total.split()[1]) / 1024**2 * 0.85, 1)
    except (OSError, StopIteration):
        return 0.0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time Vínculo's complexity pipeline beside ecomplexity, economic-complexity "
        "and econcomplex on the same panels; print wall time, peak memory, speed-ups and the "
        "largest differences from ecomplexity.",
        epilog="Panels: "
        + "; ".join(f"{p.name}: {p.description}" for p in PANELS.values())
        + ". Never run two heavy benchmarks at once.",
    )
    parser.add_argument(
        "--panels",
        nargs="+",
        default=DEFAULT_PANELS,
        choices=[*PANELS, "all"],
        metavar="PANEL",
        help=f"panels to run, or 'all' (default: {' '.join(DEFAULT_PANELS)}); "
        f"choices: {', '.join(PANELS)}",
    )
    parser.add_argument(
        "--packages",
        nargs="+",
        default=PACKAGES,
        choices=PACKAGES,
        metavar="PACKAGE",
        help=f"packages to run (default: all); choices: {', '.join(PACKAGES)}. With "
        f"ecomplexity, the {PROXIMITY_LINE} line runs too (the reference for proximity).",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per package and panel (default: 3)"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=_default_data(),
        help="staged data directory (default: $VINCULO_TEST_DATA, else ../shared/data)",
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write all figures here")
    parser.add_argument(
        "--include-slow",
        action="store_true",
        help="also run packages known to take too long or not fit in memory on a panel",
    )
    parser.add_argument("--no-compare", action="store_true", help="time only; skip the differences")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE,
        help="where synthetic panels and temporary outputs go (default: benchmarks/.cache)",
    )
    parser.add_argument(
        "--timeout", type=float, default=3600, help="seconds before a run is killed (3600)"
    )
    parser.add_argument(
        "--mem-limit-gb",
        type=float,
        default=_default_memory_limit(),
        help="address-space limit of each child, so a run that cannot fit fails alone "
        "(default: 85%% of RAM; 0 = none)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=120,
        metavar="SECONDS",
        help="before each run, wait up to this long for other processes to go quiet "
        "(under 0.25 cores; default 120, 0 = never wait)",
    )
    parser.add_argument("--verbose", action="store_true", help="echo the children's stderr")
    # The child side: one timed run, driven by the parent.
    for hidden in ("--worker", "--panel", "--panel-file", "--result", "--save-dir"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if "all" in args.panels:
        args.panels = list(PANELS)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.worker:
        return worker(args)

    env = _environment()
    _print_header(env, args)
    packages = [p for p in PACKAGES if p in args.packages]
    results: dict[str, Any] = {"environment": env, "arguments": vars(args), "panels": {}}
    for name in dict.fromkeys(args.panels):
        report = _run_panel(PANELS[name], packages, args)
        results["panels"][name] = report
        _report_panel(report)
        if args.json:  # rewritten after every panel, so a late failure loses nothing
            args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
