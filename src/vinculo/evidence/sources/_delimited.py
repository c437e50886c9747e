"""Large delimited files (CSV, TSV, gzipped) read and checked by DuckDB, for the importers
of big public downloads (Atlas, BACI, Comtrade).

Every column is read as text; checks are conditions written once and evaluated both in SQL
(over the whole file, by DuckDB) and in Python (only when a check fails, to find the file's
lines for the error message, reading the file once more as a stream). Memory holds what
the importer aggregates or keeps, never the file.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import IO, Any, NoReturn, Protocol

import duckdb
import pandas as pd

from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult, file_sha256
from vinculo.evidence.tables import TableSource

NUMBER = r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?"
NEGATIVE = r"-0*\.?0*[1-9].*"
WHOLE = r"[0-9]+(\.0*)?"
_SHOWN = 5


def quote(column: str) -> str:
    """A column name as an SQL identifier."""
    return '"' + column.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Condition(Protocol):
    """A test on one row of a file, as SQL (DuckDB) and as Python: they must agree."""

    def sql(self) -> str: ...

    def test(self, row: Mapping[str, str]) -> bool: ...


def _value(row: Mapping[str, str], column: str) -> str:
    return row.get(column, "").strip(" ")


def _sql_value(column: str) -> str:
    return f"coalesce(trim({quote(column)}), '')"


@dataclass(frozen=True)
class Matches:
    """The cell (spaces trimmed, empty if missing) matches a regular expression whole."""

    column: str
    pattern: str

    def sql(self) -> str:
        return f"regexp_full_match({_sql_value(self.column)}, {_literal(self.pattern)})"

    def test(self, row: Mapping[str, str]) -> bool:
        return re.fullmatch(self.pattern, _value(row, self.column)) is not None


@dataclass(frozen=True)
class IsIn:
    """The cell (spaces trimmed) is one of ``values``."""

    column: str
    values: frozenset[str]

    def sql(self) -> str:
        if not self.values:
            return "false"
        return (
            f"{_sql_value(self.column)} IN ({', '.join(_literal(v) for v in sorted(self.values))})"
        )

    def test(self, row: Mapping[str, str]) -> bool:
        return _value(row, self.column) in self.values


@dataclass(frozen=True)
class Padded:
    """The cell, left-padded with zeros to ``width``, equals ``value``."""

    column: str
    width: int
    value: str

    def sql(self) -> str:
        return f"lpad({_sql_value(self.column)}, {self.width}, '0') = {_literal(self.value)}"

    def test(self, row: Mapping[str, str]) -> bool:
        return _value(row, self.column).rjust(self.width, "0") == self.value


def blank(column: str) -> Matches:
    """The cell is empty (or only spaces)."""
    return Matches(column, "")


@dataclass(frozen=True)
class Not:
    inner: Condition

    def sql(self) -> str:
        return f"NOT ({self.inner.sql()})"

    def test(self, row: Mapping[str, str]) -> bool:
        return not self.inner.test(row)


@dataclass(frozen=True)
class All:
    parts: tuple[Condition, ...]

    def sql(self) -> str:
        return "(" + " AND ".join(p.sql() for p in self.parts) + ")" if self.parts else "true"

    def test(self, row: Mapping[str, str]) -> bool:
        return all(p.test(row) for p in self.parts)


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def sql(self) -> str:
        return "(" + " OR ".join(p.sql() for p in self.parts) + ")" if self.parts else "false"

    def test(self, row: Mapping[str, str]) -> bool:
        return any(p.test(row) for p in self.parts)


@dataclass(frozen=True)
class Check:
    """Rows where ``bad`` holds are an error in ``column``. ``problem`` may use ``{first}``
    (the first bad cell) and ``{values}`` (the distinct bad cells, up to five)."""

    column: str
    bad: Condition
    problem: str


@dataclass(frozen=True)
class DelimitedFile:
    """A CSV or tab-separated file (optionally gzip-compressed) and its header."""

    path: Path
    columns: tuple[str, ...]
    delimiter: str
    gzipped: bool

    @classmethod
    def open(cls, path: str | Path, *, delimiter: str | None = None) -> DelimitedFile:
        """Read the header; ``delimiter`` None: a tab if the header has one, else a comma.

        Raises for a missing, empty, binary or non-UTF-8 file."""
        file = Path(path)
        if not file.is_file():
            raise EvidenceError(f"{file}: no such file")
        if file.stat().st_size == 0:
            raise EvidenceError(f"{file}: the file is empty")
        with file.open("rb") as handle:
            magic = handle.read(4)
        if magic == b"PK\x03\x04":
            raise EvidenceError(f"{file}: a zip archive: extract the file(s) in it first")
        gzipped = magic[:2] == b"\x1f\x8b"
        try:
            with _text(file, gzipped) as handle:
                line = handle.readline()
        except UnicodeDecodeError as error:
            raise EvidenceError(
                f"{file}: not UTF-8 text (byte {error.start}): is it a binary file or another "
                "encoding?"
            ) from None
        except (OSError, EOFError) as error:
            raise EvidenceError(f"{file}: cannot be read: {error}") from None
        if "\x00" in line:
            raise EvidenceError(f"{file}: not UTF-8 text (a NUL byte in the header)")
        if not line.strip():
            raise EvidenceError(f"{file}: no header line")
        if delimiter is None:
            delimiter = "\t" if "\t" in line else ","
        header = next(csv.reader([line], delimiter=delimiter))
        columns = tuple(c.strip() for c in header)
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        if duplicated:
            raise EvidenceError(f"{file}: line 1: column(s) {duplicated} appear more than once")
        return cls(file, columns, delimiter, gzipped)

    def require(self, columns: Iterable[str], layout: str) -> None:
        """An error naming the missing columns, unless the header has all of them."""
        missing = [c for c in columns if c not in self.columns]
        if missing:
            raise EvidenceError(
                f"{self.path}: column(s) {missing} not found: not the {layout} layout; "
                f"the file has {list(self.columns)}"
            )

    def relation(self) -> str:
        """The file as a DuckDB table expression, every column text."""
        columns = ", ".join(f"{_literal(c)}: 'VARCHAR'" for c in self.columns)
        return (
            f"read_csv({_literal(str(self.path))}, header = true, auto_detect = false, "
            f"delim = {_literal(self.delimiter)}, quote = '\"', escape = '\"', "
            f"columns = {{{columns}}}, strict_mode = true, null_padding = false, "
            f"compression = '{'gzip' if self.gzipped else 'none'}')"
        )

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, row) for every data row, streamed (for error messages)."""
        with _text(self.path, self.gzipped) as handle:
            reader = csv.reader(handle, delimiter=self.delimiter, quotechar='"')
            next(reader, None)
            for record in reader:
                if record:
                    yield reader.line_num, dict(zip(self.columns, record, strict=False))

    @cached_property
    def sha256(self) -> str:
        """The file's checksum (computed once)."""
        return file_sha256(self.path)

    def source(self, rows: int) -> TableSource:
        """Provenance: checksum, size and modification time, as for :func:`read_table`."""
        stat = self.path.stat()
        return TableSource(
            path=str(self.path),
            sha256=self.sha256,
            size_bytes=stat.st_size,
            modified=datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds"),
            rows=rows,
            file_format="csv",
        )


@contextmanager
def _text(path: Path, gzipped: bool) -> Iterator[IO[str]]:
    if gzipped:
        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
            yield handle
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield handle


def _read_error(path: Path, error: duckdb.Error) -> EvidenceError:
    """DuckDB's message (it names the line) up to its list of possible fixes."""
    lines = [x.strip() for x in str(error).splitlines() if x.strip()]
    cut = next((n for n, x in enumerate(lines) if x.startswith("Possible fixes")), 4)
    return EvidenceError(f"{path}: cannot be read as delimited text: {' '.join(lines[:cut])}")


@contextmanager
def duckdb_connection(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB for reading the file at ``path``: it streams the file, and holds
    only what a query aggregates. Its read errors become EvidenceError naming the file."""
    db = duckdb.connect()
    try:
        db.execute("SET preserve_insertion_order = false")
        db.execute("SET enable_progress_bar = false")
        yield db
    except duckdb.Error as error:
        raise _read_error(path, error) from None
    finally:
        db.close()


def fail(table: DelimitedFile, column: str, bad: Condition, problem: str) -> NoReturn:
    """Raise the error for the rows where ``bad`` holds, naming their lines."""
    lines: list[int] = []
    values: list[str] = []
    total = 0
    for line, row in table.rows():
        if bad.test(row):
            total += 1
            if len(lines) < _SHOWN:
                lines.append(line)
                values.append(_value(row, column))
    where = ", ".join(f"line {n}" for n in lines) or "some line"
    if total > _SHOWN:
        where += f" and {total - _SHOWN} more"
    message = problem.format(first=values[0] if values else "", values=sorted(set(values)))
    raise EvidenceError(f"{table.path}: {where}, column {column!r}: {message}")


def validate(
    db: duckdb.DuckDBPyConnection,
    table: DelimitedFile,
    checks: Sequence[Check],
    extra: Sequence[str] = (),
) -> tuple[int, tuple[Any, ...]]:
    """Run every check over the file in one pass; return the number of data rows and the
    values of the ``extra`` SQL aggregates computed in the same pass.

    The first check (in order) that some row fails raises its error; a file without rows
    is an error too."""
    columns = ["count(*)", *(f"count_if({c.bad.sql()})" for c in checks), *extra]
    try:
        result = one_row(db, f"SELECT {', '.join(columns)} FROM {table.relation()}")
    except duckdb.Error as error:
        raise _read_error(table.path, error) from None
    if not result[0]:
        raise EvidenceError(f"{table.path}: no rows")
    for check, count in zip(checks, result[1 : len(checks) + 1], strict=True):
        if count:
            fail(table, check.column, check.bad, check.problem)
    return int(result[0]), tuple(result[len(checks) + 1 :])


def one_row(db: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    """The one row a query returns (read to the end, as DuckDB wants)."""
    rows = db.execute(sql).fetchall()
    return tuple(rows[0])


def fetch_frame(db: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """A query's result as a frame whose text columns are categorical: millions of rows of a
    few hundred country and product codes cost megabytes, not gigabytes."""
    try:
        table = db.sql(sql).to_arrow_table()
    except duckdb.Error as error:
        raise EvidenceError(f"cannot read the rows: {error}") from None
    frame: pd.DataFrame = table.to_pandas(strings_to_categorical=True)
    return frame


def already_imported(
    store: EvidenceStore, table: DelimitedFile, *, source: str, name: str
) -> ImportResult | None:
    """The dataset this very file (same checksum) already is, without reading it again."""
    return store.find_dataset("exports", source=source, name=name, file_sha256=table.sha256)
