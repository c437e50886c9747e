"""The whole complexity pipeline on a tidy panel: every indicator, every period, one call."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, cast

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
from vinculo.indicators.complexity import ComplexityVectors, eci_pci, eci_reflections
from vinculo.indicators.rca import PresenceTest, presence, rca, rpop
from vinculo.indicators.relatedness import (
    complexity_outlook,
    cooccurrence,
    density,
    proximity_from_cooccurrence,
)

__all__ = ["ComplexityResult", "complexity"]

FloatArray = npt.NDArray[np.float64]
Method = Literal["eigenvector", "reflections"]
OutputKind = Literal["pandas", "polars"]


@dataclass
class _Period:
    time: Any
    locations: npt.NDArray[np.intp]
    items: npt.NDArray[np.intp]
    values: npt.NDArray[Any]
    rca: FloatArray
    rpop: FloatArray | None
    presence: FloatArray
    vectors: ComplexityVectors
    density: FloatArray
    coi: FloatArray
    cog: FloatArray
    cooccurrence: npt.NDArray[np.unsignedinteger[Any]]


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

    def proximity(self, time: Any) -> FloatArray:
        """The item × item proximity matrix of a period (computed from stored counts)."""
        return proximity_from_cooccurrence(self._period(time).cooccurrence)

    def matrix(self, time: Any, name: str) -> FloatArray:
        """A location × item matrix of a period: ``"rca"``, ``"mcp"``, ``"density"``, ``"cog"``."""
        period = self._period(time)
        matrices: dict[str, Callable[[], Any]] = {
            "rca": lambda: period.rca,
            "rpop": lambda: period.rpop,
            "mcp": lambda: period.presence,
            "density": lambda: period.density,
            "cog": lambda: period.cog,
            "value": lambda: period.values,
        }
        if name not in matrices or matrices[name]() is None:
            raise KeyError(f"no matrix {name!r}; choose from {sorted(matrices)}")
        result: FloatArray = matrices[name]()
        return result

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


def _compute_period(
    period: YearMatrix,
    *,
    test: PresenceTest,
    threshold: float,
    rpop_threshold: float,
    population: FloatArray | None,
    method: Method,
) -> _Period:
    rca_values = rca(period.values)
    rpop_values = rpop(period.values, population) if population is not None else None
    mcp = presence(
        rca_values,
        threshold,
        rpop_values=rpop_values,
        rpop_threshold=rpop_threshold,
        test=test,
    )
    vectors = eci_pci(mcp) if method == "eigenvector" else eci_reflections(mcp)
    counts = cooccurrence(mcp)
    phi = proximity_from_cooccurrence(counts)
    omega = density(mcp, phi)
    coi, cog = complexity_outlook(mcp, phi, vectors, density_matrix=omega)
    return _Period(
        period.time,
        period.locations,
        period.items,
        period.values,
        rca_values,
        rpop_values,
        mcp,
        vectors,
        omega,
        coi,
        cog,
        counts,
    )


def _tidy(panel: Panel, periods: list[_Period], value: str) -> tuple[Any, Any, Any]:
    names = panel.column_names
    time_values = panel.times
    loc_type = pd.CategoricalDtype(panel.locations, ordered=True)
    item_type = pd.CategoricalDtype(panel.items, ordered=True)

    def categorical(codes: npt.NDArray[np.intp], dtype: pd.CategoricalDtype) -> pd.Categorical:
        return pd.Categorical.from_codes(cast(Any, codes), dtype=dtype)

    def cells(get: Callable[[_Period], npt.NDArray[Any]]) -> npt.NDArray[Any]:
        return np.concatenate([np.asarray(get(p)).ravel() for p in periods])

    def per_location(get: Callable[[_Period], npt.NDArray[Any]]) -> npt.NDArray[Any]:
        return np.concatenate([np.repeat(get(p), len(p.items)) for p in periods])

    def per_item(get: Callable[[_Period], npt.NDArray[Any]]) -> npt.NDArray[Any]:
        return np.concatenate([np.tile(get(p), len(p.locations)) for p in periods])

    sizes = [len(p.locations) * len(p.items) for p in periods]
    time_index = np.repeat(np.asarray([time_values.get_loc(p.time) for p in periods]), sizes)
    columns: dict[str, Any] = {
        names["time"]: time_values.to_numpy()[time_index],
        names["location"]: categorical(per_location(lambda p: p.locations), loc_type),
        names["item"]: categorical(per_item(lambda p: p.items), item_type),
        value: cells(lambda p: p.values),
        "rca": cells(lambda p: p.rca),
    }
    if periods[0].rpop is not None:
        columns["rpop"] = cells(lambda p: p.rpop)  # type: ignore[arg-type,return-value]
    columns.update(
        {
            "mcp": cells(lambda p: p.presence).astype(np.int8),
            "diversity": per_location(lambda p: p.presence.sum(axis=1)).astype(np.int32),
            "ubiquity": per_item(lambda p: p.presence.sum(axis=0)).astype(np.int32),
            "eci": per_location(lambda p: p.vectors.eci),
            "pci": per_item(lambda p: p.vectors.pci),
            "density": cells(lambda p: p.density),
            "coi": per_location(lambda p: p.coi),
            "cog": cells(lambda p: p.cog),
        }
    )
    frame = pd.DataFrame(columns, copy=False)
    if names["time"] == "time" and panel.times[0] is None:
        frame = frame.drop(columns="time")

    locations = pd.DataFrame(
        {
            names["time"]: np.concatenate(
                [np.repeat(np.asarray([p.time]), len(p.locations)) for p in periods]
            ),
            names["location"]: categorical(
                np.concatenate([p.locations for p in periods]), loc_type
            ),
            "diversity": np.concatenate([p.presence.sum(axis=1) for p in periods]).astype(np.int32),
            "eci": np.concatenate([p.vectors.eci for p in periods]),
            "coi": np.concatenate([p.coi for p in periods]),
        }
    )
    items = pd.DataFrame(
        {
            names["time"]: np.concatenate(
                [np.repeat(np.asarray([p.time]), len(p.items)) for p in periods]
            ),
            names["item"]: categorical(np.concatenate([p.items for p in periods]), item_type),
            "ubiquity": np.concatenate([p.presence.sum(axis=0) for p in periods]).astype(np.int32),
            "pci": np.concatenate([p.vectors.pci for p in periods]),
        }
    )
    return frame, locations, items


def _to_polars(frame: pd.DataFrame) -> Any:
    import polars as pl

    return pl.from_pandas(frame)


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
    periods = []
    for period in panel.years():
        pop = (
            _population_vector(population, panel, period, pop_columns)
            if presence_test != "rca"
            else None
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            periods.append(
                _compute_period(
                    period,
                    test=presence_test,
                    threshold=threshold,
                    rpop_threshold=rpop_threshold,
                    population=pop,
                    method=method,
                )
            )
        for warning in caught:  # say which period a warning is about
            message = str(warning.message)
            if issubclass(warning.category, IndicatorWarning):
                message = f"{panel.column_names['time']}={period.time}: {message}"
            warnings.warn(message, warning.category, stacklevel=2)
        if on_period is not None:
            on_period(period.time)
    if not periods:
        raise InputError("the panel has no period with a non-zero value")
    tidy, locations, items = _tidy(panel, periods, value)
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
    )
