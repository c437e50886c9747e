"""JSON-lines files of texts to classify or of labelled examples: strict reading, errors
that name the file, line and field, and atomic writing."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from vinculo.text.corpus import Example
from vinculo.text.errors import TextError

__all__ = ["examples_from_records", "read_records", "write_records"]


def read_records(
    path: str | os.PathLike[str], *, text_field: str = "text"
) -> list[tuple[int, dict[str, Any]]]:
    """The JSON objects of a JSON-lines file, each with a non-empty text.

    Blank lines are skipped. Every line is checked before anything is returned, so a bad
    line stops the whole file.

    Parameters
    ----------
    path
        A UTF-8 file with one JSON object per line.
    text_field
        The field that must hold a non-empty string.

    Returns
    -------
    list of (int, dict)
        Each object with its line number (from 1), in the file's order.

    Raises
    ------
    TextError
        The file cannot be read; a line is not valid JSON or not an object; its text field
        is missing, not a string or empty — e.g. ``in.jsonl: line 3: field 'text' is
        missing``.
    """
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise TextError(f"{file}: cannot read: {error.strerror or error}") from None
    records: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        where = f"{file}: line {number}"
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise TextError(f"{where}: not UTF-8 text") from None
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            raise TextError(f"{where}: invalid JSON: {error.msg} (column {error.colno})") from None
        if not isinstance(record, dict):
            raise TextError(f"{where}: not a JSON object")
        if text_field not in record:
            raise TextError(f"{where}: field {text_field!r} is missing")
        value = record[text_field]
        if not isinstance(value, str):
            raise TextError(f"{where}: field {text_field!r} is not a string")
        if not value.strip():
            raise TextError(f"{where}: field {text_field!r} is empty")
        records.append((number, record))
    return records


def examples_from_records(
    records: Iterable[tuple[int, dict[str, Any]]],
    known: Collection[str],
    *,
    source: str,
    text_field: str = "text",
    labels_field: str = "priorities",
) -> list[Example]:
    """Labelled examples from records of :func:`read_records`.

    The labels field holds priority ids, as strings or as objects with an ``id`` (the
    output of ``vinculo classify``, corrected, trains a model); an empty list means none
    of the priorities. An ``id`` field names the example, a ``title`` field titles it.

    Raises
    ------
    TextError
        A missing or malformed labels field, an unknown priority (naming ``source``, the
        line and the field).
    """
    examples: list[Example] = []
    for line, record in records:
        where = f"{source}: line {line}: field {labels_field!r}"
        if labels_field not in record:
            raise TextError(f"{where} is missing (a list of priority ids; [] for none)")
        given = record[labels_field]
        if not isinstance(given, list):
            raise TextError(f"{where}: a list of priority ids, not {type(given).__name__}")
        labels: set[str] = set()
        for item in given:
            identifier = item.get("id") if isinstance(item, dict) else item
            if not isinstance(identifier, str):
                raise TextError(f"{where}: {item!r} is not a priority id")
            if identifier not in known:
                raise TextError(
                    f"{where}: unknown priority {identifier!r}; one of: {', '.join(known)}"
                )
            labels.add(identifier)
        examples.append(
            Example(
                text=str(record[text_field]),
                labels=frozenset(labels),
                id=str(record.get("id", f"{source}:{line}")),
                title=str(record.get("title") or " ".join(str(record[text_field]).split())[:80]),
            )
        )
    return examples


def write_records(records: Iterable[dict[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Write JSON lines (UTF-8, one object a line); the file appears whole or not at all."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
