"""Reference taxonomies shipped with Vínculo: names for the codes the evidence tables hold."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

__all__ = ["openalex_subfields"]

_COLUMNS = ["subfield_id", "name_en", "name_es", "field_id", "field_name_en", "field_name_es"]


@cache
def _subfields() -> pd.DataFrame:
    with (
        resources.files("vinculo.evidence")
        .joinpath("data/openalex_subfields.csv")
        .open(encoding="utf-8") as handle
    ):
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    if list(frame.columns) != _COLUMNS:  # pragma: no cover - a broken installation
        raise RuntimeError(f"openalex_subfields.csv: columns {list(frame.columns)}")
    return frame


def openalex_subfields() -> pd.DataFrame:
    """OpenAlex's subfields with their fields, in English and Spanish: one row per
    subfield, ``subfield_id, name_en, name_es, field_id, field_name_en, field_name_es``,
    ids as text (``"2105"``, ``"21"``) as ``publications.field`` holds them for taxonomy
    ``openalex-subfield``. Sources and the translation: ``vinculo/evidence/data/README.md``.

    Examples
    --------
    >>> table = openalex_subfields().set_index("subfield_id")
    >>> len(table), table["field_id"].nunique()
    (252, 26)
    >>> table.loc["2105", ["name_es", "field_name_en"]].tolist()
    ['Energías renovables, sostenibilidad y medio ambiente', 'Energy']
    """
    return _subfields().copy()
