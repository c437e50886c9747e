"""National priorities as configuration: a home country, its priorities and their
crosswalks to the evidence (products, research fields, technology fields, keywords), value
chains, and the weights of the partner recommendation."""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

import pycountry
import yaml
from babel import localedata
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vinculo.evidence.countries import locations_table

__all__ = [
    "COMPONENT_NAMES",
    "DEFAULT_FILE",
    "FIELD_TAXONOMIES",
    "HS_CLASSIFICATIONS",
    "NCSES15_FIELDS",
    "REQUIRED_LANGUAGES",
    "TECH_TAXONOMIES",
    "WIPO35_FIELDS",
    "Code",
    "Indicator",
    "Priorities",
    "PrioritiesError",
    "Priority",
    "Stage",
    "Weights",
    "default_priorities",
    "load_priorities",
]


class PrioritiesError(Exception):
    """A priorities file that cannot be used; the message names the file, line and key."""


@dataclass(frozen=True)
class Code:
    """One crosswalk entry: a code (an HS product, a field's name as the evidence store
    holds it) and why it is there."""

    code: str
    why: str = ""


@dataclass(frozen=True)
class Stage:
    """One stage of a value chain, upstream first."""

    id: str
    name: dict[str, str]  # language ("es", "en") -> name
    # classification ("hs92", "hs07") -> products of this stage
    products: dict[str, tuple[Code, ...]] = field(default_factory=dict)
    # taxonomy ("ncses15", "openalex-field", ...) -> research fields of this stage
    fields: dict[str, tuple[Code, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    """An indicator of the infrastructure or resources behind a priority (supercomputers,
    satellites, mine production, the EV market), as ``country_indicators.indicator``
    holds it, with why it belongs and how to read it."""

    indicator: str  # e.g. "top500_rmax_tflops"
    name: dict[str, str]  # language -> short name ("TOP500 computing power")
    why: str = ""
    unit: str = ""  # e.g. "TFlop/s", "t", "satellites"
    stage: str | None = None  # the value-chain stage it measures, if any
    # another indicator whose value over the world's is the specialization (e.g. the EV
    # share of car sales); None: the world share over the share of world GDP
    specialization: str | None = None
    # "zero": a country the source does not list holds none (TOP500, USGS, UCS list every
    # holder that counts); "unknown": the source covers only some countries (IEA)
    missing: str = "zero"


@dataclass(frozen=True)
class Priority:
    """A national priority and how it maps onto the evidence."""

    id: str
    name: dict[str, str]  # language -> name
    description: dict[str, str]  # language -> description
    # classification ("hs92", "hs07") -> HS codes (4 digits; 6 digits where a source has them)
    products: dict[str, tuple[Code, ...]] = field(default_factory=dict)
    # taxonomy -> research fields, spelled as publications.field holds them
    # ("ncses15": "Engineering"; "openalex-field": "fields/21"; "openalex-subfield": ...)
    fields: dict[str, tuple[Code, ...]] = field(default_factory=dict)
    # taxonomy ("wipo35") -> technology fields, spelled as patents.tech_field holds them
    tech_fields: dict[str, tuple[Code, ...]] = field(default_factory=dict)
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language -> words
    chain: tuple[Stage, ...] = ()  # a value chain, upstream first; empty when none
    # the infrastructure and resources behind the priority (the fourth component)
    infrastructure: tuple[Indicator, ...] = ()
    # component -> language -> why the priority has no evidence of that kind (e.g. no HS
    # code measures supercomputing: trade gets no weight rather than a wrong proxy)
    absent: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Weights:
    """Weights of the partner-recommendation factors (non-negative; they sum to 1)."""

    strength: float = 0.25
    complementarity: float = 0.30
    ties: float = 0.20
    capacity: float = 0.15
    proximity: float = 0.10

    def as_dict(self) -> dict[str, float]:
        return {
            "strength": self.strength,
            "complementarity": self.complementarity,
            "ties": self.ties,
            "capacity": self.capacity,
            "proximity": self.proximity,
        }


@dataclass(frozen=True)
class Priorities:
    """A priorities file: the home country (ISO3), its peers, priorities and weights."""

    home: str
    title: dict[str, str]  # language -> title, e.g. "Mexico 2026"
    priorities: tuple[Priority, ...]
    weights: Weights = field(default_factory=Weights)
    peers: tuple[str, ...] = ()  # ISO3 codes of the peer group for gap percentiles
    languages: tuple[str, ...] = ()  # the home country's official languages (ISO 639-1)
    path: Path | None = None

    def priority(self, identifier: str) -> Priority:
        for priority in self.priorities:
            if priority.id == identifier:
                return priority
        known = ", ".join(p.id for p in self.priorities)
        raise PrioritiesError(f"unknown priority {identifier!r}; one of: {known}")


# ---------------------------------------------------------------- vocabularies

#: The shipped priorities file, inside the package ``vinculo.strategy``.
DEFAULT_FILE = "data/priorities-mex-2026.yaml"

#: Editions of the Harmonized System a ``products`` mapping may use.
HS_CLASSIFICATIONS: tuple[str, ...] = ("hs92", "hs96", "hs02", "hs07", "hs12", "hs17", "hs22")

#: Taxonomies of research fields, as ``publications.taxonomy`` names them.
FIELD_TAXONOMIES: tuple[str, ...] = (
    "ncses15",
    "openalex-field",
    "openalex-subfield",
    "openalex-topic",
)

#: The components of the capability model, in the order they are shown.
COMPONENT_NAMES: tuple[str, ...] = ("science", "technology", "trade", "infrastructure")

#: Taxonomies of technology fields, as ``patents.taxonomy`` names them.
TECH_TAXONOMIES: tuple[str, ...] = ("wipo35",)

#: Names, descriptions and titles must be given in these languages.
REQUIRED_LANGUAGES: tuple[str, ...] = ("es", "en")

#: The 14 NCSES fields, spelled as ``publications.field`` holds them (taxonomy ``ncses15``).
NCSES15_FIELDS: tuple[str, ...] = (
    "Agricultural sciences",
    "Astronomy and astrophysics",
    "Biological and biomedical sciences",
    "Chemistry",
    "Computer and information sciences",
    "Engineering",
    "Geosciences, atmospheric sciences, and ocean sciences",
    "Health sciences",
    "Materials science",
    "Mathematics and statistics",
    "Natural resources and conservation",
    "Physics",
    "Psychology",
    "Social sciences",
)

#: The 35 WIPO technology fields, spelled as ``patents.tech_field`` holds them (``wipo35``).
WIPO35_FIELDS: tuple[str, ...] = (
    "IT methods for management",
    "analysis of biological materials",
    "audio-visual technology",
    "basic communication processes",
    "basic materials chemistry",
    "biotechnology",
    "chemical engineering",
    "civil engineering",
    "computer technology",
    "control",
    "digital communication",
    "electrical machinery, apparatus, energy",
    "engines, pumps, turbines",
    "environmental technology",
    "food chemistry",
    "furniture, games",
    "handling",
    "machine tools",
    "macromolecular chemistry, polymers",
    "materials, metallurgy",
    "measurement",
    "mechanical elements",
    "medical technology",
    "microstructural technology and nanotechnology",
    "optics",
    "organic fine chemistry",
    "other consumer goods",
    "other special machines",
    "pharmaceuticals",
    "semiconductors",
    "surface technology, coating",
    "telecommunications",
    "textile and paper machines",
    "thermal processes and apparatus",
    "transport",
)

_OPENALEX_FIELD_IDS = range(11, 37)  # the 26 OpenAlex fields: 11 (Agricultural...) to 36
_TOP_KEYS = ("home", "title", "languages", "peers", "weights", "priorities")
_PRIORITY_KEYS = (
    "id",
    "name",
    "description",
    "products",
    "fields",
    "tech_fields",
    "keywords",
    "chain",
    "infrastructure",
    "absent",
)
_STAGE_KEYS = ("id", "name", "products", "fields")
_INDICATOR_KEYS = ("indicator", "name", "why", "unit", "stage", "specialization", "missing")
_MISSING = ("zero", "unknown")
_INDICATOR = re.compile(r"[A-Za-z][A-Za-z0-9_.]*")
_CODE_KEYS = ("code", "why")
_FACTORS = tuple(Weights().as_dict())
_TAG = "tag:yaml.org,2002:"
_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HS_CODE = re.compile(r"\d{4}(?:\d{2})?")


# ---------------------------------------------------------------- loading


def load_priorities(path: str | os.PathLike[str]) -> Priorities:
    """Read and validate a priorities file (YAML).

    The file declares a home country, its priorities and their crosswalks to the evidence;
    ``data/priorities-mex-2026.yaml`` in this package is a commented example. Every
    problem raises :class:`PrioritiesError` naming the file, the line and the key path
    (list positions count from 0), e.g. ``mex.yaml: line 42,
    priorities[3].products.hs92[2]: '85O7' is not an HS code (4 or 6 digits)``.

    Parameters
    ----------
    path
        The YAML file.

    Returns
    -------
    Priorities
        The validated priorities; ``path`` is set to the file.

    Raises
    ------
    PrioritiesError
        The file cannot be read, is not YAML, or does not follow the format: unknown or
        missing keys, codes that are not text, unknown fields, countries or languages,
        duplicate ids, weights that do not sum to 1.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise PrioritiesError(f"{file}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise PrioritiesError(f"{file}: cannot read: {error.strerror or error}") from None
    return _parse(text, str(file), file)


def default_priorities() -> Priorities:
    """The priorities shipped with Vínculo: Mexico 2026 (``data/priorities-mex-2026.yaml``).

    >>> mexico = default_priorities()
    >>> mexico.home, len(mexico.priorities)
    ('MEX', 8)
    >>> mexico.priority("lithium-value-chain").chain[0].id
    'ores-concentrates'
    """
    resource = resources.files("vinculo.strategy").joinpath(DEFAULT_FILE)
    path = Path(str(resource)) if isinstance(resource, Path) else None
    return _parse(resource.read_text(encoding="utf-8"), f"vinculo.strategy/{DEFAULT_FILE}", path)


def _parse(text: str, name: str, path: Path | None) -> Priorities:
    fast = getattr(yaml, "CSafeLoader", None)  # libyaml: the same nodes, 15x faster
    if fast is not None:
        try:
            root = yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass  # parsed again below, for the pure-Python parser's precise message
        else:
            if root is None:
                raise PrioritiesError(
                    f"{name}: line 1: the file is empty; expected a mapping with the keys "
                    "home, title and priorities"
                )
            return _Reader(name).priorities(root, path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = "; ".join(str(part) for part in (error.context, error.problem) if part)
        raise PrioritiesError(f"{name}: {where}invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as error:  # a control character in the text
        line = text.count("\n", 0, error.position) + 1
        character = error.character
        shown = f"U+{character:04X}" if isinstance(character, int) else repr(character)
        raise PrioritiesError(
            f"{name}: line {line}: invalid YAML: {error.reason} ({shown})"
        ) from None
    except yaml.YAMLError as error:
        raise PrioritiesError(f"{name}: invalid YAML: {error}") from None
    if root is None:
        raise PrioritiesError(
            f"{name}: line 1: the file is empty; expected a mapping with the keys "
            "home, title and priorities"
        )
    return _Reader(name).priorities(root, path)


def _is_language(code: str) -> bool:
    """An ISO 639-1 code: one CLDR knows (a file lookup), else one ISO 639 lists (the
    pycountry database, slow to load, is read only for codes CLDR does not have)."""
    if localedata.exists(code):
        return True
    return pycountry.languages.get(alpha_2=code) is not None


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
    }.get(tag, f"a value tagged {node.tag}")


def _suggest(value: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Reader:
    """Builds the dataclasses from the YAML node tree; every error names file, line, key."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.constructor = SafeConstructor()
        self.keys: dict[int, Node] = {}  # id(value node) -> the key node that holds it

    def fail(self, node: Node, path: str, message: str, *, whole: bool = False) -> NoReturn:
        """Raise the error; ``whole``: about a mapping or list as a whole, reported at the
        line of its key (a block mapping starts at its first entry, one line lower)."""
        if whole:
            node = self.keys.get(id(node), node)
        where = f"line {node.start_mark.line + 1}"
        raise PrioritiesError(
            f"{self.name}: {where}, {path}: {message}"
            if path
            else f"{self.name}: {where}: {message}"
        )

    # ------------------------------------------------------------ structure

    def mapping(
        self, node: Node, path: str, allowed: Sequence[str], required: Sequence[str] = ()
    ) -> dict[str, Node]:
        """The entries of a mapping of known keys (unknown, duplicate, missing keys fail)."""
        if not isinstance(node, MappingNode):
            self.fail(node, path, f"expected a mapping ({', '.join(allowed)}), got {_kind(node)}")
        entries = self.entries(node, path)
        for key, (key_node, _) in entries.items():
            if key not in allowed:
                self.fail(
                    key_node,
                    _join(path, key),
                    f"unknown key {key!r}{_suggest(key, allowed)}; "
                    f"expected one of: {', '.join(allowed)}",
                )
        missing = [key for key in required if key not in entries]
        if missing:
            self.fail(node, path, f"missing key {', '.join(repr(m) for m in missing)}", whole=True)
        return {key: value for key, (_, value) in entries.items()}

    def entries(self, node: MappingNode, path: str) -> dict[str, tuple[Node, Node]]:
        """Key -> (key node, value node); keys must be text and appear once."""
        entries: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, ScalarNode) and key_node.tag == _TAG + "str"):
                self.fail(key_node, path, f"a key must be text, got {_kind(key_node)}")
            key = str(key_node.value)
            if key in entries:
                first = entries[key][0].start_mark.line + 1
                self.fail(key_node, _join(path, key), f"duplicate key (first at line {first})")
            entries[key] = (key_node, value_node)
            self.keys[id(value_node)] = key_node
        return entries

    def sequence(self, node: Node, path: str, what: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.fail(node, path, f"expected a list of {what}, got {_kind(node)}")
        if not node.value:
            self.fail(
                node, path, f"empty list; give at least one of {what} or drop the key", whole=True
            )
        return list(node.value)

    def text(self, node: Node, path: str, what: str = "text") -> str:
        if not (isinstance(node, ScalarNode) and node.tag == _TAG + "str"):
            self.fail(node, path, f"expected {what}, got {_kind(node)}")
        value = str(node.value).strip()
        if not value:
            self.fail(node, path, f"expected {what}, got an empty text")
        return value

    # ------------------------------------------------------------ vocabularies

    def language(self, node: Node, path: str, value: str) -> str:
        if not (len(value) == 2 and value.isalpha() and value.islower()) or not _is_language(value):
            self.fail(node, path, f"{value!r} is not an ISO 639-1 language code (e.g. 'es', 'en')")
        return value

    def country(self, node: Node, path: str) -> str:
        value = self.text(node, path, "an ISO 3166 alpha-3 country code")
        table = locations_table()
        found = table[table["code"] == value]
        if found.empty:
            hint = ""
            if (table["code"] == value.upper()).any():
                hint = f" (write it in capitals: {value.upper()!r})"
            elif (table["iso2"] == value.upper()).any():
                iso3 = table.loc[table["iso2"] == value.upper(), "code"].iloc[0]
                hint = f" (that is alpha-2; the alpha-3 code is {iso3!r})"
            self.fail(node, path, f"{value!r} is not an ISO 3166 alpha-3 country code{hint}")
        row = found.iloc[0]
        if row["kind"] != "country":
            self.fail(node, path, f"{value!r} is {row['kind']} ({row['name']}), not a country")
        return value

    def languages_text(
        self, node: Node, path: str, what: str, required: Sequence[str] = REQUIRED_LANGUAGES
    ) -> dict[str, str]:
        """A mapping language -> non-empty text, with the required languages present."""
        if not isinstance(node, MappingNode):
            self.fail(
                node, path, f"expected {what} per language (es: ..., en: ...), got {_kind(node)}"
            )
        values: dict[str, str] = {}
        for key, (key_node, value_node) in self.entries(node, path).items():
            self.language(key_node, _join(path, key), key)
            values[key] = self.text(value_node, _join(path, key), f"{what} in {key!r}")
        missing = [language for language in required if language not in values]
        if missing:
            self.fail(
                node, path, f"missing {what} in {', '.join(repr(m) for m in missing)}", whole=True
            )
        return values

    # ------------------------------------------------------------ codes

    def codes(
        self, node: Node, path: str, check: Callable[[Node, str], str], what: str
    ) -> tuple[Code, ...]:
        """A list of entries, each a code or a mapping {code, why}; duplicates fail."""
        result: list[Code] = []
        seen: dict[str, int] = {}
        for index, entry in enumerate(self.sequence(node, path, what)):
            where = f"{path}[{index}]"
            why = ""
            code_node, code_path = entry, where
            if isinstance(entry, MappingNode):
                parts = self.mapping(entry, where, _CODE_KEYS, ("code",))
                code_node, code_path = parts["code"], _join(where, "code")
                if "why" in parts:
                    why = self.text(parts["why"], _join(where, "why"), "a one-line reason")
                    if "\n" in why:
                        self.fail(parts["why"], _join(where, "why"), "a why is one line")
            code = check(code_node, code_path)
            if code in seen:
                self.fail(
                    code_node, code_path, f"{code!r} is listed twice (first at line {seen[code]})"
                )
            seen[code] = code_node.start_mark.line + 1
            result.append(Code(code, why))
        return tuple(result)

    def hs_code(self, node: Node, path: str) -> str:
        if isinstance(node, ScalarNode) and node.tag in (_TAG + "int", _TAG + "float"):
            raw = str(node.value)
            digits = raw.replace("_", "")
            if node.tag == _TAG + "int" and digits.isdigit() and len(digits) in (3, 5):
                self.fail(
                    node,
                    path,
                    f"{raw} is a YAML number and has lost its leading zero; quote the code "
                    f'as text: "0{digits}" (leading zeros matter in HS codes)',
                )
            quoted = digits if digits.isdigit() else raw
            self.fail(
                node,
                path,
                f'{raw} is a YAML number, not text; quote the code: "{quoted}" '
                '(HS codes are text: leading zeros matter, e.g. "0805")',
            )
        value = self.text(node, path, "an HS code as text")
        if not _HS_CODE.fullmatch(value):
            hint = ""
            if value.isdigit() and len(value) in (3, 5):
                hint = f"; a leading zero lost? ('0{value}')"
            self.fail(node, path, f"{value!r} is not an HS code (4 or 6 digits){hint}")
        if not 1 <= int(value[:2]) <= 97:
            self.fail(node, path, f"{value!r} is not an HS code: chapter {value[:2]} is not 01-97")
        return value

    def field_code(self, taxonomy: str) -> Callable[[Node, str], str]:
        def check(node: Node, path: str) -> str:
            if taxonomy == "ncses15":
                value = self.text(node, path, "an NCSES field name")
                if value not in NCSES15_FIELDS:
                    self.fail(
                        node,
                        path,
                        f"{value!r} is not one of the 14 NCSES fields"
                        f"{_suggest(value, NCSES15_FIELDS)}; one of: {'; '.join(NCSES15_FIELDS)}",
                    )
                return value
            if taxonomy == "openalex-field":
                value = self.text(node, path, 'an OpenAlex field id as text, e.g. "fields/21"')
                match = re.fullmatch(r"fields/(\d+)", value)
                if match is None or int(match.group(1)) not in _OPENALEX_FIELD_IDS:
                    self.fail(
                        node,
                        path,
                        f"{value!r} is not an OpenAlex field id: 'fields/11' to 'fields/36'",
                    )
                return value
            if taxonomy == "openalex-subfield":
                value = self.text(node, path, 'an OpenAlex subfield id, e.g. "subfields/2105"')
                match = re.fullmatch(r"subfields/(\d{2})\d{2}", value)
                if match is None or int(match.group(1)) not in _OPENALEX_FIELD_IDS:
                    self.fail(
                        node,
                        path,
                        f"{value!r} is not an OpenAlex subfield id ('subfields/' and four "
                        "digits, the first two a field 11-36, e.g. 'subfields/2105')",
                    )
                return value
            value = self.text(node, path, 'an OpenAlex topic id, e.g. "T10001"')
            if re.fullmatch(r"T\d+", value) is None:
                self.fail(node, path, f"{value!r} is not an OpenAlex topic id (e.g. 'T10001')")
            return value

        return check

    def wipo_code(self, node: Node, path: str) -> str:
        value = self.text(node, path, "a WIPO technology field name")
        if value not in WIPO35_FIELDS:
            self.fail(
                node,
                path,
                f"{value!r} is not one of the 35 WIPO technology fields"
                f"{_suggest(value, WIPO35_FIELDS)}; names are lower case as NCSES spells them",
            )
        return value

    def crosswalk(
        self,
        node: Node,
        path: str,
        taxonomies: Sequence[str],
        check: Callable[[str], Callable[[Node, str], str]],
        what: str,
    ) -> dict[str, tuple[Code, ...]]:
        """A mapping taxonomy -> codes (e.g. hs92 -> products)."""
        return {
            key: self.codes(value, _join(path, key), check(key), what)
            for key, value in self.mapping(node, path, taxonomies).items()
        }

    def products(self, node: Node, path: str) -> dict[str, tuple[Code, ...]]:
        return self.crosswalk(node, path, HS_CLASSIFICATIONS, lambda _: self.hs_code, "HS codes")

    def fields(self, node: Node, path: str) -> dict[str, tuple[Code, ...]]:
        return self.crosswalk(node, path, FIELD_TAXONOMIES, self.field_code, "research fields")

    # ------------------------------------------------------------ the file

    def priorities(self, root: Node, path: Path | None) -> Priorities:
        if not isinstance(root, MappingNode):
            self.fail(
                root,
                "",
                f"the file must be a mapping with the keys home, title and priorities, "
                f"got {_kind(root)}",
            )
        top = self.mapping(root, "", _TOP_KEYS, ("home", "title", "priorities"))
        home = self.country(top["home"], "home")
        peers: list[str] = []
        if "peers" in top:
            for index, node in enumerate(self.sequence(top["peers"], "peers", "ISO3 codes")):
                code = self.country(node, f"peers[{index}]")
                if code == home:
                    self.fail(node, f"peers[{index}]", f"{code!r} is the home country")
                if code in peers:
                    self.fail(node, f"peers[{index}]", f"{code!r} is listed twice")
                peers.append(code)
        languages: list[str] = []
        if "languages" in top:
            for index, node in enumerate(
                self.sequence(top["languages"], "languages", "ISO 639-1 codes")
            ):
                where = f"languages[{index}]"
                code = self.language(node, where, self.text(node, where, "a language code"))
                if code in languages:
                    self.fail(node, where, f"{code!r} is listed twice")
                languages.append(code)
        weights = self.weights(top["weights"]) if "weights" in top else Weights()
        items: list[Priority] = []
        first_line: dict[str, int] = {}
        nodes = self.sequence(top["priorities"], "priorities", "priorities")
        for index, node in enumerate(nodes):
            priority, id_node = self.priority(node, f"priorities[{index}]")
            if priority.id in first_line:
                self.fail(
                    id_node,
                    f"priorities[{index}].id",
                    f"duplicate priority id {priority.id!r} (first at line "
                    f"{first_line[priority.id]})",
                )
            first_line[priority.id] = id_node.start_mark.line + 1
            items.append(priority)
        return Priorities(
            home=home,
            title=self.languages_text(top["title"], "title", "a title"),
            priorities=tuple(items),
            weights=weights,
            peers=tuple(peers),
            languages=tuple(languages),
            path=path,
        )

    def identifier(self, node: Node, path: str) -> str:
        value = self.text(node, path, "an id (kebab-case, e.g. 'energy-transition')")
        if not _KEBAB.fullmatch(value):
            self.fail(
                node,
                path,
                f"{value!r} is not a kebab-case id (lower-case letters and digits joined by "
                "single hyphens, e.g. 'energy-transition')",
            )
        return value

    def priority(self, node: Node, path: str) -> tuple[Priority, Node]:
        parts = self.mapping(node, path, _PRIORITY_KEYS, ("id", "name", "description"))
        keywords: dict[str, tuple[str, ...]] = {}
        if "keywords" in parts:
            keywords = self.keywords(parts["keywords"], _join(path, "keywords"))
        chain: tuple[Stage, ...] = ()
        if "chain" in parts:
            chain = self.chain(parts["chain"], _join(path, "chain"))
        products, fields_, tech = {}, {}, {}
        if "products" in parts:
            products = self.products(parts["products"], _join(path, "products"))
        if "fields" in parts:
            fields_ = self.fields(parts["fields"], _join(path, "fields"))
        if "tech_fields" in parts:
            tech = self.crosswalk(
                parts["tech_fields"],
                _join(path, "tech_fields"),
                TECH_TAXONOMIES,
                lambda _: self.wipo_code,
                "WIPO technology fields",
            )
        infrastructure: tuple[Indicator, ...] = ()
        if "infrastructure" in parts:
            infrastructure = self.infrastructure(
                parts["infrastructure"], _join(path, "infrastructure"), chain
            )
        absent: dict[str, dict[str, str]] = {}
        if "absent" in parts:
            where = _join(path, "absent")
            for component, node_ in self.mapping(parts["absent"], where, COMPONENT_NAMES).items():
                absent[component] = self.languages_text(
                    node_, _join(where, component), "the reason"
                )
        priority = Priority(
            id=self.identifier(parts["id"], _join(path, "id")),
            name=self.languages_text(parts["name"], _join(path, "name"), "a name"),
            description=self.languages_text(
                parts["description"], _join(path, "description"), "a description"
            ),
            products=products,
            fields=fields_,
            tech_fields=tech,
            keywords=keywords,
            chain=chain,
            infrastructure=infrastructure,
            absent=absent,
        )
        return priority, parts["id"]

    def infrastructure(
        self, node: Node, path: str, chain: tuple[Stage, ...]
    ) -> tuple[Indicator, ...]:
        stages = [stage.id for stage in chain]
        result: list[Indicator] = []
        seen: dict[str, int] = {}
        for index, entry in enumerate(self.sequence(node, path, "indicators")):
            where = f"{path}[{index}]"
            parts = self.mapping(entry, where, _INDICATOR_KEYS, ("indicator", "name"))
            code = self.text(parts["indicator"], _join(where, "indicator"), "an indicator name")
            if not _INDICATOR.fullmatch(code):
                self.fail(
                    parts["indicator"],
                    _join(where, "indicator"),
                    f"{code!r} is not an indicator name (letters, digits, '_' and '.', "
                    "e.g. 'top500_rmax_tflops')",
                )
            if code in seen:
                self.fail(
                    parts["indicator"],
                    _join(where, "indicator"),
                    f"{code!r} is listed twice (first at line {seen[code]})",
                )
            seen[code] = parts["indicator"].start_mark.line + 1
            stage = None
            if "stage" in parts:
                stage = self.text(parts["stage"], _join(where, "stage"), "a stage id")
                if stage not in stages:
                    known = ", ".join(stages) if stages else "none: the priority has no chain"
                    self.fail(
                        parts["stage"],
                        _join(where, "stage"),
                        f"{stage!r} is not a stage of this priority's chain (stages: {known})",
                    )
            missing = "zero"
            if "missing" in parts:
                missing = self.text(parts["missing"], _join(where, "missing"), "zero or unknown")
                if missing not in _MISSING:
                    self.fail(
                        parts["missing"],
                        _join(where, "missing"),
                        f"{missing!r}: expected 'zero' (a country the source does not list "
                        "holds none) or 'unknown' (the source covers only some countries)",
                    )
            result.append(
                Indicator(
                    indicator=code,
                    name=self.languages_text(parts["name"], _join(where, "name"), "a name"),
                    why=(
                        self.text(parts["why"], _join(where, "why"), "a one-line reason")
                        if "why" in parts
                        else ""
                    ),
                    unit=(
                        self.text(parts["unit"], _join(where, "unit"), "a unit")
                        if "unit" in parts
                        else ""
                    ),
                    stage=stage,
                    specialization=(
                        self.text(
                            parts["specialization"],
                            _join(where, "specialization"),
                            "an indicator name",
                        )
                        if "specialization" in parts
                        else None
                    ),
                    missing=missing,
                )
            )
        return tuple(result)

    def keywords(self, node: Node, path: str) -> dict[str, tuple[str, ...]]:
        if not isinstance(node, MappingNode):
            self.fail(node, path, f"expected keywords per language (es: [...]), got {_kind(node)}")
        result: dict[str, tuple[str, ...]] = {}
        for language, (key_node, value_node) in self.entries(node, path).items():
            where = _join(path, language)
            self.language(key_node, where, language)
            words: list[str] = []
            for index, word_node in enumerate(self.sequence(value_node, where, "keywords")):
                word = self.text(word_node, f"{where}[{index}]", "a keyword")
                if word in words:
                    self.fail(word_node, f"{where}[{index}]", f"{word!r} is listed twice")
                words.append(word)
            result[language] = tuple(words)
        return result

    def chain(self, node: Node, path: str) -> tuple[Stage, ...]:
        stages: list[Stage] = []
        first_line: dict[str, int] = {}
        for index, stage_node in enumerate(self.sequence(node, path, "stages")):
            where = f"{path}[{index}]"
            parts = self.mapping(stage_node, where, _STAGE_KEYS, ("id", "name"))
            identifier = self.identifier(parts["id"], _join(where, "id"))
            if identifier in first_line:
                self.fail(
                    parts["id"],
                    _join(where, "id"),
                    f"duplicate stage id {identifier!r} (first at line {first_line[identifier]})",
                )
            first_line[identifier] = parts["id"].start_mark.line + 1
            stages.append(
                Stage(
                    id=identifier,
                    name=self.languages_text(parts["name"], _join(where, "name"), "a name"),
                    products=(
                        self.products(parts["products"], _join(where, "products"))
                        if "products" in parts
                        else {}
                    ),
                    fields=(
                        self.fields(parts["fields"], _join(where, "fields"))
                        if "fields" in parts
                        else {}
                    ),
                )
            )
        return tuple(stages)

    def weights(self, node: Node) -> Weights:
        parts = self.mapping(node, "weights", _FACTORS, _FACTORS)
        values: dict[str, float] = {}
        for factor, value_node in parts.items():
            where = _join("weights", factor)
            if not (
                isinstance(value_node, ScalarNode)
                and value_node.tag in (_TAG + "int", _TAG + "float")
            ):
                self.fail(value_node, where, f"expected a number, got {_kind(value_node)}")
            value: Any = self.constructor.construct_object(value_node)
            number = float(value)
            if not math.isfinite(number) or number < 0:
                self.fail(value_node, where, f"a weight must be a finite number >= 0, not {number}")
            values[factor] = number
        total = math.fsum(values.values())
        if abs(total - 1) > 1e-9:
            shown = " + ".join(f"{values[f]:g}" for f in _FACTORS)
            message = f"the weights sum to {total:.12g} ({shown}), not 1"
            self.fail(node, "weights", message, whole=True)
        return Weights(**values)
