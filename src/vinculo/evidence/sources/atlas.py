"""Atlas of Economic Complexity (Harvard Growth Lab): country × product × year exports."""

from __future__ import annotations

from pathlib import Path

from vinculo.evidence.sources.generic import import_file
from vinculo.evidence.store import EvidenceStore, ImportResult

__all__ = ["STAGED", "import_staged_hs92_2016"]


def import_staged_hs92_2016(store: EvidenceStore, path: str | Path) -> ImportResult:
    """The staged 2016 HS92 4-digit table (Growth Lab Dataverse release, as shipped in the
    SCCA R package at commit 3cda125 of 2020-04-27)."""
    return import_file(store, "atlas-hs92-exports", path, vintage="dataverse-via-scca-2020-04-27")


# (path below a mirror folder laid out like ../shared/data, importer)
STAGED = [("atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet", import_staged_hs92_2016)]
