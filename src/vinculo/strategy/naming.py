"""The diplomatic naming policy: how economies without diplomatic relations with the home
country, special administrative regions and disputed territories are named, and whether
they may appear as candidate partners. One file of configuration
(``data/naming.yaml`` in this package, or the file ``VINCULO_NAMING`` names) read by every
surface: :func:`vinculo.strategy.i18n.country_name` takes its names from it, and the
brief, the web pages, the API and the exports filter or flag candidates through
:meth:`NamingPolicy.shown` and :meth:`NamingPolicy.flag`.

The policy is presentation: :func:`vinculo.strategy.partners.recommend` still ranks every
candidate (an excluded one keeps its place and the others their ranks); what is shown
leaves the excluded out and says the caveat beside the others.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml

__all__ = [
    "CANDIDATE",
    "CATEGORIES",
    "DEFAULT_FILE",
    "ENV_VAR",
    "NamingEntry",
    "NamingPolicy",
    "NamingPolicyError",
    "Source",
    "load_naming",
    "naming_policy",
]

DEFAULT_FILE = "data/naming.yaml"
#: the environment variable naming another policy file
ENV_VAR = "VINCULO_NAMING"
CATEGORIES = ("no_diplomatic_relations", "special_region", "disputed_territory")
#: how an entry may appear among candidate partners
CANDIDATE = ("allowed", "allowed_with_caveat", "excluded")
_LANGUAGES = ("es", "en")
_CODE = re.compile(r"[A-Z]{3}")
_ENTRY_KEYS = {"code", "category", "names", "candidate", "caveat", "sources"}
_SOURCE_KEYS = {"publisher", "title", "url", "read", "published", "fact"}

T = TypeVar("T")


class NamingPolicyError(ValueError):
    """A naming policy file cannot be used; the message names the file, the entry and the
    field."""


@dataclass(frozen=True)
class Source:
    """Where a fact an entry rests on was read."""

    publisher: str
    title: str
    url: str
    read: date
    published: str = ""
    fact: str = ""


@dataclass(frozen=True)
class NamingEntry:
    """One economy or territory under the policy."""

    code: str
    category: str
    names: tuple[tuple[str, str], ...]  # (language, name)
    candidate: str
    caveats: tuple[tuple[str, str], ...]  # (language, text with "{name}")
    sources: tuple[Source, ...]

    def name(self, language: str) -> str:
        return dict(self.names)[language]

    def caveat(self, language: str) -> str:
        """The caveat in the language ("" for none), with the entry's name in it."""
        text = dict(self.caveats).get(language, "")
        return text.replace("{name}", self.name(language))

    def as_dict(self) -> dict[str, Any]:
        """What the API and exports carry beside a name: the category, the candidate
        treatment and the caveat per language."""
        return {
            "category": self.category,
            "candidate": self.candidate,
            "caveat": {language: self.caveat(language) for language in _LANGUAGES},
        }


@dataclass(frozen=True)
class NamingPolicy:
    """The entries of a policy file, by code; ``version`` changes when the file does (the
    web app keys what it derives on it)."""

    entries: dict[str, NamingEntry]
    origin: str
    version: str

    def entry(self, code: str | None) -> NamingEntry | None:
        return self.entries.get(str(code).upper()) if code else None

    def name(self, code: str | None, language: str) -> str | None:
        """The policy's name for ``code``, or None where the policy says nothing."""
        found = self.entry(code)
        return found.name(language) if found is not None else None

    def excluded(self, code: str | None) -> bool:
        """Whether ``code`` may not appear as a candidate partner."""
        found = self.entry(code)
        return found is not None and found.candidate == "excluded"

    def caveat(self, code: str | None, language: str) -> str:
        """The caveat said beside ``code`` as a candidate ("" for none or excluded)."""
        found = self.entry(code)
        if found is None or found.candidate != "allowed_with_caveat":
            return ""
        return found.caveat(language)

    def flag(self, code: str | None) -> dict[str, Any] | None:
        """The structured flag beside a candidate (None for an entry-less code)."""
        found = self.entry(code)
        return found.as_dict() if found is not None else None

    def shown(self, items: Iterable[T], code: Callable[[T], str] | None = None) -> list[T]:
        """``items`` (candidates, in the model's order) without the excluded ones; ``code``
        reads an item's code (by default its ``partner`` attribute or key)."""
        read = code or _partner_code
        return [item for item in items if not self.excluded(read(item))]

    def caveats(self, codes: Iterable[str], language: str) -> list[str]:
        """The caveats of ``codes`` (sorted by code) that may appear with one."""
        return [c for c in (self.caveat(code, language) for code in sorted(set(codes))) if c]


def _partner_code(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("partner", ""))
    return str(getattr(item, "partner", ""))


# ---------------------------------------------------------------- loading


def load_naming(path: str | os.PathLike[str]) -> NamingPolicy:
    """Read and validate a naming policy file (YAML; ``data/naming.yaml`` in this package
    is the commented example). Every problem raises :class:`NamingPolicyError` naming the
    file, the entry and the field, e.g. ``naming.yaml: entries[2] (TWN): field
    'candidate': 'hidden' is not one of allowed, allowed_with_caveat, excluded``."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
        stat = file.stat()
    except UnicodeDecodeError as error:
        raise NamingPolicyError(f"{file}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise NamingPolicyError(f"{file}: cannot read: {error.strerror or error}") from None
    return _parse(text, str(file), f"{file}:{stat.st_mtime_ns}:{stat.st_size}")


def _parse(text: str, name: str, version: str) -> NamingPolicy:
    try:
        root = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise NamingPolicyError(f"{name}:{where} not valid YAML ({problem})") from None
    if not isinstance(root, dict) or not isinstance(root.get("entries"), list):
        raise NamingPolicyError(f"{name}: expected a mapping with the key 'entries' (a list)")
    unknown = set(root) - {"version", "entries"}
    if unknown:
        raise NamingPolicyError(f"{name}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    entries: dict[str, NamingEntry] = {}
    for index, raw in enumerate(root["entries"]):
        entry = _entry(raw, f"{name}: entries[{index}]")
        if entry.code in entries:
            raise NamingPolicyError(
                f"{name}: entries[{index}] ({entry.code}): field 'code': {entry.code} is "
                "listed twice"
            )
        entries[entry.code] = entry
    return NamingPolicy(entries, name, version)


def _entry(raw: Any, where: str) -> NamingEntry:
    if not isinstance(raw, dict):
        raise NamingPolicyError(f"{where}: expected a mapping (code, category, names, ...)")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise NamingPolicyError(
            f"{where}: field 'code': {code!r} is not an ISO 3166 alpha-3 code (three capitals)"
        )
    where = f"{where} ({code})"

    def fail(field: str, problem: str) -> NamingPolicyError:
        return NamingPolicyError(f"{where}: field '{field}': {problem}")

    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise fail(
            sorted(map(str, unknown))[0], f"unknown; expected {', '.join(sorted(_ENTRY_KEYS))}"
        )
    category = raw.get("category")
    if category not in CATEGORIES:
        raise fail("category", f"{category!r} is not one of {', '.join(CATEGORIES)}")
    candidate = raw.get("candidate")
    if candidate not in CANDIDATE:
        raise fail("candidate", f"{candidate!r} is not one of {', '.join(CANDIDATE)}")
    names = _languages(raw.get("names"), "names", fail, required=True)
    caveats = _languages(
        raw.get("caveat"), "caveat", fail, required=candidate == "allowed_with_caveat"
    )
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources:
        raise fail("sources", "give at least one source (publisher, title, url, read)")
    return NamingEntry(
        code=code,
        category=str(category),
        names=names,
        candidate=str(candidate),
        caveats=caveats,
        sources=tuple(_source(s, f"sources[{i}]", fail) for i, s in enumerate(sources)),
    )


def _languages(
    value: Any, field: str, fail: Callable[[str, str], NamingPolicyError], *, required: bool
) -> tuple[tuple[str, str], ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, dict):
        raise fail(field, "expected a mapping with the keys es and en")
    found = []
    for language in _LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise fail(f"{field}.{language}", "missing or empty text")
        found.append((language, " ".join(text.split())))
    extra = set(value) - set(_LANGUAGES)
    if extra:
        raise fail(f"{field}.{sorted(map(str, extra))[0]}", "unknown language; expected es, en")
    return tuple(found)


def _source(raw: Any, field: str, fail: Callable[[str, str], NamingPolicyError]) -> Source:
    if not isinstance(raw, dict):
        raise fail(field, "expected a mapping (publisher, title, url, read)")
    unknown = set(raw) - _SOURCE_KEYS
    if unknown:
        raise fail(f"{field}.{sorted(map(str, unknown))[0]}", "unknown key")
    for key in ("publisher", "title", "url"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise fail(f"{field}.{key}", "missing or empty text")
    if not str(raw["url"]).startswith(("http://", "https://")):
        raise fail(f"{field}.url", f"{raw['url']!r} is not an http(s) address")
    read = raw.get("read")
    if isinstance(read, str):
        try:
            read = date.fromisoformat(read)
        except ValueError:
            read = None
    if not isinstance(read, date):
        raise fail(f"{field}.read", "the date the source was read, as YYYY-MM-DD")
    return Source(
        publisher=" ".join(raw["publisher"].split()),
        title=" ".join(raw["title"].split()),
        url=raw["url"].strip(),
        read=read,
        published=str(raw.get("published") or ""),
        fact=" ".join(str(raw.get("fact") or "").split()),
    )


_LOADED: dict[str, NamingPolicy] = {}


def naming_policy() -> NamingPolicy:
    """The policy in force: the file ``VINCULO_NAMING`` names, else the shipped
    ``data/naming.yaml``. Read again when the file changes (its time and size)."""
    value = os.environ.get(ENV_VAR)
    if value:
        file = Path(value).expanduser()
        try:
            stat = file.stat()
        except OSError as error:
            raise NamingPolicyError(
                f"{ENV_VAR}={value}: cannot read: {error.strerror or error}"
            ) from None
        key = f"{file}:{stat.st_mtime_ns}:{stat.st_size}"
        if key not in _LOADED:
            _LOADED.clear()
            _LOADED[key] = load_naming(file)
        return _LOADED[key]
    key = f"vinculo.strategy/{DEFAULT_FILE}"
    if key not in _LOADED:
        _LOADED.clear()
        text = resources.files("vinculo.strategy").joinpath(DEFAULT_FILE).read_text("utf-8")
        _LOADED[key] = _parse(text, key, key)
    return _LOADED[key]
