"""Labelled texts: EU funding call topics weakly labelled into priorities from their codes,
and a deterministic train/test split."""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from vinculo.text.errors import TextError

__all__ = [
    "EU_CALLS_FILE",
    "EU_HAND_LABELS",
    "EU_UNLABELLED",
    "Example",
    "eu_examples",
    "eu_folds",
    "eu_split",
    "eu_topic_family",
    "eu_topic_text",
    "eu_topic_unknown",
    "fold_examples",
    "label_eu_topic",
    "load_eu_topics",
    "load_hand_labels",
    "split_examples",
]

#: The staged EU call topics, relative to the shared data folder (``VINCULO_TEST_DATA``).
EU_CALLS_FILE = "eu_funding_calls_2026/call_topics_open_forthcoming.parquet"

#: The EU call topics labelled by hand (two annotators, disagreements adjudicated; the
#: procedure, the guidelines and the agreement are in the file's companion ``.md``).
EU_HAND_LABELS = Path(__file__).with_name("data") / "eu-call-topics-2026-labels.csv"

#: Priorities that no topic code names: an EU topic is a negative for them, except where
#: :func:`eu_topic_unknown` says its code cannot tell.
EU_UNLABELLED: frozenset[str] = frozenset({"lithium-value-chain"})

# Programme codes, the EU's call identifiers and topic codes ("HORIZON-CL5-2027-02-D3-07"):
# removed from the texts so that no code leaks into the features of a code-labelled text.
# A code has a segment of 4+ digits (the year; EuropeAid's number).
_CODE = re.compile(r"\b[A-Z][A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*[-/]\d{4,}(?:[-/][A-Za-z0-9]+)*\b")


@dataclass(frozen=True)
class Example:
    """A labelled text: its priorities (ids of a priorities file; empty: none of them).

    ``unknown`` holds the priorities on which the label says nothing: the example is
    neither a positive nor a negative for them. ``id`` and ``title`` name the example when
    it is shown as a similar known item.
    """

    text: str
    labels: frozenset[str] = frozenset()
    id: str = ""
    title: str = ""
    unknown: frozenset[str] = field(default=frozenset())

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", frozenset(self.labels))
        object.__setattr__(self, "unknown", frozenset(self.unknown))


def _segments(topic_id: str) -> list[str]:
    return topic_id.strip().upper().split("-")


def label_eu_topic(row: Mapping[str, Any]) -> set[str]:
    """The priorities of an EU call topic, read from its code (``topicId``) alone.

    Weak labels: a topic code names a programme, a cluster or destination and a theme, and
    these rules map them onto the priorities of ``priorities-mex-2026.yaml``. They look at
    the code only, never at the title or the text, so that a classifier of the text can be
    scored against them without circularity. Codes are split on ``-`` into segments
    (``HORIZON-CL5-2027-02-D3-07`` → ``HORIZON``, ``CL5``, ..., ``D3``, ``07``):

    ============================  ====================================================
    priority                      topic codes
    ============================  ====================================================
    aerospace                     a ``SPACE`` segment (Horizon Europe cluster 4 space,
                                  the EDF space topics); EDF topics with an ``AIR``
                                  segment (military aircraft: the priority covers the
                                  design and manufacturing of aircraft)
    supercomputing                ``EUROHPC`` (the EuroHPC Joint Undertaking)
    climate-change                Horizon cluster 5 destination 1 (climate science,
                                  ``CL5-…-D1``); any segment containing ``CLIMA``
                                  (the adaptation mission ``MISS-…-CLIMA``, LIFE
                                  ``CLIMA``, cluster 6 ``CLIMATE``, ``MISSCLIMA``);
                                  the climate-neutral cities mission (``MISS-…-CIT``)
    energy-transition             ``CL5-…-D3`` (energy supply) and ``D4`` (buildings
                                  and industry); LIFE clean energy transition (``CET``)
                                  and energy governance (``ENER``); the Connecting Europe
                                  Facility for energy (``CEF-E``); the renewable energy
                                  financing mechanism (``RENEWFM``); the Clean
                                  Industrial Deal (``HORIZON-CID``)
    batteries                     ``CL5-…-D2`` (the Batt4EU partnership's destination)
    electromobility               ``CL5-…-D5`` (clean transport); the alternative fuels
                                  infrastructure facility (``CEF-T-…-AFIF…``: charging)
    health-security               ``HLTH`` (cluster 1), ``EDCTP3``, ``IHI``, the cancer
                                  mission (``MISS-…-CANCER``)
    lithium-value-chain           none: no code names lithium (see
                                  :func:`eu_topic_unknown`)
    ============================  ====================================================

    A topic matched by no rule is a negative for every priority (none of them): most EU
    topics are (democracy, culture, agriculture, security, ...), except where
    :func:`eu_topic_unknown` says the code cannot tell. Not labelled, on purpose:
    Euratom (nuclear energy is not in the priority), cluster 5 destination 6 (automated
    and connected driving, not electric), coal and steel (RFCS). Known noise: destination
    5 also holds waterborne and air transport topics; ``HLTH`` and ``CANCER`` hold health
    research beyond health security (chronic diseases); development calls (EuropeAid)
    carry no theme in their code.

    Parameters
    ----------
    row
        A mapping with a ``topicId`` (a row of :func:`load_eu_topics`, a dict).

    Returns
    -------
    set of str
        Priority ids; empty for none.

    Examples
    --------
    >>> sorted(label_eu_topic({"topicId": "HORIZON-CL5-2026-09-D2-04"}))
    ['batteries']
    >>> sorted(label_eu_topic({"topicId": "HORIZON-HLTH-2027-01-ENVHLTH-MISSCLIMA-03"}))
    ['climate-change', 'health-security']
    >>> label_eu_topic({"topicId": "EDF-2026-DA-ACC-AIRDEF-EATMI"})  # air defence
    set()
    """
    segments = _segments(str(row["topicId"]))
    programme = segments[0]
    labels: set[str] = set()
    horizon_cl5 = programme == "HORIZON" and "CL5" in segments
    destinations = {s for s in segments if re.fullmatch(r"D\d", s)} if horizon_cl5 else set()
    if "SPACE" in segments or (programme == "EDF" and "AIR" in segments):
        labels.add("aerospace")
    if "EUROHPC" in segments:
        labels.add("supercomputing")
    if "D1" in destinations or any("CLIMA" in s for s in segments):
        labels.add("climate-change")
    if (
        destinations & {"D3", "D4"}
        or (programme == "LIFE" and {"CET", "ENER"} & set(segments))
        or segments[:2] == ["CEF", "E"]
        or programme == "RENEWFM"
        or segments[:2] == ["HORIZON", "CID"]
    ):
        labels.add("energy-transition")
    if "D2" in destinations:
        labels.add("batteries")
    if "D5" in destinations or (
        segments[:2] == ["CEF", "T"] and any(s.startswith("AFIF") for s in segments)
    ):
        labels.add("electromobility")
    if {"HLTH", "EDCTP3", "IHI"} & set(segments) or (
        programme == "HORIZON" and "MISS" in segments and "CANCER" in segments
    ):
        labels.add("health-security")
    return labels


def eu_topic_unknown(row: Mapping[str, Any]) -> set[str]:
    """The priorities on which an EU topic's code says nothing either way.

    Such a topic is neither a positive nor a negative for them: training leaves it out of
    those priorities, and so does scoring.

    - ``lithium-value-chain`` for the battery topics (cluster 5 destination 2): the
      priorities file's lithium chain runs from the mine to cathode materials, cells and
      packs, so a battery topic may or may not be about lithium and its code cannot tell.
    - ``climate-change`` and ``energy-transition`` for the climate-neutral cities mission
      (``HORIZON-MISS-…-CIT``) when no other rule labels it: its topics mix heating,
      microgrids, circular construction and logistics.

    >>> sorted(eu_topic_unknown({"topicId": "HORIZON-CL5-2026-10-D2-03"}))
    ['lithium-value-chain']
    >>> sorted(eu_topic_unknown({"topicId": "HORIZON-MISS-2027-04-CIT-01"}))
    ['climate-change', 'energy-transition']
    >>> eu_topic_unknown({"topicId": "HORIZON-CL5-2027-07-D3-11"})
    set()
    """
    labels = label_eu_topic(row)
    segments = _segments(str(row["topicId"]))
    unknown: set[str] = set()
    if "batteries" in labels:
        unknown |= EU_UNLABELLED
    if segments[0] == "HORIZON" and "MISS" in segments and "CIT" in segments:
        unknown |= {"climate-change", "energy-transition"} - labels
    return unknown


def eu_topic_family(row: Mapping[str, Any]) -> str:
    """The family of an EU topic's code: its programme, cluster and theme.

    The weak labels lump together families whose texts differ (Horizon space research
    and the European Defence Fund's aircraft; the climate adaptation mission and cluster
    6's climate topics): :func:`split_examples` stratifies by family so that no family
    is held out whole, which would measure transfer to texts of a kind never seen.

    >>> eu_topic_family({"topicId": "HORIZON-CL5-2027-02-D3-07"})
    'HORIZON CL5 D3'
    >>> eu_topic_family({"topicId": "EDF-2026-DA-AIR-SPS"})
    'EDF AIR'
    >>> eu_topic_family({"topicId": "HORIZON-MISS-2026-01-CLIMA-02"})
    'HORIZON MISS CLIMA'
    >>> eu_topic_family({"topicId": "HORIZON-JU-EUROHPC-2026-QML-07-01"})
    'HORIZON JU EUROHPC'
    >>> eu_topic_family({"topicId": "LIFE-2026-SAP-CLIMA-CCA"})
    'LIFE SAP CLIMA'
    >>> eu_topic_family({"topicId": "EuropeAid/186002/DD/ACT/MA"})
    'EUROPEAID'
    """
    segments = _segments(str(row["topicId"]))
    programme = segments[0].split("/")[0]
    rest = segments[1:]
    words = [s for s in rest if s.isalpha() and len(s) > 2]  # themes, not years or numbers
    parts = [programme]
    if programme == "HORIZON" and rest:
        cluster = rest[0]  # CL1 ... CL6, MISS, JU, HLTH, CID, EURATOM, ...
        parts.append(cluster)
        if cluster == "JU" and len(rest) > 1:
            parts.append(rest[1])  # the joint undertaking: EUROHPC, IHI, CBE, ...
        elif cluster == "CL5":
            parts += [s for s in rest if re.fullmatch(r"D\d", s)][:1]  # the destination
        elif cluster in ("CL2", "CL3", "CL4", "CL6", "MISS"):
            parts += [w for w in words if w != cluster][:1]  # SPACE, CLIMATE, CANCER, ...
    elif programme == "CEF" and rest:
        parts.append(rest[0])  # E (energy), T (transport), DIG
    elif programme == "EDF":
        parts += [s for s in rest if s in ("AIR", "SPACE")]
    elif programme == "LIFE":
        parts += words[:1] + (["CLIMA"] if "CLIMA" in rest else [])  # CET, SAP, ...
    return " ".join(parts)


def eu_topic_text(row: Mapping[str, Any]) -> str:
    """The text a classifier reads of an EU topic: title, description and the keywords,
    with programme, call and topic codes removed (they would give the label away).

    >>> eu_topic_text({"title": "Wind", "description": "See HORIZON-CL5-2026-D3-01.",
    ...                "keywords": ["HORIZON-CL5-2026-D3", "Wind energy"]})
    'Wind\\n\\nSee .\\n\\nWind energy'
    """
    keywords = row.get("keywords")
    if keywords is None or isinstance(keywords, float):  # missing (NaN)
        keywords = []
    elif isinstance(keywords, str):
        keywords = [keywords]
    parts = [
        str(row.get("title") or ""),
        str(row.get("description") or ""),
        ", ".join(k for k in (str(k).strip() for k in keywords) if not _CODE.fullmatch(k)),
    ]
    return "\n\n".join(" ".join(_CODE.sub("", p).split(" ")).strip() for p in parts if p)


def load_eu_topics(
    path: str | os.PathLike[str],
    labels: str = "codes",
    *,
    hand_labels: str | os.PathLike[str] = EU_HAND_LABELS,
) -> pd.DataFrame:
    """Read the EU call topics and add ``text``, ``labels`` and ``unknown`` columns.

    Parameters
    ----------
    path
        The Parquet file, or a folder holding it at :data:`EU_CALLS_FILE` (the shared data
        folder, as ``VINCULO_TEST_DATA`` names it). Read in place, never copied.
    labels
        ``"codes"``: weak labels from the topic codes (:func:`label_eu_topic`, with
        :func:`eu_topic_unknown`); ``"hand"``: the labels given by hand
        (:func:`load_hand_labels`; nothing unknown).
    hand_labels
        The hand labels' file (default: the one shipped, :data:`EU_HAND_LABELS`).

    Returns
    -------
    pandas.DataFrame
        The file's columns (``topicId``, ``title``, ``description``, ``keywords``, ...),
        ``text`` (:func:`eu_topic_text`), ``labels`` (a frozenset) and ``unknown`` (a
        frozenset), sorted by ``topicId``.

    Raises
    ------
    TextError
        The file is missing or lacks ``topicId``, ``title`` or ``description``; a topic has
        no hand label; ``labels`` is neither ``"codes"`` nor ``"hand"``.
    """
    if labels not in ("codes", "hand"):
        raise TextError(f"labels must be 'codes' or 'hand', not {labels!r}")
    file = Path(path)
    if file.is_dir():
        file = file / EU_CALLS_FILE
    if not file.is_file():
        raise TextError(f"{file}: no such file")
    try:
        frame = pd.read_parquet(file)
    except (OSError, ValueError) as error:
        raise TextError(f"{file}: cannot read: {error}") from None
    missing = [c for c in ("topicId", "title", "description") if c not in frame.columns]
    if missing:
        raise TextError(f"{file}: missing column(s) {', '.join(missing)}")
    if "keywords" not in frame.columns:
        frame["keywords"] = None
    frame = frame.sort_values("topicId", kind="stable").reset_index(drop=True)
    records = [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]
    frame["text"] = pd.Series([eu_topic_text(r) for r in records], index=frame.index)
    if labels == "hand":
        given = load_hand_labels(hand_labels)
        missing_ids = [str(r["topicId"]) for r in records if str(r["topicId"]) not in given]
        if missing_ids:
            raise TextError(
                f"{hand_labels}: no hand label for {len(missing_ids)} topic(s) of {file}, "
                f"e.g. {missing_ids[0]}"
            )
        found = [given[str(r["topicId"])] for r in records]
        unknown: list[frozenset[str]] = [frozenset()] * len(records)
    else:
        found = [frozenset(label_eu_topic(r)) for r in records]
        unknown = [frozenset(eu_topic_unknown(r)) for r in records]
    frame["labels"] = pd.Series(found, index=frame.index, dtype=object)
    frame["unknown"] = pd.Series(unknown, index=frame.index, dtype=object)
    return frame


def load_hand_labels(
    path: str | os.PathLike[str] = EU_HAND_LABELS,
    known: Collection[str] | None = None,
) -> dict[str, frozenset[str]]:
    """The hand labels of the EU call topics: ``topicId`` → priority ids.

    The file is a CSV with the columns ``topicId`` and ``labels`` (ids separated by
    ``;``, empty for none of them) and, for the record, each annotator's labels and the
    adjudication of their disagreements.

    Parameters
    ----------
    path
        The CSV (default: the one shipped, :data:`EU_HAND_LABELS`).
    known
        The ids a label may take (default: the shipped priorities file's).

    Raises
    ------
    TextError
        Naming the file, the row and the field: a missing column, an empty or repeated
        ``topicId``, an id not in ``known``.

    >>> labels = load_hand_labels()
    >>> len(labels), sorted(labels["CEF-T-2026-AFIFGEN-COSTS"])
    (428, ['electromobility'])
    """
    import csv

    if known is None:
        from vinculo.strategy.priorities import default_priorities

        known = {p.id for p in default_priorities().priorities}
    file = Path(path)
    try:
        with file.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in ("topicId", "labels") if c not in (reader.fieldnames or [])]
            if missing:
                raise TextError(f"{file}: missing column(s) {', '.join(missing)}")
            found: dict[str, frozenset[str]] = {}
            for row_number, row in enumerate(reader, start=2):
                topic = (row.get("topicId") or "").strip()
                if not topic:
                    raise TextError(f"{file}, row {row_number}, topicId: empty")
                if topic in found:
                    raise TextError(f"{file}, row {row_number}, topicId: {topic} is repeated")
                ids = frozenset(x.strip() for x in (row.get("labels") or "").split(";"))
                ids -= {""}
                unknown = sorted(ids - set(known))
                if unknown:
                    raise TextError(
                        f"{file}, row {row_number}, labels: unknown priority {', '.join(unknown)}"
                    )
                found[topic] = ids
    except (OSError, UnicodeDecodeError) as error:
        raise TextError(f"{file}: cannot read: {error}") from None
    return found


def eu_examples(frame: pd.DataFrame) -> list[Example]:
    """The rows of :func:`load_eu_topics` as :class:`Example` (id: the topic code)."""
    return [
        Example(
            text=str(r["text"]),
            labels=frozenset(r["labels"]),
            id=str(r["topicId"]),
            title=str(r["title"]),
            unknown=frozenset(r["unknown"]),
        )
        for r in frame.to_dict(orient="records")
    ]


def _digest(key: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def _groups(
    examples: Sequence[Example], strata: Sequence[str] | None, seed: int
) -> list[list[int]]:
    """The positions of ``examples`` grouped by label set and stratum (groups in the order
    of their keys), each group ordered by the SHA-256 of ``seed`` and the example's id (its
    text when the id is empty)."""
    if strata is not None and len(strata) != len(examples):
        raise ValueError(f"{len(examples)} examples but {len(strata)} strata")
    groups: defaultdict[tuple[tuple[str, ...], str], list[int]] = defaultdict(list)
    for position, example in enumerate(examples):
        stratum = strata[position] if strata is not None else ""
        groups[tuple(sorted(example.labels)), stratum].append(position)
    return [
        sorted(groups[key], key=lambda i: _digest(examples[i].id or examples[i].text, seed))
        for key in sorted(groups)
    ]


def split_examples(
    examples: Sequence[Example],
    test_fraction: float = 0.3,
    *,
    seed: int = 0,
    strata: Sequence[str] | None = None,
) -> tuple[list[Example], list[Example]]:
    """Split examples into train and test, the same way on every machine.

    Examples are grouped by their label set (``{batteries}``, ``{}``, ...) and, if given,
    their stratum; within a group they are ordered by the SHA-256 of ``seed`` and their
    ``id`` (their text when the id is empty), and the first ``round(test_fraction ×
    size)`` go to the test split — at least one in a group of two or more, so that every
    label (and stratum) seen twice is tested, and none is held out whole.

    Parameters
    ----------
    examples
        Labelled examples with distinct ids.
    test_fraction
        Share of each group held out, in (0, 1).
    seed
        Changes the split, deterministically.
    strata
        For each example, a finer group (e.g. :func:`eu_topic_family`).

    Returns
    -------
    train, test : list of Example
        In the order of ``examples``.

    Examples
    --------
    >>> pool = [Example(f"text {i}", {"aerospace"} if i < 4 else set(), id=str(i))
    ...         for i in range(10)]
    >>> train, test = split_examples(pool, 0.3)
    >>> len(train), len(test), sum("aerospace" in e.labels for e in test)
    (7, 3, 1)
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), not {test_fraction}")
    held_out: set[int] = set()
    for ordered in _groups(examples, strata, seed):
        size = round(test_fraction * len(ordered))
        if len(ordered) >= 2:
            size = max(size, 1)
        held_out.update(ordered[:size])
    train = [e for i, e in enumerate(examples) if i not in held_out]
    test = [e for i, e in enumerate(examples) if i in held_out]
    return train, test


def fold_examples(
    examples: Sequence[Example],
    k: int = 5,
    *,
    seed: int = 0,
    strata: Sequence[str] | None = None,
) -> list[int]:
    """Assign examples to ``k`` folds for cross-validation, the same way on every machine.

    Grouped like :func:`split_examples` (label set and, if given, stratum); within a group,
    examples are ordered by the SHA-256 of ``seed`` and their id and dealt to the folds in
    turn, each group starting where the last one stopped, so that every fold holds a
    share of every label (a label with fewer than ``k`` examples is in that many folds).

    Returns
    -------
    list of int
        The fold (0 .. k-1) of each example, in the order of ``examples``.

    >>> pool = [Example(f"text {i}", {"aerospace"} if i < 5 else set(), id=str(i))
    ...         for i in range(20)]
    >>> folds = fold_examples(pool, 5)
    >>> sorted(folds[:5]), [folds.count(f) for f in range(5)]
    ([0, 1, 2, 3, 4], [4, 4, 4, 4, 4])
    """
    if k < 2:
        raise ValueError(f"k must be at least 2, not {k}")
    folds = [0] * len(examples)
    turn = 0
    for ordered in _groups(examples, strata, seed):
        for i in ordered:
            folds[i] = turn % k
            turn += 1
    return folds


def eu_folds(frame: pd.DataFrame, k: int = 5, *, seed: int = 0) -> list[int]:
    """The folds of the EU topics of :func:`load_eu_topics` (:func:`fold_examples`, within
    label set and code family)."""
    records = [{str(k_): v for k_, v in r.items()} for r in frame.to_dict(orient="records")]
    strata = [eu_topic_family(r) for r in records]
    return fold_examples(eu_examples(frame), k, seed=seed, strata=strata)


def eu_split(
    frame: pd.DataFrame, test_fraction: float = 0.3, *, seed: int = 0
) -> tuple[list[Example], list[Example]]:
    """The EU topics of :func:`load_eu_topics` split into train and test, stratified by
    label set and code family (:func:`split_examples`, :func:`eu_topic_family`)."""
    records = [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]
    strata = [eu_topic_family(r) for r in records]
    return split_examples(eu_examples(frame), test_fraction, seed=seed, strata=strata)


def label_counts(examples: Iterable[Example], labels: Collection[str]) -> dict[str, int]:
    """How many examples carry each label (0 for those none carries)."""
    counts = dict.fromkeys(labels, 0)
    for example in examples:
        for label in example.labels:
            counts[label] = counts.get(label, 0) + 1
    return counts
