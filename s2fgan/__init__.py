"""s2fgan: sketch a face, get a portrait, steer it with attribute sliders, swap its regions."""

from s2fgan.constants import ATTRIBUTES, REGIONS
from s2fgan.version import __version__

__all__ = ["ATTRIBUTES", "REGIONS", "__version__"]
