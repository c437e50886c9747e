"""The texts of a priorities file as labelled examples: what a classifier knows before
anyone labels anything."""

from __future__ import annotations

from vinculo.strategy.priorities import Priorities
from vinculo.text.corpus import Example

__all__ = ["prior_examples"]


def prior_examples(priorities: Priorities) -> list[Example]:
    """The texts of a priorities file as labelled examples, in every language it uses.

    Per priority and language: its name with its description; each keyword on its own;
    its name with the names of its value-chain stages. These let a classifier work with no
    labelled data at all, in Spanish and English alike.

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
    return examples
