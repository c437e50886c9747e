"""Benchmark panels: the staged real tables, and synthetic panels derived from them.

Synthetic panels are deterministic (seeded ``numpy.random.default_rng``) and cached as
Parquet, so every benchmark child process reads the same bytes:

- ``hs4-20y``: the real 2016 HS92 4-digit table repeated for 1997–2016, every value
  multiplied by log-normal noise (sigma 0.05) drawn per row and year, rounded to integers.
- ``hs6-2y`` / ``hs6-20y``: each HS4 product of the real table split into four pseudo HS6
  products (``XXXX01`` … ``XXXX04``) with Dirichlet(1, 1, 1, 1) shares drawn once per
  (country, product); then the same per-year noise, for 2015–2016 or 1997–2016.

The noise of a year depends only on (seed, product digits, year), so ``hs6-2y`` equals the
last two years of ``hs6-20y``. Cells that round to 0 are dropped, as in the real tables
(which list non-zero flows only).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["PANELS", "Panel", "panel_file"]

SEED = 20_160_101
NOISE_SIGMA = 0.05
HS6_SPLIT = 4
# Bump when the generator changes, so stale cached panels are rebuilt.
GENERATOR_VERSION = 1

ATLAS_2016 = "atlas_hs92_exports_2016/exports_hs92_4digit_2016.parquet"
OTS_3Y = "ots_hs07_exports_1962_1980_2017/exports_hs07_4digit.parquet"


@dataclass(frozen=True)
class Panel:
    """One benchmark input: where its rows come from and which columns are the keys."""

    name: str
    description: str
    source: str  # path relative to the data directory
    location: str
    item: str
    value: str
    years: tuple[int, ...] | None = None  # synthetic panels only
    hs6: bool = False

    @property
    def synthetic(self) -> bool:
        return self.years is not None

    @property
    def columns(self) -> list[str]:
        return ["year", self.location, self.item, self.value]


_ATLAS_COLUMNS = {"location": "country_code", "item": "hs92_code", "value": "export_value_usd"}

PANELS: dict[str, Panel] = {
    panel.name: panel
    for panel in (
        Panel("hs4-2016", "real Atlas HS92 4-digit exports, 2016", ATLAS_2016, **_ATLAS_COLUMNS),
        Panel(
            "hs4-20y",
            "real 2016 HS4 table × 20 years (1997–2016), log-normal noise σ=0.05",
            ATLAS_2016,
            years=tuple(range(1997, 2017)),
            **_ATLAS_COLUMNS,
        ),
        Panel(
            "hs6-2y",
            "pseudo HS6 (each HS4 split in 4, Dirichlet shares) × 2 years (2015–2016), noise",
            ATLAS_2016,
            years=(2015, 2016),
            hs6=True,
            **_ATLAS_COLUMNS,
        ),
        Panel(
            "hs6-20y",
            "pseudo HS6 (each HS4 split in 4, Dirichlet shares) × 20 years (1997–2016), noise",
            ATLAS_2016,
            years=tuple(range(1997, 2017)),
            hs6=True,
            **_ATLAS_COLUMNS,
        ),
        Panel(
            "ots-3y",
            "real Open Trade Statistics HS07 4-digit exports, 1962, 1980, 2017",
            OTS_3Y,
            location="country_code",
            item="hs07_code",
            value="export_value_usd",
        ),
    )
}


def panel_file(panel: Panel, data_dir: Path, cache_dir: Path) -> Path:
    """Path of the Parquet file the benchmark children read for ``panel``.

    Real panels are read in place from ``data_dir``; synthetic ones are generated into
    ``cache_dir`` on first use (and again whenever the source file or the generator changes).
    """
    source = data_dir / panel.source
    if not source.is_file():
        raise FileNotFoundError(f"{panel.name}: source table not found: {source}")
    if not panel.synthetic:
        return source

    stat = source.stat()
    key = json.dumps(
        [GENERATOR_VERSION, SEED, NOISE_SIGMA, panel.name, panel.years, stat.st_size],
        sort_keys=True,
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    target = cache_dir / f"{panel.name}-{digest}.parquet"
    if target.is_file():
        return target

    cache_dir.mkdir(parents=True, exist_ok=True)
    # Keep the cache out of version control whatever the repository's .gitignore says.
    (cache_dir / ".gitignore").write_text("*\n")
    frame = _generate(panel, source)
    partial = target.with_suffix(".partial")
    frame.to_parquet(partial, index=False)
    partial.replace(target)
    return target


def _generate(panel: Panel, source: Path) -> pd.DataFrame:
    assert panel.years is not None
    base = pd.read_parquet(source, columns=panel.columns)
    base = base.sort_values([panel.location, panel.item], ignore_index=True)
    locations = base[panel.location].to_numpy(dtype=object)
    items = base[panel.item].to_numpy(dtype=object)
    values = base[panel.value].to_numpy(dtype=np.float64)
    digits = 4
    if panel.hs6:
        digits = 6
        shares = np.random.default_rng([SEED, digits]).dirichlet(np.ones(HS6_SPLIT), len(values))
        suffixes = np.array([f"{k:02d}" for k in range(1, HS6_SPLIT + 1)], dtype=object)
        locations = np.repeat(locations, HS6_SPLIT)
        items = np.repeat(items, HS6_SPLIT) + np.tile(suffixes, len(values))
        values = np.rint(values[:, None] * shares).ravel()
        kept = values > 0
        locations, items, values = locations[kept], items[kept], values[kept]

    frames = []
    for year in panel.years:
        rng = np.random.default_rng([SEED, digits, year])
        noisy = np.rint(values * rng.lognormal(0.0, NOISE_SIGMA, len(values))).astype(np.int64)
        kept = noisy > 0
        frames.append(
            pd.DataFrame(
                {
                    "year": np.full(int(kept.sum()), year, dtype=np.int64),
                    panel.location: locations[kept],
                    panel.item: items[kept],
                    panel.value: noisy[kept],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
