"""Pure numerics of capability analytics: RCA, economic complexity, relatedness, bibliometrics.

Arrays and tidy frames (pandas or polars) in, arrays and tidy frames out. No I/O, no
Django: this layer imports nothing else of Vínculo, so analysts can use it in a notebook.
"""

from vinculo.indicators._errors import IndicatorError, IndicatorWarning, InputError
from vinculo.indicators.bibliometrics import (
    activity_index,
    activity_index_frame,
    collaboration_strength,
    collaboration_strength_frame,
    fractional_counts,
    international_collaboration_share,
    international_collaboration_share_frame,
    relative_specialization_index,
)
from vinculo.indicators.complexity import ComplexityVectors, eci_pci, eci_reflections
from vinculo.indicators.pipeline import (
    ComplexityBatches,
    ComplexityResult,
    complexity,
    complexity_batches,
)
from vinculo.indicators.rca import diversity, presence, rca, rpop, ubiquity
from vinculo.indicators.relatedness import (
    complexity_outlook,
    cooccurrence,
    density,
    distance,
    proximity,
    proximity_from_cooccurrence,
)
from vinculo.indicators.shrinkage import ShrunkRatio, shrunk_ratio

__all__ = [
    "ComplexityBatches",
    "ComplexityResult",
    "ComplexityVectors",
    "IndicatorError",
    "IndicatorWarning",
    "InputError",
    "ShrunkRatio",
    "activity_index",
    "activity_index_frame",
    "collaboration_strength",
    "collaboration_strength_frame",
    "complexity",
    "complexity_batches",
    "complexity_outlook",
    "cooccurrence",
    "density",
    "distance",
    "diversity",
    "eci_pci",
    "eci_reflections",
    "fractional_counts",
    "international_collaboration_share",
    "international_collaboration_share_frame",
    "presence",
    "proximity",
    "proximity_from_cooccurrence",
    "rca",
    "relative_specialization_index",
    "rpop",
    "shrunk_ratio",
    "ubiquity",
]
