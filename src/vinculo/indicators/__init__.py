"""Pure numerics of capability analytics: RCA, economic complexity, relatedness, bibliometrics.

Arrays and tidy frames (pandas or polars) in, arrays and tidy frames out. No I/O, no
Django: this layer imports nothing else of Vínculo, so analysts can use it in a notebook.
"""

from vinculo.indicators._errors import IndicatorError, IndicatorWarning, InputError
from vinculo.indicators.complexity import ComplexityVectors, eci_pci, eci_reflections
from vinculo.indicators.pipeline import ComplexityResult, complexity
from vinculo.indicators.rca import diversity, presence, rca, rpop, ubiquity
from vinculo.indicators.relatedness import (
    complexity_outlook,
    cooccurrence,
    density,
    distance,
    proximity,
    proximity_from_cooccurrence,
)

__all__ = [
    "ComplexityResult",
    "ComplexityVectors",
    "IndicatorError",
    "IndicatorWarning",
    "InputError",
    "complexity",
    "complexity_outlook",
    "cooccurrence",
    "density",
    "distance",
    "diversity",
    "eci_pci",
    "eci_reflections",
    "presence",
    "proximity",
    "proximity_from_cooccurrence",
    "rca",
    "rpop",
    "ubiquity",
]
