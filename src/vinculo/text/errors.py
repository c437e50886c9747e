"""The text layer's exception."""

from __future__ import annotations

__all__ = ["TextError"]


class TextError(ValueError):
    """Input the text layer cannot use: a file that cannot be read, a line that is not a
    JSON object, a missing or empty field, an unknown priority, a model file of another
    kind. The message names the file, the line and the field where there are any."""
