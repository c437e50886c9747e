"""Vínculo: science-diplomacy intelligence from real public data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vinculo")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
