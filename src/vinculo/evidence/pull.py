"""``vinculo data pull``: every source's files into the store, from a mirror folder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vinculo.evidence.sources import atlas, atlas_rankings, ncses, openalex, ots, ror
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult

__all__ = ["SOURCES", "PullResult", "pull"]

Importer = Callable[[EvidenceStore, Path], ImportResult]

# Source name -> its files, as (path below a mirror folder, importer). The mirror layout is
# the one of ../shared/data: one folder per dataset.
SOURCES: dict[str, list[tuple[str, Importer]]] = {
    "atlas": [*atlas.STAGED, *atlas_rankings.STAGED],
    "ots": list(ots.STAGED),
    "ncses": list(ncses.STAGED),
    "openalex": list(openalex.STAGED),
    "ror": list(ror.STAGED),
}


@dataclass(frozen=True)
class PullResult:
    source: str
    path: Path
    result: ImportResult


def pull(
    store: EvidenceStore,
    names: Sequence[str] = (),
    *,
    mirror: Path | None,
    on_file: Callable[[str, Path], None] | None = None,
) -> list[PullResult]:
    """Import every file of the named sources (all when none is named) from ``mirror``.

    Each file is imported in its own transaction: a failure leaves what was already
    imported in place and the failing file not imported at all; running again imports the
    rest (files already in the store are recognized by checksum and skipped).
    """
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise EvidenceError(f"unknown source(s) {unknown}; one of {sorted(SOURCES)}")
    if mirror is None:
        raise EvidenceError(
            "downloading from the public sources is not available yet; set VINCULO_MIRROR "
            "to a folder laid out like ../shared/data (see docs/evidence.md)"
        )
    results = []
    for name in names or list(SOURCES):
        for relative, importer in SOURCES[name]:
            path = mirror / relative
            if not path.is_file():
                raise EvidenceError(f"{path}: not in the mirror (source {name!r} expects it)")
            if on_file is not None:
                on_file(name, path)
            results.append(PullResult(name, path, importer(store, path)))
    return results
