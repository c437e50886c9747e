"""Reading user tables (CSV or Parquet) and writing Parquet atomically, with provenance."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = [
    "TableError",
    "TableSource",
    "read_header",
    "read_parquet_metadata",
    "read_table",
    "write_parquet_atomic",
]

_CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt")
_PARQUET_SUFFIXES = (".parquet", ".pq")


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
        """Human label of a 0-based frame row: the file line for CSV, the row for Parquet."""
        if self.file_format == "csv":
            return f"line {row + 2}"  # line 1 is the header
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
    raise TableError(
        f"{path}: unknown file type; use a CSV ({', '.join(_CSV_SUFFIXES)}) "
        f"or Parquet ({', '.join(_PARQUET_SUFFIXES)}) file"
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
    try:
        if file_format == "parquet":
            return list(pq.read_schema(file).names)
        return list(pd.read_csv(file, sep=_separator(file), nrows=0, encoding="utf-8").columns)
    except UnicodeDecodeError as error:
        raise TableError(
            f"{file}: not UTF-8 text (byte {error.start}): is it a binary file or another "
            "encoding? Save it as UTF-8 CSV or Parquet"
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, pa.ArrowException, OSError) as error:
        raise TableError(f"{file}: cannot be read as {file_format}: {error}") from None


def read_table(
    path: str | os.PathLike[str], *, text_columns: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, TableSource]:
    """Read a CSV or Parquet file; ``text_columns`` are kept as text (codes like ``"0101"``).

    Raises :class:`TableError` naming the file for a missing, empty, binary or malformed
    file.
    """
    file, file_format = _checked(path)
    try:
        if file_format == "parquet":
            frame = pd.read_parquet(file)
            for column in text_columns:
                if column in frame.columns and not pd.api.types.is_string_dtype(frame[column]):
                    values = frame[column]  # as text, but missing stays missing (not "None")
                    frame[column] = values.astype(object).where(values.isna(), values.astype(str))
        else:
            frame = pd.read_csv(
                file,
                sep=_separator(file),
                dtype=dict.fromkeys(text_columns, str),
                # only an empty cell is missing: "NA" is Namibia, "n/a" is a bad value
                keep_default_na=False,
                na_values=[""],
                encoding="utf-8",
                low_memory=False,
            )
    except UnicodeDecodeError as error:
        raise TableError(
            f"{file}: not UTF-8 text (byte {error.start}): is it a binary file or another "
            "encoding? Save it as UTF-8 CSV or Parquet"
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, pa.ArrowException, OSError) as error:
        raise TableError(f"{file}: cannot be read as {file_format}: {error}") from None
    stat = file.stat()
    source = TableSource(
        path=str(file),
        sha256=_sha256(file),
        size_bytes=stat.st_size,
        modified=datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds"),
        rows=len(frame),
        file_format=file_format,
    )
    return frame, source


def write_parquet_atomic(
    frame: pd.DataFrame, path: str | os.PathLike[str], metadata: dict[str, Any]
) -> None:
    """Write ``frame`` to Parquet with ``metadata`` (JSON under the key ``vinculo``).

    The file appears whole or not at all: it is written next to its destination and
    renamed into place.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    existing = table.schema.metadata or {}
    table = table.replace_schema_metadata(
        {**existing, b"vinculo": json.dumps(metadata, default=str).encode()}
    )
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_parquet_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``vinculo`` metadata written by :func:`write_parquet_atomic`."""
    raw = pq.read_schema(path).metadata or {}
    value: dict[str, Any] = json.loads(raw.get(b"vinculo", b"{}"))
    return value
