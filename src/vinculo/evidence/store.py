"""The evidence store: canonical tables in one DuckDB file, every row set with provenance."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from vinculo import __version__
from vinculo.evidence.countries import locations_table

__all__ = ["CANONICAL_TABLES", "MIGRATIONS", "EvidenceError", "EvidenceStore", "ImportResult"]


class EvidenceError(Exception):
    """Base error of the evidence layer; the message names the file, row and column."""


# The canonical tables (ARCHITECTURE.md): long format, one row per fact, each row tied to
# the dataset (source, vintage, file) it came from. Column -> DuckDB type.
CANONICAL_TABLES: dict[str, dict[str, str]] = {
    "exports": {
        "year": "INTEGER",
        "country": "VARCHAR",
        "product": "VARCHAR",
        "classification": "VARCHAR",
        "value_usd": "DOUBLE",
    },
    "publications": {
        "year": "INTEGER",
        "country": "VARCHAR",
        "field": "VARCHAR",
        "taxonomy": "VARCHAR",
        "count_type": "VARCHAR",
        "count": "DOUBLE",
    },
    "coauthorship": {
        "year": "INTEGER",
        "country_a": "VARCHAR",
        "country_b": "VARCHAR",
        "taxonomy": "VARCHAR",
        "field": "VARCHAR",
        "works": "DOUBLE",
    },
    "patents": {
        "year": "INTEGER",
        "country": "VARCHAR",
        "tech_field": "VARCHAR",
        "taxonomy": "VARCHAR",
        "families": "DOUBLE",
    },
    "country_indicators": {
        "year": "INTEGER",
        "country": "VARCHAR",
        "indicator": "VARCHAR",
        "value": "DOUBLE",
    },
    "institutions": {
        "ror_id": "VARCHAR",
        "name": "VARCHAR",
        "country": "VARCHAR",
        "types": "VARCHAR[]",
        "aliases": "VARCHAR[]",
        "latitude": "DOUBLE",
        "longitude": "DOUBLE",
    },
}
# The schema as migration 0002 created it; later migrations add to it (never edit a
# migration that has shipped: stores in the field have applied it).
_SCHEMA_0002 = {table: dict(columns) for table, columns in CANONICAL_TABLES.items()}

# 0004: ROR's status (active / inactive / withdrawn), city, website and founding year.
_INSTITUTION_DETAILS = {
    "status": "VARCHAR",
    "city": "VARCHAR",
    "website": "VARCHAR",
    "established": "INTEGER",
}
CANONICAL_TABLES["institutions"].update(_INSTITUTION_DETAILS)

# 0006: figures about products (e.g. the Atlas's published PCI), beside those about countries.
CANONICAL_TABLES["product_indicators"] = {
    "year": "INTEGER",
    "product": "VARCHAR",
    "classification": "VARCHAR",
    "indicator": "VARCHAR",
    "value": "DOUBLE",
}

# 0007: talent flows (issue #13). Scholarships a home country funds abroad, aggregated
# (no person: year × destination × level × area × institution), and scholars' migration
# between countries per period (counts of people whose affiliation country changed).
_TALENT = {
    "scholarships": {
        "year": "INTEGER",
        "home": "VARCHAR",  # the funding country (ISO3)
        "country": "VARCHAR",  # the destination (ISO3); NULL where the name is not matched
        "country_name": "VARCHAR",  # the destination as published (NULL: empty cell)
        "level": "VARCHAR",  # doctorado / maestría / especialidad / otro
        "area": "VARCHAR",
        "institution": "VARCHAR",  # as published (free text)
        "ror_id": "VARCHAR",  # where the name matched one ROR record exactly
        "scholarships": "DOUBLE",  # paid in the year (a stock)
        "new_starts": "DOUBLE",  # of them, begun in the year
        "amount_mxn": "DOUBLE",
    },
    "scholar_migration": {
        "period_start": "INTEGER",
        "period_end": "INTEGER",
        "country_from": "VARCHAR",
        "country_to": "VARCHAR",
        "scholars": "DOUBLE",
    },
}
CANONICAL_TABLES.update(_TALENT)

# 0008: tables built from the OpenAlex works snapshot (issue #14, vinculo.evidence.snapshot):
# institution output by topic/subfield/field, and author affiliation trajectories.
_SNAPSHOT = {
    "institution_output": {
        "year": "INTEGER",
        "institution": "VARCHAR",  # OpenAlex institution id (I...)
        "ror_id": "VARCHAR",  # https://ror.org/...; NULL where OpenAlex has none
        "country": "VARCHAR",  # ISO3 of the institution; NULL where unknown
        "field": "VARCHAR",
        "taxonomy": "VARCHAR",
        "count_type": "VARCHAR",
        "count": "DOUBLE",
    },
    "author_affiliations": {
        "author": "VARCHAR",  # OpenAlex author id (A...)
        "orcid": "VARCHAR",  # bare ORCID iD; NULL where OpenAlex has none
        "year": "INTEGER",
        "country": "VARCHAR",  # ISO3; NULL when only the institution is known
        "institution": "VARCHAR",  # NULL when only the country is known
        "ror_id": "VARCHAR",
        "works": "DOUBLE",
    },
}
CANONICAL_TABLES.update(_SNAPSHOT)
_SNAPSHOT_BUILDS = """
CREATE TABLE snapshot_builds (
    dataset_id INTEGER NOT NULL REFERENCES datasets,
    engine VARCHAR NOT NULL,
    snapshot_date VARCHAR NOT NULL,
    partitions VARCHAR[] NOT NULL,
    provenance JSON NOT NULL
);
"""

_COUNTRY_COLUMNS: dict[str, tuple[str, ...]] = {
    "exports": ("country",),
    "publications": ("country",),
    "coauthorship": ("country_a", "country_b"),
    "patents": ("country",),
    "country_indicators": ("country",),
    "institutions": ("country",),
    "scholarships": ("home",),
    "scholar_migration": ("country_from", "country_to"),
    "institution_output": ("country",),
    "author_affiliations": ("country",),
}

_NULLABLE = {
    ("coauthorship", "field"),
    ("institutions", "latitude"),
    ("institutions", "longitude"),
    *(("institutions", column) for column in _INSTITUTION_DETAILS),
    *(
        ("scholarships", column)
        for column in ("country", "country_name", "area", "institution", "ror_id", "amount_mxn")
    ),
    ("institution_output", "ror_id"),
    ("institution_output", "country"),
    *(("author_affiliations", c) for c in ("orcid", "country", "institution", "ror_id")),
}


def _create_tables(schema: dict[str, dict[str, str]]) -> str:
    statements = []
    for table, columns in schema.items():
        body = ",\n    ".join(
            f"{name} {kind}" + ("" if (table, name) in _NULLABLE else " NOT NULL")
            for name, kind in columns.items()
        )
        statements.append(
            f"CREATE TABLE {table} (\n    dataset_id INTEGER NOT NULL REFERENCES datasets,\n"
            f"    {body}\n);\n"
            f"CREATE INDEX {table}_dataset ON {table} (dataset_id);"
        )
    return "\n".join(statements)


def _load_locations(db: duckdb.DuckDBPyConnection) -> None:
    """The location reference: every ISO 3166 code, historic codes and aggregates."""
    db.execute(
        "CREATE TABLE locations (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, "
        "kind VARCHAR NOT NULL CHECK (kind IN ('country', 'historic', 'aggregate')), "
        "iso2 VARCHAR, numeric VARCHAR)"
    )
    _add_new_locations(db)


def _add_new_locations(db: duckdb.DuckDBPyConnection) -> None:
    """Locations the reference gained since the store was created (e.g. the World Bank's
    groups, added as aggregates); existing rows are left as they are."""
    db.register("known_locations", locations_table())
    try:
        db.execute(
            "INSERT INTO locations SELECT code, name, kind, iso2, numeric FROM known_locations "
            "WHERE code NOT IN (SELECT code FROM locations)"
        )
    finally:
        db.unregister("known_locations")


# Ordered, named, append-only: a store records which it has applied and applies the rest.
# A migration is SQL or a function of the connection; each runs in one transaction.
MIGRATIONS: list[tuple[str, str | Callable[[duckdb.DuckDBPyConnection], None]]] = [
    (
        "0001_datasets",
        """
        CREATE SEQUENCE dataset_ids START 1;
        CREATE TABLE datasets (
            dataset_id INTEGER PRIMARY KEY DEFAULT nextval('dataset_ids'),
            canonical_table VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            vintage VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL,
            file_sha256 VARCHAR NOT NULL,
            retrieved_at TIMESTAMPTZ NOT NULL,
            imported_at TIMESTAMPTZ NOT NULL,
            importer_version VARCHAR NOT NULL,
            row_count BIGINT NOT NULL,
            UNIQUE (canonical_table, source, name, file_sha256)
        );
        """,
    ),
    ("0002_canonical_tables", _create_tables(_SCHEMA_0002)),
    ("0003_locations", _load_locations),
    (
        "0004_institution_details",
        "\n".join(
            f"ALTER TABLE institutions ADD COLUMN {column} {kind};"
            for column, kind in _INSTITUTION_DETAILS.items()
        ),
    ),
    ("0005_world_bank_groups", _add_new_locations),
    (
        "0006_product_indicators",
        _create_tables({"product_indicators": CANONICAL_TABLES["product_indicators"]}),
    ),
    ("0007_talent", _create_tables(_TALENT)),
    ("0008_openalex_snapshot", _create_tables(_SNAPSHOT) + _SNAPSHOT_BUILDS),
]


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the dataset it wrote (or found) and whether it is new."""

    dataset_id: int
    rows: int
    created: bool
    vintage: str


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class EvidenceStore:
    """A DuckDB file holding the canonical tables and the provenance of every row set.

    Open it with a path (``EvidenceStore(home / "evidence.duckdb")``); it is migrated to
    the current schema on opening unless ``read_only``. Use it as a context manager.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as error:
            raise EvidenceError(f"{self.path}: cannot open the evidence store: {error}") from None
        if not read_only:
            self.migrate()

    def __enter__(self) -> EvidenceStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self._db.execute("BEGIN TRANSACTION")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ------------------------------------------------------------------ schema
    def applied_migrations(self) -> list[str]:
        exists = self._db.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'migrations'"
        ).fetchone()
        if not exists or not exists[0]:
            return []
        names = self._db.execute("SELECT name FROM migrations ORDER BY name").fetchall()
        return [row[0] for row in names]

    def migrate(self) -> list[str]:
        """Apply the migrations not applied yet, each in its own transaction, in order."""
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name VARCHAR PRIMARY KEY, "
            "applied_at TIMESTAMPTZ NOT NULL)"
        )
        done = set(self.applied_migrations())
        applied = []
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self._transaction() as db:
                if callable(sql):
                    sql(db)
                else:
                    db.execute(sql)
                db.execute("INSERT INTO migrations VALUES (?, ?)", [name, datetime.now(UTC)])
            applied.append(name)
        return applied

    # ------------------------------------------------------------------ writes
    def import_rows(
        self,
        table: str,
        rows: pd.DataFrame | Iterable[pd.DataFrame],
        *,
        source: str,
        name: str,
        vintage: str,
        file_name: str,
        file_sha256: str,
        retrieved_at: datetime | None = None,
    ) -> ImportResult:
        """Add a row set to a canonical table, with its provenance, in one transaction.

        ``rows`` is a frame, or an iterable of frames (batches of a file larger than
        memory: each is checked and written as it comes, in the same transaction). The
        same file (same checksum) of the same source and name is imported once: a second
        import changes nothing, reads no batch, and returns the existing dataset. A changed
        file is a new dataset (a new vintage); the old one stays queryable. If anything
        fails — a bad batch, an interrupted process — the store is left exactly as it was.
        """
        self._check_table(table)
        existing = self.find_dataset(table, source=source, name=name, file_sha256=file_sha256)
        if existing is not None:
            return existing
        batches = [rows] if isinstance(rows, pd.DataFrame) else rows
        columns = list(CANONICAL_TABLES[table])
        total = 0
        try:
            with self._transaction() as db:
                found = db.execute(
                    "INSERT INTO datasets (canonical_table, source, name, vintage, file_name, "
                    "file_sha256, retrieved_at, imported_at, importer_version, row_count) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING dataset_id",
                    [
                        table,
                        source,
                        name,
                        vintage,
                        file_name,
                        file_sha256,
                        retrieved_at or datetime.now(UTC),
                        datetime.now(UTC),
                        __version__,
                    ],
                ).fetchone()
                assert found is not None
                dataset_id = int(found[0])
                for batch in batches:
                    self._check_columns(table, batch)
                    incoming = batch.loc[:, columns]
                    incoming.insert(0, "dataset_id", np.int32(dataset_id))
                    # a relation, not a registered view: a view replaced inside a
                    # transaction keeps its frame alive until the commit (memory grows)
                    db.from_df(incoming).insert_into(table)
                    total += len(batch)
                    del incoming
                # row_count is in no index, so updating it is allowed under the foreign keys
                db.execute(
                    "UPDATE datasets SET row_count = ? WHERE dataset_id = ?", [total, dataset_id]
                )
        except duckdb.Error as error:
            raise EvidenceError(f"{file_name}: cannot import into {table}: {error}") from error
        return ImportResult(dataset_id, total, True, vintage)

    def import_snapshot_tables(
        self,
        tables: dict[str, list[Path]],
        *,
        source: str,
        vintage: str,
        file_name: str,
        file_sha256: str,
        provenance: dict[str, Any],
    ) -> dict[str, ImportResult]:
        """Load Parquet files into several canonical tables in **one** transaction (a
        snapshot build, vinculo.evidence.snapshot): one dataset per table, named after it,
        with the build's provenance in ``snapshot_builds``. Either every table is loaded or
        none; a build already loaded (same checksum) changes nothing."""
        results: dict[str, ImportResult] = {}
        missing = False
        for table in tables:
            self._check_table(table)
            found = self.find_dataset(table, source=source, name=table, file_sha256=file_sha256)
            if found is None:
                missing = True
            else:
                results[table] = found
        if not missing:
            return results
        results = {}
        now = datetime.now(UTC)
        try:
            with self._transaction() as db:
                for table, parts in tables.items():
                    inserted = db.execute(
                        "INSERT INTO datasets (canonical_table, source, name, vintage, "
                        "file_name, file_sha256, retrieved_at, imported_at, importer_version, "
                        "row_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING dataset_id",
                        [
                            table,
                            source,
                            table,
                            vintage,
                            file_name,
                            file_sha256,
                            now,
                            now,
                            __version__,
                        ],
                    ).fetchone()
                    assert inserted is not None
                    dataset_id = int(inserted[0])
                    columns = list(CANONICAL_TABLES[table])
                    listed = ", ".join("'" + str(p).replace("'", "''") + "'" for p in parts)
                    selected = ", ".join(
                        f"CAST({c} AS {CANONICAL_TABLES[table][c]})" for c in columns
                    )
                    db.execute(
                        f"INSERT INTO {table} (dataset_id, {', '.join(columns)}) "
                        f"SELECT {dataset_id}, {selected} FROM read_parquet([{listed}])"
                    )
                    counted = db.execute(
                        f"SELECT count(*) FROM {table} WHERE dataset_id = ?", [dataset_id]
                    ).fetchone()
                    rows = int(counted[0]) if counted else 0
                    db.execute(
                        "UPDATE datasets SET row_count = ? WHERE dataset_id = ?",
                        [rows, dataset_id],
                    )
                    db.execute(
                        "INSERT INTO snapshot_builds VALUES (?, ?, ?, ?, ?)",
                        [
                            dataset_id,
                            str(provenance.get("engine", "")),
                            str(provenance.get("snapshot_date", "")),
                            [str(p) for p in provenance.get("partitions", [])],
                            json.dumps(provenance),
                        ],
                    )
                    results[table] = ImportResult(dataset_id, rows, True, vintage)
        except duckdb.Error as error:
            raise EvidenceError(f"{file_name}: cannot load the snapshot tables: {error}") from error
        return results

    def find_dataset(
        self, table: str, *, source: str, name: str, file_sha256: str
    ) -> ImportResult | None:
        """The dataset already imported from this file (same checksum), or None."""
        existing = self._db.execute(
            "SELECT dataset_id, row_count, vintage FROM datasets WHERE canonical_table = ? "
            "AND source = ? AND name = ? AND file_sha256 = ?",
            [table, source, name, file_sha256],
        ).fetchone()
        if existing is None:
            return None
        return ImportResult(int(existing[0]), int(existing[1]), False, str(existing[2]))

    def _check_table(self, table: str) -> None:
        if table not in CANONICAL_TABLES:
            raise EvidenceError(
                f"unknown canonical table {table!r}; one of {sorted(CANONICAL_TABLES)}"
            )

    def _check_columns(self, table: str, rows: pd.DataFrame) -> list[str]:
        self._check_table(table)
        wanted = list(CANONICAL_TABLES[table])
        missing = [c for c in wanted if c not in rows.columns]
        if missing:
            raise EvidenceError(f"{table}: missing column(s) {missing}; expected {wanted}")
        return wanted

    # ------------------------------------------------------------------ reads
    def datasets(self) -> pd.DataFrame:
        """What is loaded: one row per dataset (table, source, name, vintage, rows, when)."""
        frame: pd.DataFrame = self._db.execute(
            "SELECT dataset_id, canonical_table, source, name, vintage, row_count, file_name, "
            "file_sha256, retrieved_at, imported_at, importer_version FROM datasets "
            "ORDER BY canonical_table, source, name, dataset_id"
        ).df()
        return frame

    def rows(
        self,
        table: str,
        *,
        source: str | None = None,
        vintage: str | None = None,
        include_aggregates: bool = False,
    ) -> pd.DataFrame:
        """The rows of a canonical table with their dataset's source and vintage.

        By default the latest dataset of each (source, name); ``vintage`` picks another.
        Rows about aggregates (World, EU-27, income groups...) are left out unless
        ``include_aggregates``: they are never mixed with countries by accident.
        """
        sql, parameters = self.rows_sql(
            table, source=source, vintage=vintage, include_aggregates=include_aggregates
        )
        frame: pd.DataFrame = self._db.execute(sql, parameters).df()
        return frame

    def rows_sql(
        self,
        table: str,
        *,
        source: str | None = None,
        vintage: str | None = None,
        include_aggregates: bool = False,
    ) -> tuple[str, list[Any]]:
        """The query :meth:`rows` runs, as SQL text and its parameters: a subquery an
        analysis can filter and aggregate inside the store (``SELECT year, sum(count) FROM
        (<sql>) GROUP BY year``) instead of reading every row."""
        self._check_table(table)
        conditions, parameters = [], []
        if source is not None:
            conditions.append("d.source = ?")
            parameters.append(source)
        if vintage is not None:
            conditions.append("d.vintage = ?")
            parameters.append(vintage)
        else:
            conditions.append(
                "d.dataset_id = (SELECT max(l.dataset_id) FROM datasets l "
                "WHERE l.canonical_table = d.canonical_table AND l.source = d.source "
                "AND l.name = d.name)"
            )
        if not include_aggregates:
            for column in _COUNTRY_COLUMNS.get(table, ()):
                conditions.append(
                    f"t.{column} NOT IN (SELECT code FROM locations WHERE kind = 'aggregate')"
                )
        where = " AND ".join(conditions)
        columns = ", ".join(f"t.{c}" for c in CANONICAL_TABLES[table])
        sql = (
            f"SELECT {columns}, d.source, d.vintage FROM {table} t "
            f"JOIN datasets d USING (dataset_id) WHERE {where}"
        )
        return sql, parameters

    def execute(self, sql: str, parameters: list[Any] | None = None) -> pd.DataFrame:
        """A read query on the store, as a frame (for analysts and tests)."""
        frame: pd.DataFrame = self._db.execute(sql, parameters or []).df()
        return frame
