"""The whole complexity pipeline on a tidy panel: every indicator, every period, one call."""

from __future__ import annotations

import contextlib
import os
import queue
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from vinculo.indicators._errors import IndicatorWarning, InputError
from vinculo.indicators._frames import (
    DuplicatePolicy,
    MissingPolicy,
    Panel,
    YearMatrix,
    as_pandas,
    build_panel,
)
from vinculo.indicators.complexity import (
    ComplexityVectors,
    _blas_one_thread,
    _eci_pci,
    eci_reflections,
)
from vinculo.indicators.rca import PresenceTest, _rca, presence, rpop
from vinculo.indicators.relatedness import (
    _cooccurrence_float32,
    _count_type,
    _density_and_outlook,
    _fill_proximity,
    proximity_from_cooccurrence,
)

__all__ = ["ComplexityResult", "complexity"]

FloatArray = npt.NDArray[np.float64]
Method = Literal["eigenvector", "reflections"]
OutputKind = Literal["pandas", "polars"]


@dataclass
class _Period:
    """Where a period lives in the tidy columns, and what is not a cell column."""

    time: Any
    locations: npt.NDArray[np.intp]
    items: npt.NDArray[np.intp]
    start: int
    vectors: ComplexityVectors
    coi: FloatArray
    cooccurrence: npt.NDArray[np.unsignedinteger[Any]]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.locations), len(self.items)

    @property
    def stop(self) -> int:
        return self.start + len(self.locations) * len(self.items)


_CELL_COLUMNS = ("value", "rca", "rpop", "mcp", "density", "cog")
# Periods computed side by side; each worker holds an item² workspace (300 MB at HS6).
_MAX_WORKERS = 4


class _Workspace:
    """Item × item buffers reused from one period to the next.

    Fresh memory costs about 1.3 s per GB the first time it is touched; an HS6 proximity
    matrix is 200 MB, so allocating it anew every period would cost more than computing it.
    """

    def __init__(self, n_items: int) -> None:
        self._counts = np.empty(n_items * n_items, dtype=np.float32)
        self._phi = np.empty(n_items * n_items, dtype=np.float64)

    def counts(self, n: int) -> npt.NDArray[np.float32]:
        return self._counts[: n * n].reshape(n, n)

    def phi(self, n: int) -> FloatArray:
        return self._phi[: n * n].reshape(n, n)


@dataclass
class ComplexityResult:
    """Every complexity indicator of a panel, as tidy frames and per-period matrices.

    Attributes
    ----------
    frame : DataFrame
        One row per (time, location, item) kept in that period (zero cells included):
        the input value, ``rca`` (and ``rpop``), ``mcp`` (presence), ``diversity``,
        ``ubiquity``, ``eci``, ``pci``, ``density``, ``coi`` and ``cog``.
    locations : DataFrame
        One row per (time, location): ``diversity``, ``eci``, ``coi``.
    items : DataFrame
        One row per (time, item): ``ubiquity``, ``pci``.
    parameters : dict
        The options the result was computed with (threshold, presence test, method...).
    """

    frame: Any
    locations: Any
    items: Any
    parameters: dict[str, Any]
    _periods: dict[Any, _Period] = field(repr=False)
    _panel: Panel = field(repr=False)
    _columns: dict[str, npt.NDArray[Any]] = field(repr=False)

    @property
    def times(self) -> list[Any]:
        """The periods computed, in ascending order."""
        return list(self._periods)

    def _period(self, time: Any) -> _Period:
        try:
            return self._periods[time]
        except KeyError:
            raise KeyError(f"no period {time!r}; the result has {self.times}") from None

    def items_in(self, time: Any) -> pd.Index:
        """Items kept in a period, in the order of :meth:`proximity`'s rows."""
        return self._panel.items[self._period(time).items]

    def locations_in(self, time: Any) -> pd.Index:
        """Locations kept in a period, in the order of :meth:`matrix`'s rows."""
        return self._panel.locations[self._period(time).locations]

    def proximity(self, time: Any, *, out: FloatArray | None = None) -> FloatArray:
        """The item × item proximity matrix of a period, rebuilt exactly from stored counts.

        Pass ``out`` (e.g. the previous period's matrix, when the item counts agree) to
        reuse one buffer instead of allocating items² floats per call.
        """
        counts = self._period(time).cooccurrence
        if out is not None and out.shape != counts.shape:
            out = None
        return proximity_from_cooccurrence(counts, out=out)

    def matrix(self, time: Any, name: str) -> npt.NDArray[Any]:
        """A location × item matrix of a period, as a view of the frame's column:
        ``"value"``, ``"rca"``, ``"rpop"``, ``"mcp"``, ``"density"`` or ``"cog"``."""
        period = self._period(time)
        if name not in _CELL_COLUMNS or name not in self._columns:
            available = [c for c in _CELL_COLUMNS if c in self._columns]
            raise KeyError(f"no matrix {name!r}; choose from {available}")
        return self._columns[name][period.start : period.stop].reshape(period.shape)

    def complexity_vectors(self, time: Any) -> ComplexityVectors:
        """The raw ECI/PCI vectors of a period (see :class:`ComplexityVectors`)."""
        return self._period(time).vectors

    def proximity_frame(self, times: Iterable[Any] | None = None) -> pd.DataFrame:
        """Proximity as a tidy edge list: one row per (time, item_1, item_2), all pairs.

        The same layout as ``ecomplexity.proximity``; large (items² rows per period).
        """
        names = self._panel.column_names
        parts = []
        for time in self.times if times is None else times:
            labels = self.items_in(time)
            n = len(labels)
            parts.append(
                pd.DataFrame(
                    {
                        names["time"]: np.repeat(np.asarray([time]), n * n),
                        f"{names['item']}_1": np.repeat(labels.to_numpy(), n),
                        f"{names['item']}_2": np.tile(labels.to_numpy(), n),
                        "proximity": self.proximity(time).ravel(),
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)


def _population_vector(
    population: Any, panel: Panel, period: YearMatrix, columns: tuple[str, str, str]
) -> FloatArray:
    time_col, location_col, value_col = columns
    frame = as_pandas(population, [c for c in columns if c])
    if time_col:
        frame = frame[frame[time_col] == period.time]
    series = frame.set_index(location_col)[value_col]
    if series.index.has_duplicates:
        raise InputError(
            f"population has several rows for one location in {period.time}: "
            f"{sorted(map(str, series.index[series.index.duplicated()].unique()))[:5]}"
        )
    wanted = panel.locations[period.locations]
    values = series.reindex(wanted)
    missing = wanted[values.isna().to_numpy()]
    if len(missing):
        raise InputError(
            f"population is missing for {len(missing)} location(s) in {period.time}: "
            f"{', '.join(map(str, missing[:5]))}"
        )
    return values.to_numpy(dtype=np.float64)


def _compute_vectors(
    period: YearMatrix,
    cells: dict[str, npt.NDArray[Any]],
    *,
    test: PresenceTest,
    threshold: float,
    rpop_threshold: float,
    population: FloatArray | None,
    method: Method,
) -> ComplexityVectors:
    """First stage of a period: RCA, presence, diversity, ubiquity, ECI and PCI, written
    into the period's block of the tidy columns (the stage that may warn)."""
    cells["value"][...] = period.values
    rca_values = _rca(period.values, out=cells["rca"])  # the panel is validated already
    rpop_values = None
    if population is not None:
        rpop_values = rpop(period.values, population)
        cells["rpop"][...] = rpop_values
    mcp = presence(
        rca_values,
        threshold,
        rpop_values=rpop_values,
        rpop_threshold=rpop_threshold,
        test=test,
    )
    cells["mcp"][...] = mcp
    cells["diversity"][...] = mcp.sum(axis=1)[:, np.newaxis]
    cells["ubiquity"][...] = mcp.sum(axis=0)[np.newaxis, :]
    vectors = _eci_pci(mcp) if method == "eigenvector" else eci_reflections(mcp)
    cells["eci"][...] = vectors.eci[:, np.newaxis]
    cells["pci"][...] = vectors.pci[np.newaxis, :]
    return vectors


def _compute_relatedness(
    cells: dict[str, npt.NDArray[Any]],
    vectors: ComplexityVectors,
    workspaces: queue.SimpleQueue[_Workspace],
) -> tuple[FloatArray, npt.NDArray[np.unsignedinteger[Any]]]:
    """Second stage: proximity, density, COI and COG (the item² work). Thread-safe: each
    call takes a workspace of its own and writes only its period's block."""
    mcp = cells["mcp"].astype(np.float64)
    workspace = workspaces.get()
    try:
        n_items = mcp.shape[1]
        counts = _cooccurrence_float32(mcp, out=workspace.counts(n_items))
        phi = _fill_proximity(counts, workspace.phi(n_items))
        _, coi, _ = _density_and_outlook(
            mcp,
            phi,
            phi.sum(axis=1),
            vectors,
            density_out=cells["density"],
            cog_out=cells["cog"],
            warn=False,
        )
        stored = counts.astype(_count_type(mcp.shape[0]))
    finally:
        workspaces.put(workspace)
    cells["coi"][...] = coi[:, np.newaxis]
    return coi, stored


def _allocate(
    panel: Panel, shapes: list[tuple[int, int]], with_rpop: bool
) -> dict[str, npt.NDArray[Any]]:
    """The tidy columns, allocated once for all periods."""
    total = sum(n_loc * n_item for n_loc, n_item in shapes)
    dtypes: dict[str, Any] = {
        "time": panel.times.dtype if panel.times[0] is not None else np.int8,
        "location": np.int16 if len(panel.locations) < 2**15 else np.int32,
        "item": np.int16 if len(panel.items) < 2**15 else np.int32,
        "value": panel.values.dtype,
        "rca": np.float64,
        "mcp": np.int8,
        "diversity": np.int32,
        "ubiquity": np.int32,
        "eci": np.float64,
        "pci": np.float64,
        "density": np.float64,
        "coi": np.float64,
        "cog": np.float64,
    }
    if with_rpop:
        dtypes["rpop"] = np.float64
    return {name: np.empty(total, dtype=dtype) for name, dtype in dtypes.items()}


def _assemble_frames(
    panel: Panel, columns: dict[str, npt.NDArray[Any]], periods: list[_Period], value: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    names = panel.column_names
    from_codes: Any = pd.Categorical.from_codes  # the stubs lack `validate`
    loc_type = pd.CategoricalDtype(panel.locations, ordered=True)
    item_type = pd.CategoricalDtype(panel.items, ordered=True)
    has_time = panel.times[0] is not None

    tidy: dict[str, Any] = {}
    if has_time:
        tidy[names["time"]] = columns["time"]
    tidy[names["location"]] = from_codes(columns["location"], dtype=loc_type, validate=False)
    tidy[names["item"]] = from_codes(columns["item"], dtype=item_type, validate=False)
    tidy[value] = columns["value"]
    for name in ("rca", "rpop", "mcp", "diversity", "ubiquity", "eci", "pci", "density"):
        if name in columns:
            tidy[name] = columns[name]
    tidy["coi"] = columns["coi"]
    tidy["cog"] = columns["cog"]
    frame = pd.DataFrame(tidy, copy=False)

    def per_period(get: Callable[[_Period], Any], size: Callable[[_Period], int]) -> Any:
        return np.concatenate([np.broadcast_to(np.asarray(get(p)), size(p)) for p in periods])

    n_loc: Callable[[_Period], int] = lambda p: len(p.locations)  # noqa: E731
    n_item: Callable[[_Period], int] = lambda p: len(p.items)  # noqa: E731
    locations: dict[str, Any] = {names["time"]: per_period(lambda p: p.time, n_loc)}
    locations.update(
        {
            names["location"]: from_codes(
                per_period(lambda p: p.locations, n_loc), dtype=loc_type, validate=False
            ),
            "diversity": per_period(
                lambda p: columns["diversity"][p.start : p.stop : len(p.items)], n_loc
            ),
            "eci": per_period(lambda p: p.vectors.eci, n_loc),
            "coi": per_period(lambda p: p.coi, n_loc),
        }
    )
    items: dict[str, Any] = {names["time"]: per_period(lambda p: p.time, n_item)}
    items.update(
        {
            names["item"]: from_codes(
                per_period(lambda p: p.items, n_item), dtype=item_type, validate=False
            ),
            "ubiquity": per_period(
                lambda p: columns["ubiquity"][p.start : p.start + len(p.items)], n_item
            ),
            "pci": per_period(lambda p: p.vectors.pci, n_item),
        }
    )
    locations_frame, items_frame = pd.DataFrame(locations), pd.DataFrame(items)
    if not has_time:
        locations_frame = locations_frame.drop(columns=names["time"])
        items_frame = items_frame.drop(columns=names["time"])
    return frame, locations_frame, items_frame


def _to_polars(frame: pd.DataFrame) -> Any:
    import polars as pl

    return pl.from_pandas(frame)


def _warn_for_period(caught: list[warnings.WarningMessage], panel: Panel, time: Any) -> None:
    """Re-emit warnings caught while computing a period, saying which period."""
    for warning in caught:
        message = str(warning.message)
        if issubclass(warning.category, IndicatorWarning):
            message = f"{panel.column_names['time']}={time}: {message}"
        warnings.warn(message, warning.category, stacklevel=3)


def _relatedness_in_parallel(
    matrices: list[YearMatrix],
    blocks: list[dict[str, npt.NDArray[Any]]],
    vectors: list[ComplexityVectors],
    panel: Panel,
    on_period: Callable[[Any], None] | None,
) -> list[tuple[FloatArray, npt.NDArray[np.unsignedinteger[Any]]]]:
    """The item² stage of every period, periods side by side on the available cores.

    Each worker runs BLAS on one thread (two 2-thread products at once would fight for the
    cores), and has its own item² workspace.
    """
    n_workers = max(1, min(len(matrices), os.cpu_count() or 1, _MAX_WORKERS))
    largest = max(m.values.shape[1] for m in matrices)
    workspaces: queue.SimpleQueue[_Workspace] = queue.SimpleQueue()
    for _ in range(n_workers):
        workspaces.put(_Workspace(largest))
    results: list[Any] = [None] * len(matrices)
    with (
        _blas_one_thread() if n_workers > 1 else contextlib.nullcontext(),
        ThreadPoolExecutor(max_workers=n_workers) as executor,
    ):
        futures = {
            executor.submit(_compute_relatedness, cells, period_vectors, workspaces): index
            for index, (cells, period_vectors) in enumerate(zip(blocks, vectors, strict=True))
        }
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            if on_period is not None:
                on_period(matrices[index].time)
    for index, (coi, _) in enumerate(results):
        if not np.isfinite(coi).any():
            message = "COI is undefined: every location has the same complexity outlook"
            _warn_for_period(
                [warnings.WarningMessage(message, IndicatorWarning, __file__, 0)],
                panel,
                matrices[index].time,
            )
    return results


def complexity(
    frame: Any,
    *,
    time: str | None,
    location: str,
    item: str,
    value: str,
    presence_test: PresenceTest = "rca",
    threshold: float = 1.0,
    rpop_threshold: float = 1.0,
    population: Any = None,
    population_columns: tuple[str, str, str] | None = None,
    method: Method = "eigenvector",
    missing: MissingPolicy = "raise",
    duplicates: DuplicatePolicy = "raise",
    output: OutputKind | None = None,
    on_period: Callable[[Any], None] | None = None,
) -> ComplexityResult:
    r"""Compute every complexity indicator of a location × item × time panel in one call.

    For each period, on the locations and items with a non-zero total in it: RCA
    (:func:`~vinculo.indicators.rca`), presence :math:`M` (RCA ≥ ``threshold``; or RPOP,
    or either), diversity and ubiquity, ECI and PCI (:func:`~vinculo.indicators.eci_pci`),
    proximity, density, COI and COG (:mod:`vinculo.indicators.relatedness`). The numbers
    agree with ``ecomplexity`` 0.5.3 (Growth Lab) to floating-point tolerance; the
    differences in treatment of bad or degenerate input are listed in
    ``docs/indicators.md``.

    Parameters
    ----------
    frame : pandas.DataFrame or polars.DataFrame
        Tidy panel: one row per (time, location, item) with a non-negative value; absent
        rows count as 0. Works for any location (countries, states, institutions) and any
        item (products, research fields, technology fields).
    time, location, item, value : str
        Column names. ``time=None`` treats the frame as a single period.
    presence_test : {"rca", "rpop", "both"}, default "rca"
        ``"rpop"`` and ``"both"`` (either test) need ``population``.
    threshold, rpop_threshold : float, default 1
    population : DataFrame, optional
        Population per (time, location), columns named by ``population_columns``
        (default: the panel's time and location columns and ``"population"``).
    method : {"eigenvector", "reflections"}, default "eigenvector"
    missing : {"raise", "zero"}, default "raise"
        NaN values raise, or count as 0 with a warning (``ecomplexity``'s behaviour).
    duplicates : {"raise", "first", "sum"}, default "raise"
        Repeated keys raise, keep the first row (``ecomplexity``'s behaviour) or are summed.
    output : {"pandas", "polars"}, optional
        Kind of the result's frames; by default the kind of ``frame``.
    on_period : callable, optional
        Called with each period's time value once it is computed (for progress bars).

    Returns
    -------
    ComplexityResult

    Raises
    ------
    InputError
        On a missing column, non-numeric, negative or infinite values, NaN (unless
        ``missing="zero"``), duplicate keys (unless allowed), an empty panel, or missing
        population.

    Warns
    -----
    IndicatorWarning
        When locations or items with a total of 0 in a period are left out of it, and
        for the degenerate cases of :func:`~vinculo.indicators.eci_pci`.

    Examples
    --------
    >>> import pandas as pd
    >>> exports = pd.DataFrame({
    ...     "year": [2020] * 12,
    ...     "country": ["A"] * 3 + ["B"] * 3 + ["C"] * 3 + ["D"] * 3,
    ...     "product": ["x", "y", "z"] * 4,
    ...     "usd": [10, 50, 50, 10, 30, 20, 30, 40, 30, 40, 10, 20],
    ... })
    >>> result = complexity(exports, time="year", location="country", item="product",
    ...                     value="usd")
    >>> result.locations[["country", "diversity", "eci"]].round(4)
      country  diversity     eci
    0       A          2  1.1717
    1       B          1  0.6509
    2       C          2 -0.3906
    3       D          1 -1.4321
    >>> result.frame.loc[result.frame.country == "A", ["product", "rca", "mcp"]].round(4)
      product     rca  mcp
    0       x  0.3434    0
    1       y  1.1888    1
    2       z  1.2879    1

    References
    ----------
    .. [1] Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic
       complexity. PNAS, 106(26), 10570-10575.
    .. [2] Hausmann, R. et al. (2014). The Atlas of Economic Complexity. MIT Press.
    .. [3] Growth Lab (2024). py-ecomplexity 0.5.3, https://github.com/cid-harvard/py-ecomplexity
    """
    if presence_test not in ("rca", "rpop", "both"):
        raise InputError(f"unknown presence test {presence_test!r}; use 'rca', 'rpop' or 'both'")
    if method not in ("eigenvector", "reflections"):
        raise InputError(f"unknown method {method!r}; use 'eigenvector' or 'reflections'")
    if presence_test != "rca" and population is None:
        raise InputError(f"presence_test={presence_test!r} needs a population frame")
    panel = build_panel(
        frame,
        time=time,
        location=location,
        item=item,
        value=value,
        missing=missing,
        duplicates=duplicates,
    )
    pop_columns = population_columns or (time or "", location, "population")
    matrices = list(panel.years())
    if not matrices:
        raise InputError("the panel has no period with a non-zero value")
    shapes = [m.values.shape for m in matrices]
    columns = _allocate(panel, shapes, with_rpop=presence_test != "rca")
    blocks: list[dict[str, npt.NDArray[Any]]] = []
    vectors: list[ComplexityVectors] = []
    start = 0
    for period in matrices:
        n_loc, n_item = period.values.shape
        cells = {
            name: column[start : start + n_loc * n_item].reshape(n_loc, n_item)
            for name, column in columns.items()
        }
        start += n_loc * n_item
        cells["time"][...] = period.time if period.time is not None else 0
        cells["location"][...] = period.locations[:, np.newaxis]
        cells["item"][...] = period.items[np.newaxis, :]
        pop = (
            _population_vector(population, panel, period, pop_columns)
            if presence_test != "rca"
            else None
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            vectors.append(
                _compute_vectors(
                    period,
                    cells,
                    test=presence_test,
                    threshold=threshold,
                    rpop_threshold=rpop_threshold,
                    population=pop,
                    method=method,
                )
            )
        blocks.append(cells)
        _warn_for_period(caught, panel, period.time)
    outlooks = _relatedness_in_parallel(matrices, blocks, vectors, panel, on_period)
    periods: list[_Period] = []
    start = 0
    for period, period_vectors, (coi, counts) in zip(matrices, vectors, outlooks, strict=True):
        periods.append(
            _Period(period.time, period.locations, period.items, start, period_vectors, coi, counts)
        )
        start += period.values.size
    tidy, locations, items = _assemble_frames(panel, columns, periods, value)
    kind = output or ("polars" if type(frame).__module__.startswith("polars") else "pandas")
    if kind == "polars":
        tidy, locations, items = _to_polars(tidy), _to_polars(locations), _to_polars(items)
    parameters = {
        "presence_test": presence_test,
        "threshold": threshold,
        "rpop_threshold": rpop_threshold,
        "method": method,
        "missing": missing,
        "duplicates": duplicates,
        "columns": {"time": time, "location": location, "item": item, "value": value},
    }
    return ComplexityResult(
        tidy,
        locations,
        items,
        parameters,
        {p.time: p for p in periods},
        panel,
        columns,
    )
