"""ISO 3166 codes: conversion at the edges, and countries kept apart from aggregates."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

import pandas as pd
import pycountry

__all__ = ["AGGREGATES", "CodeScheme", "locations_table", "to_iso3"]

CodeScheme = Literal["iso3", "iso2", "numeric"]

# Codes that name groups of countries (World Bank / WDI and NCSES usage). They may be
# stored, but they are never countries: rankings and recommendations leave them out.
AGGREGATES: dict[str, str] = {
    "WLD": "World",
    "EUU": "European Union",
    "EU27": "European Union (27 members)",
    "EU28": "European Union (28 members, with the United Kingdom)",
    "EMU": "Euro area",
    "OED": "OECD members",
    "HIC": "High income",
    "UMC": "Upper middle income",
    "LMC": "Lower middle income",
    "LIC": "Low income",
    "MIC": "Middle income",
    "LMY": "Low and middle income",
    "EAS": "East Asia and Pacific",
    "ECS": "Europe and Central Asia",
    "LCN": "Latin America and Caribbean",
    "MEA": "Middle East and North Africa",
    "NAC": "North America",
    "SAS": "South Asia",
    "SSF": "Sub-Saharan Africa",
    # the other groups the World Bank's Indicators API lists with the countries
    "AFE": "Africa Eastern and Southern",
    "AFW": "Africa Western and Central",
    "ARB": "Arab World",
    "CEB": "Central Europe and the Baltics",
    "CSS": "Caribbean small states",
    "EAP": "East Asia and Pacific (excluding high income)",
    "EAR": "Early-demographic dividend",
    "ECA": "Europe and Central Asia (excluding high income)",
    "FCS": "Fragile and conflict affected situations",
    "HPC": "Heavily indebted poor countries (HIPC)",
    "IBD": "IBRD only",
    "IBT": "IDA and IBRD total",
    "IDA": "IDA total",
    "IDB": "IDA blend",
    "IDX": "IDA only",
    "LAC": "Latin America and Caribbean (excluding high income)",
    "LDC": "Least developed countries (UN classification)",
    "LTE": "Late-demographic dividend",
    "MNA": "Middle East and North Africa (excluding high income)",
    "OSS": "Other small states",
    "PRE": "Pre-demographic dividend",
    "PSS": "Pacific island small states",
    "PST": "Post-demographic dividend",
    "SSA": "Sub-Saharan Africa (excluding high income)",
    "SST": "Small states",
    "TEA": "East Asia and Pacific (IDA and IBRD countries)",
    "TEC": "Europe and Central Asia (IDA and IBRD countries)",
    "TLA": "Latin America and the Caribbean (IDA and IBRD countries)",
    "TMN": "Middle East and North Africa (IDA and IBRD countries)",
    "TSA": "South Asia (IDA and IBRD)",
    "TSS": "Sub-Saharan Africa (IDA and IBRD countries)",
}

# Alpha-3 codes ISO replaced without the country changing, still found in trade data
# (e.g. ROM in Open Trade Statistics before 2002): read as the current code.
_REPLACED_ALPHA3: dict[str, str] = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS"}

# Codes in common use that ISO 3166-1 leaves to users: treated as countries.
_USER_ASSIGNED: dict[str, tuple[str, str]] = {"XKX": ("XK", "Kosovo")}


@cache
def locations_table() -> pd.DataFrame:
    """Every known location code: ``code`` (alpha-3 or aggregate code), ``name``, ``kind``
    (``country``, ``historic`` — e.g. SUN, YUG, SCG — or ``aggregate``), ``iso2`` and
    ``numeric`` where ISO has them."""
    rows: list[tuple[str, str, str, Any, Any]] = [
        (c.alpha_3, c.name, "country", c.alpha_2, c.numeric) for c in pycountry.countries
    ]
    rows += [(code, name, "country", iso2, None) for code, (iso2, name) in _USER_ASSIGNED.items()]
    rows += [
        (h.alpha_3, h.name, "historic", getattr(h, "alpha_2", None), getattr(h, "numeric", None))
        for h in pycountry.historic_countries
        if pycountry.countries.get(alpha_3=h.alpha_3) is None
    ]
    rows += [(code, name, "aggregate", None, None) for code, name in AGGREGATES.items()]
    table = pd.DataFrame(rows, columns=["code", "name", "kind", "iso2", "numeric"])
    return table.drop_duplicates("code").reset_index(drop=True)


@cache
def _lookup(scheme: CodeScheme) -> dict[str, str]:
    table = locations_table()
    if scheme == "iso3":
        return {code: code for code in table["code"]} | _REPLACED_ALPHA3
    column = "iso2" if scheme == "iso2" else "numeric"
    known = table.dropna(subset=[column])
    # a current country wins over a historic one holding the same alpha-2 or number
    known = known.sort_values("kind", key=lambda kind: kind != "country")
    mapping: dict[str, str] = {}
    for key, code in zip(known[column], known["code"], strict=True):
        mapping.setdefault(str(key), code)
    return mapping


def to_iso3(values: pd.Series, scheme: CodeScheme = "iso3") -> pd.Series:
    """Convert codes to the alpha-3 codes used inside Vínculo; unknown codes become NA.

    Input is stripped and upper-cased (numeric codes are zero-padded to three digits).

    Examples
    --------
    >>> to_iso3(pd.Series(["mx", "NA", "XK", "ZZ"]), "iso2").tolist()
    ['MEX', 'NAM', 'XKX', nan]
    >>> to_iso3(pd.Series(["484", "36"]), "numeric").tolist()
    ['MEX', 'AUS']
    >>> to_iso3(pd.Series(["WLD", "SUN", "ROM"])).tolist()
    ['WLD', 'SUN', 'ROU']
    """
    text = values.astype("string").str.strip().str.upper()
    if scheme == "numeric":
        text = text.str.zfill(3)
    return text.map(_lookup(scheme)).astype(object).where(lambda s: s.notna(), float("nan"))
