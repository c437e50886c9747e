"""Technology-transfer models and IP regimes, one versioned YAML file per country.

Each file (``data/transfer/<ISO3>.yaml``) records how a country moves public research into
industry, dimension by dimension (:data:`DIMENSIONS`): the instruments, who owns results
from public funding, inventor remuneration, spin-off rules, public-private joint labs,
typical licence terms and funding volumes. Every fact carries its source (publisher,
title, address, date, and the short passage it rests on); a dimension with no sourced fact
is *unknown* and is never shown as a fact. A ``complete`` record has at least one sourced
fact in every dimension; a ``partial`` one in at least one.

The files are checked like the priorities file: every problem raises
:class:`TransferError` naming the file, the line and the key path, e.g.
``FRA.yaml: line 12, dimensions.ownership[0].source.url: 'www.x' is not an http(s)
address``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vinculo.evidence.countries import locations_table

__all__ = [
    "COVERAGES",
    "DATE_KINDS",
    "DIMENSIONS",
    "DIMENSION_NAMES",
    "LANGUAGES",
    "Fact",
    "Source",
    "TransferError",
    "TransferModel",
    "default_transfer_models",
    "fact_as_dict",
    "facts_from_dicts",
    "load_transfer_model",
    "load_transfer_models",
    "parse_facts",
]

DIMENSIONS: tuple[str, ...] = (
    "instruments",
    "ownership",
    "inventor_remuneration",
    "spin_offs",
    "joint_labs",
    "licence_terms",
    "funding",
)
DIMENSION_NAMES: dict[str, dict[str, str]] = {
    "instruments": {"en": "Transfer instruments", "es": "Instrumentos de transferencia"},
    "ownership": {
        "en": "Ownership of publicly funded results",
        "es": "Titularidad de resultados con fondos públicos",
    },
    "inventor_remuneration": {"en": "Inventor remuneration", "es": "Remuneración del inventor"},
    "spin_offs": {"en": "Spin-off rules", "es": "Reglas de spin-off"},
    "joint_labs": {
        "en": "Public-private joint labs",
        "es": "Laboratorios conjuntos público-privados",
    },
    "licence_terms": {"en": "Typical licence terms", "es": "Términos habituales de licencia"},
    "funding": {"en": "Funding volumes", "es": "Volúmenes de financiación"},
}
COVERAGES: tuple[str, ...] = ("complete", "partial")
DATE_KINDS: tuple[str, ...] = ("published", "accessed")
LANGUAGES: tuple[str, ...] = ("es", "en")
DEFAULT_DIRECTORY = "data/transfer"
MAX_QUOTE = 600  # a quote is the passage a fact rests on, not a page

_TAG = "tag:yaml.org,2002:"
_TOP_KEYS = ("country", "version", "reviewed", "coverage", "dimensions")
_FACT_KEYS = ("text", "source")
_SOURCE_KEYS = ("publisher", "title", "url", "date", "date_kind", "quote")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


class TransferError(Exception):
    """A transfer-model file that cannot be used; the message names file, line and key."""


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: who published it, what, where, when, and the passage."""

    publisher: str
    title: str
    url: str
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    date_kind: str  # "published" or "accessed"
    quote: str


@dataclass(frozen=True)
class Fact:
    """One sourced statement about a dimension of a country's transfer model."""

    dimension: str
    text: dict[str, str]  # language -> statement
    source: Source


@dataclass(frozen=True)
class TransferModel:
    """A country's technology-transfer model and IP regime, as its file records it."""

    country: str  # ISO 3166 alpha-3
    version: int
    reviewed: dt.date
    coverage: str  # "complete" or "partial"
    facts: dict[str, tuple[Fact, ...]] = field(default_factory=dict)  # dimension -> facts
    path: Path | None = None

    def dimension(self, name: str) -> tuple[Fact, ...]:
        """The sourced facts of a dimension; empty when the dimension is unknown."""
        if name not in DIMENSIONS:
            raise KeyError(f"unknown dimension {name!r}; expected one of {', '.join(DIMENSIONS)}")
        return self.facts.get(name, ())

    @property
    def known(self) -> tuple[str, ...]:
        """The dimensions with at least one sourced fact, in :data:`DIMENSIONS` order."""
        return tuple(d for d in DIMENSIONS if self.facts.get(d))

    @property
    def unknown(self) -> tuple[str, ...]:
        """The dimensions no sourced fact covers: not sourced, never shown as facts."""
        return tuple(d for d in DIMENSIONS if not self.facts.get(d))

    @property
    def fact_count(self) -> int:
        return sum(len(facts) for facts in self.facts.values())


def load_transfer_model(path: str | os.PathLike[str]) -> TransferModel:
    """Read and validate one country file; the country must match the file name.

    Raises
    ------
    TransferError
        The file cannot be read, is not YAML, or does not follow the format.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise TransferError(f"{file.name}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise TransferError(f"{file}: cannot read: {error.strerror or error}") from None
    return _parse(text, file.name, file)


def load_transfer_models(
    directory: str | os.PathLike[str] | None = None,
) -> dict[str, TransferModel]:
    """Every ``*.yaml`` file of a directory (default: the files shipped with Vínculo),
    country -> model. All files are checked before any is returned: one bad file fails
    the whole load, naming that file."""
    if directory is None:
        return default_transfer_models()
    folder = Path(directory)
    if not folder.is_dir():
        raise TransferError(f"{folder}: not a directory")
    models: dict[str, TransferModel] = {}
    for file in sorted(folder.glob("*.yaml")):
        model = load_transfer_model(file)
        models[model.country] = model
    return models


def default_transfer_models() -> dict[str, TransferModel]:
    """The transfer models shipped with Vínculo (``data/transfer/*.yaml``)."""
    folder = resources.files("vinculo.strategy").joinpath(DEFAULT_DIRECTORY)
    models: dict[str, TransferModel] = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".yaml"):
            continue
        path = Path(str(entry)) if isinstance(entry, Path) else None
        model = _parse(entry.read_text(encoding="utf-8"), entry.name, path)
        models[model.country] = model
    return models


def _parse(text: str, name: str, path: Path | None) -> TransferModel:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = "; ".join(str(part) for part in (error.context, error.problem) if part)
        raise TransferError(f"{name}: {where}invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise TransferError(f"{name}: invalid YAML: {error}") from None
    if root is None:
        raise TransferError(
            f"{name}: line 1: the file is empty; expected a mapping with the keys "
            + ", ".join(_TOP_KEYS)
        )
    return _Reader(name).model(root, path)


def parse_facts(text: str, name: str, dimension: str) -> tuple[Fact, ...]:
    """Validate the facts of one dimension written as YAML (a list of facts, each with
    ``text`` and ``source``), as an editor in the web app writes them; an empty text means
    the dimension is unknown (no fact). Errors name ``name``, the line and the key."""
    if dimension not in DIMENSIONS:
        raise TransferError(f"{name}: unknown dimension {dimension!r}")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise TransferError(f"{name}: {where}invalid YAML: {error.problem}") from None
    except yaml.YAMLError as error:
        raise TransferError(f"{name}: invalid YAML: {error}") from None
    if root is None:
        return ()
    reader = _Reader(name)
    if not isinstance(root, SequenceNode):
        reader.fail(root, dimension, f"expected a list of facts, got {_kind(root)}")
    facts = [
        reader.fact(entry, f"{dimension}[{i}]", dimension) for i, entry in enumerate(root.value)
    ]
    return tuple(facts)


def fact_as_dict(fact: Fact) -> dict[str, object]:
    """A fact as plain data (for storage, the API and the YAML an editor starts from)."""
    source = fact.source
    return {
        "text": dict(fact.text),
        "source": {
            "publisher": source.publisher,
            "title": source.title,
            "url": source.url,
            "date": source.date,
            "date_kind": source.date_kind,
            "quote": source.quote,
        },
    }


def facts_from_dicts(dimension: str, items: Sequence[Mapping[str, object]]) -> tuple[Fact, ...]:
    """The inverse of :func:`fact_as_dict` for data already validated."""
    result = []
    for item in items:
        text = item["text"]
        source = item["source"]
        assert isinstance(text, Mapping)
        assert isinstance(source, Mapping)
        result.append(
            Fact(
                dimension,
                {str(k): str(v) for k, v in text.items()},
                Source(**{str(k): str(v) for k, v in source.items()}),
            )
        )
    return tuple(result)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = str(node.tag).removeprefix(_TAG)
    return {
        "null": "nothing (an empty value)",
        "int": f"the number {node.value}",
        "float": f"the number {node.value}",
        "bool": f"the boolean {node.value}",
        "str": f"the text {node.value!r}",
        "timestamp": f"the date {node.value}",
    }.get(tag, f"a value tagged {node.tag}")


def _suggest(value: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Reader:
    """Builds the dataclasses from the YAML node tree; every error names file, line, key."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.keys: dict[int, Node] = {}  # id(value node) -> the key node that holds it

    def fail(self, node: Node, path: str, message: str, *, whole: bool = False) -> NoReturn:
        if whole:
            node = self.keys.get(id(node), node)
        where = f"line {node.start_mark.line + 1}"
        raise TransferError(
            f"{self.name}: {where}, {path}: {message}"
            if path
            else f"{self.name}: {where}: {message}"
        )

    def mapping(
        self, node: Node, path: str, allowed: Sequence[str], required: Sequence[str] = ()
    ) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            self.fail(node, path, f"expected a mapping ({', '.join(allowed)}), got {_kind(node)}")
        entries: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, ScalarNode) and key_node.tag == _TAG + "str"):
                self.fail(key_node, path, f"a key must be text, got {_kind(key_node)}")
            key = str(key_node.value)
            if key in entries:
                first = entries[key][0].start_mark.line + 1
                self.fail(key_node, _join(path, key), f"duplicate key (first at line {first})")
            if key not in allowed:
                self.fail(
                    key_node,
                    _join(path, key),
                    f"unknown key {key!r}{_suggest(key, allowed)}; "
                    f"expected one of: {', '.join(allowed)}",
                )
            entries[key] = (key_node, value_node)
            self.keys[id(value_node)] = key_node
        missing = [key for key in required if key not in entries]
        if missing:
            self.fail(node, path, f"missing key {', '.join(repr(m) for m in missing)}", whole=True)
        return {key: value for key, (_, value) in entries.items()}

    def text(self, node: Node, path: str, what: str = "text") -> str:
        if not (isinstance(node, ScalarNode) and node.tag == _TAG + "str"):
            self.fail(node, path, f"expected {what}, got {_kind(node)}")
        value = " ".join(str(node.value).split())
        if not value:
            self.fail(node, path, f"expected {what}, got an empty text")
        return value

    def choice(self, node: Node, path: str, choices: Sequence[str]) -> str:
        value = self.text(node, path, f"one of {', '.join(choices)}")
        if value not in choices:
            self.fail(
                node,
                path,
                f"{value!r} is not one of {', '.join(choices)}{_suggest(value, choices)}",
            )
        return value

    def date_text(self, node: Node, path: str) -> str:
        """A date as YYYY, YYYY-MM or YYYY-MM-DD (quoted or not), a real calendar date."""
        if not (isinstance(node, ScalarNode) and node.tag in (_TAG + "str", _TAG + "timestamp")):
            self.fail(
                node, path, f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got {_kind(node)}"
            )
        value = str(node.value).strip()
        if node.tag == _TAG + "int" or not _DATE.match(value):
            self.fail(node, path, f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        parts = [int(part) for part in value.split("-")]
        try:
            dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError as error:
            self.fail(node, path, f"{value!r} is not a calendar date ({error})")
        return value

    def languages(self, node: Node, path: str) -> dict[str, str]:
        parts = self.mapping(node, path, LANGUAGES, LANGUAGES)
        return {
            language: self.text(parts[language], _join(path, language)) for language in LANGUAGES
        }

    def country(self, node: Node, path: str, file: Path | None) -> str:
        value = self.text(node, path, "an ISO 3166 alpha-3 country code")
        table = locations_table()
        found = table[(table["code"] == value) & (table["kind"] == "country")]
        if found.empty:
            self.fail(node, path, f"{value!r} is not an ISO 3166 alpha-3 country code")
        stem = Path(self.name).stem
        if stem != value:
            self.fail(
                node, path, f"the country {value!r} does not match the file name {self.name!r}"
            )
        return value

    def model(self, root: Node, path: Path | None) -> TransferModel:
        parts = self.mapping(root, "", _TOP_KEYS, _TOP_KEYS)
        country = self.country(parts["country"], "country", path)
        version_node = parts["version"]
        if not (isinstance(version_node, ScalarNode) and version_node.tag == _TAG + "int"):
            self.fail(
                version_node, "version", f"expected a whole number, got {_kind(version_node)}"
            )
        version = int(version_node.value)
        if version < 1:
            self.fail(version_node, "version", f"expected a version of 1 or more, got {version}")
        reviewed_text = self.date_text(parts["reviewed"], "reviewed")
        if len(reviewed_text) != 10:
            self.fail(
                parts["reviewed"], "reviewed", f"{reviewed_text!r}: give the full date YYYY-MM-DD"
            )
        reviewed = dt.date.fromisoformat(reviewed_text)
        coverage = self.choice(parts["coverage"], "coverage", COVERAGES)
        facts = self.dimensions(parts["dimensions"], "dimensions")
        known = [d for d in DIMENSIONS if facts.get(d)]
        if coverage == "complete" and len(known) != len(DIMENSIONS):
            missing = [d for d in DIMENSIONS if d not in known]
            self.fail(
                parts["coverage"],
                "coverage",
                "'complete' needs a sourced fact in every dimension; missing: "
                + ", ".join(missing)
                + " (or declare coverage: partial)",
            )
        return TransferModel(country, version, reviewed, coverage, facts, path)

    def dimensions(self, node: Node, path: str) -> dict[str, tuple[Fact, ...]]:
        parts = self.mapping(node, path, DIMENSIONS)
        if not parts:
            self.fail(node, path, "no dimension; give at least one sourced fact", whole=True)
        result: dict[str, tuple[Fact, ...]] = {}
        for dimension in DIMENSIONS:
            if dimension not in parts:
                continue
            where = _join(path, dimension)
            entries = parts[dimension]
            if not isinstance(entries, SequenceNode):
                self.fail(entries, where, f"expected a list of facts, got {_kind(entries)}")
            if not entries.value:
                self.fail(
                    entries, where, "empty list; give a sourced fact or drop the key", whole=True
                )
            seen: dict[tuple[str, str], int] = {}
            facts: list[Fact] = []
            for index, entry in enumerate(entries.value):
                fact = self.fact(entry, f"{where}[{index}]", dimension)
                key = (fact.source.url, fact.text["en"])
                if key in seen:
                    self.fail(entry, f"{where}[{index}]", f"the same fact as {where}[{seen[key]}]")
                seen[key] = index
                facts.append(fact)
            result[dimension] = tuple(facts)
        return result

    def fact(self, node: Node, path: str, dimension: str) -> Fact:
        parts = self.mapping(node, path, _FACT_KEYS, _FACT_KEYS)
        text = self.languages(parts["text"], _join(path, "text"))
        return Fact(dimension, text, self.source(parts["source"], _join(path, "source")))

    def source(self, node: Node, path: str) -> Source:
        parts = self.mapping(node, path, _SOURCE_KEYS, _SOURCE_KEYS)
        url = self.text(parts["url"], _join(path, "url"), "an http(s) address")
        if not _URL.match(url):
            self.fail(parts["url"], _join(path, "url"), f"{url!r} is not an http(s) address")
        quote = self.text(parts["quote"], _join(path, "quote"), "the passage the fact rests on")
        if len(quote) > MAX_QUOTE:
            self.fail(
                parts["quote"],
                _join(path, "quote"),
                f"a quote is a short passage (at most {MAX_QUOTE} characters), got {len(quote)}",
            )
        return Source(
            publisher=self.text(parts["publisher"], _join(path, "publisher")),
            title=self.text(parts["title"], _join(path, "title")),
            url=url,
            date=self.date_text(parts["date"], _join(path, "date")),
            date_kind=self.choice(parts["date_kind"], _join(path, "date_kind"), DATE_KINDS),
            quote=quote,
        )


def summary(models: Mapping[str, TransferModel]) -> list[tuple[str, str, int, int]]:
    """Per country: coverage, facts, dimensions known (for reports and the CLI)."""
    return [
        (country, model.coverage, model.fact_count, len(model.known))
        for country, model in sorted(models.items())
    ]
