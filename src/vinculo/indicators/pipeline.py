"""The whole complexity pipeline on a tidy panel: every indicator, every period, one call."""

from __future__ import annotations

import contextlib
import os
import queue
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from vinculo.indicators._errors import IndicatorWarning, InputError
from vinculo.indicators._frames import (
    DuplicatePolicy,
    MissingPolicy,
    Panel,
    YearMatrix,
    _to_arrow,
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

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["ComplexityBatches", "ComplexityResult", "complexity", "complexity_batches"]

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
        import pandas as pd

        labels = self._panel.items[self._period(time).items]
        index: pd.Index = pd.Index(labels, name=self._panel.column_names["item"])
        return index

    def locations_in(self, time: Any) -> pd.Index:
        """Locations kept in a period, in the order of :meth:`matrix`'s rows."""
        import pandas as pd

        labels = self._panel.locations[self._period(time).locations]
        index: pd.Index = pd.Index(labels, name=self._panel.column_names["location"])
        return index

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
        import pandas as pd

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


def _code_type(n_labels: int) -> type[np.signedinteger[Any]]:
    """The integer type of category codes, as pandas picks it (so that a tidy frame in
    Arrow has the dictionary index type it has when converted from pandas)."""
    for kind in (np.int8, np.int16, np.int32):
        if n_labels < np.iinfo(kind).max:
            return kind
    return np.int64


def _column_types(panel: Panel, with_rpop: bool) -> dict[str, np.dtype[Any]]:
    """The dtype of every tidy column (and of the key codes), in the frame's order."""
    dtypes: dict[str, Any] = {
        "time": panel.times.dtype if panel.times[0] is not None else np.int8,
        "location": _code_type(len(panel.locations)),
        "item": _code_type(len(panel.items)),
        "value": panel.values.dtype,
        "rca": np.float64,
    }
    if with_rpop:
        dtypes["rpop"] = np.float64
    dtypes |= {
        "mcp": np.int8,
        "diversity": np.int32,
        "ubiquity": np.int32,
        "eci": np.float64,
        "pci": np.float64,
        "density": np.float64,
        "coi": np.float64,
        "cog": np.float64,
    }
    return {name: np.dtype(dtype) for name, dtype in dtypes.items()}


def _allocate(
    panel: Panel, shapes: list[tuple[int, int]], with_rpop: bool
) -> dict[str, npt.NDArray[Any]]:
    """The tidy columns, allocated once for all periods."""
    total = sum(n_loc * n_item for n_loc, n_item in shapes)
    return {
        name: np.empty(total, dtype=dtype)
        for name, dtype in _column_types(panel, with_rpop).items()
    }


def _assemble_frames(
    panel: Panel, columns: dict[str, npt.NDArray[Any]], periods: list[_Period], value: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    import pandas as pd

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


def _warn_for_period(
    caught: list[warnings.WarningMessage], panel: Panel, time: Any, stacklevel: int = 4
) -> None:
    """Re-emit warnings caught while computing a period, saying which period."""
    for warning in caught:
        message = str(warning.message)
        if issubclass(warning.category, IndicatorWarning):
            message = f"{panel.column_names['time']}={time}: {message}"
        warnings.warn(message, warning.category, stacklevel=stacklevel)


@dataclass(frozen=True)
class _Options:
    """How the periods are computed (the options of :func:`complexity`)."""

    test: PresenceTest
    threshold: float
    rpop_threshold: float
    population: Any
    population_columns: tuple[str, str, str]
    method: Method

    @property
    def parameters(self) -> dict[str, Any]:
        return {
            "presence_test": self.test,
            "threshold": self.threshold,
            "rpop_threshold": self.rpop_threshold,
            "method": self.method,
        }


def _options(
    presence_test: PresenceTest,
    threshold: float,
    rpop_threshold: float,
    population: Any,
    population_columns: tuple[str, str, str] | None,
    method: Method,
    time: str | None,
    location: str,
) -> _Options:
    if presence_test not in ("rca", "rpop", "both"):
        raise InputError(f"unknown presence test {presence_test!r}; use 'rca', 'rpop' or 'both'")
    if method not in ("eigenvector", "reflections"):
        raise InputError(f"unknown method {method!r}; use 'eigenvector' or 'reflections'")
    if presence_test != "rca" and population is None:
        raise InputError(f"presence_test={presence_test!r} needs a population frame")
    columns = population_columns or (time or "", location, "population")
    return _Options(presence_test, threshold, rpop_threshold, population, columns, method)


@dataclass
class _Computed:
    """One period, computed: its block of the tidy columns and what is not a cell."""

    period: YearMatrix
    cells: dict[str, npt.NDArray[Any]]
    vectors: ComplexityVectors
    coi: FloatArray
    cooccurrence: npt.NDArray[np.unsignedinteger[Any]]


def _computed_periods(
    panel: Panel,
    periods: Iterable[YearMatrix],
    options: _Options,
    block: Callable[[YearMatrix], dict[str, npt.NDArray[Any]]],
    on_period: Callable[[Any], None] | None,
    stacklevel: int = 4,
) -> Iterator[_Computed]:
    """Compute every period; yield them in time order.

    The first stage of a period (RCA, presence, ECI: the stage that may warn) runs in this
    thread, period after period, so that every warning names its period; its item² stage
    then runs on a worker thread (a thread per core, BLAS on one thread each, an item²
    workspace each) while this thread goes on with the next periods and the consumer with
    the finished ones. ``block(period)`` gives the arrays the period's cells are written
    into. At most ``workers + 2`` periods are in flight, so a consumer that writes each
    period out holds only those in memory.
    """
    n_workers = max(1, min(len(panel.times), os.cpu_count() or 1, _MAX_WORKERS))
    workspaces: queue.SimpleQueue[_Workspace] = queue.SimpleQueue()
    for _ in range(n_workers):
        workspaces.put(_Workspace(len(panel.items)))
    in_flight: deque[tuple[YearMatrix, dict[str, Any], ComplexityVectors, Future[Any]]] = deque()

    def finish() -> _Computed:
        period, cells, vectors, future = in_flight.popleft()
        coi, counts = future.result()
        if on_period is not None:
            on_period(period.time)
        if not np.isfinite(coi).any():
            message = "COI is undefined: every location has the same complexity outlook"
            caught = [warnings.WarningMessage(message, IndicatorWarning, __file__, 0)]
            _warn_for_period(caught, panel, period.time, stacklevel + 1)
        return _Computed(period, cells, vectors, coi, counts)

    with (
        _blas_one_thread() if n_workers > 1 else contextlib.nullcontext(),
        ThreadPoolExecutor(max_workers=n_workers) as executor,
    ):
        for period in periods:
            cells = block(period)
            cells["time"][...] = period.time if period.time is not None else 0
            cells["location"][...] = period.locations[:, np.newaxis]
            cells["item"][...] = period.items[np.newaxis, :]
            population = (
                _population_vector(options.population, panel, period, options.population_columns)
                if options.test != "rca"
                else None
            )
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                vectors = _compute_vectors(
                    period,
                    cells,
                    test=options.test,
                    threshold=options.threshold,
                    rpop_threshold=options.rpop_threshold,
                    population=population,
                    method=options.method,
                )
            _warn_for_period(caught, panel, period.time, stacklevel)
            future = executor.submit(_compute_relatedness, cells, vectors, workspaces)
            in_flight.append((period, cells, vectors, future))
            while in_flight and (in_flight[0][3].done() or len(in_flight) > n_workers + 1):
                yield finish()
        while in_flight:
            yield finish()


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
    options = _options(
        presence_test,
        threshold,
        rpop_threshold,
        population,
        population_columns,
        method,
        time,
        location,
    )
    panel = build_panel(
        frame,
        time=time,
        location=location,
        item=item,
        value=value,
        missing=missing,
        duplicates=duplicates,
    )
    matrices = list(panel.years())
    if not matrices:
        raise InputError("the panel has no period with a non-zero value")
    shapes = [m.values.shape for m in matrices]
    columns = _allocate(panel, shapes, with_rpop=presence_test != "rca")
    stops = iter(np.cumsum([n_loc * n_item for n_loc, n_item in shapes]))

    def block(period: YearMatrix) -> dict[str, npt.NDArray[Any]]:
        """The period's views of the tidy columns (periods come in order)."""
        stop = int(next(stops))
        return {
            name: column[stop - period.values.size : stop].reshape(period.values.shape)
            for name, column in columns.items()
        }

    periods: list[_Period] = []
    start = 0
    for done in _computed_periods(panel, matrices, options, block, on_period):
        period = done.period
        periods.append(
            _Period(
                period.time,
                period.locations,
                period.items,
                start,
                done.vectors,
                done.coi,
                done.cooccurrence,
            )
        )
        start += period.values.size
    tidy, locations, items = _assemble_frames(panel, columns, periods, value)
    kind = output or ("polars" if type(frame).__module__.startswith("polars") else "pandas")
    if kind == "polars":
        tidy, locations, items = _to_polars(tidy), _to_polars(locations), _to_polars(items)
    parameters = {
        **options.parameters,
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


class ComplexityBatches:
    """Every complexity indicator of a panel, one Arrow record batch per period.

    Made by :func:`complexity_batches`. Iterating over it (once) computes the periods in
    ascending time order and yields, for each, a ``pyarrow.RecordBatch`` with the rows and
    columns of :attr:`ComplexityResult.frame` for that period; the location and item columns
    are dictionary-encoded (sorted labels, ``ordered``), as pandas categoricals become in
    Arrow, and no column is nullable (no value is missing). Each batch owns its memory,
    which returns to Arrow's pool when the batch is dropped: write the batches out as they
    come and only a few periods are ever in memory.

    Attributes
    ----------
    schema : pyarrow.Schema
        The schema of every batch.
    parameters : dict
        The options the indicators are computed with (as :attr:`ComplexityResult.parameters`).
    """

    def __init__(
        self,
        panel: Panel,
        options: _Options,
        parameters: dict[str, Any],
        value: str,
        *,
        keep_proximity: bool,
        on_period: Callable[[Any], None] | None,
    ) -> None:
        import pyarrow as pa

        self._panel = panel
        self._options = options
        self.parameters = parameters
        self._on_period = on_period
        self._keep_proximity = keep_proximity
        self._types = _column_types(panel, with_rpop=options.test != "rca")
        self._has_time = panel.times[0] is not None
        self._labels = {
            "location": _to_arrow(np.asarray(panel.locations)),
            "item": _to_arrow(np.asarray(panel.items)),
        }
        names = panel.column_names
        self._names = {"time": names["time"], "location": names["location"]}
        self._names |= {"item": names["item"], "value": value}
        self._order = [c for c in self._types if c != "time" or self._has_time]
        fields = []
        for column in self._order:
            if column in ("location", "item"):
                kind = pa.dictionary(
                    pa.from_numpy_dtype(self._types[column]), self._labels[column].type, True
                )
            elif column == "time":
                kind = _to_arrow(np.asarray(panel.times[:1])).type
            else:
                kind = pa.from_numpy_dtype(self._types[column])
            # no value is ever missing (an undefined ECI is NaN): required columns, which
            # Parquet writes without definition levels
            fields.append(pa.field(self._names.get(column, column), kind, nullable=False))
        self.schema: pa.Schema = pa.schema(fields)
        self._computed: dict[Any, _Period] = {}
        self._per_location: list[tuple[Any, npt.NDArray[Any], Any, FloatArray, FloatArray]] = []
        self._per_item: list[tuple[Any, npt.NDArray[Any], Any, FloatArray]] = []
        self._state = "new"

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        if self._state != "new":
            raise RuntimeError("the batches of a panel can be iterated over only once")
        self._state = "running"
        periods = self._panel.years(stacklevel=4)
        for done in _computed_periods(
            self._panel, periods, self._options, self._block, self._on_period
        ):
            self._record(done)
            yield self._batch(done)
        if not self._computed:
            raise InputError("the panel has no period with a non-zero value")
        self._state = "done"

    def _block(self, period: YearMatrix) -> dict[str, npt.NDArray[Any]]:
        """Arrays for the period's cells in memory from Arrow's pool (reused once freed:
        fresh memory costs more than the arithmetic)."""
        import pyarrow as pa

        shape = period.values.shape
        cells = {}
        for name, dtype in self._types.items():
            if dtype.kind in "iuf":
                buffer = pa.allocate_buffer(period.values.size * dtype.itemsize)
                cells[name] = np.frombuffer(buffer, dtype=dtype).reshape(shape)
            else:  # e.g. text periods: a Python object column
                cells[name] = np.empty(shape, dtype=dtype)
        return cells

    def _batch(self, done: _Computed) -> pa.RecordBatch:
        import pyarrow as pa

        arrays = []
        for column in self._order:
            cells = _to_arrow(done.cells[column].reshape(-1))  # zero-copy for numbers
            if column in ("location", "item"):
                cells = pa.DictionaryArray.from_arrays(
                    cells, self._labels[column], ordered=True, safe=False
                )
            arrays.append(cells)
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)

    def _record(self, done: _Computed) -> None:
        period, cells = done.period, done.cells
        empty = np.empty((0, 0), dtype=np.uint8)
        self._computed[period.time] = _Period(
            period.time,
            period.locations,
            period.items,
            0,
            done.vectors,
            done.coi,
            done.cooccurrence if self._keep_proximity else empty,
        )
        diversity = cells["diversity"][:, 0].copy()
        ubiquity = cells["ubiquity"][0, :].copy()
        self._per_location.append(
            (period.time, period.locations, diversity, done.vectors.eci, done.coi)
        )
        self._per_item.append((period.time, period.items, ubiquity, done.vectors.pci))

    def _finished(self) -> None:
        if self._state != "done":
            raise RuntimeError("iterate over the batches first: the periods are not computed yet")

    @property
    def n_periods(self) -> int:
        """How many periods the panel has: batches to expect at most (a period with no
        non-zero value yields none)."""
        return len(self._panel.times)

    @property
    def times(self) -> list[Any]:
        """The periods computed, in ascending order (after iterating)."""
        self._finished()
        return list(self._computed)

    @property
    def num_rows(self) -> int:
        """Rows of all the batches (after iterating)."""
        self._finished()
        return sum(len(p.locations) * len(p.items) for p in self._computed.values())

    def _table(self, rows: list[Any], key: str, names: tuple[str, ...]) -> pa.Table:
        import pyarrow as pa

        self._finished()
        columns: dict[str, Any] = {}
        if self._has_time:
            times = np.concatenate([np.full(len(r[1]), r[0]) for r in rows])
            columns[self._names["time"]] = _to_arrow(times.astype(self._types["time"]))
        codes = np.concatenate([r[1] for r in rows]).astype(self._types[key])
        columns[self._names[key]] = pa.DictionaryArray.from_arrays(
            _to_arrow(codes), self._labels[key], ordered=True, safe=False
        )
        for index, name in enumerate(names, start=2):
            columns[name] = _to_arrow(np.concatenate([r[index] for r in rows]))
        return pa.table(columns)

    @property
    def locations(self) -> pa.Table:
        """One row per (time, location): ``diversity``, ``eci``, ``coi`` (after iterating)."""
        return self._table(self._per_location, "location", ("diversity", "eci", "coi"))

    @property
    def items(self) -> pa.Table:
        """One row per (time, item): ``ubiquity``, ``pci`` (after iterating)."""
        return self._table(self._per_item, "item", ("ubiquity", "pci"))

    def items_in(self, time: Any) -> npt.NDArray[Any]:
        """Items kept in a period (labels), in the order of :meth:`proximity`'s rows."""
        self._finished()
        return np.asarray(self._panel.items)[self._computed[time].items]

    def locations_in(self, time: Any) -> npt.NDArray[Any]:
        """Locations kept in a period (labels), in the order of its rows."""
        self._finished()
        return np.asarray(self._panel.locations)[self._computed[time].locations]

    def proximity(self, time: Any, *, out: FloatArray | None = None) -> FloatArray:
        """The item × item proximity of a period (needs ``proximity=True``)."""
        self._finished()
        if not self._keep_proximity:
            raise RuntimeError("pass proximity=True to complexity_batches to keep proximity")
        if time not in self._computed:
            raise KeyError(f"no period {time!r}; the result has {self.times}")
        counts = self._computed[time].cooccurrence
        if out is not None and out.shape != counts.shape:
            out = None
        return proximity_from_cooccurrence(counts, out=out)

    @property
    def proximity_schema(self) -> pa.Schema:
        """The schema of :meth:`proximity_batches`."""
        import pyarrow as pa

        item = self._names["item"]
        fields = [self.schema.field(0)] if self._has_time else []
        fields += [
            pa.field(f"{item}_1", self._labels["item"].type, nullable=False),
            pa.field(f"{item}_2", self._labels["item"].type, nullable=False),
            pa.field("proximity", pa.float64(), nullable=False),
        ]
        return pa.schema(fields)

    def proximity_batches(self) -> Iterator[pa.RecordBatch]:
        """Proximity as tidy Arrow batches, one per period: ``time, item_1, item_2,
        proximity`` for every pair (the layout of :meth:`ComplexityResult.proximity_frame`)."""
        import pyarrow as pa

        item = self._names["item"]
        buffer = None
        for time in self.times:
            labels = _to_arrow(self.items_in(time))
            n = len(labels)
            buffer = self.proximity(time, out=buffer)
            columns = {}
            if self._has_time:
                times = np.full(n * n, time, dtype=self._types["time"])
                columns[self._names["time"]] = _to_arrow(times)
            columns[f"{item}_1"] = labels.take(_to_arrow(np.repeat(np.arange(n), n)))
            columns[f"{item}_2"] = labels.take(_to_arrow(np.tile(np.arange(n), n)))
            columns["proximity"] = _to_arrow(buffer.ravel().copy())
            yield pa.RecordBatch.from_pydict(columns, schema=self.proximity_schema)


def complexity_batches(
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
    proximity: bool = False,
    on_period: Callable[[Any], None] | None = None,
) -> ComplexityBatches:
    """:func:`complexity`, period by period, as Arrow record batches.

    The same numbers as :func:`complexity` (the same code computes them), for writing large
    panels out as they are computed: iterate over the result to get one
    ``pyarrow.RecordBatch`` per period. The input is validated here (``InputError`` now);
    the periods are computed during the iteration, which may warn as :func:`complexity`
    does.

    Parameters
    ----------
    frame : pyarrow.Table, pandas.DataFrame or polars.DataFrame
        Tidy panel, as for :func:`complexity`. An Arrow table is read without pandas:
        dictionary-encoded or plain text keys, integer or float values.
    time, location, item, value, presence_test, threshold, rpop_threshold, population, \
population_columns, method, missing, duplicates, on_period
        As for :func:`complexity`.
    proximity : bool, default False
        Keep the co-occurrence counts of every period (items² bytes each) so that
        :meth:`ComplexityBatches.proximity` and ``proximity_batches`` work afterwards.

    Returns
    -------
    ComplexityBatches

    Raises
    ------
    InputError
        As :func:`complexity` (a panel with no non-zero period: while iterating).

    Examples
    --------
    >>> import pyarrow as pa
    >>> exports = pa.table({
    ...     "year": [2020] * 12,
    ...     "country": ["A"] * 3 + ["B"] * 3 + ["C"] * 3 + ["D"] * 3,
    ...     "product": ["x", "y", "z"] * 4,
    ...     "usd": [10, 50, 50, 10, 30, 20, 30, 40, 30, 40, 10, 20],
    ... })
    >>> batches = complexity_batches(exports, time="year", location="country",
    ...                              item="product", value="usd")
    >>> [batch.num_rows for batch in batches]
    [12]
    >>> batches.schema.field("country").type
    DictionaryType(dictionary<values=string, indices=int8, ordered=1>)
    >>> [round(x, 4) for x in batches.locations.column("eci").to_pylist()]
    [1.1717, 0.6509, -0.3906, -1.4321]
    """
    options = _options(
        presence_test,
        threshold,
        rpop_threshold,
        population,
        population_columns,
        method,
        time,
        location,
    )
    panel = build_panel(
        frame,
        time=time,
        location=location,
        item=item,
        value=value,
        missing=missing,
        duplicates=duplicates,
    )
    parameters = {
        **options.parameters,
        "missing": missing,
        "duplicates": duplicates,
        "columns": {"time": time, "location": location, "item": item, "value": value},
    }
    return ComplexityBatches(
        panel, options, parameters, value, keep_proximity=proximity, on_period=on_period
    )
