"""Bibliometric indicators: activity index, fractional counts, co-authorship measures."""

from vinculo.indicators.bibliometrics.activity import (
    activity_index,
    activity_index_frame,
    relative_specialization_index,
)
from vinculo.indicators.bibliometrics.collaboration import (
    collaboration_strength,
    collaboration_strength_frame,
)
from vinculo.indicators.bibliometrics.counting import (
    fractional_counts,
    international_collaboration_share,
    international_collaboration_share_frame,
)

__all__ = [
    "activity_index",
    "activity_index_frame",
    "collaboration_strength",
    "collaboration_strength_frame",
    "fractional_counts",
    "international_collaboration_share",
    "international_collaboration_share_frame",
    "relative_specialization_index",
]
