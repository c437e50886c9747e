"""Open Trade Statistics (built from UN Comtrade): country × HS07 product × year exports."""

from __future__ import annotations

from pathlib import Path

from vinculo.evidence.sources.generic import import_file
from vinculo.evidence.store import EvidenceStore, ImportResult

__all__ = ["STAGED", "import_staged_hs07"]


def import_staged_hs07(store: EvidenceStore, path: str | Path) -> ImportResult:
    """The staged 1962/1980/2017 HS07 4-digit table (as shipped in the economiccomplexity R
    package in 2019)."""
    return import_file(store, "ots-hs07-exports", path, vintage="ots-via-economiccomplexity-2019")


STAGED = [("ots_hs07_exports_1962_1980_2017/exports_hs07_4digit.parquet", import_staged_hs07)]
