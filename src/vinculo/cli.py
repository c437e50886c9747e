"""The ``vinculo`` command: thin wrappers over the library layers."""

from __future__ import annotations

import sys
import time as clock
import warnings
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from vinculo import __version__

# Column names tried, in order, when an option is not given.
_GUESSES: dict[str, tuple[str, ...]] = {
    "time": ("year", "time", "period", "t"),
    "location": ("country_code", "location_code", "iso3", "country", "location", "exporter", "loc"),
    "item": ("product_code", "product", "item", "field", "tech_field", "commodity", "prod"),
    "value": ("export_value_usd", "export_value", "value_usd", "value", "exports", "val", "count"),
}


def _guess_columns(columns: Sequence[str], given: dict[str, str | None]) -> dict[str, str]:
    """Fill in the columns not given from common names; refuse to guess when unsure."""
    chosen: dict[str, str] = {}
    taken = {v for v in given.values() if v}
    for role in ("time", "location", "item", "value"):
        name = given[role]
        if name is None:
            candidates = [c for c in _GUESSES[role] if c in columns and c not in taken]
            if role == "item" and not candidates:
                # product classifications name their code column after themselves: hs92_code
                candidates = [c for c in columns if c.endswith("_code") and c not in taken]
                if len(candidates) > 1:
                    candidates = []
            if not candidates:
                raise click.UsageError(
                    f"cannot tell which column is the {role}; pass --{role} "
                    f"(the file has: {', '.join(columns)})"
                )
            name = candidates[0]
        if name not in columns:
            raise click.UsageError(
                f"--{role} {name!r}: no such column (the file has: {', '.join(columns)})"
            )
        chosen[role] = name
        taken.add(name)
    return chosen


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vinculo")
def main() -> None:
    """Vínculo: science-diplomacy intelligence from real public data."""


@main.command("complexity")
@click.argument("input_file", metavar="INPUT", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--time", "time_col", help="Time column (default: guessed, e.g. 'year').")
@click.option("--location", "location_col", help="Location column (e.g. 'country_code').")
@click.option("--item", "item_col", help="Item column (e.g. 'hs92_code').")
@click.option("--value", "value_col", help="Value column (e.g. 'export_value_usd').")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output Parquet file (default: out/<input name>.complexity.parquet).",
)
@click.option("--threshold", type=float, default=1.0, show_default=True, help="RCA threshold.")
@click.option(
    "--method",
    type=click.Choice(["eigenvector", "reflections"]),
    default="eigenvector",
    show_default=True,
)
@click.option(
    "--missing",
    type=click.Choice(["raise", "zero"]),
    default="raise",
    show_default=True,
    help="Empty values: an error, or counted as 0 with a warning.",
)
@click.option(
    "--duplicates",
    type=click.Choice(["raise", "first", "sum"]),
    default="raise",
    show_default=True,
    help="Repeated (time, location, item) rows: an error, keep the first, or sum them.",
)
@click.option(
    "--proximity-output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the item × item proximity of every period (tidy Parquet).",
)
@click.option("--top", type=int, default=5, show_default=True, help="Locations shown per end.")
def complexity_command(
    input_file: Path,
    time_col: str | None,
    location_col: str | None,
    item_col: str | None,
    value_col: str | None,
    output: Path | None,
    threshold: float,
    method: str,
    missing: str,
    duplicates: str,
    proximity_output: Path | None,
    top: int,
) -> None:
    """Economic complexity of an export (or any location × item × time) table.

    Reads INPUT (CSV or Parquet), computes RCA, presence, diversity, ubiquity, ECI, PCI,
    density, COI and COG for every period, writes one row per (time, location, item)
    to a Parquet file (with the input's checksum and the parameters in its metadata),
    and prints a summary.
    """
    # Only what this command needs is imported: pyarrow and numpy, not pandas (~0.4 s),
    # unless the file needs pandas to be read as intended (Excel, unusual CSV).
    import os

    if "numpy" not in sys.modules:
        # BLAS runs on one thread per worker here (periods side by side): without a pool
        # of its own, OpenBLAS neither starts threads nor keeps them spinning.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from vinculo.evidence.tables import (
        TableError,
        read_arrow,
        read_header,
        read_table,
        write_parquet_atomic,
    )
    from vinculo.indicators import IndicatorWarning, InputError, complexity_batches

    given = {"time": time_col, "location": location_col, "item": item_col, "value": value_col}
    try:
        columns = _guess_columns(read_header(input_file), given)
        keys = [columns[role] for role in ("time", "location", "item", "value")]
        text = (columns["location"], columns["item"])
        read = read_arrow(input_file, columns=keys, text_columns=text)
        frame, source = read or read_table(input_file, text_columns=text)
        del read
    except TableError as error:
        _fail(str(error))
        return
    click.echo(
        f"Input: {source.path} ({source.rows:,} rows, sha256 {source.sha256[:12]}…); "
        f"time={columns['time']}, location={columns['location']}, item={columns['item']}, "
        f"value={columns['value']}"
    )

    target = output or Path("out") / f"{input_file.name.split('.')[0]}.complexity.parquet"
    started = clock.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IndicatorWarning)
        try:
            result = complexity_batches(
                frame,
                time=columns["time"],
                location=columns["location"],
                item=columns["item"],
                value=columns["value"],
                threshold=threshold,
                method=method,  # type: ignore[arg-type]
                missing=missing,  # type: ignore[arg-type]
                duplicates=duplicates,  # type: ignore[arg-type]
                proximity=proximity_output is not None,
            )
            del frame  # the panel holds what it needs: the input's memory can go
            metadata: dict[str, Any] = {
                "vinculo_version": __version__,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "indicator": "complexity",
                "source": source.as_dict(),
                "parameters": result.parameters,
            }

            def with_progress(batches: Any) -> Any:
                bar = click.progressbar(
                    length=result.n_periods,
                    label="Computing periods",
                    file=sys.stderr,
                    show_pos=True,
                )
                with bar:
                    for batch in batches:
                        bar.update(1)
                        yield batch

            interactive = result.n_periods > 1 and sys.stderr.isatty()
            # Each period is written (a row group) while the next ones are computed. Snappy
            # pages; dictionary encoding for the keys only (a dictionary of distinct numbers
            # is work thrown away); no statistics for the text keys (min/max of a dictionary
            # column costs more than encoding it); 8 MiB pages, encoded 64 Ki values at a
            # time (fewer, larger steps).
            write_parquet_atomic(
                with_progress(result) if interactive else result,
                target,
                metadata,
                schema=result.schema,
                compression="snappy",
                use_dictionary=[columns["time"], *text],
                write_statistics=[n for n in result.schema.names if n not in text],
                data_page_size=8 << 20,
                write_batch_size=64 << 10,
            )
            if proximity_output is not None:
                write_parquet_atomic(
                    result.proximity_batches(),
                    proximity_output,
                    metadata,
                    schema=result.proximity_schema,
                )
        except InputError as error:
            rows = getattr(error, "rows", [])
            where = ""
            if rows:
                labels = ", ".join(source.row_label(r) for r in rows[:5])
                where = f" [{labels}{' …' if len(rows) > 5 else ''}]"
            column = getattr(error, "column", None)
            field = f" field {column!r}:" if column else ""
            _fail(f"{source.path}:{where}{field} {error}")
            return
        except OSError as error:
            _fail(f"{target}: cannot write: {error}")
            return
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    elapsed = clock.perf_counter() - started

    locations = result.locations
    time_name = columns["time"]
    table = {name: locations.column(name).to_pylist() for name in locations.column_names}
    by_period: dict[Any, list[tuple[float, str, int]]] = {}
    for when, name, eci, diversity in zip(
        table[time_name], table[columns["location"]], table["eci"], table["diversity"], strict=True
    ):
        by_period.setdefault(when, []).append((eci, name, diversity))
    for period in result.times:
        rows = by_period[period]
        n_items = len(result.items_in(period))
        mean_diversity = sum(d for _, _, d in rows) / len(rows)
        click.echo(
            f"\n{time_name} {period}: {len(rows):,} locations × {n_items:,} items "
            f"(mean diversity {mean_diversity:.1f})"
        )
        shown = sorted((r for r in rows if r[0] == r[0]), key=lambda r: -r[0])  # NaN left out
        if not shown:
            click.echo("  ECI undefined in this period (see the warnings)")
            continue
        head = ", ".join(f"{name} {eci:+.3f}" for eci, name, _ in shown[:top])
        tail = ", ".join(f"{name} {eci:+.3f}" for eci, name, _ in shown[max(len(shown) - top, 0) :])
        click.echo(f"  highest ECI: {head}")
        click.echo(f"  lowest ECI:  {tail}")
    click.echo(
        f"\n{len(result.times)} period(s), {result.num_rows:,} rows computed and written in "
        f"{elapsed:.2f} s → {target}"
    )


@main.group("data")
def data_group() -> None:
    """The evidence store (in VINCULO_HOME): import files, see what is loaded."""


def _open_store() -> Any:
    from vinculo.evidence.store import EvidenceStore
    from vinculo.settings import SettingsError, vinculo_home

    try:
        return EvidenceStore(vinculo_home() / "evidence.duckdb")
    except SettingsError as error:
        _fail(str(error))


@data_group.command("presets")
def data_presets() -> None:
    """List the presets that map a file onto a canonical table."""
    from vinculo.evidence.sources.generic import PRESETS

    for preset in PRESETS.values():
        click.echo(f"{preset.name:22s} -> {preset.table:18s} {preset.description}")


@data_group.command("import")
@click.argument("preset")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--vintage", help="Dataset version (default: file date and checksum).")
@click.option("--source", help="Source name (default: the preset's).")
@click.option("--name", help="Dataset name within the source (default: the file name).")
def data_import(
    preset: str, file: Path, vintage: str | None, source: str | None, name: str | None
) -> None:
    """Import one FILE (CSV or Parquet) into the evidence store through PRESET.

    PRESET ``openalex-snapshot`` loads the output folder of ``vinculo data build
    openalex-snapshot`` (e.g. written by Spark on a cluster) in one transaction.
    """
    from vinculo.evidence.sources.generic import import_file
    from vinculo.evidence.store import EvidenceError

    if preset == "openalex-snapshot":
        _load_snapshot(file)
        return
    if file.is_dir():
        _fail(f"{file}: is a folder; the preset {preset} reads one file")

    with _open_store() as store:
        try:
            result = import_file(store, preset, file, vintage=vintage, source=source, name=name)
        except EvidenceError as error:
            _fail(str(error))
            return
    if result.created:
        click.echo(f"imported {result.rows:,} rows from {file} (vintage {result.vintage})")
    else:
        click.echo(f"{file} is already in the store (vintage {result.vintage}); nothing changed")


def _load_snapshot(folder: Path) -> None:
    from vinculo.evidence.snapshot import load_snapshot_output
    from vinculo.evidence.store import EvidenceError

    with _open_store() as store:
        try:
            loaded = load_snapshot_output(store, folder)
        except EvidenceError as error:
            _fail(str(error))
            return
    for table, result in loaded.items():
        verb = "imported" if result.created else "already loaded"
        click.echo(f"{table:20s} {verb:15s} {result.rows:>12,} rows (vintage {result.vintage})")


@data_group.group("build")
def data_build() -> None:
    """Build evidence tables from bulk sources (the OpenAlex snapshot)."""


@data_build.command("openalex-snapshot")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="DuckDB on this machine, or Spark (local, or the cluster of spark-submit).",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="Folder for the Parquet tables (default: VINCULO_HOME/builds/openalex-snapshot-...).",
)
@click.option("--memory-limit", default="2GB", show_default=True, help="DuckDB's memory limit.")
@click.option("--threads", type=int, help="DuckDB threads (default: all cores).")
@click.option("--master", help="Spark master when not under spark-submit (default local[*]).")
@click.option("--spark-memory", help="Local Spark's driver (JVM heap) memory, e.g. 4g.")
@click.option("--no-load", is_flag=True, help="Write the Parquet tables only; load them later.")
def data_build_openalex_snapshot(
    path: Path,
    engine: str,
    output: Path | None,
    memory_limit: str,
    threads: int | None,
    master: str | None,
    spark_memory: str | None,
    no_load: bool,
) -> None:
    """Read the OpenAlex works snapshot at PATH into the evidence store (docs/scale.md).

    Writes publications (country × field/subfield/topic × year, whole and fractional),
    co-authorship (country pairs per year and field), institution output and author
    affiliations as Parquet, then loads them in one transaction. Bad input stops the job
    with the file and line at fault, and the store is left unchanged.
    """
    from datetime import UTC, datetime

    from vinculo.evidence.snapshot import build_snapshot, spark_session
    from vinculo.evidence.store import EvidenceError
    from vinculo.settings import SettingsError, vinculo_home

    try:
        if output is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            output = vinculo_home() / "builds" / f"openalex-snapshot-{stamp}-{engine}"
        spark = spark_session(master, driver_memory=spark_memory) if engine == "spark" else None
        result = build_snapshot(
            path,
            output,
            engine=engine,  # type: ignore[arg-type]
            memory_limit=memory_limit,
            threads=threads,
            spark=spark,
            progress=lambda message: click.echo(message, err=True),
        )
    except (EvidenceError, SettingsError) as error:
        _fail(str(error))
        return
    provenance = result.provenance
    stats = provenance["stats"]
    click.echo(
        f"snapshot {provenance['snapshot_date']}: {len(provenance['partitions'])} partitions, "
        f"{provenance['files']} files, {stats['records_read']:,} records, "
        f"{stats['works_kept']:,} works kept ({stats['merged_dropped']:,} merged ids dropped) "
        f"in {provenance['seconds']:.1f} s with {engine} -> {output}"
    )
    if provenance["unknown_country_codes"]:
        click.echo(f"country codes unknown to ISO 3166: {provenance['unknown_country_codes']}")
    for table, rows in provenance["rows"].items():
        click.echo(f"{table:20s} {rows:>12,} rows")
    if not no_load:
        _load_snapshot(output)


@data_group.command("pull")
@click.argument("sources", nargs=-1)
def data_pull(sources: tuple[str, ...]) -> None:
    """Load SOURCES (every default source when none is named) into the store.

    Downloads each source's files from its public address into VINCULO_HOME/downloads
    (resuming partial downloads, checking sizes and checksums) and queries the APIs, or,
    when VINCULO_MIRROR names a folder, reads the same files from there with no network.
    Sources: atlas, ots, baci, comtrade, ncses, openalex, ror, conacyt-becas,
    scholar-migration, wdi, top500, ucs, usgs, iea, atlas-common-data; openalex-api and
    openalex-api-topics only when named (docs/evidence.md).
    """
    from vinculo.evidence.pull import pull
    from vinculo.evidence.store import EvidenceError
    from vinculo.settings import SettingsError, mirror_folder, vinculo_home

    try:
        mirror = mirror_folder()
        home = vinculo_home()
    except SettingsError as error:
        _fail(str(error))
        return
    bar = _DownloadProgress()
    with _open_store() as store:
        try:
            report = pull(
                store,
                sources,
                mirror=mirror,
                home=home,
                on_file=lambda name, path: bar.announce(f"{name}: {path} ..."),
                progress=bar.update,
            )
        except EvidenceError as error:
            bar.end()
            _fail(str(error))
            return
    bar.end()
    for item in report:
        verb = "imported" if item.result.created else "already loaded"
        shown = item.path.name if isinstance(item.path, Path) else item.path
        click.echo(
            f"{item.source:17s} {shown:50s} {verb:15s} {item.result.rows:>12,} rows "
            f"(vintage {item.result.vintage})"
        )
    for name, why in report.skipped.items():
        click.echo(f"{name:17s} skipped: {why}")


class _DownloadProgress:
    """Bytes received, on one rewritten line of stderr when it is a terminal."""

    def __init__(self) -> None:
        self.active = False
        self.shown = 0.0
        self.tty = sys.stderr.isatty()

    def update(self, name: str, done: int, total: int | None) -> None:
        if not self.tty:
            return
        now = clock.monotonic()
        if now - self.shown < 0.2 and done != total:
            return
        self.shown, self.active = now, True
        size = f"{done / 1e6:,.1f}" + (f" / {total / 1e6:,.1f} MB" if total else " MB")
        percent = f" {100 * done / total:5.1f}%" if total else ""
        click.echo(f"\r{name}: {size}{percent}", nl=False, err=True)

    def end(self) -> None:
        if self.active:
            click.echo(err=True)
            self.active = False

    def announce(self, message: str) -> None:
        self.end()
        click.echo(message, err=True)


@data_group.command("status")
def data_status() -> None:
    """What is loaded: table, source, dataset, vintage, rows, when."""
    with _open_store() as store:
        datasets = store.datasets()
    if datasets.empty:
        click.echo("The evidence store is empty: vinculo data import PRESET FILE")
        return
    for row in datasets.itertuples():
        click.echo(
            f"{row.canonical_table:18s} {row.source:17s} {row.name:40s} {row.vintage:25s} "
            f"{row.row_count:>12,} rows  {row.imported_at:%Y-%m-%d %H:%M}"
        )


# ---------------------------------------------------------------------- strategy
_PRIORITIES_HELP = "Priorities file (YAML); default: the shipped Mexico 2026 file."


def _strategy(priorities_file: Path | None, country: str | None, *, home: bool) -> Any:
    """The store (read-only), the priorities and the capability model, or a clear error.

    ``home``: the country must be the priorities file's home country."""
    from vinculo.evidence.store import EvidenceError, EvidenceStore
    from vinculo.settings import SettingsError, vinculo_home
    from vinculo.strategy.capability import CapabilityModel
    from vinculo.strategy.naming import NamingPolicyError, naming_policy
    from vinculo.strategy.priorities import (
        PrioritiesError,
        default_priorities,
        load_priorities,
    )

    try:
        priorities = load_priorities(priorities_file) if priorities_file else default_priorities()
        path = vinculo_home() / "evidence.duckdb"
        naming_policy()  # a bad naming policy file is said before the slow part
    except (PrioritiesError, SettingsError, NamingPolicyError) as error:
        _fail(str(error))
    country = (country or priorities.home).upper()
    if home and country != priorities.home:
        _fail(
            f"the priorities file is {priorities.home}'s; for {country}, write its own "
            "priorities file and pass it with --priorities FILE"
        )
    if not path.exists():
        _fail(
            f"{path}: no evidence store yet; load the evidence first: vinculo data pull "
            "(or VINCULO_MIRROR=../shared/data vinculo data pull)"
        )
    try:
        store = EvidenceStore(path, read_only=True)
    except EvidenceError as error:
        _fail(str(error))
    cache = vinculo_home() / "cache" / "strategy"
    return store, priorities, CapabilityModel(store, priorities, cache_folder=cache), country


def _emit(frame: Any, output_format: str, columns: list[str] | None = None) -> None:
    """A table on stdout as an aligned table, JSON records or CSV."""
    import json

    shown = frame[columns] if columns else frame
    if output_format == "json":
        click.echo(json.dumps(shown.to_dict(orient="records"), ensure_ascii=False, default=str))
    elif output_format == "csv":
        click.echo(shown.to_csv(index=False), nl=False)
    else:
        click.echo(shown.to_string(index=False, float_format=lambda v: f"{v:,.3f}"))


_FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)


@main.command("gaps")
@click.option("--country", help="ISO3 code (default: the priorities file's home country).")
@click.option("--priority", help="One priority id (default: all).")
@click.option("--priorities", "priorities_file", type=click.Path(dir_okay=False, path_type=Path),
              help=_PRIORITIES_HELP)  # fmt: skip
@_FORMAT
def gaps_command(
    country: str | None, priority: str | None, priorities_file: Path | None, output_format: str
) -> None:
    """A country's position per priority in science, technology, trade and infrastructure:
    world share and rank (mass), specialization (shrunk for small counts), the gap to the
    frontier, the frontier and the most specialised country, with the year and vintage."""
    from vinculo.strategy.capability import MissingEvidenceError
    from vinculo.strategy.priorities import PrioritiesError

    store, priorities, model, country = _strategy(priorities_file, country, home=False)
    with store:
        try:
            table = model.gaps(country, priority)
            chosen = [priorities.priority(priority)] if priority else list(priorities.priorities)
            absent = {p.id: model.absent(p.id) for p in chosen}
        except (MissingEvidenceError, PrioritiesError) as error:
            _fail(str(error))
    if table.empty:
        _fail(f"no evidence about {country} in the store for these priorities (vinculo data pull)")
    columns = ["priority", "component", "basis", "year", "value", "world_share", "mass_rank",
               "countries", "metric", "specialization", "specialization_raw", "gap", "leader",
               "leader_share", "most_specialised", "most_specialised_value",
               "vintage"]  # fmt: skip
    if output_format != "table":
        _emit(table, output_format, [*columns, "score", "world_position", "share_percentile",
                                     "specialization_percentile", "peer_percentile"])  # fmt: skip
        return
    shown = table[columns].copy()
    shown["world_share"] = shown["world_share"].map(lambda v: f"{v:.2%}")
    shown["leader_share"] = shown["leader_share"].map(lambda v: f"{v:.1%}")
    shown["mass_rank"] = [
        f"{int(r)}/{n}" + ("" if world else "*") if r == r else f"-/{n}"
        for r, n, world in zip(table["mass_rank"], table["countries"], table["world_position"],
                               strict=True)
    ]  # fmt: skip
    shown = shown.drop(columns=["countries"]).rename(columns={"mass_rank": "rank"})
    _emit(shown, output_format)
    if not table["world_position"].all():
        click.echo("* ranked among fewer than 30 countries: not a world position")
    click.echo(
        "gap: decades of world share below the frontier (the largest share among specialised "
        "countries with >= 1% of the world), over 3: 0 at the frontier, 100 at 1/1000 of it"
    )
    for prio, components in absent.items():
        for component, reason in components.items():
            said = reason.get("en") or "no data in the evidence store"
            click.echo(f"{prio}: no {component} evidence: {said}")


@main.command("partners")
@click.option("--country", help="The home country (default: the priorities file's).")
@click.option("--priority", required=True, help="A priority id of the priorities file.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--lang", type=click.Choice(["es", "en"]), default="en", show_default=True)
@click.option("--priorities", "priorities_file", type=click.Path(dir_okay=False, path_type=Path),
              help=_PRIORITIES_HELP)  # fmt: skip
@_FORMAT
def partners_command(
    country: str | None,
    priority: str,
    top: int,
    lang: str,
    priorities_file: Path | None,
    output_format: str,
) -> None:
    """Candidate partners for a priority, best first, with each factor's contribution
    (they add up to the score), the rank range under ±20 % weights, and the reasons."""
    from vinculo.strategy.capability import MissingEvidenceError
    from vinculo.strategy.chain import stage_table
    from vinculo.strategy.i18n import country_name
    from vinculo.strategy.naming import naming_policy
    from vinculo.strategy.partners import as_frame, leading_institutions, recommend
    from vinculo.strategy.priorities import PrioritiesError

    store, _, model, country = _strategy(priorities_file, country, home=True)
    with store:
        try:
            chain = stage_table(model, priority)
            found = recommend(model, priority, chain=chain)
            # the diplomatic naming policy leaves out whom it excludes; the ranks are kept
            recommendations = naming_policy().shown(found)
            institutions = {  # found while the store is open (kept in the model's cache)
                r.partner: leading_institutions(model, r.partner, priority, limit=3)
                for r in recommendations[:top]
            }
        except (MissingEvidenceError, PrioritiesError) as error:
            _fail(str(error))
    if not found:
        _fail(f"no candidate partner has evidence for {priority!r} (vinculo data pull)")
    ranked, policy = len(found), naming_policy()
    if output_format == "json":
        import json

        click.echo(
            json.dumps(
                [
                    {
                        "rank": r.rank,
                        "partner": r.partner,
                        "score": r.score,
                        "contributions": r.contributions,
                        "rank_range": list(r.rank_range),
                        "stable": r.stable,
                        "reasons": r.structured(),
                        "offers": r.structured_offers(),
                        "naming": policy.flag(r.partner),
                    }
                    for r in recommendations[:top]
                ],
                ensure_ascii=False,
            )
        )
        return
    table = as_frame(recommendations[:top], lang)
    if output_format != "table":
        _emit(table, output_format)
        return
    weights = model.priorities.weights.as_dict()
    shown = ", ".join(f"{name} {value:.2f}" for name, value in weights.items())
    withheld = ranked - len(recommendations)
    note = f" ({withheld} not shown: diplomatic naming policy)" if withheld else ""
    click.echo(f"{priority}: {ranked} candidates{note}; weights {shown}")
    for row in table.itertuples():
        ranks = "stable" if row.stable else f"rank {row.rank_best}-{row.rank_worst} under ±20%"
        parts = " + ".join(
            f"{factor} {getattr(row, factor):.3f}"
            for factor in ("strength", "complementarity", "ties", "capacity", "proximity")
        )
        click.echo(f"{row.rank:>3}. {row.partner} {row.name}: {row.score:.3f} = {parts} ({ranks})")
        if row.caveat:
            click.echo(f"       ! {row.caveat}")
        chosen = recommendations[row.Index]
        for reason in chosen.reasons_text(lang):
            click.echo(f"       - {reason}")
        offers = chosen.offers_text(lang)
        if offers:
            home_name = country_name(model.priorities.home, lang)
            click.echo(f"       {home_name} {'ofrece' if lang == 'es' else 'offers'}:")
            for offer in offers:
                click.echo(f"         + {offer}")
        found = institutions[str(row.partner)]
        if not found.empty:
            if found["basis"].iloc[0] == "output":
                names = "; ".join(
                    f"{r.name} ({r.output:.1f})" for r in found.itertuples(index=False)
                )
                click.echo(
                    f"       institutions (fractional works in the priority's fields, "
                    f"{found['years'].iloc[0]}, {found['vintage'].iloc[0]}): {names}"
                )
            else:
                names = "; ".join(found["name"])
                click.echo(f"       institutions (ROR, names matching the keywords): {names}")


@main.command("chain")
@click.option("--country", help="ISO3 code (default: the priorities file's home country).")
@click.option("--priority", required=True, help="A priority id with a value chain.")
@click.option("--priorities", "priorities_file", type=click.Path(dir_okay=False, path_type=Path),
              help=_PRIORITIES_HELP)  # fmt: skip
@_FORMAT
def chain_command(
    country: str | None, priority: str, priorities_file: Path | None, output_format: str
) -> None:
    """A country's position along a priority's value chain: each stage's RCA, world share,
    density and leaders, the stage where the gap is, and the closest next step."""
    import pandas as pd

    from vinculo.strategy.capability import MissingEvidenceError
    from vinculo.strategy.chain import value_chain
    from vinculo.strategy.priorities import PrioritiesError

    store, _, model, country = _strategy(priorities_file, country, home=False)
    with store:
        try:
            view = value_chain(model, priority, country)
        except (MissingEvidenceError, PrioritiesError) as error:
            _fail(str(error))
    table = pd.DataFrame(
        [
            {
                "stage": s.stage.id,
                "classification": s.classification,
                "year": s.year,
                "rca": s.rca,
                "world_share": s.world_share,
                "density": s.density,
                "score": s.score,
                "percentile": s.percentile,
                "leaders": " ".join(s.leaders["country"]),
                "gap": s.stage.id == view.gap_stage,
                "vintage": s.vintage,
            }
            for s in view.stages
        ]
    )
    if output_format != "table":
        _emit(table, output_format)
        return
    _emit(table, "table")
    for stage in view.stages:
        for row in stage.resources.to_dict("records"):
            click.echo(
                f"{stage.stage.id}: {row['names'].get('en', row['indicator'])} ({row['year']}): "
                f"{row['value']:,.0f} {row['unit']} ({row['world_share']:.2%} of the world); "
                f"frontier {row['leader']} ({row['leader_share']:.1%})"
            )
    click.echo(f"gap stage: {view.gap_stage}")
    if view.next_step:
        step = view.next_step
        click.echo(
            f"closest next step: {step['product']} ({step['why']}) at stage {step['stage']}: "
            f"density {float(str(step['density'])):.3f}, RCA {float(str(step['rca'])):.2f}"
        )


@main.command("brief")
@click.option("--home", help="The home country (default: the priorities file's).")
@click.option("--host", required=True, help="ISO3 code of the country of the post.")
@click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="brief.html or brief.pdf")  # fmt: skip
@click.option("--priorities", "priorities_file", type=click.Path(dir_okay=False, path_type=Path),
              help=_PRIORITIES_HELP)  # fmt: skip
@click.option("--consulate", "consulate_city", metavar="CITY",
              help="The post is the Consulate of Mexico in CITY (default: Embassy).")  # fmt: skip
@click.option("--issuing-unit", help="The issuing unit on the cover (default: Vínculo).")
@click.option("--classification",
              help="The cover's classification (default: Uso interno / Internal use).")  # fmt: skip
@click.option("--data-cutoff",
              help="The data cut-off on the cover (default: the newest year quoted).")  # fmt: skip
def brief_command(
    home: str | None,
    host: str,
    lang: str,
    output: Path,
    priorities_file: Path | None,
    consulate_city: str | None,
    issuing_unit: str | None,
    classification: str | None,
    data_cutoff: str | None,
) -> None:
    """A brief for the embassy or consulate in HOST: where the host can close the home
    country's gaps and why, capabilities compared, co-authorship over time, value chains,
    the host's institutions, and the sources with their vintages. HTML (works offline, no
    external assets) or a paginated PDF."""
    from vinculo.strategy.brief import build_brief, write_brief
    from vinculo.strategy.capability import MissingEvidenceError

    if output.suffix.lower() not in (".html", ".pdf"):
        _fail(f"{output}: the brief is written as .html or .pdf")
    store, _, model, _home = _strategy(priorities_file, home, home=True)
    with store:
        click.echo(f"brief for the post in {host.upper()}: computing every priority ...", err=True)
        try:
            brief = build_brief(
                model,
                host.upper(),
                lang,
                post_kind="consulate" if consulate_city else "embassy",
                post_city=consulate_city or "",
                issuing_unit=issuing_unit,
                classification=classification,
                data_cutoff=data_cutoff,
            )
        except (MissingEvidenceError, ValueError) as error:
            _fail(str(error))
    written = write_brief(brief, output)
    click.echo(f"wrote {written}")


# ---------------------------------------------------------------------- text
@main.command("classify")
@click.argument("input_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output JSON-lines file (default: stdout).")  # fmt: skip
@click.option("--priorities", "priorities_file", type=click.Path(dir_okay=False, path_type=Path),
              help=_PRIORITIES_HELP)  # fmt: skip
@click.option("--model", "model_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A model written by classify-train (default: the shipped model, trained "
                   "on the EU call topics, for the shipped priorities; else one trained now on "
                   "the priorities file alone).")  # fmt: skip
@click.option("--threshold", type=click.FloatRange(0, 1),
              help="One threshold for every priority (default: each priority's own).")  # fmt: skip
@click.option("--top", type=click.IntRange(min=1), help="At most this many priorities a text.")
def classify_command(
    input_file: Path,
    output: Path | None,
    priorities_file: Path | None,
    model_file: Path | None,
    threshold: float | None,
    top: int | None,
) -> None:
    """Suggest priorities for the texts of FILE (JSON lines with a "text" field).

    Writes each input object with its other fields and a "priorities" list: the id of each
    suggested priority, its confidence, its threshold, the words of the text that drove it
    ("terms") and the most similar known items ("similar"); empty when none fits. A bad
    line stops everything before anything is written.
    """
    import json

    from vinculo.strategy.priorities import PrioritiesError, default_priorities, load_priorities
    from vinculo.text import (
        PriorityClassifier,
        TextError,
        default_model,
        read_records,
        write_records,
    )

    try:
        records = read_records(input_file)
        if model_file is not None:
            model = PriorityClassifier.load(model_file)
            if priorities_file is not None:
                ids = tuple(p.id for p in load_priorities(priorities_file).priorities)
                if ids != model.labels_:
                    _fail(f"{model_file}: trained on other priorities than {priorities_file}")
        else:
            priorities = load_priorities(priorities_file) if priorities_file else None
            model = default_model(priorities or default_priorities())
        suggestions = model.suggest_many(
            [record["text"] for _, record in records], threshold=threshold, top=top
        )
    except (TextError, PrioritiesError) as error:
        _fail(str(error))
        return
    results = [
        {**record, "priorities": [s.as_dict() for s in found]}
        for (_, record), found in zip(records, suggestions, strict=True)
    ]
    if output is None:
        for result in results:
            click.echo(json.dumps(result, ensure_ascii=False))
        return
    try:
        write_records(results, output)
    except OSError as error:
        _fail(f"{output}: cannot write: {error}")
    suggested = sum(bool(r["priorities"]) for r in results)
    click.echo(f"{len(results)} texts, {suggested} with a priority → {output}", err=True)


@main.command("classify-train")
@click.argument("labelled", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The model file to write (.npz).")  # fmt: skip
@click.option("--eu-calls", type=click.Path(path_type=Path),
              help="Also train on the EU call topics (the Parquet file or the shared data "
                   "folder).")  # fmt: skip
@click.option("--eu-labels", type=click.Choice(["hand", "codes"]), default="hand",
              show_default=True,
              help="The EU topics' labels: given by hand (for the shipped priorities) or "
                   "read from their codes (weak).")  # fmt: skip
@click.option("--priorities", "priorities_file", type=click.Path(dir_okay=False, path_type=Path),
              help=_PRIORITIES_HELP)  # fmt: skip
def classify_train_command(
    labelled: tuple[Path, ...],
    output: Path,
    eu_calls: Path | None,
    eu_labels: str,
    priorities_file: Path | None,
) -> None:
    """Train a classifier on the priorities file and LABELLED files, and save it.

    Each LABELLED file has JSON lines with a "text" and a "priorities" list of priority ids
    ([] for none of them; the output of `vinculo classify`, corrected, will do); an "id"
    and a "title" name an example when it is shown as similar.
    """
    from vinculo.strategy.priorities import PrioritiesError, default_priorities, load_priorities
    from vinculo.text import (
        Example,
        TextError,
        eu_examples,
        examples_from_records,
        load_eu_topics,
        read_records,
        train,
    )

    started = clock.perf_counter()
    try:
        priorities = load_priorities(priorities_file) if priorities_file else default_priorities()
        known = [p.id for p in priorities.priorities]
        examples: list[Example] = []
        for file in labelled:
            examples += examples_from_records(read_records(file), known, source=str(file))
        if eu_calls is not None:
            examples += eu_examples(load_eu_topics(eu_calls, eu_labels))
        model = train(examples, priorities=priorities)
        model.save(output)
    except (TextError, PrioritiesError) as error:
        _fail(str(error))
        return
    except OSError as error:
        _fail(f"{output}: cannot write: {error}")
        return
    click.echo(
        f"trained on the priorities file and {len(examples)} labelled texts in "
        f"{clock.perf_counter() - started:.1f} s → {output}"
    )
    for label, limit, source in zip(
        model.labels_, model.thresholds_, model.threshold_sources_, strict=True
    ):
        click.echo(f"  {label:22s} threshold {limit:.2f} ({source})")


# ---------------------------------------------------------------------- the web platform
def _say(message: str) -> None:
    click.echo(message, err=True)


def _web() -> Any:
    """``vinculo.web.demo`` with Django set up; imported only by the web commands, so the
    rest of the command line runs without a web stack."""
    from vinculo.web import demo

    try:
        demo.setup_django()
    except demo.ServeError as error:
        _fail(str(error))
    return demo


def _staged_data() -> Path | None:
    """``../shared/data`` beside the project (the staged public datasets), if it is there."""
    project = Path(__file__).resolve().parents[2]
    candidates = [Path.cwd().parent / "shared" / "data"]
    if (project / "pyproject.toml").is_file():
        candidates.insert(0, project.parent / "shared" / "data")
    return next((c for c in candidates if c.is_dir()), None)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", type=click.IntRange(min=1),
              help="gunicorn worker processes [default: 2 × cores + 1, at most 8].")  # fmt: skip
@click.option("--migrate", "apply_migrations", is_flag=True,
              help="Apply the database's missing migrations first (else: refuse).")  # fmt: skip
def serve_command(host: str, port: int, workers: int | None, apply_migrations: bool) -> None:
    """Serve the web platform: gunicorn with WhiteNoise for the static files.

    Refuses a database with unapplied migrations (unless --migrate), runs Django's system
    checks (the deployment checks under VINCULO_ENV=production), collects the static files
    into VINCULO_HOME/static, then serves until Ctrl+C. The database is DATABASE_URL's
    (default: SQLite in VINCULO_HOME); production needs VINCULO_ENV=production,
    VINCULO_SECRET_KEY and VINCULO_ALLOWED_HOSTS (README, "Running the platform").
    """
    demo = _web()
    try:
        demo.serve(
            host=host, port=port, workers=workers, apply_migrations=apply_migrations, say=_say
        )
    except demo.ServeError as error:
        _fail(str(error))


@main.command("demo")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--reset-passwords", is_flag=True,
              help="Choose new passwords for the demo users (shown once).")  # fmt: skip
@click.option("--no-serve", is_flag=True, help="Prepare everything, then exit.")
def demo_command(port: int, reset_passwords: bool, no_serve: bool) -> None:
    """The platform with real data on http://127.0.0.1:PORT/ in one command.

    Creates or migrates the database (SQLite in VINCULO_HOME unless DATABASE_URL), loads the
    evidence (from VINCULO_MIRROR, else ../shared/data beside the project, else the
    network), seeds the countries, Mexico's priorities and real diplomatic posts (every
    embassy of the Wikidata embassies file in the mirror, with its coordinates) and the ROR
    institutions, creates one user per role (viewer, officer, legal, planner,
    administrator) with a random password printed once, computes the dashboard, and
    serves. Run again, it reuses all of it and prints no password (see --reset-passwords).
    """
    from vinculo.settings import SettingsError, mirror_folder, vinculo_home

    demo = _web()
    try:
        home = vinculo_home()
        mirror = mirror_folder() or _staged_data()
    except SettingsError as error:
        _fail(str(error))
        return
    url = f"http://127.0.0.1:{port}/"
    bar = _DownloadProgress()
    try:
        if not no_serve:
            demo.check_port("127.0.0.1", port)
        demo.migrate(_say)
        store = demo.load_evidence(
            home=home,
            mirror=mirror,
            say=_say,
            on_file=lambda name, path: bar.announce(f"evidence: {name}: {path} ..."),
            progress=bar.update,
        )
        bar.end()
        report = demo.seed(
            store_path=store,
            reset_passwords=reset_passwords,
            embassies_file=demo.embassies_file(mirror),
        )
        for line in report.lines():
            _say(line)
        demo.refresh_insights(store, _say)
        demo.print_accounts(report, click.echo, url)
        if no_serve:
            _say(f"ready; serve it with: vinculo demo --port {port}")
            return
        demo.serve(host="127.0.0.1", port=port, workers=2, say=_say)
    except demo.ServeError as error:
        bar.end()
        _fail(str(error))


@main.command("talent")
@click.option("--host", required=True, help="The partner country (ISO3).")
@click.option("--country", "home", default="MEX", show_default=True, help="The home country.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1),
              help="Destination institutions shown.")  # fmt: skip
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table",
              show_default=True)  # fmt: skip
def talent_command(host: str, home: str, top: int, output_format: str) -> None:
    """Talent flows with a partner: the home country's scholarships there (per year, level,
    area, top institutions) and scholars' migration between them per period, with the
    vintages (vinculo data pull conacyt-becas scholar-migration)."""
    from vinculo.evidence.store import EvidenceError, EvidenceStore
    from vinculo.settings import SettingsError, vinculo_home
    from vinculo.strategy.talent import talent_with

    try:
        path = vinculo_home() / "evidence.duckdb"
    except SettingsError as error:
        _fail(str(error))
        return
    if not path.exists():
        _fail(f"{path}: no evidence store yet; load the evidence first: vinculo data pull")
    try:
        with EvidenceStore(path, read_only=True) as store:
            found = talent_with(store, home, host, top=top)
    except EvidenceError as error:
        _fail(str(error))
        return
    if output_format == "json":
        import json

        click.echo(json.dumps(found.as_dict(), ensure_ascii=False))
        return
    if found.empty:
        click.echo(f"{found.home} -> {found.host}: no scholarship or migration evidence")
        return
    for source, vintage in found.vintages.items():
        click.echo(f"source {source}: {vintage}")
    sections = [
        ("Scholarships per year (paid in the year; new starts; 2023 = January-June)",
         found.by_year),
        ("By level (all years)", found.by_level),
        ("By knowledge area (all years)", found.by_area),
        (f"Top {top} destination institutions (name as published; ROR id where matched)",
         found.institutions),
        ("Scholars' migration per period (outflow = home -> host; net = inflow - outflow)",
         found.migration),
    ]  # fmt: skip
    for title, frame in sections:
        click.echo(f"\n{found.home} -> {found.host}: {title}")
        if frame.empty:
            click.echo("  (no rows)")
        else:
            click.echo(frame.to_string(index=False, float_format=lambda v: f"{v:,.0f}"))


if __name__ == "__main__":  # pragma: no cover
    main()
