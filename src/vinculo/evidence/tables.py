"""Reading user tables (CSV, Parquet or Excel) whole or in batches, and writing Parquet
atomically, with provenance.

pandas is imported only where a function needs it: :func:`read_arrow` and
:func:`write_parquet_atomic` with Arrow data run without it (it takes ~0.4 s to import).
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import tempfile
import threading
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "TableError",
    "TableSource",
    "iter_table",
    "read_arrow",
    "read_header",
    "read_parquet_metadata",
    "read_table",
    "write_parquet_atomic",
]

_CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")
BATCH_ROWS = 1_000_000


class TableError(Exception):
    """A table cannot be read or written; the message names the file (and line, field)."""


@dataclass(frozen=True)
class TableSource:
    """Where a table came from: enough to say which vintage of the data a number used."""

    path: str
    sha256: str
    size_bytes: int
    modified: str
    rows: int
    file_format: str

    def row_label(self, row: int) -> str:
        """Human label of a 0-based frame row: the file line for CSV, the sheet row for
        Excel, the row for Parquet."""
        if self.file_format == "csv":
            return f"line {row + 2}"  # line 1 is the header
        if self.file_format == "excel":
            return f"row {row + 2}"  # as the spreadsheet numbers it: row 1 is the header
        return f"row {row + 1}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "modified": self.modified,
            "rows": self.rows,
            "format": self.file_format,
        }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _format_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(_CSV_SUFFIXES):
        return "csv"
    if name.endswith(_EXCEL_SUFFIXES):
        return "excel"
    raise TableError(
        f"{path}: unknown file type; use a CSV ({', '.join(_CSV_SUFFIXES)}), "
        f"Parquet ({', '.join(_PARQUET_SUFFIXES)}) or Excel ({', '.join(_EXCEL_SUFFIXES)}) file"
    )


def _checked(path: str | os.PathLike[str]) -> tuple[Path, str]:
    file = Path(path)
    if not file.is_file():
        raise TableError(f"{file}: no such file")
    file_format = _format_of(file)
    if file.stat().st_size == 0:
        raise TableError(f"{file}: the file is empty")
    return file, file_format


def _separator(file: Path) -> str:
    return "\t" if ".tsv" in file.name.lower() else ","


def read_header(path: str | os.PathLike[str]) -> list[str]:
    """The column names of a CSV or Parquet file, without reading its rows."""
    file, file_format = _checked(path)
    if file_format == "csv":
        names = _arrow_csv_header(file)
        if names is not None:
            return names
    with _reading(file, file_format):
        if file_format == "parquet":
            return list(pq.read_schema(file).names)
        import pandas as pd

        if file_format == "excel":
            return [str(c) for c in pd.read_excel(file, nrows=0, engine="openpyxl").columns]
        return list(pd.read_csv(file, sep=_separator(file), nrows=0, encoding="utf-8").columns)
    raise AssertionError("unreachable")  # pragma: no cover - _reading re-raises


def _arrow_csv_header(file: Path) -> list[str] | None:
    """A CSV file's column names as pyarrow reads them, or None where pandas could name
    them otherwise (unnamed or repeated columns) or pyarrow cannot read the file."""
    import pyarrow.csv as pa_csv

    try:
        reader = pa_csv.open_csv(
            file, parse_options=pa_csv.ParseOptions(delimiter=_separator(file))
        )
        names = list(reader.schema.names)
        reader.close()
    except (pa.ArrowException, OSError, ValueError):  # ValueError: UnicodeDecodeError too
        return None
    if len(set(names)) != len(names) or any(not n or "\ufffd" in n for n in names):
        return None
    return names


# What a malformed file raises while being read: turned into a TableError naming the file.
# (pandas' ParserError and EmptyDataError are ValueErrors.)
_READ_ERRORS = (
    pa.ArrowException,
    OSError,
    zipfile.BadZipFile,
    KeyError,  # openpyxl: an .xlsx archive without a workbook in it
    ValueError,  # openpyxl: not an Excel workbook
)


@contextmanager
def _reading(file: Path, file_format: str) -> Iterator[None]:
    """Turn what a malformed file raises while being read into a TableError naming it."""
    try:
        yield
    except UnicodeDecodeError as error:
        raise TableError(
            f"{file}: not UTF-8 text (byte {error.start}): is it a binary file or another "
            "encoding? Save it as UTF-8 CSV or Parquet"
        ) from None
    except _READ_ERRORS as error:
        raise TableError(f"{file}: cannot be read as {file_format}: {error}") from None


def read_table(
    path: str | os.PathLike[str], *, text_columns: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, TableSource]:
    """Read a CSV or Parquet file; ``text_columns`` are kept as text (codes like ``"0101"``).

    Raises :class:`TableError` naming the file for a missing, empty, binary or malformed
    file.
    """
    import pandas as pd

    file, file_format = _checked(path)
    with _reading(file, file_format):
        if file_format == "parquet":
            frame = _text(pd.read_parquet(file), text_columns)
        elif file_format == "excel":
            frame = pd.read_excel(
                file,
                engine="openpyxl",
                dtype=dict.fromkeys(text_columns, str),
                keep_default_na=False,
                na_values=[""],
            )
        else:
            frame = pd.read_csv(file, **_csv_options(file, text_columns))
    return frame, _describe(file, file_format, len(frame))


def read_arrow(
    path: str | os.PathLike[str], *, columns: list[str], text_columns: tuple[str, ...] = ()
) -> tuple[pa.Table, TableSource] | None:
    """Read ``columns`` of a CSV or Parquet file with pyarrow alone (no pandas): the fast
    path for large tables, the same values as :func:`read_table`.

    Text columns come back as dictionary-encoded text (integer codes in Parquet written as
    text, as :func:`read_table` does); the others as the file has them (Parquet) or as pandas
    would read them (CSV: integers or floats, only an empty cell missing).

    Returns None where only :func:`read_table` reads the file as intended: an Excel file, a
    CSV file pyarrow cannot parse or whose other columns pandas could type differently
    (dates, booleans, text), a text column of another type, or a malformed file (whose
    precise error :func:`read_table` gives). Raises :class:`TableError` for a missing or
    empty file.
    """
    file, file_format = _checked(path)
    if file_format == "excel":
        return None
    digest: list[str] = []  # the checksum, on a thread of its own while pyarrow parses
    hashing = threading.Thread(target=lambda: digest.append(_sha256(file)), daemon=True)
    hashing.start()
    try:
        if file_format == "parquet":
            table = _arrow_parquet(file, columns, text_columns)
        else:
            table = _arrow_csv(file, columns, text_columns)
    except (pa.ArrowException, OSError, ValueError, KeyError):
        table = None
    hashing.join()
    if table is None or not digest:
        return None
    return table, _describe(file, file_format, table.num_rows, sha256=digest[0])


def _arrow_parquet(
    file: Path, columns: list[str], text_columns: tuple[str, ...]
) -> pa.Table | None:
    # ParquetFile, not pq.read_table: that goes through pyarrow.dataset, which imports pandas
    schema = pq.read_schema(file)
    plain_text = [
        c
        for c in text_columns
        if c in columns
        and (
            pa.types.is_string(schema.field(c).type)
            or pa.types.is_large_string(schema.field(c).type)
        )
    ]
    table = pq.ParquetFile(file, read_dictionary=plain_text).read(columns=columns)
    for column in text_columns:
        if column not in columns or column in plain_text:
            continue
        kind = table.schema.field(column).type
        if pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type):
            continue
        if not pa.types.is_integer(kind):
            return None  # e.g. float codes: pandas writes 101.0
        index = table.schema.get_field_index(column)
        table = table.set_column(index, column, table.column(column).cast(pa.string()))
    return table


def _arrow_csv(file: Path, columns: list[str], text_columns: tuple[str, ...]) -> pa.Table | None:
    import pyarrow.csv as pa_csv

    table = pa_csv.read_csv(
        file,
        parse_options=pa_csv.ParseOptions(delimiter=_separator(file)),
        convert_options=pa_csv.ConvertOptions(
            include_columns=columns,
            # text keys dictionary-encoded while parsed: a few distinct codes, many rows
            column_types=dict.fromkeys(
                (c for c in text_columns if c in columns), pa.dictionary(pa.int32(), pa.string())
            ),
            null_values=[""],  # as read_table: only an empty cell is missing
            strings_can_be_null=True,
        ),
    )
    for field in table.schema:
        if field.name not in text_columns and field.type not in (pa.int64(), pa.float64()):
            return None  # pandas could type it otherwise (dates, booleans, text)
    return table


def _csv_options(file: Path, text_columns: tuple[str, ...]) -> dict[str, Any]:
    return {
        "sep": _separator(file),
        "dtype": dict.fromkeys(text_columns, str),
        # only an empty cell is missing: "NA" is Namibia, "n/a" is a bad value
        "keep_default_na": False,
        "na_values": [""],
        "encoding": "utf-8",
        "low_memory": False,
    }


def _text(frame: pd.DataFrame, text_columns: tuple[str, ...]) -> pd.DataFrame:
    """Parquet columns read as text where asked; missing stays missing (not ``"None"``)."""
    import pandas as pd

    for column in text_columns:
        if column in frame.columns and not pd.api.types.is_string_dtype(frame[column]):
            values = frame[column]
            if isinstance(values.dtype, pd.CategoricalDtype):
                values = values.astype(object)
            frame[column] = values.astype(object).where(values.isna(), values.astype(str))
    return frame


def _describe(file: Path, file_format: str, rows: int, *, sha256: str | None = None) -> TableSource:
    stat = file.stat()
    return TableSource(
        path=str(file),
        sha256=sha256 or _sha256(file),
        size_bytes=stat.st_size,
        modified=datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds"),
        rows=rows,
        file_format=file_format,
    )


def iter_table(
    path: str | os.PathLike[str],
    *,
    text_columns: tuple[str, ...] = (),
    columns: list[str] | None = None,
    batch_rows: int | None = None,
) -> tuple[TableSource, Iterator[pd.DataFrame]]:
    """A table in batches of at most ``batch_rows`` rows, for files larger than memory.

    Each batch is indexed by its 0-based row in the whole file, so an error about a batch
    names the file's own line or row. The :class:`TableSource` (checksum, size, date) is
    computed first; its ``rows`` is the Parquet row count, or -1 for CSV (not known until
    the file is read). Only ``columns`` are read when given. Excel files (a million rows at
    most) are read whole and given as one batch. Reading errors raise :class:`TableError`
    naming the file, while iterating. CSV files are read whole-row (a ragged line is an
    error) and ``columns`` picked from each batch.
    """
    file, file_format = _checked(path)
    if file_format == "excel":
        frame, source = read_table(file, text_columns=text_columns)
        return source, iter([frame.loc[:, columns] if columns else frame])
    rows = -1
    if file_format == "parquet":
        with _reading(file, file_format):
            rows = pq.ParquetFile(file).metadata.num_rows
    return _describe(file, file_format, rows), _batches(
        file, file_format, text_columns, columns, batch_rows or BATCH_ROWS
    )


def _batches(
    file: Path,
    file_format: str,
    text_columns: tuple[str, ...],
    columns: list[str] | None,
    batch_rows: int,
) -> Iterator[pd.DataFrame]:
    import pandas as pd

    start = 0
    with _reading(file, file_format):
        if file_format == "parquet":
            parquet = pq.ParquetFile(file)
            for batch in parquet.iter_batches(batch_size=batch_rows, columns=columns):
                frame = _text(batch.to_pandas(), text_columns)
                frame.index = pd.RangeIndex(start, start + len(frame))
                start += len(frame)
                yield frame
            return
        # every column is read, so a ragged line (more fields than the header) is an error
        options = _csv_options(file, text_columns)
        with pd.read_csv(file, chunksize=batch_rows, **options) as reader:
            for frame in reader:  # pandas numbers chunk rows on from the previous chunk
                yield frame.loc[:, columns] if columns else frame


def write_parquet_atomic(
    frame: pd.DataFrame | pa.Table | Iterable[pa.RecordBatch],
    path: str | os.PathLike[str],
    metadata: dict[str, Any],
    *,
    schema: pa.Schema | None = None,
    **options: Any,
) -> None:
    """Write ``frame`` to Parquet with ``metadata`` (JSON under the key ``vinculo``).

    ``frame`` is a pandas frame, an Arrow table, or Arrow record batches of ``schema``,
    which are written as they come (a row group or more each) by a writer thread, so that
    whoever produces them computes the next while the last is encoded. ``options`` go to
    ``pyarrow.parquet.ParquetWriter`` (``compression``, ``use_dictionary``...).

    The file appears whole or not at all: it is written next to its destination and
    renamed into place (also when producing the batches raises).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    table: pa.Table | None = None
    if isinstance(frame, pa.Table):
        table = frame
    elif type(frame).__module__.split(".")[0] == "pandas":
        table = pa.Table.from_pandas(frame, preserve_index=False)
    elif schema is None:
        raise TypeError("write_parquet_atomic: record batches need their schema")
    schema = table.schema if table is not None else schema
    assert schema is not None
    existing = schema.metadata or {}
    schema = schema.with_metadata(
        {**existing, b"vinculo": json.dumps(metadata, default=str).encode()}
    )
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        # Written through the descriptor mkstemp opened: reopening the file by name would
        # truncate it, and ext4 then forces its blocks out on close (~80 ms for 200 MB).
        with (
            os.fdopen(handle, "wb") as sink,
            pq.ParquetWriter(sink, schema, **options) as writer,
        ):
            if table is not None:
                writer.write_table(table.replace_schema_metadata(schema.metadata))
            else:
                _write_batches(writer, frame)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_batches(writer: pq.ParquetWriter, batches: Iterable[pa.RecordBatch]) -> None:
    """Write batches on a thread of their own (encoding releases the GIL), at most two
    waiting; the first writing error is raised here once the producer has stopped."""
    waiting: queue.Queue[pa.RecordBatch | None] = queue.Queue(maxsize=2)
    failed: list[BaseException] = []

    def write() -> None:
        while (batch := waiting.get()) is not None:
            if not failed:  # after a failure, drain the queue so the producer never blocks
                try:
                    writer.write_batch(batch)
                except BaseException as error:
                    failed.append(error)

    thread = threading.Thread(target=write, name="parquet-writer", daemon=True)
    thread.start()
    try:
        for batch in batches:
            if failed:
                break
            waiting.put(batch)
            del batch  # the writer thread holds the only reference: memory goes back
    finally:
        waiting.put(None)
        thread.join()
    if failed:
        raise failed[0]


def read_parquet_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``vinculo`` metadata written by :func:`write_parquet_atomic`."""
    raw = pq.read_schema(path).metadata or {}
    value: dict[str, Any] = json.loads(raw.get(b"vinculo", b"{}"))
    return value
