"""IEA Global EV Outlook data: electric car sales, stock and sales share per country.

Publisher
---------
International Energy Agency (IEA), Global EV Outlook 2024 / Global EV Data Explorer; the file
``IEA Global EV Data 2024.csv`` is the explorer's full export (staged README
``iea_global_ev_data_2024/README.md``; the same file is re-hosted in several repositories).
Columns ``region, category, parameter, mode, powertrain, year, unit, value``; one row per
region × category (``Historical``, ``Projection-STEPS``, ``Projection-APS``) × parameter
(``EV sales``, ``EV stock``, ``EV sales share``, ``EV stock share``, ``EV charging points``,
...) × mode (``Cars``, ``Buses``, ``Vans``, ``Trucks``, ``EV``) × powertrain (``BEV``,
``PHEV``, ``FCEV``, ``EV``, ...) × year.

Licence as stated: none in the file. The staged README recalls IEA's citation "IEA (2024),
Global EV Data Explorer, IEA, Paris, Licence: CC BY 4.0" from memory and asks for it to be
verified; a third-party provenance record (hopeanddespair.world, reading
``api.iea.org/evs``) also says CC BY 4.0. **Not verified** against IEA's own terms.

Address: no stable one for this vintage. The explorer's data come from
``https://api.iea.org/evs`` (seen in third-party code; not verified), which serves the
current edition, not the 2024 one; IEA's data-product pages were not checked (they may need
an account). The original is mirror-only (:data:`ORIGINAL_FOLDER`): put the export in
``<mirror>/iea/``.

What is stored
--------------
Dataset ``iea-global-ev-data``, vintage ``iea-gevo-YYYY`` (the edition, from the file name,
or passed as ``edition``), in ``country_indicators``, from category ``Historical`` and mode
``Cars`` only, years as present (2010–2023 in the 2024 edition):

- ``ev_sales_cars``: parameter ``EV sales``, powertrains ``BEV`` + ``PHEV`` (vehicles);
- ``ev_stock_cars``: parameter ``EV stock``, ``BEV`` + ``PHEV`` (vehicles);
- ``ev_sales_share_cars_pct``: parameter ``EV sales share``, powertrain ``EV`` (percent, as
  published).

Regions: countries by :data:`NAMES` (``USA``, ``Korea``, ``Turkiye``...) or exact ISO 3166
names; ``World`` → ``WLD`` and ``EU27`` → ``EU27`` (aggregates the store knows, kept apart
from countries by ``rows()``); the other regional aggregates (:data:`SKIPPED_REGIONS`:
``Europe``, ``Rest of the world``) are skipped and counted in the INFO log. An unknown region,
a missing column, an empty cell, a non-numeric value, a unit other than ``Vehicles`` /
``percent`` for these parameters, or a region × parameter × powertrain × year twice is an
error naming the file, line and column.

Read as documented vs assumed
-----------------------------
Assumed: the export omits a powertrain with no vehicles, so where a country-year has a BEV
row and no PHEV row (93 country-years of sales in the 2024 edition, 64 of stock; one has PHEV
and no BEV) the missing one counts as 0 — as the staged cross-check file does; where neither
is present there is no row. FCEV (fuel cell) cars are not EVs here. Caveats (staged README):
about 50 countries are listed individually, the rest sit in "Rest of the world"; IEA rounds
recent values (China 8.1 M); "Korea" is the Republic of Korea.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

from vinculo.evidence.sources._checks import numbers, present, row_error, store_rows
from vinculo.evidence.sources.top500 import country_names
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult
from vinculo.evidence.tables import TableError, TableSource, read_table

__all__ = [
    "AGGREGATES",
    "INDICATORS",
    "NAMES",
    "ORIGINAL_FOLDER",
    "SKIPPED_REGIONS",
    "SOURCE",
    "STAGED",
    "edition_of",
    "import_ev_data",
]

logger = logging.getLogger(__name__)

SOURCE = "iea"
DATASET = "iea-global-ev-data"
ORIGINAL_FOLDER = "iea"
COLUMNS = ("region", "category", "parameter", "mode", "powertrain", "year", "unit", "value")

#: indicator → (parameter, powertrains summed, unit), for category Historical, mode Cars.
INDICATORS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "ev_sales_cars": ("EV sales", ("BEV", "PHEV"), "Vehicles"),
    "ev_stock_cars": ("EV stock", ("BEV", "PHEV"), "Vehicles"),
    "ev_sales_share_cars_pct": ("EV sales share", ("EV",), "percent"),
}

#: IEA regions stored under the store's aggregate codes.
AGGREGATES: dict[str, str] = {"World": "WLD", "EU27": "EU27"}
#: IEA regional aggregates the store does not know: skipped and counted.
SKIPPED_REGIONS: dict[str, str] = {
    "Europe": "IEA's Europe region",
    "Rest of the world": "the countries not listed individually",
}
#: IEA region names that are not an exact ISO 3166 name, with their alpha-3 code.
NAMES: dict[str, str] = {
    "USA": "USA",
    "Korea": "KOR",
    "Turkiye": "TUR",
    "Türkiye": "TUR",
    "Czech Republic": "CZE",
    "United Kingdom": "GBR",
    "Netherlands": "NLD",
    "Russia": "RUS",
    "Vietnam": "VNM",
}

_EDITION = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def edition_of(path: str | Path) -> int:
    """The edition year in the file name (``IEA Global EV Data 2024.csv``).

    >>> edition_of("IEA_Global_EV_Data_2024.csv")
    2024
    """
    found = _EDITION.findall(Path(path).name)
    if len(found) != 1:
        raise EvidenceError(
            f"{path}: cannot tell the edition from the file name (expected one year, as in "
            "'IEA Global EV Data 2024.csv'); pass edition="
        )
    return int(found[0])


def import_ev_data(
    store: EvidenceStore, path: str | Path, *, edition: int | None = None
) -> ImportResult:
    """Import the Global EV Data Explorer export: historical electric car sales, stock and
    sales share per country, the world (``WLD``) and the EU (``EU27``)."""
    edition = edition or edition_of(path)
    try:
        frame, source = read_table(path, text_columns=COLUMNS)
    except TableError as error:
        raise EvidenceError(str(error)) from None
    absent = [c for c in COLUMNS if c not in frame.columns]
    if absent:
        raise EvidenceError(
            f"{path}: column(s) {absent} not found; the file has {list(frame.columns)}"
        )
    if frame.empty:
        raise EvidenceError(f"{path}: no rows")
    text = {
        c: present(frame[c], source, c).astype(str).str.strip()
        for c in ("category", "parameter", "mode", "powertrain")
    }
    wanted = (text["category"] == "Historical") & (text["mode"] == "Cars")
    chosen = pd.Series(pd.NA, index=frame.index, dtype=object)
    for indicator, (parameter, powertrains, _) in INDICATORS.items():
        chosen[wanted & (text["parameter"] == parameter) & text["powertrain"].isin(powertrains)] = (
            indicator
        )
    used = frame.loc[chosen.notna().to_numpy()]
    if used.empty:
        raise EvidenceError(f"{path}: no historical car EV sales, stock or sales share")
    regions = present(used["region"], source, "region").astype(str).str.strip()
    skipped = regions.isin(list(SKIPPED_REGIONS)).to_numpy()
    dropped = regions[skipped].value_counts()
    used, regions = used.loc[~skipped], regions[~skipped]
    indicators = chosen[used.index]
    _check_units(used, indicators, source)
    codes = regions.map(AGGREGATES).astype(object)
    countries = codes.isna().to_numpy()
    if countries.any():
        codes[countries] = country_names(
            regions[countries], source, "region", NAMES, "iea.NAMES"
        ).to_numpy()
    years = numbers(present(used["year"], source, "year"), source, "year", whole=True)
    values = numbers(present(used["value"], source, "value"), source, "value")
    long = pd.DataFrame(
        {
            "year": years.astype("int64"),
            "country": codes.to_numpy(),
            "indicator": indicators.to_numpy(),
            "powertrain": text["powertrain"][used.index].to_numpy(),
            "value": values.to_numpy(),
        },
        index=used.index,
    )
    twice = long.duplicated(["year", "country", "indicator", "powertrain"], keep=False)
    if twice.any():
        raise row_error(
            source,
            used.index[twice.to_numpy()],
            "region",
            "a region, parameter, powertrain and year appear twice",
        )
    # an absent BEV or PHEV row counts as 0 when the other is there (module notes)
    rows = long.groupby(["year", "country", "indicator"], as_index=False)["value"].sum()
    logger.info(
        "%s: %d rows; skipped %d row(s) of regional aggregates the store does not know (%s)",
        path,
        len(rows),
        int(skipped.sum()),
        ", ".join(f"{name}: {count}" for name, count in dropped.items()) or "none",
    )
    return store_rows(
        store,
        "country_indicators",
        rows,
        source,
        source=SOURCE,
        vintage=f"iea-gevo-{edition}",
        name=DATASET,
    )


def _check_units(used: pd.DataFrame, indicators: pd.Series, source: TableSource) -> None:
    units = used["unit"].astype(str).str.strip()
    expected = indicators.map({k: unit for k, (_, _, unit) in INDICATORS.items()})
    wrong = used.index[(units != expected).to_numpy()]
    if len(wrong):
        raise row_error(
            source,
            wrong,
            "unit",
            f"unit {units[wrong[0]]!r} for {indicators[wrong[0]]}, expected {expected[wrong[0]]!r}",
        )


STAGED = [("iea_global_ev_data_2024/IEA_Global_EV_Data_2024.csv", import_ev_data)]
