"""The texts of a priorities file as labelled examples: what a classifier knows before
anyone labels anything."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from vinculo.strategy.priorities import Priorities
from vinculo.text.corpus import Example

__all__ = ["SCOPE_FILE", "prior_examples", "scope_examples"]

#: What each priority of the shipped priorities file covers and does not cover, in the
#: words of calls and offers (English and Spanish), written from the labelling guidelines.
SCOPE_FILE = Path(__file__).with_name("data") / "priority-scope-mex-2026.yaml"


@lru_cache(maxsize=4)
def _scope(path: Path) -> tuple[Example, ...]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    found: list[Example] = []
    for priority, languages in data["include"].items():
        for language, phrases in languages.items():
            for number, phrase in enumerate(phrases):
                found.append(
                    Example(
                        str(phrase),
                        frozenset({str(priority)}),
                        id=f"{priority}:scope:{language}:{number}",
                        title=str(phrase),
                    )
                )
    for number, entry in enumerate(data["exclude"]):
        for language in ("en", "es"):
            if language in entry:
                found.append(
                    Example(
                        str(entry[language]),
                        frozenset(str(x) for x in entry.get("labels") or ()),
                        id=f"outside:scope:{language}:{number}",
                        title=str(entry[language]),
                    )
                )
    return tuple(found)


def scope_examples(priorities: Priorities, path: Path = SCOPE_FILE) -> list[Example]:
    """The scope texts (:data:`SCOPE_FILE`) of the priorities of ``priorities``: what each
    covers (positives of that priority) and what none of them covers (negatives of those
    it could be taken for). Texts about a priority the file does not have are left out,
    and so are all the exclusions when none of the file's ids is described.

    >>> from vinculo.strategy.priorities import default_priorities
    >>> texts = scope_examples(default_priorities())
    >>> [e.text for e in texts if e.id == "aerospace:scope:en:1"]
    ['drones, unmanned aerial vehicles and remotely piloted aircraft systems']
    """
    ids = {p.id for p in priorities.priorities}
    everything = _scope(path)
    if not ids & {label for e in everything for label in e.labels}:
        return []
    return [e for e in everything if e.labels <= ids]


def prior_examples(priorities: Priorities, *, scope: bool = False) -> list[Example]:
    """The texts of a priorities file as labelled examples, in every language it uses.

    Per priority and language: its name with its description; each keyword on its own;
    its name with the names of its value-chain stages. These let a classifier work with no
    labelled data at all, in Spanish and English alike. With ``scope``, the scope texts
    of :func:`scope_examples` follow.

    >>> from vinculo.strategy.priorities import default_priorities
    >>> priors = prior_examples(default_priorities())
    >>> [e.text for e in priors if e.id.startswith("batteries:keyword:es")][:2]
    ['baterías', 'baterías de ion-litio']
    """
    examples: list[Example] = []
    for priority in priorities.priorities:
        labels = frozenset({priority.id})
        languages = sorted(set(priority.name) | set(priority.description) | set(priority.keywords))
        for language in languages:
            name = priority.name.get(language, "")
            description = priority.description.get(language, "")
            if name or description:
                examples.append(
                    Example(
                        f"{name}. {description}".strip(". "),
                        labels,
                        id=f"{priority.id}:description:{language}",
                        title=name or description,
                    )
                )
            for number, keyword in enumerate(priority.keywords.get(language, ())):
                examples.append(
                    Example(
                        keyword,
                        labels,
                        id=f"{priority.id}:keyword:{language}:{number}",
                        title=keyword,
                    )
                )
            stages = [s.name[language] for s in priority.chain if language in s.name]
            if stages:
                examples.append(
                    Example(
                        f"{name}: {'; '.join(stages)}",
                        labels,
                        id=f"{priority.id}:chain:{language}",
                        title=f"{name}: {'; '.join(stages)}",
                    )
                )
    if scope:
        examples += scope_examples(priorities)
    return examples
