"""Global technical forums as versioned data: the standards committees and intergovernmental
bodies that shape each national priority, the countries that lead them and the home
country's status in them, every fact with its source.

The registry lives in ``data/forums.yaml`` in this package (issue 15). A forum's lead or the
home country's status is a fact only with a source (publisher, title, url, date and the
passage it rests on); a status nobody could source is ``unknown`` and is never shown as a
fact. :func:`load_forums` validates a file and names the file, the line and the key of every
problem, like :func:`vinculo.strategy.priorities.load_priorities`.

>>> registry = default_forums()
>>> len(registry.forums) >= 40
True
>>> registry.forum("iec-tc-82").mexico.status
'participating'
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vinculo.evidence.countries import locations_table

__all__ = [
    "DEFAULT_FILE",
    "KINDS",
    "ROLES",
    "STATUSES",
    "Forum",
    "ForumRegistry",
    "ForumsError",
    "HomeStatus",
    "Lead",
    "PriorityCoverage",
    "Source",
    "coverage",
    "default_forums",
    "load_forums",
]

#: The shipped registry, inside the package ``vinculo.strategy``.
DEFAULT_FILE = "data/forums.yaml"

#: The home country's status in a forum. ``absent``: a dated list of members without it;
#: ``unknown``: nothing public was found (never shown as a fact).
STATUSES: tuple[str, ...] = ("participating", "observer", "absent", "unknown")

#: What a forum is.
KINDS: tuple[str, ...] = (
    "standards-committee",
    "intergovernmental-body",
    "technology-programme",
    "ministerial-initiative",
    "regulatory-forum",
    "research-network",
)

#: How a country leads a forum.
ROLES: tuple[str, ...] = (
    "secretariat",
    "chair",
    "co-chair",
    "vice-chair",
    "co-lead",
    "convener",
    "founder",
)

#: Texts given per language must come in these.
LANGUAGES: tuple[str, ...] = ("es", "en")

#: The longest passage a source may quote (the passage a fact rests on, not the page).
MAX_PASSAGE = 800

_TOP_KEYS = ("version", "updated", "forums")
_FORUM_KEYS = ("id", "name", "kind", "body", "scope", "priorities", "leads", "mexico")
_LEAD_KEYS = ("country", "role", "source", "note")
_STATUS_KEYS = ("status", "detail", "note", "source")
_SOURCE_KEYS = ("publisher", "title", "url", "date", "passage")
_TAG = "tag:yaml.org,2002:"
_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_URL = re.compile(r"https?://[^\s]+")
_VERSION = 1


class ForumsError(Exception):
    """A forums file that cannot be used; the message names the file, line and key."""


@dataclass(frozen=True)
class Source:
    """Where a fact comes from, and the passage it rests on."""

    publisher: str
    title: str
    url: str
    date: str  # "YYYY", "YYYY-MM", "YYYY-MM-DD" or "undated"
    passage: str


@dataclass(frozen=True)
class Lead:
    """A country that leads a forum (holds its secretariat, chairs it...)."""

    country: str  # ISO 3166 alpha-3
    role: str  # one of ROLES
    source: Source
    note: str = ""


@dataclass(frozen=True)
class HomeStatus:
    """The home country's status in a forum; ``source`` is None exactly when unknown."""

    status: str  # one of STATUSES
    source: Source | None = None
    detail: dict[str, str] = field(default_factory=dict)  # language -> text
    note: str = ""

    @property
    def known(self) -> bool:
        return self.status != "unknown"

    @property
    def present(self) -> bool:
        """Participating or observing: the country has a seat."""
        return self.status in ("participating", "observer")


@dataclass(frozen=True)
class Forum:
    id: str
    name: dict[str, str]
    kind: str
    body: str  # the organisation it belongs to (ISO, IEC, IEA, United Nations...)
    scope: dict[str, str]
    priorities: tuple[str, ...]
    mexico: HomeStatus
    leads: tuple[Lead, ...] = ()

    def led_by(self, country: str) -> tuple[Lead, ...]:
        return tuple(lead for lead in self.leads if lead.country == country)


@dataclass(frozen=True)
class PriorityCoverage:
    """One row of the influence gap: a priority, its forums by the home country's status,
    and the countries that lead the forums where the home country has no seat."""

    priority: str
    participating: tuple[Forum, ...]
    observer: tuple[Forum, ...]
    absent: tuple[Forum, ...]
    unknown: tuple[Forum, ...]

    @property
    def forums(self) -> tuple[Forum, ...]:
        return self.participating + self.observer + self.absent + self.unknown

    @property
    def known(self) -> int:
        return len(self.participating) + len(self.observer) + len(self.absent)

    @property
    def presence(self) -> float | None:
        """Share of the forums with a known status where the home country has a seat."""
        if not self.known:
            return None
        return (len(self.participating) + len(self.observer)) / self.known

    @property
    def gap_leaders(self) -> tuple[str, ...]:
        """Countries leading the forums where the home country is absent, sorted."""
        return tuple(sorted({lead.country for forum in self.absent for lead in forum.leads}))


@dataclass(frozen=True)
class ForumRegistry:
    version: int
    updated: dt.date
    forums: tuple[Forum, ...]
    path: Path | None = None

    def forum(self, identifier: str) -> Forum:
        for forum in self.forums:
            if forum.id == identifier:
                return forum
        close = difflib.get_close_matches(identifier, [f.id for f in self.forums], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ForumsError(f"unknown forum {identifier!r}{hint}")

    def for_priority(self, priority: str) -> tuple[Forum, ...]:
        return tuple(forum for forum in self.forums if priority in forum.priorities)

    def led_by(self, country: str) -> tuple[Forum, ...]:
        """The forums a country (ISO3) leads in any role."""
        return tuple(forum for forum in self.forums if forum.led_by(country))


def coverage(registry: ForumRegistry, priorities: Iterable[str]) -> list[PriorityCoverage]:
    """The influence gap: for each priority (in the given order), its forums grouped by the
    home country's status.

    >>> rows = coverage(default_forums(), ["lithium-value-chain"])
    >>> rows[0].priority, len(rows[0].forums) > 0
    ('lithium-value-chain', True)
    """
    rows = []
    for priority in priorities:
        forums = registry.for_priority(priority)
        groups = {
            status: tuple(f for f in forums if f.mexico.status == status) for status in STATUSES
        }
        rows.append(
            PriorityCoverage(
                priority=priority,
                participating=groups["participating"],
                observer=groups["observer"],
                absent=groups["absent"],
                unknown=groups["unknown"],
            )
        )
    return rows


# ---------------------------------------------------------------- loading


def load_forums(
    path: str | os.PathLike[str], priorities: Iterable[str] | None = None
) -> ForumRegistry:
    """Read and validate a forums file (YAML).

    Parameters
    ----------
    path
        The YAML file (``data/forums.yaml`` in this package is the commented original).
    priorities
        The priority ids a forum may name; by default those of the shipped priorities file.

    Raises
    ------
    ForumsError
        The file cannot be read, is not YAML, or does not follow the format; the message
        names the file, the line and the key path (list positions count from 0), e.g.
        ``forums.yaml: line 42, forums[3].mexico.source.url: 'www.iso.org' is not an
        http(s) address``.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ForumsError(f"{file}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise ForumsError(f"{file}: cannot read: {error.strerror or error}") from None
    return _parse(text, str(file), file, priorities)


def default_forums() -> ForumRegistry:
    """The registry shipped with Vínculo (``data/forums.yaml``)."""
    resource = resources.files("vinculo.strategy").joinpath(DEFAULT_FILE)
    path = Path(str(resource)) if isinstance(resource, Path) else None
    return _parse(
        resource.read_text(encoding="utf-8"), f"vinculo.strategy/{DEFAULT_FILE}", path, None
    )


def _default_priority_ids() -> tuple[str, ...]:
    from vinculo.strategy.priorities import default_priorities

    return tuple(p.id for p in default_priorities().priorities)


def _parse(
    text: str, name: str, path: Path | None, priorities: Iterable[str] | None
) -> ForumRegistry:
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = "; ".join(str(part) for part in (error.context, error.problem) if part)
        raise ForumsError(f"{name}: {where}invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ForumsError(f"{name}: invalid YAML: {error}") from None
    if root is None:
        raise ForumsError(
            f"{name}: line 1: the file is empty; expected a mapping with the keys "
            "version, updated and forums"
        )
    known = tuple(priorities) if priorities is not None else _default_priority_ids()
    return _Reader(name, known).registry(root, path)


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


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Reader:
    """Builds the dataclasses from the YAML node tree; every error names file, line, key."""

    def __init__(self, name: str, priorities: Sequence[str]) -> None:
        self.name = name
        self.priorities = tuple(priorities)
        self.keys: dict[int, Node] = {}
        table = locations_table()
        self.countries = dict(zip(table["code"], table["kind"], strict=True))
        self.iso2 = dict(
            zip(table["iso2"].dropna(), table["code"][table["iso2"].notna()], strict=True)
        )

    def fail(self, node: Node, path: str, message: str, *, whole: bool = False) -> NoReturn:
        if whole:
            node = self.keys.get(id(node), node)
        where = f"line {node.start_mark.line + 1}"
        prefix = f"{self.name}: {where}, {path}" if path else f"{self.name}: {where}"
        raise ForumsError(f"{prefix}: {message}")

    # ------------------------------------------------------------ structure

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

    def sequence(self, node: Node, path: str, what: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.fail(node, path, f"expected a list of {what}, got {_kind(node)}")
        if not node.value:
            self.fail(node, path, f"empty list; give at least one of {what}", whole=True)
        return list(node.value)

    def text(self, node: Node, path: str, what: str = "text") -> str:
        if not (isinstance(node, ScalarNode) and node.tag == _TAG + "str"):
            self.fail(node, path, f"expected {what}, got {_kind(node)}")
        value = " ".join(str(node.value).split())
        if not value:
            self.fail(node, path, f"expected {what}, got an empty text")
        return value

    def choice(self, node: Node, path: str, allowed: Sequence[str], what: str) -> str:
        value = self.text(node, path, what)
        if value not in allowed:
            self.fail(
                node,
                path,
                f"{value!r} is not {what}{_suggest(value, allowed)}; one of: {', '.join(allowed)}",
            )
        return value

    def languages(self, node: Node, path: str, what: str) -> dict[str, str]:
        parts = self.mapping(node, path, LANGUAGES, LANGUAGES)
        return {
            language: self.text(value, _join(path, language), f"{what} in {language!r}")
            for language, value in parts.items()
        }

    def date(self, node: Node, path: str) -> dt.date:
        if isinstance(node, ScalarNode) and node.tag == _TAG + "timestamp":
            raw = str(node.value)
        else:
            raw = self.text(node, path, "a date (YYYY-MM-DD)")
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.fail(node, path, f"{raw!r} is not a date (YYYY-MM-DD)")

    def country(self, node: Node, path: str) -> str:
        value = self.text(node, path, "an ISO 3166 alpha-3 country code")
        kind = self.countries.get(value)
        if kind is None:
            hint = ""
            if value.upper() in self.countries:
                hint = f" (write it in capitals: {value.upper()!r})"
            elif value.upper() in self.iso2:
                hint = f" (that is alpha-2; the alpha-3 code is {self.iso2[value.upper()]!r})"
            self.fail(node, path, f"{value!r} is not an ISO 3166 alpha-3 country code{hint}")
        if kind != "country":
            self.fail(node, path, f"{value!r} is {kind}, not a country")
        return value

    # ------------------------------------------------------------ the file

    def registry(self, root: Node, path: Path | None) -> ForumRegistry:
        parts = self.mapping(root, "", _TOP_KEYS, _TOP_KEYS)
        version_node = parts["version"]
        if not (isinstance(version_node, ScalarNode) and version_node.tag == _TAG + "int"):
            self.fail(version_node, "version", f"expected the number 1, got {_kind(version_node)}")
        if int(version_node.value) != _VERSION:
            self.fail(
                version_node,
                "version",
                f"format version {version_node.value} is not supported (this Vínculo reads "
                f"version {_VERSION})",
            )
        updated = self.date(parts["updated"], "updated")
        forums: list[Forum] = []
        seen: dict[str, int] = {}
        for index, node in enumerate(self.sequence(parts["forums"], "forums", "forums")):
            forum = self.forum(node, f"forums[{index}]")
            if forum.id in seen:
                self.fail(
                    node,
                    f"forums[{index}].id",
                    f"duplicate forum id {forum.id!r} (first at line {seen[forum.id]})",
                )
            seen[forum.id] = node.start_mark.line + 1
            forums.append(forum)
        return ForumRegistry(version=_VERSION, updated=updated, forums=tuple(forums), path=path)

    def forum(self, node: Node, path: str) -> Forum:
        parts = self.mapping(
            node, path, _FORUM_KEYS, ("id", "name", "kind", "body", "scope", "priorities", "mexico")
        )
        identifier = self.text(parts["id"], _join(path, "id"), "a forum id")
        if not _KEBAB.fullmatch(identifier):
            self.fail(
                parts["id"],
                _join(path, "id"),
                f"{identifier!r} is not a forum id: lower-case words joined by '-' "
                "(e.g. 'iso-tc-333')",
            )
        priorities: list[str] = []
        where = _join(path, "priorities")
        for index, item in enumerate(self.sequence(parts["priorities"], where, "priority ids")):
            value = self.choice(item, f"{where}[{index}]", self.priorities, "a priority id")
            if value in priorities:
                self.fail(item, f"{where}[{index}]", f"{value!r} is listed twice")
            priorities.append(value)
        leads: list[Lead] = []
        if "leads" in parts:
            where = _join(path, "leads")
            for index, item in enumerate(self.sequence(parts["leads"], where, "leads")):
                lead = self.lead(item, f"{where}[{index}]")
                if any((lead.country, lead.role) == (o.country, o.role) for o in leads):
                    self.fail(
                        item,
                        f"{where}[{index}]",
                        f"{lead.country} is listed twice as {lead.role}",
                    )
                leads.append(lead)
        return Forum(
            id=identifier,
            name=self.languages(parts["name"], _join(path, "name"), "a name"),
            kind=self.choice(parts["kind"], _join(path, "kind"), KINDS, "a forum kind"),
            body=self.text(parts["body"], _join(path, "body"), "the organisation's name"),
            scope=self.languages(parts["scope"], _join(path, "scope"), "a scope"),
            priorities=tuple(priorities),
            leads=tuple(leads),
            mexico=self.status(parts["mexico"], _join(path, "mexico")),
        )

    def lead(self, node: Node, path: str) -> Lead:
        parts = self.mapping(node, path, _LEAD_KEYS, ("country", "role", "source"))
        return Lead(
            country=self.country(parts["country"], _join(path, "country")),
            role=self.choice(parts["role"], _join(path, "role"), ROLES, "a role"),
            source=self.source(parts["source"], _join(path, "source")),
            note=self.text(parts["note"], _join(path, "note"), "a note") if "note" in parts else "",
        )

    def status(self, node: Node, path: str) -> HomeStatus:
        parts = self.mapping(node, path, _STATUS_KEYS, ("status",))
        status = self.choice(parts["status"], _join(path, "status"), STATUSES, "a status")
        source = None
        if status == "unknown":
            for key in ("source", "detail"):
                if key in parts:
                    self.fail(
                        parts[key],
                        _join(path, key),
                        f"an unknown status carries no {key}; if a source supports a status, "
                        "write that status (participating, observer or absent)",
                        whole=True,
                    )
        else:
            if "source" not in parts:
                self.fail(
                    node,
                    path,
                    f"status {status!r} needs a source (publisher, title, url, date, "
                    "passage); without one write status: unknown",
                    whole=True,
                )
            source = self.source(parts["source"], _join(path, "source"))
        detail = (
            self.languages(parts["detail"], _join(path, "detail"), "a detail")
            if "detail" in parts
            else {}
        )
        note = self.text(parts["note"], _join(path, "note"), "a note") if "note" in parts else ""
        return HomeStatus(status=status, source=source, detail=detail, note=note)

    def source(self, node: Node, path: str) -> Source:
        parts = self.mapping(node, path, _SOURCE_KEYS, _SOURCE_KEYS)
        url = self.text(parts["url"], _join(path, "url"), "an address")
        if not _URL.fullmatch(url):
            self.fail(parts["url"], _join(path, "url"), f"{url!r} is not an http(s) address")
        date_node = parts["date"]
        if isinstance(date_node, ScalarNode) and date_node.tag == _TAG + "timestamp":
            self.fail(
                date_node,
                _join(path, "date"),
                f'quote the date as text: "{date_node.value}" (a source date may also be '
                "a year, a year-month or 'undated')",
            )
        if isinstance(date_node, ScalarNode) and date_node.tag == _TAG + "int":
            self.fail(
                date_node,
                _join(path, "date"),
                f'quote the year as text: "{date_node.value}"',
            )
        date = self.text(date_node, _join(path, "date"), "a date")
        if date != "undated":
            match = _DATE.fullmatch(date)
            valid = match is not None
            if match is not None:
                year, month, day = match.groups()
                try:
                    dt.date(int(year), int(month or 1), int(day or 1))
                except ValueError:
                    valid = False
            if not valid:
                self.fail(
                    date_node,
                    _join(path, "date"),
                    f"{date!r} is not a date: YYYY, YYYY-MM, YYYY-MM-DD or 'undated'",
                )
        passage = self.text(parts["passage"], _join(path, "passage"), "the passage quoted")
        if len(passage) > MAX_PASSAGE:
            self.fail(
                parts["passage"],
                _join(path, "passage"),
                f"the passage has {len(passage)} characters; quote the sentence the fact "
                f"rests on (at most {MAX_PASSAGE})",
            )
        return Source(
            publisher=self.text(parts["publisher"], _join(path, "publisher"), "a publisher"),
            title=self.text(parts["title"], _join(path, "title"), "a title"),
            url=url,
            date=date,
            passage=passage,
        )
