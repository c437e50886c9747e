"""The OpenAlex works snapshot into the evidence store: one job, two engines.

:func:`build_snapshot` reads a snapshot in OpenAlex's layout (``data/works/manifest``,
``data/works/updated_date=YYYY-MM-DD/part_NNN.gz``, ``data/merged_ids/works/*.csv.gz``;
docs/scale.md) with **DuckDB** (one machine, streaming, bounded memory) or **Spark**
(PySpark, ``vinculo[spark]``, local or on a cluster) and writes four tables as Parquet into
an output folder with a ``provenance.json``; :func:`load_snapshot_output` loads that folder
into the store in one transaction. Both engines run the *same* SQL after a small
engine-specific first step (reading the JSON, ``unnest`` vs ``explode``), so their tables
are identical (tests/evidence/test_openalex_snapshot.py compares every row).

Rules (docs/scale.md has the long form):

* **Newest version wins.** A work in several partitions counts once, as its version with the
  greatest ``(partition date, updated_date, file name)``. A work listed in ``merged_ids``
  (merged into another, or deleted) does not count at all.
* **Countries** are ``authorships[].countries`` (ISO 3166 alpha-2), converted to alpha-3 as
  everywhere in Vínculo. A code ISO withdrew is kept as its historic location (``YU`` ->
  ``YUG``, ``AN`` -> ``ANT``, kind ``historic`` in the store's locations): the job never
  guesses a successor state. A code that is no ISO code at all (``ZZ``) is dropped and
  listed in the provenance; a work left without a known country counts in no country row.
* **Fields** come from the work's ``primary_topic`` (topic, its subfield and field): one
  topic per work, so a country's fields add up to its output.
* **Fractional counting** is ``vinculo.indicators.fractional_counts(method="location")``:
  a work's credit of 1 is split equally among its distinct countries (1/|L_w|); whole
  counting gives 1 to each. Institution output splits among distinct institutions.
  Credits are summed as DECIMAL(38, 12) so that both engines give the same digits.
* **Co-authorship** follows the staged OpenAlex table (``vinculo.evidence.sources.openalex``):
  only internationally co-authored works (more than one country); each unordered pair once,
  ``country_a < country_b``; the diagonal is the country's internationally co-authored
  works; taxonomy ``openalex`` with an empty field for all fields, ``openalex-field`` per
  field.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import re
import shutil
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from vinculo.evidence.countries import locations_table, to_iso3
from vinculo.evidence.store import EvidenceError, EvidenceStore

__all__ = [
    "ENGINES",
    "OUTPUT_TABLES",
    "Snapshot",
    "SnapshotFile",
    "build_snapshot",
    "load_snapshot_output",
    "scan_snapshot",
    "spark_session",
]

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")
SOURCE = "openalex-snapshot"

# Output table -> the store's table it is loaded into, and its columns.
OUTPUT_TABLES: dict[str, tuple[str, ...]] = {
    "publications": ("year", "country", "field", "taxonomy", "count_type", "count"),
    "coauthorship": ("year", "country_a", "country_b", "taxonomy", "field", "works"),
    "institution_output": (
        "year",
        "institution",
        "ror_id",
        "country",
        "field",
        "taxonomy",
        "count_type",
        "count",
    ),
    "author_affiliations": (
        "author",
        "orcid",
        "year",
        "country",
        "institution",
        "ror_id",
        "works",
    ),
}

_PARTITION = re.compile(r"^updated_date=(\d{4}-\d{2}-\d{2})$")
_PART = re.compile(r"^part_\d+\.gz$")


@dataclass(frozen=True)
class SnapshotFile:
    """One data file: its path relative to ``data/works``, partition date and the record
    count the manifest gives."""

    relative: str
    partition: str
    path: Path
    records: int | None


@dataclass(frozen=True)
class Snapshot:
    root: Path
    files: tuple[SnapshotFile, ...]
    merged: tuple[Path, ...]
    manifest_sha256: str

    @property
    def partitions(self) -> list[str]:
        return sorted({f.partition for f in self.files})

    @property
    def date(self) -> str:
        """The snapshot's date: its newest updated_date partition."""
        return max(self.partitions)


def scan_snapshot(path: str | Path) -> Snapshot:
    """The snapshot's files, checked against its manifest: a file on disk that the manifest
    does not list, or a listed file that is absent, is an error naming it."""
    root = Path(path)
    works = root / "data" / "works"
    manifest_path = works / "manifest"
    if not manifest_path.is_file():
        raise EvidenceError(f"{manifest_path}: no manifest; is {root} an OpenAlex snapshot?")
    text = manifest_path.read_bytes()
    try:
        manifest = json.loads(text)
        entries = manifest["entries"]
        listed: dict[str, int | None] = {}
        for number, entry in enumerate(entries, start=1):
            url = str(entry["url"])
            if "/data/works/" not in url:
                raise ValueError(f"entry {number}: url {url!r} is not under data/works/")
            relative = url.split("/data/works/", 1)[1]
            records = entry.get("meta", {}).get("record_count")
            listed[relative] = None if records is None else int(records)
    except (ValueError, KeyError, TypeError) as error:
        raise EvidenceError(f"{manifest_path}: not a snapshot manifest: {error}") from None
    on_disk = {}
    for folder in sorted(works.iterdir()):
        if not folder.is_dir():
            continue
        if not _PARTITION.match(folder.name):
            raise EvidenceError(f"{folder}: not an updated_date=YYYY-MM-DD partition")
        for part in sorted(folder.iterdir()):
            if not _PART.match(part.name):
                raise EvidenceError(f"{part}: not a part_NNN.gz data file")
            on_disk[f"{folder.name}/{part.name}"] = part
    unlisted = sorted(set(on_disk) - set(listed))
    if unlisted:
        raise EvidenceError(
            f"{works / unlisted[0]}: data file missing from the manifest {manifest_path}"
            + (f" (and {len(unlisted) - 1} more)" if len(unlisted) > 1 else "")
        )
    absent = sorted(set(listed) - set(on_disk))
    if absent:
        raise EvidenceError(
            f"{works / absent[0]}: listed in the manifest {manifest_path} but absent"
            + (f" (and {len(absent) - 1} more)" if len(absent) > 1 else "")
        )
    if not listed:
        raise EvidenceError(f"{manifest_path}: lists no data file")
    files = []
    for relative in sorted(listed):
        match = _PARTITION.match(relative.split("/")[0])
        if match is None:
            raise EvidenceError(f"{manifest_path}: {relative} is not in a dated partition")
        files.append(SnapshotFile(relative, match.group(1), on_disk[relative], listed[relative]))
    merged_dir = root / "data" / "merged_ids" / "works"
    merged = tuple(sorted(merged_dir.glob("*.csv.gz"))) if merged_dir.is_dir() else ()
    digest = hashlib.sha256(text)
    for merged_file in merged:
        digest.update(merged_file.name.encode())
        digest.update(merged_file.read_bytes())
    return Snapshot(root, tuple(files), merged, digest.hexdigest())


# ------------------------------------------------------------------ the shared SQL
_STRIP = "regexp_replace({}, '^.*/', '')"
_VERSION = (
    "concat_ws('|', regexp_extract(file, 'updated_date(=|%3D)([0-9-]+)', 2), "
    "coalesce(updated_date, ''), regexp_extract(file, '[^/]+$', 0))"
)
_FRACTION = "CAST(CAST(1 AS DOUBLE) / n AS DECIMAL(38, 12))"


def _flat_views(unnest: str, size: str) -> dict[str, str]:
    """The flat relations, from ``raw(id, file, publication_year, updated_date,
    authorships, primary_topic)``: only ``unnest``/``size`` differ between engines."""
    work = f"{_STRIP.format('id')} AS work_id, {_VERSION} AS version"
    auths = f"SELECT {work}, {unnest}(authorships) AS a FROM raw"
    return {
        "v_works": (
            f"SELECT {work}, publication_year AS year, "
            f"{_STRIP.format('primary_topic.id')} AS topic, "
            f"{_STRIP.format('primary_topic.subfield.id')} AS subfield, "
            f"{_STRIP.format('primary_topic.field.id')} AS field FROM raw"
        ),
        "v_countries": (
            "SELECT work_id, version, upper(c) AS iso2 FROM ("
            f"SELECT work_id, version, {unnest}(a.countries) AS c FROM ({auths}) s) t"
        ),
        "v_insts": (
            f"SELECT work_id, version, author, orcid, {_STRIP.format('i.id')} AS institution, "
            "i.ror AS ror, "
            "upper(i.country_code) AS iso2 FROM ("
            f"SELECT work_id, version, {_STRIP.format('a.author.id')} AS author, "
            f"{_STRIP.format('a.author.orcid')} AS orcid, {unnest}(a.institutions) AS i "
            f"FROM ({auths}) s) t"
        ),
        "v_bare": (
            "SELECT work_id, version, author, orcid, upper(c) AS iso2 FROM ("
            f"SELECT work_id, version, {_STRIP.format('a.author.id')} AS author, "
            f"{_STRIP.format('a.author.orcid')} AS orcid, {unnest}(a.countries) AS c "
            f"FROM ({auths}) s WHERE a.institutions IS NULL OR {size}(a.institutions) = 0) t"
        ),
    }


# Materialised steps (name, SQL), in order; then the outputs. Common to both engines.
_STEPS: list[tuple[str, str]] = [
    (
        "winners",
        "SELECT work_id, max(version) AS version FROM v_works w WHERE work_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM merged m WHERE m.work_id = w.work_id) GROUP BY work_id",
    ),
    (
        "works",
        "SELECT w.work_id, w.year, w.topic, w.subfield, w.field FROM v_works w "
        "JOIN winners k ON k.work_id = w.work_id AND k.version = w.version "
        "WHERE w.year IS NOT NULL",
    ),
    (
        "wc",
        "SELECT DISTINCT c.work_id, m.iso3 AS country FROM v_countries c "
        "JOIN winners k ON k.work_id = c.work_id AND k.version = c.version "
        "JOIN iso2map m ON m.iso2 = c.iso2",
    ),
    (
        "wcn",
        "SELECT wc.work_id, wc.country, n.n, w.year, w.topic, w.subfield, w.field FROM wc "
        "JOIN (SELECT work_id, count(*) AS n FROM wc GROUP BY work_id) n "
        "ON n.work_id = wc.work_id JOIN works w ON w.work_id = wc.work_id",
    ),
    (
        "wi",
        "SELECT DISTINCT i.work_id, i.institution FROM v_insts i "
        "JOIN winners k ON k.work_id = i.work_id AND k.version = i.version "
        "WHERE i.institution IS NOT NULL",
    ),
    (
        "inst",
        "SELECT i.institution, max(i.ror) AS ror_id, max(m.iso3) AS country FROM v_insts i "
        "LEFT JOIN iso2map m ON m.iso2 = i.iso2 WHERE i.institution IS NOT NULL "
        "GROUP BY i.institution",
    ),
]

_LEVELS = {"topic": "topic", "subfield": "subfield", "field": "field", "all": "'all'"}


def _counted(keys: str, source: str, level: str, extra: str = "") -> str:
    """Whole and fractional counts of ``source`` rows per ``keys`` and a field level."""
    column = _LEVELS[level]
    taxonomy = f"openalex-{'field' if level == 'all' else level}"
    where = "" if level == "all" else f"WHERE {column} IS NOT NULL"
    inner = (
        f"SELECT {keys}, {column} AS field, CAST(count(*) AS DOUBLE) AS whole, "
        f"CAST(sum({_FRACTION}) AS DOUBLE) AS fractional FROM {source} {where} "
        f"GROUP BY {keys}, {column}"
    )
    return " UNION ALL ".join(
        f"SELECT {keys}, field, '{taxonomy}' AS taxonomy, '{kind}' AS count_type, "
        f"{kind} AS count{extra} FROM ({inner}) c"
        for kind in ("whole", "fractional")
    )


def _output_sql() -> dict[str, str]:
    pairs = (
        "SELECT a.work_id, a.country AS country_a, b.country AS country_b, a.year, a.field "
        "FROM wcn a JOIN wcn b ON a.work_id = b.work_id AND a.country <= b.country "
        "WHERE a.n > 1"
    )
    inst = (
        "SELECT wi.work_id, wi.institution, n.n, w.year, w.topic, w.subfield, w.field FROM wi "
        "JOIN (SELECT work_id, count(*) AS n FROM wi GROUP BY work_id) n "
        "ON n.work_id = wi.work_id JOIN works w ON w.work_id = wi.work_id"
    )
    institution = " UNION ALL ".join(
        _counted("year, institution", "inst_works", level)
        for level in ("topic", "subfield", "field")
    )
    affiliations = (
        "SELECT x.work_id, x.author, x.orcid, w.year, m.iso3 AS country, x.institution, x.ror "
        "FROM ("
        "SELECT i.work_id, i.author, i.orcid, i.institution, i.ror, i.iso2 FROM v_insts i "
        "JOIN winners k ON k.work_id = i.work_id AND k.version = i.version UNION ALL "
        "SELECT b.work_id, b.author, b.orcid, NULL, NULL, b.iso2 FROM v_bare b "
        "JOIN winners k ON k.work_id = b.work_id AND k.version = b.version) x "
        "JOIN works w ON w.work_id = x.work_id LEFT JOIN iso2map m ON m.iso2 = x.iso2 "
        "WHERE x.author IS NOT NULL"
    )
    return {
        "publications": " UNION ALL ".join(
            _counted("year, country", "wcn", level)
            for level in ("topic", "subfield", "field", "all")
        ),
        "coauthorship": (
            f"SELECT year, country_a, country_b, 'openalex' AS taxonomy, "
            f"CAST(NULL AS STRING) AS field, CAST(count(*) AS DOUBLE) AS works FROM ({pairs}) p "
            "GROUP BY year, country_a, country_b UNION ALL "
            "SELECT year, country_a, country_b, 'openalex-field' AS taxonomy, field, "
            f"CAST(count(*) AS DOUBLE) AS works FROM ({pairs}) p WHERE field IS NOT NULL "
            "GROUP BY year, country_a, country_b, field"
        ),
        "institution_output": (
            "SELECT o.year, o.institution, i.ror_id, i.country, o.field, o.taxonomy, "
            f"o.count_type, o.count FROM (WITH inst_works AS ({inst}) {institution}) o "
            "JOIN inst i ON i.institution = o.institution"
        ),
        "author_affiliations": (
            "SELECT author, max(orcid) AS orcid, year, country, institution, ror AS ror_id, "
            f"CAST(count(DISTINCT work_id) AS DOUBLE) AS works FROM ({affiliations}) a "
            "WHERE country IS NOT NULL OR institution IS NOT NULL "
            "GROUP BY author, year, country, institution, ror"
        ),
    }


_STATS = {
    "records_read": "SELECT count(*) FROM v_works",
    "records_without_id": "SELECT count(*) FROM v_works WHERE work_id IS NULL",
    "distinct_works": "SELECT count(DISTINCT work_id) FROM v_works",
    "merged_dropped": (
        "SELECT count(DISTINCT w.work_id) FROM v_works w JOIN merged m ON m.work_id = w.work_id"
    ),
    "works_kept": "SELECT count(*) FROM works",
    "works_without_year": "SELECT count(*) FROM winners",
    "works_with_country": "SELECT count(DISTINCT work_id) FROM wcn",
}


def _iso2_map() -> pd.DataFrame:
    """Alpha-2 -> the store's alpha-3, exactly as :func:`to_iso3` converts (a current
    country before a historic one holding the same code)."""
    codes = pd.Series(sorted(locations_table()["iso2"].dropna().astype(str).unique()))
    iso3 = to_iso3(codes, "iso2")
    return pd.DataFrame({"iso2": codes, "iso3": iso3}).dropna().reset_index(drop=True)


# ------------------------------------------------------------------ engines
class _Engine:
    unnest = ""
    size = ""

    def read(self, files: list[str], merged: list[str]) -> None:
        raise NotImplementedError

    def register(self, name: str, frame: pd.DataFrame) -> None:
        raise NotImplementedError

    def view(self, name: str, sql: str) -> None:
        raise NotImplementedError

    def materialize(self, name: str, sql: str) -> None:
        raise NotImplementedError

    def scalar(self, sql: str) -> int:
        raise NotImplementedError

    def frame(self, sql: str) -> pd.DataFrame:
        raise NotImplementedError

    def write(self, sql: str, folder: Path) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass


_RAW_COLUMNS = {
    "id": "VARCHAR",
    "publication_year": "INTEGER",
    "updated_date": "VARCHAR",
    "authorships": (
        "STRUCT(author STRUCT(id VARCHAR, orcid VARCHAR), institutions STRUCT(id VARCHAR, "
        "ror VARCHAR, country_code VARCHAR)[], countries VARCHAR[], is_corresponding BOOLEAN)[]"
    ),
    "primary_topic": (
        "STRUCT(id VARCHAR, subfield STRUCT(id VARCHAR), field STRUCT(id VARCHAR), "
        "domain STRUCT(id VARCHAR))"
    ),
}


class _DuckDB(_Engine):
    """DuckDB on a scratch database file in the output's staging folder: the JSON is
    read once into a native table, then every step spills to disk past ``memory_limit``."""

    unnest = "unnest"
    size = "len"

    def __init__(self, scratch: Path, memory_limit: str, threads: int | None) -> None:
        import duckdb

        self.db = duckdb.connect(str(scratch / "scratch.duckdb"))
        self.db.execute(f"SET memory_limit = '{memory_limit}'")
        self.db.execute(f"SET temp_directory = '{scratch / 'spill'}'")
        self.db.execute("SET preserve_insertion_order = false")
        if threads:
            self.db.execute(f"SET threads = {int(threads)}")

    def read(self, files: list[str], merged: list[str]) -> None:
        columns = ", ".join(f"'{k}': '{v}'" for k, v in _RAW_COLUMNS.items())
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        self.db.execute(
            "CREATE TABLE raw AS SELECT id, filename AS file, publication_year, updated_date, "
            f"authorships, primary_topic FROM read_json([{listed}], format = 'newline_delimited', "
            f"compression = 'gzip', columns = {{{columns}}}, filename = true, "
            ")"
        )
        if merged:
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in merged)
            self.db.execute(
                "CREATE TABLE merged AS SELECT DISTINCT regexp_replace(id, '^.*/', '') AS work_id "
                f"FROM read_csv([{listed}], header = true, columns = {{'merge_date': 'VARCHAR', "
                "'id': 'VARCHAR', 'merge_into_id': 'VARCHAR'})"
            )
        else:
            self.db.execute("CREATE TABLE merged (work_id VARCHAR)")

    def register(self, name: str, frame: pd.DataFrame) -> None:
        self.db.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")

    def view(self, name: str, sql: str) -> None:
        self.db.execute(f"CREATE VIEW {name} AS {sql}")

    def materialize(self, name: str, sql: str) -> None:
        self.db.execute(f"CREATE TABLE {name} AS {sql}")

    def scalar(self, sql: str) -> int:
        found = self.db.execute(sql).fetchone()
        return int(found[0]) if found and found[0] is not None else 0

    def frame(self, sql: str) -> pd.DataFrame:
        result: pd.DataFrame = self.db.execute(sql).df()
        return result

    def write(self, sql: str, folder: Path) -> int:
        folder.mkdir(parents=True)
        target = str(folder / "part-0.parquet").replace("'", "''")
        self.db.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
        return self.scalar(f"SELECT count(*) FROM read_parquet('{target}')")

    def close(self) -> None:
        self.db.close()


def spark_session(
    master: str | None = None,
    shuffle_partitions: int | None = None,
    driver_memory: str | None = None,
) -> Any:
    """A SparkSession: the one ``spark-submit`` configured, or a local one (``master``
    e.g. ``local[2]``) with the web UI off. ``driver_memory`` (e.g. ``"4g"``) is the heap
    of local mode's single JVM; it applies only when this call starts the JVM."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EvidenceError(
            "the spark engine needs PySpark: pip install 'vinculo[spark]' (and Java 17+)"
        ) from None
    builder = SparkSession.builder.appName("vinculo-openalex-snapshot")
    if master:
        builder = builder.master(master).config("spark.ui.enabled", "false")
    if driver_memory:
        builder = builder.config("spark.driver.memory", driver_memory)
    if shuffle_partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    return builder.getOrCreate()


_SPARK_SCHEMA = (
    "id STRING, publication_year INT, updated_date STRING, "
    "authorships ARRAY<STRUCT<author: STRUCT<id: STRING, orcid: STRING>, "
    "institutions: ARRAY<STRUCT<id: STRING, ror: STRING, country_code: STRING>>, "
    "countries: ARRAY<STRING>, is_corresponding: BOOLEAN>>, "
    "primary_topic STRUCT<id: STRING, subfield: STRUCT<id: STRING>, "
    "field: STRUCT<id: STRING>, domain: STRUCT<id: STRING>>"
)


class _Spark(_Engine):
    """PySpark: the same SQL on DataFrames; intermediate steps cached (memory and disk)."""

    unnest = "explode"
    size = "size"

    def __init__(self, session: Any) -> None:
        self.spark = session
        self.cached: list[str] = []

    def read(self, files: list[str], merged: list[str]) -> None:
        frame = (
            self.spark.read.schema(_SPARK_SCHEMA)
            .option("mode", "FAILFAST")
            .json(files)
            .selectExpr(
                "id",
                "_metadata.file_path AS file",
                "publication_year",
                "updated_date",
                "authorships",
                "primary_topic",
            )
        )
        frame.createOrReplaceTempView("raw")
        self.materialize("raw_cached", "SELECT * FROM raw")
        self.spark.catalog.dropTempView("raw")
        self.spark.table("raw_cached").createOrReplaceTempView("raw")
        if merged:
            ids = self.spark.read.option("header", "true").csv(merged)
            ids.createOrReplaceTempView("merged_csv")
            self.materialize(
                "merged",
                "SELECT DISTINCT regexp_replace(id, '^.*/', '') AS work_id FROM merged_csv",
            )
        else:
            self.view("merged", "SELECT CAST(NULL AS STRING) AS work_id WHERE 1 = 0")

    def register(self, name: str, frame: pd.DataFrame) -> None:
        self.spark.createDataFrame(frame).createOrReplaceTempView(name)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(sql).createOrReplaceTempView(name)

    def materialize(self, name: str, sql: str) -> None:
        from pyspark import StorageLevel

        frame = self.spark.sql(sql).persist(StorageLevel.MEMORY_AND_DISK)
        frame.createOrReplaceTempView(name)
        frame.count()
        self.cached.append(name)

    def scalar(self, sql: str) -> int:
        found = self.spark.sql(sql).collect()
        return int(found[0][0]) if found and found[0][0] is not None else 0

    def frame(self, sql: str) -> pd.DataFrame:
        result: pd.DataFrame = self.spark.sql(sql).toPandas()
        return result

    def write(self, sql: str, folder: Path) -> int:
        frame = self.spark.sql(sql)
        frame.write.parquet(str(folder))
        return self.scalar(f"SELECT count(*) FROM parquet.`{folder}`")

    def close(self) -> None:
        for name in self.cached:
            self.spark.catalog.dropTempView(name)
        self.spark.catalog.clearCache()


# ------------------------------------------------------------------ the job
@dataclass
class BuildResult:
    output: Path
    provenance: dict[str, Any] = field(default_factory=dict)


def _diagnose(snapshot: Snapshot) -> str | None:
    """The first file and line that is not gzip JSON lines of objects with an id, or
    None. Run only after an engine failed, to name the place of the fault."""
    for item in snapshot.files:
        line = 0
        try:
            with gzip.open(item.path, "rb") as handle:
                for line, raw in enumerate(handle, start=1):
                    if not raw.strip():
                        continue
                    try:
                        record = json.loads(raw)
                    except ValueError as error:
                        return f"{item.path}, line {line}: not JSON ({error})"
                    if not isinstance(record, dict) or not record.get("id"):
                        return f"{item.path}, line {line}: not a work (no id)"
        except (OSError, EOFError, zlib.error) as error:
            return f"{item.path}, after line {line}: not a complete gzip file ({error})"
    return None


def build_snapshot(
    path: str | Path,
    output: str | Path,
    *,
    engine: Engine = "duckdb",
    memory_limit: str = "2GB",
    threads: int | None = None,
    spark: Any = None,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Read the snapshot at ``path`` and write the four tables as Parquet under ``output``
    (``<table>/*.parquet`` and ``provenance.json``). The folder appears only complete: the
    job writes into ``<output>.partial`` and renames it at the end; on any error that is
    removed and an :class:`EvidenceError` names the file (and line) at fault.
    ``spark``: an existing SparkSession for the spark engine (default: local[*])."""
    say = progress or (lambda message: None)
    if engine not in ENGINES:
        raise EvidenceError(f"unknown engine {engine!r}; one of {list(ENGINES)}")
    snapshot = scan_snapshot(path)
    output = Path(output)
    if output.exists():
        raise EvidenceError(f"{output}: already exists; choose another output folder")
    staging = output.with_name(output.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    started = time.monotonic()
    runner: _Engine | None = None
    try:
        if engine == "duckdb":
            scratch = staging / "_scratch"
            scratch.mkdir()
            runner = _DuckDB(scratch, memory_limit, threads)
        else:
            runner = _Spark(spark if spark is not None else spark_session("local[*]"))
        provenance = _run(runner, snapshot, staging, say)
        runner.close()
        runner = None
        shutil.rmtree(staging / "_scratch", ignore_errors=True)
        provenance.update(engine=engine, seconds=round(time.monotonic() - started, 3))
        (staging / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")
        staging.rename(output)
    except EvidenceError:
        _cleanup(runner, staging)
        raise
    except Exception as error:
        _cleanup(runner, staging)
        where = _diagnose(snapshot)
        if where is not None:
            raise EvidenceError(where) from None
        raise EvidenceError(f"{snapshot.root}: the {engine} engine failed: {error}") from error
    return BuildResult(output, provenance)


def _cleanup(runner: _Engine | None, staging: Path) -> None:
    if runner is not None:
        with contextlib.suppress(Exception):
            runner.close()
    shutil.rmtree(staging, ignore_errors=True)


def _run(
    runner: _Engine, snapshot: Snapshot, staging: Path, say: Callable[[str], None]
) -> dict[str, Any]:
    say(f"reading {len(snapshot.files)} files in {len(snapshot.partitions)} partitions")
    runner.read([str(f.path) for f in snapshot.files], [str(m) for m in snapshot.merged])
    runner.register("iso2map", _iso2_map())
    for name, sql in _flat_views(runner.unnest, runner.size).items():
        runner.view(name, sql)
    counts = runner.frame(
        "SELECT regexp_extract(file, 'updated_date(=|%3D)([0-9-]+)', 2) AS partition, "
        "regexp_extract(file, '[^/]+$', 0) AS part, count(*) AS records FROM raw "
        "GROUP BY 1, 2"
    )
    read = {
        f"updated_date={partition}/{part}": int(records)
        for partition, part, records in counts.itertuples(index=False)
    }
    for item in snapshot.files:
        got = read.get(item.relative, 0)
        if item.records is not None and got != item.records:
            raise EvidenceError(
                f"{item.path}: {got} records read, the manifest says {item.records} "
                f"(truncated or replaced file?)"
            )
    without_id = runner.scalar(_STATS["records_without_id"])
    if without_id:
        where = _diagnose(snapshot)
        raise EvidenceError(where or f"{snapshot.root}: {without_id} records without an id")
    for name, sql in _STEPS:
        say(f"step {name}")
        runner.materialize(name, sql)
    stats = {key: runner.scalar(sql) for key, sql in _STATS.items() if key != "records_without_id"}
    stats["works_without_year"] -= stats["works_kept"]
    stats["works_without_country"] = stats["works_kept"] - stats.pop("works_with_country")
    unknown = runner.frame(
        "SELECT DISTINCT iso2 FROM v_countries WHERE iso2 IS NOT NULL "
        "AND iso2 NOT IN (SELECT iso2 FROM iso2map) ORDER BY iso2 LIMIT 50"
    )
    rows = {}
    for table, sql in _output_sql().items():
        say(f"writing {table}")
        rows[table] = runner.write(sql, staging / table)
    return {
        "source": SOURCE,
        "snapshot": str(snapshot.root),
        "snapshot_date": snapshot.date,
        "manifest_sha256": snapshot.manifest_sha256,
        "partitions": snapshot.partitions,
        "files": len(snapshot.files),
        "merged_files": [m.name for m in snapshot.merged],
        "unknown_country_codes": [str(c) for c in unknown["iso2"]],
        "stats": stats,
        "rows": rows,
    }


# ------------------------------------------------------------------ loading
def _read_provenance(output: Path) -> dict[str, Any]:
    path = output / "provenance.json"
    if not path.is_file():
        raise EvidenceError(f"{path}: missing; is {output} the output of a snapshot build?")
    try:
        provenance: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        for key in ("snapshot_date", "manifest_sha256", "partitions", "rows", "engine"):
            provenance[key]
    except (ValueError, KeyError) as error:
        raise EvidenceError(f"{path}: not a snapshot build's provenance: {error}") from None
    return provenance


def _parquet_parts(output: Path, table: str) -> Iterator[Path]:
    yield from sorted((output / table).glob("*.parquet"))


def load_snapshot_output(store: EvidenceStore, output: str | Path) -> dict[str, Any]:
    """Load a build's folder into the store: all four tables in one transaction, each a
    dataset (source ``openalex-snapshot``, vintage ``openalex-snapshot-<date>``) with the
    build's provenance in ``snapshot_builds``. A build already loaded changes nothing."""
    output = Path(output)
    provenance = _read_provenance(output)
    tables = {}
    for table in OUTPUT_TABLES:
        parts = list(_parquet_parts(output, table))
        if not parts:
            raise EvidenceError(f"{output / table}: no Parquet file")
        tables[table] = parts
    loaded = store.import_snapshot_tables(
        tables,
        source=SOURCE,
        vintage=f"{SOURCE}-{provenance['snapshot_date']}",
        file_name=str(provenance.get("snapshot", output)),
        file_sha256=str(provenance["manifest_sha256"]),
        provenance=provenance,
    )
    return loaded
